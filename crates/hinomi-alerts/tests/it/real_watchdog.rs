//! "Monitoring is blind" on the real stack: when Prometheus stops, the seed's always-firing
//! Watchdog stops reaching Alertmanager, Alertmanager lets it expire, and the notification
//! planner says the Watchdog went silent on that Alertmanager; when Prometheus is back, it says
//! so. The servers run on their own time (polled every 250 ms); the planner's timers run on a fake clock
//! that moves one poll interval per poll.

use crate::support::{datasource, endpoints, start_stack};
use chrono::Utc;
use hinomi_alerts::history::AlertHistory;
use hinomi_alerts::notify::{NotificationKind, NotificationPlanner, NotificationSettings};
use hinomi_alerts::poller::{AlertPoller, AlertSource};
use hinomi_core::clock::FakeClock;
use hinomi_core::settings::DatasourceKind;
use hinomi_demo_stack::Component;
use std::sync::Arc;
use std::time::{Duration, Instant};

const POLL: Duration = Duration::from_secs(1);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watchdog_going_silent_on_alertmanager_is_told_and_its_return_too() {
    let state = tempfile::tempdir().unwrap();
    let stack = start_stack(state.path()).await;
    let alertmanager = AlertSource::for_datasource(
        &datasource(
            "am",
            DatasourceKind::Alertmanager,
            stack.url(Component::Alertmanager),
        ),
        endpoints(),
    )
    .unwrap();
    let clock = FakeClock::at(Utc::now());
    let history = AlertHistory::open(&state.path().join("alerts.sqlite")).unwrap();
    let mut poller =
        AlertPoller::new(vec![alertmanager], history, Arc::new(clock.clone())).unwrap();
    let settings = NotificationSettings {
        poll_interval_secs: 1,
        ..NotificationSettings::default()
    };
    let mut planner = NotificationPlanner::new(&settings, Arc::new(clock.clone())).unwrap();

    // One poll of the real Alertmanager and one planner tick, one fake poll interval later.
    let mut told = Vec::new();
    let mut round = async |told: &mut Vec<(NotificationKind, Option<String>)>| {
        let outcome = poller.poll().await;
        clock.advance(POLL);
        let alerts = poller.snapshot().alerts().to_vec();
        let delivered = planner.tick(&alerts, &outcome.sources).deliver;
        told.extend(
            delivered
                .into_iter()
                .map(|notice| (notice.kind, notice.datasource_id)),
        );
        alerts.iter().any(|alert| alert.alertname() == "Watchdog")
    };

    let deadline = Instant::now() + Duration::from_secs(60);
    while !round(&mut told).await {
        assert!(Instant::now() < deadline, "no Watchdog on Alertmanager");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    for _ in 0..3 {
        assert!(round(&mut told).await, "the Watchdog keeps firing");
    }
    assert!(
        !told
            .iter()
            .any(|(kind, _)| *kind == NotificationKind::WatchdogSilent),
        "{told:?}"
    );

    stack.stop_component(Component::Prometheus).await.unwrap();
    // Prometheus' last send is valid for a few resend delays; then Alertmanager drops it.
    let deadline = Instant::now() + Duration::from_secs(90);
    while !told
        .iter()
        .any(|(kind, _)| *kind == NotificationKind::WatchdogSilent)
    {
        assert!(
            Instant::now() < deadline,
            "no the Watchdog silent notice: {told:?}"
        );
        round(&mut told).await;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let silent: Vec<_> = told
        .iter()
        .filter(|(kind, _)| *kind == NotificationKind::WatchdogSilent)
        .collect();
    assert_eq!(silent.len(), 1, "told once: {told:?}");
    assert_eq!(silent[0].1.as_deref(), Some("am"));
    // Alertmanager itself stayed reachable: this is not a "source unreachable" notice.
    assert!(
        !told
            .iter()
            .any(|(kind, _)| *kind == NotificationKind::SourceUnreachable),
        "{told:?}"
    );

    stack.start_component(Component::Prometheus).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(90);
    while !told
        .iter()
        .any(|(kind, _)| *kind == NotificationKind::WatchdogBack)
    {
        assert!(
            Instant::now() < deadline,
            "no the Watchdog back notice: {told:?}"
        );
        round(&mut told).await;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
