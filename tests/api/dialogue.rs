//! The market dialogue on a draft lot division: alerts to subscribed
//! suppliers (over SMTP, with RFC 8058 one-click unsubscribe), answers per
//! lot until the deadline, the report, the analysis's `smes_ask_for_split`,
//! and what everyone sees of it.

use awc::http::{Method, StatusCode};
use mail_parser::MessageParser;
use serde_json::{json, Value};

use crate::helpers::{org_number, spawn_app, spawn_app_with, TestApp, PASSWORD};
use crate::procurements::{
    add_lot, days_from_today, in_future, join, mandate, municipality_user, office, open, propose,
    Office,
};
use crate::smtp_server::SmtpServer;

// A supplier profile field by field reads best in the tests that call it.
#[allow(clippy::too_many_arguments)]
async fn supplier(
    app: &TestApp,
    n: u32,
    email: &str,
    employees: i64,
    turnover_ore: i64,
    home: &str,
    area: &[&str],
    cpv: &[&str],
) -> String {
    app.register_supplier(json!({"org_number": org_number(95_000_000 + n * 1000), "name": format!("Leverandør {n} AS"),
        "email": email, "password": PASSWORD, "employees": employees, "annual_turnover_ore": turnover_ore,
        "home_municipality": home, "service_area": area, "cpv": cpv}))
        .await
}

fn consultation_body(seconds: i64) -> Value {
    json!({"deadline": in_future(seconds), "message": "Vi vil gjerne høre om inndelingen passer små leverandører."})
}

/// The alerts to `to` that the SMTP server received, parsed.
fn alerts_to(smtp: &SmtpServer, to: &str) -> Vec<(String, String, String, String)> {
    smtp.received()
        .into_iter()
        .filter(|m| m.rcpt_to.iter().any(|r| r == to))
        .filter_map(|m| {
            let parsed = MessageParser::default().parse(&m.data)?;
            let subject = parsed.subject().unwrap_or_default().to_string();
            if !subject.starts_with("Markedsdialog") && !subject.starts_with("Kunngjort") {
                return None;
            }
            let header = |name: &str| {
                parsed
                    .header_raw(name)
                    .map(|v| v.trim().to_string())
                    .unwrap_or_default()
            };
            let text = parsed.body_text(0).unwrap_or_default().to_string();
            Some((
                subject,
                header("List-Unsubscribe"),
                header("List-Unsubscribe-Post"),
                text,
            ))
        })
        .collect()
}

#[actix_web::test]
async fn a_matching_subscriber_is_alerted_once_and_one_click_stops_the_next() {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let app = spawn_app_with(move |k| match k {
        "SAMKJOP_SMTP_URL" => Some(url.clone()),
        "SAMKJOP_OUTBOX_INTERVAL_MS" => Some("0".into()),
        _ => None,
    })
    .await;
    let Office { coordinator, .. } = office(&app).await;
    let caterer = supplier(
        &app,
        1,
        "mat@fjordmat.no",
        5,
        200_000_000,
        "4601",
        &["46"],
        &["555"],
    )
    .await;
    let driver = supplier(
        &app,
        2,
        "skyss@oslo-taxi.no",
        5,
        200_000_000,
        "0301",
        &["03"],
        &["60"],
    )
    .await;

    // Proposed from the profile until saved; nothing is sent before.
    let proposed = app
        .get("/api/v1/suppliers/me/subscriptions", Some(&caterer))
        .await;
    assert_eq!(proposed.status, StatusCode::OK, "{}", proposed.body);
    assert_eq!(proposed.body["cpv_prefixes"], json!(["555"]));
    // The profile's area, which always holds the home.
    assert_eq!(proposed.body["areas"], json!(["46", "4601"]));
    assert_eq!(proposed.body["saved"], false);
    let saved = app
        .put(
            "/api/v1/suppliers/me/subscriptions",
            Some(&caterer),
            json!({"cpv_prefixes": ["5552"], "areas": ["4601"]}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(
        (saved.body["saved"].clone(), saved.body["active"].clone()),
        (json!(true), json!(true))
    );
    let bad = app
        .put(
            "/api/v1/suppliers/me/subscriptions",
            Some(&driver),
            json!({"cpv_prefixes": ["6"], "areas": ["03"]}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let other = app
        .put(
            "/api/v1/suppliers/me/subscriptions",
            Some(&driver),
            json!({"cpv_prefixes": ["60"], "areas": ["03"]}),
        )
        .await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.body);

    let id = propose(
        &app,
        &coordinator,
        &["4601", "4602"],
        &in_future(3600),
        json!(null),
    )
    .await;
    add_lot(
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
    let r = app
        .post(
            &format!("/api/v1/procurements/{id}/consultation"),
            Some(&coordinator),
            consultation_body(3600),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["open"], true);
    let again = app
        .post(
            &format!("/api/v1/procurements/{id}/consultation"),
            Some(&coordinator),
            consultation_body(3600),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    app.drain_outbox().await;

    let got = alerts_to(&smtp, "mat@fjordmat.no");
    assert_eq!(got.len(), 1, "{got:?}");
    let (subject, unsubscribe, post, text) = &got[0];
    assert_eq!(
        subject,
        "Markedsdialog: utkast til delkontrakter i «Skolemat i Nordhordland»"
    );
    assert!(text.contains("Skolemåltid"), "{text}");
    assert!(text.contains(&format!("/consultations/{id}")), "{text}");
    assert_eq!(post, "List-Unsubscribe=One-Click");
    let url = unsubscribe
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_string();
    assert!(
        url.starts_with(&app.address) && url.contains("/unsubscribe/"),
        "{url}"
    );
    assert!(
        text.contains(&url),
        "the link in the text works without the header: {text}"
    );
    assert!(alerts_to(&smtp, "skyss@oslo-taxi.no").is_empty());

    // The link's page asks first; the one-click POST (as a mail client sends it) stops the alerts.
    let path = url.trim_start_matches(&app.address).to_string();
    let page = app.get(&path, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.as_str().unwrap_or_default().contains("Meld av"),
        "{}",
        page.body
    );
    let stopped = app
        .raw(
            Method::POST,
            &path,
            None,
            "application/x-www-form-urlencoded",
            b"List-Unsubscribe=One-Click".to_vec(),
        )
        .await;
    assert_eq!(stopped.status, StatusCode::OK);
    let now = app
        .get("/api/v1/suppliers/me/subscriptions", Some(&caterer))
        .await;
    assert_eq!(now.body["active"], false, "{}", now.body);

    // The next matching consultation is not sent to it.
    let second = propose(&app, &coordinator, &["4601"], &in_future(3600), json!(null)).await;
    add_lot(&app, &coordinator, &second, "Frukt", "kasse", 10_000, None).await;
    open(&app, &coordinator, &second).await;
    let r = app
        .post(
            &format!("/api/v1/procurements/{second}/consultation"),
            Some(&coordinator),
            consultation_body(3600),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    app.drain_outbox().await;
    assert_eq!(alerts_to(&smtp, "mat@fjordmat.no").len(), 1);
}

#[actix_web::test]
async fn answers_change_until_the_deadline_and_the_report_and_analysis_use_them() {
    let app = spawn_app().await;
    let Office { admin, coordinator } = office(&app).await;
    let bergen = municipality_user(&app, &admin, "4601").await;
    let askoy = municipality_user(&app, &admin, "4627").await;
    let id = propose(
        &app,
        &coordinator,
        &["4601", "4624", "4627"],
        &in_future(7200),
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
    for (token, number, quantity) in [(&bergen, "4601", 200_000), (&askoy, "4627", 40_000)] {
        let m = mandate(
            &app,
            token,
            number,
            json!([]),
            100_000_000_000,
            &days_from_today(365),
        )
        .await;
        let r = join(
            &app,
            token,
            &id,
            number,
            &m,
            json!([{"lot_id": lot, "annual_quantity": quantity}]),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    // Two local SMEs (Bergen, Askøy) and a large firm from Oslo.
    let small_bergen = supplier(
        &app,
        11,
        "a@bergenmat.no",
        8,
        300_000_000,
        "4601",
        &["4601"],
        &["5552"],
    )
    .await;
    let small_askoy = supplier(
        &app,
        12,
        "b@askoymat.no",
        3,
        100_000_000,
        "4627",
        &["4627"],
        &["5552"],
    )
    .await;
    let large = supplier(
        &app,
        13,
        "c@storkjokken.no",
        900,
        400_000_000_000,
        "0301",
        &["03", "46"],
        &["55"],
    )
    .await;

    let answer = |lot: &str| format!("/api/v1/procurements/{id}/consultation/answers/{lot}");
    // No consultation yet.
    let early = app
        .put(
            &answer(&lot),
            Some(&small_bergen),
            json!({"answer": "can_bid"}),
        )
        .await;
    assert_eq!(early.status, StatusCode::NOT_FOUND, "{}", early.body);
    let r = app
        .post(
            &format!("/api/v1/procurements/{id}/consultation"),
            Some(&coordinator),
            consultation_body(3600),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    // Everyone sees the same draft, marked as such; no answers in it.
    let public = app
        .get(&format!("/api/v1/public/consultations/{id}"), None)
        .await;
    assert_eq!(public.status, StatusCode::OK, "{}", public.body);
    assert_eq!(public.body["draft"], true);
    assert_eq!(public.body["lots"][0]["title"], "Skolemåltid");
    let page = app.get(&format!("/consultations/{id}"), None).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body.as_str().unwrap_or_default().to_string();
    assert!(html.contains("Utkast til markedsdialog"), "{html}");
    assert!(
        html.contains("Skolemåltid") && html.contains("Frist for innspill"),
        "{html}"
    );

    // An answer, changed before the deadline: the last one counts.
    let first = app
        .put(
            &answer(&lot),
            Some(&small_bergen),
            json!({"answer": "can_bid"}),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let changed = app
        .put(&answer(&lot), Some(&small_bergen),
             json!({"answer": "could_bid_if_split", "reason": "area_too_wide", "proposed_area": ["4627", "4624"],
                    "comment": "Vi kan levere i Askøy og Fjell."}))
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(changed.body["proposed_area"], json!(["4624", "4627"]));
    let r = app
        .put(&answer(&lot), Some(&small_askoy),
             json!({"answer": "could_bid_if_split", "reason": "too_large", "proposed_area": ["4624", "4627"]}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .put(
            &answer(&lot),
            Some(&large),
            json!({"answer": "cannot_bid", "reason": "requirements"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let outside = app
        .put(
            &answer(&lot),
            Some(&large),
            json!({"answer": "can_bid", "proposed_area": ["0301"]}),
        )
        .await;
    assert_eq!(
        (outside.status, outside.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "lot_not_in_area"),
        "{}",
        outside.body
    );
    let wrong = app
        .put(&answer(&lot), Some(&large), json!({"answer": "maybe"}))
        .await;
    assert_eq!(
        (wrong.status, wrong.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_answer"),
        "{}",
        wrong.body
    );
    let no_lot = app
        .put(
            &answer("no-such-lot"),
            Some(&large),
            json!({"answer": "can_bid"}),
        )
        .await;
    assert_eq!(no_lot.status, StatusCode::NOT_FOUND, "{}", no_lot.body);

    // Only the coordinator reads the report.
    let report_path = format!("/api/v1/procurements/{id}/consultation/report");
    for token in [&small_bergen, &large] {
        assert_eq!(
            app.get(&report_path, Some(token)).await.status,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        app.get(&report_path, Some(&bergen)).await.status,
        StatusCode::FORBIDDEN
    );
    let report = app.get(&report_path, Some(&coordinator)).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let l = &report.body["lots"][0];
    assert_eq!(
        l["answers"],
        json!({"can_bid": 0, "could_bid_if_split": 2, "cannot_bid": 1})
    );
    assert_eq!(
        l["smes"],
        json!({"can_bid": 0, "could_bid_if_split": 2, "cannot_bid": 0})
    );
    assert_eq!(
        l["large"],
        json!({"can_bid": 0, "could_bid_if_split": 0, "cannot_bid": 1})
    );
    assert_eq!(
        l["local"],
        json!({"can_bid": 0, "could_bid_if_split": 2, "cannot_bid": 0})
    );
    assert_eq!(
        l["not_local"],
        json!({"can_bid": 0, "could_bid_if_split": 0, "cannot_bid": 1})
    );
    assert_eq!(
        l["proposed_areas"][0],
        json!({"area": ["4624", "4627"], "count": 2, "local_smes_asking_for_split": 2})
    );
    assert_eq!(l["comments"], json!(["Vi kan levere i Askøy og Fjell."]));
    let csv = app
        .get(&format!("{report_path}.csv"), Some(&coordinator))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").starts_with("text/csv"));
    let text = csv.body.as_str().unwrap_or_default().to_string();
    assert!(
        text.contains("lot_id;lot_title;can_bid;could_bid_if_split;cannot_bid"),
        "{text}"
    );
    assert!(
        text.contains(";Skolemåltid;0;2;1;0;2;0;0;0;1;0;2;0;0;0;1;2;4624+4627 (2);"),
        "{text}"
    );

    // The analysis flags the lot with the area most of them proposed, and
    // offers that split first.
    let analysis = app
        .get(
            &format!("/api/v1/procurements/{id}/analysis"),
            Some(&coordinator),
        )
        .await;
    assert_eq!(analysis.status, StatusCode::OK, "{}", analysis.body);
    let a = &analysis.body["lots"][0];
    let flag = a["flags"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["code"] == "smes_ask_for_split")
        .unwrap_or_else(|| panic!("no smes_ask_for_split: {a}"));
    assert_eq!(flag["proposed_area"], json!(["4624", "4627"]));
    assert_eq!(a["suggestions"][0]["kind"], "split_as_proposed", "{a}");
    assert_eq!(
        a["suggestions"][0]["sub_lots"][0]["area"],
        json!(["4624", "4627"])
    );
    assert_eq!(a["suggestions"][0]["sub_lots"][1]["area"], json!(["4601"]));

    // After the deadline the answers are frozen.
    app.clock.advance(chrono::Duration::hours(2));
    let late = app
        .put(
            &answer(&lot),
            Some(&small_askoy),
            json!({"answer": "can_bid"}),
        )
        .await;
    assert_eq!(
        (late.status, late.code()),
        (StatusCode::CONFLICT, "consultation_closed"),
        "{}",
        late.body
    );
    let report = app.get(&report_path, Some(&coordinator)).await;
    assert_eq!(report.body["lots"][0]["answers"]["could_bid_if_split"], 2);
    assert_eq!(report.body["consultation"]["open"], false);

    // The summary is public; the chain holds opening, answers, report, summary.
    let summary = app
        .put(&format!("/api/v1/procurements/{id}/consultation/summary"), Some(&coordinator),
             json!({"summary": "To lokale leverandører ba om en egen delkontrakt for Askøy og Fjell."}))
        .await;
    assert_eq!(summary.status, StatusCode::OK, "{}", summary.body);
    let public = app
        .get(&format!("/api/v1/public/consultations/{id}"), None)
        .await;
    assert_eq!(
        public.body["consultation"]["summary"],
        "To lokale leverandører ba om en egen delkontrakt for Askøy og Fjell."
    );
    let page = app.get(&format!("/consultations/{id}"), None).await;
    assert!(page
        .body
        .as_str()
        .unwrap_or_default()
        .contains("Oppsummering av markedsdialogen"));
    let events = app
        .get(
            &format!("/api/v1/procurements/{id}/events?limit=100"),
            Some(&coordinator),
        )
        .await;
    let kinds: Vec<&str> = events
        .body
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    for kind in [
        "consultation_opened",
        "consultation_answered",
        "consultation_report",
        "consultation_summary_published",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == "consultation_answered")
            .count(),
        4
    );
    // The chain is read by invited municipalities too: it names no answer.
    let text = events.body.to_string();
    assert!(
        !text.contains("could_bid_if_split") && !text.contains("Vi kan levere"),
        "{text}"
    );
    let verify = app
        .get(
            &format!("/api/v1/procurements/{id}/events/verify"),
            Some(&coordinator),
        )
        .await;
    assert_eq!(verify.status, StatusCode::OK, "{}", verify.body);
}
