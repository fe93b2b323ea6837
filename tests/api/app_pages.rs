//! The workspace under /app/ over plain HTTP, as a browser without script
//! would use it: the login form and its cookies, the CSRF token of every
//! form, sessions that end (logout, idle), the login throttle, and a
//! coordinator's draft made and opened through the pages.

use awc::http::StatusCode;
use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with, TestApp, PASSWORD};
use crate::procurements::{
    add_lot, days_from_today, in_future, mandate, municipality_user, office, open, propose, Office,
};

pub const COORDINATOR: &str = "koordinator@nhi.no";

/// A page as a browser gets it: status, headers, and the HTML.
pub struct Page {
    pub status: StatusCode,
    pub headers: awc::http::header::HeaderMap,
    pub html: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Every `Set-Cookie` value.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .filter_map(|v| v.to_str().ok().map(String::from))
            .collect()
    }

    /// The `Set-Cookie` of cookie `name`.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.set_cookies()
            .into_iter()
            .find(|c| c.starts_with(&format!("{name}=")))
    }

    /// The value of the first hidden `csrf_token` field.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf_token\" value=\"";
        let at = self
            .html
            .find(marker)
            .unwrap_or_else(|| panic!("no csrf_token field in {}", self.html));
        let rest = &self.html[at + marker.len()..];
        rest[..rest.find('"').expect("a closing quote")].to_string()
    }
}

/// A browser's cookie jar, for one server.
#[derive(Default, Clone)]
pub struct Jar(Vec<(String, String)>);

impl Jar {
    fn header(&self) -> String {
        self.0
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Takes in the page's cookies (a Max-Age of 0 removes one).
    pub fn keep(&mut self, page: &Page) {
        for c in page.set_cookies() {
            let pair = c.split(';').next().unwrap_or_default();
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            self.0.retain(|(n, _)| n != name);
            if !value.is_empty() && !c.contains("Max-Age=0") {
                self.0.push((name.to_string(), value.to_string()));
            }
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| n == name)
    }
}

async fn read(mut res: awc::ClientResponse) -> Page {
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.body().limit(16 * 1024 * 1024).await.expect("the body");
    Page {
        status,
        headers,
        html: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A client that shows redirects instead of following them.
fn client() -> awc::Client {
    awc::Client::builder()
        .disable_redirects()
        .timeout(std::time::Duration::from_secs(120))
        .finish()
}

pub async fn get(app: &TestApp, jar: &Jar, path: &str) -> Page {
    let res = client()
        .get(app.url(path))
        .insert_header(("cookie", jar.header()))
        .send()
        .await
        .expect("the server answers");
    read(res).await
}

pub async fn post(app: &TestApp, jar: &Jar, path: &str, fields: &[(&str, &str)]) -> Page {
    post_from(app, jar, path, fields, None).await
}

/// A form POST, from the client `forwarded_for` (as a trusted proxy says)
/// when given.
pub async fn post_from(
    app: &TestApp,
    jar: &Jar,
    path: &str,
    fields: &[(&str, &str)],
    forwarded_for: Option<&str>,
) -> Page {
    let mut req = client()
        .post(app.url(path))
        .insert_header(("cookie", jar.header()));
    if let Some(client) = forwarded_for {
        req = req.insert_header(("x-forwarded-for", client));
    }
    let res = req.send_form(&fields).await.expect("the server answers");
    read(res).await
}

/// Logs in through the form; the jar then holds the session.
pub async fn log_in(app: &TestApp, email: &str, password: &str) -> (Jar, Page) {
    let mut jar = Jar::default();
    let form = get(app, &jar, "/app/login").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.html);
    jar.keep(&form);
    let token = form.csrf();
    let done = post(
        app,
        &jar,
        "/app/login",
        &[
            ("csrf_token", &token),
            ("email", email),
            ("password", password),
        ],
    )
    .await;
    jar.keep(&done);
    (jar, done)
}

/// Logged in as the coordinator of `office`, on the dashboard.
pub async fn coordinator(app: &TestApp) -> (Office, Jar) {
    let o = office(app).await;
    let (jar, done) = log_in(app, COORDINATOR, PASSWORD).await;
    assert_eq!(
        (done.status, done.location()),
        (StatusCode::SEE_OTHER, "/app/"),
        "{}",
        done.html
    );
    (o, jar)
}

#[actix_web::test]
async fn the_login_page_is_a_form_with_a_csrf_field_and_a_post_without_it_is_refused() {
    let app = spawn_app().await;
    let _ = office(&app).await;
    let mut jar = Jar::default();
    let form = get(&app, &jar, "/app/login").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.html.contains("<html lang=\"nb\">"), "{}", form.html);
    for name in ["name=\"email\"", "name=\"password\"", "name=\"csrf_token\""] {
        assert!(form.html.contains(name), "{name} in {}", form.html);
    }
    assert!(form
        .html
        .contains("<label for=\"email\">E-postadresse</label>"));
    jar.keep(&form);
    let token = form.csrf();

    let without = post(
        &app,
        &jar,
        "/app/login",
        &[("email", COORDINATOR), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(without.status, StatusCode::FORBIDDEN, "{}", without.html);
    assert!(
        without.html.contains("Skjemaet ble avvist"),
        "{}",
        without.html
    );
    assert!(without.set_cookie("samkjop_session").is_none());

    // A token from another browser (without this cookie) is worth nothing.
    let elsewhere = post(
        &app,
        &Jar::default(),
        "/app/login",
        &[
            ("csrf_token", &token),
            ("email", COORDINATOR),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(elsewhere.status, StatusCode::FORBIDDEN);

    let right = post(
        &app,
        &jar,
        "/app/login",
        &[
            ("csrf_token", &token),
            ("email", COORDINATOR),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(
        (right.status, right.location()),
        (StatusCode::SEE_OTHER, "/app/")
    );
}

#[actix_web::test]
async fn a_good_login_sets_an_http_only_lax_cookie_and_leads_to_the_coordinators_procurements() {
    let app = spawn_app().await;
    let Office { coordinator, .. } = office(&app).await;
    let id = propose(
        &app,
        &coordinator,
        &["4601", "4631"],
        &in_future(86_400),
        json!(null),
    )
    .await;

    let (jar, done) = log_in(&app, COORDINATOR, PASSWORD).await;
    assert_eq!(
        (done.status, done.location()),
        (StatusCode::SEE_OTHER, "/app/")
    );
    let cookie = done
        .set_cookie("samkjop_session")
        .expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/app", "Max-Age=43200"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "http here: {cookie}");
    let login_cookie = done
        .set_cookie("samkjop_login")
        .expect("the login token retired");
    assert!(login_cookie.contains("Max-Age=0"), "{login_cookie}");

    let dashboard = get(&app, &jar, "/app/").await;
    assert_eq!(dashboard.status, StatusCode::OK, "{}", dashboard.html);
    assert!(dashboard.html.contains("Mine anskaffelser"));
    assert!(dashboard.html.contains(&format!(
        "<a href=\"/app/procurements/{id}\">Skolemat i Nordhordland</a>"
    )));
    assert!(dashboard.html.contains("Utkast"), "{}", dashboard.html);
    assert!(
        dashboard.html.contains("NOK 0 ekskl. mva."),
        "{}",
        dashboard.html
    );
    // The session is for pages: the API still wants its bearer token.
    let api = app
        .client
        .get(app.url("/api/v1/procurements"))
        .insert_header(("cookie", jar.header()))
        .send()
        .await
        .expect("answer");
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn cookies_are_secure_when_the_public_url_is_https() {
    let app = spawn_app_with(|k| {
        (k == "SAMKJOP_PUBLIC_URL").then(|| "https://samkjop.example.no".to_string())
    })
    .await;
    let _ = office(&app).await;
    let form = get(&app, &Jar::default(), "/app/login").await;
    let login = form.set_cookie("samkjop_login").expect("the form's cookie");
    assert!(login.contains("; Secure"), "{login}");
    let (_, done) = log_in(&app, COORDINATOR, PASSWORD).await;
    let session = done.set_cookie("samkjop_session").expect("a session");
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure"] {
        assert!(session.contains(attribute), "{attribute} in {session}");
    }
}

#[actix_web::test]
async fn a_wrong_password_is_told_in_norwegian_with_the_email_kept_and_no_session() {
    let app = spawn_app().await;
    let _ = office(&app).await;
    let (jar, page) = log_in(&app, COORDINATOR, "feil-passord-123").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.html
            .contains("E-postadressen eller passordet er feil."),
        "{}",
        page.html
    );
    assert!(
        page.html.contains(&format!("value=\"{COORDINATOR}\"")),
        "the email is kept"
    );
    assert!(
        page.html.contains("href=\"#email\""),
        "the summary links to the field"
    );
    assert!(page.html.contains("aria-invalid=\"true\""));
    assert!(!jar.has("samkjop_session"));
    let dashboard = get(&app, &jar, "/app/").await;
    assert_eq!(
        (dashboard.status, dashboard.location()),
        (StatusCode::SEE_OTHER, "/app/login")
    );
}

#[actix_web::test]
async fn logging_out_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    let (_, jar) = coordinator(&app).await;
    let dashboard = get(&app, &jar, "/app/").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    let token = dashboard.csrf();

    let forged = post(&app, &jar, "/app/logout", &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "no token, no logout");
    assert_eq!(get(&app, &jar, "/app/").await.status, StatusCode::OK);

    let out = post(&app, &jar, "/app/logout", &[("csrf_token", &token)]).await;
    assert_eq!(
        (out.status, out.location()),
        (StatusCode::SEE_OTHER, "/app/login?utlogget=1")
    );
    let cleared = out
        .set_cookie("samkjop_session")
        .expect("the cookie cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    // The old cookie, kept by someone who copied it, no longer works.
    let again = get(&app, &jar, "/app/").await;
    assert_eq!(
        (again.status, again.location()),
        (StatusCode::SEE_OTHER, "/app/login")
    );
    // Logging in again from a browser that still holds a session ends that one.
    let (old, _) = log_in(&app, COORDINATOR, PASSWORD).await;
    let mut renewed = old.clone();
    let form = get(&app, &Jar::default(), "/app/login").await;
    renewed.keep(&form);
    let token = form.csrf();
    let done = post(
        &app,
        &renewed,
        "/app/login",
        &[
            ("csrf_token", &token),
            ("email", COORDINATOR),
            ("password", PASSWORD),
        ],
    )
    .await;
    renewed.keep(&done);
    assert_eq!(get(&app, &renewed, "/app/").await.status, StatusCode::OK);
    assert_eq!(
        get(&app, &old, "/app/").await.location(),
        "/app/login",
        "the session it replaced is over"
    );
    let mut fresh = Jar::default();
    fresh.keep(&out);
    let bye = get(&app, &fresh, "/app/login?utlogget=1").await;
    assert!(bye.html.contains("Du er logget ut."), "{}", bye.html);
}

#[actix_web::test]
async fn disabling_an_account_ends_its_page_sessions_and_refuses_its_login() {
    let app = spawn_app().await;
    let (office, jar) = coordinator(&app).await;
    assert_eq!(get(&app, &jar, "/app/").await.status, StatusCode::OK);
    let users = app
        .get("/api/v1/users?limit=100", Some(&office.admin))
        .await;
    assert_eq!(users.status, StatusCode::OK, "{}", users.body);
    let id = users.body["items"]
        .as_array()
        .or_else(|| users.body.as_array())
        .and_then(|list| list.iter().find(|u| u["email"] == COORDINATOR))
        .and_then(|u| u["id"].as_str())
        .expect("the coordinator is listed")
        .to_string();
    let off = app
        .patch(
            &format!("/api/v1/users/{id}"),
            Some(&office.admin),
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);

    let after = get(&app, &jar, "/app/").await;
    assert_eq!(
        (after.status, after.location()),
        (StatusCode::SEE_OTHER, "/app/login"),
        "the open session ended with the account"
    );
    let (_, refused) = log_in(&app, COORDINATOR, PASSWORD).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.html);
    assert!(
        refused.html.contains("Kontoen er deaktivert."),
        "{}",
        refused.html
    );
    assert!(
        refused.set_cookie("samkjop_session").is_none(),
        "no session"
    );
}

#[actix_web::test]
async fn an_idle_session_expires_and_is_sent_to_the_login_page() {
    let app = spawn_app_with(|k| (k == "SAMKJOP_SESSION_IDLE_MINUTES").then(|| "30".into())).await;
    let (_, jar) = coordinator(&app).await;
    app.clock.advance(chrono::Duration::minutes(29));
    assert_eq!(
        get(&app, &jar, "/app/").await.status,
        StatusCode::OK,
        "still in use"
    );
    // Seen at 29 minutes: idle from there.
    app.clock.advance(chrono::Duration::minutes(29));
    assert_eq!(
        get(&app, &jar, "/app/").await.status,
        StatusCode::OK,
        "kept alive by use"
    );
    app.clock.advance(chrono::Duration::minutes(31));
    let expired = get(&app, &jar, "/app/").await;
    assert_eq!(
        (expired.status, expired.location()),
        (StatusCode::SEE_OTHER, "/app/login")
    );
    let page = get(&app, &jar, "/app/procurements/new").await;
    assert_eq!(page.location(), "/app/login", "every page of the workspace");
}

#[actix_web::test]
async fn a_session_ends_at_its_absolute_limit_however_busy() {
    let app = spawn_app_with(|k| match k {
        "SAMKJOP_SESSION_IDLE_MINUTES" => Some("60".into()),
        "SAMKJOP_SESSION_MAX_HOURS" => Some("2".into()),
        _ => None,
    })
    .await;
    let (_, jar) = coordinator(&app).await;
    for _ in 0..2 {
        app.clock.advance(chrono::Duration::minutes(50));
        assert_eq!(get(&app, &jar, "/app/").await.status, StatusCode::OK);
    }
    // 2 hours and 5 minutes after the login, 25 minutes after its last use.
    app.clock.advance(chrono::Duration::minutes(25));
    assert_eq!(get(&app, &jar, "/app/").await.location(), "/app/login");
}

#[actix_web::test]
async fn the_login_throttle_of_the_api_applies_to_the_login_page() {
    let app = spawn_app_with(|k| match k {
        "SAMKJOP_LOGIN_PER_MINUTE_PER_ADDRESS" => Some("100".into()),
        "SAMKJOP_LOGIN_PER_MINUTE_PER_ACCOUNT" => Some("3".into()),
        _ => None,
    })
    .await;
    let _ = office(&app).await;
    for n in 0..3 {
        let (_, page) = log_in(&app, COORDINATOR, "feil-passord-123").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {n}");
    }
    let (_, refused) = log_in(&app, COORDINATOR, PASSWORD).await;
    assert_eq!(
        refused.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        refused.html
    );
    let wait: u64 = refused
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!(wait >= 1);
    assert!(
        refused.html.contains("For mange innloggingsforsøk"),
        "{}",
        refused.html
    );
    // One budget for both doors: the API refuses this account from here too.
    let api = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": COORDINATOR, "password": "feil-passord-123"}),
        )
        .await;
    assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS);
}

#[actix_web::test]
async fn a_form_post_without_the_sessions_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let (Office { coordinator, .. }, jar) = coordinator(&app).await;
    let fields = [
        ("title", "Skolemat"),
        ("contract_type", "services"),
        ("cpv", "55524000-9"),
        ("contract_start", "2099-08-01"),
        ("participation_deadline", "2099-03-01T12:00"),
        ("duration_months", "24"),
        ("invited", "4601"),
    ];
    let refused = post(&app, &jar, "/app/procurements/new", &fields).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.html);
    let mut wrong = fields.to_vec();
    wrong.push(("csrf_token", "0000"));
    let refused = post(&app, &jar, "/app/procurements/new", &wrong).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // Nor does a JSON body carry one.
    let json = client()
        .post(app.url("/app/procurements/new"))
        .insert_header(("cookie", jar.header()))
        .send_json(&json!({"title": "Skolemat"}))
        .await
        .expect("answer");
    assert_eq!(json.status(), StatusCode::FORBIDDEN);
    let list = app.get("/api/v1/procurements", Some(&coordinator)).await;
    assert_eq!(list.body, json!([]), "nothing was created");
}

#[actix_web::test]
async fn a_coordinator_proposes_fills_and_opens_a_procurement_through_the_pages() {
    let app = spawn_app().await;
    let (Office { admin, coordinator }, jar) = coordinator(&app).await;
    let bergen = municipality_user(&app, &admin, "4601").await;
    mandate(
        &app,
        &bergen,
        "4601",
        json!([]),
        10_000_000_000,
        &days_from_today(365),
    )
    .await;

    let form = get(&app, &jar, "/app/procurements/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.html);
    assert!(form.html.contains("Vestland"), "the county list");
    let token = form.csrf();
    let start = days_from_today(200);
    let deadline = (chrono::Utc::now() + chrono::Duration::days(30))
        .format("%Y-%m-%dT12:00")
        .to_string();
    let mut fields = vec![
        ("csrf_token", token.as_str()),
        ("title", "Skolemat i Nordhordland"),
        ("description", "Skolemåltid for grunnskolen"),
        ("contract_type", "services"),
        ("cpv", "55524000-8"),
        ("framework_agreement", "true"),
        ("contract_start", start.as_str()),
        ("participation_deadline", deadline.as_str()),
        ("duration_months", "24"),
        ("option_months", "24"),
        ("invited", "4601"),
        ("invited", "4631"),
    ];
    let refused = post(&app, &jar, "/app/procurements/new", &fields).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.html
    );
    assert!(
        refused.html.contains("Skriv en CPV-kode som finnes"),
        "the domain's refusal in Norwegian: {}",
        refused.html
    );
    assert!(
        refused.html.contains("href=\"#cpv\""),
        "linked from the summary"
    );
    assert!(
        refused.html.contains("value=\"55524000-8\""),
        "what was typed is kept"
    );
    assert!(refused.html.contains("value=\"Skolemat i Nordhordland\""));
    assert!(
        refused.html.contains("value=\"4631\" checked"),
        "{}",
        refused.html
    );

    fields[4] = ("cpv", "55524000-9");
    let created = post(&app, &jar, "/app/procurements/new", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.html);
    let id = created
        .location()
        .strip_prefix("/app/procurements/")
        .and_then(|rest| rest.strip_suffix("?ok=opprettet"))
        .expect("the new procurement's page")
        .to_string();
    let api = app
        .get(&format!("/api/v1/procurements/{id}"), Some(&coordinator))
        .await;
    assert_eq!(api.body["status"], "draft");
    assert_eq!(api.body["invited"], json!(["4601", "4631"]));
    assert_eq!(api.body["framework_agreement"], true);

    let draft = get(&app, &jar, created.location()).await;
    assert!(draft.html.contains("Utkastet er lagret."), "{}", draft.html);
    let token = draft.csrf();
    let early = post(
        &app,
        &jar,
        &format!("/app/procurements/{id}/open"),
        &[("csrf_token", &token)],
    )
    .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert!(
        early.html.contains("Legg til minst én delkontrakt"),
        "{}",
        early.html
    );

    let bad_lot = post(
        &app,
        &jar,
        &format!("/app/procurements/{id}/lots"),
        &[
            ("csrf_token", &token),
            ("lot_title", "Skolemåltid"),
            ("lot_cpv", "55524000-9"),
            ("lot_unit", "porsjon"),
            ("lot_price", "45 kr"),
            ("lot_area", "4601"),
        ],
    )
    .await;
    assert_eq!(bad_lot.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad_lot.html.contains("Prisen må være et beløp i kroner"),
        "{}",
        bad_lot.html
    );
    assert!(bad_lot.html.contains("value=\"Skolemåltid\""));

    let lot = post(
        &app,
        &jar,
        &format!("/app/procurements/{id}/lots"),
        &[
            ("csrf_token", &token),
            ("lot_title", "Skolemåltid"),
            ("lot_cpv", "55524000-9"),
            ("lot_unit", "porsjon"),
            ("lot_price", "45,00"),
            ("lot_area", "4601"),
            ("lot_area", "4631"),
        ],
    )
    .await;
    assert_eq!(lot.status, StatusCode::SEE_OTHER, "{}", lot.html);
    let api = app
        .get(&format!("/api/v1/procurements/{id}"), Some(&coordinator))
        .await;
    assert_eq!(api.body["lots"][0]["unit_price_ore"], 4500);
    assert_eq!(api.body["lots"][0]["area"], json!(["4601", "4631"]));

    let opened = post(
        &app,
        &jar,
        &format!("/app/procurements/{id}/open"),
        &[("csrf_token", &token)],
    )
    .await;
    assert_eq!(
        opened.location(),
        format!("/app/procurements/{id}?ok=apnet"),
        "{}",
        opened.html
    );
    let api = app
        .get(&format!("/api/v1/procurements/{id}"), Some(&coordinator))
        .await;
    assert_eq!(api.body["status"], "open");
    let events = app
        .get(
            &format!("/api/v1/procurements/{id}/events"),
            Some(&coordinator),
        )
        .await;
    let opened_by = events
        .body
        .as_array()
        .and_then(|e| e.iter().find(|e| e["kind"] == "opened"))
        .map(|e| e["actor"].clone());
    assert!(
        opened_by
            .as_ref()
            .and_then(|a| a.as_str())
            .is_some_and(|a| a.starts_with("coordinator:")),
        "the audit names the coordinator as the API would: {opened_by:?}"
    );

    let page = get(&app, &jar, &format!("/app/procurements/{id}")).await;
    for text in [
        "Åpen for påmelding",
        "Samlede volumer per delkontrakt",
        "Regelverk",
        "Krav til deltakelse",
        "Steng påmeldingen",
    ] {
        assert!(page.html.contains(text), "{text} in {}", page.html);
    }
}

#[actix_web::test]
async fn a_municipality_sees_its_invitations_and_answers_with_the_voting_form() {
    let app = spawn_app().await;
    let Office { admin, coordinator } = office(&app).await;
    let bergen = municipality_user(&app, &admin, "4601").await;
    mandate(
        &app,
        &bergen,
        "4601",
        json!([]),
        10_000_000_000,
        &days_from_today(365),
    )
    .await;
    let id = propose(
        &app,
        &coordinator,
        &["4601", "4631"],
        &in_future(86_400),
        json!(null),
    )
    .await;
    let lot = add_lot(
        &app,
        &coordinator,
        &id,
        "Skolemåltid",
        "porsjon",
        4500,
        None,
    )
    .await;
    open(&app, &coordinator, &id).await;

    let (jar, _) = log_in(&app, "innkjop@k4601.kommune.no", PASSWORD).await;
    let home = get(&app, &jar, "/app/").await;
    assert!(
        home.html.contains("Invitasjoner til Bergen"),
        "{}",
        home.html
    );
    assert!(home
        .html
        .contains(&format!("href=\"/app/invitations/{id}\"")));
    assert!(home.html.contains("Ikke svart ennå"));

    let form = get(&app, &jar, &format!("/app/invitations/{id}")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.html);
    assert!(
        form.html
            .contains("<strong>Bergen</strong> er invitert av Nordhordland innkjøp"),
        "{}",
        form.html
    );
    let token = form.csrf();
    let marker = "<option value=\"";
    let mandate_id = form.html[form.html.rfind(marker).expect("a mandate") + marker.len()..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string();
    let annual = format!("annual_{lot}");
    let done = post(
        &app,
        &jar,
        &format!("/app/invitations/{id}"),
        &[
            ("csrf_token", &token),
            ("decision", "join"),
            ("mandate_id", &mandate_id),
            (&annual, "400000"),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.html);
    assert!(
        done.html.contains("Takk! Svaret er registrert."),
        "{}",
        done.html
    );
    let p = app
        .get(
            &format!("/api/v1/procurements/{id}/participation"),
            Some(&coordinator),
        )
        .await;
    assert_eq!(
        (
            p.body[0]["decision"].as_str(),
            p.body[0]["channel"].as_str()
        ),
        (Some("join"), Some("api"))
    );
    let home = get(&app, &jar, "/app/").await;
    assert!(!home.html.contains("Ikke svart ennå"), "{}", home.html);
    assert!(home.html.contains("Deltar"));
}
