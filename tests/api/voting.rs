//! Voting by email link: invitations over a real SMTP conversation, a page
//! that mail scanners can fetch without harm, one submission per link, a
//! receipt with a fresh link.

use std::time::Duration;

use awc::http::{Method, StatusCode};
use mail_parser::MessageParser;
use serde_json::json;

use crate::helpers::{spawn_app_with, TestApp, JWT_SECRET};
use crate::scenario::lot;
use crate::smtp_server::{Received, SmtpServer};

const WAIT: Duration = Duration::from_secs(20);

/// An app that sends its mail to the test's SMTP server, quickly.
pub async fn app_with_mail(smtp: &SmtpServer) -> TestApp {
    let url = smtp.url();
    spawn_app_with(move |k| match k {
        "SAMKJOP_SMTP_URL" => Some(url.clone()),
        "SAMKJOP_OUTBOX_INTERVAL_MS" => Some("100".into()),
        _ => None,
    })
    .await
}

pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub fn parse(m: &Received) -> Mail {
    let msg = MessageParser::default()
        .parse(&m.data)
        .expect("a MIME message");
    Mail {
        to: m.rcpt_to.join(","),
        subject: msg.subject().unwrap_or_default().to_string(),
        text: msg.body_text(0).map(|t| t.to_string()).unwrap_or_default(),
        html: msg.body_html(0).map(|t| t.to_string()).unwrap_or_default(),
    }
}

/// The voting link in a mail, as a path on the app.
pub fn link_in(mail: &Mail) -> String {
    let start = mail.text.find("/vote/").expect("a voting link in the mail");
    let end = mail.text[start..]
        .find(char::is_whitespace)
        .map_or(mail.text.len(), |e| start + e);
    mail.text[start..end].to_string()
}

/// Waits for `n` mails whose subject holds `subject_part`.
pub async fn mails_about(smtp: &SmtpServer, subject_part: &str, n: usize) -> Vec<Mail> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let got: Vec<Mail> = smtp
            .received()
            .iter()
            .map(parse)
            .filter(|m| m.subject.contains(subject_part))
            .collect();
        if got.len() >= n {
            return got;
        }
        crate::wait::again(deadline, || {
            format!(
                "expected {n} mails about '{subject_part}', got {}",
                got.len()
            )
        })
        .await;
    }
}

async fn mails_to(smtp: &SmtpServer, n: usize, to: &str) -> Vec<Mail> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let got: Vec<Mail> = smtp
            .received()
            .iter()
            .map(parse)
            .filter(|m| m.to.contains(to))
            .collect();
        if got.len() >= n {
            return got;
        }
        crate::wait::again(deadline, || {
            format!("expected {n} mails to {to}, got {}", got.len())
        })
        .await;
    }
}

async fn form_post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> crate::helpers::Reply {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    app.raw(
        Method::POST,
        path,
        None,
        "application/x-www-form-urlencoded",
        body.into_bytes(),
    )
    .await
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn html_of(r: &crate::helpers::Reply) -> String {
    r.body.as_str().unwrap_or_default().to_string()
}

struct Scenario {
    app: TestApp,
    smtp: SmtpServer,
    coordinator: String,
    id: String,
    lot: String,
    mandate: String,
}

/// Bergen and Alver invited to school meals; Bergen has a mandate and a contact address.
async fn scenario(title: &str) -> Scenario {
    let smtp = SmtpServer::start().await;
    let app = app_with_mail(&smtp).await;
    let s = bergen_invited(&app, title).await;
    Scenario {
        coordinator: s.coordinator.clone(),
        id: s.id.clone(),
        lot: s.lot(0).to_string(),
        mandate: s.mandate("4601").to_string(),
        app,
        smtp,
    }
}

async fn bergen_invited(app: &TestApp, title: &str) -> crate::scenario::Scenario {
    app.scenario()
        .title(title)
        .municipalities(&["4601"])
        .invited(&["4601", "4631"])
        .contact("4601", "innkjop@bergen.kommune.no")
        .lot(lot("Skolemåltid"))
        .opened()
        .await
}

#[actix_web::test]
async fn a_municipality_answers_from_the_link_in_its_invitation() {
    let s = scenario("Skolemat i Nordhordland").await;
    let invitation = mails_to(&s.smtp, 1, "innkjop@bergen.kommune.no")
        .await
        .remove(0);
    assert_eq!(
        invitation.subject,
        "Invitasjon til felles anskaffelse: Skolemat i Nordhordland"
    );
    assert!(
        invitation
            .text
            .contains("Nordhordland innkjøp inviterer Bergen"),
        "{}",
        invitation.text
    );
    assert!(invitation
        .text
        .contains("Skolemåltid (enhet: porsjon, anslått pris NOK 45 ekskl. mva. per enhet)"));
    assert!(invitation.html.contains("Svar på invitasjonen"));
    let link = link_in(&invitation);

    // A mail scanner fetches the link twice, and asks for its head: nothing changes.
    for _ in 0..2 {
        let page = s.app.get(&link, None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.content_type.starts_with("text/html"));
        let html = html_of(&page);
        assert!(html.contains("Skolemat i Nordhordland") && html.contains("Bergen"));
        assert!(html.contains("Skolemåltid"));
    }
    let head = s
        .app
        .raw(Method::HEAD, &link, None, "text/plain", Vec::new())
        .await;
    assert_eq!(head.status, StatusCode::OK);
    let before = s
        .app
        .get(
            &format!("/api/v1/procurements/{}/participation", s.id),
            Some(&s.coordinator),
        )
        .await;
    assert_eq!(
        before.body[0]["decision"], "pending",
        "fetching the link decided nothing"
    );

    let annual = format!("annual_{}", s.lot);
    let max = format!("max_{}", s.lot);
    let r = form_post(
        &s.app,
        &link,
        &[
            ("decision", "join"),
            ("mandate_id", &s.mandate),
            (&annual, "400000"),
            (&max, "500000"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", html_of(&r));
    let receipt_page = html_of(&r);
    assert!(receipt_page.contains("Takk! Svaret er registrert."));
    // 500 000 portions x NOK 45 x 4 years.
    assert!(receipt_page.contains("NOK 90 000 000"), "{receipt_page}");

    let after = s
        .app
        .get(
            &format!("/api/v1/procurements/{}/participation", s.id),
            Some(&s.coordinator),
        )
        .await;
    let bergen = &after.body[0];
    assert_eq!(
        (bergen["decision"].as_str(), bergen["channel"].as_str()),
        (Some("join"), Some("email"))
    );
    let summary = s
        .app
        .get(
            &format!("/api/v1/procurements/{}/summary", s.id),
            Some(&s.coordinator),
        )
        .await;
    assert_eq!(summary.body["lots"][0]["max_annual_quantity"], 500_000);

    // The same link again: refused, and nothing changes.
    let again = form_post(&s.app, &link, &[("decision", "decline")]).await;
    assert_eq!(again.status, StatusCode::GONE);
    assert!(html_of(&again).contains("Lenken er allerede brukt"));
    let page_again = s.app.get(&link, None).await;
    assert_eq!(page_again.status, StatusCode::GONE);

    // The receipt carries a fresh link that changes the decision once more.
    let receipt = mails_to(&s.smtp, 2, "innkjop@bergen.kommune.no")
        .await
        .remove(1);
    assert_eq!(
        receipt.subject,
        "Kvittering: Bergen deltar i «Skolemat i Nordhordland»"
    );
    assert!(
        receipt
            .text
            .contains("Skolemåltid: 400 000 porsjon per år (maksimalt 500 000 porsjon)"),
        "{}",
        receipt.text
    );
    let fresh = link_in(&receipt);
    assert_ne!(fresh, link);
    let declined = form_post(&s.app, &fresh, &[("decision", "decline")]).await;
    assert_eq!(declined.status, StatusCode::OK);
    let last = s
        .app
        .get(
            &format!("/api/v1/procurements/{}/participation", s.id),
            Some(&s.coordinator),
        )
        .await;
    assert_eq!(last.body[0]["decision"], "decline");
}

#[actix_web::test]
async fn a_refused_answer_shows_why_and_keeps_the_form_filled_in() {
    let s = scenario("Skolemat").await;
    let link = link_in(&mails_to(&s.smtp, 1, "bergen").await[0]);
    let annual = format!("annual_{}", s.lot);
    let max = format!("max_{}", s.lot);
    let r = form_post(
        &s.app,
        &link,
        &[
            ("decision", "join"),
            ("mandate_id", &s.mandate),
            (&annual, "1200"),
            (&max, "800"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = html_of(&r);
    assert!(html.contains("Svaret ble ikke registrert"), "{html}");
    assert!(
        html.contains("value=\"1200\"") && html.contains("value=\"800\""),
        "the form keeps what was typed"
    );
    let r = form_post(&s.app, &link, &[("decision", "join"), (&annual, "10")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html_of(&r).contains("Velg vedtaket"),
        "mandate_required in Norwegian"
    );
    let r = form_post(
        &s.app,
        &link,
        &[
            ("decision", "join"),
            ("mandate_id", &s.mandate),
            (&annual, "mange"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html_of(&r).contains("må være et helt tall"));

    // The refusals did not use up the link.
    let ok = form_post(
        &s.app,
        &link,
        &[
            ("decision", "join"),
            ("mandate_id", &s.mandate),
            (&annual, "1200"),
        ],
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", html_of(&ok));
}

#[actix_web::test]
async fn forged_expired_and_cancelled_links_get_a_clear_page() {
    let s = scenario("Skolemat <b>fet</b>").await;
    let link = link_in(&mails_to(&s.smtp, 1, "bergen").await[0]);
    let page = html_of(&s.app.get(&link, None).await);
    assert!(
        page.contains("Skolemat &lt;b&gt;fet&lt;/b&gt;"),
        "names are escaped"
    );
    assert!(!page.contains("<b>fet</b>"));

    let forged = s
        .app
        .get(
            "/vote/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0NjAxIn0.Zm9yZ2Vk",
            None,
        )
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert!(html_of(&forged).contains("Ugyldig lenke"));

    let keys = samkjop::auth::Keys::new(JWT_SECRET.as_bytes(), 60);
    let mut claims = samkjop::auth::vote_token::VoteClaims::new(
        &s.id,
        "4601",
        chrono::Utc::now(),
        chrono::Utc::now(),
    );
    claims.exp = chrono::Utc::now().timestamp() - 10;
    let expired = samkjop::auth::vote_token::sign(&keys, &claims).expect("signed");
    let r = s.app.get(&format!("/vote/{expired}"), None).await;
    assert_eq!(r.status, StatusCode::GONE);
    assert!(html_of(&r).contains("Lenken er utløpt"));

    let r = s
        .app
        .post(
            &format!("/api/v1/procurements/{}/cancel", s.id),
            Some(&s.coordinator),
            json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "cancelled");
    let cancelled = s.app.get(&link, None).await;
    assert_eq!(cancelled.status, StatusCode::GONE);
    assert!(html_of(&cancelled).contains("Anskaffelsen er avlyst"));
    assert!(cancelled.content_type.starts_with("text/html"));
}

#[actix_web::test]
async fn mail_written_while_the_smtp_server_is_down_arrives_once_when_it_is_back() {
    let port = crate::smtp_server::free_port();
    let app = spawn_app_with(move |k| match k {
        "SAMKJOP_SMTP_URL" => Some(format!("smtp://127.0.0.1:{port}")),
        "SAMKJOP_OUTBOX_INTERVAL_MS" => Some("100".into()),
        "SAMKJOP_OUTBOX_RETRY_FIRST_MS" => Some("200".into()),
        "SAMKJOP_OUTBOX_RETRY_MAX_MS" => Some("400".into()),
        _ => None,
    })
    .await;
    let s = app
        .scenario()
        .municipalities(&["4601"])
        .contact("4601", "innkjop@bergen.kommune.no")
        .lot(lot("Skolemåltid"))
        .opened()
        .await;
    let (admin, m, lot) = (s.admin.clone(), s.mandate("4601"), s.lot(0));

    // The invitation cannot go out; the municipality answers from its link all the same.
    let db = samkjop::db::Db::connect(&app.database_url, 1).expect("db");
    let queued = db
        .read(|c| samkjop::db::outbox::list(c, None, 10, 0))
        .await
        .expect("outbox");
    let text = queued
        .iter()
        .find(|m| m.subject.starts_with("Invitasjon"))
        .expect("queued")
        .body_text
        .clone();
    let link = link_in(&Mail {
        to: String::new(),
        subject: String::new(),
        text,
        html: String::new(),
    });
    let annual = format!("annual_{lot}");
    let r = form_post(
        &app,
        &link,
        &[("decision", "join"), ("mandate_id", m), (&annual, "1000")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    // Both wait in the outbox, each tried and failed at least once.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let admin_view = app
            .get("/api/v1/admin/outbox?status=pending", Some(&admin))
            .await;
        let pending = admin_view.body.as_array().cloned().unwrap_or_default();
        let all_tried = pending
            .iter()
            .all(|p| p["attempts"].as_i64().unwrap_or(0) >= 1 && p["last_error"].is_string());
        if pending.len() == 2 && all_tried {
            break;
        }
        crate::wait::again(deadline, || admin_view.body.to_string()).await;
    }

    let smtp = SmtpServer::start_on(port).await;
    let got = smtp.wait_for(2, WAIT).await;
    // Nothing due or under way is left; a message sent twice has arrived twice.
    app.drain_outbox().await;
    let subjects: Vec<String> = smtp.received().iter().map(|m| parse(m).subject).collect();
    assert_eq!(subjects.len(), 2, "each message once: {subjects:?}");
    assert!(
        subjects.iter().any(|s| s.starts_with("Invitasjon"))
            && subjects.iter().any(|s| s.starts_with("Kvittering"))
    );
    assert_eq!(got.len(), 2);
}

fn oslo_time(rfc3339: &serde_json::Value) -> String {
    let at = chrono::DateTime::parse_from_rfc3339(rfc3339.as_str().unwrap_or_default())
        .expect("an RFC 3339 time")
        .with_timezone(&chrono::Utc);
    samkjop::domain::calendar::oslo_display(at)
}

async fn bergens_decision(app: &TestApp, s: &crate::scenario::Scenario) -> (String, String) {
    let list = app
        .get(
            &format!("/api/v1/procurements/{}/participation", s.id),
            Some(&s.coordinator),
        )
        .await;
    let bergen = list
        .body
        .as_array()
        .and_then(|l| l.iter().find(|p| p["municipality"] == "4601"))
        .cloned()
        .expect("Bergen is invited");
    let text = |k: &str| bergen[k].as_str().unwrap_or_default().to_string();
    (text("decision"), text("channel"))
}

#[actix_web::test]
async fn a_decision_through_the_api_retires_the_invitation_link() {
    let smtp = SmtpServer::start().await;
    let app = app_with_mail(&smtp).await;
    let s = bergen_invited(&app, "Skolemat i Nordhordland").await;
    let link = link_in(&mails_to(&smtp, 1, "innkjop@bergen.kommune.no").await[0]);

    let joined = s
        .join(
            &app,
            "4601",
            json!([{"lot_id": s.lot(0), "annual_quantity": 400000}]),
        )
        .await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
    let decided_at = oslo_time(&joined.body["decided_at"]);

    // The link only tells what was decided, through which door and when.
    let page = app.get(&link, None).await;
    assert_eq!(page.status, StatusCode::GONE);
    let html = html_of(&page);
    assert!(html.contains("Lenken gjelder ikke lenger"), "{html}");
    assert!(
        html.contains("Bergen deltar i «Skolemat i Nordhordland»"),
        "{html}"
    );
    assert!(html.contains("API (kommunens fagsystem)"), "{html}");
    assert!(html.contains(&decided_at), "{decided_at} in {html}");
    assert!(!html.contains("<form"), "nothing to submit");

    // Posting the old form anyway changes nothing.
    let r = form_post(&app, &link, &[("decision", "decline")]).await;
    assert_eq!(r.status, StatusCode::GONE);
    assert!(html_of(&r).contains("Lenken gjelder ikke lenger"));
    assert_eq!(
        bergens_decision(&app, &s).await,
        ("join".to_string(), "api".to_string())
    );
}

#[actix_web::test]
async fn the_receipt_link_is_the_one_that_changes_a_decision_by_link_until_the_api_decides() {
    let smtp = SmtpServer::start().await;
    let app = app_with_mail(&smtp).await;
    let s = bergen_invited(&app, "Skolemat").await;
    let invitation = link_in(&mails_to(&smtp, 1, "innkjop@bergen.kommune.no").await[0]);
    let r = form_post(&app, &invitation, &[("decision", "decline")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", html_of(&r));
    let receipt = link_in(&mails_to(&smtp, 2, "innkjop@bergen.kommune.no").await[1]);

    // The used link says what it decided and where to change it.
    let used = html_of(&app.get(&invitation, None).await);
    assert!(used.contains("Lenken er allerede brukt"), "{used}");
    assert!(used.contains("Bergen deltar ikke"), "{used}");
    assert!(used.contains("svarlenke i e-post"), "{used}");
    assert!(used.contains("kvitteringen"), "{used}");
    assert_eq!(app.get(&receipt, None).await.status, StatusCode::OK);

    // A decision through the API retires the receipt's link as well.
    let joined = s
        .join(
            &app,
            "4601",
            json!([{"lot_id": s.lot(0), "annual_quantity": 1000}]),
        )
        .await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
    let page = app.get(&receipt, None).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(html_of(&page).contains("API (kommunens fagsystem)"));
    let r = form_post(&app, &receipt, &[("decision", "decline")]).await;
    assert_eq!(r.status, StatusCode::GONE);
    assert_eq!(
        bergens_decision(&app, &s).await,
        ("join".to_string(), "api".to_string())
    );
}
