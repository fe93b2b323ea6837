//! Registering as a supplier: nobody takes over a supplier of the register
//! without its address, an address is confirmed before it logs in, and the
//! answer never tells who has a login.

use awc::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::exports::{publish, school_meals_closed};
use crate::helpers::{TestApp, PASSWORD};

const FIRM: &str = "937628447";
const FIRM_ADDRESS: &str = "post@fjordcatering.no";

fn registration(org: &str, email: &str) -> Value {
    json!({
        "org_number": org, "name": "Fjord Catering AS", "email": email, "password": PASSWORD,
        "employees": 12, "annual_turnover_ore": 610_000_000_i64,
        "home_municipality": "4601", "service_area": ["46"], "cpv": ["5552"]
    })
}

/// The register import, with the firm's address where `email` is given.
async fn import(app: &TestApp, admin: &str, email: &str) {
    let csv = format!(
        "org_number,name,employees,annual_turnover_ore,home_municipality,service_area,cpv,email\n\
         {FIRM},Fjord Catering AS,12,610000000,4601,46,5552,{email}\n"
    );
    let r = app
        .raw(
            Method::POST,
            "/api/v1/suppliers/import",
            Some(admin),
            "text/csv",
            csv.into_bytes(),
        )
        .await;
    assert_eq!(r.body["imported"], 1, "{}", r.body);
}

/// The register's row of the firm: (staff, size class, home, address).
async fn register_row(app: &TestApp) -> (i64, String, String, Option<String>) {
    let s = app
        .db()
        .read(|c| samkjop::db::suppliers::find_by_org_number(c, FIRM))
        .await
        .expect("the register")
        .expect("the firm is in it");
    (
        s.employees,
        s.size_class.to_string(),
        s.home_municipality,
        s.email,
    )
}

async fn login(app: &TestApp, email: &str, password: &str) -> crate::helpers::Reply {
    app.post(
        "/api/v1/auth/token",
        None,
        json!({"email": email, "password": password}),
    )
    .await
}

fn html(r: &crate::helpers::Reply) -> &str {
    r.body.as_str().unwrap_or("")
}

/// The scale the published OCDS release gives the firm, awarded a lot.
async fn ocds_scale(app: &TestApp, procurement: &str) -> String {
    let package = app
        .get(&format!("/api/v1/procurements/{procurement}/ocds"), None)
        .await;
    assert_eq!(package.status, StatusCode::OK, "{}", package.body);
    package.body["releases"][0]["parties"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["identifier"]["id"] == FIRM && p["roles"] == json!(["supplier"]))
        .and_then(|p| p["details"]["scale"].as_str())
        .unwrap_or_else(|| panic!("the firm is a party: {}", package.body))
        .to_string()
}

#[actix_web::test]
async fn an_imported_supplier_is_taken_over_by_nobody_without_its_register_address() {
    let app = crate::helpers::spawn_app().await;
    let s = school_meals_closed(&app).await;
    import(&app, &s.admin, FIRM_ADDRESS).await;
    publish(&app, &s).await;
    let firm_id = app
        .db()
        .read(|c| samkjop::db::suppliers::find_by_org_number(c, FIRM))
        .await
        .expect("the register")
        .expect("imported")
        .id;
    let r = app
        .post(
            &format!("/api/v1/procurements/{}/award", s.id),
            Some(&s.coordinator),
            json!({"awards": [{"lot_id": s.meals, "supplier_id": firm_id}]}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let before = register_row(&app).await;
    assert_eq!(
        before,
        (12, "small".into(), "4601".into(), Some(FIRM_ADDRESS.into()))
    );
    assert_eq!(ocds_scale(&app, &s.id).await, "sme");

    // Someone registers the firm's number with their own address and figures.
    let mut takeover = registration(FIRM, "overtar@example.no");
    takeover["employees"] = json!(400);
    takeover["annual_turnover_ore"] = json!(90_000_000_000_i64);
    takeover["home_municipality"] = json!("0301");
    let r = app.post("/api/v1/suppliers", None, takeover).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::ACCEPTED, "confirmation_required"),
        "{}",
        r.body
    );
    assert_eq!(
        register_row(&app).await,
        before,
        "the register is unchanged"
    );
    assert_eq!(ocds_scale(&app, &s.id).await, "sme", "so is the OCDS scale");
    let refused = login(&app, "overtar@example.no", PASSWORD).await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::FORBIDDEN, "registration_pending")
    );
    // The link went to the firm's address, naming who asks; the registrant got none.
    let (subject, text) = app.last_mail_to(FIRM_ADDRESS).await.expect("a mail");
    assert_eq!(
        subject,
        format!("Bekreft innlogging for organisasjonsnummer {FIRM}")
    );
    assert!(text.contains("overtar@example.no"), "{text}");
    let takeover_link = app.confirmation_link_to(FIRM_ADDRESS).await;
    let (subject, text) = app
        .last_mail_to("overtar@example.no")
        .await
        .expect("a note");
    assert_eq!(
        subject,
        "Registreringen venter på bekreftelse fra virksomheten"
    );
    assert!(!text.contains("/confirm/"), "{text}");

    // The firm's own person registers; someone at the register's address confirms.
    let mut own = registration(FIRM, "daglig.leder@fjordcatering.no");
    own["employees"] = json!(300);
    let r = app.post("/api/v1/suppliers", None, own).await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let done = app.confirm_link_sent_to(FIRM_ADDRESS).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        html(&done).contains("Registreringen er bekreftet"),
        "{}",
        html(&done)
    );
    let token = app.login("daglig.leder@fjordcatering.no", PASSWORD).await;
    let me = app.my_supplier_profile(&token).await;
    assert_eq!(
        (
            me["employees"].as_i64(),
            me["size_class"].as_str(),
            me["id"].as_str()
        ),
        (Some(300), Some("large"), Some(firm_id.as_str())),
        "the registrant's profile applies to the register's row"
    );
    assert_eq!(ocds_scale(&app, &s.id).await, "large");
    let (subject, _) = app
        .last_mail_to("daglig.leder@fjordcatering.no")
        .await
        .expect("told");
    assert_eq!(subject, "Registreringen i Samkjøp er bekreftet");

    // The first registration's link, used now, can no longer take anything.
    let late = app
        .raw(
            Method::POST,
            &takeover_link,
            None,
            "application/x-www-form-urlencoded",
            Vec::new(),
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", html(&late));
    assert!(html(&late).contains("kunne ikke fullføres"));
    assert_eq!(
        login(&app, "overtar@example.no", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.my_supplier_profile(&token).await["employees"], 300);
}

#[actix_web::test]
async fn a_number_the_register_holds_without_an_address_waits_for_the_operator() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin_token().await;
    import(&app, &admin, "").await;
    let before = register_row(&app).await;
    let mut body = registration(FIRM, "ny@fjordcatering.no");
    body["employees"] = json!(3);
    let r = app.post("/api/v1/suppliers", None, body).await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let none = app.get("/api/v1/admin/registrations", Some(&admin)).await;
    assert_eq!(
        none.body,
        json!([]),
        "nothing for the operator before the address is confirmed"
    );

    let done = app.confirm_link_sent_to("ny@fjordcatering.no").await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(
        html(&done).contains("driftsoperatøren må godkjenne"),
        "{}",
        html(&done)
    );
    assert_eq!(register_row(&app).await, before, "unchanged until approved");
    assert_eq!(
        login(&app, "ny@fjordcatering.no", PASSWORD).await.code(),
        "registration_pending"
    );

    let pending = app.get("/api/v1/admin/registrations", Some(&admin)).await;
    assert_eq!(pending.status, StatusCode::OK);
    let item = &pending.body[0];
    assert_eq!(
        (
            item["org_number"].as_str(),
            item["email"].as_str(),
            item["register_name"].as_str(),
            item["employees"].as_i64()
        ),
        (
            Some(FIRM),
            Some("ny@fjordcatering.no"),
            Some("Fjord Catering AS"),
            Some(3)
        )
    );
    let id = item["id"].as_str().expect("id");
    let approve = format!("/api/v1/admin/registrations/{id}/approve");
    let approved = app.post(&approve, Some(&admin), json!({})).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    assert_eq!(
        (
            approved.body["employees"].as_i64(),
            approved.body["size_class"].as_str()
        ),
        (Some(3), Some("micro"))
    );
    let (subject, _) = app.last_mail_to("ny@fjordcatering.no").await.expect("told");
    assert_eq!(subject, "Registreringen i Samkjøp er bekreftet");
    app.login("ny@fjordcatering.no", PASSWORD).await;
    let again = app.post(&approve, Some(&admin), json!({})).await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let listed = app.get("/api/v1/admin/registrations", Some(&admin)).await;
    assert_eq!(listed.body, json!([]));
}

#[actix_web::test]
async fn a_new_supplier_logs_in_only_after_its_address_is_confirmed() {
    let app = crate::helpers::spawn_app().await;
    let r = app
        .post("/api/v1/suppliers", None, registration(FIRM, FIRM_ADDRESS))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let pending = login(&app, FIRM_ADDRESS, PASSWORD).await;
    assert_eq!(
        (pending.status, pending.code()),
        (StatusCode::FORBIDDEN, "registration_pending")
    );
    let wrong = login(&app, FIRM_ADDRESS, "et-helt-annet-passord").await;
    assert_eq!(
        (wrong.status, wrong.code()),
        (StatusCode::UNAUTHORIZED, "invalid_credentials"),
        "without the password, a registration is not told apart from nobody"
    );

    // Mail scanners fetch the link: that shows the page and confirms nothing.
    let link = app.confirmation_link_to(FIRM_ADDRESS).await;
    for method in [Method::GET, Method::HEAD, Method::GET] {
        let r = app.raw(method, &link, None, "text/plain", Vec::new()).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let page = app.get(&link, None).await;
    assert!(
        html(&page).contains("Bekreft e-postadressen din"),
        "{}",
        html(&page)
    );
    assert_eq!(
        login(&app, FIRM_ADDRESS, PASSWORD).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(
        app.db()
            .read(|c| samkjop::db::suppliers::find_by_org_number(c, FIRM))
            .await
            .expect("the register")
            .is_none(),
        "nothing in the register before the confirmation"
    );

    let done = app.confirm_link_sent_to(FIRM_ADDRESS).await;
    assert_eq!(done.status, StatusCode::OK);
    app.login(FIRM_ADDRESS, PASSWORD).await;
    let used = app.get(&link, None).await;
    assert_eq!(used.status, StatusCode::GONE);
    assert!(html(&used).contains("allerede brukt"));
    let again = app
        .raw(
            Method::POST,
            &link,
            None,
            "application/x-www-form-urlencoded",
            Vec::new(),
        )
        .await;
    assert_eq!(again.status, StatusCode::GONE);

    // A link expires unused (48 hours by default); its registration with it.
    let r = app
        .post(
            "/api/v1/suppliers",
            None,
            registration("914778271", "sein@example.no"),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let late = app.confirmation_link_to("sein@example.no").await;
    app.clock.advance(chrono::Duration::hours(49));
    let expired = app.get(&late, None).await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(html(&expired).contains("utløpt"), "{}", html(&expired));
    assert_eq!(
        login(&app, "sein@example.no", PASSWORD).await.code(),
        "invalid_credentials"
    );
    let unknown = app.get("/confirm/0123abcd", None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

/// How many "someone tried" notes went to `to`.
async fn notes_to(app: &TestApp, to: &'static str) -> usize {
    app.db()
        .read(move |c| samkjop::db::outbox::list(c, None, 1000, 0))
        .await
        .expect("the outbox")
        .iter()
        .filter(|m| m.to_address == to && m.subject == "Forsøk på ny registrering i Samkjøp")
        .count()
}

#[actix_web::test]
async fn registering_an_address_or_a_number_with_a_login_answers_as_a_fresh_one() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin_token().await;
    app.user_token(
        &admin,
        "koordinator@vestland.no",
        "coordinator",
        None,
        Some("4601"),
    )
    .await;
    app.register_supplier(registration(FIRM, FIRM_ADDRESS))
        .await;

    let fresh = app
        .post(
            "/api/v1/suppliers",
            None,
            registration("914778271", "ny@vask.no"),
        )
        .await;
    let same_address = app
        .post(
            "/api/v1/suppliers",
            None,
            registration("923609016", FIRM_ADDRESS),
        )
        .await;
    let staff_address = app
        .post(
            "/api/v1/suppliers",
            None,
            registration("923609016", "KOORDINATOR@vestland.no"),
        )
        .await;
    let same_number = app
        .post(
            "/api/v1/suppliers",
            None,
            registration(FIRM, "andre@example.no"),
        )
        .await;
    for other in [&same_address, &staff_address, &same_number] {
        assert_eq!(
            (other.status, &other.body, &other.content_type),
            (fresh.status, &fresh.body, &fresh.content_type),
            "the same answer, word for word"
        );
    }
    assert_eq!(fresh.status, StatusCode::ACCEPTED);
    assert_eq!(fresh.code(), "confirmation_required");
    assert!(
        fresh.body["message"]
            .as_str()
            .unwrap_or("")
            .contains("bekrefte"),
        "{}",
        fresh.body
    );

    // The holders of those logins are told; nothing else happened.
    for holder in [FIRM_ADDRESS, "koordinator@vestland.no"] {
        let (subject, _) = app.last_mail_to(holder).await.expect("told");
        assert_eq!(subject, "Forsøk på ny registrering i Samkjøp", "{holder}");
    }
    assert!(app.last_mail_to("andre@example.no").await.is_none());
    // Two attempts within the hour made one note: nobody floods a holder.
    assert_eq!(notes_to(&app, FIRM_ADDRESS).await, 1);
    app.clock.advance(chrono::Duration::hours(2));
    let later = app
        .post(
            "/api/v1/suppliers",
            None,
            registration(FIRM, "andre@example.no"),
        )
        .await;
    assert_eq!(later.body, fresh.body);
    assert_eq!(notes_to(&app, FIRM_ADDRESS).await, 2);
    let r = login(&app, "andre@example.no", PASSWORD).await;
    assert_eq!(r.code(), "invalid_credentials", "no login, no registration");
    let open = app
        .db()
        .read(|c| {
            use diesel::prelude::*;
            samkjop::db::schema::registrations::table
                .select(samkjop::db::schema::registrations::email)
                .filter(samkjop::db::schema::registrations::closed_at.is_null())
                .load::<String>(c)
                .map_err(samkjop::db::DbError::from)
        })
        .await
        .expect("the registrations");
    assert_eq!(open, ["ny@vask.no"], "only the fresh one waits");
}

#[actix_web::test]
async fn a_guessable_password_is_refused_saying_why() {
    let app = crate::helpers::spawn_app().await;
    for (password, why) in [
        ("password123", "svært vanlig passord"),
        ("            ", "mellomrom"),
        ("fjordcatering2026", "e-postadressen"),
        ("Passord2026!", "vanlig i norske passord"),
    ] {
        let mut body = registration(FIRM, FIRM_ADDRESS);
        body["password"] = json!(password);
        let r = app.post("/api/v1/suppliers", None, body).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "weak_password"),
            "{password:?}: {}",
            r.body
        );
        let field = &r.body["errors"][0];
        assert_eq!(field["field"], "password");
        let message = field["message"].as_str().unwrap_or("");
        assert!(message.contains(why), "{password:?}: {message}");
        assert!(
            r.body["detail"]
                .as_str()
                .unwrap_or("")
                .starts_with("the password"),
            "{}",
            r.body
        );
    }
    let admin = app.admin_token().await;
    let r = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"email": "innkjop@bergen.kommune.no", "password": "innkjop@bergen.kommune.no", "role": "admin"}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "weak_password"),
        "the operator's accounts follow the same rule"
    );
}
