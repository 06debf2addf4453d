//! Edits the UI can make, as data: the UI sends a [`PanelEdit`], the model checks it and
//! changes only the fields concerned, so everything else in the Grafana JSON survives.

use crate::error::{DashboardError, EditProblem, Result, VariableProblem};
use crate::model::{Dashboard, PanelKind, Target};
use crate::variable_options;
use hinomi_core::settings::SERIES_LIMIT_RANGE;
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PanelEdit {
    Title {
        title: String,
    },
    /// A Grafana unit id, or `None` for no unit.
    Unit {
        unit: Option<String>,
    },
    /// Switch between drawable types (`timeseries`, `stat`, `gauge`, `bargauge`, `table`, `text`).
    Type {
        panel_type: String,
    },
    Query {
        ref_id: String,
        expr: String,
    },
    LegendFormat {
        ref_id: String,
        legend_format: Option<String>,
    },
    /// Adds a query with the next free ref id (`A`, `B`, ...).
    AddQuery {
        expr: String,
    },
    RemoveQuery {
        ref_id: String,
    },
    /// The panel's own series limit (`options.hinomiSeriesLimit`); `None` follows the settings.
    SeriesLimit {
        limit: Option<u32>,
    },
}

/// Applies one edit to panel `panel_id`; on error the dashboard is unchanged.
pub fn apply_panel_edit(dashboard: &mut Dashboard, panel_id: u32, edit: PanelEdit) -> Result<()> {
    let panel = dashboard
        .panel_mut(panel_id)
        .ok_or(DashboardError::PanelNotFound { id: panel_id })?;
    let target_index = |targets: &[Target], ref_id: &str| {
        targets
            .iter()
            .position(|t| t.ref_id.as_deref() == Some(ref_id))
            .ok_or_else(|| DashboardError::TargetNotFound {
                panel_id,
                ref_id: ref_id.to_owned(),
            })
    };
    match edit {
        PanelEdit::Title { title } => panel.title = title,
        PanelEdit::Unit { unit } => {
            let unit = unit.filter(|u| !u.trim().is_empty());
            if panel.is_row() {
                return Err(DashboardError::InvalidEdit(EditProblem::RowHasNoUnit));
            }
            panel.field_config_mut().defaults.unit = unit;
        }
        PanelEdit::Type { panel_type } => {
            if panel.is_row() {
                return Err(DashboardError::InvalidEdit(
                    EditProblem::RowCannotBecomePanel,
                ));
            }
            if !PanelKind::DRAWABLE_TYPES.contains(&panel_type.as_str()) {
                return Err(DashboardError::InvalidEdit(EditProblem::NotDrawable {
                    panel_type,
                    drawable: PanelKind::DRAWABLE_TYPES.join(", "),
                }));
            }
            panel.panel_type = panel_type;
        }
        PanelEdit::Query { ref_id, expr } => {
            let index = target_index(&panel.targets, &ref_id)?;
            panel.targets[index].expr = Some(expr);
        }
        PanelEdit::LegendFormat {
            ref_id,
            legend_format,
        } => {
            let index = target_index(&panel.targets, &ref_id)?;
            panel.targets[index].legend_format = legend_format;
        }
        PanelEdit::AddQuery { expr } => {
            if !matches!(
                panel.kind(),
                PanelKind::TimeSeries
                    | PanelKind::Stat
                    | PanelKind::Gauge
                    | PanelKind::BarGauge
                    | PanelKind::Table
                    | PanelKind::Heatmap
                    | PanelKind::StateTimeline
            ) {
                return Err(DashboardError::InvalidEdit(EditProblem::NoQueries(
                    panel.panel_type.clone(),
                )));
            }
            let ref_id = next_ref_id(&panel.targets);
            panel.targets.push(Target {
                ref_id: Some(ref_id),
                expr: Some(expr),
                ..Target::default()
            });
        }
        PanelEdit::RemoveQuery { ref_id } => {
            let index = target_index(&panel.targets, &ref_id)?;
            panel.targets.remove(index);
        }
        PanelEdit::SeriesLimit { limit } => {
            if let Some(limit) = limit.filter(|n| !SERIES_LIMIT_RANGE.contains(n)) {
                return Err(DashboardError::InvalidEdit(EditProblem::SeriesLimit(limit)));
            }
            panel.set_series_limit(limit);
        }
    }
    Ok(())
}

/// Selects values of variable `name` (see [`variable_options::select`]).
pub fn select_variable(dashboard: &mut Dashboard, name: &str, values: &[String]) -> Result<()> {
    let variable = dashboard
        .variables_mut()
        .iter_mut()
        .find(|v| v.name == name)
        .ok_or_else(|| DashboardError::InvalidVariable {
            variable: name.to_owned(),
            reason: VariableProblem::NoSuchVariable,
        })?;
    variable_options::select(variable, values)
}

/// `A`..`Z`, then `AA`, `AB`... as Grafana numbers queries.
fn next_ref_id(targets: &[Target]) -> String {
    (0u32..)
        .map(|mut n| {
            let mut id = String::new();
            loop {
                id.insert(0, char::from(b'A' + (n % 26) as u8));
                if n < 26 {
                    break id;
                }
                n = n / 26 - 1;
            }
        })
        .find(|id| {
            targets
                .iter()
                .all(|t| t.ref_id.as_deref() != Some(id.as_str()))
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import_dashboard;
    use serde_json::json;

    fn dashboard() -> Dashboard {
        let json = json!({
            "title": "t",
            "panels": [
                {"id": 1, "type": "graph", "title": "old", "gridPos": {"x":0,"y":0,"w":12,"h":8},
                 "targets": [{"refId": "A", "expr": "up", "step": 10}], "yaxes": [{"format": "short"}]},
                {"id": 2, "type": "row", "title": "r", "collapsed": true, "gridPos": {"x":0,"y":8,"w":24,"h":1},
                 "panels": [{"id": 3, "type": "stat", "title": "inner", "gridPos": {"x":0,"y":9,"w":6,"h":4}}]}
            ]
        });
        import_dashboard(&json.to_string(), "t.json")
            .unwrap()
            .dashboard
    }

    #[test]
    fn edits_title_unit_type_and_query_keeping_other_fields() {
        let mut d = dashboard();
        apply_panel_edit(
            &mut d,
            1,
            PanelEdit::Title {
                title: "CPU".into(),
            },
        )
        .unwrap();
        apply_panel_edit(
            &mut d,
            1,
            PanelEdit::Unit {
                unit: Some("percent".into()),
            },
        )
        .unwrap();
        apply_panel_edit(
            &mut d,
            1,
            PanelEdit::Type {
                panel_type: "timeseries".into(),
            },
        )
        .unwrap();
        apply_panel_edit(
            &mut d,
            1,
            PanelEdit::Query {
                ref_id: "A".into(),
                expr: "up == 1".into(),
            },
        )
        .unwrap();
        let p = d.panel(1).unwrap();
        assert_eq!(p.title, "CPU");
        assert_eq!(p.panel_type, "timeseries");
        assert_eq!(
            p.field_config.as_ref().unwrap().defaults.unit.as_deref(),
            Some("percent")
        );
        assert_eq!(p.targets[0].expr.as_deref(), Some("up == 1"));
        assert_eq!(p.targets[0].extra["step"], json!(10));
        assert!(p.extra.contains_key("yaxes"));
    }

    #[test]
    fn edits_reach_panels_inside_collapsed_rows() {
        let mut d = dashboard();
        apply_panel_edit(&mut d, 3, PanelEdit::AddQuery { expr: "up".into() }).unwrap();
        apply_panel_edit(
            &mut d,
            3,
            PanelEdit::AddQuery {
                expr: "down".into(),
            },
        )
        .unwrap();
        let refs: Vec<_> = d
            .panel(3)
            .unwrap()
            .targets
            .iter()
            .map(|t| t.ref_id.clone().unwrap())
            .collect();
        assert_eq!(refs, ["A", "B"]);
        apply_panel_edit(&mut d, 3, PanelEdit::RemoveQuery { ref_id: "A".into() }).unwrap();
        assert_eq!(d.panel(3).unwrap().targets.len(), 1);
    }

    #[test]
    fn refuses_edits_grafana_could_not_read_back() {
        let mut d = dashboard();
        let before = d.clone();
        for (id, edit) in [
            (
                1,
                PanelEdit::Type {
                    panel_type: "row".into(),
                },
            ),
            (
                1,
                PanelEdit::Type {
                    panel_type: "piechart".into(),
                },
            ),
            (
                2,
                PanelEdit::Type {
                    panel_type: "stat".into(),
                },
            ),
            (
                2,
                PanelEdit::Unit {
                    unit: Some("s".into()),
                },
            ),
            (
                1,
                PanelEdit::Query {
                    ref_id: "Z".into(),
                    expr: "x".into(),
                },
            ),
            (99, PanelEdit::Title { title: "x".into() }),
        ] {
            assert!(
                apply_panel_edit(&mut d, id, edit.clone()).is_err(),
                "{edit:?}"
            );
        }
        assert_eq!(d, before);
    }

    #[test]
    fn ref_ids_continue_past_z() {
        let targets: Vec<Target> = (0..26)
            .map(|i| Target {
                ref_id: Some(char::from(b'A' + i).to_string()),
                ..Target::default()
            })
            .collect();
        assert_eq!(next_ref_id(&targets), "AA");
        assert_eq!(next_ref_id(&[]), "A");
    }

    #[test]
    fn a_series_limit_is_a_hinomi_option_that_survives_export_and_import() {
        let mut d = dashboard();
        let limit = |limit| PanelEdit::SeriesLimit { limit };
        apply_panel_edit(&mut d, 1, limit(Some(2_500))).unwrap();
        assert_eq!(d.panel(1).unwrap().series_limit(), Some(2_500));
        let exported = crate::export::export_value(&d).unwrap();
        assert_eq!(exported["panels"][0]["options"]["hinomiSeriesLimit"], 2_500);
        let again = import_dashboard(&exported.to_string(), "t.json")
            .unwrap()
            .dashboard;
        assert_eq!(again.panel(1).unwrap().series_limit(), Some(2_500));
        for bad in [0, 20_001] {
            assert!(
                apply_panel_edit(&mut d, 1, limit(Some(bad))).is_err(),
                "{bad}"
            );
        }
        assert_eq!(d.panel(1).unwrap().series_limit(), Some(2_500));
        apply_panel_edit(&mut d, 1, limit(None)).unwrap();
        assert_eq!(d.panel(1).unwrap().series_limit(), None);
    }
}
