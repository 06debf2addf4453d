//! A typed log-source path is read only after the person says so in a native dialog.
//!
//! Why: the web view can hand any path to `add_local_log_source` or `save_settings`. The Rust
//! rule (`hinomi_core::path_policy::LogSourceRule`) already refuses system files and Hinomi's own
//! folders, but a page made to run script could still point Hinomi at, say, a spreadsheet in the
//! home folder and read it back through search. Paths dropped on the window or picked in the
//! system's chooser come from the OS, not the page, and are granted without a question
//! (`FilesState::grant_log_paths`). Anything else is named in a dialog that Rust opens and the
//! page can neither draw nor click, and is added only when the person agrees.

use super::files::FilesState;
use hinomi_core::texts::user_lang::say;
use hinomi_core::texts::{Lang, Message};
use hinomi_core::{ErrorCode, HinomiError};
use std::path::PathBuf;
use tauri::Manager;

/// The e2e's stand-in for the person at the dialog: a file holding `accept` or `refuse`, read
/// at each question; each question's text is appended to the same path plus `.asked`. Read only
/// by debug builds (the e2e runs one), so a release build always shows the real dialog; set
/// empty, a debug build shows it too.
#[cfg(debug_assertions)]
pub const ANSWER_FILE_ENV: &str = "HINOMI_TEST_LOG_PATH_ANSWER";

/// Asks about the paths not granted yet; they are granted when the person agrees. Refused (or
/// the dialog closed) is a `path_refused` error naming them, and nothing is added.
pub async fn confirm_typed_log_paths(
    app: &tauri::AppHandle,
    ungranted: Vec<PathBuf>,
) -> Result<(), HinomiError> {
    if ungranted.is_empty() {
        return Ok(());
    }
    let question = Question::new(&ungranted, crate::state::desktop_lang(app));
    if !ask(app, question).await {
        tracing::info!(paths = ?ungranted, "typed log paths not confirmed");
        return Err(HinomiError::new(
            ErrorCode::PathRefused,
            say(
                format!(
                    "Not added: reading {} was not confirmed.",
                    listed(&ungranted, ", ")
                ),
                format!(
                    "追加しませんでした: {} の読み込みが確認されませんでした。",
                    listed(&ungranted, ", ")
                ),
            ),
        ));
    }
    tracing::info!(paths = ?ungranted, "typed log paths confirmed");
    app.state::<FilesState>().grant_log_paths(ungranted);
    Ok(())
}

/// The dialog's words, in the app's language.
#[derive(Debug, PartialEq)]
struct Question {
    title: String,
    body: String,
    accept: String,
    cancel: String,
}

impl Question {
    fn new(paths: &[PathBuf], lang: Lang) -> Self {
        let paths = listed(paths, "\n");
        Self {
            title: Message::LogPathsTitle.text(lang),
            body: Message::LogPathsBody { paths: &paths }.text(lang),
            accept: Message::LogPathsAccept.text(lang),
            cancel: Message::LogPathsCancel.text(lang),
        }
    }
}

fn listed(paths: &[PathBuf], separator: &str) -> String {
    paths
        .iter()
        .map(|path| path.display().to_string())
        .collect::<Vec<_>>()
        .join(separator)
}

async fn ask(app: &tauri::AppHandle, question: Question) -> bool {
    #[cfg(debug_assertions)]
    if let Some(file) = std::env::var_os(ANSWER_FILE_ENV).filter(|file| !file.is_empty()) {
        return answer_from_file(std::path::Path::new(&file), &question);
    }
    use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
    let (answer_tx, answer) = tokio::sync::oneshot::channel();
    let mut dialog = app
        .dialog()
        .message(question.body)
        .title(question.title)
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom(
            question.accept,
            question.cancel,
        ));
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.parent(&window);
    }
    dialog.show(move |accepted| {
        let _ = answer_tx.send(accepted);
    });
    answer.await.unwrap_or(false)
}

#[cfg(debug_assertions)]
fn answer_from_file(file: &std::path::Path, question: &Question) -> bool {
    use std::io::Write;
    let mut asked = file.as_os_str().to_owned();
    asked.push(".asked");
    if let Ok(mut log) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&asked)
    {
        let _ = writeln!(log, "{}\n{}\n---", question.title, question.body);
    }
    std::fs::read_to_string(file).is_ok_and(|answer| answer.trim() == "accept")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_names_every_path_in_the_apps_language() {
        let paths = [PathBuf::from("/srv/app.log"), PathBuf::from("/srv/old")];
        let en = Question::new(&paths, Lang::En);
        assert_eq!(en.title, "Read these log files?");
        assert!(en.body.contains("/srv/app.log\n/srv/old"), "{}", en.body);
        assert_eq!(
            (en.accept.as_str(), en.cancel.as_str()),
            ("Read them", "Cancel")
        );
        let ja = Question::new(&paths, Lang::Ja);
        assert!(ja.body.contains("/srv/app.log\n/srv/old"), "{}", ja.body);
        assert_eq!(ja.accept, "読み込む");
    }

    #[test]
    fn the_test_answer_file_says_yes_only_for_accept_and_records_each_question() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("answer");
        let question = Question::new(&[PathBuf::from("/srv/app.log")], Lang::En);
        assert!(!answer_from_file(&file, &question), "no file: no");
        std::fs::write(&file, "refuse\n").unwrap();
        assert!(!answer_from_file(&file, &question));
        std::fs::write(&file, "accept\n").unwrap();
        assert!(answer_from_file(&file, &question));
        let asked = std::fs::read_to_string(dir.path().join("answer.asked")).unwrap();
        assert_eq!(asked.matches("Read these log files?").count(), 3);
        assert!(asked.contains("/srv/app.log"));
    }
}
