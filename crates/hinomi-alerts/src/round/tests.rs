//! The poll loop on a fake clock, with no server: the watch rules are its only source.

use super::*;
use crate::endpoints::SharedEndpoints;
use crate::notify::{NotificationKind, NotificationPlanner};
use crate::{LabelSet, SourceKind, SourceRef};
use hinomi_core::clock::FakeClock;
use hinomi_core::http::EndpointCache;
use hinomi_core::secrets::{MemoryStore, SecretStore};
use hinomi_core::settings::DatasourceAuth;
use hinomi_core::test_support::{FaultServer, Reply};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The parts of the app's settings a round reads; the app's own type lives above this crate.
#[derive(Clone)]
struct Settings {
    refresh_interval_secs: u32,
    datasources: Vec<Datasource>,
    alert_notifications: AlertNotificationPrefs,
}

/// As the app's defaults: every five seconds, the person's default preferences.
impl Default for Settings {
    fn default() -> Self {
        Self {
            refresh_interval_secs: 5,
            datasources: Vec::new(),
            alert_notifications: AlertNotificationPrefs::default(),
        }
    }
}

impl RoundSettings for Settings {
    fn refresh_interval_secs(&self) -> u32 {
        self.refresh_interval_secs
    }
    fn datasources(&self) -> &[Datasource] {
        &self.datasources
    }
    fn alert_notifications(&self) -> &AlertNotificationPrefs {
        &self.alert_notifications
    }
}

#[derive(Clone, Default)]
struct Seen {
    reports: Arc<Mutex<Vec<RoundReport>>>,
    notices: Arc<Mutex<Vec<String>>>,
}

/// A desktop that records what each round gave it; the watch rules answer `firing` alerts.
struct FakeHost {
    settings: Settings,
    firing: Arc<Mutex<Vec<Alert>>>,
    seen: Seen,
}

impl RoundHost for FakeHost {
    type Settings = Settings;

    fn settings(&self) -> Settings {
        self.settings.clone()
    }

    async fn watch_rules(&mut self, _settings: &Settings, _budget: Duration) -> Vec<SourceResult> {
        vec![SourceResult {
            source: SourceRef::new("local-rules", SourceKind::LocalRules),
            result: Ok(self.firing.lock().unwrap().clone()),
        }]
    }

    fn history_notice(&self, notice: HistoryNotice) {
        self.seen
            .notices
            .lock()
            .unwrap()
            .push(format!("{notice:?}"));
    }

    fn after_round(&self, report: RoundReport) {
        self.seen.reports.lock().unwrap().push(report);
    }
}

fn alert(name: &str) -> Alert {
    let labels: LabelSet = [
        ("alertname".to_owned(), name.to_owned()),
        ("severity".to_owned(), "critical".to_owned()),
    ]
    .into();
    let mut alert = Alert::new(
        labels,
        AlertState::Firing,
        SourceRef::new("local-rules", SourceKind::LocalRules),
    );
    alert.active_since = Some(chrono::DateTime::UNIX_EPOCH);
    alert
}

struct Rig {
    _dir: tempfile::TempDir,
    clock: FakeClock,
    runtime: AlertsRuntime,
    firing: Arc<Mutex<Vec<Alert>>>,
    seen: Seen,
    poll: PollLoop<FakeHost>,
}

fn rig(refresh_interval_secs: u32) -> Rig {
    rig_with(
        refresh_interval_secs,
        Vec::new(),
        Arc::new(EndpointCache::new()),
    )
}

/// A rig polling `datasources` too, over `endpoints`.
fn rig_with(
    refresh_interval_secs: u32,
    datasources: Vec<Datasource>,
    endpoints: SharedEndpoints,
) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let clock = FakeClock::at(
        chrono::DateTime::parse_from_rfc3339("2026-12-04T06:00:00Z")
            .unwrap()
            .to_utc(),
    );
    let shared: Arc<dyn Clock> = Arc::new(clock.clone());
    let settings = Settings {
        datasources,
        refresh_interval_secs,
        ..Settings::default()
    };
    let planner =
        NotificationPlanner::new(&notification_settings(&settings), shared.clone()).unwrap();
    let firing = Arc::new(Mutex::new(vec![alert("DiskFull")]));
    let seen = Seen::default();
    let host = FakeHost {
        settings,
        firing: firing.clone(),
        seen: seen.clone(),
    };
    Rig {
        poll: PollLoop::new(
            host,
            dir.path().join("alerts-history.sqlite"),
            shared.clone(),
        ),
        _dir: dir,
        runtime: AlertsRuntime::new(planner, shared, endpoints),
        clock,
        firing,
        seen,
    }
}

fn last_report(rig: &Rig) -> RoundReport {
    rig.seen
        .reports
        .lock()
        .unwrap()
        .last()
        .cloned()
        .expect("a round reported")
}

fn firing_told(report: &RoundReport) -> Vec<String> {
    report
        .deliver
        .iter()
        .filter(|planned| planned.kind == NotificationKind::Firing)
        .map(|planned| planned.group_key.clone())
        .collect()
}

#[tokio::test]
async fn a_round_publishes_the_board_and_the_planner_wakes_the_loop_at_group_wait() {
    let mut rig = rig(60);
    // The first round: the alert is on the board at once, the popup waits for group_wait (30 s),
    // which comes before the next interval (60 s).
    let wait = rig.poll.round(&rig.runtime).await;
    assert_eq!(wait, Duration::from_secs(30));
    let first = last_report(&rig);
    assert_eq!((first.summary.total, first.summary.firing), (1, 1));
    assert_eq!(first.summary.worst_firing, Severity::Critical);
    assert!(first.changed);
    assert!(firing_told(&first).is_empty());
    {
        let latest = lock(&rig.runtime.latest);
        assert_eq!(latest.alerts.len(), 1);
        assert_eq!(latest.at, Some(rig.clock.now()));
    }
    assert!(
        rig.seen.notices.lock().unwrap().is_empty(),
        "a fresh history"
    );

    // Nothing new: the UI is not told again.
    rig.poll.round(&rig.runtime).await;
    assert!(!last_report(&rig).changed);

    // group_wait later, on the fake clock: the group is told, once.
    rig.clock.advance(Duration::from_secs(30));
    let wait = rig.poll.round(&rig.runtime).await;
    assert_eq!(
        firing_told(&last_report(&rig)),
        [r#"seed:root:{alertname="DiskFull", severity="critical"}"#]
    );
    assert_eq!(
        wait,
        Duration::from_secs(60),
        "next: one interval, the group is told"
    );
    rig.poll.round(&rig.runtime).await;
    assert!(firing_told(&last_report(&rig)).is_empty());

    // It resolves: the board changes at the next round.
    rig.firing.lock().unwrap().clear();
    rig.poll.round(&rig.runtime).await;
    let resolved = last_report(&rig);
    assert!(resolved.changed);
    assert_eq!(resolved.summary.firing, 0);
}

#[tokio::test]
async fn paused_notifications_are_not_delivered_but_the_board_still_changes() {
    let mut rig = rig(10);
    *lock(&rig.runtime.paused_until) = Some(rig.clock.now() + chrono::Duration::hours(1));
    rig.poll.round(&rig.runtime).await;
    rig.clock.advance(Duration::from_secs(30));
    rig.poll.round(&rig.runtime).await;
    let report = last_report(&rig);
    assert!(report.deliver.is_empty(), "{:?}", report.deliver);
    assert_eq!(report.summary.firing, 1);
}

#[tokio::test]
async fn the_planner_memory_survives_a_new_loop_on_the_same_history() {
    let mut rig = rig(10);
    rig.poll.round(&rig.runtime).await;
    rig.clock.advance(Duration::from_secs(30));
    rig.poll.round(&rig.runtime).await;
    assert_eq!(firing_told(&last_report(&rig)).len(), 1);
    // A restart: a new runtime and loop on the same file do not tell the group again.
    let shared: Arc<dyn Clock> = Arc::new(rig.clock.clone());
    let settings = rig.poll.host.settings.clone();
    let planner =
        NotificationPlanner::new(&notification_settings(&settings), shared.clone()).unwrap();
    let runtime = AlertsRuntime::new(planner, shared.clone(), rig.runtime.endpoints().clone());
    let seen = Seen::default();
    let host = FakeHost {
        settings,
        firing: rig.firing.clone(),
        seen: seen.clone(),
    };
    let mut again = PollLoop::new(host, rig._dir.path().join("alerts-history.sqlite"), shared);
    again.round(&runtime).await;
    rig.clock.advance(Duration::from_secs(60));
    again.round(&runtime).await;
    let told: Vec<String> = seen
        .reports
        .lock()
        .unwrap()
        .iter()
        .flat_map(firing_told)
        .collect();
    assert!(told.is_empty(), "told again after the restart: {told:?}");
}

#[tokio::test]
async fn resolved_episodes_are_forgotten_once_past_the_retention_and_not_before() {
    let mut rig = rig(5);
    let fingerprint = alert("DiskFull").fingerprint;
    let episodes = |rig: &Rig| {
        let poller = rig.poll.poller.as_ref().expect("the history is open");
        poller.history().of_alert(&fingerprint).unwrap()
    };
    rig.poll.round(&rig.runtime).await;
    // It resolves now; a second alert stays firing throughout and is never forgotten.
    *rig.firing.lock().unwrap() = vec![alert("StillBurning")];
    rig.clock.advance(Duration::from_secs(5));
    rig.poll.round(&rig.runtime).await;
    let resolved = episodes(&rig);
    assert_eq!(resolved.len(), 1);
    assert!(resolved[0].resolved_at.is_some());

    // A day short of the retention: the daily prune runs and keeps it.
    let day = Duration::from_secs(24 * 3600);
    rig.clock.advance(day * 89);
    rig.poll.round(&rig.runtime).await;
    assert_eq!(episodes(&rig).len(), 1, "kept inside the retention");
    // Past it: the next daily prune forgets it, and only it.
    rig.clock.advance(day * 2);
    rig.poll.round(&rig.runtime).await;
    assert!(episodes(&rig).is_empty(), "forgotten past the retention");
    let burning = alert("StillBurning").fingerprint;
    let poller = rig.poll.poller.as_ref().unwrap();
    assert_eq!(poller.history().of_alert(&burning).unwrap().len(), 1);
}

/// The keyring as the endpoint cache sees it, counting its reads.
#[derive(Default)]
struct CountingKeyring {
    inner: MemoryStore,
    reads: AtomicU64,
}

impl SecretStore for CountingKeyring {
    fn get(&self, id: &str) -> Result<Option<String>, HinomiError> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        self.inner.get(id)
    }
    fn set(&self, id: &str, secret: &str) -> Result<(), HinomiError> {
        self.inner.set(id, secret)
    }
    fn clear(&self, id: &str) -> Result<(), HinomiError> {
        self.inner.clear(id)
    }
}

// Issue 13: every poll built a new client and read the keyring again. Now the alerts, the
// route tree and every later round ask over the one endpoint the app's cache built.
#[tokio::test]
async fn rounds_reuse_one_endpoint_and_read_the_keyring_once() {
    let alertmanager = FaultServer::start(vec![Reply::json("[]")]).await;
    let keyring = Arc::new(CountingKeyring::default());
    keyring.set("am", "token").unwrap();
    let cache = Arc::new(EndpointCache::with_store(keyring.clone(), || 0));
    let datasource = Datasource {
        id: "am".into(),
        name: "Alertmanager".into(),
        kind: DatasourceKind::Alertmanager,
        url: alertmanager.url().into(),
        timeout_ms: 2_000,
        tls: Default::default(),
        auth: DatasourceAuth::Bearer,
        logs: None,
        split_range_queries: true,
    };
    let mut rig = rig_with(5, vec![datasource], cache.clone());
    for round in 1..=4 {
        rig.poll.round(&rig.runtime).await;
        let sources = lock(&rig.runtime.latest).sources.clone();
        let am = sources
            .iter()
            .find(|health| health.source.datasource_id == "am")
            .expect("the Alertmanager is polled");
        assert_eq!(am.last_error, None, "round {round}");
        assert!(alertmanager.hits() >= round, "round {round} asked it");
        rig.clock.advance(Duration::from_secs(5));
    }
    assert_eq!(cache.builds(), 1, "one endpoint for every round");
    assert_eq!(keyring.reads.load(Ordering::Relaxed), 1, "one keyring read");
}

#[test]
fn the_round_budget_stays_inside_the_interval() {
    assert_eq!(round_budget(Duration::from_secs(5)), Duration::from_secs(3));
    assert_eq!(
        round_budget(Duration::from_millis(200)),
        Duration::from_millis(500)
    );
    assert_eq!(
        round_budget(Duration::from_secs(60)),
        Duration::from_secs(10)
    );
}

#[test]
fn the_persons_preferences_reach_the_planner_settings() {
    let mut settings = Settings::default();
    let defaults = notification_settings(&settings);
    assert!(!defaults.do_not_disturb);
    assert_eq!(defaults.escalate_after_secs, Some(15 * 60));
    assert!(defaults.quiet_hours.is_empty());
    let prefs = &mut settings.alert_notifications;
    prefs.do_not_disturb = true;
    prefs.critical_through_dnd = false;
    prefs.quiet_hours_start = Some("22:00".into());
    prefs.quiet_hours_end = Some("07:00".into());
    prefs.escalate_after_minutes = 0;
    settings.refresh_interval_secs = 10;
    let wanted = notification_settings(&settings);
    assert!(wanted.do_not_disturb);
    assert!(!wanted.critical_through_dnd);
    assert_eq!(
        wanted.quiet_hours,
        [QuietHours {
            start: "22:00".into(),
            end: "07:00".into()
        }]
    );
    assert_eq!(wanted.escalate_after_secs, None);
    assert_eq!(wanted.poll_interval_secs, 10);
    // The route semantics stay the seed's.
    assert_eq!(wanted.group_wait_secs, 30);
}
