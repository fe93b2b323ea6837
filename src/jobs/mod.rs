//! Background work: the scheduled jobs (tokio-cron-scheduler) and the
//! outbox worker, started with the server and stopped with it.
//!
//! Every instance of the server fires every cron tick; a job body runs only
//! where `db::job_runs::claim(job, slot)` succeeds, so a slot runs once
//! across all instances sharing a database.
//!
//! To add a job, push a `JobSpec` in `registered`.

pub mod slot;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Timelike, Utc};
use tokio::sync::{oneshot, watch};
use tokio_cron_scheduler::{Job, JobScheduler};

use crate::clock::Clock;
use crate::config::Config;
use crate::db::{job_runs, AnyConnection, Db};
use crate::email::{self, Mailer};
use crate::error::AppResult;
use crate::flows::invitations::Links;
use crate::flows::{deadlines, follow_up};

/// The jobs this application runs on every instance.
pub fn registered(config: &Config) -> Vec<JobSpec> {
    let thresholds = config.thresholds.clone();
    let follow_up_rules = config.clauses.follow_up;
    let links = Links {
        keys: config.signing_keys(),
        public_url: config.public_url.clone(),
    };
    vec![
        // "Closes within a minute" of the deadline.
        JobSpec::in_transaction(
            "close_at_deadline",
            "0 * * * * *",
            slot::minute,
            move |c, now| deadlines::close_due(c, now, &thresholds).map(|_| ()),
        ),
        // 08:00 in Oslo is 07:00 or 06:00 UTC by the season: both are tried,
        // and the one that is eight o'clock in Oslo sends.
        JobSpec::in_transaction(
            "reminders",
            "0 0 6,7 * * *",
            slot::oslo_hour,
            move |c, now| {
                if now.with_timezone(&chrono_tz::Europe::Oslo).hour() == 8 {
                    deadlines::send_reminders(c, now, &links)?;
                }
                Ok(())
            },
        ),
        JobSpec::in_transaction(
            "mandate_warnings",
            "0 30 * * * *",
            slot::oslo_date,
            |c, now| deadlines::warn_expiring_mandates(c, now).map(|_| ()),
        ),
        // Contract follow-up at 08:00 in Oslo, as the reminders.
        JobSpec::in_transaction(
            "follow_up_reminders",
            "0 0 6,7 * * *",
            slot::oslo_hour,
            move |c, now| {
                if now.with_timezone(&chrono_tz::Europe::Oslo).hour() == 8 {
                    follow_up::send_reminders(c, now, follow_up_rules)?;
                }
                Ok(())
            },
        ),
    ]
}

type AsyncBody =
    dyn Fn(Db, DateTime<Utc>) -> Pin<Box<dyn Future<Output = AppResult<()>> + Send>> + Send + Sync;
type TransactionBody = dyn Fn(&mut AnyConnection, DateTime<Utc>) -> AppResult<()> + Send + Sync;

#[derive(Clone)]
enum Body {
    Async(Arc<AsyncBody>),
    InTransaction(Arc<TransactionBody>),
}

/// A scheduled job: when it fires, which run a firing belongs to, and what it does.
#[derive(Clone)]
pub struct JobSpec {
    /// Stable: it is the key in `job_runs`.
    pub name: &'static str,
    /// Six fields, seconds first, in UTC: `"0 0 6 * * *"` is 06:00 UTC daily.
    pub schedule: String,
    /// Maps the firing time (whole seconds, UTC) to the run it belongs to;
    /// every instance must get the same string for the same run. See `slot`.
    pub slot: fn(DateTime<Utc>) -> String,
    body: Body,
}

impl JobSpec {
    /// A job whose body runs in one transaction together with its claim:
    /// its writes (emails enqueued included) and the claim land together,
    /// and a failed run leaves the slot free for the next tick. The choice
    /// for jobs that only touch the database.
    pub fn in_transaction<F>(
        name: &'static str,
        schedule: &str,
        slot: fn(DateTime<Utc>) -> String,
        body: F,
    ) -> JobSpec
    where
        F: Fn(&mut AnyConnection, DateTime<Utc>) -> AppResult<()> + Send + Sync + 'static,
    {
        JobSpec {
            name,
            schedule: schedule.to_string(),
            slot,
            body: Body::InTransaction(Arc::new(body)),
        }
    }

    /// A job with an async body: the claim is committed first, the body
    /// runs after, and the claim is given back if the body fails.
    pub fn new<F, Fut>(
        name: &'static str,
        schedule: &str,
        slot: fn(DateTime<Utc>) -> String,
        body: F,
    ) -> JobSpec
    where
        F: Fn(Db, DateTime<Utc>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = AppResult<()>> + Send + 'static,
    {
        JobSpec {
            name,
            schedule: schedule.to_string(),
            slot,
            body: Body::Async(Arc::new(move |db, now| Box::pin(body(db, now)))),
        }
    }
}

/// Claims the job's slot for `now` and, when this instance got it, runs the
/// body. Returns whether the body ran. What the scheduler calls on each
/// tick; tests and manual triggers may call it directly.
pub async fn run_once(db: &Db, job: &JobSpec, now: DateTime<Utc>) -> AppResult<bool> {
    let name = job.name;
    let slot = (job.slot)(now);
    match &job.body {
        Body::InTransaction(body) => {
            let body = body.clone();
            db.write(move |c| {
                if !job_runs::claim(c, name, &slot)? {
                    return Ok(false);
                }
                body(c, now).map(|()| true)
            })
            .await
        }
        Body::Async(body) => {
            let claim_slot = slot.clone();
            if !db
                .write(move |c| job_runs::claim(c, name, &claim_slot))
                .await?
            {
                return Ok(false);
            }
            match body(db.clone(), now).await {
                Ok(()) => Ok(true),
                Err(e) => {
                    if let Err(release) = db.write(move |c| job_runs::release(c, name, &slot)).await
                    {
                        tracing::error!(job = name, error = %release, "cannot give the slot back");
                    }
                    Err(e)
                }
            }
        }
    }
}

/// The cron scheduler, on a thread of its own with its own multi-threaded
/// tokio runtime: tokio-cron-scheduler wants one, and the server may run on
/// actix's single-threaded runtime (as the tests do). Dropping it stops it.
pub struct Scheduler {
    stop: watch::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Scheduler {
    /// Starts the jobs; fails on a schedule that does not parse.
    pub async fn start(db: Db, jobs: Vec<JobSpec>, clock: Clock) -> Result<Scheduler, String> {
        let (stop, stopped) = watch::channel(());
        let (ready, started) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("samkjop-jobs".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .thread_name("samkjop-jobs")
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready.send(Err(format!("cannot start the job runtime: {e}")));
                        return;
                    }
                };
                runtime.block_on(run_scheduler(db, jobs, clock, ready, stopped));
                // A job stuck in a database call must not hold the process.
                runtime.shutdown_timeout(Duration::from_secs(5));
            })
            .map_err(|e| format!("cannot start the job thread: {e}"))?;
        started
            .await
            .map_err(|_| "the job thread ended while starting".to_string())??;
        Ok(Scheduler { stop, thread })
    }

    /// Stops the scheduler and waits for its thread, running jobs included.
    pub async fn stop(self) {
        drop(self.stop);
        let thread = self.thread;
        let _ = tokio::task::spawn_blocking(move || thread.join()).await;
    }
}

async fn run_scheduler(
    db: Db,
    jobs: Vec<JobSpec>,
    clock: Clock,
    ready: oneshot::Sender<Result<(), String>>,
    mut stopped: watch::Receiver<()>,
) {
    let mut scheduler = match schedule_all(db, jobs, clock).await {
        Ok(s) => s,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let _ = ready.send(Ok(()));
    // Ends when the `Scheduler` handle is dropped or stopped.
    let _ = stopped.changed().await;
    if let Err(e) = scheduler.shutdown().await {
        tracing::warn!(error = %e, "the job scheduler did not shut down cleanly");
    }
}

async fn schedule_all(db: Db, jobs: Vec<JobSpec>, clock: Clock) -> Result<JobScheduler, String> {
    let scheduler = JobScheduler::new()
        .await
        .map_err(|e| format!("cannot create the job scheduler: {e}"))?;
    for job in jobs {
        let name = job.name;
        let schedule = job.schedule.clone();
        let db = db.clone();
        let clock = clock.clone();
        let cron = Job::new_async(schedule.as_str(), move |_id, _scheduler| {
            let db = db.clone();
            let job = job.clone();
            let clock = clock.clone();
            Box::pin(async move {
                // The tick comes in real time; what the job decides (its
                // slot, what is due) goes by the application's clock. Whole
                // seconds: the tick itself, give or take the scheduler's
                // half-second polling.
                let now = clock.now().trunc_subsecs(0);
                match run_once(&db, &job, now).await {
                    Ok(true) => tracing::info!(job = job.name, "job ran"),
                    Ok(false) => tracing::debug!(job = job.name, "job slot taken elsewhere"),
                    Err(e) => tracing::error!(job = job.name, error = %e, "job failed"),
                }
            })
        })
        .map_err(|e| format!("job '{name}': schedule '{schedule}': {e}"))?;
        scheduler
            .add(cron)
            .await
            .map_err(|e| format!("job '{name}': {e}"))?;
    }
    scheduler
        .start()
        .await
        .map_err(|e| format!("cannot start the job scheduler: {e}"))?;
    Ok(scheduler)
}

/// The outbox worker and the scheduler of one server, stopped together.
pub struct Background {
    stop: watch::Sender<()>,
    worker: Option<tokio::task::JoinHandle<()>>,
    scheduler: Option<Scheduler>,
}

impl Background {
    /// Starts the outbox worker on the current runtime (unless
    /// `outbox_interval_ms` is 0) and, when there are jobs, the scheduler.
    pub async fn start(
        db: &Db,
        config: &Config,
        jobs: Vec<JobSpec>,
        clock: &Clock,
    ) -> Result<Background, String> {
        let mailer = Arc::new(Mailer::from_config(config)?);
        let (stop, stopped) = watch::channel(());
        let worker = (config.outbox_interval_ms > 0).then(|| {
            email::spawn_worker(
                db.clone(),
                mailer,
                Duration::from_millis(config.outbox_interval_ms),
                stopped,
                clock.clone(),
            )
        });
        let scheduler = if jobs.is_empty() {
            None
        } else {
            Some(Scheduler::start(db.clone(), jobs, clock.clone()).await?)
        };
        Ok(Background {
            stop,
            worker,
            scheduler,
        })
    }

    /// Stops both, letting a pump that is sending finish (a message sent
    /// but not yet marked would go out again after its lease), and waits
    /// for the scheduler's running jobs.
    pub async fn stop(self) {
        drop(self.stop);
        if let Some(worker) = self.worker {
            let _ = tokio::time::timeout(Duration::from_secs(60), worker).await;
        }
        if let Some(s) = self.scheduler {
            s.stop().await;
        }
    }
}
