//! The tray icon: how many alerts fire and how bad the worst is, and a menu to open the
//! window, pause notifications for an hour, or quit. When the desktop shows tray icons (a
//! StatusNotifierWatcher owns its name on the session bus), closing the window hides it and
//! notifications keep coming; without one the icon would be nowhere, so closing quits.

use super::AlertsState;
use crate::state::desktop_lang;
use hinomi_alerts::round::AlertsSummary;
use hinomi_core::texts::{Lang, Message};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager};

const TRAY_ID: &str = "hinomi-alerts";

/// The menu's status line, updated with the tooltip after each poll.
struct TrayStatus(MenuItem<tauri::Wry>);

/// Asks the UI to show one alert group (from a notification's "Open" or "Create incident").
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct AlertsFocusGroup {
    pub group_key: String,
    /// `open` or `create_incident`.
    pub intent: String,
}

/// Creates the icon; the task that watches for a tray host (kept by the caller).
pub fn create(app: &mut tauri::App) -> tauri::Result<tauri::async_runtime::JoinHandle<()>> {
    let lang = desktop_lang(app.handle());
    let item =
        |id: &str, label: Message| MenuItem::with_id(app, id, label.text(lang), true, None::<&str>);
    let open = item("open", Message::TrayOpen)?;
    let pause = item("pause", Message::TrayPauseHour)?;
    let quit = item("quit", Message::TrayQuit)?;
    // The tooltip's text as the menu's first, disabled line: desktops that show no tooltips
    // (GNOME's AppIndicator) still say how many fire and whether that is only last known.
    let status = MenuItem::with_id(app, "status", "Hinomi", false, None::<&str>)?;
    let menu = Menu::with_items(app, &[&status, &open, &pause, &quit])?;
    app.manage(TrayStatus(status));
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Hinomi")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "open" => show_window(app),
            "pause" => {
                app.state::<AlertsState>().pause(60);
            }
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    let hosted = Arc::new(AtomicBool::new(false));
    let watching = hosted.clone();
    let watcher = tauri::async_runtime::spawn(async move {
        loop {
            watching.store(tray_host_present().await, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    });
    if let Some(window) = app.get_webview_window("main") {
        let hidden = window.clone();
        window.on_window_event(move |event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                if !hosted.load(Ordering::Relaxed) {
                    return;
                }
                api.prevent_close();
                if let Err(error) = hidden.hide() {
                    tracing::warn!(%error, "could not hide the window");
                }
            }
        });
    }
    Ok(watcher)
}

/// Whether something on the session bus shows tray icons.
async fn tray_host_present() -> bool {
    let Ok(connection) = zbus::Connection::session().await else {
        return false;
    };
    let Ok(proxy) = zbus::fdo::DBusProxy::new(&connection).await else {
        return false;
    };
    let Ok(name) = zbus::names::BusName::try_from("org.kde.StatusNotifierWatcher") else {
        return false;
    };
    proxy.name_has_owner(name).await.unwrap_or(false)
}

/// `--minimized`: the window stays hidden and the tray icon is the way in. Without a tray host
/// that icon would be nowhere, so the window opens after all.
pub fn start_hidden(app: &tauri::App) {
    if !tauri::async_runtime::block_on(tray_host_present()) {
        tracing::warn!("--minimized without a tray on the desktop: opening the window");
        return;
    }
    match app.get_webview_window("main").map(|window| window.hide()) {
        Some(Ok(())) => tracing::info!("started in the tray (--minimized)"),
        Some(Err(error)) => tracing::warn!(%error, "could not start hidden"),
        None => {}
    }
}

pub fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

pub fn update(app: &AppHandle, summary: &AlertsSummary) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let text = tooltip(summary, desktop_lang(app), |at| {
        at.with_timezone(&chrono::Local).format("%H:%M").to_string()
    });
    if let Err(error) = tray.set_tooltip(Some(&text)) {
        tracing::debug!(%error, "tray tooltip");
    }
    if let Some(status) = app.try_state::<TrayStatus>()
        && let Err(error) = status.0.set_text(&text)
    {
        tracing::debug!(%error, "tray status line");
    }
    // The count beside the icon says it is not current when some of it is only last known.
    let title = (summary.firing > 0).then(|| {
        if summary.stale.stale_firing > 0 {
            format!("{}?", summary.firing)
        } else {
            summary.firing.to_string()
        }
    });
    if let Err(error) = tray.set_title(title.as_deref()) {
        tracing::debug!(%error, "tray title");
    }
}

/// The tray's tooltip: how many fire and how bad the worst is, and — when a source cannot be
/// reached — that some of it is only last known, and since when (`clock_time` formats HH:MM in
/// the user's time zone).
fn tooltip(
    summary: &AlertsSummary,
    lang: Lang,
    clock_time: impl Fn(chrono::DateTime<chrono::Utc>) -> String,
) -> String {
    let mut text = if summary.firing == 0 {
        Message::TrayNoneFiring.text(lang)
    } else {
        Message::TrayFiring {
            firing: summary.firing,
            worst: summary.worst_firing.as_str(),
        }
        .text(lang)
    };
    let stale = &summary.stale;
    if stale.unreachable_sources > 0 {
        let known = stale.last_known_at.map(&clock_time);
        let unreachable = Message::TraySourcesUnreachable {
            sources: stale.unreachable_sources,
            last_known: known.as_deref(),
        };
        text.push_str(&unreachable.text(lang));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use hinomi_alerts::Severity;
    use hinomi_alerts::staleness::StaleSummary;

    fn summary(firing: u32, stale: StaleSummary) -> AlertsSummary {
        AlertsSummary {
            at: Utc.with_ymd_and_hms(2026, 3, 21, 16, 30, 0).unwrap(),
            total: firing,
            firing,
            pending: 0,
            silenced: 0,
            worst_firing: Severity::Critical,
            changes: 0,
            stale,
        }
    }

    fn hh_mm(at: chrono::DateTime<Utc>) -> String {
        at.format("%H:%M").to_string()
    }

    #[test]
    fn the_tooltip_says_when_firing_alerts_are_only_last_known() {
        let fresh = summary(3, StaleSummary::default());
        assert_eq!(
            tooltip(&fresh, Lang::En, hh_mm),
            "Hinomi: 3 firing, worst critical"
        );
        let stale = summary(
            3,
            StaleSummary {
                unreachable_sources: 1,
                stale_alerts: 2,
                stale_firing: 2,
                last_known_at: Some(Utc.with_ymd_and_hms(2026, 3, 21, 14, 5, 0).unwrap()),
            },
        );
        assert_eq!(
            tooltip(&stale, Lang::En, hh_mm),
            "Hinomi: 3 firing, worst critical (1 source unreachable, last known 14:05)"
        );
        assert_eq!(
            tooltip(&stale, Lang::Ja, hh_mm),
            "Hinomi: 3 件発火中、最も深刻なもの critical（1 件のソースに接続できません、最終確認 14:05）"
        );
        let never = summary(
            0,
            StaleSummary {
                unreachable_sources: 2,
                ..StaleSummary::default()
            },
        );
        assert_eq!(
            tooltip(&never, Lang::En, hh_mm),
            "Hinomi: no alerts firing (2 sources unreachable, never reached)"
        );
    }
}
