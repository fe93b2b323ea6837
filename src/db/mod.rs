//! The database shell: one connection type over SQLite and PostgreSQL, the
//! pool, the embedded migrations, and a module per aggregate.
//!
//! Diesel is synchronous, so every call runs on the blocking pool
//! (`Db::read`, `Db::write`), never on an async worker. Failures are
//! `DbError`; the shells map it to what their callers see.

/// Runs the same diesel code on the concrete connection: for what
/// `MultiConnection` cannot express, such as multi-row inserts and upserts.
macro_rules! per_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::AnyConnection::Sqlite($c) => $body,
            $crate::db::AnyConnection::Postgresql($c) => $body,
        }
    };
}

pub mod compliance;
pub mod consultations;
mod error;
pub mod events;
pub mod interest;
pub mod mandates;
pub mod municipalities;
pub mod notices;
pub mod organizations;
pub mod procurements;
pub mod registrations;
pub mod schema;
pub mod sessions;
pub mod strategies;
pub mod suppliers;
pub mod tender_plans;
pub mod types;
pub mod users;
pub mod vote_links;

pub mod job_runs;
pub mod outbox;

use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub use error::{DbError, DbResult};

/// One tree for both engines while their SQL is the same; docs/architecture.md
/// says what to do when a migration needs engine-specific SQL.
const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where to connect, decided once from `DATABASE_URL` so that a mistyped
/// PostgreSQL URL can never fall back to creating a SQLite file of that name.
#[derive(Debug, Clone)]
pub struct Target {
    pub backend: Backend,
    url: String,
}

impl Target {
    pub fn parse(database_url: &str) -> Target {
        if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
            return Target {
                backend: Backend::Postgres,
                url: database_url.to_string(),
            };
        }
        let path = database_url
            .strip_prefix("sqlite://")
            .or_else(|| database_url.strip_prefix("sqlite:"));
        Target {
            backend: Backend::Sqlite,
            url: path.unwrap_or(database_url).to_string(),
        }
    }

    /// The SQLite file, for creating it and its folder before the first
    /// connection; None for an in-memory database or a `file:` URI.
    pub fn sqlite_path(&self) -> Option<&str> {
        (self.backend == Backend::Sqlite
            && !self.url.starts_with(':')
            && !self.url.starts_with("file:"))
        .then_some(self.url.as_str())
    }
}

pub struct Manager {
    target: Target,
}

impl ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        match self.target.backend {
            Backend::Postgres => PgConnection::establish(&self.target.url)
                .map(AnyConnection::Postgresql)
                .map_err(diesel::r2d2::Error::ConnectionError),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target.url)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                // WAL lets readers run beside the one writer; the busy timeout
                // makes a second process wait for the lock instead of failing.
                // The busy timeout comes first: switching a new file to WAL
                // takes a lock that the pool's other new connections wait for.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                )
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(AnyConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut AnyConnection) -> bool {
        false
    }
}

#[derive(Clone)]
pub struct Db {
    pool: Pool<Manager>,
    pub backend: Backend,
    /// SQLite has one writer at a time; queueing writers here, inside the
    /// process, keeps them from failing on each other's locks.
    writer: Arc<tokio::sync::Mutex<()>>,
    /// One permit per pooled connection, handed out in arrival order: a
    /// request waits here, as a cheap task, rather than in a blocking thread
    /// on the pool's lock, where a burst would spawn hundreds of threads and
    /// some requests would wait far longer than others.
    permits: Arc<tokio::sync::Semaphore>,
}

impl Db {
    pub fn connect(database_url: &str, pool_size: u32) -> Result<Db, String> {
        let target = Target::parse(database_url);
        if let Some(path) = target.sqlite_path() {
            let path = std::path::Path::new(path);
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                crate::files::create_private_dir(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            // Made here rather than by SQLite, which would make it readable
            // by everyone on the machine (its -wal and -shm files follow it).
            crate::files::touch_private(path)
                .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        }
        let backend = target.backend;
        let pool = Pool::builder()
            .max_size(pool_size)
            .connection_timeout(Duration::from_secs(30))
            .build(Manager { target })
            .map_err(|e| format!("cannot connect to the database: {e}"))?;
        Ok(Db {
            pool,
            backend,
            writer: Arc::new(tokio::sync::Mutex::new(())),
            permits: Arc::new(tokio::sync::Semaphore::new(pool_size as usize)),
        })
    }

    pub fn conn(&self) -> DbResult<PooledConnection<Manager>> {
        Ok(self.pool.get()?)
    }

    /// Runs `f` on a pooled connection on the blocking pool. `f` fails with
    /// its caller's error type, which a `DbError` of the pool converts into.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
    {
        let pool = self.pool.clone();
        let _permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| DbError::Other(e.to_string()))?;
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(DbError::from)?;
            f(&mut conn)
        })
        .await
        .map_err(|e| DbError::Other(format!("the database task failed: {e}")))?
    }

    /// Runs `f` in one transaction: everything it writes lands, or nothing.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
    {
        let _turn = match self.backend {
            Backend::Sqlite => Some(self.writer.clone().lock_owned().await),
            Backend::Postgres => None,
        };
        self.read(move |conn| in_write_transaction(conn, f)).await
    }

    pub fn migrate(&self) -> Result<usize, String> {
        let mut conn = self.pool.get().map_err(|e| e.to_string())?;
        conn.run_pending_migrations(MIGRATIONS)
            .map(|v| v.len())
            .map_err(|e| format!("migration failed: {e}"))
    }
}

/// The first kind of record that the database holds, of those people or
/// imports make (accounts, organisations, suppliers, mandates,
/// procurements); None for a database with only its schema and the seeded
/// municipalities.
pub fn first_kind_held(conn: &mut AnyConnection) -> DbResult<Option<&'static str>> {
    use diesel::{QueryDsl, RunQueryDsl};
    let counts: [(&'static str, i64); 5] = [
        ("accounts", schema::users::table.count().get_result(conn)?),
        (
            "organisations",
            schema::organizations::table.count().get_result(conn)?,
        ),
        (
            "suppliers",
            schema::suppliers::table.count().get_result(conn)?,
        ),
        (
            "mandates",
            schema::mandates::table.count().get_result(conn)?,
        ),
        (
            "procurements",
            schema::procurements::table.count().get_result(conn)?,
        ),
    ];
    Ok(counts.iter().find(|(_, n)| *n > 0).map(|(kind, _)| *kind))
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Microseconds: what PostgreSQL keeps, so that a timestamp reads back
/// exactly as written on both backends (the audit chain hashes it).
pub fn now() -> chrono::NaiveDateTime {
    stamp(chrono::Utc::now())
}

/// `now` as a column value, in whole microseconds as `now()`: flows write
/// the time they were given, not a second reading of the clock.
pub fn stamp(now: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDateTime {
    use chrono::SubsecRound;
    now.naive_utc().trunc_subsecs(6)
}

/// One transaction. On SQLite it begins IMMEDIATE: it takes the write lock
/// at the start, waiting out the busy timeout if another process holds it,
/// instead of reading first and failing at once when it later tries to
/// write over a snapshot that another writer has moved on from.
pub fn in_write_transaction<T, E: From<DbError>>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> Result<T, E>,
) -> Result<T, E> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let sql = |e: diesel::result::Error| E::from(DbError::from(e));
    let AnyConnection::Sqlite(sqlite) = conn else {
        return transaction(conn, f);
    };
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE").map_err(sql)?;
    let result = f(conn);
    if let AnyConnection::Sqlite(sqlite) = conn {
        match &result {
            Ok(_) => AnsiTransactionManager::commit_transaction(sqlite).map_err(sql)?,
            Err(_) => AnsiTransactionManager::rollback_transaction(sqlite).map_err(sql)?,
        }
    }
    result
}

/// A transaction, or a savepoint inside one, failing with the caller's error.
pub fn transaction<T, E: From<DbError>>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> Result<T, E>,
) -> Result<T, E> {
    // diesel's `transaction` wants an error it can build from its own; the
    // caller's error passes through it unchanged.
    match conn.transaction(|c| f(c).map_err(Rolled::Caller)) {
        Ok(t) => Ok(t),
        Err(Rolled::Caller(e)) => Err(e),
        Err(Rolled::Diesel(e)) => Err(E::from(DbError::from(e))),
    }
}

enum Rolled<E> {
    Caller(E),
    Diesel(diesel::result::Error),
}

impl<E> From<diesel::result::Error> for Rolled<E> {
    fn from(e: diesel::result::Error) -> Self {
        Rolled::Diesel(e)
    }
}

/// Whether a failed insert broke a unique constraint (a duplicate).
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn a_new_sqlite_database_and_its_folder_are_the_owners_alone() {
        let root = std::env::temp_dir().join(format!("samkjop_db_{:016x}", rand::random::<u64>()));
        let file = root.join("data").join("samkjop.sqlite");
        let db = Db::connect(&format!("sqlite://{}", file.display()), 1).unwrap();
        db.migrate().unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&root.join("data")), 0o700);
        assert_eq!(mode(&file), 0o600);
        let wal = root.join("data").join("samkjop.sqlite-wal");
        assert_eq!(mode(&wal), 0o600, "SQLite's own files follow the database");
        drop(db);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
