use super::matchers::{Verdict, judge_panel, query_matchers};
use super::overlay::{AlertSpan, IncidentMoments, PanelScope, alert_events, incident_events};
use super::prometheus::{AnswerSeries, events_from_series, render_label_format};
use super::*;
use crate::{Dashboard, TimeWindow};
use serde_json::json;
use std::collections::BTreeMap;

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn query(step_seconds: f64) -> PrometheusAnnotation {
    PrometheusAnnotation {
        source_id: "query:1".into(),
        datasource: None,
        expr: "up == 0".into(),
        step_seconds,
        title_format: "{{job}} down".into(),
        text_format: "{{ instance }} of {{cluster}}".into(),
        tag_keys: vec!["job".into(), "instance".into()],
        use_value_for_time: false,
        color: Some("red".into()),
    }
}

fn series(label_pairs: &[(&str, &str)], samples: &[(f64, f64)]) -> AnswerSeries {
    AnswerSeries {
        labels: labels(label_pairs),
        timestamps_seconds: samples.iter().map(|s| s.0).collect(),
        values: samples.iter().map(|s| s.1).collect(),
    }
}

fn spans(events: &[AnnotationEvent]) -> Vec<(f64, Option<f64>)> {
    events.iter().map(|e| (e.time_ms, e.end_ms)).collect()
}

#[test]
fn consecutive_non_zero_samples_make_one_region_and_a_lone_one_a_point() {
    let answer = [series(
        &[("job", "api")],
        &[
            (0.0, 0.0),
            (60.0, 1.0),
            (120.0, 2.0),
            (180.0, 1.0),
            (240.0, 0.0),
            (300.0, 0.0),
            (360.0, 5.0),
            (420.0, 0.0),
        ],
    )];
    let events = events_from_series(&query(60.0), &answer);
    assert_eq!(
        spans(&events),
        vec![(60_000.0, Some(180_000.0)), (360_000.0, Some(360_000.0))]
    );
    assert!(events[0].is_region());
    assert!(!events[1].is_region(), "one sample is a point");
    assert_eq!(events[0].source_id, "query:1");
    assert_eq!(events[0].color.as_deref(), Some("red"));
}

#[test]
fn samples_further_apart_than_the_step_start_a_new_region() {
    // A gap in the answer (no sample at 120 s) is more than one 60 s step.
    let answer = [series(&[], &[(0.0, 1.0), (60.0, 1.0), (180.0, 1.0)])];
    assert_eq!(
        spans(&events_from_series(&query(60.0), &answer)),
        vec![(0.0, Some(60_000.0)), (180_000.0, Some(180_000.0))]
    );
    assert_eq!(
        spans(&events_from_series(&query(120.0), &answer)),
        vec![(0.0, Some(180_000.0))],
        "a longer step bridges the gap"
    );
}

#[test]
fn each_series_gives_its_own_events_with_its_labels_in_title_text_and_tags() {
    let answer = [
        series(
            &[("job", "api"), ("instance", "a:1"), ("env", "prod")],
            &[(60.0, 1.0)],
        ),
        series(&[("job", "db"), ("instance", "b:2")], &[(60.0, 1.0)]),
    ];
    let events = events_from_series(&query(60.0), &answer);
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].title, "api down");
    assert_eq!(
        events[0].text, "a:1 of cluster",
        "a missing label leaves its name"
    );
    assert_eq!(
        events[0].tags,
        vec!["a:1", "api"],
        "tag keys pick label values"
    );
    assert_eq!(events[1].title, "db down");
}

#[test]
fn use_value_for_time_reads_the_value_as_milliseconds() {
    let mut q = query(60.0);
    q.use_value_for_time = true;
    let deployed = 1_700_000_000_123.9;
    let answer = [series(
        &[],
        &[(100.0, deployed), (160.0, deployed), (220.0, 0.0)],
    )];
    let events = events_from_series(&q, &answer);
    assert_eq!(
        spans(&events),
        vec![
            (0.0, Some(0.0)),
            (1_700_000_000_123.0, Some(1_700_000_000_123.0))
        ],
        "every sample counts, its value is the time, in time order, the same time once"
    );
}

#[test]
fn label_format_handles_spaces_unclosed_braces_and_plain_text() {
    let l = labels(&[("job", "api")]);
    assert_eq!(render_label_format("{{job}}/{{ job }}", &l), "api/api");
    assert_eq!(render_label_format("plain", &l), "plain");
    assert_eq!(render_label_format("{{job", &l), "{{job");
    assert_eq!(render_label_format("", &l), "");
}

fn dashboard(list: serde_json::Value) -> Dashboard {
    serde_json::from_value(json!({"title": "d", "annotations": {"list": list}})).unwrap()
}

#[test]
fn the_annotation_list_is_read_with_grafana_defaults() {
    let d = dashboard(json!([
        {"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
         "enable": true, "hide": true, "iconColor": "rgba(0, 211, 255, 1)",
         "name": "Annotations & Alerts", "type": "dashboard"},
        {"datasource": {"type": "prometheus", "uid": "prom"}, "enable": false,
         "expr": "ALERTS{alertstate=\"firing\"}", "step": "30s", "name": "Firing",
         "titleFormat": "{{alertname}}", "textFormat": "{{instance}}",
         "tagKeys": "job, instance", "useValueForTime": false, "iconColor": "#f00"},
        {"datasource": {"type": "prometheus", "uid": "prom"}, "name": "New style",
         "target": {"expr": "deploys", "interval": "2m", "refId": "Anno"}},
        {"datasource": {"type": "loki", "uid": "logs"}, "expr": "{job=\"x\"}", "name": "Loki"},
        {"datasource": "Prometheus", "expr": "", "name": "Empty"}
    ]));
    let (sources, queries) = sources(&d);
    let ids: Vec<&str> = sources.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        vec![ALERTS_SOURCE_ID, INCIDENTS_SOURCE_ID, "query:1", "query:2"],
        "the built-in entry is Hinomi's alerts; Loki and empty queries are not drawn"
    );
    assert_eq!(sources[0].name, "Annotations & Alerts");
    assert!(
        !sources[0].hidden,
        "the alerts keep their toggle despite Grafana's `hide`"
    );
    assert_eq!(sources[0].color.as_deref(), Some("rgba(0, 211, 255, 1)"));
    assert!(!sources[2].enabled_by_default, "`enable: false`");
    assert!(sources[3].enabled_by_default);
    assert_eq!(queries.len(), 2);
    assert_eq!(queries[0].step_seconds, 30.0);
    assert_eq!(queries[0].tag_keys, vec!["job", "instance"]);
    assert_eq!(queries[0].title_format, "{{alertname}}");
    assert_eq!(queries[1].expr, "deploys");
    assert_eq!(
        queries[1].step_seconds, 120.0,
        "Grafana 10's target.interval"
    );
}

#[test]
fn a_dashboard_without_annotations_still_gets_alerts_and_incidents() {
    let d: Dashboard = serde_json::from_value(json!({"title": "d"})).unwrap();
    let (sources, queries) = sources(&d);
    assert_eq!(sources.len(), 2);
    assert!(queries.is_empty());
    let d = dashboard(json!([{"datasource": "Prometheus", "expr": "up", "name": "x"}]));
    assert_eq!(
        sources_of(&d)[0].step_seconds,
        60.0,
        "Grafana's default step"
    );
}

fn sources_of(d: &Dashboard) -> Vec<PrometheusAnnotation> {
    sources(d).1
}

#[test]
fn selectors_give_their_matchers_and_strings_do_not_confuse_them() {
    let m = query_matchers(
        r#"sum by (job) (rate(http_requests_total{job="api", instance=~"a.*",code!="200"}[5m])) / on() vector(1) + label_replace(up, "x", "{job=\"no\"}", "", "")"#,
    );
    let names: Vec<&str> = m.0.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, vec!["job", "instance", "code"]);
    assert_eq!(
        m.judge(&labels(&[("job", "api"), ("instance", "a:1")])),
        Verdict::Matches
    );
    assert_eq!(
        m.judge(&labels(&[("job", "api"), ("instance", "b:1")])),
        Verdict::Differs
    );
    assert_eq!(m.judge(&labels(&[("code", "200")])), Verdict::Differs);
    assert_eq!(m.judge(&labels(&[("alertname", "X")])), Verdict::Unrelated);
}

#[test]
fn any_matching_query_puts_the_alert_on_the_panel() {
    let queries = [
        query_matchers(r#"up{job="db"}"#),
        query_matchers(r#"up{job="api"}"#),
    ];
    assert_eq!(
        judge_panel(&queries, &labels(&[("job", "api")])),
        Verdict::Matches
    );
    assert_eq!(
        judge_panel(&queries, &labels(&[("job", "web")])),
        Verdict::Differs
    );
    assert_eq!(
        judge_panel(&[query_matchers("sum(up)")], &labels(&[("job", "web")])),
        Verdict::Unrelated
    );
}

fn alert(
    name: &str,
    pairs: &[(&str, &str)],
    prometheus: &[&str],
    from: f64,
    to: Option<f64>,
) -> AlertSpan {
    AlertSpan {
        alertname: name.into(),
        severity: "critical".into(),
        labels: labels(pairs),
        summary: Some(format!("{name} summary")),
        prometheus_ids: prometheus.iter().map(|s| (*s).to_owned()).collect(),
        started_ms: from,
        resolved_ms: to,
    }
}

fn panel(id: u32, ds: &str, exprs: &[&str]) -> PanelScope {
    PanelScope {
        panel_id: id,
        datasource_ids: vec![ds.into()],
        matchers: exprs.iter().map(|e| query_matchers(e)).collect(),
    }
}

#[test]
fn alerts_go_on_panels_sharing_their_labels_else_on_their_datasources_panels() {
    let window = TimeWindow {
        from_ms: 1_000.0,
        to_ms: 10_000.0,
    };
    let panels = [
        panel(1, "prom-a", &[r#"rate(errors{job="api"}[1m])"#]),
        panel(2, "prom-a", &[r#"rate(errors{job="db"}[1m])"#]),
        panel(3, "prom-a", &["sum(rate(errors[1m]))"]),
        panel(4, "prom-b", &["sum(up)"]),
    ];
    let alerts = [
        alert(
            "ApiErrors",
            &[("job", "api"), ("alertname", "ApiErrors")],
            &["prom-a"],
            2_000.0,
            Some(5_000.0),
        ),
        alert(
            "Firing",
            &[("severity", "page")],
            &["prom-b"],
            6_000.0,
            None,
        ),
        alert(
            "FromAlertmanager",
            &[("team", "x")],
            &[],
            3_000.0,
            Some(4_000.0),
        ),
        alert("LongAgo", &[("job", "api")], &["prom-a"], 0.0, Some(500.0)),
    ];
    let events = alert_events(&alerts, &panels, &window, 9_000.0);
    let placed: Vec<(&str, Vec<u32>, f64, Option<f64>)> = events
        .iter()
        .map(|e| {
            (
                e.title.as_str(),
                e.panel_ids.clone().unwrap(),
                e.time_ms,
                e.end_ms,
            )
        })
        .collect();
    assert_eq!(
        placed,
        vec![
            ("ApiErrors", vec![1, 3], 2_000.0, Some(5_000.0)),
            ("Firing", vec![4], 6_000.0, Some(9_000.0)),
            ("FromAlertmanager", vec![1, 2, 3, 4], 3_000.0, Some(4_000.0)),
        ],
        "label overlap decides; no overlap means the datasource's panels; firing runs to now; \
         resolved before the window is left out"
    );
    assert_eq!(events[0].source_id, ALERTS_SOURCE_ID);
    assert_eq!(events[0].text, "ApiErrors summary");
    assert_eq!(events[0].tags, vec!["critical", "job=api", "resolved"]);
    assert_eq!(events[1].tags.last().map(String::as_str), Some("firing"));
}

#[test]
fn incidents_mark_their_moments_inside_the_window() {
    let window = TimeWindow {
        from_ms: 1_000.0,
        to_ms: 10_000.0,
    };
    let incidents = [IncidentMoments {
        id: "INC-1".into(),
        title: "API errors".into(),
        severity: "P1".into(),
        detected_ms: 2_000.0,
        acknowledged_ms: Some(3_000.0),
        mitigated_ms: Some(20_000.0),
    }];
    let events = incident_events(&incidents, &window);
    assert_eq!(spans(&events), vec![(2_000.0, None), (3_000.0, None)]);
    assert_eq!(events[0].tags, vec!["detected", "P1"]);
    assert_eq!(events[1].tags[0], "acknowledged");
    assert_eq!(events[0].title, "INC-1 API errors");
    assert!(
        events
            .iter()
            .all(|e| e.panel_ids.is_none() && e.source_id == INCIDENTS_SOURCE_ID)
    );
}

#[test]
fn a_panels_events_are_those_of_it_or_of_all_inside_the_window_cut_to_it() {
    let event = |panels: Option<Vec<u32>>, from: f64, to: Option<f64>| AnnotationEvent {
        source_id: "s".into(),
        time_ms: from,
        end_ms: to,
        title: String::new(),
        text: String::new(),
        tags: vec![],
        color: None,
        panel_ids: panels,
    };
    let events = [
        event(None, 500.0, Some(1_500.0)),
        event(Some(vec![2]), 1_200.0, None),
        event(Some(vec![7]), 1_300.0, None),
        event(None, 3_000.0, None),
        event(None, 1_800.0, Some(2_500.0)),
    ];
    let window = TimeWindow {
        from_ms: 1_000.0,
        to_ms: 2_000.0,
    };
    assert_eq!(
        spans(&events_for_panel(&events, 2, &window)),
        vec![
            (1_000.0, Some(1_500.0)),
            (1_200.0, None),
            (1_800.0, Some(2_000.0))
        ]
    );
}

#[test]
fn a_heartbeat_alert_of_severity_none_is_not_drawn() {
    let window = TimeWindow {
        from_ms: 1_000.0,
        to_ms: 10_000.0,
    };
    let panels = [panel(1, "prom", &["sum(up)"])];
    // As the shell hands it over: the tag text left empty for "none", the label kept.
    let mut watchdog = alert("Watchdog", &[("severity", "none")], &["prom"], 0.0, None);
    watchdog.severity = String::new();
    let real = alert("HighErrorRate", &[], &["prom"], 2_000.0, None);
    // No severity label at all is not a heartbeat: it is drawn.
    let mut unlabelled = alert("DiskFilling", &[], &["prom"], 3_000.0, None);
    unlabelled.severity = String::new();
    let events = alert_events(&[watchdog, real, unlabelled], &panels, &window, 9_000.0);
    let titles: Vec<&str> = events.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["HighErrorRate", "DiskFilling"]);
}

/// A PostgreSQL panel over `$pg_instance`, "All" selected with the custom all value `.*`, and
/// the options `listed` (none: not loaded).
fn postgres_dashboard(listed: &[&str]) -> Dashboard {
    let options: Vec<serde_json::Value> = listed
        .iter()
        .map(|v| json!({"text": v, "value": v, "selected": false}))
        .collect();
    serde_json::from_value(json!({
        "title": "d",
        "templating": {"list": [{
            "type": "query", "name": "pg_instance", "query": "label_values(pg_up, instance)",
            "multi": true, "includeAll": true, "allValue": ".*",
            "current": {"text": "All", "value": ["$__all"]},
            "options": options
        }]},
        "panels": [{"id": 7, "type": "timeseries", "targets": [
            {"refId": "A", "expr": "sum by (datname) (pg_stat_database_numbackends{instance=~\"$pg_instance\"})"}
        ]}]
    }))
    .unwrap()
}

fn last_hour() -> crate::QueryContext {
    crate::QueryContext {
        window: TimeWindow {
            from_ms: 0.0,
            to_ms: 3_600_000.0,
        },
        width_px: 1000,
        scrape_interval_seconds: 15.0,
    }
}

fn panel_verdict(d: &Dashboard, alert_labels: &[(&str, &str)]) -> Verdict {
    let ctx = last_hour();
    let planned = crate::plan_panel(&overlay::all_as_listed_options(d), 7, &ctx).unwrap();
    let matchers: Vec<_> = planned.iter().map(|q| query_matchers(&q.expr)).collect();
    judge_panel(&matchers, &labels(alert_labels))
}

#[test]
fn all_with_a_custom_all_value_matches_alerts_by_the_listed_options() {
    let d = postgres_dashboard(&["127.0.0.1:9187", "127.0.0.1:9188"]);
    assert_eq!(
        panel_verdict(&d, &[("instance", "127.0.0.1:9100"), ("job", "node")]),
        Verdict::Differs,
        "a node alert is not drawn on the PostgreSQL panel (`.*` would accept its instance)"
    );
    assert_eq!(
        panel_verdict(&d, &[("instance", "127.0.0.1:9188"), ("job", "postgres")]),
        Verdict::Matches,
        "an alert of a listed PostgreSQL server is"
    );
    // The panel's own query keeps `.*`: only the matching reads the options.
    let ctx = last_hour();
    let run = crate::plan_panel(&d, 7, &ctx).unwrap();
    assert!(run[0].expr.contains(r#"instance=~".*""#), "{}", run[0].expr);
}

#[test]
fn all_with_a_custom_all_value_and_no_listed_options_keeps_it() {
    let d = postgres_dashboard(&[]);
    assert_eq!(
        panel_verdict(&d, &[("instance", "127.0.0.1:9100")]),
        Verdict::Matches,
        "without options there is nothing better than the all value to judge by"
    );
}
