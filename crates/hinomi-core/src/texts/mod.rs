//! Every piece of text the desktop shell shows itself, in English and Japanese: notification
//! titles, bodies and buttons, the tray's tooltip and menu, the notices about alerting itself,
//! incident response-target warnings and the native log-path dialog.
//!
//! Why one catalogue here: the UI has its own message files, but notifications, the tray and
//! native dialogs are drawn by Rust, from the shell and from GUI-free crates (incidents word
//! their own warnings). Keeping both languages of a message side by side in one place means a
//! message cannot be added in one language only, and no caller holds translations of its own.
//! Callers pass plain values (names, counts, severities as text), so this crate needs none of
//! theirs.

use crate::settings::Language;

/// The language desktop text is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ja,
}

impl Lang {
    /// The settings' language; for "follow the system", Japanese when the system locale
    /// (BCP 47, e.g. `ja-JP`) is Japanese, else English.
    pub fn resolve(language: Language, system_locale: Option<&str>) -> Self {
        match language {
            Language::Ja => Self::Ja,
            Language::En => Self::En,
            Language::System if system_locale.is_some_and(|l| l.starts_with("ja")) => Self::Ja,
            Language::System => Self::En,
        }
    }
}

/// The language of the messages Hinomi words itself in errors (`HinomiError::message`).
///
/// Why process-wide: an error is worded where a crate's own error becomes the UI's shape, often
/// through `?` deep in a command, where no settings are at hand. The shell publishes the
/// language whenever the settings in force change ([`user_lang::set`]); a thread may override
/// it for a while ([`user_lang::with`]) so tests of both languages can run side by side.
pub mod user_lang {
    use super::Lang;
    use std::cell::Cell;
    use std::sync::atomic::{AtomicBool, Ordering};

    static JAPANESE: AtomicBool = AtomicBool::new(false);

    thread_local! {
        static OVERRIDE: Cell<Option<Lang>> = const { Cell::new(None) };
    }

    /// The language errors are worded in now: this thread's override, else the published one.
    pub fn current() -> Lang {
        OVERRIDE
            .with(Cell::get)
            .unwrap_or(if JAPANESE.load(Ordering::Relaxed) {
                Lang::Ja
            } else {
                Lang::En
            })
    }

    /// Called by the shell when the settings in force change.
    pub fn set(lang: Lang) {
        JAPANESE.store(lang == Lang::Ja, Ordering::Relaxed);
    }

    /// Runs `f` with errors worded in `lang` on this thread only.
    pub fn with<T>(lang: Lang, f: impl FnOnce() -> T) -> T {
        let previous = OVERRIDE.with(|cell| cell.replace(Some(lang)));
        let out = f();
        OVERRIDE.with(|cell| cell.set(previous));
        out
    }

    /// One of two wordings of a message, in [`current`]'s language. Both are written at the
    /// call, so a message cannot exist in one language only.
    pub fn say(en: impl Into<String>, ja: impl Into<String>) -> String {
        match current() {
            Lang::En => en.into(),
            Lang::Ja => ja.into(),
        }
    }
}

/// One message, with what it says filled in. [`Message::text`] words it in a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message<'a> {
    // Alert-group notifications. `name` names the group (its alertname, labels or key),
    // `severity` is the worst severity as Alertmanager spells it (`critical`, …).
    GroupFiring {
        name: &'a str,
        firing: u32,
        severity: &'a str,
    },
    GroupResolved {
        name: &'a str,
    },
    /// A critical group still firing that nobody acknowledged.
    GroupEscalation {
        name: &'a str,
        firing: u32,
        severity: &'a str,
    },
    /// `name`: the datasource, as the settings name it.
    SourceUnreachable {
        name: &'a str,
    },
    SourceRecovered {
        name: &'a str,
    },
    /// A source stopped sending its always-firing Watchdog alert (`alert`, as named by its
    /// labels); `source` as the settings name it.
    WatchdogSilent {
        source: &'a str,
        alert: &'a str,
    },
    /// The source sends it again.
    WatchdogBack {
        source: &'a str,
        alert: &'a str,
    },
    // A notification's buttons.
    ActionOpen,
    ActionAcknowledge,
    ActionCreateIncident,

    // The tray menu.
    TrayOpen,
    TrayPauseHour,
    TrayQuit,
    // The tray tooltip (also the menu's status line): a count, then what is unreachable.
    TrayNoneFiring,
    TrayFiring {
        firing: u32,
        worst: &'a str,
    },
    /// Appended to the tooltip; `last_known` is HH:MM in the user's time zone, `None` when the
    /// sources were never reached.
    TraySourcesUnreachable {
        sources: u32,
        last_known: Option<&'a str>,
    },

    // Notices about alerting itself (desktop notification and the board's banner).
    /// `moved_to`: where the damaged history file now is.
    HistoryRecreated {
        moved_to: &'a str,
    },
    /// `restart`: how many times the poll loop has been restarted, this one included.
    MonitoringRestarted {
        restart: u32,
    },

    // Incident response-target warnings. `severity` is the incident level (P0–P3).
    ResponseTargetOverdue {
        severity: &'a str,
        incident_id: &'a str,
    },
    ResponseTargetUsed {
        severity: &'a str,
        incident_id: &'a str,
        percent: u32,
    },
    /// Not acknowledged, `minutes` left before the target.
    ResponseTargetMinutesLeft {
        title: &'a str,
        minutes: i64,
    },
    /// Not acknowledged, `minutes` past the target.
    ResponseTargetMinutesPast {
        title: &'a str,
        minutes: i64,
    },

    // The native dialog before typed log-source paths are read; `paths` one a line.
    LogPathsTitle,
    LogPathsBody {
        paths: &'a str,
    },
    LogPathsAccept,
    LogPathsCancel,
}

impl Message<'_> {
    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let (en, ja) = self.in_both();
        match lang {
            Lang::En => en,
            Lang::Ja => ja,
        }
    }

    /// English and Japanese, side by side so neither can be forgotten.
    fn in_both(&self) -> (String, String) {
        use Message::*;
        let fixed = |en: &str, ja: &str| (en.to_owned(), ja.to_owned());
        match *self {
            GroupFiring {
                name,
                firing,
                severity,
            } => (
                format!("{name}: {firing} firing ({severity})"),
                format!("{name}: {firing} 件発生中 ({severity})"),
            ),
            GroupResolved { name } => {
                (format!("{name}: resolved"), format!("{name}: 解決しました"))
            }
            GroupEscalation {
                name,
                firing,
                severity,
            } => (
                format!("{name}: still firing, nobody acknowledged ({firing} firing, {severity})"),
                format!("{name}: 未確認のまま発生中 ({firing} 件, {severity})"),
            ),
            SourceUnreachable { name } => (
                format!("Cannot reach {name}"),
                format!("{name} に接続できません"),
            ),
            SourceRecovered { name } => (
                format!("{name} is reachable again"),
                format!("{name} に再び接続できました"),
            ),
            WatchdogSilent { source, alert } => (
                format!("The alert pipeline is silent: no {alert} from {source}"),
                format!("アラートの経路が止まっています: {source} から {alert} が届きません"),
            ),
            WatchdogBack { source, alert } => (
                format!("The alert pipeline works again: {alert} from {source} is back"),
                format!("アラートの経路が復旧しました: {source} から {alert} が再び届いています"),
            ),
            ActionOpen => fixed("Open", "開く"),
            ActionAcknowledge => fixed("Acknowledge", "確認済みにする"),
            ActionCreateIncident => fixed("Create incident", "インシデントを作成"),

            TrayOpen => fixed("Open Hinomi", "Hinomi を開く"),
            TrayPauseHour => fixed("Pause notifications for 1 hour", "通知を 1 時間停止"),
            TrayQuit => fixed("Quit", "終了"),
            TrayNoneFiring => fixed(
                "Hinomi: no alerts firing",
                "Hinomi: 発火中のアラートはありません",
            ),
            TrayFiring { firing, worst } => (
                format!("Hinomi: {firing} firing, worst {worst}"),
                format!("Hinomi: {firing} 件発火中、最も深刻なもの {worst}"),
            ),
            TraySourcesUnreachable {
                sources,
                last_known,
            } => {
                let plural = if sources == 1 { "" } else { "s" };
                match last_known {
                    Some(at) => (
                        format!(" ({sources} source{plural} unreachable, last known {at})"),
                        format!("（{sources} 件のソースに接続できません、最終確認 {at}）"),
                    ),
                    None => (
                        format!(" ({sources} source{plural} unreachable, never reached)"),
                        format!("（{sources} 件のソースに接続できません、未接続）"),
                    ),
                }
            }

            HistoryRecreated { moved_to } => (
                format!(
                    "The alert history file was damaged; it was moved aside to {moved_to} and a \
                     new one was started. The board and notifications keep working."
                ),
                format!(
                    "アラート履歴のファイルが壊れていたため、別名 {moved_to} に移して新しく作り直しました。\
                     ボードと通知は動作しています。"
                ),
            ),
            MonitoringRestarted { restart } => (
                format!(
                    "Alert monitoring stopped on an internal error and was restarted \
                     (restart {restart})."
                ),
                format!(
                    "アラート監視が内部エラーで停止したため、再起動しました ({restart} 回目)。"
                ),
            ),

            ResponseTargetOverdue {
                severity,
                incident_id,
            } => (
                format!("{severity} {incident_id} is overdue"),
                format!("{severity} {incident_id} が対応時間の目標を超過しました"),
            ),
            ResponseTargetUsed {
                severity,
                incident_id,
                percent,
            } => (
                format!("{severity} {incident_id}: {percent}% of the response target used"),
                format!("{severity} {incident_id}: 対応時間の目標の {percent}% が経過しました"),
            ),
            ResponseTargetMinutesLeft { title, minutes } => (
                format!("{title} — not acknowledged, {minutes} min left."),
                format!("{title} — まだ確認されていません。残り {minutes} 分です。"),
            ),
            ResponseTargetMinutesPast { title, minutes } => (
                format!("{title} — not acknowledged, {minutes} min past the target."),
                format!("{title} — まだ確認されていません。目標を {minutes} 分超過しています。"),
            ),

            LogPathsTitle => fixed("Read these log files?", "ログファイルを読み込みますか？"),
            LogPathsBody { paths } => (
                format!(
                    "Hinomi will index these and follow what is appended:\n\n{paths}\n\n\
                     Continue only if you typed these paths yourself."
                ),
                format!(
                    "Hinomi は次の場所を索引化し、追記を追跡します:\n\n{paths}\n\n\
                     ご自身で入力したパスの場合だけ続けてください。"
                ),
            ),
            LogPathsAccept => fixed("Read them", "読み込む"),
            LogPathsCancel => fixed("Cancel", "キャンセル"),
        }
    }
}

#[cfg(test)]
mod tests;
