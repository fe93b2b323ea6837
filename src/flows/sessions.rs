//! Logging in and out of the pages under /app/: a session is a row found by
//! the hash of a random id that only the browser's cookie holds
//! (`web::session` reads the cookie; this is every change to the rows).

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::config::SessionLimits;
use crate::db::sessions::{self, WebSession};
use crate::db::{stamp, AnyConnection};
use crate::error::AppResult;

/// 32 random bytes as hex: a session id or a form token.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex(&bytes)
}

/// How a session id is stored and looked up.
pub fn hash_id(id: &str) -> String {
    hex(&Sha256::digest(id.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A session just begun: the id for the cookie (never stored) and the form token.
pub struct Started {
    pub id: String,
    pub csrf_token: String,
}

/// Begins a session for `user_id` at `now`; the sessions of anyone that
/// have ended meanwhile are cleared out on the way.
pub fn start(
    conn: &mut AnyConnection,
    user_id: &str,
    limits: SessionLimits,
    now: DateTime<Utc>,
) -> AppResult<Started> {
    let at = stamp(now);
    sessions::delete_ended(conn, at, stamp(now - limits.idle))?;
    let started = Started {
        id: random_token(),
        csrf_token: random_token(),
    };
    sessions::insert(
        conn,
        &WebSession {
            id_hash: hash_id(&started.id),
            user_id: user_id.to_string(),
            csrf_token: started.csrf_token.clone(),
            created_at: at,
            last_seen_at: at,
            expires_at: stamp(now + limits.absolute),
        },
    )?;
    Ok(started)
}

/// Whether the session is still alive at `now`.
pub fn alive(session: &WebSession, limits: SessionLimits, now: DateTime<Utc>) -> bool {
    let at = stamp(now);
    at < session.expires_at && at < stamp(session.last_seen_at.and_utc() + limits.idle)
}

/// Records a request of the session, so that it stays alive while used.
pub fn touch(conn: &mut AnyConnection, id_hash: &str, now: DateTime<Utc>) -> AppResult<()> {
    sessions::touch(conn, id_hash, stamp(now))?;
    Ok(())
}

/// Logging out, or a session found dead.
pub fn end(conn: &mut AnyConnection, id_hash: &str) -> AppResult<()> {
    sessions::delete(conn, id_hash)?;
    Ok(())
}

/// Every session of a user: for disabling the user or changing a password.
pub fn end_all_of_user(conn: &mut AnyConnection, user_id: &str) -> AppResult<usize> {
    Ok(sessions::delete_of_user(conn, user_id)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn session(
        created: DateTime<Utc>,
        last_seen: DateTime<Utc>,
        limits: SessionLimits,
    ) -> WebSession {
        WebSession {
            id_hash: hash_id("x"),
            user_id: "u".into(),
            csrf_token: "t".into(),
            created_at: stamp(created),
            last_seen_at: stamp(last_seen),
            expires_at: stamp(created + limits.absolute),
        }
    }

    #[test]
    fn a_session_dies_when_idle_or_at_its_absolute_end() {
        let limits = SessionLimits {
            idle: chrono::Duration::minutes(60),
            absolute: chrono::Duration::hours(12),
        };
        let t0 = Utc.with_ymd_and_hms(2027, 1, 10, 8, 0, 0).unwrap();
        let s = session(t0, t0, limits);
        assert!(alive(&s, limits, t0 + chrono::Duration::minutes(59)));
        assert!(
            !alive(&s, limits, t0 + chrono::Duration::minutes(60)),
            "idle"
        );
        let busy = session(t0, t0 + chrono::Duration::hours(12), limits);
        assert!(
            !alive(&busy, limits, t0 + chrono::Duration::hours(12)),
            "absolute"
        );
        assert!(alive(&busy, limits, t0 + chrono::Duration::minutes(719)));
    }

    #[test]
    fn ids_are_random_and_stored_only_hashed() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_id(&a).len(), 64);
        assert_ne!(hash_id(&a), a);
        assert_eq!(hash_id(&a), hash_id(&a));
    }
}
