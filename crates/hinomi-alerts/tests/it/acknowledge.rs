//! Acknowledging a group, the one implementation the board and the desktop notification share:
//! the silence on a real Alertmanager (demo stack on loopback) and the incident side, both in
//! the same user's name; no Alertmanager, or one that refuses, leaves the incident untouched.

use crate::support;

use hinomi_alerts::acknowledge::{ACKNOWLEDGE_COMMENT, IncidentLink, IncidentRef};
use hinomi_alerts::notify::{NotificationPlanner, NotificationSettings};
use hinomi_alerts::runtime::{AlertsRuntime, lock};
use hinomi_alerts::{Alert, AlertState, LabelSet, SourceKind, SourceRef};
use hinomi_core::HinomiError;
use hinomi_core::clock::{Clock, FakeClock};
use hinomi_core::settings::{Datasource, DatasourceKind};
use hinomi_demo_stack::Component;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::{datasource, start_stack};

/// Records what the incident side was asked, and answers as told.
struct RecordingLink {
    asked: Mutex<Vec<(String, Vec<String>)>>,
    answer: Result<Option<IncidentRef>, HinomiError>,
}

impl RecordingLink {
    fn answering(answer: Result<Option<IncidentRef>, HinomiError>) -> Self {
        Self {
            asked: Mutex::new(Vec::new()),
            answer,
        }
    }

    fn asked(&self) -> Vec<(String, Vec<String>)> {
        self.asked.lock().unwrap().clone()
    }
}

impl IncidentLink for RecordingLink {
    async fn attach(
        &self,
        user: &str,
        alerts: &[Alert],
    ) -> Result<Option<IncidentRef>, HinomiError> {
        let instances = alerts
            .iter()
            .map(|alert| alert.labels["instance"].clone())
            .collect();
        self.asked
            .lock()
            .unwrap()
            .push((user.to_owned(), instances));
        self.answer.clone()
    }
}

fn labels(pairs: &[(&str, &str)]) -> LabelSet {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

fn alert(instance: &str, source: &str) -> Alert {
    Alert::new(
        labels(&[
            ("alertname", "AckMe"),
            ("severity", "warning"),
            ("instance", instance),
        ]),
        AlertState::Firing,
        SourceRef::new(source, SourceKind::Alertmanager),
    )
}

/// A runtime whose last poll saw two `AckMe` alerts (one group) and one other alert, on a fake
/// clock set to now (Alertmanager refuses silences that ended in the past).
fn runtime(source: &str) -> (AlertsRuntime, FakeClock) {
    let clock = FakeClock::at(chrono::Utc::now());
    let shared: Arc<dyn Clock> = Arc::new(clock.clone());
    let planner = NotificationPlanner::new(&NotificationSettings::default(), shared.clone())
        .expect("default settings");
    let runtime = AlertsRuntime::new(planner, shared, support::endpoints()).with_user("sato");
    let mut other = alert("c:1", source);
    other.labels.insert("alertname".into(), "Other".into());
    let alerts = vec![alert("a:1", source), alert("b:1", source), other];
    let _first_tick = lock(&runtime.planner).tick(&alerts, &[]);
    lock(&runtime.latest).alerts = Arc::new(alerts);
    (runtime, clock)
}

fn group() -> LabelSet {
    labels(&[("alertname", "AckMe"), ("severity", "warning")])
}

fn acknowledged_groups(runtime: &AlertsRuntime) -> Vec<String> {
    lock(&runtime.planner)
        .groups()
        .into_iter()
        .filter(|group| group.acknowledged)
        .map(|group| group.key)
        .collect()
}

async fn silences(alertmanager: &str) -> Vec<Value> {
    reqwest::get(format!("{alertmanager}/api/v2/silences"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_acknowledge_silences_on_alertmanager_and_pins_on_my_incident_as_one_user() {
    let state = tempfile::tempdir().unwrap();
    let stack = start_stack(state.path()).await;
    let url = stack.url(Component::Alertmanager);
    let datasources: Vec<Datasource> = vec![
        datasource(
            "prom",
            DatasourceKind::Prometheus,
            stack.url(Component::Prometheus),
        ),
        datasource("am", DatasourceKind::Alertmanager, url.clone()),
    ];
    let (runtime, clock) = runtime("am");
    let mine = IncidentRef {
        id: "INC-20261204-001".into(),
        title: "Mine".into(),
    };
    let link = RecordingLink::answering(Ok(Some(mine.clone())));

    let done = runtime
        .acknowledge_group(&datasources, &group(), None, 30, &link)
        .await
        .unwrap()
        .expect("there is an Alertmanager");
    assert_eq!(done.datasource_id, "am");
    assert_eq!(done.incident, Some(mine));
    assert_eq!(done.incident_error, None);

    // The silence: over the group labels, for 30 minutes from the runtime's clock, by the user.
    let listed = silences(&url).await;
    let silence = listed
        .iter()
        .find(|s| s["id"] == done.silence_id.as_str())
        .unwrap_or_else(|| panic!("{listed:?}"));
    assert_eq!(silence["createdBy"], "sato");
    assert_eq!(silence["comment"], ACKNOWLEDGE_COMMENT);
    assert_eq!(silence["status"]["state"], "active");
    let mut matchers: Vec<String> = silence["matchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            format!(
                "{}={}",
                m["name"].as_str().unwrap(),
                m["value"].as_str().unwrap()
            )
        })
        .collect();
    matchers.sort();
    assert_eq!(matchers, ["alertname=AckMe", "severity=warning"]);
    let time = |field: &str| {
        chrono::DateTime::parse_from_rfc3339(silence[field].as_str().unwrap()).unwrap()
    };
    // Alertmanager moves a start a few milliseconds in its past to its now.
    let lasts = time("endsAt") - time("startsAt");
    assert!(
        (lasts - chrono::Duration::minutes(30)).num_seconds().abs() <= 1,
        "{lasts}"
    );
    assert!(
        (time("startsAt").to_utc() - clock.now())
            .num_seconds()
            .abs()
            <= 1
    );

    // The incident side: the group's two alerts (not the other one), in the same name.
    assert_eq!(
        link.asked(),
        [("sato".to_owned(), vec!["a:1".to_owned(), "b:1".to_owned()])]
    );
    // No more notifications for the group, and the poll loop is woken to show the silence.
    assert_eq!(
        acknowledged_groups(&runtime),
        [r#"seed:root:{alertname="AckMe", severity="warning"}"#]
    );
    tokio::time::timeout(Duration::from_secs(1), runtime.poll_now.notified())
        .await
        .expect("a poll was asked for");

    // An incident store that fails: the silence stands, and the failure comes back with it.
    let failing = RecordingLink::answering(Err(HinomiError::internal("disk full")));
    let done = runtime
        .acknowledge_group(&datasources, &group(), None, 30, &failing)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.incident, None);
    assert_eq!(done.incident_error.unwrap().message, "disk full");
    assert!(
        silences(&url)
            .await
            .iter()
            .any(|s| s["id"] == done.silence_id.as_str()),
        "the silence was made before the incident side failed"
    );
}

#[tokio::test]
async fn without_an_alertmanager_nothing_is_done() {
    let (runtime, _) = runtime("prom");
    let link = RecordingLink::answering(Ok(None));
    let prometheus_only = [datasource(
        "prom",
        DatasourceKind::Prometheus,
        "http://127.0.0.1:9".into(),
    )];
    let done = runtime
        .acknowledge_group(&prometheus_only, &group(), None, 60, &link)
        .await
        .unwrap();
    assert_eq!(done, None);
    assert!(link.asked().is_empty());
    assert!(acknowledged_groups(&runtime).is_empty());
}

#[tokio::test]
async fn a_refused_silence_leaves_the_incident_and_the_notifications_alone() {
    let (runtime, _) = runtime("am");
    let link = RecordingLink::answering(Ok(None));
    // Nothing listens on port 9 (discard) on loopback: the silence cannot be made.
    let unreachable = [datasource(
        "am",
        DatasourceKind::Alertmanager,
        "http://127.0.0.1:9".into(),
    )];
    let failed = runtime
        .acknowledge_group(&unreachable, &group(), None, 60, &link)
        .await;
    assert!(failed.is_err(), "{failed:?}");
    assert!(link.asked().is_empty());
    assert!(acknowledged_groups(&runtime).is_empty());
}
