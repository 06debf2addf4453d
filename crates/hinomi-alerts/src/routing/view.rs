//! The Routing tab: each Alertmanager's route tree flattened into rows, its receivers, and
//! where each alert group of the board goes there.

use super::{Receiver, RouteMatch, RouteNode};
use crate::board::{BoardOptions, Filter, Grouping, build_board};
use crate::sources::AlertmanagerClient;
use crate::{Alert, LabelSet};
use hinomi_core::HinomiError;
use hinomi_core::http::EndpointCache;
use hinomi_core::settings::{Datasource, DatasourceKind};
use serde::Serialize;
use specta::Type;

/// One route of an Alertmanager's tree, flattened in depth-first order.
#[derive(Debug, Clone, Serialize, Type)]
pub struct RouteRow {
    pub path: String,
    pub depth: u32,
    pub receiver: String,
    pub matchers: Vec<String>,
    pub group_by: Vec<String>,
    pub continue_matching: bool,
}

/// Where one alert group of the board goes on this Alertmanager.
#[derive(Debug, Clone, Serialize, Type)]
pub struct GroupRouting {
    pub group_key: String,
    pub group_labels: LabelSet,
    pub matches: Vec<RouteMatch>,
}

/// One Alertmanager's route tree, receivers, and the receivers of the current alert groups.
#[derive(Debug, Clone, Serialize, Type)]
pub struct DatasourceRouting {
    pub datasource_id: String,
    pub datasource_name: String,
    pub routes: Vec<RouteRow>,
    pub receivers: Vec<Receiver>,
    pub groups: Vec<GroupRouting>,
    pub error: Option<HinomiError>,
}

/// The tree under `node` as rows, depth first.
pub fn flatten_routes(node: &RouteNode, depth: u32, rows: &mut Vec<RouteRow>) {
    rows.push(RouteRow {
        path: node.path.clone(),
        depth,
        receiver: node.receiver.clone(),
        matchers: node.matchers.iter().map(ToString::to_string).collect(),
        group_by: node.group_by.names(),
        continue_matching: node.continue_matching,
    });
    for child in &node.children {
        flatten_routes(child, depth + 1, rows);
    }
}

/// Every Alertmanager of `datasources`, read at once; each one's error stays in its own entry.
pub async fn alert_routing(
    endpoints: &EndpointCache,
    datasources: &[Datasource],
    alerts: &[Alert],
) -> Vec<DatasourceRouting> {
    let board = build_board(
        alerts,
        &Grouping::default(),
        &Filter::all(),
        BoardOptions {
            alerts_per_group: Some(1),
        },
    );
    let board = &board;
    let fetches = datasources
        .iter()
        .filter(|ds| ds.kind == DatasourceKind::Alertmanager)
        .map(|ds| async move {
            let result = match endpoints.endpoint(ds).await {
                Ok(endpoint) => AlertmanagerClient::from_endpoint(endpoint).routing().await,
                Err(error) => Err(error),
            };
            let mut answer = DatasourceRouting {
                datasource_id: ds.id.clone(),
                datasource_name: ds.name.clone(),
                routes: Vec::new(),
                receivers: Vec::new(),
                groups: Vec::new(),
                error: None,
            };
            match result {
                Ok(tree) => {
                    flatten_routes(&tree.root, 0, &mut answer.routes);
                    answer.groups = board
                        .groups
                        .iter()
                        .filter_map(|group| {
                            let first = group.alerts.first()?;
                            Some(GroupRouting {
                                group_key: group.key.clone(),
                                group_labels: group.labels.clone(),
                                matches: tree.explain(&first.labels),
                            })
                        })
                        .collect();
                    answer.receivers = tree.receivers;
                }
                Err(error) => answer.error = Some(error),
            }
            answer
        });
    futures_util::future::join_all(fetches).await
}
