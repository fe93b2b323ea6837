//! Settings: `config/default.toml` (or the copy compiled into the binary when
//! the file is absent), then the environment variables of the API contract.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::client_address::{ForwardedHeader, TrustedProxies};
use crate::domain::analysis::CapacityFactor;
use crate::domain::clauses::ClauseLibrary;
use crate::domain::thresholds::ThresholdTable;
use crate::domain::EurNokRate;

const DEFAULT_TOML: &str = include_str!("../config/default.toml");
const THRESHOLDS_TOML: &str = include_str!("../config/thresholds.toml");
const CLAUSES_TOML: &str = include_str!("../config/clauses.toml");
const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Clone)]
pub struct Config {
    pub environment: Environment,
    pub bind: String,
    pub public_url: String,
    pub database_url: String,
    pub pool_size: u32,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// None only where the development secret may stand in (see
    /// `check_secret`); `ensure_signing_secret` then fills it in.
    pub jwt_secret: Option<String>,
    pub token_ttl_seconds: i64,
    /// How long a token's account check (disabled? token version?) is kept
    /// in memory before the database is asked again; 0 asks at every call.
    pub token_check_seconds: i64,
    pub admin_email: Option<String>,
    pub admin_password: Option<String>,
    pub eur_nok: EurNokRate,
    pub data_dir: PathBuf,
    pub thresholds: ThresholdTable,
    /// The seriousness clauses, the climate rule and the follow-up timing.
    pub clauses: ClauseLibrary,
    /// How many times a lot's yearly value a supplier's turnover must be for
    /// the SME analysis to count it as big enough.
    pub capacity_factor: CapacityFactor,
    /// How often the outbox worker looks for due mail; zero turns it off.
    pub outbox_interval_ms: u64,
    /// The wait before the first retry of a failed mail; it doubles per failure.
    pub outbox_retry_first_ms: u64,
    /// The longest wait between retries.
    pub outbox_retry_max_ms: u64,
    /// The prefix of every OCDS `ocid`: `{prefix}-{procurement id}`.
    pub ocds_prefix: String,
    /// Login attempts a minute from one client address, and for one account.
    pub login_per_minute_per_address: u32,
    pub login_per_minute_per_account: u32,
    /// Proxies whose forwarding header names the client, and that header.
    pub trusted_proxies: TrustedProxies,
    /// Registrations without a login an hour from one client address.
    pub registrations_per_hour_per_address: u32,
    /// How long the link that confirms a supplier's registration works.
    pub confirmation_ttl_hours: i64,
    /// How long a session of the pages under /app/ lasts.
    pub sessions: SessionLimits,
}

/// A page session ends after `idle` without a request, and at `absolute`
/// after the login whatever happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub idle: chrono::Duration,
    pub absolute: chrono::Duration,
}

impl std::fmt::Debug for Config {
    // Secrets stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("environment", &self.environment)
            .field("bind", &self.bind)
            .field("public_url", &self.public_url)
            .field("database", &redact_url(&self.database_url))
            .field("smtp", &self.smtp_url.as_deref().map(redact_url))
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    environment: String,
    bind: String,
    public_url: Option<String>,
    database_url: String,
    pool_size: u32,
    smtp_url: Option<String>,
    mail_from: String,
    jwt_secret: Option<String>,
    token_ttl_seconds: i64,
    // Optional so that a config file from before it still loads.
    token_check_seconds: Option<i64>,
    eur_nok_ore: i64,
    data_dir: PathBuf,
    // A number or a string ("1.5"); optional for config files from before it.
    capacity_factor: Option<CapacityFactor>,
    // Optional so that a config file from before these keys still loads.
    outbox_interval_ms: Option<u64>,
    outbox_retry_first_ms: Option<u64>,
    outbox_retry_max_ms: Option<u64>,
    ocds_prefix: Option<String>,
    trusted_proxies: Option<Vec<String>>,
    forwarded_header: Option<String>,
    confirmation_ttl_hours: Option<i64>,
    session_idle_minutes: Option<i64>,
    session_max_hours: Option<i64>,
}

#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads `SAMKJOP_CONFIG_DIR` (default `config/`) and the environment.
    pub fn load() -> Result<Config, ConfigError> {
        let dir =
            PathBuf::from(std::env::var("SAMKJOP_CONFIG_DIR").unwrap_or_else(|_| "config".into()));
        let default = read_or(&dir.join("default.toml"), DEFAULT_TOML)?;
        let thresholds = read_or(&dir.join("thresholds.toml"), THRESHOLDS_TOML)?;
        let clauses = read_or(&dir.join("clauses.toml"), CLAUSES_TOML)?;
        let mut config = Config::from_sources(&default, &thresholds, |k| std::env::var(k).ok())?;
        config.clauses = clause_library(&clauses)?;
        Ok(config)
    }

    /// The compiled-in defaults with the given overrides; what tests start from.
    pub fn defaults_with(env: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        Config::from_sources(DEFAULT_TOML, THRESHOLDS_TOML, env)
    }

    fn from_sources(
        default_toml: &str,
        thresholds_toml: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let file: FileConfig = toml::from_str(default_toml)
            .map_err(|e| ConfigError(format!("config/default.toml: {e}")))?;
        let thresholds = ThresholdTable::from_toml(thresholds_toml)
            .map_err(|e| ConfigError(format!("config/thresholds.toml: {}", e.message)))?;
        let environment = match env("SAMKJOP_ENV").unwrap_or(file.environment).as_str() {
            "development" | "dev" => Environment::Development,
            "production" | "prod" => Environment::Production,
            other => {
                return Err(ConfigError(format!(
                    "SAMKJOP_ENV: unknown environment '{other}'"
                )))
            }
        };
        let bind = env("SAMKJOP_BIND").unwrap_or(file.bind);
        let public_url = env("SAMKJOP_PUBLIC_URL")
            .or(file.public_url)
            .unwrap_or_else(|| format!("http://{bind}"))
            .trim_end_matches('/')
            .to_string();
        let jwt_secret = env("SAMKJOP_JWT_SECRET")
            .or(file.jwt_secret)
            .filter(|s| !s.is_empty());
        check_secret(environment, &bind, &public_url, jwt_secret.as_deref())?;
        let parse_num = |name: &str, fallback: i64| -> Result<i64, ConfigError> {
            env(name).map_or(Ok(fallback), |v| {
                v.parse()
                    .map_err(|_| ConfigError(format!("{name}: not a number: '{v}'")))
            })
        };
        let eur_nok_ore = parse_num("SAMKJOP_EUR_NOK_ORE", file.eur_nok_ore)?;
        if eur_nok_ore <= 0 {
            return Err(ConfigError("eur_nok_ore must be positive".into()));
        }
        let pool_size = u32::try_from(parse_num(
            "SAMKJOP_DB_POOL_SIZE",
            i64::from(file.pool_size),
        )?)
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ConfigError("SAMKJOP_DB_POOL_SIZE must be a positive number".into()))?;
        let parse_ms = |name: &str, fallback: u64| -> Result<u64, ConfigError> {
            let fallback = i64::try_from(fallback).unwrap_or(i64::MAX);
            u64::try_from(parse_num(name, fallback)?)
                .map_err(|_| ConfigError(format!("{name} must not be negative")))
        };
        let outbox_interval_ms = parse_ms(
            "SAMKJOP_OUTBOX_INTERVAL_MS",
            file.outbox_interval_ms.unwrap_or(5_000),
        )?;
        let outbox_retry_first_ms = parse_ms(
            "SAMKJOP_OUTBOX_RETRY_FIRST_MS",
            file.outbox_retry_first_ms.unwrap_or(30_000),
        )?;
        let outbox_retry_max_ms = parse_ms(
            "SAMKJOP_OUTBOX_RETRY_MAX_MS",
            file.outbox_retry_max_ms.unwrap_or(3_600_000),
        )?;
        if outbox_retry_first_ms == 0 || outbox_retry_max_ms < outbox_retry_first_ms {
            return Err(ConfigError(
                "SAMKJOP_OUTBOX_RETRY_FIRST_MS must be positive and at most SAMKJOP_OUTBOX_RETRY_MAX_MS"
                    .into(),
            ));
        }
        let ocds_prefix = env("SAMKJOP_OCDS_PREFIX")
            .filter(|s| !s.is_empty())
            .or(file.ocds_prefix)
            .unwrap_or_else(|| DEFAULT_OCDS_PREFIX.to_string());
        check_ocds_prefix(&ocds_prefix)?;
        // Refused here, so that a mistyped factor stops the start instead of
        // quietly changing who the analysis counts as big enough.
        let capacity_factor = match env("SAMKJOP_CAPACITY_FACTOR") {
            Some(v) => CapacityFactor::parse(&v)
                .map_err(|e| ConfigError(format!("SAMKJOP_CAPACITY_FACTOR: {}", e.message)))?,
            None => file.capacity_factor.unwrap_or_default(),
        };
        if thresholds.rows.is_empty() {
            return Err(ConfigError(
                "config/thresholds.toml has no [[threshold]] row".into(),
            ));
        }
        let per_minute = |name: &str, fallback: i64| -> Result<u32, ConfigError> {
            u32::try_from(parse_num(name, fallback)?)
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| ConfigError(format!("{name} must be a positive number")))
        };
        let token_check_seconds = parse_num(
            "SAMKJOP_TOKEN_CHECK_SECONDS",
            file.token_check_seconds.unwrap_or(5),
        )?;
        if !(0..=300).contains(&token_check_seconds) {
            return Err(ConfigError(
                "SAMKJOP_TOKEN_CHECK_SECONDS must be 0 to 300: it is how long a revoked token may still work"
                    .into(),
            ));
        }
        let login_per_minute_per_address = per_minute("SAMKJOP_LOGIN_PER_MINUTE_PER_ADDRESS", 30)?;
        let login_per_minute_per_account = per_minute("SAMKJOP_LOGIN_PER_MINUTE_PER_ACCOUNT", 10)?;
        let registrations_per_hour_per_address =
            per_minute("SAMKJOP_REGISTRATIONS_PER_HOUR_PER_ADDRESS", 20)?;
        let trusted_proxies = trusted_proxies(
            env("SAMKJOP_TRUSTED_PROXIES").or(file.trusted_proxies.map(|l| l.join(","))),
            env("SAMKJOP_FORWARDED_HEADER").or(file.forwarded_header),
        )?;
        let confirmation_ttl_hours = parse_num(
            "SAMKJOP_CONFIRMATION_TTL_HOURS",
            file.confirmation_ttl_hours.unwrap_or(48),
        )?;
        if !(1..=24 * 30).contains(&confirmation_ttl_hours) {
            return Err(ConfigError(
                "SAMKJOP_CONFIRMATION_TTL_HOURS must be 1 to 720 hours".into(),
            ));
        }
        let sessions = session_limits(
            parse_num(
                "SAMKJOP_SESSION_IDLE_MINUTES",
                file.session_idle_minutes.unwrap_or(60),
            )?,
            parse_num(
                "SAMKJOP_SESSION_MAX_HOURS",
                file.session_max_hours.unwrap_or(12),
            )?,
        )?;
        Ok(Config {
            environment,
            bind,
            public_url,
            database_url: env("DATABASE_URL").unwrap_or(file.database_url),
            pool_size,
            smtp_url: env("SAMKJOP_SMTP_URL")
                .or(file.smtp_url)
                .filter(|s| !s.is_empty()),
            mail_from: env("SAMKJOP_MAIL_FROM").unwrap_or(file.mail_from),
            jwt_secret,
            token_ttl_seconds: parse_num("SAMKJOP_TOKEN_TTL_SECONDS", file.token_ttl_seconds)?,
            token_check_seconds,
            admin_email: env("SAMKJOP_ADMIN_EMAIL").filter(|s| !s.is_empty()),
            admin_password: env("SAMKJOP_ADMIN_PASSWORD").filter(|s| !s.is_empty()),
            eur_nok: EurNokRate(eur_nok_ore),
            data_dir: env("SAMKJOP_DATA_DIR")
                .map(PathBuf::from)
                .unwrap_or(file.data_dir),
            thresholds,
            clauses: clause_library(CLAUSES_TOML)?,
            capacity_factor,
            outbox_interval_ms,
            outbox_retry_first_ms,
            outbox_retry_max_ms,
            ocds_prefix,
            login_per_minute_per_address,
            login_per_minute_per_account,
            trusted_proxies,
            registrations_per_hour_per_address,
            confirmation_ttl_hours,
            sessions,
        })
    }
}

/// Both limits positive, the idle one within the absolute one, and neither
/// beyond a week (a typo of minutes for hours must not keep a browser
/// logged in for months).
fn session_limits(idle_minutes: i64, max_hours: i64) -> Result<SessionLimits, ConfigError> {
    if !(1..=7 * 24).contains(&max_hours) {
        return Err(ConfigError(
            "SAMKJOP_SESSION_MAX_HOURS must be from 1 to 168".into(),
        ));
    }
    if !(1..=max_hours * 60).contains(&idle_minutes) {
        return Err(ConfigError(
            "SAMKJOP_SESSION_IDLE_MINUTES must be from 1 to SAMKJOP_SESSION_MAX_HOURS in minutes"
                .into(),
        ));
    }
    Ok(SessionLimits {
        idle: chrono::Duration::minutes(idle_minutes),
        absolute: chrono::Duration::hours(max_hours),
    })
}

impl Config {
    /// Without a configured secret, and only where `check_secret` allows it
    /// (a server on this machine, in development), the development secret:
    /// kept in `<data_dir>/.dev-jwt-secret`, so that logins and the voting
    /// links of `samkjop demo` survive a restart. The API, the voting links
    /// and the jobs that make links must all sign with the same key.
    pub fn ensure_signing_secret(&mut self) -> Result<(), ConfigError> {
        if self.jwt_secret.is_some() {
            return Ok(());
        }
        // Again here: the fields are public, and code may have changed them
        // since loading.
        check_secret(self.environment, &self.bind, &self.public_url, None)?;
        let file = self.data_dir.join(DEV_SECRET_FILE);
        let secret = match std::fs::read_to_string(&file) {
            Ok(kept) => {
                // Anyone who can read it can sign an admin's token; anyone
                // who can write it can choose the key.
                let why = crate::files::not_private(&file)
                    .map_err(|e| ConfigError(format!("{}: {e}", file.display())))?;
                if let Some(why) = why {
                    return Err(ConfigError(format!(
                        "{} holds the development signing secret, but {why}; \
                         delete it (a new one is made) or chmod 600 it, or set SAMKJOP_JWT_SECRET",
                        file.display()
                    )));
                }
                let kept = kept.trim().to_string();
                if kept.len() < MIN_SECRET_BYTES {
                    return Err(ConfigError(format!(
                        "{} is shorter than {MIN_SECRET_BYTES} bytes; delete it (a new one is made) or set SAMKJOP_JWT_SECRET",
                        file.display()
                    )));
                }
                tracing::warn!(
                    file = %file.display(),
                    "no SAMKJOP_JWT_SECRET: signing with the development secret; \
                     set SAMKJOP_JWT_SECRET before anyone else can reach this server"
                );
                kept
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let bytes: [u8; 32] = rand::random();
                let fresh: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                let written = crate::files::create_private_dir(&self.data_dir)
                    .and_then(|_| crate::files::write_new_private(&file, fresh.as_bytes()));
                match written {
                    Ok(()) => tracing::warn!(
                        file = %file.display(),
                        "no SAMKJOP_JWT_SECRET: a development secret was made and kept; \
                         set SAMKJOP_JWT_SECRET before anyone else can reach this server"
                    ),
                    Err(e) => tracing::warn!(
                        error = %e,
                        "no SAMKJOP_JWT_SECRET: tokens are signed with a random key and die with this process"
                    ),
                }
                fresh
            }
            Err(e) => return Err(ConfigError(format!("{}: {e}", file.display()))),
        };
        self.jwt_secret = Some(secret);
        Ok(())
    }

    pub fn signing_keys(&self) -> crate::auth::Keys {
        match &self.jwt_secret {
            Some(secret) => crate::auth::Keys::new(secret.as_bytes(), self.token_ttl_seconds),
            None => crate::auth::Keys::random(self.token_ttl_seconds),
        }
    }
}

/// A mistyped range stops the start: a proxy not trusted makes all its
/// clients share one throttle budget, a range too wide lets clients name
/// their own address.
fn trusted_proxies(
    ranges: Option<String>,
    header: Option<String>,
) -> Result<TrustedProxies, ConfigError> {
    Ok(TrustedProxies {
        ranges: TrustedProxies::parse_list(ranges.as_deref().unwrap_or(""))
            .map_err(|e| ConfigError(format!("SAMKJOP_TRUSTED_PROXIES: {e}")))?,
        header: header
            .filter(|h| !h.trim().is_empty())
            .map(|h| ForwardedHeader::parse(&h))
            .transpose()
            .map_err(|e| ConfigError(format!("SAMKJOP_FORWARDED_HEADER: {e}")))?
            .unwrap_or_default(),
    })
}

/// Used when neither the file nor the environment sets one; a real publisher
/// registers its own prefix with the Open Contracting Partnership.
pub const DEFAULT_OCDS_PREFIX: &str = "ocds-samkjop";

/// The prefix becomes part of every `ocid` and of URLs built from it, so it
/// is kept to the characters registered prefixes use.
fn check_ocds_prefix(prefix: &str) -> Result<(), ConfigError> {
    let ok = !prefix.is_empty()
        && prefix.len() <= 64
        && prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !prefix.starts_with('-')
        && !prefix.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(ConfigError(format!(
            "SAMKJOP_OCDS_PREFIX: '{prefix}' must be 1-64 letters, digits and inner hyphens, such as 'ocds-a1b2c3'"
        )))
    }
}

/// A library that cannot be applied stops the start: procurements would
/// otherwise be published without the checks they need.
fn clause_library(text: &str) -> Result<ClauseLibrary, ConfigError> {
    ClauseLibrary::from_toml(text)
        .map_err(|e| ConfigError(format!("config/clauses.toml: {}", e.message)))
}

/// Where the development secret is kept, in the data folder.
pub const DEV_SECRET_FILE: &str = ".dev-jwt-secret";

/// A configured secret is long enough to resist guessing, in every
/// environment. Without one, the development secret (a file on this
/// machine) may only sign for a server that nobody else reaches: in
/// development, bound to a loopback address, and not published under https
/// (an https public URL means a proxy puts it on the network).
fn check_secret(
    environment: Environment,
    bind: &str,
    public_url: &str,
    secret: Option<&str>,
) -> Result<(), ConfigError> {
    const HOW: &str = "`openssl rand -base64 48` makes one";
    let missing = |why: &str| {
        Err(ConfigError(format!(
            "SAMKJOP_JWT_SECRET is required {why}: it signs every login and voting link \
             (at least {MIN_SECRET_BYTES} bytes; {HOW})"
        )))
    };
    match secret {
        Some(s) if s.len() < MIN_SECRET_BYTES => Err(ConfigError(format!(
            "SAMKJOP_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes (it is {}); {HOW}",
            s.len()
        ))),
        Some(_) => Ok(()),
        None if environment == Environment::Production => missing("outside development"),
        None if is_https(public_url) => {
            missing(&format!("when SAMKJOP_PUBLIC_URL is https ({public_url})"))
        }
        None if !is_loopback(bind) => missing(&format!(
            "when SAMKJOP_BIND is not a loopback address ({bind})"
        )),
        None => Ok(()),
    }
}

/// Whether the public URL is https (any case): the server is published.
pub fn is_https(url: &str) -> bool {
    url.get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
}

/// `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`: only this machine can
/// connect. Any other host, or one that cannot be read, counts as reachable.
fn is_loopback(bind: &str) -> bool {
    let host = bind.rsplit_once(':').map_or(bind, |(host, _)| host);
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn read_or(path: &Path, compiled_in: &str) -> Result<String, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(compiled_in.to_string()),
        Err(e) => Err(ConfigError(format!("{}: {e}", path.display()))),
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let c = Config::defaults_with(env_of(&[
            ("SAMKJOP_BIND", "0.0.0.0:9000"),
            ("DATABASE_URL", "postgres://x@h/db"),
            ("SAMKJOP_JWT_SECRET", SECRET),
        ]))
        .unwrap();
        assert_eq!(c.bind, "0.0.0.0:9000");
        assert_eq!(c.public_url, "http://0.0.0.0:9000");
        assert_eq!(c.database_url, "postgres://x@h/db");
        assert_eq!(c.environment, Environment::Development);
    }

    #[test]
    fn sessions_last_an_hour_idle_and_twelve_hours_at_most_unless_set() {
        let c = Config::defaults_with(env_of(&[])).unwrap();
        assert_eq!(c.sessions.idle, chrono::Duration::minutes(60));
        assert_eq!(c.sessions.absolute, chrono::Duration::hours(12));
        let set = Config::defaults_with(env_of(&[
            ("SAMKJOP_SESSION_IDLE_MINUTES", "15"),
            ("SAMKJOP_SESSION_MAX_HOURS", "8"),
        ]))
        .unwrap();
        assert_eq!(set.sessions.idle, chrono::Duration::minutes(15));
        assert_eq!(set.sessions.absolute, chrono::Duration::hours(8));
        for bad in [
            ("SAMKJOP_SESSION_IDLE_MINUTES", "0"),
            ("SAMKJOP_SESSION_IDLE_MINUTES", "721"),
            ("SAMKJOP_SESSION_MAX_HOURS", "169"),
        ] {
            let pairs: &'static [(&'static str, &'static str)] = Box::leak(Box::new([bad]));
            assert!(Config::defaults_with(env_of(pairs)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn production_refuses_a_missing_or_short_secret() {
        let missing = Config::defaults_with(env_of(&[("SAMKJOP_ENV", "production")]));
        assert!(missing
            .err()
            .unwrap()
            .0
            .contains("SAMKJOP_JWT_SECRET is required"));
        let short = Config::defaults_with(env_of(&[
            ("SAMKJOP_ENV", "production"),
            ("SAMKJOP_JWT_SECRET", "short"),
        ]));
        assert!(short.err().unwrap().0.contains("at least 32 bytes"));
        let ok = Config::defaults_with(env_of(&[
            ("SAMKJOP_ENV", "production"),
            ("SAMKJOP_JWT_SECRET", "0123456789abcdef0123456789abcdef"),
        ]));
        assert!(ok.is_ok());
    }

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    fn refusal(pairs: &'static [(&'static str, &'static str)]) -> String {
        match Config::defaults_with(env_of(pairs)) {
            Ok(_) => panic!("{pairs:?} was accepted"),
            Err(e) => e.0,
        }
    }

    #[test]
    fn a_short_secret_is_refused_in_every_environment() {
        for env in ["development", "production"] {
            let pairs: &'static [(&'static str, &'static str)] = Box::leak(Box::new([
                ("SAMKJOP_ENV", env),
                ("SAMKJOP_JWT_SECRET", "a"),
            ]));
            let why = refusal(pairs);
            assert!(why.contains("at least 32 bytes (it is 1)"), "{env}: {why}");
        }
        let almost = &SECRET[1..];
        let pairs: &'static [(&'static str, &'static str)] =
            Box::leak(Box::new([("SAMKJOP_JWT_SECRET", almost)]));
        assert!(refusal(pairs).contains("it is 31"));
        assert!(Config::defaults_with(env_of(&[("SAMKJOP_JWT_SECRET", SECRET)])).is_ok());
    }

    /// The development secret is a file on this machine: it may sign only
    /// for a server that nobody else reaches.
    #[test]
    fn without_a_secret_only_a_server_on_this_machine_starts() {
        let https = refusal(&[("SAMKJOP_PUBLIC_URL", "https://samkjop.example.no")]);
        assert!(
            https.contains("SAMKJOP_JWT_SECRET is required when SAMKJOP_PUBLIC_URL is https"),
            "{https}"
        );
        assert!(
            refusal(&[("SAMKJOP_PUBLIC_URL", "HTTPS://samkjop.example.no/")]).contains("is https")
        );
        for bind in [
            "0.0.0.0:8080",
            "[::]:8080",
            "10.0.0.5:8080",
            "samkjop.internal:80",
        ] {
            let pairs: &'static [(&'static str, &'static str)] =
                Box::leak(Box::new([("SAMKJOP_BIND", bind)]));
            let why = refusal(pairs);
            assert!(why.contains("not a loopback address"), "{bind}: {why}");
        }
        for bind in [
            "127.0.0.1:8080",
            "127.0.0.2:0",
            "[::1]:8080",
            "localhost:8080",
        ] {
            let pairs: &'static [(&'static str, &'static str)] = Box::leak(Box::new([
                ("SAMKJOP_BIND", bind),
                ("SAMKJOP_PUBLIC_URL", "http://localhost:8080"),
            ]));
            let c = Config::defaults_with(env_of(pairs));
            assert!(c.is_ok_and(|c| c.jwt_secret.is_none()), "{bind}");
        }
        // With a secret, anything goes.
        assert!(Config::defaults_with(env_of(&[
            ("SAMKJOP_BIND", "0.0.0.0:8080"),
            ("SAMKJOP_PUBLIC_URL", "https://samkjop.example.no"),
            ("SAMKJOP_JWT_SECRET", SECRET),
        ]))
        .is_ok());
    }

    fn local_config() -> (Config, PathBuf) {
        let dir = std::env::temp_dir().join(format!("samkjop_cfg_{:016x}", rand::random::<u64>()));
        let text = dir.display().to_string();
        let c = Config::defaults_with(move |k| (k == "SAMKJOP_DATA_DIR").then(|| text.clone()))
            .unwrap();
        (c, dir)
    }

    #[test]
    fn the_development_secret_is_made_private_and_kept() {
        let (mut c, dir) = local_config();
        c.ensure_signing_secret().unwrap();
        let secret = c.jwt_secret.clone().unwrap();
        assert!(secret.len() >= MIN_SECRET_BYTES);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&dir), 0o700, "the data folder");
            assert_eq!(mode(&dir.join(DEV_SECRET_FILE)), 0o600, "the secret");
        }
        let (mut again, _) = local_config();
        again.data_dir = dir.clone();
        again.ensure_signing_secret().unwrap();
        assert_eq!(again.jwt_secret, Some(secret), "kept across starts");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_development_secret_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let (mut c, dir) = local_config();
        c.ensure_signing_secret().unwrap();
        let file = dir.join(DEV_SECRET_FILE);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let (mut again, _) = local_config();
        again.data_dir = dir.clone();
        let why = again.ensure_signing_secret().unwrap_err().0;
        assert!(why.contains("group or others can read"), "{why}");
        assert!(again.jwt_secret.is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_development_secret_is_refused_once_the_server_is_exposed() {
        let (mut c, dir) = local_config();
        c.bind = "0.0.0.0:8080".into();
        let why = c.ensure_signing_secret().unwrap_err().0;
        assert!(why.contains("not a loopback address"), "{why}");
        assert!(!dir.exists(), "no secret was written");
    }

    #[test]
    fn the_ocds_prefix_has_a_default_and_is_checked() {
        let c = Config::defaults_with(env_of(&[])).unwrap();
        assert_eq!(c.ocds_prefix, DEFAULT_OCDS_PREFIX);
        let c = Config::defaults_with(env_of(&[("SAMKJOP_OCDS_PREFIX", "ocds-a1b2c3")])).unwrap();
        assert_eq!(c.ocds_prefix, "ocds-a1b2c3");
        for bad in ["ocds a", "ocds_1", "ocds/1", "-ocds", "ocds-"] {
            let pairs: &'static [(&'static str, &'static str)] =
                Box::leak(Box::new([("SAMKJOP_OCDS_PREFIX", bad)]));
            assert!(Config::defaults_with(env_of(pairs)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_capacity_factor_is_configured_and_checked() {
        let c = Config::defaults_with(env_of(&[])).unwrap();
        assert_eq!(c.capacity_factor, CapacityFactor::ONE);
        let c = Config::defaults_with(env_of(&[("SAMKJOP_CAPACITY_FACTOR", "1.5")])).unwrap();
        assert_eq!(c.capacity_factor.thousandths(), 1500);
        let bad = Config::defaults_with(env_of(&[("SAMKJOP_CAPACITY_FACTOR", "0")]));
        assert!(bad.err().unwrap().0.contains("SAMKJOP_CAPACITY_FACTOR"));
        let toml = DEFAULT_TOML.replace("capacity_factor = \"1.0\"", "capacity_factor = \"abc\"");
        assert!(Config::from_sources(&toml, THRESHOLDS_TOML, env_of(&[])).is_err());
    }

    #[test]
    fn secrets_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:pw@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(
            redact_url("sqlite://data/x.sqlite"),
            "sqlite://data/x.sqlite"
        );
    }

    #[test]
    fn trusted_proxies_come_from_the_file_or_the_environment() {
        let c = Config::defaults_with(env_of(&[])).unwrap();
        assert!(c.trusted_proxies.ranges.is_empty(), "none by default");
        assert_eq!(c.trusted_proxies.header, ForwardedHeader::XForwardedFor);
        let c = Config::defaults_with(env_of(&[
            ("SAMKJOP_TRUSTED_PROXIES", "10.0.0.0/8, fd00::/8"),
            ("SAMKJOP_FORWARDED_HEADER", "Forwarded"),
        ]))
        .unwrap();
        assert_eq!(c.trusted_proxies.ranges.len(), 2);
        assert_eq!(c.trusted_proxies.header, ForwardedHeader::Forwarded);
        let toml = format!("{DEFAULT_TOML}\ntrusted_proxies = [\"192.168.0.0/16\"]\n");
        let c = Config::from_sources(&toml, THRESHOLDS_TOML, env_of(&[])).unwrap();
        assert!(c.trusted_proxies.trusts("192.168.4.4".parse().unwrap()));
        for bad in ["10.0.0.1/8", "0.0.0.0/0", "proxy"] {
            let pairs: &'static [(&'static str, &'static str)] =
                Box::leak(Box::new([("SAMKJOP_TRUSTED_PROXIES", bad)]));
            let e = Config::defaults_with(env_of(pairs)).err().unwrap();
            assert!(e.0.contains("SAMKJOP_TRUSTED_PROXIES"), "{bad:?}: {}", e.0);
        }
    }
}
