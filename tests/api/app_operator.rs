//! The operator's pages under /app/ over plain HTTP, as a browser without
//! script would use them: users (create with the password policy beside
//! the field, disable, not oneself), offices, the supplier register import
//! sent as a file, the outbox and the registrations waiting for approval.
//! Each does what the API does, so the API is asked afterwards.

use awc::http::{Method, StatusCode};
use serde_json::json;

use crate::app_pages::{get, log_in, post, Jar, Page, COORDINATOR};
use crate::helpers::{spawn_app, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD};
use crate::procurements::{office, Office};

const FIRM: &str = "937628447";
const HEADER: &str =
    "org_number,name,employees,annual_turnover_ore,home_municipality,service_area,cpv\n";

/// Logged in as the operator: the jar, and the session cookie as a header.
async fn operator(app: &TestApp) -> (Jar, String) {
    let (jar, done) = log_in(app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(
        (done.status, done.location()),
        (StatusCode::SEE_OTHER, "/app/"),
        "{}",
        done.html
    );
    let cookie = done
        .set_cookie("samkjop_session")
        .and_then(|c| c.split(';').next().map(String::from))
        .expect("a session cookie");
    (jar, cookie)
}

/// The form's file as a browser sends it, with the fields before it.
async fn upload(app: &TestApp, cookie: &str, fields: &[(&str, &str)], file: &str) -> Page {
    let boundary = "----samkjopTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"register.csv\"\r\nContent-Type: text/csv\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(file.as_bytes());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut res = awc::Client::builder()
        .disable_redirects()
        .timeout(std::time::Duration::from_secs(120))
        .finish()
        .post(app.url("/app/suppliers/import"))
        .insert_header(("cookie", cookie))
        .insert_header((
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        ))
        .send_body(body)
        .await
        .expect("the server answers");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.body().limit(16 * 1024 * 1024).await.expect("the body");
    Page {
        status,
        headers,
        html: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// The API's view of the account with `email`.
async fn account(app: &TestApp, admin: &str, email: &str) -> serde_json::Value {
    let users = app.get("/api/v1/users?limit=1000", Some(admin)).await;
    assert_eq!(users.status, StatusCode::OK, "{}", users.body);
    users
        .body
        .as_array()
        .and_then(|list| list.iter().find(|u| u["email"] == email))
        .cloned()
        .unwrap_or(serde_json::Value::Null)
}

#[actix_web::test]
async fn the_operators_dashboard_leads_to_its_pages_and_others_are_kept_out_of_them() {
    let app = spawn_app().await;
    let _ = office(&app).await;
    let (jar, _) = operator(&app).await;
    let dashboard = get(&app, &jar, "/app/").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    for page in [
        "/app/users",
        "/app/offices",
        "/app/suppliers/import",
        "/app/registrations",
        "/app/outbox",
    ] {
        assert!(
            dashboard.html.contains(&format!("href=\"{page}\"")),
            "the dashboard links to {page}"
        );
        assert_eq!(get(&app, &jar, page).await.status, StatusCode::OK, "{page}");
    }

    let (coordinator, _) = log_in(&app, COORDINATOR, PASSWORD).await;
    for page in [
        "/app/users",
        "/app/users/new",
        "/app/offices",
        "/app/outbox",
    ] {
        let refused = get(&app, &coordinator, page).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{page}");
        assert!(
            refused.html.contains("Bare for driften"),
            "{}",
            refused.html
        );
    }
    let form = get(&app, &coordinator, "/app/").await;
    let sneaked = post(
        &app,
        &coordinator,
        "/app/offices",
        &[
            ("csrf_token", &form.csrf()),
            ("name", "Snarvei AS"),
            ("org_number", "914778271"),
        ],
    )
    .await;
    assert_eq!(sneaked.status, StatusCode::FORBIDDEN);
    assert!(!get(&app, &jar, "/app/offices")
        .await
        .html
        .contains("Snarvei AS"));
}

#[actix_web::test]
async fn the_operator_creates_a_user_under_the_password_policy_and_disables_it() {
    let app = spawn_app().await;
    let Office { admin, .. } = office(&app).await;
    let (jar, _) = operator(&app).await;
    let users = get(&app, &jar, "/app/users").await;
    assert!(users.html.contains(COORDINATOR), "{}", users.html);
    assert!(
        users.html.contains("Nordhordland innkjøp"),
        "{}",
        users.html
    );

    let form = get(&app, &jar, "/app/users/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.html.contains("<label for=\"password\">"));
    let token = form.csrf();
    let typed = |password: &'static str, role: &'static str, municipality: &'static str| {
        vec![
            ("csrf_token", token.clone()),
            ("email", "innkjop@bergen.kommune.no".to_string()),
            ("password", password.to_string()),
            ("role", role.to_string()),
            ("organization_id", String::new()),
            ("municipality", municipality.to_string()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let jar = jar.clone();
        let app = &app;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post(app, &jar, "/app/users/new", &fields).await
        }
    };

    let weak = send(typed("kort", "municipality", "4601")).await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        weak.html
            .contains("<span class=\"field-error\" id=\"password-feil\">Feil: Passordet må ha minst 10 tegn.</span>"),
        "the reason beside the password field: {}",
        weak.html
    );
    assert!(
        weak.html.contains("value=\"innkjop@bergen.kommune.no\""),
        "the address kept"
    );
    assert!(
        weak.html.contains("<option value=\"4601\" selected>"),
        "the municipality kept"
    );
    assert_eq!(
        account(&app, &admin, "innkjop@bergen.kommune.no").await,
        serde_json::Value::Null
    );

    let unlinked = send(typed(PASSWORD, "coordinator", "")).await;
    assert_eq!(unlinked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unlinked.html.contains("id=\"organization_id-feil\">Feil: En koordinator må høre til et innkjøpskontor eller en vertskommune."),
        "{}",
        unlinked.html
    );

    let forged = post(
        &app,
        &jar,
        "/app/users/new",
        &[
            ("email", "innkjop@bergen.kommune.no"),
            ("password", PASSWORD),
            ("role", "municipality"),
            ("municipality", "4601"),
        ],
    )
    .await;
    assert_eq!(
        forged.status,
        StatusCode::FORBIDDEN,
        "no csrf_token, no user"
    );
    assert_eq!(
        account(&app, &admin, "innkjop@bergen.kommune.no").await,
        serde_json::Value::Null
    );

    let made = send(typed(PASSWORD, "municipality", "4601")).await;
    assert_eq!(
        (made.status, made.location()),
        (StatusCode::SEE_OTHER, "/app/users?ok=opprettet"),
        "{}",
        made.html
    );
    let listed = get(&app, &jar, made.location()).await;
    assert!(listed.html.contains("Brukeren er opprettet."));
    assert!(listed.html.contains("innkjop@bergen.kommune.no"));
    let user = account(&app, &admin, "innkjop@bergen.kommune.no").await;
    assert_eq!(
        (
            user["role"].as_str(),
            user["municipality"].as_str(),
            user["disabled"].as_bool()
        ),
        (Some("municipality"), Some("4601"), Some(false))
    );
    app.login("innkjop@bergen.kommune.no", PASSWORD).await;
    let taken = send(typed(PASSWORD, "municipality", "4601")).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken
        .html
        .contains("Denne e-postadressen har allerede en konto."));

    let id = user["id"].as_str().expect("id");
    let off = post(
        &app,
        &jar,
        &format!("/app/users/{id}/disabled"),
        &[("csrf_token", &token), ("disabled", "true")],
    )
    .await;
    assert_eq!(
        (off.status, off.location()),
        (StatusCode::SEE_OTHER, "/app/users?ok=deaktivert")
    );
    let user = account(&app, &admin, "innkjop@bergen.kommune.no").await;
    assert_eq!(user["disabled"], json!(true), "the API sees it disabled");
    let (_, refused) = log_in(&app, "innkjop@bergen.kommune.no", PASSWORD).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(get(&app, &jar, "/app/users")
        .await
        .html
        .contains("Deaktivert"));
    let on = post(
        &app,
        &jar,
        &format!("/app/users/{id}/disabled"),
        &[("csrf_token", &token), ("disabled", "false")],
    )
    .await;
    assert_eq!(on.location(), "/app/users?ok=aktivert");
    app.login("innkjop@bergen.kommune.no", PASSWORD).await;

    // The operator's own account, the last admin: as the API refuses it.
    let me = app.get("/api/v1/users/me", Some(&admin)).await;
    let own = me.body["id"].as_str().expect("own id");
    let myself = post(
        &app,
        &jar,
        &format!("/app/users/{own}/disabled"),
        &[("csrf_token", &token), ("disabled", "true")],
    )
    .await;
    assert_eq!(myself.status, StatusCode::CONFLICT);
    assert!(
        myself
            .html
            .contains("Du kan ikke deaktivere din egen konto."),
        "{}",
        myself.html
    );
    assert_eq!(
        account(&app, &admin, ADMIN_EMAIL).await["disabled"],
        json!(false)
    );
}

#[actix_web::test]
async fn the_operator_registers_an_office_and_a_taken_number_is_told_beside_the_field() {
    let app = spawn_app().await;
    let Office { admin, .. } = office(&app).await;
    let (jar, _) = operator(&app).await;
    let page = get(&app, &jar, "/app/offices").await;
    assert!(page.html.contains("Nordhordland innkjøp"), "{}", page.html);
    assert!(page.html.contains("974760673"));
    let token = page.csrf();
    let made = post(
        &app,
        &jar,
        "/app/offices",
        &[
            ("csrf_token", &token),
            ("name", "Vestland innkjøpssamarbeid"),
            ("org_number", "914778271"),
        ],
    )
    .await;
    assert_eq!(
        made.location(),
        "/app/offices?ok=opprettet",
        "{}",
        made.html
    );
    let orgs = app.get("/api/v1/organizations", Some(&admin)).await;
    assert!(
        orgs.body
            .as_array()
            .is_some_and(|l| l
                .iter()
                .any(|o| o["name"] == "Vestland innkjøpssamarbeid"
                    && o["kind"] == "procurement_office")),
        "{}",
        orgs.body
    );

    let again = post(
        &app,
        &jar,
        "/app/offices",
        &[
            ("csrf_token", &token),
            ("name", "Enda et kontor"),
            ("org_number", "914778271"),
        ],
    )
    .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again.html.contains("id=\"org_number-feil\">Feil: Et kontor med dette organisasjonsnummeret er allerede registrert."),
        "{}",
        again.html
    );
    assert!(
        again.html.contains("value=\"Enda et kontor\""),
        "what was typed is kept"
    );
    let bad = post(
        &app,
        &jar,
        "/app/offices",
        &[
            ("csrf_token", &token),
            ("name", "Feil AS"),
            ("org_number", "12345"),
        ],
    )
    .await;
    assert!(bad
        .html
        .contains("id=\"org_number-feil\">Feil: Skriv et organisasjonsnummer med ni siffer"));
}

#[actix_web::test]
async fn the_operator_imports_the_register_from_a_file_and_reads_the_report_by_line() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (jar, cookie) = operator(&app).await;
    let form = get(&app, &jar, "/app/suppliers/import").await;
    assert!(form.html.contains("enctype=\"multipart/form-data\""));
    let token = form.csrf();
    let csv = format!(
        "{HEADER}974760673,Fjord Catering AS,12,610000000,4601,46,5552\n\
         974760674,Feil Sjekksiffer AS,3,100,4601,,5552\n\
         914778271,Grønn Vask AS,4,90000000,0301,03;3201,909\n"
    );

    let forged = upload(&app, &cookie, &[], &csv).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "no csrf_token");
    let none = app
        .db()
        .read(|c| samkjop::db::suppliers::find_by_org_number(c, "974760673"))
        .await
        .expect("the register");
    assert!(none.is_none(), "nothing imported without the token");

    let done = upload(&app, &cookie, &[("csrf_token", &token)], &csv).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.html);
    assert!(
        done.html.contains("Nye leverandører: <strong>2</strong>"),
        "{}",
        done.html
    );
    assert!(done
        .html
        .contains("Oppdaterte leverandører: <strong>0</strong>"));
    assert!(done
        .html
        .contains("Linjer som ble avvist: <strong>1</strong>"));
    assert!(
        done.html.contains("<td class=\"num\">3</td>"),
        "line 3 rejected: {}",
        done.html
    );
    let again = upload(&app, &cookie, &[("csrf_token", &token)], &csv).await;
    assert!(again
        .html
        .contains("Oppdaterte leverandører: <strong>2</strong>"));

    let wrong = upload(
        &app,
        &cookie,
        &[("csrf_token", &token)],
        "navn,ansatte\nx,1\n",
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .html
            .contains("id=\"file-feil\">Feil: Første linje i filen må være kolonnenavnene"),
        "{}",
        wrong.html
    );

    // The same file through the API agrees.
    let api = app
        .raw(
            Method::POST,
            "/api/v1/suppliers/import",
            Some(&admin),
            "text/csv",
            csv.into_bytes(),
        )
        .await;
    assert_eq!(api.body["updated"], json!(2));
}

#[actix_web::test]
async fn the_operator_sees_the_outbox_and_approves_a_waiting_registration() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (jar, cookie) = operator(&app).await;
    let form = get(&app, &jar, "/app/suppliers/import").await;
    let token = form.csrf();
    let csv = format!("{HEADER}{FIRM},Fjord Catering AS,12,610000000,4601,46,5552\n");
    assert_eq!(
        upload(&app, &cookie, &[("csrf_token", &token)], &csv)
            .await
            .status,
        StatusCode::OK
    );
    let r = app
        .post(
            "/api/v1/suppliers",
            None,
            json!({
                "org_number": FIRM, "name": "Fjord Catering AS", "email": "ny@fjordcatering.no",
                "password": PASSWORD, "employees": 3, "annual_turnover_ore": 610_000_000_i64,
                "home_municipality": "4601", "service_area": ["46"], "cpv": ["5552"]
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let (subject, _) = app
        .last_mail_to("ny@fjordcatering.no")
        .await
        .expect("a mail");
    let outbox = get(&app, &jar, "/app/outbox").await;
    assert!(
        outbox.html.contains("ny@fjordcatering.no"),
        "{}",
        outbox.html
    );
    assert!(outbox.html.contains(&subject));
    let sent = get(&app, &jar, "/app/outbox?status=sent").await;
    assert_eq!(sent.status, StatusCode::OK);
    assert!(
        sent.html.contains("<option value=\"sent\" selected>"),
        "the filter kept"
    );

    let empty = get(&app, &jar, "/app/registrations").await;
    assert!(empty.html.contains("Ingen registreringer venter."));
    let confirmed = app.confirm_link_sent_to("ny@fjordcatering.no").await;
    assert_eq!(confirmed.status, StatusCode::OK);
    let waiting = get(&app, &jar, "/app/registrations").await;
    assert!(
        waiting.html.contains("ny@fjordcatering.no"),
        "{}",
        waiting.html
    );
    let pending = app.get("/api/v1/admin/registrations", Some(&admin)).await;
    let id = pending.body[0]["id"].as_str().expect("waiting").to_string();
    let forged = post(&app, &jar, &format!("/app/registrations/{id}/approve"), &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let approved = post(
        &app,
        &jar,
        &format!("/app/registrations/{id}/approve"),
        &[("csrf_token", &waiting.csrf())],
    )
    .await;
    assert_eq!(
        approved.location(),
        "/app/registrations?ok=godkjent",
        "{}",
        approved.html
    );
    app.login("ny@fjordcatering.no", PASSWORD).await;
    let listed = app.get("/api/v1/admin/registrations", Some(&admin)).await;
    assert_eq!(listed.body, json!([]));
    let again = post(
        &app,
        &jar,
        &format!("/app/registrations/{id}/approve"),
        &[("csrf_token", &waiting.csrf())],
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert!(again.html.contains("venter ikke lenger"));
}
