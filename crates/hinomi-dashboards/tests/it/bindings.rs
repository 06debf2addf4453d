//! Everything the Tauri shell hands to the UI must export to TypeScript the way the shell's
//! bindings generator does it (serde-aware, one shape for both directions), including the
//! flattened `extra` maps that carry Grafana's unknown fields.

use hinomi_dashboards::edit::PanelEdit;
use hinomi_dashboards::import::Imported;
use hinomi_dashboards::model::FieldDisplay;
use hinomi_dashboards::query_plan::{PlannedQuery, QueryContext};
use hinomi_dashboards::store::{DashboardSearch, DashboardSummary};
use hinomi_dashboards::variable_options::VariableRequest;
use specta::Types;

#[test]
fn ui_types_export_to_typescript() {
    let types = Types::default()
        .register::<Imported>()
        .register::<DashboardSummary>()
        .register::<DashboardSearch>()
        .register::<PanelEdit>()
        .register::<QueryContext>()
        .register::<PlannedQuery>()
        .register::<VariableRequest>()
        .register::<FieldDisplay>();
    let ts = specta_typescript::Typescript::default()
        .export(&types, specta_serde::Format)
        .unwrap_or_else(|err| panic!("TypeScript export failed: {err}"));
    if std::env::var_os("SHOW_TS").is_some() {
        println!("{ts}");
    }
    for name in [
        "Dashboard",
        "Panel",
        "Variable",
        "ImportReport",
        "ImportNote",
        "PlannedQuery",
    ] {
        assert!(
            ts.contains(&format!("export type {name} ")),
            "{name} missing:\n{ts}"
        );
    }
    // Grafana's names on the wire.
    assert!(ts.contains("gridPos"), "{ts}");
    assert!(ts.contains("legendFormat"), "{ts}");
}
