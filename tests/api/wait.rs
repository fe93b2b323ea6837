//! Waiting on what no test clock or outbox drain can bring about: another
//! process (the SMTP peer, chromedriver, a server child, Chromium) or a worker
//! of another instance, none of which says when it is done. Every such wait
//! looks again at a condition until a deadline; this is the only place the
//! suite pauses.

use std::time::Duration;

/// How long to let the other side work before looking again.
pub const POLL: Duration = Duration::from_millis(50);

/// One poll interval, for a loop that looks at its condition again.
pub async fn pause() {
    // A fixed pause, on purpose: the other side has no event to wait on.
    tokio::time::sleep(POLL).await;
}

/// `pause`, after failing the test with `what` once `deadline` has passed.
pub async fn again(deadline: tokio::time::Instant, what: impl FnOnce() -> String) {
    assert!(tokio::time::Instant::now() < deadline, "{}", what());
    pause().await;
}

/// `pause` for a thread that is not in the runtime (a child process's wait).
pub fn pause_blocking() {
    // A fixed pause, on purpose: `Child::try_wait` has no blocking form with a deadline.
    std::thread::sleep(POLL);
}
