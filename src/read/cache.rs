//! Rendered answers kept for as long as the procurement they show does not
//! change.
//!
//! The lot division of a national procurement sums some 35 700 volume
//! lines, and suppliers ask for it far more often than it changes; after
//! publishing it changes only when the procurement is cancelled or awarded.
//! So an answer is rendered once and kept in a `RenderCache`, keyed by the
//! procurement's id and its `event_seq`, which every change of the
//! procurement increments (each change appends to its audit trail). A
//! request costs a read of (status, event_seq), batched with the others
//! that arrive with it (`read::versions`); a changed
//! procurement simply misses the cache. The key is the database's own
//! counter, so several instances behind one load balancer never serve a
//! stale answer, each keeping its own copy. Each answer is kept with its
//! gzip and brotli variants (`http_cache::Encoded`), compressed once when
//! stored, and the `event_seq` doubles as its `ETag`.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use actix_web::web::{self, Bytes};

use crate::error::AppResult;
use crate::http_cache::Encoded;

/// Rendered answers of published procurements, valid for one `event_seq`.
/// Bounded: when full, the entry stored longest ago makes room.
pub struct RenderCache {
    entries: RwLock<HashMap<String, Entry>>,
    stored: AtomicU64,
    capacity: usize,
}

struct Entry {
    seq: i64,
    body: Arc<Encoded>,
    stored: u64,
}

impl RenderCache {
    pub fn new(capacity: usize) -> RenderCache {
        RenderCache {
            entries: RwLock::new(HashMap::new()),
            stored: AtomicU64::new(0),
            capacity: capacity.max(1),
        }
    }

    pub fn get(&self, id: &str, seq: i64) -> Option<Arc<Encoded>> {
        // A poisoned lock only means a writer panicked: the map is still whole.
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        entries
            .get(id)
            .filter(|e| e.seq == seq)
            .map(|e| e.body.clone())
    }

    pub fn put(&self, id: &str, seq: i64, body: Arc<Encoded>) {
        let stored = self.stored.fetch_add(1, Ordering::Relaxed);
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity && !entries.contains_key(id) {
            let oldest = entries
                .iter()
                .min_by_key(|(_, e)| e.stored)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                entries.remove(&k);
            }
        }
        // Two requests that missed together may both store; keep the newer state.
        match entries.get(id) {
            Some(e) if e.seq > seq => {}
            _ => {
                entries.insert(id.to_string(), Entry { seq, body, stored });
            }
        }
    }

    /// The answer stored for `key` at `seq`, or else the one `render`
    /// makes: it answers the `event_seq` of the data it loaded (never older
    /// than that data, so a change in between only costs the next request a
    /// miss) and the plain bytes, which are compressed off the async workers
    /// and stored under that seq. Renders take turns (`render_turn`); a
    /// request whose answer another stored while it waited takes that one.
    pub async fn get_or_render<Fut>(
        &self,
        key: &str,
        seq: i64,
        render: impl FnOnce() -> Fut,
    ) -> AppResult<(i64, Arc<Encoded>)>
    where
        Fut: Future<Output = AppResult<(i64, Bytes)>>,
    {
        if let Some(body) = self.get(key, seq) {
            return Ok((seq, body));
        }
        let _turn = render_turn().await;
        if let Some(body) = self.get(key, seq) {
            return Ok((seq, body));
        }
        let (seq, plain) = render().await?;
        // Brotli of a national page takes tens of milliseconds.
        let body = Arc::new(web::block(move || Encoded::new(plain)).await?);
        self.put(key, seq, body.clone());
        Ok((seq, body))
    }

    pub fn len(&self) -> usize {
        self.entries.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Renders one answer at a time per process, for every cache
/// (`RenderCache::get_or_render` takes the turn). A miss loads a
/// whole procurement (35 700 volume lines at national scale) and compresses
/// its answer, tens of megabytes of working memory with brotli's encoder; when
/// a popular answer changes, every request that arrives before it is stored
/// misses at once. Taking turns, the first renders and the others find its
/// answer when their turn comes (they check the cache again), so a burst
/// costs one render and the memory of one.
async fn render_turn() -> tokio::sync::SemaphorePermit<'static> {
    static TURN: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);
    // The semaphore is never closed, so acquiring cannot fail.
    match TURN.acquire().await {
        Ok(permit) => permit,
        Err(_) => unreachable!("the render turn is never closed"),
    }
}

/// Per answer: a lot division is some kilobytes of JSON per lot, so a few
/// hundred procurements stay within a few tens of megabytes.
pub const CACHED_PROCUREMENTS: usize = 256;

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::web::Bytes;

    fn body(b: &'static [u8]) -> Arc<Encoded> {
        Arc::new(Encoded::new(Bytes::from_static(b)))
    }

    #[test]
    fn the_cache_answers_only_for_the_seq_it_holds_and_stays_bounded() {
        let cache = RenderCache::new(2);
        cache.put("a", 3, body(b"a3"));
        assert_eq!(
            cache.get("a", 3).map(|e| e.plain.clone()).as_deref(),
            Some(&b"a3"[..])
        );
        assert!(cache.get("a", 4).is_none(), "a changed procurement misses");
        cache.put("a", 4, body(b"a4"));
        cache.put("a", 3, body(b"late"));
        assert_eq!(
            cache.get("a", 4).map(|e| e.plain.clone()).as_deref(),
            Some(&b"a4"[..]),
            "an older state never replaces a newer one"
        );
        cache.put("b", 1, body(b"b1"));
        cache.put("c", 1, body(b"c1"));
        assert_eq!(cache.len(), 2);
        assert!(cache.get("a", 4).is_none(), "the oldest entry made room");
        assert!(cache.get("c", 1).is_some());
    }
}
