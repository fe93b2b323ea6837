use std::sync::{Arc, OnceLock};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use tokio::sync::Semaphore;

use zxcvbn::feedback::Warning;
use zxcvbn::matching::patterns::MatchPattern;
use zxcvbn::Score;

use crate::domain::ErrorCode;
use crate::error::{AppError, AppResult, FieldError};

pub const MIN_PASSWORD_CHARS: usize = 10;
/// Argon2 hashes the whole input; a cap keeps a huge password from being a
/// cheap way to burn our CPU.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// zxcvbn's "safely unguessable" (more than 10^10 guesses): an offline attack
/// on a stolen Argon2 hash should need years, not days.
const MIN_SCORE: Score = Score::Three;
/// Norwegian words that people build passwords on and that zxcvbn's English
/// lists do not know; scored as if the person had typed them in a form.
const NORWEGIAN_WORDS: &[&str] = &[
    "passord",
    "hemmelig",
    "samkjøp",
    "samkjop",
    "kommune",
    "velkommen",
    "sommer",
    "vinter",
    "høst",
    "hosten",
    "norge",
    "noreg",
    "oslo",
    "bergen",
    "trondheim",
    "stavanger",
    "innkjøp",
    "innkjop",
    "leverandør",
    "leverandor",
    "qwertzuiopå",
    "æøå",
    "elsker",
    "kjæreste",
];

/// The password policy of every account, whichever door it is set by
/// (registration, the operator, the first admin, a password change): at
/// least 10 characters, at most 1024 bytes, not only spaces, and not
/// guessable by zxcvbn's estimate (common and leaked passwords, names,
/// keyboard patterns, dates), where `user_inputs` (the email address, the
/// organisation's name and number) and their parts count as known words.
/// A refusal is 422 `weak_password`: the detail in English, as every
/// detail, and the `password` field's message in Norwegian, for showing
/// beside the field named `field` (the request's own name for it:
/// `password`, `new_password`), both saying why.
pub fn check_strength(field: &str, password: &str, user_inputs: &[&str]) -> AppResult<()> {
    let refuse = |english: String, norwegian: String| {
        let mut e = AppError::new(ErrorCode::WeakPassword, english);
        e.errors.push(FieldError {
            field: field.into(),
            message: norwegian,
        });
        Err(e)
    };
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return refuse(
            format!("the password must have at least {MIN_PASSWORD_CHARS} characters"),
            format!("Passordet må ha minst {MIN_PASSWORD_CHARS} tegn."),
        );
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return refuse(
            format!("the password must be at most {MAX_PASSWORD_BYTES} bytes"),
            format!("Passordet kan være høyst {MAX_PASSWORD_BYTES} byte langt."),
        );
    }
    if password.trim().is_empty() {
        return refuse(
            "the password must not be only spaces".into(),
            "Passordet kan ikke bare være mellomrom.".into(),
        );
    }
    let own = own_words(user_inputs);
    let mut known: Vec<&str> = own.iter().map(String::as_str).collect();
    known.extend(NORWEGIAN_WORDS);
    let estimate = zxcvbn::zxcvbn(password, &known);
    if estimate.score() >= MIN_SCORE {
        return Ok(());
    }
    let feedback = estimate.feedback();
    let built_on = |words: &[&str]| {
        estimate.sequence().iter().any(|m| {
            matches!(&m.pattern, MatchPattern::Dictionary(d)
                if words.iter().any(|w| w.to_lowercase() == d.matched_word))
        })
    };
    let own: Vec<&str> = own.iter().map(String::as_str).collect();
    let (why_en, why_nb) = match feedback.and_then(|f| f.warning()) {
        Some(w) => (w.to_string(), norwegian(w).to_string()),
        None if built_on(&own) => (
            "It is built on the email address or the organisation's name or number.".into(),
            "det bygger på e-postadressen eller virksomhetens navn eller nummer".into(),
        ),
        None if built_on(NORWEGIAN_WORDS) => (
            "It is built on a word common in Norwegian passwords.".into(),
            "det bygger på et ord som er vanlig i norske passord".into(),
        ),
        None => (
            "Too few guesses would find it.".into(),
            "det kan finnes med for få forsøk".into(),
        ),
    };
    let advice: Vec<String> = feedback
        .map(|f| f.suggestions().iter().map(ToString::to_string).collect())
        .unwrap_or_default();
    let mut english = format!("the password is too easy to guess: {why_en}");
    for a in advice {
        english.push(' ');
        english.push_str(&a);
    }
    refuse(
        english,
        format!(
            "Passordet er for lett å gjette: {why_nb}. Bruk gjerne tre eller fire ord som ikke hører sammen."
        ),
    )
}

/// The inputs and their parts ("post@fjordcatering.no" also gives "post"
/// and "fjordcatering"), lower-cased; parts under three characters are noise.
fn own_words(user_inputs: &[&str]) -> Vec<String> {
    let mut words = Vec::new();
    for input in user_inputs {
        let input = input.trim().to_lowercase();
        if input.is_empty() {
            continue;
        }
        for part in input.split(|c: char| !c.is_alphanumeric()) {
            if part.chars().count() >= 3 && part != input {
                words.push(part.to_string());
            }
        }
        words.push(input);
    }
    words
}

fn norwegian(w: Warning) -> &'static str {
    match w {
        Warning::StraightRowsOfKeysAreEasyToGuess => "rette rekker av taster er lette å gjette",
        Warning::ShortKeyboardPatternsAreEasyToGuess => "korte tastaturmønstre er lette å gjette",
        Warning::RepeatsLikeAaaAreEasyToGuess => "gjentakelser som «aaa» er lette å gjette",
        Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
            "gjentakelser som «abcabcabc» er knapt vanskeligere å gjette enn «abc»"
        }
        Warning::ThisIsATop10Password => "det er blant de ti vanligste passordene",
        Warning::ThisIsATop100Password => "det er blant de hundre vanligste passordene",
        Warning::ThisIsACommonPassword => {
            "det er et svært vanlig passord, kjent fra lister over lekkede passord"
        }
        Warning::ThisIsSimilarToACommonlyUsedPassword => "det ligner et mye brukt passord",
        Warning::SequencesLikeAbcAreEasyToGuess => {
            "rekkefølger som «abc» eller «6543» er lette å gjette"
        }
        Warning::RecentYearsAreEasyToGuess => "årstall fra de siste årene er lette å gjette",
        Warning::AWordByItselfIsEasyToGuess => "ett ord alene er lett å gjette",
        Warning::DatesAreOftenEasyToGuess => "datoer er ofte lette å gjette",
        Warning::NamesAndSurnamesByThemselvesAreEasyToGuess => "navn alene er lette å gjette",
        Warning::CommonNamesAndSurnamesAreEasyToGuess => {
            "vanlige fornavn og etternavn er lette å gjette"
        }
    }
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

    fn refusal(password: &str, inputs: &[&str]) -> (String, String) {
        let e = check_strength("password", password, inputs).expect_err(password);
        assert_eq!(e.code, ErrorCode::WeakPassword);
        assert_eq!(e.errors[0].field, "password");
        (e.detail, e.errors[0].message.clone())
    }

    #[test]
    fn short_passwords_are_refused() {
        let (en, nb) = refusal("short", &[]);
        assert!(en.contains("at least 10 characters"), "{en}");
        assert_eq!(nb, "Passordet må ha minst 10 tegn.");
        assert!(check_strength("password", "long enough pw", &[]).is_ok());
    }

    #[test]
    fn spaces_alone_are_no_password() {
        let (en, nb) = refusal("            ", &[]);
        assert!(en.contains("only spaces"), "{en}");
        assert!(nb.contains("mellomrom"), "{nb}");
    }

    #[test]
    fn common_and_leaked_passwords_are_refused_saying_why() {
        for (password, why) in [
            ("password123", "vanlig passord"),
            ("1234567890", "hundre vanligste"),
            ("qwertyuiop", "hundre vanligste"),
            ("aaaaaaaaaaaa", "gjentakelser"),
        ] {
            let (en, nb) = refusal(password, &[]);
            assert!(
                en.starts_with("the password is too easy to guess: "),
                "{en}"
            );
            assert!(nb.starts_with("Passordet er for lett å gjette: "), "{nb}");
            assert!(nb.contains(why), "{password}: {nb}");
        }
        let (_, nb) = refusal("Passord123!", &[]);
        assert!(nb.contains("vanlig i norske passord"), "{nb}");
    }

    #[test]
    fn the_account_s_own_words_make_a_weak_password() {
        let inputs = ["post@fjordcatering.no", "Fjord Catering AS", "974760673"];
        for password in ["Fjordcatering2026", "974760673!!"] {
            assert!(
                check_strength("password", password, &[]).is_ok(),
                "{password} is weak only for this account"
            );
        }
        for password in ["post@fjordcatering.no", "Fjordcatering2026", "974760673!!"] {
            let (en, nb) = refusal(password, &inputs);
            assert!(en.contains("email address or the organisation"), "{en}");
            assert!(nb.contains("e-postadressen"), "{nb}");
        }
    }

    #[test]
    fn the_passwords_the_docs_and_the_demo_use_pass() {
        for password in [
            "hemmelig-passord-1",
            "admin-passord-123",
            "Demo-drift-2026",
            "Demo-koordinator-2026",
            "Demo-kommune-2026",
            "et-langt-passord",
            "bytt-meg-straks-2026",
            "Skolemat-2027!",
            "Tilslutning-4601",
            "Fiskesuppe-1881",
            "fuzz-passord-123",
            "fuzz-admin-passord",
        ] {
            assert!(
                check_strength("password", password, &["x@samkjop.no"]).is_ok(),
                "{password}"
            );
        }
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
