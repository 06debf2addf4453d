//! Repeat expansion against Grafana's `DashboardModel.repeatPanel` / `repeatRow` (read in
//! grafana/grafana public/app/features/dashboard/state/DashboardModel.ts) and its docs
//! ("Configure repeating panels": horizontal copies share the row width, at most `maxPerRow`
//! per line; vertical copies stack).

use super::*;
use crate::model::GridPos;
use crate::query_plan::{QueryContext, plan_panel};
use crate::time_range::TimeWindow;
use crate::{import_dashboard, select_variable, view_panels};
use serde_json::json;

fn dashboard(panels: Value) -> Dashboard {
    let json = json!({
        "title": "Repeats",
        "templating": {"list": [
            {"type": "custom", "name": "job", "query": "api,db,cache", "multi": true, "includeAll": true,
             "current": {"text": ["api", "db"], "value": ["api", "db"]}},
            {"type": "custom", "name": "env", "query": "Production : prod, Staging : stage", "multi": true,
             "current": {"text": ["Production", "Staging"], "value": ["prod", "stage"]}},
            {"type": "custom", "name": "single", "query": "one,two", "current": {"text": "one", "value": "one"}}
        ]},
        "panels": panels
    });
    import_dashboard(&json.to_string(), "repeats.json")
        .unwrap()
        .dashboard
}

fn grid(p: &Panel) -> (u32, u32, u32, u32) {
    let GridPos { x, y, w, h } = p.grid_pos;
    (x, y, w, h)
}

fn bound(p: &Panel, name: &str) -> Option<String> {
    p.extra
        .get(SCOPED_VARS)?
        .get(name)?
        .get("value")?
        .as_str()
        .map(str::to_owned)
}

fn window() -> TimeWindow {
    TimeWindow {
        from_ms: 1_795_600_000_000.0,
        to_ms: 1_795_608_000_000.0,
    }
}

#[test]
fn horizontal_repeat_shares_the_row_width_first_copy_keeps_the_source_id() {
    let d = dashboard(json!([
        {"id": 1, "type": "stat", "title": "Up $job", "repeat": "job",
         "gridPos": {"x": 0, "y": 0, "w": 8, "h": 4}, "targets": [{"refId": "A", "expr": "up{job=~\"$job\"}"}]},
        {"id": 2, "type": "stat", "title": "below", "gridPos": {"x": 0, "y": 4, "w": 8, "h": 4}}
    ]));
    let panels = expand_repeats(&d);
    // Two selected values: max(24/2, 24/4) = 12 columns each.
    assert_eq!(panels.len(), 3);
    assert_eq!(panels[0].id, Some(1));
    assert_eq!(grid(&panels[0]), (0, 0, 12, 4));
    assert_eq!(bound(&panels[0], "job").as_deref(), Some("api"));
    assert_eq!(panels[1].id, Some(3), "fresh id above every saved one");
    assert_eq!(panels[1].extra.get(REPEAT_PANEL_ID), Some(&json!(1)));
    assert!(
        panels[1].extra.get("repeat").is_none(),
        "a copy does not repeat again"
    );
    assert_eq!(grid(&panels[1]), (12, 0, 12, 4));
    assert_eq!(bound(&panels[1], "job").as_deref(), Some("db"));
    // The copies stay on one line, so the panel below does not move.
    assert_eq!(grid(&panels[2]), (0, 4, 8, 4));
}

#[test]
fn all_repeats_every_option_and_max_per_row_wraps() {
    let mut d = dashboard(json!([
        {"id": 1, "type": "stat", "title": "t", "repeat": "job", "maxPerRow": 2,
         "gridPos": {"x": 0, "y": 0, "w": 8, "h": 5}},
        {"id": 2, "type": "stat", "title": "below", "gridPos": {"x": 0, "y": 5, "w": 8, "h": 4}}
    ]));
    select_variable(&mut d, "job", &["$__all".into()]).unwrap();
    let panels = expand_repeats(&d);
    let values: Vec<_> = panels.iter().filter_map(|p| bound(p, "job")).collect();
    assert_eq!(values, ["api", "db", "cache"]);
    // Three values, at most two per line: 12 columns, the third wraps onto the next line.
    assert_eq!(grid(&panels[0]), (0, 0, 12, 5));
    assert_eq!(grid(&panels[1]), (12, 0, 12, 5));
    assert_eq!(grid(&panels[2]), (0, 5, 12, 5));
    assert_eq!(
        grid(&panels[3]),
        (0, 10, 8, 4),
        "the panel below makes room"
    );
}

#[test]
fn vertical_repeat_stacks_at_the_source_width() {
    let d = dashboard(json!([
        {"id": 1, "type": "timeseries", "title": "t", "repeat": "env", "repeatDirection": "v",
         "gridPos": {"x": 6, "y": 0, "w": 10, "h": 6}},
        {"id": 2, "type": "stat", "title": "beside", "gridPos": {"x": 16, "y": 0, "w": 8, "h": 6}}
    ]));
    let panels = expand_repeats(&d);
    let copies: Vec<_> = panels.iter().filter(|p| p.title == "t").map(grid).collect();
    assert_eq!(copies, [(6, 0, 10, 6), (6, 6, 10, 6)]);
    let beside = panels.iter().find(|p| p.title == "beside").unwrap();
    assert_eq!(
        grid(beside),
        (16, 0, 8, 6),
        "a panel on the source's line stays"
    );
}

#[test]
fn repeated_row_copies_the_row_with_its_panels_and_moves_the_rest_down() {
    let d = dashboard(json!([
        {"id": 10, "type": "row", "title": "Env $env", "repeat": "env", "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1}},
        {"id": 11, "type": "stat", "title": "Load $env", "gridPos": {"x": 0, "y": 1, "w": 12, "h": 4},
         "targets": [{"refId": "A", "expr": "load{env=\"$env\"}"}]},
        {"id": 20, "type": "row", "title": "Other", "gridPos": {"x": 0, "y": 5, "w": 24, "h": 1}},
        {"id": 21, "type": "stat", "title": "x", "gridPos": {"x": 0, "y": 6, "w": 12, "h": 4}}
    ]));
    let panels = expand_repeats(&d);
    let shape: Vec<_> = panels
        .iter()
        .map(|p| (p.id.unwrap(), p.grid_pos.y, bound(p, "env")))
        .collect();
    assert_eq!(
        shape,
        [
            (10, 0, Some("prod".into())),
            (11, 1, Some("prod".into())),
            (22, 5, Some("stage".into())),
            (23, 6, Some("stage".into())),
            (20, 10, None),
            (21, 11, None),
        ]
    );
    assert_eq!(panels[3].extra.get(REPEAT_PANEL_ID), Some(&json!(11)));
}

#[test]
fn folded_repeated_row_copies_its_folded_panels() {
    let d = dashboard(json!([
        {"id": 10, "type": "row", "title": "Env $env", "repeat": "env", "collapsed": true,
         "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1},
         "panels": [{"id": 11, "type": "stat", "title": "s", "gridPos": {"x": 0, "y": 1, "w": 12, "h": 4}}]},
        {"id": 20, "type": "row", "title": "Other", "gridPos": {"x": 0, "y": 1, "w": 24, "h": 1}}
    ]));
    let panels = expand_repeats(&d);
    assert_eq!(panels.len(), 3);
    assert_eq!(
        (
            panels[0].grid_pos.y,
            panels[1].grid_pos.y,
            panels[2].grid_pos.y
        ),
        (0, 1, 2)
    );
    let folded = panels[1].nested();
    assert_eq!(folded.len(), 1);
    assert_eq!(bound(&folded[0], "env").as_deref(), Some("stage"));
    assert_ne!(folded[0].id, Some(11));
}

#[test]
fn a_repeated_panel_inside_a_repeated_row_is_bound_to_both() {
    let d = dashboard(json!([
        {"id": 10, "type": "row", "title": "r", "repeat": "env", "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1}},
        {"id": 11, "type": "stat", "title": "s", "repeat": "job", "gridPos": {"x": 0, "y": 1, "w": 24, "h": 4}}
    ]));
    let panels = expand_repeats(&d);
    let pairs: Vec<_> = panels
        .iter()
        .filter(|p| !p.is_row())
        .map(|p| (bound(p, "env").unwrap(), bound(p, "job").unwrap()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("prod".to_owned(), "api".to_owned()),
            ("prod".into(), "db".into()),
            ("stage".into(), "api".into()),
            ("stage".into(), "db".into())
        ]
    );
    // Every copy points at the saved panel, so an edit on any of them reaches the file.
    assert!(
        panels
            .iter()
            .filter(|p| !p.is_row() && p.id != Some(11))
            .all(|p| p.extra.get(REPEAT_PANEL_ID) == Some(&json!(11)))
    );
}

#[test]
fn unknown_variable_or_no_repeat_draws_the_panel_once_unbound() {
    let d = dashboard(json!([
        {"id": 1, "type": "stat", "title": "t", "repeat": "missing", "gridPos": {"x": 0, "y": 0, "w": 8, "h": 4}},
        {"id": 2, "type": "stat", "title": "u", "repeat": "", "gridPos": {"x": 8, "y": 0, "w": 8, "h": 4}}
    ]));
    let panels = expand_repeats(&d);
    assert_eq!(panels.len(), 2);
    assert!(panels.iter().all(|p| p.extra.get(SCOPED_VARS).is_none()));
}

#[test]
fn copies_saved_by_an_old_grafana_are_made_again_not_doubled() {
    // Grafana before 7 saved the clones (`repeatPanelId`, `scopedVars`) in the file;
    // `cleanUpRepeats` drops them on load.
    let d = dashboard(json!([
        {"id": 1, "type": "stat", "title": "t", "repeat": "job", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 4}},
        {"id": 5, "type": "stat", "title": "t", "repeatPanelId": 1,
         "scopedVars": {"job": {"text": "old", "value": "old"}}, "gridPos": {"x": 12, "y": 0, "w": 12, "h": 4}}
    ]));
    let values: Vec<_> = expand_repeats(&d)
        .iter()
        .filter_map(|p| bound(p, "job"))
        .collect();
    assert_eq!(values, ["api", "db"]);
}

#[test]
fn each_copy_queries_with_its_own_value_regex_escaped_for_a_multi_variable() {
    let d = dashboard(json!([
        {"id": 1, "type": "stat", "title": "t", "repeat": "env", "gridPos": {"x": 0, "y": 0, "w": 8, "h": 4},
         "targets": [{"refId": "A", "expr": "up{env=~\"$env\"}"}]},
        {"id": 2, "type": "stat", "title": "all", "gridPos": {"x": 0, "y": 4, "w": 8, "h": 4},
         "targets": [{"refId": "A", "expr": "up{env=~\"$env\"}"}]}
    ]));
    let ctx = QueryContext {
        window: window(),
        width_px: 500,
        scrape_interval_seconds: 15.0,
    };
    let copy_ids: Vec<u32> = expand_repeats(&d)
        .iter()
        .filter(|p| p.title == "t")
        .filter_map(|p| p.id)
        .collect();
    let exprs: Vec<String> = copy_ids
        .iter()
        .map(|id| plan_panel(&d, *id, &ctx).unwrap()[0].expr.clone())
        .collect();
    assert_eq!(exprs, ["up{env=~\"prod\"}", "up{env=~\"stage\"}"]);
    // An unrepeated panel still sees the whole selection.
    assert_eq!(
        plan_panel(&d, 2, &ctx).unwrap()[0].expr,
        "up{env=~\"(prod|stage)\"}"
    );
}

#[test]
fn changing_the_selection_changes_the_copies() {
    let mut d = dashboard(json!([
        {"id": 1, "type": "stat", "title": "Up $job", "repeat": "job", "gridPos": {"x": 0, "y": 0, "w": 8, "h": 4}}
    ]));
    let titles = |d: &Dashboard| -> Vec<String> {
        view_panels(d, &window())
            .into_iter()
            .map(|p| p.title)
            .collect()
    };
    assert_eq!(titles(&d), ["Up api", "Up db"]);
    select_variable(&mut d, "job", &["cache".into()]).unwrap();
    assert_eq!(titles(&d), ["Up cache"]);
}

#[test]
fn titles_use_grafanas_text_format_descriptions_glob() {
    // Grafana: titles `replace(title, scopedVars, 'text')` (panel header, DashboardRow);
    // descriptions `replace(description, scopedVars)`, whose default format is glob.
    let d = dashboard(json!([
        {"id": 1, "type": "stat", "title": "Envs $env / ${env:csv} / [[single]] / ${single}",
         "description": "In $env on $__dashboard", "gridPos": {"x": 0, "y": 0, "w": 8, "h": 4}},
        {"id": 2, "type": "row", "title": "Row $env", "repeat": "env", "gridPos": {"x": 0, "y": 4, "w": 24, "h": 1}},
        {"id": 3, "type": "stat", "title": "Copy ${env}", "description": "only $env",
         "gridPos": {"x": 0, "y": 5, "w": 8, "h": 4}},
        {"id": 4, "type": "stat", "title": "Kept $unknown and $__interval", "gridPos": {"x": 8, "y": 5, "w": 8, "h": 4}}
    ]));
    let view = view_panels(&d, &window());
    let titles: Vec<&str> = view.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Envs Production + Staging / prod,stage / one / one",
            "Row Production",
            "Copy Production",
            "Kept $unknown and $__interval",
            "Row Staging",
            "Copy Staging",
            "Kept $unknown and $__interval",
        ]
    );
    assert_eq!(
        view[0].description.as_deref(),
        Some("In {prod,stage} on Repeats")
    );
    assert_eq!(view[2].description.as_deref(), Some("only prod"));
}

#[test]
fn all_reads_all_in_a_title() {
    let mut d = dashboard(json!([
        {"id": 1, "type": "stat", "title": "Jobs: $job", "gridPos": {"x": 0, "y": 0, "w": 8, "h": 4}}
    ]));
    select_variable(&mut d, "job", &["$__all".into()]).unwrap();
    assert_eq!(view_panels(&d, &window())[0].title, "Jobs: All");
}
