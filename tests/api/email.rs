//! Mail through the outbox over a real SMTP conversation, mail as files
//! when no server is set, and scheduled jobs shared by two instances.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use awc::http::StatusCode;
use mail_parser::MessageParser;
use samkjop::clock::Clock;
use samkjop::config::Config;
use samkjop::db::{job_runs, outbox, Db, DbError};
use samkjop::domain::ErrorCode;
use samkjop::error::AppError;
use samkjop::jobs::{run_once, slot, JobSpec};
use samkjop::startup::Application;
use serde_json::Value;

use crate::helpers::{spawn_app, spawn_app_with, TestApp};
use crate::smtp_server::{free_port, SmtpServer};

const SUBJECT: &str = "Invitasjon: felles innkjøp av skolemøbler – svar før fristen";
const TEXT: &str = "Hei Bærum kommune!\n\nDere er invitert til å delta i en felles anskaffelse.\nÆrlig talt: blåbærsyltetøy på Ørsta-møtet.\n\nVennlig hilsen\nSamkjøp";
const HTML: &str = "<p>Hei <b>Bærum kommune</b>!</p><p>Dere er invitert til å delta.</p>";
const TO: &str = "postmottak@baerum.kommune.no";
const WAIT: Duration = Duration::from_secs(20);

/// Test settings: a fast worker and short back-off, plus `extra`.
fn settings(extra: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> {
    move |k| {
        extra
            .iter()
            .find(|(name, _)| *name == k)
            .map(|(_, v)| v.clone())
            .or_else(|| {
                match k {
                    "SAMKJOP_OUTBOX_INTERVAL_MS" => Some("100"),
                    "SAMKJOP_OUTBOX_RETRY_FIRST_MS" => Some("200"),
                    "SAMKJOP_OUTBOX_RETRY_MAX_MS" => Some("800"),
                    _ => None,
                }
                .map(String::from)
            })
    }
}

/// For tests whose mail must stay in the outbox: with no SMTP server the
/// worker would write it under the default `data/`.
fn without_worker(k: &str) -> Option<String> {
    (k == "SAMKJOP_OUTBOX_INTERVAL_MS").then(|| "0".to_string())
}

fn connect(app: &TestApp) -> Db {
    Db::connect(&app.database_url, 2).expect("the test reaches the app's database")
}

fn now() -> chrono::NaiveDateTime {
    samkjop::db::now()
}

async fn enqueue(db: &Db, to: &'static str, subject: &'static str) -> String {
    db.write(move |c| outbox::enqueue(c, to, subject, TEXT, Some(HTML), now()))
        .await
        .expect("enqueued")
}

/// The outbox as the operator sees it.
async fn outbox_items(app: &TestApp, admin: &str, query: &str) -> Vec<Value> {
    let r = app
        .get(&format!("/api/v1/admin/outbox{query}"), Some(admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body.as_array().expect("a list").clone()
}

/// Polls the admin view until `done` holds for the message `id`.
async fn wait_for_item(
    app: &TestApp,
    admin: &str,
    id: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let items = outbox_items(app, admin, "").await;
        if let Some(item) = items.iter().find(|i| i["id"] == id) {
            if done(item) {
                return item.clone();
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "message never got there: {item}"
            );
        }
        crate::wait::again(deadline, || format!("message {id} is not listed")).await;
    }
}

fn unix_newlines(s: &str) -> String {
    s.replace("\r\n", "\n").trim_end().to_string()
}

#[actix_web::test]
async fn a_committed_mail_is_delivered_over_smtp_with_norwegian_letters_intact() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(settings(vec![("SAMKJOP_SMTP_URL", smtp.url())])).await;
    let admin = app.admin_token().await;
    let db = connect(&app);

    let id = enqueue(&db, TO, SUBJECT).await;
    let got = smtp.wait_for(1, WAIT).await;
    assert_eq!(got.len(), 1);
    let mail = &got[0];
    assert_eq!(mail.rcpt_to, [TO]);
    assert_eq!(mail.mail_from, "ikke-svar@samkjop.local");
    assert!(
        mail.data.is_ascii(),
        "æøå travel encoded, so that no relay has to understand 8-bit mail"
    );

    let parsed = MessageParser::default()
        .parse(&mail.data)
        .expect("a MIME message");
    assert_eq!(parsed.subject(), Some(SUBJECT));
    let from = parsed.from().and_then(|f| f.first()).expect("a sender");
    assert_eq!(
        (from.name(), from.address()),
        (Some("Samkjøp"), Some("ikke-svar@samkjop.local"))
    );
    assert_eq!(
        parsed.body_text(0).map(|t| unix_newlines(&t)),
        Some(TEXT.to_string())
    );
    assert_eq!(
        parsed.body_html(0).map(|t| unix_newlines(&t)),
        Some(HTML.to_string())
    );
    assert_eq!(
        parsed.message_id(),
        Some(format!("{id}@samkjop.local").as_str()),
        "retries of one message carry one Message-ID"
    );

    let item = wait_for_item(&app, &admin, &id, |i| i["status"] == "sent").await;
    assert_eq!(item["attempts"], 1);
    assert!(item["sent_at"].is_string());
    assert!(item["last_error"].is_null());
    // Whatever is due goes out now; the sent message is not among it.
    app.drain_outbox().await;
    assert_eq!(smtp.received().len(), 1, "sent once, not on every tick");
}

#[actix_web::test]
async fn a_mail_enqueued_in_a_rolled_back_transaction_is_never_sent() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(settings(vec![("SAMKJOP_SMTP_URL", smtp.url())])).await;
    let admin = app.admin_token().await;
    let db = connect(&app);

    let failed = db
        .write(|c| {
            outbox::enqueue(
                c,
                "aldri@ullensaker.kommune.no",
                "Skal aldri sendes",
                TEXT,
                None,
                now(),
            )?;
            Err::<(), _>(AppError::new(ErrorCode::Conflict, "the change is refused"))
        })
        .await;
    assert_eq!(
        failed.err().map(|e| (e.code, e.detail)),
        Some((ErrorCode::Conflict, "the change is refused".to_string()))
    );
    // A later committed message proves that the worker has looked since.
    enqueue(&db, TO, "Etter tilbakerullingen").await;

    let got = smtp.wait_for(1, WAIT).await;
    app.drain_outbox().await;
    let got_later = smtp.received();
    assert_eq!(got_later.len(), 1, "only the committed message");
    assert_eq!(got[0].rcpt_to, [TO]);
    let items = outbox_items(&app, &admin, "").await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["to_address"], TO);
}

#[actix_web::test]
async fn mail_waits_while_the_smtp_server_is_down_and_goes_out_when_it_is_back() {
    let port = free_port();
    let app = spawn_app_with(settings(vec![(
        "SAMKJOP_SMTP_URL",
        format!("smtp://127.0.0.1:{port}"),
    )]))
    .await;
    let admin = app.admin_token().await;
    let db = connect(&app);
    let id = enqueue(&db, TO, SUBJECT).await;

    let failing = wait_for_item(&app, &admin, &id, |i| {
        i["attempts"].as_i64().unwrap_or(0) >= 2 && i["last_error"].is_string()
    })
    .await;
    assert!(
        failing["status"] == "pending" || failing["status"] == "failed",
        "{failing}"
    );
    assert!(failing["sent_at"].is_null());
    assert!(failing["next_attempt_at"].is_string());
    let error = failing["last_error"].as_str().unwrap_or("");
    assert!(error.starts_with("smtp:"), "the operator sees why: {error}");
    assert!(outbox_items(&app, &admin, "?status=sent").await.is_empty());

    let smtp = SmtpServer::start_on(port).await;
    let got = smtp.wait_for(1, WAIT).await;
    assert_eq!(got[0].rcpt_to, [TO]);
    let sent = wait_for_item(&app, &admin, &id, |i| i["status"] == "sent").await;
    assert!(sent["attempts"].as_i64().unwrap_or(0) >= 3, "{sent}");
    assert!(sent["sent_at"].is_string());
    let listed = outbox_items(&app, &admin, "?status=sent").await;
    assert_eq!(listed.len(), 1);
    assert!(outbox_items(&app, &admin, "?status=pending")
        .await
        .is_empty());
}

#[actix_web::test]
async fn the_outbox_shows_a_failing_mail_as_failed_and_keeps_retrying_it() {
    let port = free_port();
    let app = spawn_app_with(settings(vec![(
        "SAMKJOP_SMTP_URL",
        format!("smtp://127.0.0.1:{port}"),
    )]))
    .await;
    let admin = app.admin_token().await;
    let id = enqueue(&connect(&app), TO, SUBJECT).await;
    // Five failures at 200, 400, 800, 800 ms apart.
    let failed = wait_for_item(&app, &admin, &id, |i| i["status"] == "failed").await;
    assert!(failed["attempts"].as_i64().unwrap_or(0) >= 5, "{failed}");
    assert!(failed["failed_at"].is_string());
    let listed = outbox_items(&app, &admin, "?status=failed&limit=10").await;
    assert_eq!(listed.len(), 1);

    let smtp = SmtpServer::start_on(port).await;
    smtp.wait_for(1, WAIT).await;
    wait_for_item(&app, &admin, &id, |i| i["status"] == "sent").await;
}

#[actix_web::test]
async fn without_an_smtp_server_each_mail_becomes_an_eml_file() {
    let data_dir =
        std::env::temp_dir().join(format!("samkjop_mail_{}", uuid::Uuid::new_v4().simple()));
    let app = spawn_app_with(settings(vec![(
        "SAMKJOP_DATA_DIR",
        data_dir.display().to_string(),
    )]))
    .await;
    let admin = app.admin_token().await;
    let id = enqueue(&connect(&app), TO, SUBJECT).await;

    wait_for_item(&app, &admin, &id, |i| i["status"] == "sent").await;
    let mail_dir = data_dir.join("mail");
    let bytes = std::fs::read(mail_dir.join(format!("{id}.eml"))).expect("the .eml file");
    let parsed = MessageParser::default()
        .parse(&bytes)
        .expect("a MIME message");
    assert_eq!(parsed.subject(), Some(SUBJECT));
    assert_eq!(
        parsed.body_text(0).map(|t| unix_newlines(&t)),
        Some(TEXT.to_string())
    );
    let files: Vec<_> = std::fs::read_dir(&mail_dir)
        .expect("the mail folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(files, [format!("{id}.eml")], "no partial file is left");
    let _ = std::fs::remove_dir_all(&data_dir);
}

#[actix_web::test]
async fn credentials_in_the_smtp_url_log_in() {
    let smtp = SmtpServer::start().await;
    let url = format!(
        "smtp://samkjop%40kommune.no:hemmelig@127.0.0.1:{}",
        smtp.port
    );
    let app = spawn_app_with(settings(vec![("SAMKJOP_SMTP_URL", url)])).await;
    enqueue(&connect(&app), TO, SUBJECT).await;
    let got = smtp.wait_for(1, WAIT).await;
    assert_eq!(got[0].auth_user.as_deref(), Some("samkjop@kommune.no"));
}

#[actix_web::test]
async fn only_admins_read_the_outbox() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let municipality = app
        .user_token(
            &admin,
            "innkjop@bergen.kommune.no",
            "municipality",
            None,
            Some("4601"),
        )
        .await;
    let r = app.get("/api/v1/admin/outbox", Some(&municipality)).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "forbidden"));
    let r = app.get("/api/v1/admin/outbox", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app
        .get("/api/v1/admin/outbox?status=lost", Some(&admin))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "invalid_status")
    );
    let doc = app.get("/api-docs/openapi.json", None).await;
    assert!(
        doc.body["paths"]["/api/v1/admin/outbox"]["get"].is_object(),
        "the operator's view is documented"
    );
}

#[actix_web::test]
async fn an_invalid_recipient_is_refused_at_enqueue() {
    let app = spawn_app_with(without_worker).await;
    let db = connect(&app);
    let r = db
        .write(|c| outbox::enqueue(c, "ikke en adresse", SUBJECT, TEXT, None, now()))
        .await;
    assert_eq!(
        r.map_err(AppError::from).err().map(|e| e.code),
        Some(ErrorCode::InvalidRecipient)
    );
}

#[actix_web::test]
async fn one_claim_of_a_job_slot_wins_across_connections() {
    let app = spawn_app_with(without_worker).await;
    let (a, b) = (connect(&app), connect(&app));
    let (first, second) = tokio::join!(
        a.write(|c| job_runs::claim(c, "reminders", "2026-11-26")),
        b.write(|c| job_runs::claim(c, "reminders", "2026-11-26")),
    );
    let wins = [first.expect("claim"), second.expect("claim")];
    assert_eq!(wins.iter().filter(|w| **w).count(), 1, "{wins:?}");
    let again = a
        .write(|c| job_runs::claim(c, "reminders", "2026-11-26"))
        .await;
    assert_eq!(again.ok(), Some(false));
    let next_day = b
        .write(|c| job_runs::claim(c, "reminders", "2026-11-27"))
        .await;
    assert_eq!(next_day.ok(), Some(true));
    // A lost claim inside a transaction leaves the transaction usable.
    let after_loss = a
        .write(|c| {
            let won = job_runs::claim(c, "reminders", "2026-11-26")?;
            let id = outbox::enqueue(c, TO, SUBJECT, TEXT, None, now())?;
            Ok::<_, DbError>((won, id))
        })
        .await;
    assert_eq!(after_loss.map(|(won, _)| won).ok(), Some(false));
}

/// Another server instance on an existing database, running `jobs`, with
/// `extra` settings (its outbox worker is off unless they turn it on).
/// Stopping it with the handle waits for its background work.
async fn spawn_instance(
    database_url: &str,
    jobs: Vec<JobSpec>,
    extra: Vec<(&str, String)>,
) -> Instance {
    let url = database_url.to_string();
    let config = Config::defaults_with(|k| {
        if let Some((_, v)) = extra.iter().find(|(name, _)| *name == k) {
            return Some(v.clone());
        }
        match k {
            "DATABASE_URL" => Some(url.as_str()),
            "SAMKJOP_BIND" => Some("127.0.0.1:0"),
            "SAMKJOP_JWT_SECRET" => Some("test-secret-that-is-long-enough-0123456789"),
            "SAMKJOP_DB_POOL_SIZE" => Some("4"),
            "SAMKJOP_OUTBOX_INTERVAL_MS" => Some("0"),
            _ => None,
        }
        .map(String::from)
    })
    .expect("test configuration");
    let app = Application::build_with(config, Clock::system(), move |_| jobs)
        .await
        .expect("the instance builds");
    let handle = app.handle();
    let task = actix_web::rt::spawn(app.run_until_stopped());
    Instance { handle, task }
}

struct Instance {
    handle: actix_web::dev::ServerHandle,
    task: actix_web::rt::task::JoinHandle<std::io::Result<()>>,
}

impl Instance {
    async fn stop(self) {
        self.handle.stop(true).await;
        let _ = self.task.await;
    }
}

/// Slot functions that count their calls, one per instance and job: a
/// call means that instance's tick for that job has fired and asked for
/// its slot.
static SLOT_CALLS: [AtomicUsize; 4] = [
    AtomicUsize::new(0),
    AtomicUsize::new(0),
    AtomicUsize::new(0),
    AtomicUsize::new(0),
];

fn counted_slot<const N: usize>(_: chrono::DateTime<chrono::Utc>) -> String {
    SLOT_CALLS[N].fetch_add(1, Ordering::SeqCst);
    "once".into()
}

#[actix_web::test]
async fn two_instances_run_a_scheduled_slot_once() {
    let app = spawn_app_with(without_worker).await;
    let async_runs = Arc::new(AtomicUsize::new(0));
    let tx_runs = Arc::new(AtomicUsize::new(0));
    type Slot = fn(chrono::DateTime<chrono::Utc>) -> String;
    let jobs = |slots: [Slot; 2]| {
        let (a, t) = (async_runs.clone(), tx_runs.clone());
        vec![
            JobSpec::new("test-async", "* * * * * *", slots[0], move |_db, _now| {
                let a = a.clone();
                async move {
                    a.fetch_add(1, Ordering::SeqCst);
                    Ok(())
                }
            }),
            JobSpec::in_transaction("test-tx", "* * * * * *", slots[1], move |c, _now| {
                t.fetch_add(1, Ordering::SeqCst);
                outbox::enqueue(c, TO, "Fra en planlagt jobb", TEXT, None, now())?;
                Ok(())
            }),
        ]
    };
    let first = spawn_instance(
        &app.database_url,
        jobs([counted_slot::<0>, counted_slot::<1>]),
        Vec::new(),
    )
    .await;
    let second = spawn_instance(
        &app.database_url,
        jobs([counted_slot::<2>, counted_slot::<3>]),
        Vec::new(),
    )
    .await;

    // Every instance fires every second. Once each instance has fired each
    // job, stopping both waits for those runs to end; each slot ran once.
    let deadline = tokio::time::Instant::now() + WAIT;
    while SLOT_CALLS.iter().any(|c| c.load(Ordering::SeqCst) == 0) {
        crate::wait::again(deadline, || {
            format!("the instances never fired: {SLOT_CALLS:?}")
        })
        .await;
    }
    first.stop().await;
    second.stop().await;
    assert_eq!(async_runs.load(Ordering::SeqCst), 1);
    assert_eq!(tx_runs.load(Ordering::SeqCst), 1);
    let db = connect(&app);
    let runs = db
        .read(|c| {
            Ok::<_, DbError>((
                job_runs::list(c, "test-async")?,
                job_runs::list(c, "test-tx")?,
                outbox::list(c, None, 10, 0)?,
            ))
        })
        .await
        .expect("runs");
    assert_eq!((runs.0.len(), runs.1.len()), (1, 1));
    assert_eq!(runs.2.len(), 1, "the job's mail committed with its claim");
}

#[actix_web::test]
async fn two_instances_sending_from_one_outbox_send_each_mail_once() {
    let smtp = SmtpServer::start().await;
    let worker = || {
        vec![
            ("SAMKJOP_SMTP_URL", smtp.url()),
            ("SAMKJOP_OUTBOX_INTERVAL_MS", "20".to_string()),
        ]
    };
    let mut app = spawn_app_with(settings(worker())).await;
    let other = spawn_instance(&app.database_url, Vec::new(), worker()).await;
    let db = connect(&app);
    const COUNT: usize = 40;
    for _ in 0..COUNT {
        enqueue(&db, TO, SUBJECT).await;
    }

    smtp.wait_for(COUNT, WAIT).await;
    // Both workers stopped, no send is under way: a message sent twice has
    // arrived twice by now.
    other.stop().await;
    app.stop().await;
    let ids: std::collections::BTreeSet<String> = smtp
        .received()
        .iter()
        .filter_map(|m| {
            MessageParser::default()
                .parse(&m.data)
                .and_then(|p| p.message_id().map(str::to_string))
        })
        .collect();
    assert_eq!(smtp.received().len(), COUNT, "no message went out twice");
    assert_eq!(ids.len(), COUNT);
}

#[actix_web::test]
async fn a_failed_run_leaves_its_slot_to_the_next_tick() {
    let app = spawn_app_with(without_worker).await;
    let db = connect(&app);
    let tries = Arc::new(AtomicUsize::new(0));
    let failing_once = |tries: Arc<AtomicUsize>| move || tries.fetch_add(1, Ordering::SeqCst) == 0;
    let first_fails = failing_once(tries.clone());
    let async_job = JobSpec::new(
        "flaky-async",
        "0 0 6 * * *",
        slot::oslo_date,
        move |_db, _now| {
            let fail = first_fails();
            async move {
                if fail {
                    Err(AppError::internal("the first run fails"))
                } else {
                    Ok(())
                }
            }
        },
    );
    let first_fails = failing_once(Arc::new(AtomicUsize::new(0)));
    let tx_job = JobSpec::in_transaction(
        "flaky-tx",
        "0 0 6 * * *",
        slot::oslo_date,
        move |c, _now| {
            outbox::enqueue(c, TO, SUBJECT, TEXT, None, now())?;
            if first_fails() {
                return Err(AppError::internal("the first run fails"));
            }
            Ok(())
        },
    );
    let now = chrono::Utc::now();
    for job in [&async_job, &tx_job] {
        assert!(run_once(&db, job, now).await.is_err(), "{}", job.name);
        assert_eq!(
            run_once(&db, job, now).await.ok(),
            Some(true),
            "{}",
            job.name
        );
        assert_eq!(
            run_once(&db, job, now).await.ok(),
            Some(false),
            "{}",
            job.name
        );
    }
    let mails = db
        .read(|c| outbox::list(c, None, 10, 0))
        .await
        .expect("the outbox");
    assert_eq!(mails.len(), 1, "the failed run's mail rolled back with it");
}
