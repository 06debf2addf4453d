// Over 400 lines: a table of variable option cases, one per Grafana behaviour.
use super::*;
use crate::template::TemplateScope;
use crate::time_range::TimeWindow;
use serde_json::json;

fn variable(json: serde_json::Value) -> Variable {
    serde_json::from_value(json).unwrap()
}

fn window() -> TimeWindow {
    TimeWindow {
        from_ms: 1_795_586_400_000.5,
        to_ms: 1_795_608_000_000.5,
    }
}

fn texts(options: &[VariableOption]) -> Vec<&str> {
    options.iter().map(|o| o.text.as_str()).collect()
}

fn values(options: &[VariableOption]) -> Vec<&str> {
    options.iter().map(|o| o.value.as_str()).collect()
}

#[test]
fn custom_values_with_key_value_and_escaped_commas() {
    let options = custom_options("a, b ,c");
    assert_eq!(values(&options), ["a", "b", "c"]);
    let options = custom_options("Production : prod, Staging : stage.example.com:8080, http://x");
    assert_eq!(texts(&options), ["Production", "Staging", "http://x"]);
    assert_eq!(
        values(&options),
        ["prod", "stage.example.com:8080", "http://x"]
    );
    assert_eq!(values(&custom_options(r"a\,b,c")), ["a,b", "c"]);
}

#[test]
fn custom_with_all_offers_all_first() {
    let v = variable(json!({"type": "custom", "name": "x", "query": "a,b", "includeAll": true}));
    assert_eq!(values(&effective_options(&v)), ["$__all", "a", "b"]);
}

#[test]
fn interval_options_with_auto() {
    let v =
        variable(json!({"type": "interval", "name": "step", "query": "1m, 10m,1h", "auto": true}));
    let options = effective_options(&v);
    assert_eq!(texts(&options), ["auto", "1m", "10m", "1h"]);
    assert_eq!(options[0].value, "$__auto_interval_step");
}

#[test]
fn constant_and_datasource_options() {
    let v = variable(json!({"type": "constant", "name": "c", "query": "v1"}));
    assert_eq!(values(&effective_options(&v)), ["v1"]);
    let ds = variable(
        json!({"type": "datasource", "name": "ds", "query": "prometheus", "regex": "/prom/"}),
    );
    let names = ["prom-b".to_owned(), "loki".to_owned(), "prom-a".to_owned()];
    assert_eq!(
        values(&datasource_options(&ds, &names).unwrap()),
        ["prom-a", "prom-b"]
    );
}

#[test]
fn parses_every_prometheus_helper() {
    use VariableQuery::*;
    let cases = [
        ("label_names()", LabelNames { matcher: None }),
        (
            "label_names(up{job=\"a\"})",
            LabelNames {
                matcher: Some("up{job=\"a\"}".into()),
            },
        ),
        (
            "label_values(job)",
            LabelValues {
                label: "job".into(),
                matcher: None,
            },
        ),
        (
            "label_values(node_uname_info{job=\"n\", x=~\"a,b\"}, instance)",
            LabelValues {
                label: "instance".into(),
                matcher: Some("node_uname_info{job=\"n\", x=~\"a,b\"}".into()),
            },
        ),
        (
            "  label_values(up,job)  ",
            LabelValues {
                label: "job".into(),
                matcher: Some("up".into()),
            },
        ),
        (
            "metrics(node_.*)",
            Metrics {
                regex: "node_.*".into(),
            },
        ),
        (
            "query_result(topk(3, up))",
            QueryResult {
                expr: "topk(3, up)".into(),
            },
        ),
        (
            "up{job=\"a\"}",
            Series {
                matcher: "up{job=\"a\"}".into(),
            },
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(VariableQuery::parse(text), Ok(expected), "{text}");
    }
    assert!(VariableQuery::parse("").is_err());
    assert!(VariableQuery::parse("label_values(up, not a label)").is_err());
}

#[test]
fn requests_are_what_grafana_sends() {
    let w = window();
    let req = VariableQuery::LabelValues {
        label: "instance".into(),
        matcher: Some("up".into()),
    }
    .request(&w)
    .unwrap();
    assert_eq!(req.path, "/api/v1/label/instance/values");
    let params: Vec<(&str, &str)> = req
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(
        params,
        [
            ("match[]", "up"),
            ("start", "1795586400"),
            ("end", "1795608001")
        ]
    );
    let req = VariableQuery::QueryResult { expr: "up".into() }
        .request(&w)
        .unwrap();
    assert_eq!(req.path, "/api/v1/query");
    assert_eq!(req.params[1].value, "1795608001");
    let req = VariableQuery::Metrics { regex: ".*".into() }
        .request(&w)
        .unwrap();
    assert_eq!(req.path, "/api/v1/label/__name__/values");
    let req = VariableQuery::Series {
        matcher: "up".into(),
    }
    .request(&w)
    .unwrap();
    assert_eq!(req.path, "/api/v1/series");
    let req = VariableQuery::LabelNames { matcher: None }
        .request(&w)
        .unwrap();
    assert_eq!((req.path.as_str(), req.params.len()), ("/api/v1/labels", 2));
}

#[test]
fn request_substitutes_other_variables_but_not_itself() {
    let job = variable(json!({"type": "custom", "name": "job", "query": "node,api",
        "current": {"text": "node", "value": "node"}}));
    let node = variable(
        json!({"type": "query", "name": "node", "regex": "/([^:]+):$port/",
        "query": {"query": "label_values(node_uname_info{job=\"$job\", x=\"$node\"}, instance)", "refId": "A"},
        "sort": 1}),
    );
    let port = variable(json!({"type": "constant", "name": "port", "query": "9100"}));
    let w = window();
    let mut scope = TemplateScope::new();
    for v in [&job, &node, &port] {
        if let Some(value) = crate::template::scoped_value(v, &w) {
            scope.set(v.name.clone(), value);
        }
    }
    let request = variable_request(&node, &scope, &w).unwrap();
    assert_eq!(
        request.query,
        VariableQuery::LabelValues {
            label: "instance".into(),
            matcher: Some("node_uname_info{job=\"node\", x=\"$node\"}".into())
        }
    );
    assert_eq!(request.regex.as_deref(), Some("/([^:]+):9100/"));
    assert!(
        variable_request(&job, &scope, &w).is_err(),
        "custom variables do not query"
    );
}

fn request(query: VariableQuery, regex: Option<&str>, sort: u32) -> VariableRequest {
    VariableRequest {
        variable: "v".into(),
        request: query.request(&window()).unwrap(),
        query,
        regex: regex.map(str::to_owned),
        sort,
    }
}

fn label_values() -> VariableQuery {
    VariableQuery::LabelValues {
        label: "instance".into(),
        matcher: None,
    }
}

#[test]
fn regex_capture_group_rewrites_and_filters() {
    let body = r#"{"status":"success","data":["h10:9100","h2:9100","h2:9200","db:5432"]}"#;
    let options =
        options_from_answer(&request(label_values(), Some("/(h\\d+):\\d+/"), 0), body).unwrap();
    // db:5432 does not match; h2 appears once.
    assert_eq!(values(&options), ["h10", "h2"]);
}

#[test]
fn named_text_and_value_groups() {
    let body = r#"{"status":"success","data":["web-1=10.0.0.1","web-2=10.0.0.2"]}"#;
    let options = options_from_answer(
        &request(label_values(), Some("/(?<text>[^=]+)=(?<value>.+)/"), 0),
        body,
    )
    .unwrap();
    assert_eq!(texts(&options), ["web-1", "web-2"]);
    assert_eq!(values(&options), ["10.0.0.1", "10.0.0.2"]);
}

#[test]
fn every_sort_mode() {
    let body = r#"{"status":"success","data":["node10","Node2","node1","alpha"]}"#;
    let sorted = |sort| {
        options_from_answer(&request(label_values(), None, sort), body)
            .unwrap()
            .into_iter()
            .map(|o| o.text)
            .collect::<Vec<_>>()
    };
    assert_eq!(sorted(0), ["node10", "Node2", "node1", "alpha"]);
    assert_eq!(sorted(1), ["Node2", "alpha", "node1", "node10"]);
    assert_eq!(sorted(2), ["node10", "node1", "alpha", "Node2"]);
    // Numerical: text without a number sorts first (-1).
    assert_eq!(sorted(3), ["alpha", "node1", "Node2", "node10"]);
    assert_eq!(sorted(4), ["node10", "Node2", "node1", "alpha"]);
    assert_eq!(sorted(5), ["alpha", "node1", "node10", "Node2"]);
    assert_eq!(sorted(6), ["Node2", "node10", "node1", "alpha"]);
    assert_eq!(sorted(7), ["alpha", "node1", "Node2", "node10"]);
    assert_eq!(sorted(8), ["node10", "Node2", "node1", "alpha"]);
}

#[test]
fn query_result_and_series_lines() {
    let body = r#"{"status":"success","data":{"resultType":"vector","result":[
        {"metric":{"__name__":"up","job":"node","instance":"h:9100"},"value":[1795608000.123,"1"]}]}}"#;
    let q = VariableQuery::QueryResult { expr: "up".into() };
    let options = options_from_answer(&request(q.clone(), None, 0), body).unwrap();
    assert_eq!(
        texts(&options),
        [r#"up{instance="h:9100",job="node"} 1 1795608000123"#]
    );
    // The usual way to use it: a regex picks a label out of the line.
    let options = options_from_answer(&request(q, Some(r#"/job="([^"]+)"/"#), 0), body).unwrap();
    assert_eq!(values(&options), ["node"]);
    let scalar =
        r#"{"status":"success","data":{"resultType":"scalar","result":[1795608000,"42"]}}"#;
    let q = VariableQuery::QueryResult { expr: "42".into() };
    assert_eq!(
        values(&options_from_answer(&request(q, None, 0), scalar).unwrap()),
        ["42"]
    );
    let series =
        r#"{"status":"success","data":[{"__name__":"up","job":"a"},{"__name__":"up","job":"b"}]}"#;
    let q = VariableQuery::Series {
        matcher: "up".into(),
    };
    assert_eq!(
        values(&options_from_answer(&request(q, None, 0), series).unwrap()),
        [r#"up{job="a"}"#, r#"up{job="b"}"#]
    );
}

#[test]
fn metrics_filter_is_unanchored() {
    let body = r#"{"status":"success","data":["node_cpu_seconds_total","up","xnode_y"]}"#;
    let q = VariableQuery::Metrics {
        regex: "node_".into(),
    };
    assert_eq!(
        values(&options_from_answer(&request(q, None, 0), body).unwrap()),
        ["node_cpu_seconds_total", "xnode_y"]
    );
}

#[test]
fn error_answers_are_errors() {
    let req = request(label_values(), None, 0);
    let err = options_from_answer(
        &req,
        r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("parse error"), "{err}");
    assert!(options_from_answer(&req, "<html>").is_err());
    assert!(options_from_answer(&req, r#"{"status":"success","data":{"x":1}}"#).is_err());
    assert!(
        options_from_answer(
            &request(label_values(), Some("/(?!x)/"), 0),
            r#"{"status":"success","data":[]}"#
        )
        .is_err()
    );
}

#[test]
fn applying_options_keeps_valid_selection() {
    let mut v = variable(
        json!({"type": "query", "name": "n", "multi": true, "query": "label_values(i)",
        "current": {"text": ["a", "gone"], "value": ["a", "gone"]}}),
    );
    apply_options(
        &mut v,
        vec![VariableOption::new("a", "a"), VariableOption::new("b", "b")],
    );
    assert_eq!(v.selected_values(), ["a"]);
    assert!(v.saved_options()[0].selected);
    assert!(!v.saved_options()[1].selected);
    apply_options(&mut v, vec![VariableOption::new("c", "c")]);
    assert_eq!(v.selected_values(), ["c"], "falls back to the first option");
}

#[test]
fn applying_options_adds_and_keeps_all() {
    let mut v = variable(
        json!({"type": "query", "name": "n", "includeAll": true, "query": "label_values(i)",
        "current": {"text": "All", "value": "$__all"}}),
    );
    apply_options(&mut v, vec![VariableOption::new("a", "a")]);
    assert_eq!(values(v.saved_options()), ["$__all", "a"]);
    assert_eq!(v.selected_values(), ["$__all"]);
    let mut fresh =
        variable(json!({"type": "query", "name": "n", "includeAll": true, "query": "q"}));
    apply_options(&mut fresh, vec![VariableOption::new("a", "a")]);
    assert_eq!(
        fresh.selected_values(),
        ["$__all"],
        "Grafana selects the first option, All"
    );
}

#[test]
fn selecting_values() {
    let mut v = variable(
        json!({"type": "custom", "name": "c", "query": "a,b,c", "multi": true, "includeAll": true}),
    );
    select(&mut v, &["b".into(), "c".into()]).unwrap();
    assert_eq!(
        v.current.as_ref().unwrap().value,
        Some(crate::model::VariableValue::Many(vec![
            "b".into(),
            "c".into()
        ]))
    );
    select(&mut v, &["a".into(), "$__all".into()]).unwrap();
    assert_eq!(v.selected_values(), ["$__all"], "All stands alone");
    assert!(select(&mut v, &["zzz".into()]).is_err());
    assert!(select(&mut v, &[]).is_err());
    let mut single = variable(json!({"type": "custom", "name": "s", "query": "a,b"}));
    assert!(select(&mut single, &["a".into(), "b".into()]).is_err());
    select(&mut single, &["b".into()]).unwrap();
    assert_eq!(
        single.current.as_ref().unwrap().value,
        Some(crate::model::VariableValue::One("b".into()))
    );
    let mut text = variable(json!({"type": "textbox", "name": "t", "query": "x"}));
    select(&mut text, &["anything at all".into()]).unwrap();
    assert_eq!(text.selected_values(), ["anything at all"]);
    let mut constant = variable(json!({"type": "constant", "name": "k", "query": "x"}));
    assert!(select(&mut constant, &["x".into()]).is_err());
}

#[test]
fn dependents_follow_chains_in_dashboard_order() {
    let d = crate::import_dashboard(
        &json!({"templating": {"list": [
            {"type": "datasource", "name": "ds", "query": "prometheus"},
            {"type": "query", "name": "job", "datasource": {"uid": "${ds}"}, "query": "label_values(up, job)"},
            {"type": "query", "name": "node", "query": "label_values(up{job=\"$job\", n=\"[[name]]\"}, instance)"},
            {"type": "query", "name": "name", "query": "label_values(up{job=\"${job}\"}, nodename)"},
            {"type": "query", "name": "other", "query": "label_values(x)", "regex": "/$unrelated/"}
        ]}})
        .to_string(),
        "d.json",
    )
    .unwrap()
    .dashboard;
    assert_eq!(dependents(&d, "job"), ["node", "name"]);
    assert_eq!(dependents(&d, "name"), ["node"]);
    assert_eq!(dependents(&d, "ds"), ["job", "node", "name"]);
    assert!(dependents(&d, "other").is_empty());
}
