//! Grafana JSON in: parse, upgrade old layouts, and report what came in.
//!
//! Import is all-or-nothing: it returns a whole [`Dashboard`] or an error naming the file and
//! the JSON path that is wrong, never a partial dashboard.

mod legacy;
mod report;
mod unsupported;
pub(crate) mod upgrade;

pub use report::{ImportNote, ImportReport, PanelTypeCount, PlaceholderPanel, VariableSummary};
pub use unsupported::{PanelRef, UnsupportedFeature};

use crate::error::{DashboardError, Result};
use crate::model::Dashboard;
use serde::Serialize;
use serde_json::Value;
use specta::Type;

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct Imported {
    pub dashboard: Dashboard,
    pub report: ImportReport,
}

/// Parses Grafana dashboard JSON. `file` names the source in errors.
pub fn import_dashboard(text: &str, file: &str) -> Result<Imported> {
    let mut json = serde_json::Deserializer::from_str(text);
    let value: Value = serde_path_to_error::deserialize(&mut json).map_err(|err| {
        let path = err.path().to_string();
        DashboardError::Malformed {
            file: file.to_owned(),
            // A syntax error inside an object ends in an unnamed key, shown as `?`.
            path: path.strip_suffix(".?").unwrap_or(&path).to_owned(),
            message: err.inner().to_string(),
        }
    })?;
    import_value(value, file)
}

/// Same as [`import_dashboard`] for JSON that is already parsed.
pub fn import_value(value: Value, file: &str) -> Result<Imported> {
    if !value.is_object() {
        return Err(DashboardError::Malformed {
            file: file.to_owned(),
            path: ".".into(),
            message: crate::error::NOT_A_DASHBOARD_OBJECT.into(),
        });
    }
    let mut notes = Vec::new();
    let (value, source_paths) = legacy::reshape(value, &mut notes);
    let mut dashboard: Dashboard =
        serde_path_to_error::deserialize(value).map_err(|err| DashboardError::Malformed {
            file: file.to_owned(),
            path: source_paths.original(&err.path().to_string()),
            message: err.inner().to_string(),
        })?;
    upgrade::upgrade(&mut dashboard, &mut notes);
    let report = report::build(&dashboard, notes);
    Ok(Imported { dashboard, report })
}
