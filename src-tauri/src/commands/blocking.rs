//! The one way commands run blocking work (disk, keyring/D-Bus, SQLite, a lock held across
//! I/O): on the async runtime's blocking pool, so neither the main thread (where Tauri runs
//! synchronous commands) nor an async worker waits on it.

use hinomi_core::HinomiError;
use hinomi_core::texts::user_lang::say;

/// Runs `work` on the blocking pool. A task that panics or is cancelled becomes an `internal`
/// error instead of taking the command (and its answer to the UI) down with it.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, HinomiError> + Send + 'static,
) -> Result<T, HinomiError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|err| {
            HinomiError::internal(say(
                format!("background task failed: {err}"),
                format!("バックグラウンドの処理が失敗しました: {err}"),
            ))
        })?
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinomi_core::ErrorCode;

    fn run<T: Send + 'static>(
        work: impl FnOnce() -> Result<T, HinomiError> + Send + 'static,
    ) -> Result<T, HinomiError> {
        tauri::async_runtime::block_on(blocking(work))
    }

    #[test]
    fn the_answer_comes_back() {
        assert_eq!(run(|| Ok(42)).unwrap(), 42);
    }

    #[test]
    fn the_error_comes_back_as_it_was() {
        let err = run(|| Err::<(), _>(HinomiError::new(ErrorCode::NotFound, "no such dashboard")))
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound);
        assert_eq!(err.message, "no such dashboard");
    }

    #[test]
    fn a_panic_is_an_internal_error() {
        let err =
            run(|| -> Result<(), HinomiError> { panic!("the disk caught fire") }).unwrap_err();
        assert_eq!(err.code, ErrorCode::Internal);
        assert!(
            err.message.contains("background task failed"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_panic_is_worded_in_japanese_with_the_same_code() {
        use hinomi_core::texts::{Lang, user_lang::with};
        let err = with(Lang::Ja, || {
            run(|| -> Result<(), HinomiError> { panic!("the disk caught fire") }).unwrap_err()
        });
        assert_eq!(err.code, ErrorCode::Internal);
        assert!(
            err.message
                .starts_with("バックグラウンドの処理が失敗しました: "),
            "{}",
            err.message
        );
    }

    #[test]
    fn work_runs_off_the_calling_thread() {
        let caller = std::thread::current().id();
        let worker = run(|| Ok(std::thread::current().id())).unwrap();
        assert_ne!(worker, caller);
    }
}
