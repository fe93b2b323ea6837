use awc::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, PASSWORD};

fn registration(org: &str, email: &str) -> Value {
    json!({
        "org_number": org, "name": "Fjord Catering AS", "email": email, "password": PASSWORD,
        "employees": 12, "annual_turnover_ore": 610_000_000_i64,
        "home_municipality": "4601", "service_area": ["46"], "cpv": ["5552"]
    })
}

#[actix_web::test]
async fn a_supplier_registers_and_gets_its_sme_class() {
    let app = spawn_app().await;
    let token = app
        .register_supplier(registration("974760673", "post@fjordcatering.no"))
        .await;
    let me = app.my_supplier_profile(&token).await;
    assert_eq!(me["org_number"], "974760673");
    // 12 people and NOK 6.1 M: not micro (10 or more staff), small.
    assert_eq!(me["size_class"], "small");
    assert_eq!(me["service_area"], json!(["46", "4601"]));
    assert_eq!(me["cpv"], json!(["5552"]));

    // Grows past 250 staff: large.
    let grown = app
        .patch(
            "/api/v1/suppliers/me",
            Some(&token),
            json!({"employees": 300}),
        )
        .await;
    assert_eq!(grown.status, StatusCode::OK, "{}", grown.body);
    assert_eq!(
        (
            grown.body["size_class"].as_str(),
            grown.body["employees"].as_i64()
        ),
        (Some("large"), Some(300))
    );
    assert_eq!(
        grown.body["name"], "Fjord Catering AS",
        "untouched fields stay"
    );

    let bad = app
        .patch(
            "/api/v1/suppliers/me",
            Some(&token),
            json!({"home_municipality": "9999"}),
        )
        .await;
    assert_eq!(
        (bad.status, bad.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_municipality")
    );
    assert_eq!(bad.body["errors"][0]["field"], "home_municipality");
}

#[actix_web::test]
async fn a_supplier_cannot_register_twice_or_with_a_bad_org_number() {
    let app = spawn_app().await;
    app.register_supplier(registration("974760673", "a@fjord.no"))
        .await;
    let twice = app
        .post(
            "/api/v1/suppliers",
            None,
            registration("974760673", "b@fjord.no"),
        )
        .await;
    // Answered as any registration; the login's owner is told instead.
    assert_eq!(
        (twice.status, twice.code()),
        (StatusCode::ACCEPTED, "confirmation_required")
    );
    let (subject, text) = app.last_mail_to("a@fjord.no").await.expect("a note");
    assert_eq!(subject, "Forsøk på ny registrering i Samkjøp");
    assert!(text.contains("974760673"), "{text}");
    assert!(
        app.last_mail_to("b@fjord.no").await.is_none(),
        "nothing to confirm for the second address"
    );
    let bad = app
        .post(
            "/api/v1/suppliers",
            None,
            registration("974760670", "c@fjord.no"),
        )
        .await;
    assert_eq!(
        (bad.status, bad.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_org_number")
    );
    let login = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": "b@fjord.no", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        login.status,
        StatusCode::UNAUTHORIZED,
        "the refused registration left no account"
    );
}

const HEADER: &str =
    "org_number,name,employees,annual_turnover_ore,home_municipality,service_area,cpv\n";

#[actix_web::test]
async fn the_register_import_keeps_good_rows_and_reports_bad_ones_by_line() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let csv = format!(
        "{HEADER}974760673,Fjord Catering AS,12,610000000,4601,46,5552\n\
         974760674,Feil Sjekksiffer AS,3,100,4601,,5552\n\
         914778271,Grønn Vask AS,4,90000000,0301,03;3201,909\n\
         914778271,Dobbel AS,4,90000000,0301,,909\n\
         123456785,Ukjent Kommune AS,4,100,1201,,909\n"
    );
    let r = app
        .raw(
            Method::POST,
            "/api/v1/suppliers/import",
            Some(&admin),
            "text/csv",
            csv.into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.body["imported"].as_i64(), r.body["updated"].as_i64()),
        (Some(2), Some(0))
    );
    let rejected: Vec<(i64, &str)> = r.body["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["line"].as_i64().unwrap(), x["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rejected,
        vec![
            (3, "invalid_org_number"),
            (5, "duplicate_org_number"),
            (6, "unknown_municipality")
        ]
    );

    // The same register a year later: known numbers are updated, not duplicated.
    let again = format!("{HEADER}974760673,Fjord Catering AS,300,610000000,4601,46,5552\n");
    let r = app
        .raw(
            Method::POST,
            "/api/v1/suppliers/import",
            Some(&admin),
            "text/csv",
            again.into_bytes(),
        )
        .await;
    assert_eq!(
        (r.body["imported"].as_i64(), r.body["updated"].as_i64()),
        (Some(0), Some(1))
    );

    // The imported supplier later registers itself; the register holds no
    // address for it, so the operator approves: its record is completed.
    let token = app
        .register_supplier(registration("974760673", "post@fjordcatering.no"))
        .await;
    assert_eq!(
        app.my_supplier_profile(&token).await["employees"],
        12,
        "the supplier's own figures replace the register's"
    );
}

#[actix_web::test]
async fn the_register_import_is_for_operators_and_csv_only() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let bergen = app
        .user_token(
            &admin,
            "innkjop@bergen.kommune.no",
            "municipality",
            None,
            Some("4601"),
        )
        .await;
    let csv =
        format!("{HEADER}974760673,Fjord Catering AS,12,610000000,4601,46,5552\n").into_bytes();
    let r = app
        .raw(
            Method::POST,
            "/api/v1/suppliers/import",
            Some(&bergen),
            "text/csv",
            csv.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .raw(
            Method::POST,
            "/api/v1/suppliers/import",
            Some(&admin),
            "application/json",
            csv,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = app
        .raw(
            Method::POST,
            "/api/v1/suppliers/import",
            Some(&admin),
            "text/csv",
            b"name,cpv\nX,1\n".to_vec(),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_csv_header")
    );
    let mut bad_utf8 = HEADER.as_bytes().to_vec();
    bad_utf8.extend_from_slice(b"974760673,Fjord \xff AS,12,610000000,4601,46,5552\n");
    let r = app
        .raw(
            Method::POST,
            "/api/v1/suppliers/import",
            Some(&admin),
            "text/csv",
            bad_utf8,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["rejected"][0]["code"], "invalid_utf8");
    assert_eq!(r.body["imported"], 0);
}

#[actix_web::test]
async fn a_register_over_the_size_limit_is_refused_and_nothing_lands() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let mut csv = HEADER.as_bytes().to_vec();
    csv.extend_from_slice(b"974760673,Fjord Catering AS,12,610000000,4601,46,5552\n");
    csv.resize(65 * 1024 * 1024, b'\n');
    let r = app
        .raw(
            Method::POST,
            "/api/v1/suppliers/import",
            Some(&admin),
            "text/csv",
            csv,
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
    // Nothing of the refused file was imported: the number registers afresh,
    // confirmed by its own address, not by the operator.
    let r = app
        .post(
            "/api/v1/suppliers",
            None,
            registration("974760673", "a@fjord.no"),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let done = app.confirm_link_sent_to("a@fjord.no").await;
    assert!(
        done.body
            .as_str()
            .unwrap_or("")
            .contains("Registreringen er bekreftet"),
        "{}",
        done.body
    );
    let token = app.login("a@fjord.no", PASSWORD).await;
    let me = app.my_supplier_profile(&token).await;
    assert_eq!(me["created_at"], me["updated_at"]);
}
