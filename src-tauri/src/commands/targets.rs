//! Targets view: every scrape target of every configured Prometheus.

use crate::commands::datasources::Datasources;
use chrono::{DateTime, Utc};
use hinomi_core::HinomiError;
use hinomi_core::settings::DatasourceKind;
use hinomi_prometheus::{PrometheusClient, ScrapeTarget};
use serde::Serialize;
use specta::Type;

/// One Prometheus's answer. A failing Prometheus yields an `error` here and never hides the
/// targets of the others.
#[derive(Debug, Clone, Serialize, Type)]
pub struct DatasourceTargets {
    pub datasource_id: String,
    pub datasource_name: String,
    /// As typed in the settings, with any user name and password hidden.
    pub url: String,
    pub targets: Vec<ScrapeTarget>,
    pub error: Option<HinomiError>,
    pub fetched_at: DateTime<Utc>,
}

#[tauri::command]
#[specta::specta]
pub async fn list_targets(
    datasources: Datasources<'_>,
) -> Result<Vec<DatasourceTargets>, HinomiError> {
    let answers = datasources
        .ask_each(DatasourceKind::Prometheus, async |endpoint| {
            PrometheusClient::from_endpoint(endpoint).targets().await
        })
        .await;
    Ok(answers
        .into_iter()
        .map(|(ds, answer)| {
            let (targets, error) = match answer {
                Ok(targets) => (targets, None),
                Err(err) => (Vec::new(), Some(err)),
            };
            DatasourceTargets {
                datasource_id: ds.id.clone(),
                datasource_name: ds.name.clone(),
                url: hinomi_core::redact::url_credentials(&ds.url).into_owned(),
                targets,
                error,
                fetched_at: Utc::now(),
            }
        })
        .collect())
}
