use std::sync::{Arc, OnceLock};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use tokio::sync::Semaphore;

use crate::domain::{ErrorCode, Invalid};

pub const MIN_PASSWORD_CHARS: usize = 10;
/// Argon2 hashes the whole input; a cap keeps a huge password from being a
/// cheap way to burn our CPU.
pub const MAX_PASSWORD_BYTES: usize = 1024;

pub fn check_strength(password: &str) -> Result<(), Invalid> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Invalid::new(
            ErrorCode::WeakPassword,
            format!("the password must have at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(Invalid::new(
            ErrorCode::WeakPassword,
            format!("the password must be at most {MAX_PASSWORD_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes), as OWASP advises.
/// Blocks for a good part of a second: a request hashes with `hash_in_turn`.
pub fn hash(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

fn verify(password: &str, stored: &str) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Verifies against a hash nobody owns, so that an unknown email costs as
/// much time as a wrong password and the two cannot be told apart.
fn verify_nobody(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash("no account has this password").unwrap_or_default());
    let _ = verify(password, stored);
}

/// Lets at most a fixed number of hashes run at once; the others wait their
/// turn. Each Argon2 run holds 19 MiB and a core for a good part of a
/// second: unbounded, a burst of registrations or logins grows the process
/// by hundreds of megabytes and starves every other request.
pub struct HashGate {
    permits: Arc<Semaphore>,
}

impl HashGate {
    pub fn new(at_once: usize) -> HashGate {
        HashGate {
            permits: Arc::new(Semaphore::new(at_once.max(1))),
        }
    }

    /// Runs `work` on the blocking pool, off the async workers, once a turn
    /// is free. The turn is held until the work ends, even when the caller
    /// stops waiting (a client that hangs up does not free a core that is
    /// still hashing).
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, String> {
        let turn = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| e.to_string())?;
        tokio::task::spawn_blocking(move || {
            let done = work();
            drop(turn);
            done
        })
        .await
        .map_err(|e| e.to_string())
    }
}

/// One gate for the process, a turn per core.
fn gate() -> &'static HashGate {
    static GATE: OnceLock<HashGate> = OnceLock::new();
    GATE.get_or_init(|| {
        HashGate::new(std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
    })
}

/// `hash`, off the async workers and in turn with every other hash.
pub async fn hash_in_turn(password: String) -> Result<String, String> {
    gate().run(move || hash(&password)).await?
}

/// Whether `password` is the one `stored` was made from; with no stored
/// hash (an unknown account) as slow as a wrong password, and false.
pub async fn verify_in_turn(password: String, stored: Option<String>) -> Result<bool, String> {
    gate()
        .run(move || match stored {
            Some(stored) => verify(&password, &stored),
            None => {
                verify_nobody(&password);
                false
            }
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterz", &h));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(
            check_strength("short").unwrap_err().code,
            ErrorCode::WeakPassword
        );
        assert!(check_strength("long enough pw").is_ok());
    }

    #[tokio::test]
    async fn the_gate_bounds_how_many_hashes_run_at_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let gate = Arc::new(HashGate::new(2));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (gate, running, most) = (gate.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    gate.run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        // Long enough for the others to pile up, were they let in.
                        let _ = hash("en lang nok frase");
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        assert!(most.load(Ordering::SeqCst) <= 2, "{most:?} at once");
        assert!(most.load(Ordering::SeqCst) >= 1);
    }

    #[tokio::test]
    async fn verifying_in_turn_tells_right_from_wrong_and_unknown() {
        let stored = hash_in_turn("correct horse battery".into()).await.unwrap();
        let check = |p: &str, s: Option<&String>| verify_in_turn(p.into(), s.cloned());
        assert!(check("correct horse battery", Some(&stored)).await.unwrap());
        assert!(!check("correct horse batterz", Some(&stored)).await.unwrap());
        assert!(!check("correct horse battery", None).await.unwrap());
    }
}
