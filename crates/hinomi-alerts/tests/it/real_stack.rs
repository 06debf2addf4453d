//! Over 400 lines: one real stack shared by every scenario that needs Prometheus and Alertmanager.
//! hinomi-alerts against the real demo stack: Prometheus with the seed's rules and a Watchdog,
//! and Alertmanager with the seed's route, on free loopback ports with fast route timing.

use crate::support::{datasource, endpoints, start_stack, wait_for};
use hinomi_alerts::alert::fingerprint_hex;
use hinomi_alerts::history::AlertHistory;
use hinomi_alerts::local_rules::{LocalRuleEvaluator, PrometheusInstantQuery, parse_rule_file};
use hinomi_alerts::poller::{AlertPoller, AlertSource};
use hinomi_alerts::silences::{SilenceDraft, SilenceMatcher};
use hinomi_alerts::sources::{AlertmanagerClient, PrometheusAlertsClient, RuleHealth};
use hinomi_alerts::{AlertState, LabelSet, SourceKind};
use hinomi_core::ErrorCode;
use hinomi_core::clock::SystemClock;
use hinomi_core::http::Endpoint;
use hinomi_core::settings::DatasourceKind;
use hinomi_demo_stack::Component;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(60);

fn labels(pairs: &[(&str, &str)]) -> LabelSet {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watchdog_rules_routing_and_ha_dedupe_on_the_real_stack() {
    let state = tempfile::tempdir().unwrap();
    let stack = start_stack(state.path()).await;
    let prometheus_url = stack.url(Component::Prometheus);
    let alertmanager_url = stack.url(Component::Alertmanager);
    let prometheus = PrometheusAlertsClient::from_endpoint(
        Endpoint::new(&datasource(
            "prom",
            DatasourceKind::Prometheus,
            prometheus_url.clone(),
        ))
        .unwrap(),
    );
    let alertmanager = AlertmanagerClient::from_endpoint(
        Endpoint::new(&datasource(
            "am-a",
            DatasourceKind::Alertmanager,
            alertmanager_url.clone(),
        ))
        .unwrap(),
    );

    // Prometheus: the Watchdog fires, and its rule is healthy and evaluated.
    let watchdog = wait_for("the Watchdog in Prometheus", WAIT, || async {
        prometheus
            .alerts()
            .await
            .unwrap()
            .into_iter()
            .find(|alert| alert.alertname() == "Watchdog" && alert.state == AlertState::Firing)
    })
    .await;
    assert_eq!(
        watchdog.annotations["summary"],
        "アラートパイプラインの生存確認 (Watchdog)"
    );
    let groups = prometheus.rules().await.unwrap();
    let rule = groups
        .iter()
        .flat_map(|group| &group.rules)
        .find(|rule| rule.name == "Watchdog")
        .expect("the Watchdog rule");
    assert_eq!(rule.group, "infrastructure");
    assert_eq!(rule.health, RuleHealth::Ok);
    assert_eq!(rule.last_error, None);
    assert!(rule.last_evaluation.is_some());
    assert_eq!(rule.state.as_deref(), Some("firing"));
    let high_error_rate = groups
        .iter()
        .flat_map(|group| &group.rules)
        .find(|rule| rule.name == "HighErrorRate")
        .expect("the seed's HighErrorRate rule");
    assert_eq!(high_error_rate.for_secs, 300.0);

    // Alertmanager: the Watchdog sits in a group of the `watchdog` receiver, under the same
    // fingerprint Hinomi computes from its labels.
    let group = wait_for("the Watchdog group in Alertmanager", WAIT, || async {
        alertmanager
            .alert_groups()
            .await
            .unwrap()
            .into_iter()
            .find(|group| {
                group
                    .alerts
                    .iter()
                    .any(|a| a.labels["alertname"] == "Watchdog")
            })
    })
    .await;
    assert_eq!(group.receiver, "watchdog");
    assert_eq!(
        group.labels,
        labels(&[("alertname", "Watchdog"), ("severity", "none")])
    );
    let in_alertmanager = &group.alerts[0];
    assert_eq!(
        in_alertmanager.fingerprint,
        fingerprint_hex(&in_alertmanager.labels)
    );
    assert_eq!(in_alertmanager.receivers, ["watchdog"]);

    // Routing, read from /api/v2/status.
    let status = alertmanager.status().await.unwrap();
    assert!(status.version.starts_with('0'), "{status:?}");
    let routing = alertmanager.routing().await.unwrap();
    let receivers = |pairs: &[(&str, &str)]| -> Vec<String> {
        routing
            .explain(&labels(pairs))
            .into_iter()
            .map(|route| route.receiver)
            .collect()
    };
    assert_eq!(
        receivers(&[("alertname", "Watchdog"), ("severity", "none")]),
        ["watchdog"]
    );
    assert_eq!(
        receivers(&[("alertname", "HighErrorRate"), ("severity", "critical")]),
        ["team-dataset"]
    );
    let watchdog_route = &routing.explain(&labels(&[("alertname", "Watchdog")]))[0];
    assert_eq!(watchdog_route.group_wait, "0s");
    assert_eq!(watchdog_route.repeat_interval, "1m");
    assert!(!watchdog_route.send_resolved);
    let team_route = &routing.explain(&labels(&[("alertname", "HighErrorRate")]))[0];
    assert_eq!(team_route.group_by, ["alertname", "severity"]);
    assert_eq!(team_route.group_wait, "1s", "the stack's fast timing");
    assert!(team_route.send_resolved);

    // The poller: Prometheus plus the same Alertmanager twice, as an HA pair would report it.
    let history = AlertHistory::open(&state.path().join("hinomi/alerts.sqlite")).unwrap();
    let endpoints = endpoints();
    let source = |id: &str, kind: DatasourceKind, url: &str| {
        AlertSource::for_datasource(&datasource(id, kind, url.to_owned()), endpoints.clone())
            .unwrap()
    };
    let sources = vec![
        source("prom", DatasourceKind::Prometheus, &prometheus_url),
        source("am-a", DatasourceKind::Alertmanager, &alertmanager_url),
        source("am-b", DatasourceKind::Alertmanager, &alertmanager_url),
    ];
    let mut poller = AlertPoller::new(sources, history, Arc::new(SystemClock)).unwrap();
    let outcome = poller.poll().await;
    assert!(outcome.history_error.is_none());
    assert!(
        outcome.sources.iter().all(|s| s.last_error.is_none()),
        "{:?}",
        outcome.sources
    );
    let watchdogs: Vec<_> = poller
        .snapshot()
        .alerts()
        .iter()
        .filter(|alert| alert.alertname() == "Watchdog")
        .collect();
    assert_eq!(watchdogs.len(), 1, "{watchdogs:#?}");
    let ids: Vec<&str> = watchdogs[0]
        .sources
        .iter()
        .map(|s| s.datasource_id.as_str())
        .collect();
    assert_eq!(ids, ["am-a", "am-b", "prom"]);
    assert_eq!(watchdogs[0].receivers, ["watchdog"]);
    assert!(watchdogs[0].value.is_some(), "Prometheus's value is kept");
    let open = poller.history().open_episodes().unwrap();
    assert!(open.iter().any(|episode| episode.alertname == "Watchdog"));

    // A personal watch rule evaluated through the same Prometheus.
    let rules = parse_rule_file(
        "watch.yml",
        "groups:\n- name: mine\n  rules:\n  - alert: AlwaysOn\n    expr: vector(1)\n    \
         annotations:\n      summary: 'value {{ $value }}'\n  - alert: Down\n    expr: up == 0\n",
    )
    .unwrap();
    let mut evaluator = LocalRuleEvaluator::new(rules, Arc::new(SystemClock));
    let query = PrometheusInstantQuery::from_endpoint(
        Endpoint::new(&datasource(
            "prom",
            DatasourceKind::Prometheus,
            prometheus_url,
        ))
        .unwrap(),
    );
    evaluator.evaluate(&query).await;
    let local = evaluator.alerts();
    assert_eq!(local.len(), 1, "{local:#?}");
    assert_eq!(local[0].alertname(), "AlwaysOn");
    assert_eq!(local[0].state, AlertState::Firing);
    assert_eq!(local[0].annotations["summary"], "value 1");
    assert_eq!(local[0].sources[0].kind, SourceKind::LocalRules);
    assert!(evaluator.rule_status().iter().all(|rule| rule.ok));

    stack.shutdown().await;
}

/// Alertmanager's silences as a plain HTTP client sees them, independent of our client.
async fn raw_silences(http: &reqwest::Client, alertmanager: &str) -> Vec<Value> {
    http.get(format!("{alertmanager}/api/v2/silences"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn raw_silence(http: &reqwest::Client, alertmanager: &str, id: &str) -> Value {
    raw_silences(http, alertmanager)
        .await
        .into_iter()
        .find(|silence| silence["id"] == id)
        .unwrap_or_else(|| panic!("silence {id} is not listed"))
}

async fn raw_watchdog(http: &reqwest::Client, alertmanager: &str) -> Option<Value> {
    let alerts: Vec<Value> = http
        .get(format!("{alertmanager}/api/v2/alerts"))
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    alerts
        .into_iter()
        .find(|alert| alert["labels"]["alertname"] == "Watchdog")
}

/// What Alertmanager itself answers to a POST of this body: (status, body text).
async fn raw_post(
    http: &reqwest::Client,
    alertmanager: &str,
    body: &Value,
) -> (reqwest::StatusCode, String) {
    let response = http
        .post(format!("{alertmanager}/api/v2/silences"))
        .json(body)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silences_are_created_edited_expired_and_refused_verbatim() {
    let state = tempfile::tempdir().unwrap();
    let stack = start_stack(state.path()).await;
    let url = stack.url(Component::Alertmanager);
    let http = reqwest::Client::new();
    let client = AlertmanagerClient::from_endpoint(
        Endpoint::new(&datasource("am", DatasourceKind::Alertmanager, url.clone())).unwrap(),
    );

    let watchdog = wait_for("the Watchdog in Alertmanager", WAIT, || async {
        client
            .alerts()
            .await
            .unwrap()
            .into_iter()
            .find(|alert| alert.alertname() == "Watchdog")
    })
    .await;
    assert_eq!(watchdog.state, AlertState::Firing);

    // Create, from the alert's labels.
    let now = chrono::Utc::now();
    let draft = SilenceDraft::for_alert(
        &watchdog.labels,
        now,
        Duration::from_secs(3600),
        "hinomi-test",
        "メンテナンス中",
    );
    let id = client.create_silence(&draft).await.unwrap();
    let listed = raw_silence(&http, &url, &id).await;
    assert_eq!(listed["status"]["state"], "active");
    assert_eq!(listed["createdBy"], "hinomi-test");
    assert_eq!(listed["comment"], "メンテナンス中");
    let matchers = listed["matchers"].as_array().unwrap();
    assert!(
        matchers.contains(&json!({"name": "alertname", "value": "Watchdog",
        "isRegex": false, "isEqual": true}))
    );
    assert_eq!(matchers.len(), watchdog.labels.len());

    // The alert becomes suppressed by it.
    let suppressed = wait_for("the Watchdog to be suppressed", WAIT, || async {
        raw_watchdog(&http, &url)
            .await
            .filter(|alert| alert["status"]["state"] == "suppressed")
    })
    .await;
    assert_eq!(suppressed["status"]["silencedBy"], json!([id]));
    let seen = client
        .alerts()
        .await
        .unwrap()
        .into_iter()
        .find(|alert| alert.alertname() == "Watchdog")
        .unwrap();
    assert_eq!(seen.state, AlertState::Silenced);
    assert_eq!(seen.silenced_by, std::slice::from_ref(&id));

    // Edit: a longer end and a new comment (Alertmanager may answer with a new id).
    let ours = client
        .silences()
        .await
        .unwrap()
        .into_iter()
        .find(|silence| silence.id == id)
        .unwrap();
    let mut edit = SilenceDraft::from_silence(&ours);
    edit.ends_at += chrono::Duration::hours(2);
    edit.comment = "延長".into();
    let edited_id = client.update_silence(&id, &edit).await.unwrap();
    let edited = raw_silence(&http, &url, &edited_id).await;
    assert_eq!(edited["comment"], "延長");
    assert_eq!(edited["status"]["state"], "active");
    let ends_at = chrono::DateTime::parse_from_rfc3339(edited["endsAt"].as_str().unwrap()).unwrap();
    assert_eq!(ends_at.to_utc(), edit.ends_at);
    if edited_id != id {
        assert_eq!(
            raw_silence(&http, &url, &id).await["status"]["state"],
            "expired"
        );
    }

    // Expire: listed as expired, and the alert is active again.
    client.expire_silence(&edited_id).await.unwrap();
    assert_eq!(
        raw_silence(&http, &url, &edited_id).await["status"]["state"],
        "expired"
    );
    wait_for("the Watchdog to be active again", WAIT, || async {
        raw_watchdog(&http, &url)
            .await
            .filter(|alert| alert["status"]["state"] == "active")
    })
    .await;

    // Invalid silences: Alertmanager's own words reach the caller.
    let no_matchers = SilenceDraft {
        matchers: Vec::new(),
        ..draft.clone()
    };
    let backwards = SilenceDraft {
        starts_at: now + chrono::Duration::hours(1),
        ends_at: now,
        ..draft.clone()
    };
    for (what, bad) in [
        ("no matchers", no_matchers),
        ("end before start", backwards),
    ] {
        let err = client.create_silence(&bad).await.unwrap_err();
        let body = json!({
            "matchers": bad.matchers.iter().map(|m: &SilenceMatcher| json!({
                "name": m.name, "value": m.value, "isRegex": m.is_regex, "isEqual": m.is_equal
            })).collect::<Vec<_>>(),
            "startsAt": bad.starts_at, "endsAt": bad.ends_at,
            "createdBy": bad.created_by, "comment": bad.comment,
        });
        let (status, raw) = raw_post(&http, &url, &body).await;
        eprintln!("{what}: Alertmanager answered {status} {raw:?}; we said {err:?}");
        // 422 from the API's schema validation (no matchers), 400 from the silence checks.
        assert!(matches!(status.as_u16(), 400 | 422), "{what}: {status}");
        assert_eq!(err.code, ErrorCode::Backend, "{what}: {err:?}");
        assert!(!err.message.is_empty());
        assert!(
            raw.contains(&err.message),
            "{what}: {:?} is not Alertmanager's {raw:?}",
            err.message
        );
        assert_eq!(err.detail, Some(format!("HTTP {status}")));
    }

    // Expiring a silence that does not exist.
    let err = client
        .expire_silence("00000000-0000-0000-0000-000000000000")
        .await
        .unwrap_err();
    // Alertmanager 0.25 answers 500 "silence not found"; newer ones 404.
    assert!(
        matches!(err.code, ErrorCode::NotFound | ErrorCode::Backend),
        "{err:?}"
    );
    assert_eq!(err.message, "silence not found");

    stack.shutdown().await;
}
