//! Over 400 lines: the incidents command surface, thin wrappers sharing one store.
//! Incidents: lifecycle, timeline evidence, postmortems, reports.
//!
//! Each command is a short wrapper over `hinomi-incidents` (the store) or `hinomi-reports`, run
//! on a blocking thread because the store is SQLite. Every change is made in the name of the
//! laptop's user ($USER), which is also the default commander of a new incident.

mod notify;

use crate::commands::blocking::blocking;
use crate::commands::dashboards::{DashboardsState, panel_snapshot, pinned_annotations};
use crate::commands::files::FilesState;
use crate::state::SettingsState;
use hinomi_core::HinomiError;
use hinomi_core::clock::SystemClock;
use hinomi_core::paths::AppPaths;
use hinomi_dashboards::TimeWindow;
use hinomi_dashboards::annotations::AnnotationEvent;
use hinomi_incidents::policy::IncidentPolicy;
use hinomi_incidents::{
    AlertIncidentOptions, AlertSnapshot, EvidenceData, EvidenceRecord, FiringAlertGroup, Incident,
    IncidentBundle, IncidentImportReport, IncidentStore, NewIncident, Postmortem,
    ResponseCountdown, ResponseTargets, RuleFileProblem, Severity, Status, TimelineEntry,
    TimelinePage, TimelineQuery,
};
use hinomi_reports::{ExportedReport, ReportFormat, ReportLanguage};
use serde::Serialize;
use specta::Type;
use std::sync::Arc;

/// The store (or why it could not be opened) and who is using the app.
pub struct IncidentsState {
    store: Result<Arc<IncidentStore>, HinomiError>,
    user: String,
    /// The response-target timer ([`notify::start`]); aborted when the state is dropped.
    response_timer: Option<tauri::async_runtime::JoinHandle<()>>,
}

impl Drop for IncidentsState {
    fn drop(&mut self) {
        if let Some(timer) = self.response_timer.take() {
            timer.abort();
        }
    }
}

/// What the UI needs before the first incident: who "I" am and where reports go by default.
#[derive(Debug, Clone, Serialize, Type)]
pub struct IncidentDefaults {
    pub user: String,
    pub export_dir: String,
    pub targets: ResponseTargets,
    /// Why the incident store could not be opened, if it could not.
    pub store_error: Option<HinomiError>,
}

/// Registers this domain's managed state and starts its background tasks.
/// A store that cannot be opened leaves the view showing why (`store_error`) while the rest
/// of the app runs.
pub fn setup(app: &mut tauri::App, paths: &AppPaths) {
    use tauri::Manager;
    let path = paths.data_dir.join("incidents.sqlite");
    let store = std::fs::create_dir_all(&paths.data_dir)
        .map_err(|err| {
            HinomiError::new(
                hinomi_core::ErrorCode::Io,
                hinomi_core::texts::user_lang::say(
                    "The folder for incidents could not be created.",
                    "インシデントを保存するフォルダを作成できませんでした。",
                ),
            )
            .with_detail(format!("{}: {err}", paths.data_dir.display()))
        })
        .and_then(|()| IncidentStore::open(&path, Arc::new(SystemClock)).map_err(Into::into))
        .map(Arc::new);
    if let Err(err) = &store {
        tracing::error!(?err, "incident store unavailable");
    }
    let response_timer = store
        .as_ref()
        .ok()
        .map(|store| notify::start(store.clone(), app.handle().clone()));
    app.manage(IncidentsState {
        store,
        user: hinomi_core::user::current_user(),
        response_timer,
    });
}

impl IncidentsState {
    /// Where an acknowledged alert group's alerts go: my open incident, in one transaction.
    pub fn alert_link(&self) -> AlertLink {
        AlertLink(self.store.clone())
    }

    /// The incidents not yet resolved, for the markers on dashboards.
    pub async fn open_incidents(&self) -> Result<Vec<Incident>, HinomiError> {
        with_store(self, |s, _| Ok(s.list_incidents(true)?)).await
    }
}

/// The incident side of acknowledging an alert group, over the store (see
/// `hinomi_alerts::acknowledge`): the board's alerts become alert snapshots, as the UI's "Attach
/// to incident" makes them, and are pinned by [`IncidentStore::attach_to_incident_of`].
pub struct AlertLink(Result<Arc<IncidentStore>, HinomiError>);

impl hinomi_alerts::acknowledge::IncidentLink for AlertLink {
    async fn attach(
        &self,
        user: &str,
        alerts: &[hinomi_alerts::Alert],
    ) -> Result<Option<hinomi_alerts::acknowledge::IncidentRef>, HinomiError> {
        let store = self.0.clone()?;
        let now = chrono::Utc::now();
        let snapshots: Vec<AlertSnapshot> = alerts.iter().map(|a| alert_snapshot(a, now)).collect();
        let user = user.to_owned();
        let attached =
            blocking(move || Ok(store.attach_to_incident_of(&user, &snapshots)?)).await?;
        Ok(
            attached.map(|attached| hinomi_alerts::acknowledge::IncidentRef {
                id: attached.incident.id,
                title: attached.incident.title,
            }),
        )
    }
}

/// A board alert as incident evidence, as it is now (`incidentLink.ts` `alertSnapshot` makes
/// the same for "Attach to incident").
fn alert_snapshot(
    alert: &hinomi_alerts::Alert,
    now: chrono::DateTime<chrono::Utc>,
) -> AlertSnapshot {
    use hinomi_alerts::AlertState as Live;
    AlertSnapshot {
        labels: alert.labels.clone(),
        annotations: alert.annotations.clone(),
        starts_at: alert.active_since.unwrap_or(now),
        ends_at: None,
        state: match alert.state {
            Live::Firing => hinomi_incidents::AlertState::Firing,
            Live::Pending => hinomi_incidents::AlertState::Pending,
            Live::Silenced | Live::Inhibited => hinomi_incidents::AlertState::Suppressed,
        },
        source: alert
            .sources
            .first()
            .map(|source| source.datasource_id.clone())
            .unwrap_or_default(),
        generator_url: alert.generator_url.clone(),
        fingerprint: Some(alert.fingerprint.clone()),
    }
}

type State<'a> = tauri::State<'a, IncidentsState>;
type Settings<'a> = tauri::State<'a, SettingsState>;
type Files<'a> = tauri::State<'a, FilesState>;

/// The `[incidents]` settings in force now (Settings saves apply without a restart).
fn policy(settings: &SettingsState) -> IncidentPolicy {
    settings.snapshot().settings.incidents
}

/// Runs `work` on the store on a blocking thread, as the app's user.
async fn with_store<T: Send + 'static>(
    state: &IncidentsState,
    work: impl FnOnce(&IncidentStore, &str) -> Result<T, HinomiError> + Send + 'static,
) -> Result<T, HinomiError> {
    let store = state.store.clone()?;
    let user = state.user.clone();
    blocking(move || work(&store, &user)).await
}

#[tauri::command]
#[specta::specta]
pub fn incident_defaults(
    state: State<'_>,
    settings: Settings<'_>,
    files: Files<'_>,
) -> IncidentDefaults {
    IncidentDefaults {
        user: state.user.clone(),
        export_dir: files.export_dir().display().to_string(),
        targets: policy(&settings).response_targets,
        store_error: state.store.as_ref().err().cloned(),
    }
}

#[tauri::command]
#[specta::specta]
pub async fn list_incidents(
    state: State<'_>,
    open_only: bool,
) -> Result<Vec<Incident>, HinomiError> {
    with_store(&state, move |s, _| Ok(s.list_incidents(open_only)?)).await
}

#[tauri::command]
#[specta::specta]
pub async fn incident_countdowns(
    state: State<'_>,
    settings: Settings<'_>,
) -> Result<Vec<ResponseCountdown>, HinomiError> {
    let targets = policy(&settings).response_targets;
    with_store(&state, move |s, _| Ok(s.countdowns(&targets)?)).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_incident(state: State<'_>, id: String) -> Result<Incident, HinomiError> {
    with_store(&state, move |s, _| Ok(s.get_incident(&id)?)).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_incident(
    state: State<'_>,
    incident: NewIncident,
) -> Result<Incident, HinomiError> {
    with_store(&state, move |s, user| {
        let mut new = incident;
        new.actor.get_or_insert_with(|| user.to_string());
        Ok(s.create_incident(new)?)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn create_incident_from_alert_group(
    state: State<'_>,
    settings: Settings<'_>,
    group: FiringAlertGroup,
    options: AlertIncidentOptions,
) -> Result<Incident, HinomiError> {
    let mapping = policy(&settings).severity_mapping;
    with_store(&state, move |s, user| {
        let mut options = options;
        options.actor.get_or_insert_with(|| user.to_string());
        options.commander.get_or_insert_with(|| user.to_string());
        Ok(s.create_from_alert_group(&group, &mapping, options)?)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn transition_incident(
    state: State<'_>,
    id: String,
    to: Status,
) -> Result<Incident, HinomiError> {
    with_store(&state, move |s, user| {
        Ok(s.transition(&id, to, Some(user))?)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn acknowledge_incident(state: State<'_>, id: String) -> Result<Incident, HinomiError> {
    with_store(&state, move |s, user| Ok(s.acknowledge(&id, Some(user))?)).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_incident_severity(
    state: State<'_>,
    id: String,
    severity: Severity,
) -> Result<Incident, HinomiError> {
    with_store(&state, move |s, user| {
        Ok(s.set_severity(&id, severity, Some(user))?)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn set_incident_commander(
    state: State<'_>,
    id: String,
    commander: Option<String>,
) -> Result<Incident, HinomiError> {
    with_store(&state, move |s, user| {
        Ok(s.set_commander(&id, commander.as_deref(), Some(user))?)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn add_incident_assignee(
    state: State<'_>,
    id: String,
    name: String,
) -> Result<Incident, HinomiError> {
    with_store(&state, move |s, user| {
        Ok(s.add_assignee(&id, &name, Some(user))?)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn remove_incident_assignee(
    state: State<'_>,
    id: String,
    name: String,
) -> Result<Incident, HinomiError> {
    with_store(&state, move |s, user| {
        Ok(s.remove_assignee(&id, &name, Some(user))?)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn add_incident_note(
    state: State<'_>,
    id: String,
    markdown: String,
) -> Result<TimelineEntry, HinomiError> {
    with_store(&state, move |s, user| {
        Ok(s.add_note(&id, &markdown, None, Some(user))?)
    })
    .await
}

/// For dashboards and alerts: keep a metric snapshot, log excerpt or alert on an incident.
#[tauri::command]
#[specta::specta]
pub async fn pin_evidence(
    state: State<'_>,
    incident_id: String,
    evidence: EvidenceData,
) -> Result<TimelineEntry, HinomiError> {
    with_store(&state, move |s, user| {
        Ok(s.pin_evidence(&incident_id, evidence, Some(user))?)
    })
    .await
}

/// "Pin to incident" on a dashboard panel: keeps the data the panel is drawing now (taken from
/// its cached answer in Rust, so the UI sends only which panel and window) and the annotations
/// it shows (the UI's, after its toggles; cut to the panel and window here).
#[tauri::command]
#[specta::specta]
pub async fn pin_dashboard_panel(
    state: State<'_>,
    dashboards: tauri::State<'_, DashboardsState>,
    incident_id: String,
    uid: String,
    panel_id: u32,
    window: TimeWindow,
    annotations: Vec<AnnotationEvent>,
) -> Result<TimelineEntry, HinomiError> {
    let mut snapshot = panel_snapshot(&dashboards, &uid, panel_id, &window).await?;
    snapshot.annotations = pinned_annotations(&annotations, panel_id, &window);
    with_store(&state, move |s, user| {
        Ok(s.pin_evidence(&incident_id, EvidenceData::Metric(snapshot), Some(user))?)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn incident_timeline(
    state: State<'_>,
    query: TimelineQuery,
) -> Result<TimelinePage, HinomiError> {
    with_store(&state, move |s, _| Ok(s.timeline_page(&query)?)).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_evidence(state: State<'_>, id: String) -> Result<EvidenceRecord, HinomiError> {
    with_store(&state, move |s, _| Ok(s.get_evidence(&id)?)).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_postmortem(state: State<'_>, id: String) -> Result<Postmortem, HinomiError> {
    with_store(&state, move |s, _| Ok(s.get_postmortem(&id)?)).await
}

#[tauri::command]
#[specta::specta]
pub async fn save_postmortem(
    state: State<'_>,
    postmortem: Postmortem,
) -> Result<Postmortem, HinomiError> {
    with_store(&state, move |s, _| Ok(s.save_postmortem(&postmortem)?)).await
}

/// `None` when the YAML is a rule file Prometheus would load; otherwise where it is wrong.
#[tauri::command]
#[specta::specta]
pub fn check_rule_file(yaml: String) -> Option<RuleFileProblem> {
    hinomi_incidents::validate_rule_file(&yaml).err()
}

/// Writes the report into `dir` (the export folder when empty; else a folder under it or one
/// chosen with `choose_path`), with its fixed words in `language` (the app's). Reads only the
/// store.
#[tauri::command]
#[specta::specta]
pub async fn export_incident_report(
    state: State<'_>,
    id: String,
    format: ReportFormat,
    language: ReportLanguage,
    dir: String,
    files: Files<'_>,
) -> Result<ExportedReport, HinomiError> {
    let dir = match dir.trim() {
        "" => files.writable(&files.export_dir().display().to_string())?,
        dir => files.writable(dir)?,
    };
    with_store(&state, move |s, _| {
        let input = hinomi_reports::load::load(s, &id)?;
        Ok(hinomi_reports::write_report(
            &input, format, language, &dir,
        )?)
    })
    .await
}

/// Writes the given incidents (all when `ids` is empty) as a JSON bundle for another laptop;
/// answers the path written.
#[tauri::command]
#[specta::specta]
pub async fn export_incidents_file(
    state: State<'_>,
    ids: Vec<String>,
    path: String,
    files: Files<'_>,
) -> Result<String, HinomiError> {
    let path = files.writable_file(&path)?;
    with_store(&state, move |s, _| {
        let bundle = match ids.is_empty() {
            true => s.export_all()?,
            false => s.export_incidents(&ids)?,
        };
        bundle.write_file(&path)?;
        Ok(path.display().to_string())
    })
    .await
}

/// Merges a bundle by incident id, all of it or nothing; a bad file changes nothing.
#[tauri::command]
#[specta::specta]
pub async fn import_incidents_file(
    state: State<'_>,
    path: String,
    files: Files<'_>,
) -> Result<IncidentImportReport, HinomiError> {
    let path = files.readable(&path)?;
    with_store(&state, move |s, _| {
        Ok(s.import_bundle(&IncidentBundle::read_file(&path)?)?)
    })
    .await
}

/// A consistent SQLite copy of the whole store; refuses to overwrite an existing file.
#[tauri::command]
#[specta::specta]
pub async fn backup_incident_store(
    state: State<'_>,
    path: String,
    files: Files<'_>,
) -> Result<String, HinomiError> {
    let path = files.writable_file(&path)?;
    with_store(&state, move |s, _| {
        s.backup_to(&path)?;
        Ok(path.display().to_string())
    })
    .await
}
