//! Hinomi's Tauri shell: a table of contents over the GUI-free crates.
//!
//! Commands are thin wrappers (one module per domain under `commands/`), state is small managed
//! pieces (`state`), and the TypeScript bindings for every command and type come from
//! [`ipc_builder`] — the UI never declares a type of its own for what crosses IPC.

mod alerts;
pub mod cli;
mod commands;
mod instance;
mod logging;
mod paths;
mod state;
#[cfg(target_os = "linux")]
mod web_memory;
mod webview;

use tauri::Manager;

/// Every command the UI can call, for both the invoke handler and the bindings generator.
pub fn ipc_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        // One TypeScript type per Rust type: the UI always sends back what it was given.
        .disable_serde_phases()
        .commands(tauri_specta::collect_commands![
            commands::app::app_info,
            commands::app::report_first_paint,
            commands::app::autostart_enabled,
            commands::app::set_autostart,
            commands::settings::get_settings,
            commands::settings::save_settings,
            commands::settings::open_demo,
            commands::settings::test_connection,
            commands::settings::datasource_health,
            commands::settings::set_datasource_secret,
            commands::settings::clear_datasource_secret,
            commands::targets::list_targets,
            // dashboards (issue 4)
            commands::dashboards::list_dashboards,
            commands::dashboards::open_dashboard,
            commands::dashboards::import_dashboard,
            commands::dashboards::star_dashboard,
            commands::dashboards::duplicate_dashboard,
            commands::dashboards::delete_dashboard,
            commands::dashboards::refresh_dashboard_variable,
            commands::dashboards::select_dashboard_variable,
            commands::dashboards::run_panel,
            commands::dashboards::annotations::dashboard_annotations,
            commands::dashboards::cancel_dashboard_queries,
            commands::dashboards::edit_dashboard_panel,
            commands::dashboards::export_dashboard,
            commands::dashboards::view_dashboard_panels,
            commands::explore::explore_range,
            commands::explore::explore_instant,
            commands::explore::promql_catalog,
            commands::explore::promql_label_values,
            // alerts (issue 5)
            commands::alerts::alert_board,
            commands::alerts::refresh_alerts,
            commands::alerts::silence_defaults,
            commands::alerts::list_silences,
            commands::alerts::create_silence,
            commands::alerts::update_silence,
            commands::alerts::expire_silence,
            commands::alerts::acknowledge_alert_group,
            commands::alerts::list_alert_rules,
            commands::alerts::pause_notifications,
            commands::alerts::alert_routing,
            commands::alerts::snooze_alert_group,
            commands::alerts::watch_rules,
            commands::alerts::check_watch_rules,
            commands::alerts::save_watch_rules,
            // incidents (issue 6)
            commands::incidents::incident_defaults,
            commands::incidents::list_incidents,
            commands::incidents::incident_countdowns,
            commands::incidents::get_incident,
            commands::incidents::create_incident,
            commands::incidents::create_incident_from_alert_group,
            commands::incidents::transition_incident,
            commands::incidents::acknowledge_incident,
            commands::incidents::set_incident_severity,
            commands::incidents::set_incident_commander,
            commands::incidents::add_incident_assignee,
            commands::incidents::remove_incident_assignee,
            commands::incidents::add_incident_note,
            commands::incidents::pin_evidence,
            commands::incidents::pin_dashboard_panel,
            commands::incidents::incident_timeline,
            commands::incidents::get_evidence,
            commands::incidents::get_postmortem,
            commands::incidents::save_postmortem,
            commands::incidents::check_rule_file,
            commands::incidents::export_incident_report,
            commands::incidents::export_incidents_file,
            commands::incidents::import_incidents_file,
            commands::incidents::backup_incident_store,
            // file paths from the page (issue 12)
            commands::files::choose_path,
            // logs (issue 10)
            commands::logs::log_targets,
            commands::logs::log_fields,
            commands::logs::search_logs,
            commands::logs::log_rows,
            commands::logs::close_log_result,
            commands::logs::log_field_top_values,
            commands::logs::surrounding_logs,
            commands::logs::tail_logs,
            commands::logs::export_logs,
            commands::logs::cancel_log_export,
            commands::logs::saved_searches,
            commands::logs::save_search,
            commands::logs::delete_saved_search,
            commands::logs::resolve_saved_search,
            commands::logs::log_volume,
            commands::logs::local_log_status,
            commands::logs::local_source::add_local_log_source,
            commands::logs::local_source::choose_local_log_source,
        ])
        // alerts (issue 5): typed events from the background poller
        .events(tauri_specta::collect_events![
            alerts::AlertsUpdated,
            alerts::AlertsFocusGroup,
        ])
        // The binary panel answer (`run_panel`) is not JSON, so no command names its header
        // types; they and the frames' magic words are exported here for ui/src/lib/charts/frame.ts.
        .typ::<hinomi_metrics::frame::PanelFrameHeader>()
        .typ::<hinomi_prometheus::downsample::SeriesFrameHeader<'static>>()
        .constant(
            "PANEL_FRAME_MAGIC",
            magic(hinomi_metrics::frame::PANEL_MAGIC),
        )
        .constant(
            "SERIES_FRAME_MAGIC",
            magic(hinomi_prometheus::downsample::FRAME_MAGIC),
        )
        .constant(
            "NARROW_VALUE_GAP",
            hinomi_prometheus::decimal_column::NARROW_GAP,
        )
        .constant(
            "NARROW_VALUE_MAX_DECIMALS",
            hinomi_prometheus::decimal_column::MAX_DECIMALS,
        )
}

/// A frame's four-byte magic word as text.
fn magic(bytes: &'static [u8; 4]) -> &'static str {
    std::str::from_utf8(bytes).unwrap_or("????")
}

pub fn run(options: cli::Options) {
    let started = state::StartedAt(std::time::Instant::now());
    // Before Tauri builds the window's web context, which takes the limit only when it is made.
    #[cfg(target_os = "linux")]
    let web_memory = web_memory::install_from_env();
    let builder = ipc_builder();
    tauri::Builder::default()
        // First, so a second launch hands over and exits before anything else starts.
        .plugin(instance::plugin())
        // The native file chooser, opened only by our own command (no dialog permission in the
        // web view's capabilities).
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(builder.invoke_handler())
        // Files dropped on the window come from the OS, not the page: they may become a log
        // source without the typed-path question (commands::log_path_consent).
        .on_webview_event(|webview, event| {
            if let tauri::WebviewEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event
                && let Some(files) = webview.try_state::<commands::files::FilesState>()
            {
                files.grant_log_paths(paths.iter().cloned());
            }
        })
        .setup(move |app| {
            // First, so the page is laid out without compositing as early as setup allows.
            webview::set_up(app);
            // An Err from setup makes Tauri panic; say what is wrong and exit instead.
            let paths = match paths::resolve(app.handle()) {
                Ok(paths) => paths,
                Err(err) => {
                    eprintln!("hinomi: cannot find where to keep files: {err}");
                    std::process::exit(1);
                }
            };
            let log_guard = logging::init(&paths.log_dir);
            tracing::info!(
                ?paths,
                version = env!("CARGO_PKG_VERSION"),
                "hinomi starting"
            );
            #[cfg(target_os = "linux")]
            web_memory.log();
            builder.mount_events(app);
            app.manage(state::LogGuard(std::sync::Mutex::new(log_guard)));
            // Tests without a Secret Service keep datasource secrets in memory for the run.
            if std::env::var("HINOMI_SECRET_STORE").as_deref() == Ok("memory") {
                hinomi_core::secrets::install(std::sync::Arc::new(
                    hinomi_core::secrets::MemoryStore::default(),
                ));
            }
            app.manage(state::SettingsState::load(
                &paths,
                options.when_settings_missing(),
            ));
            // One HTTP client per datasource, shared by every query (rebuilt when its settings
            // or secret change).
            app.manage(hinomi_core::http::EndpointCache::new());
            let started_at = started.0;
            app.manage(started);
            // Each domain registers its own managed state and background tasks. One policy
            // when a domain cannot start as configured (a store that will not open, settings it
            // cannot use): the rest of the app runs, and that domain's view says why. So no
            // step here can fail, and no preference stops the console from opening.
            commands::files::setup(app, &paths);
            commands::dashboards::setup(app, &paths);
            alerts::setup(app, &paths);
            commands::incidents::setup(app, &paths);
            commands::logs::setup(app, &paths);
            app.manage(paths);
            if options.minimized {
                alerts::tray::start_hidden(app);
            }
            // The start-up benchmark's "setup done" (tests/e2e/bench/startup.mjs).
            tracing::info!(
                ms = started_at.elapsed().as_secs_f64() * 1000.0,
                "setup done"
            );
            Ok(())
        })
        .build(tauri::generate_context!())
        .unwrap_or_else(|err| {
            eprintln!("hinomi: cannot start: {err}");
            std::process::exit(1);
        })
        .run(|app, event| {
            // The event loop ends the process without dropping managed state, so open log
            // searches are closed and the log writer flushed here, or the last lines are lost.
            if let tauri::RunEvent::Exit = event {
                commands::logs::close_all_on_exit(app);
                if let Some(guard) = app.try_state::<state::LogGuard>() {
                    tracing::info!("hinomi exiting");
                    drop(guard.0.lock().unwrap_or_else(|p| p.into_inner()).take());
                }
            }
        });
}

#[cfg(test)]
mod bindings_test {
    /// Fails when `ui/src/lib/bindings.ts` is stale; `UPDATE_BINDINGS=1` rewrites it.
    #[test]
    fn typescript_bindings_are_up_to_date() {
        let committed =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
        let fresh = tempfile::NamedTempFile::new().unwrap();
        super::ipc_builder()
            .export(
                specta_typescript::Typescript::default()
                    .header("// Generated from Rust by tauri-specta. Do not edit: run `UPDATE_BINDINGS=1 cargo test -p hinomi bindings`.\n"),
                fresh.path(),
            )
            .expect("export bindings");
        let fresh_text = std::fs::read_to_string(fresh.path()).unwrap();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&committed, &fresh_text).unwrap();
            return;
        }
        let committed_text = std::fs::read_to_string(&committed).unwrap_or_default();
        assert!(
            committed_text == fresh_text,
            "ui/src/lib/bindings.ts is out of date; run `UPDATE_BINDINGS=1 cargo test -p hinomi bindings`"
        );
    }
}
