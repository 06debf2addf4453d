//! Acknowledging an alert group, as the README promises it: a short silence on Alertmanager
//! and the group's alerts added to the incident I am working on. Done by
//! [`crate::runtime::AlertsRuntime::acknowledge_group`], the one implementation the board and
//! the desktop notification's "Acknowledge" share; this module holds its rules and types.
//!
//! The incident side is reached through [`IncidentLink`]: `hinomi-incidents` writes it (in one
//! transaction), and neither crate depends on the other, so the shell passes the link.

use crate::{Alert, SourceKind};
use hinomi_core::HinomiError;
use hinomi_core::settings::{Datasource, DatasourceKind};
use serde::Serialize;
use specta::Type;
use std::future::Future;

/// The comment of an acknowledgement's silence, so it is told apart from hand-made ones.
pub const ACKNOWLEDGE_COMMENT: &str = "Acknowledged in Hinomi";

/// The incident an acknowledged group's alerts were pinned on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct IncidentRef {
    pub id: String,
    pub title: String,
}

/// What acknowledging did.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct Acknowledged {
    pub silence_id: String,
    /// The Alertmanager datasource that keeps the silence.
    pub datasource_id: String,
    /// The user's open incident the group's alerts were pinned on; `None` when they have none.
    pub incident: Option<IncidentRef>,
    /// The silence was made, but the alerts could not be put on the incident: why.
    pub incident_error: Option<HinomiError>,
}

/// Where acknowledged alerts go: the user's open incident.
pub trait IncidentLink {
    /// Pins `alerts` on the open incident `user` commands or is assigned to — all of them or,
    /// on an error, none; `Ok(None)` when the user has no open incident.
    fn attach(
        &self,
        user: &str,
        alerts: &[Alert],
    ) -> impl Future<Output = Result<Option<IncidentRef>, HinomiError>> + Send;
}

/// Which Alertmanager keeps an acknowledgement's silence: the first (in settings order) that
/// reported one of the group's alerts, so the silence lands where the alerts are routed; else,
/// for alerts only Prometheus or a watch rule reported, the first Alertmanager of the settings.
/// `None` when there is no Alertmanager at all.
pub fn alertmanager_for<'a>(
    datasources: &'a [Datasource],
    alerts: &[Alert],
) -> Option<&'a Datasource> {
    let mut alertmanagers = datasources
        .iter()
        .filter(|ds| ds.kind == DatasourceKind::Alertmanager);
    let reported = |ds: &&Datasource| {
        alerts.iter().any(|alert| {
            alert.sources.iter().any(|source| {
                source.kind == SourceKind::Alertmanager && source.datasource_id == ds.id
            })
        })
    };
    alertmanagers
        .clone()
        .find(reported)
        .or_else(|| alertmanagers.next())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AlertState, LabelSet, SourceRef};
    use hinomi_core::settings::TlsOptions;

    fn datasource(id: &str, kind: DatasourceKind) -> Datasource {
        Datasource {
            id: id.into(),
            name: id.into(),
            kind,
            url: format!("http://{id}.invalid"),
            timeout_ms: 1_000,
            tls: TlsOptions::default(),
            auth: Default::default(),
            logs: None,
            split_range_queries: true,
        }
    }

    fn alert_from(sources: &[(&str, SourceKind)]) -> Alert {
        let labels: LabelSet = [("alertname".to_owned(), "HighErrorRate".to_owned())].into();
        let mut alert = Alert::new(
            labels,
            AlertState::Firing,
            SourceRef::new(sources[0].0, sources[0].1),
        );
        alert.sources = sources
            .iter()
            .map(|(id, kind)| SourceRef::new(*id, *kind))
            .collect();
        alert
    }

    #[test]
    fn the_silence_goes_to_the_alertmanager_that_reported_the_group() {
        let settings = [
            datasource("prom", DatasourceKind::Prometheus),
            datasource("am-a", DatasourceKind::Alertmanager),
            datasource("am-b", DatasourceKind::Alertmanager),
        ];
        let from_b = [alert_from(&[
            ("prom", SourceKind::Prometheus),
            ("am-b", SourceKind::Alertmanager),
        ])];
        assert_eq!(alertmanager_for(&settings, &from_b).unwrap().id, "am-b");
        let prometheus_only = [alert_from(&[("prom", SourceKind::Prometheus)])];
        assert_eq!(
            alertmanager_for(&settings, &prometheus_only).unwrap().id,
            "am-a",
            "else the first Alertmanager"
        );
        assert_eq!(alertmanager_for(&settings, &[]).unwrap().id, "am-a");
        assert!(alertmanager_for(&settings[..1], &from_b).is_none());
    }
}
