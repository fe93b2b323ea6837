//! Runs of scheduled jobs. The primary key `(job, slot)` is the lock: every
//! server instance fires the same cron tick, and the one whose insert lands
//! runs the job for that slot.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::job_runs;
use super::DbResult;
use super::{now, AnyConnection};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = job_runs)]
pub struct JobRun {
    pub job: String,
    pub slot: String,
    pub claimed_at: NaiveDateTime,
    pub instance: String,
}

/// Claims `(job, slot)` for this process; false when it is already taken.
/// Inside a transaction the claim commits or rolls back with it, and another
/// instance inserting the same key waits for that outcome.
pub fn claim(conn: &mut AnyConnection, job: &str, slot: &str) -> DbResult<bool> {
    let row = (
        job_runs::job.eq(job),
        job_runs::slot.eq(slot),
        job_runs::claimed_at.eq(now()),
        job_runs::instance.eq(instance_id()),
    );
    // ON CONFLICT DO NOTHING rather than catching the unique violation: on
    // PostgreSQL an error would abort the caller's whole transaction.
    let inserted = per_backend!(conn, |c| diesel::insert_into(job_runs::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}

/// Gives a claim back, so that a later tick in the same slot can try again.
pub fn release(conn: &mut AnyConnection, job: &str, slot: &str) -> DbResult<()> {
    diesel::delete(
        job_runs::table
            .filter(job_runs::job.eq(job))
            .filter(job_runs::slot.eq(slot))
            .filter(job_runs::instance.eq(instance_id())),
    )
    .execute(conn)?;
    Ok(())
}

pub fn list(conn: &mut AnyConnection, job: &str) -> DbResult<Vec<JobRun>> {
    Ok(job_runs::table
        .select(JobRun::as_select())
        .filter(job_runs::job.eq(job))
        .order(job_runs::slot.asc())
        .load(conn)?)
}

/// Names this process in `job_runs.instance`: the host, the process and a
/// random part, for an operator asking which instance ran what.
pub fn instance_id() -> &'static str {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let host = std::env::var("HOSTNAME")
            .ok()
            .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "unknown-host".into());
        let random = uuid::Uuid::new_v4().simple().to_string();
        format!("{host}/{}/{}", std::process::id(), &random[..8])
    })
}
