//! Alerting never stops silently: the poll loop runs under a supervisor that restarts it when
//! it panics and tells the caller each time, so the user hears "monitoring stopped, restarted"
//! instead of looking at a board that quietly stopped changing.

use std::future::Future;
use std::time::Duration;

/// The loop panicked and is being started again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restart {
    /// How many times it has been restarted so far, this one included.
    pub count: u32,
    /// The panic's message, when it had one.
    pub reason: String,
}

/// Runs `start()` on its own task; when it panics, calls `on_restart` and starts it again after
/// a pause that doubles from `first_pause` up to a minute (a loop that panics at once is not
/// restarted in a tight loop). Returns when the task ends without panicking or is cancelled.
pub async fn supervise<F, Fut>(
    mut start: F,
    mut on_restart: impl FnMut(Restart),
    first_pause: Duration,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut count = 0_u32;
    let mut pause = first_pause;
    loop {
        match tokio::spawn(start()).await {
            Ok(()) => return,
            Err(error) if error.is_panic() => {
                count = count.saturating_add(1);
                let reason = panic_message(error.into_panic());
                tracing::error!(count, %reason, "alert poller panicked; restarting it");
                on_restart(Restart { count, reason });
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(60));
            }
            Err(_cancelled) => return,
        }
    }
}

/// The e2e's way to make one poll round panic: when the file this variable names exists, the
/// next round removes it and panics. Read only by debug builds (the e2e runs one), so a release
/// build has no such switch.
pub const PANIC_TRIGGER_ENV: &str = "HINOMI_TEST_PANIC_NEXT_POLL";

/// Called at the start of each poll round (see [`PANIC_TRIGGER_ENV`]).
pub fn panic_if_asked() {
    #[cfg(debug_assertions)]
    if let Some(trigger) = std::env::var_os(PANIC_TRIGGER_ENV) {
        panic_if_triggered(std::path::Path::new(&trigger));
    }
}

/// Panics once per creation of `trigger`: it is removed first, so the restarted loop runs on.
#[cfg(debug_assertions)]
fn panic_if_triggered(trigger: &std::path::Path) {
    if std::fs::remove_file(trigger).is_ok() {
        panic!(
            "test hook: {} asked this poll round to panic",
            trigger.display()
        );
    }
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// The test hook: a loop that panics on its first two runs and then ends normally.
    #[tokio::test(start_paused = true)]
    async fn a_panicking_loop_is_restarted_and_each_restart_is_told() {
        let runs = Arc::new(AtomicU32::new(0));
        let mut told = Vec::new();
        let began = tokio::time::Instant::now();
        supervise(
            || {
                let runs = runs.clone();
                async move {
                    let run = runs.fetch_add(1, Ordering::SeqCst) + 1;
                    if run <= 2 {
                        panic!("poll round {run} failed");
                    }
                }
            },
            |restart| told.push(restart),
            Duration::from_secs(1),
        )
        .await;
        assert_eq!(runs.load(Ordering::SeqCst), 3);
        assert_eq!(
            told,
            [
                Restart {
                    count: 1,
                    reason: "poll round 1 failed".into()
                },
                Restart {
                    count: 2,
                    reason: "poll round 2 failed".into()
                },
            ]
        );
        // Paused 1 s, then 2 s: backing off, on tokio's paused clock.
        assert_eq!(began.elapsed(), Duration::from_secs(3));
    }

    #[tokio::test]
    async fn a_loop_that_ends_normally_is_not_restarted() {
        let mut told = 0;
        supervise(|| async {}, |_| told += 1, Duration::from_secs(1)).await;
        assert_eq!(told, 0);
    }

    /// The e2e's trigger file: one panic, told, then the restarted loop goes on.
    #[cfg(debug_assertions)]
    #[tokio::test(start_paused = true)]
    async fn the_test_trigger_panics_one_round_only() {
        let dir = tempfile::tempdir().unwrap();
        let trigger = dir.path().join("panic-next-poll");
        std::fs::write(&trigger, b"").unwrap();
        let rounds = Arc::new(AtomicU32::new(0));
        let mut told = Vec::new();
        supervise(
            || {
                let (rounds, trigger) = (rounds.clone(), trigger.clone());
                async move {
                    rounds.fetch_add(1, Ordering::SeqCst);
                    panic_if_triggered(&trigger);
                }
            },
            |restart| told.push(restart),
            Duration::from_secs(1),
        )
        .await;
        assert_eq!(rounds.load(Ordering::SeqCst), 2);
        assert_eq!(told.len(), 1);
        assert!(told[0].reason.starts_with("test hook:"), "{:?}", told[0]);
        assert!(!trigger.exists());
    }
}
