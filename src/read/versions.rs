//! The procurement versions the public reads check, read in batches.
//!
//! Every public read (lot division, supplier page, OCDS) asks the database
//! for the procurement's `(status, event_seq)` before it answers from the
//! render cache or with a 304: the database's counter is what keeps several
//! instances from serving a stale answer. One primary-key read per request
//! made that read the bound of every cached answer, well below what the
//! server does without a database (issue 14).
//!
//! So requests that arrive while a read is running wait for the next read,
//! which fetches all their ids in one query (the group commit of reads).
//! No answer is older than its request: a request's ids are read by a query
//! that starts after the request arrived, so it sees every change committed
//! before. Alone, a request is read at once, as before; under load, one
//! round trip answers every request that came in during the previous one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::oneshot;

use crate::db::{self, procurements, Db, DbError};
use crate::domain::contract::ProcurementStatus;

type Version = Option<(ProcurementStatus, i64)>;
type Waiter = (String, oneshot::Sender<Result<Version, Arc<String>>>);

/// Ids read in one query at most; the rest wait for the next one.
const BATCH: usize = 500;

#[derive(Default)]
pub struct VersionReader {
    queue: Arc<Mutex<Queue>>,
}

#[derive(Default)]
struct Queue {
    waiting: Vec<Waiter>,
    reading: bool,
}

impl VersionReader {
    /// The procurement's status and `event_seq` as committed when this was
    /// called, or `None` for an unknown id.
    pub async fn version(&self, db: &Db, id: &str) -> Result<Version, DbError> {
        let (tx, rx) = oneshot::channel();
        let start = {
            let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            queue.waiting.push((id.to_string(), tx));
            !std::mem::replace(&mut queue.reading, true)
        };
        if start {
            // Its own task: a request that goes away must not strand the others.
            tokio::spawn(read_until_empty(self.queue.clone(), db.clone()));
        }
        match rx.await {
            Ok(answer) => answer.map_err(|cause| DbError::Other(cause.to_string())),
            Err(_) => Err(DbError::Other("the version read was lost".into())),
        }
    }
}

/// Hands `reading` back if the reader is lost (its task cancelled at
/// shutdown), failing the requests still waiting rather than leaving them
/// and every later request waiting for a reader that never comes.
struct Reading {
    queue: Arc<Mutex<Queue>>,
    finished: bool,
}

impl Drop for Reading {
    fn drop(&mut self) {
        if !self.finished {
            let mut q = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            q.waiting.clear();
            q.reading = false;
        }
    }
}

async fn read_until_empty(queue: Arc<Mutex<Queue>>, db: Db) {
    let mut reading = Reading {
        queue: queue.clone(),
        finished: false,
    };
    loop {
        let batch: Vec<Waiter> = {
            let mut q = queue.lock().unwrap_or_else(PoisonError::into_inner);
            if q.waiting.is_empty() {
                q.reading = false;
                reading.finished = true;
                return;
            }
            let take = q.waiting.len().min(BATCH);
            q.waiting.drain(..take).collect()
        };
        let mut ids: Vec<String> = batch.iter().map(|(id, _)| id.clone()).collect();
        ids.sort_unstable();
        ids.dedup();
        let found: Result<HashMap<String, (ProcurementStatus, i64)>, Arc<String>> = db
            .read(move |c| procurements::versions(c, &ids))
            .await
            .map_err(|e: db::DbError| Arc::new(e.to_string()));
        for (id, tx) in batch {
            let answer = match &found {
                Ok(versions) => Ok(versions.get(&id).copied()),
                Err(cause) => Err(cause.clone()),
            };
            // A request that went away no longer listens; nothing is lost.
            let _ = tx.send(answer);
        }
    }
}
