//! What the clock triggers, with the clock moved by the test: closing at the
//! deadline, reminders, mandate warnings; each at most once.

use awc::http::StatusCode;
use chrono::{DateTime, Duration, NaiveTime, Utc};
use samkjop::auth::Keys;
use samkjop::db::Db;
use samkjop::flows::deadlines;
use samkjop::flows::invitations::Links;
use serde_json::json;

use crate::helpers::{TestApp, JWT_SECRET};
use crate::procurements::{
    add_lot, days_from_today, decisions, decline, mandate, municipality_user, office, open,
    propose, Office,
};
use crate::smtp_server::SmtpServer;
use crate::voting::{app_with_mail, link_in, mails_about as mails};

fn links(app: &TestApp) -> Links {
    Links {
        keys: Keys::new(JWT_SECRET.as_bytes(), 3600),
        public_url: app.address.clone(),
    }
}

/// Noon UTC `days` from today: the same Oslo date all day long.
fn noon_in(days: i64) -> DateTime<Utc> {
    (Utc::now().date_naive() + Duration::days(days))
        .and_time(NaiveTime::from_hms_opt(11, 0, 0).unwrap_or_default())
        .and_utc()
}

#[actix_web::test]
async fn the_window_closes_at_the_deadline_and_the_coordinator_hears_the_outcome() {
    let smtp = SmtpServer::start().await;
    let app = app_with_mail(&smtp).await;
    let Office { admin, coordinator } = office(&app).await;
    let deadline = noon_in(3);
    let id = propose(
        &app,
        &coordinator,
        &["4601", "4631"],
        &deadline.to_rfc3339(),
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
    let alver = municipality_user(&app, &admin, "4631").await;
    assert_eq!(
        decline(&app, &alver, &id, "4631").await.status,
        StatusCode::OK
    );

    let db = Db::connect(&app.database_url, 1).expect("db");
    let thresholds = samkjop::config::Config::defaults_with(|_| None)
        .expect("config")
        .thresholds;
    let t = thresholds.clone();
    let before = db
        .write(move |c| deadlines::close_due(c, deadline - Duration::seconds(1), &t))
        .await
        .expect("runs");
    assert!(
        before.is_empty(),
        "a second before the deadline nothing closes"
    );
    // The registered job, fired half a minute after the deadline, closes it.
    app.clock.set(deadline + Duration::seconds(30));
    assert!(app.run_job("close_at_deadline").await);
    let p = app
        .get(&format!("/api/v1/procurements/{id}"), Some(&coordinator))
        .await;
    assert_eq!(p.body["status"], "closed");
    let t = thresholds.clone();
    let again = db
        .write(move |c| deadlines::close_due(c, deadline + Duration::seconds(90), &t))
        .await
        .expect("runs");
    assert!(again.is_empty(), "closing is done once");

    let decisions: Vec<String> = decisions(&app, &coordinator, &id)
        .await
        .into_iter()
        .map(|(_, d)| d)
        .collect();
    assert_eq!(decisions, vec!["no_response", "decline"]);
    let summary = mails(&smtp, "Svarfristen er ute", 1).await.remove(0);
    assert_eq!(summary.to, "koordinator@nhi.no");
    assert!(
        summary.text.contains("Deltar ikke (1): Alver"),
        "{}",
        summary.text
    );
    assert!(summary.text.contains("Ikke svart (1): Bergen"));
    let events = app
        .get(
            &format!("/api/v1/procurements/{id}/events"),
            Some(&coordinator),
        )
        .await
        .body;
    let last = events.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["kind"].as_str(), last["actor"].as_str()),
        (Some("closed"), Some("system"))
    );
}

#[actix_web::test]
async fn reminders_go_out_seven_and_two_days_before_and_on_the_day_once_each() {
    let smtp = SmtpServer::start().await;
    let app = app_with_mail(&smtp).await;
    let Office { admin, coordinator } = office(&app).await;
    let deadline = noon_in(7);
    let id = propose(
        &app,
        &coordinator,
        &["4601", "4631"],
        &deadline.to_rfc3339(),
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
    for (n, address) in [
        ("4601", "innkjop@bergen.kommune.no"),
        ("4631", "post@alver.kommune.no"),
    ] {
        let t = municipality_user(&app, &admin, n).await;
        app.patch(
            &format!("/api/v1/municipalities/{n}"),
            Some(&t),
            json!({"contact_email": address}),
        )
        .await;
    }
    open(&app, &coordinator, &id).await;
    let db = Db::connect(&app.database_url, 1).expect("db");
    // The app's clock goes with the run, so that what it queues is due.
    let run = |now: DateTime<Utc>| {
        let (db, links, clock) = (db.clone(), links(&app), app.clock.clone());
        async move {
            clock.set(now);
            db.write(move |c| deadlines::send_reminders(c, now, &links))
                .await
                .expect("runs")
        }
    };

    assert_eq!(
        run(deadline - Duration::days(7)).await,
        2,
        "a week before: both"
    );
    assert_eq!(
        run(deadline - Duration::days(7) + Duration::hours(1)).await,
        0,
        "at most once"
    );
    assert_eq!(
        run(deadline - Duration::days(5)).await,
        0,
        "no reminder on other days"
    );
    let reminders = mails(&smtp, "Påminnelse", 2).await;
    assert!(
        reminders[0].subject.ends_with("går ut om 7 dager"),
        "{}",
        reminders[0].subject
    );

    // Alver answers from its reminder's link; from then on only Bergen is reminded.
    let alvers = reminders
        .iter()
        .find(|m| m.to.contains("alver"))
        .expect("Alver's reminder");
    let r = app
        .raw(
            awc::http::Method::POST,
            &link_in(alvers),
            None,
            "application/x-www-form-urlencoded",
            b"decision=decline".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(run(deadline - Duration::days(2)).await, 1);
    assert_eq!(run(deadline - Duration::hours(3)).await, 1, "on the day");
    let all = mails(&smtp, "Påminnelse", 4).await;
    assert_eq!(all.iter().filter(|m| m.to.contains("bergen")).count(), 3);
    assert!(all.iter().any(|m| m.subject.ends_with("går ut i dag")));
}

#[actix_web::test]
async fn a_mandate_running_out_within_30_days_is_warned_about_once() {
    let smtp = SmtpServer::start().await;
    let app = app_with_mail(&smtp).await;
    let admin = app.admin_token().await;
    let bergen = municipality_user(&app, &admin, "4601").await;
    app.patch(
        "/api/v1/municipalities/4601",
        Some(&bergen),
        json!({"contact_email": "innkjop@bergen.kommune.no"}),
    )
    .await;
    mandate(
        &app,
        &bergen,
        "4601",
        json!([]),
        1_000_000,
        &days_from_today(20),
    )
    .await;
    mandate(
        &app,
        &bergen,
        "4601",
        json!([]),
        1_000_000,
        &days_from_today(200),
    )
    .await;
    let db = Db::connect(&app.database_url, 1).expect("db");
    let now = Utc::now();
    assert_eq!(
        db.write(move |c| deadlines::warn_expiring_mandates(c, now))
            .await
            .expect("runs"),
        1
    );
    assert_eq!(
        db.write(move |c| deadlines::warn_expiring_mandates(c, now))
            .await
            .expect("runs"),
        0
    );
    let warning = mails(&smtp, "Fullmakten", 1).await.remove(0);
    assert!(
        warning.text.contains("gjelder til og med"),
        "{}",
        warning.text
    );
}

#[actix_web::test]
async fn a_reminder_retires_the_link_it_replaces() {
    let smtp = SmtpServer::start().await;
    let app = app_with_mail(&smtp).await;
    let deadline = noon_in(2);
    let s = app
        .scenario()
        .users(&["4601"])
        .contact("4601", "innkjop@bergen.kommune.no")
        .deadline(&deadline.to_rfc3339())
        .lot(crate::scenario::lot("Skolemåltid"))
        .opened()
        .await;
    let invitation = link_in(&mails(&smtp, "Invitasjon", 1).await[0]);
    let db = Db::connect(&app.database_url, 1).expect("db");
    let now = deadline - Duration::days(2);
    app.clock.set(now);
    let links = links(&app);
    let sent = db
        .write(move |c| deadlines::send_reminders(c, now, &links))
        .await
        .expect("runs");
    assert_eq!(sent, 1);
    let reminder = link_in(&mails(&smtp, "Påminnelse", 1).await[0]);

    let old = app.get(&invitation, None).await;
    assert_eq!(old.status, StatusCode::GONE);
    let html = old.body.as_str().unwrap_or_default().to_string();
    assert!(html.contains("Lenken gjelder ikke lenger"), "{html}");
    assert!(html.contains("nyeste e-posten"), "{html}");
    let r = app
        .raw(
            awc::http::Method::POST,
            &invitation,
            None,
            "application/x-www-form-urlencoded",
            b"decision=decline".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::GONE, "the old link decides nothing");
    assert_eq!(
        decisions(&app, &s.coordinator, &s.id).await,
        vec![("4601".to_string(), "pending".to_string())]
    );
    assert_eq!(app.get(&reminder, None).await.status, StatusCode::OK);
}
