//! A municipality's mandates: revoked through the API (it stays on record,
//! covers no new decision, and the decisions made under it stand), kept in
//! the workspace (/app/mandates, /app/contact), and registered from the
//! voting link by a municipality without an account.

use awc::http::StatusCode;
use serde_json::{json, Value};

use crate::app_pages::{get, log_in, post, Jar};
use crate::helpers::{spawn_app, TestApp, PASSWORD};
use crate::scenario::lot;

fn revoke_path(number: &str, id: &str) -> String {
    format!("/api/v1/municipalities/{number}/mandates/{id}/revoke")
}

async fn events(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let r = app
        .get(&format!("/api/v1/procurements/{id}/events"), Some(token))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body.as_array().cloned().unwrap_or_default()
}

#[actix_web::test]
async fn a_revoked_mandate_stays_listed_covers_no_new_decision_and_the_decisions_under_it_stand() {
    let app = spawn_app().await;
    let s = app
        .scenario()
        .municipalities(&["4601", "4631"])
        .lot(lot("Skolemåltid"))
        .opened()
        .await;
    let volumes = json!([{"lot_id": s.lot(0), "annual_quantity": 1000}]);
    let joined = s.join(&app, "4601", volumes.clone()).await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);

    // Only the municipality itself (or an operator) revokes its mandate.
    let path = revoke_path("4601", s.mandate("4601"));
    for token in [&s.coordinator, s.user("4631")] {
        let r = app.post(&path, Some(token), json!({})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    }
    let r = app
        .post(
            &revoke_path("4601", s.mandate("4631")),
            Some(s.user("4601")),
            json!({}),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));

    let r = app.post(&path, Some(s.user("4601")), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let revoked_at = r.body["revoked_at"]
        .as_str()
        .expect("a revocation time")
        .to_string();
    assert_eq!(r.body["reference"], "PS 45/2026");

    // Still listed, with when it was revoked; the other mandate is untouched.
    let list = app
        .get("/api/v1/municipalities/4601/mandates", Some(s.user("4601")))
        .await;
    assert_eq!(list.body[0]["id"], s.mandate("4601"));
    assert_eq!(list.body[0]["revoked_at"], revoked_at.as_str());
    let other = app
        .get("/api/v1/municipalities/4631/mandates", Some(s.user("4631")))
        .await;
    assert_eq!(other.body[0]["revoked_at"], Value::Null);

    // The decision made under it stands ...
    let p = app
        .get(
            &format!("/api/v1/procurements/{}/participation", s.id),
            Some(&s.coordinator),
        )
        .await;
    let bergen = p
        .body
        .as_array()
        .and_then(|l| l.iter().find(|x| x["municipality"] == "4601"))
        .cloned()
        .expect("Bergen");
    assert_eq!(bergen["decision"], "join");
    // ... and the coordinator's audit trail says it was revoked, by whom.
    let trail = events(&app, &s.coordinator, &s.id).await;
    let last = trail.last().expect("events");
    assert_eq!(last["kind"], "mandate_revoked", "{last}");
    assert_eq!(last["data"]["mandate_id"], s.mandate("4601"));
    assert!(last["actor"]
        .as_str()
        .unwrap_or_default()
        .starts_with("municipality:"));
    let verified = app
        .get(
            &format!("/api/v1/procurements/{}/events/verify", s.id),
            Some(&s.coordinator),
        )
        .await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.body);
    assert_eq!(verified.body["intact"], true, "{}", verified.body);

    // No new decision rests on it, a changed answer included.
    let again = s.join(&app, "4601", volumes).await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "mandate_revoked"),
        "{}",
        again.body
    );
    assert_eq!(
        again.body["errors"][0]["field"], "mandate_id",
        "{}",
        again.body
    );

    // Revoking again keeps the first revocation and writes nothing.
    let r = app.post(&path, Some(s.user("4601")), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["revoked_at"], revoked_at.as_str());
    assert_eq!(events(&app, &s.coordinator, &s.id).await.len(), trail.len());
}

async fn bergen_logged_in(app: &TestApp) -> Jar {
    let admin = app.admin_token().await;
    crate::procurements::municipality_user(app, &admin, "4601").await;
    let (jar, done) = log_in(app, "innkjop@k4601.kommune.no", PASSWORD).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    jar
}

#[actix_web::test]
async fn a_municipality_registers_and_revokes_a_mandate_in_the_workspace() {
    let app = spawn_app().await;
    let jar = bergen_logged_in(&app).await;
    let home = get(&app, &jar, "/app/").await;
    assert!(
        home.html.contains("href=\"/app/mandates\""),
        "{}",
        home.html
    );
    let list = get(&app, &jar, "/app/mandates").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.html);
    assert!(
        list.html.contains("ikke registrert noe vedtak"),
        "{}",
        list.html
    );

    let form = get(&app, &jar, "/app/mandates/new").await;
    assert_eq!(form.status, StatusCode::OK);
    for label in [
        "Saksnummer for vedtaket",
        "Vedtatt av",
        "Vedtaksdato",
        "Gyldig fra og med",
        "Gyldig til og med",
        "Beløpsgrense i kroner",
        "Omfang (CPV)",
    ] {
        assert!(form.html.contains(label), "{label}");
    }
    let token = form.csrf();
    let mut fields = vec![
        ("csrf_token", token.as_str()),
        ("reference", "PS 12/2026"),
        ("decided_by", "Bystyret"),
        ("decided_on", "2026-03-15"),
        ("valid_from", "2026-03-15"),
        ("valid_until", "2026-01-31"),
        ("ceiling", "fem millioner"),
        ("cpv_scope", "555, 9"),
    ];
    let refused = post(&app, &jar, "/app/mandates/new", &fields).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.html
    );
    assert!(
        refused.html.contains("Skriv beløpsgrensen i kroner"),
        "{}",
        refused.html
    );
    assert!(
        refused.html.contains("id=\"ceiling-feil\""),
        "{}",
        refused.html
    );
    assert!(refused.html.contains("value=\"fem millioner\""));
    assert!(refused.html.contains("value=\"PS 12/2026\""));
    fields[6] = ("ceiling", "5 000 000");
    let refused = post(&app, &jar, "/app/mandates/new", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .html
            .contains("Siste gyldige dag kan ikke være før første gyldige dag."),
        "{}",
        refused.html
    );
    assert!(refused.html.contains("id=\"valid_until-feil\""));
    fields[5] = ("valid_until", "2099-12-31");
    let refused = post(&app, &jar, "/app/mandates/new", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains("id=\"cpv_scope-feil\""),
        "{}",
        refused.html
    );
    fields[7] = ("cpv_scope", "555, 15");
    let done = post(&app, &jar, "/app/mandates/new", &fields).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.html);
    assert!(
        done.html.contains("Vedtaket PS 12/2026 er registrert."),
        "{}",
        done.html
    );
    assert!(done.html.contains("CPV 555, 15"));
    assert!(
        done.html.contains("5\u{a0}000\u{a0}000") || done.html.contains("5 000 000"),
        "{}",
        done.html
    );

    // What the page registered is what the API has.
    let admin = app.admin_token().await;
    let api = app
        .get("/api/v1/municipalities/4601/mandates", Some(&admin))
        .await;
    assert_eq!(api.body[0]["max_value_ore"], 500_000_000);
    assert_eq!(api.body[0]["cpv_scope"], json!(["555", "15"]));
    let id = api.body[0]["id"].as_str().expect("id").to_string();

    let confirm = get(&app, &jar, &format!("/app/mandates/{id}/revoke")).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.html);
    assert!(confirm.html.contains("Trekke tilbake vedtaket PS 12/2026?"));
    // Without the form token nothing happens.
    let forged = post(&app, &jar, &format!("/app/mandates/{id}/revoke"), &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let api = app
        .get("/api/v1/municipalities/4601/mandates", Some(&admin))
        .await;
    assert_eq!(api.body[0]["revoked_at"], Value::Null);

    let token = confirm.csrf();
    let revoked = post(
        &app,
        &jar,
        &format!("/app/mandates/{id}/revoke"),
        &[("csrf_token", &token)],
    )
    .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.html);
    assert!(revoked
        .html
        .contains("Vedtaket PS 12/2026 er trukket tilbake."));
    assert!(
        revoked.html.contains("Trukket tilbake "),
        "{}",
        revoked.html
    );
    let api = app
        .get("/api/v1/municipalities/4601/mandates", Some(&admin))
        .await;
    assert!(api.body[0]["revoked_at"].is_string(), "{}", api.body);

    // A coordinator has no mandates of their own to keep.
    let (_, coordinator) = crate::app_pages::coordinator(&app).await;
    let page = get(&app, &coordinator, "/app/mandates").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn a_municipality_sees_and_changes_its_contact_address() {
    let app = spawn_app().await;
    let jar = bergen_logged_in(&app).await;
    let page = get(&app, &jar, "/app/contact").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.html.contains("ingen adresse"), "{}", page.html);
    let token = page.csrf();
    let refused = post(
        &app,
        &jar,
        "/app/contact",
        &[
            ("csrf_token", &token),
            ("contact_email", "postmottak-bergen"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains("id=\"contact_email-feil\""),
        "{}",
        refused.html
    );
    assert!(refused.html.contains("value=\"postmottak-bergen\""));
    let done = post(
        &app,
        &jar,
        "/app/contact",
        &[
            ("csrf_token", &token),
            ("contact_email", "postmottak@bergen.kommune.no"),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.html);
    assert!(done.html.contains("Kontaktadressen er lagret."));
    let api = app.get("/api/v1/municipalities/4601", None).await;
    assert_eq!(api.body["contact_email"], "postmottak@bergen.kommune.no");
}

/// The voting link's path in the newest mail to `to`.
pub async fn link_to(app: &TestApp, to: &str) -> String {
    let (_, text) = app.last_mail_to(to).await.expect("a mail");
    let start = text.find("/vote/").expect("a voting link");
    let end = text[start..]
        .find(char::is_whitespace)
        .map_or(text.len(), |e| start + e);
    text[start..end].to_string()
}

#[actix_web::test]
async fn a_municipality_without_an_account_registers_a_mandate_from_its_link_and_then_joins() {
    let app = spawn_app().await;
    let s = app
        .scenario()
        .municipalities(&["4631"])
        .invited(&["4601", "4631"])
        .lot(lot("Skolemåltid"))
        .draft()
        .await;
    let address = "postmottak@bergen.kommune.no";
    let r = app
        .patch(
            "/api/v1/municipalities/4601",
            Some(&s.admin),
            json!({"contact_email": address}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    s.open(&app).await;
    let link = link_to(&app, address).await;
    let nobody = Jar::default();

    let page = get(&app, &nobody, &link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(
        page.html
            .contains("Registrer vedtaket som gir kommunen rett til å delta"),
        "{}",
        page.html
    );
    let action = format!("{link}/mandate");
    assert!(page.html.contains(&format!("action=\"{action}\"")));
    // Looking changes nothing.
    let admin_list = || app.get("/api/v1/municipalities/4601/mandates", Some(&s.admin));
    assert_eq!(admin_list().await.body, json!([]));

    let today = chrono::Utc::now().date_naive();
    let (from, until) = (
        today.to_string(),
        (today + chrono::Duration::days(365)).to_string(),
    );
    let mut fields = vec![
        ("reference", "PS 7/2026"),
        ("decided_by", "Bystyret"),
        ("decided_on", from.as_str()),
        ("valid_from", from.as_str()),
        ("valid_until", "i fjor"),
        ("ceiling", "200 000 000"),
        ("cpv_scope", "555"),
    ];
    let refused = post(&app, &nobody, &action, &fields).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.html
    );
    assert!(
        refused.html.contains("id=\"valid_until-feil\""),
        "{}",
        refused.html
    );
    assert!(refused.html.contains("value=\"PS 7/2026\""));
    assert!(refused.html.contains("value=\"i fjor\""));
    assert_eq!(admin_list().await.body, json!([]));

    fields[4] = ("valid_until", until.as_str());
    let registered = post(&app, &nobody, &action, &fields).await;
    assert_eq!(registered.status, StatusCode::OK, "{}", registered.html);
    assert!(
        registered.html.contains("er registrert for Bergen"),
        "{}",
        registered.html
    );
    // The mandate form is gone: the municipality now has a covering mandate.
    assert!(!registered.html.contains(&format!("action=\"{action}\"")));
    let list = admin_list().await;
    let mandate = list.body[0]["id"]
        .as_str()
        .expect("the mandate")
        .to_string();
    assert!(
        registered
            .html
            .contains(&format!("<option value=\"{mandate}\" selected")),
        "{}",
        registered.html
    );

    // The procurement's audit trail says who gave it: the link to that address.
    let trail = events(&app, &s.coordinator, &s.id).await;
    let given = trail
        .iter()
        .find(|e| e["kind"] == "mandate_recorded")
        .expect("the mandate in the audit trail");
    assert_eq!(given["actor"], format!("vote link to {address}"));
    assert_eq!(given["data"]["reference"], "PS 7/2026");

    // The same link then gives the decision, by the answer form's own address.
    assert!(
        registered.html.contains(&format!("action=\"{link}\"")),
        "{}",
        registered.html
    );
    let annual = format!("annual_{}", s.lot(0));
    let voted = post(
        &app,
        &nobody,
        &link,
        &[
            ("decision", "join"),
            ("mandate_id", &mandate),
            (&annual, "40000"),
        ],
    )
    .await;
    assert_eq!(voted.status, StatusCode::OK, "{}", voted.html);
    assert!(
        voted.html.contains("Takk! Svaret er registrert."),
        "{}",
        voted.html
    );
    assert!(voted.html.contains("PS 7/2026"));
    let p = app
        .get(
            &format!("/api/v1/procurements/{}/participation", s.id),
            Some(&s.coordinator),
        )
        .await;
    let bergen = p
        .body
        .as_array()
        .and_then(|l| l.iter().find(|x| x["municipality"] == "4601"))
        .cloned()
        .expect("Bergen");
    assert_eq!(
        (bergen["decision"].as_str(), bergen["channel"].as_str()),
        (Some("join"), Some("email"))
    );
    assert_eq!(bergen["mandate_reference"], "PS 7/2026");

    // A used link registers nothing more.
    let late = post(&app, &nobody, &action, &fields).await;
    assert_eq!(late.status, StatusCode::GONE, "{}", late.html);
    assert_eq!(admin_list().await.body.as_array().map(Vec::len), Some(1));
}
