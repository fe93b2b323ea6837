//! Mail. Code that wants to send one calls `db::outbox::enqueue` inside its
//! transaction; the worker here sends what is due with lettre, retries with
//! back-off, and leaves failures visible at `GET /api/v1/admin/outbox`.

pub mod transport;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};
use tokio::sync::watch;

pub use transport::{SendError, Transport};

use crate::clock::Clock;
use crate::config::Config;
use crate::db::outbox::{self, OutboxMessage, RetryPolicy};
use crate::db::{stamp, Db};
use crate::error::AppResult;

/// Messages one claim takes; small enough that the last of them is sent well
/// within the lease even against a slow server.
const BATCH: i64 = 10;
/// Batches per pump, so that a long queue does not keep one pump from
/// noticing a shutdown.
const MAX_BATCHES: usize = 20;

/// The transport, the sender and the retry policy: all the worker needs.
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    retry: RetryPolicy,
}

impl Mailer {
    pub fn new(transport: Transport, from: Mailbox, retry: RetryPolicy) -> Mailer {
        Mailer {
            transport,
            from,
            retry,
        }
    }

    /// SMTP from `smtp_url`, or files under `<data_dir>/mail/`.
    pub fn from_config(config: &Config) -> Result<Mailer, String> {
        let from: Mailbox = config
            .mail_from
            .parse()
            .map_err(|e| format!("SAMKJOP_MAIL_FROM '{}': {e}", config.mail_from))?;
        let transport = Transport::new(config.smtp_url.as_deref(), config.data_dir.join("mail"))?;
        let retry = RetryPolicy {
            first: Duration::from_millis(config.outbox_retry_first_ms),
            max: Duration::from_millis(config.outbox_retry_max_ms),
        };
        Ok(Mailer::new(transport, from, retry))
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Builds and sends one outbox message, without touching its row.
    pub async fn deliver(&self, message: &OutboxMessage) -> Result<(), SendError> {
        let built = build_message(&self.from, message).map_err(|e| SendError {
            message: e,
            permanent: true,
        })?;
        self.transport.send(&message.id, built).await
    }
}

/// The MIME message: UTF-8 throughout (lettre encodes non-ASCII headers as
/// RFC 2047 words and picks quoted-printable or base64 for the bodies), and
/// text with HTML as `multipart/alternative` when there is HTML.
pub fn build_message(from: &Mailbox, m: &OutboxMessage) -> Result<Message, String> {
    let to: Address = m
        .to_address
        .parse()
        .map_err(|e| format!("invalid recipient '{}': {e}", m.to_address))?;
    let builder = Message::builder()
        .from(from.clone())
        .to(Mailbox::new(None, to))
        .subject(m.subject.as_str())
        // The same id on every retry lets a receiving server drop a duplicate
        // when a lease ran out after a delivery that was never recorded.
        .message_id(Some(format!("<{}@{}>", m.id, from.email.domain())))
        .date(SystemTime::from(m.created_at.and_utc()));
    // RFC 8058 one-click unsubscribe: a receiving client POSTs
    // "List-Unsubscribe=One-Click" to the address, without a login.
    let builder = match &m.list_unsubscribe {
        Some(url) => builder
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{url}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_string(),
            )),
        None => builder,
    };
    let built = match &m.body_html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            m.body_text.clone(),
            html.clone(),
        )),
        None => builder.singlepart(SinglePart::plain(m.body_text.clone())),
    };
    built.map_err(|e| format!("cannot build the message: {e}"))
}

/// What one pump did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PumpReport {
    pub sent: usize,
    pub failed: usize,
}

/// Sends every message that is due by `clock`, then returns. The worker
/// calls it on each tick; code and tests may call it to send at once.
pub async fn pump_once(db: &Db, mailer: &Mailer, clock: &Clock) -> AppResult<PumpReport> {
    let mut report = PumpReport::default();
    for _ in 0..MAX_BATCHES {
        let at = stamp(clock.now());
        let claimed = db.write(move |c| outbox::claim_due(c, at, BATCH)).await?;
        let full = claimed.len() as i64 == BATCH;
        for message in claimed {
            match mailer.deliver(&message).await {
                Ok(()) => {
                    let id = message.id.clone();
                    let at = stamp(clock.now());
                    if !db.write(move |c| outbox::mark_sent(c, &id, at)).await? {
                        tracing::warn!(id = %message.id, "mail was already marked sent by another worker");
                    }
                    tracing::info!(id = %message.id, attempts = message.attempts, "mail sent");
                    report.sent += 1;
                }
                Err(e) => {
                    tracing::warn!(id = %message.id, attempts = message.attempts, permanent = e.permanent, error = %e, "mail not sent; will retry");
                    let retry = mailer.retry;
                    let at = stamp(clock.now());
                    db.write(move |c| {
                        outbox::mark_failed(c, &message, &e.message, e.permanent, &retry, at)
                    })
                    .await?;
                    report.failed += 1;
                }
            }
        }
        if !full {
            break;
        }
    }
    Ok(report)
}

/// Runs `pump_once` every `every` on the current tokio runtime until `stop`
/// fires or its sender is dropped. A failed pump (database away) is logged
/// and the next tick tries again: the rows stay, so nothing is lost.
pub fn spawn_worker(
    db: Db,
    mailer: Arc<Mailer>,
    every: Duration,
    mut stop: watch::Receiver<()>,
    clock: Clock,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = stop.changed() => break,
                _ = tick.tick() => {}
            }
            if let Err(e) = pump_once(&db, &mailer, &clock).await {
                tracing::warn!(error = %e, "outbox pump failed; retrying on the next tick");
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(html: Option<&str>) -> OutboxMessage {
        let t = chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .map(|d| d.naive_utc())
            .unwrap_or_default();
        OutboxMessage {
            id: "0190-abc".into(),
            to_address: "postmottak@bodo.kommune.no".into(),
            subject: "Påminnelse: svar innen fristen – Bodø og Ålesund".into(),
            body_text: "Hei!\nHusk å svare før fristen.\n".into(),
            body_html: html.map(String::from),
            created_at: t,
            attempts: 1,
            next_attempt_at: t,
            claim_token: None,
            last_attempt_at: None,
            last_error: None,
            failed_at: None,
            sent_at: None,
            list_unsubscribe: None,
        }
    }

    fn from() -> Mailbox {
        "Samkjøp <ikke-svar@samkjop.no>"
            .parse()
            .expect("the default sender parses")
    }

    #[test]
    fn norwegian_text_is_sent_encoded_as_utf8() {
        let raw = build_message(&from(), &message(None))
            .expect("builds")
            .formatted();
        let raw = String::from_utf8(raw).expect("text");
        assert!(raw.is_ascii(), "{raw}");
        assert!(raw.contains("Subject: =?utf-8?"), "{raw}");
        assert!(
            raw.contains("Content-Type: text/plain; charset=utf-8"),
            "{raw}"
        );
        assert!(raw.contains("Message-ID: <0190-abc@samkjop.no>"), "{raw}");
        assert!(!raw.contains("multipart"), "{raw}");
    }

    #[test]
    fn html_makes_a_multipart_alternative() {
        let raw = build_message(&from(), &message(Some("<p>Husk å svare</p>")))
            .expect("builds")
            .formatted();
        let raw = String::from_utf8(raw).expect("text");
        assert!(raw.contains("Content-Type: multipart/alternative"), "{raw}");
        assert!(
            raw.contains("Content-Type: text/html; charset=utf-8"),
            "{raw}"
        );
    }

    #[test]
    fn an_alert_carries_the_one_click_unsubscribe_headers() {
        let mut m = message(None);
        m.list_unsubscribe = Some("https://samkjop.no/unsubscribe/abc".into());
        let raw = String::from_utf8(build_message(&from(), &m).expect("builds").formatted())
            .expect("text");
        assert!(
            raw.contains("List-Unsubscribe: <https://samkjop.no/unsubscribe/abc>"),
            "{raw}"
        );
        assert!(
            raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
            "{raw}"
        );
        let plain = String::from_utf8(
            build_message(&from(), &message(None))
                .expect("builds")
                .formatted(),
        )
        .expect("text");
        assert!(!plain.contains("List-Unsubscribe"), "{plain}");
    }

    #[test]
    fn a_recipient_that_is_no_address_is_a_build_error() {
        let mut m = message(None);
        m.to_address = "ikke en adresse".into();
        assert!(build_message(&from(), &m).is_err());
    }
}
