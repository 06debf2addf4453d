//! Interpolation and the query plan built on it, against one fixture dashboard.

use super::*;
use crate::import_dashboard;
use crate::query_plan::{QueryContext, plan_panel};
use serde_json::json;

const HOUR_MS: f64 = 3_600_000.0;
/// 2026-11-25T12:00:00Z
const NOON_MS: f64 = 1_795_608_000_000.0;

fn window(hours: f64) -> TimeWindow {
    TimeWindow {
        from_ms: NOON_MS - hours * HOUR_MS,
        to_ms: NOON_MS,
    }
}

fn dashboard() -> Dashboard {
    let json = json!({
        "title": "Vars",
        "templating": {"list": [
            {"type": "custom", "name": "single", "query": "it's,a\\b", "current": {"text": "it's", "value": "it's"}},
            {"type": "custom", "name": "multi", "query": "a.b,c|d,e", "multi": true,
             "current": {"text": ["a.b", "c|d"], "value": ["a.b", "c|d"]}},
            {"type": "custom", "name": "all_plain", "query": "x,y,z", "multi": true, "includeAll": true,
             "current": {"text": ["All"], "value": ["$__all"]}},
            {"type": "custom", "name": "all_custom", "query": "x,y", "includeAll": true, "allValue": ".*",
             "current": {"text": "All", "value": "$__all"}},
            {"type": "query", "name": "node", "query": "label_values(up, instance)",
             "options": [{"text": "h1:9100", "value": "h1:9100", "selected": false},
                         {"text": "h2:9100", "value": "h2:9100", "selected": false}],
             "current": {}},
            {"type": "constant", "name": "cluster", "query": "prod"},
            {"type": "textbox", "name": "filter", "query": "default-text"},
            {"type": "interval", "name": "step", "query": "1m,5m,1h", "auto": true, "auto_count": 30,
             "auto_min": "10s", "current": {"text": "auto", "value": "$__auto_interval_step"}},
            {"type": "interval", "name": "fixed", "query": "1m,5m", "current": {"text": "5m", "value": "5m"}},
            {"type": "custom", "name": "envs", "query": "Production : prod, Staging : stage", "multi": true,
             "current": {"text": ["Production", "Staging"], "value": ["prod", "stage"]}},
            {"type": "adhoc", "name": "filters"}
        ]},
        "panels": [
            {"id": 1, "type": "timeseries", "title": "p", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
             "targets": [
                {"refId": "A", "expr": "rate(x{i=~\"$node\"}[$__rate_interval])", "legendFormat": "{{i}} $cluster"},
                {"refId": "B", "expr": "hidden", "hide": true},
                {"refId": "C", "expr": "sum(x)", "instant": true, "range": false},
                {"refId": "D", "expr": "avg_over_time(x[$__interval])", "interval": "1m"},
                {"refId": "E", "expr": "x", "intervalFactor": 2},
                {"refId": "F", "datasource": {"type": "loki", "uid": "l"}}
             ]},
            {"id": 2, "type": "stat", "title": "q", "maxDataPoints": 100, "interval": "30s",
             "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
             "targets": [{"refId": "A", "expr": "x[$__interval]"}]}
        ]
    });
    import_dashboard(&json.to_string(), "vars.json")
        .unwrap()
        .dashboard
}

fn scope() -> TemplateScope {
    TemplateScope::for_dashboard(&dashboard(), &window(6.0))
}

#[test]
fn every_syntax_is_replaced() {
    let s = scope();
    assert_eq!(
        s.interpolate("$cluster ${cluster} [[cluster]]"),
        "prod prod prod"
    );
    assert_eq!(
        s.interpolate("${multi:csv} [[multi:pipe]] ${multi:raw}"),
        "a.b,c|d a.b|c|d a.b,c|d"
    );
    assert_eq!(s.interpolate("${multi:regex}"), r"(a\.b|c\|d)");
    assert_eq!(s.interpolate("${cluster:regex}"), "prod");
    assert_eq!(s.interpolate("${envs:text}"), "Production + Staging");
    assert_eq!(s.interpolate("${multi:json}"), r#"["a.b","c|d"]"#);
    assert_eq!(s.interpolate("${multi:doublequote}"), r#""a.b","c|d""#);
    assert_eq!(s.interpolate("${multi:singlequote}"), "'a.b','c|d'");
    assert_eq!(
        s.interpolate("${envs:queryparam}"),
        "var-envs=prod&var-envs=stage"
    );
    assert_eq!(s.interpolate("${multi:glob}"), "{a.b,c|d}");
    assert_eq!(s.interpolate("${multi:distributed}"), "a.b,multi=c|d");
    // Outside PromQL (legends, datasource names) values are written plainly.
    assert_eq!(
        s.interpolate_with_format("$multi $single", "glob"),
        "{a.b,c|d} it's"
    );
    // Grafana falls back to glob for formats it does not know.
    assert_eq!(s.interpolate("${multi:nonsense}"), "{a.b,c|d}");
}

#[test]
fn unknown_and_partial_names_are_left_alone() {
    let s = scope();
    assert_eq!(
        s.interpolate("$nope ${nope} [[nope]]"),
        "$nope ${nope} [[nope]]"
    );
    // Longer names are other variables; label_replace's "$1" is not a variable.
    assert_eq!(
        s.interpolate("$clusterx $cluster_name \"$1\""),
        "$clusterx $cluster_name \"$1\""
    );
    // Ad hoc filters are kept as written: Hinomi does not resolve them.
    assert_eq!(s.interpolate("$filters"), "$filters");
}

#[test]
fn multi_value_becomes_an_escaped_promql_regex_group() {
    let s = scope();
    // Regex metacharacters get `\\` so the PromQL string unescapes them to `\.` and `\|`.
    assert_eq!(
        s.interpolate(r#"x{v=~"$multi"}"#),
        r#"x{v=~"(a\\.b|c\\|d)"}"#
    );
    let mut one = ScopedValue::single("1.2.3.4:9100");
    one.multi_or_all = true;
    let mut s = TemplateScope::new();
    s.set("ip", one);
    assert_eq!(
        s.interpolate(r#"{i=~"$ip"}"#),
        r#"{i=~"1\\.2\\.3\\.4:9100"}"#
    );
    assert_eq!(
        prometheus_regex_escape(r"a\b$^*{}[]'+?.()|"),
        r"a\\\\b\\$\\^\\*\\{\\}\\[\\]\\'\\+\\?\\.\\(\\)\\|"
    );
}

#[test]
fn single_value_is_escaped_for_a_promql_string_only() {
    let s = scope();
    assert_eq!(s.interpolate(r#"{v="$single"}"#), r#"{v="it\\'s"}"#);
    assert_eq!(prometheus_plain_escape(r"a\b.c"), r"a\\b.c");
}

#[test]
fn all_without_all_value_is_every_option() {
    assert_eq!(
        scope().interpolate(r#"{v=~"$all_plain"}"#),
        r#"{v=~"(x|y|z)"}"#
    );
    assert_eq!(scope().interpolate("${all_plain:text}"), "All");
}

#[test]
fn all_with_all_value_is_written_verbatim() {
    let s = scope();
    assert_eq!(s.interpolate(r#"{v=~"$all_custom"}"#), r#"{v=~".*"}"#);
    assert_eq!(s.interpolate("${all_custom:csv}"), ".*");
    assert_eq!(
        s.interpolate("${all_custom:queryparam}"),
        "var-all_custom=%24__all"
    );
}

#[test]
fn nothing_selected_means_the_first_option() {
    assert_eq!(scope().interpolate("$node"), "h1:9100");
}

#[test]
fn constant_textbox_and_interval_variables() {
    let s = scope();
    assert_eq!(s.interpolate("$filter"), "default-text");
    assert_eq!(s.interpolate("$fixed"), "5m");
    // 6 h / 30 = 12 min, which Grafana rounds to 10 min.
    assert_eq!(s.interpolate("$step"), "10m");
    let short = TemplateScope::for_dashboard(&dashboard(), &window(0.05));
    // 3 min / 30 = 6 s, below auto_min.
    assert_eq!(short.interpolate("$step"), "10s");
}

#[test]
fn time_built_ins() {
    let s = scope();
    assert_eq!(
        s.interpolate("$__range $__range_s $__range_ms"),
        "21600s 21600 21600000"
    );
    assert_eq!(
        s.interpolate("$__from $__to"),
        "1795586400000 1795608000000"
    );
    assert_eq!(s.interpolate("${__to:date:seconds}"), "1795608000");
    assert_eq!(s.interpolate("${__to:date}"), "2026-11-25T12:00:00.000Z");
    assert_eq!(s.interpolate("$__dashboard"), "Vars");
}

#[test]
fn rate_interval_is_grafanas_formula() {
    let mut s = TemplateScope::new();
    s.set_interval(20.0, 15.0);
    assert_eq!(
        s.interpolate("$__interval $__interval_ms $__rate_interval"),
        "20s 20000 1m"
    );
    s.set_interval(300.0, 15.0);
    assert_eq!(
        s.interpolate("$__rate_interval ${__rate_interval_ms}"),
        "315s 315000"
    );
    s.set_interval(20.0, 0.0);
    assert_eq!(
        s.interpolate("$__rate_interval"),
        "1m",
        "unknown scrape interval counts as 15s"
    );
}

fn ctx(hours: f64, width: u32) -> QueryContext {
    QueryContext {
        window: window(hours),
        width_px: width,
        scrape_interval_seconds: 15.0,
    }
}

#[test]
fn planned_queries_for_six_hours_at_1000_px() {
    let plan = plan_panel(&dashboard(), 1, &ctx(6.0, 1000)).unwrap();
    let refs: Vec<&str> = plan.iter().map(|q| q.ref_id.as_str()).collect();
    // B is hidden, F has no PromQL (another datasource).
    assert_eq!(refs, ["A", "C", "D", "E"]);
    let a = &plan[0];
    // 6 h / 1000 px = 21.6 s → Grafana's nice step 20 s; rate interval max(20+15, 4×15) = 60 s.
    assert_eq!(a.step_seconds, 20.0);
    assert_eq!(a.expr, r#"rate(x{i=~"h1:9100"}[1m])"#);
    assert_eq!(a.legend_format.as_deref(), Some("{{i}} prod"));
    assert!(!a.instant);
    assert_eq!(a.end_seconds, NOON_MS / 1000.0);
    assert_eq!(a.start_seconds, NOON_MS / 1000.0 - 21_600.0);
    let c = &plan[1];
    assert!(c.instant);
    assert_eq!(c.start_seconds, c.end_seconds);
    // A target's own min interval wins over a finer panel step.
    assert_eq!(plan[2].step_seconds, 60.0);
    assert_eq!(plan[2].expr, "avg_over_time(x[1m])");
    assert_eq!(plan[3].step_seconds, 40.0, "intervalFactor 2");
}

#[test]
fn step_never_finer_than_the_scrape_interval() {
    // 1 h / 1000 px = 3.6 s → rounded 2 s, raised to the 15 s scrape interval.
    let plan = plan_panel(&dashboard(), 1, &ctx(1.0, 1000)).unwrap();
    assert_eq!(plan[0].step_seconds, 15.0);
    assert_eq!(plan[0].expr, r#"rate(x{i=~"h1:9100"}[1m])"#);
}

#[test]
fn panel_max_data_points_and_min_interval() {
    // 6 h / 100 points = 216 s, which Grafana's table rounds to 5 min.
    let plan = plan_panel(&dashboard(), 2, &ctx(6.0, 1000)).unwrap();
    assert_eq!(plan[0].step_seconds, 300.0);
    assert_eq!(plan[0].expr, "x[5m]");
    // 10 min / 100 points = 6 s, raised to the panel's 30 s min interval.
    let plan = plan_panel(&dashboard(), 2, &ctx(10.0 / 60.0, 1000)).unwrap();
    assert_eq!(plan[0].step_seconds, 30.0);
    assert_eq!(
        plan[0].start_seconds % 30.0,
        0.0,
        "range aligned to the step"
    );
}

#[test]
fn long_ranges_stay_under_prometheus_point_limit() {
    // 400 days over 100,000 px would be a 5 min step: 115,200 points. The 11,000-point limit
    // must win.
    let context = QueryContext {
        window: window(24.0 * 400.0),
        width_px: 100_000,
        scrape_interval_seconds: 1.0,
    };
    let plan = plan_panel(&dashboard(), 1, &context).unwrap();
    let range = context.window.range_seconds();
    assert!(range / plan[0].step_seconds <= 11_000.0);
}

#[test]
fn a_step_with_a_fraction_of_a_millisecond_is_the_step_interval_names() {
    // 4,401 s over 100,000 px with a 0.1 s scrape interval: the 11,000-point floor sets the step,
    // 400.09 ms, which the client sends rounded up to 401 ms. `$__interval` must say the same.
    let json = json!({
        "title": "Fine",
        "panels": [{"id": 1, "type": "timeseries", "title": "p", "gridPos": {"x": 0, "y": 0, "w": 24, "h": 8},
                    "targets": [{"refId": "A", "expr": "increase(x[$__interval]) / $__interval_ms"}]}]
    });
    let dashboard = import_dashboard(&json.to_string(), "fine.json")
        .unwrap()
        .dashboard;
    let context = QueryContext {
        window: TimeWindow {
            from_ms: NOON_MS - 4_401_000.0,
            to_ms: NOON_MS,
        },
        width_px: 100_000,
        scrape_interval_seconds: 0.1,
    };
    let plan = plan_panel(&dashboard, 1, &context).unwrap();
    assert_eq!(plan[0].step_seconds, 0.401);
    assert_eq!(plan[0].expr, "increase(x[401ms]) / 401");
}
