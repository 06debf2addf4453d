//! Which notification group(s) an alert belongs to, by the route tree of the Alertmanager that
//! reported it.
//!
//! A group is what Alertmanager calls an aggregation group: (route tree, matched route, values
//! of that route's `group_by` labels). An alert that matches several routes (`continue: true`)
//! is in one group per route, as Alertmanager notifies each receiver. Alerts no Alertmanager
//! with a readable configuration reported (Prometheus-only, Hinomi's own watch rules, or an
//! Alertmanager whose status has not answered yet) take the fallback tree: the seed's route
//! unless the settings say otherwise.

use super::group::GroupRules;
use crate::alert::{Alert, LabelSet, SourceKind, fingerprint_of_pairs, format_labels};
use crate::grouping::{GroupBy, GroupKeys};
use crate::routing::{Receiver, RouteNode, RouteTree};
use std::collections::HashMap;
use std::sync::Arc;

/// The identity of the fallback tree in group keys.
pub(super) const FALLBACK_TREE: &str = "seed";

/// One route as the planner groups by it.
#[derive(Debug, Clone)]
pub(super) struct RouteGrouping {
    /// `seed` or `am:<datasource id>`, then the route's path: the key's prefix.
    prefix: String,
    hash: u64,
    keys: GroupKeys,
    pub group_by: GroupBy,
    pub rules: GroupRules,
}

impl RouteGrouping {
    /// The group's id: stable over restarts (FNV), so remembered groups find their alerts.
    pub fn id(&self, alert: &Alert) -> u64 {
        self.keys.key(alert).rotate_left(17) ^ self.hash
    }

    /// `am:demo-alertmanager:root.0:{severity="critical"}`: ends like the board's key of the
    /// same group, so a notification's "Open" finds it.
    pub fn key(&self, group_labels: &LabelSet) -> String {
        format!("{}:{}", self.prefix, format_labels(group_labels))
    }
}

/// One tree's routes by path.
#[derive(Debug, Clone)]
struct TreePlan {
    tree: Arc<RouteTree>,
    routes: HashMap<String, RouteGrouping>,
}

impl TreePlan {
    fn new(tree_id: &str, tree: Arc<RouteTree>, unknown_send_resolved: bool) -> Self {
        let mut routes = HashMap::new();
        collect(
            &tree,
            &tree.root,
            tree_id,
            unknown_send_resolved,
            &mut routes,
        );
        Self { tree, routes }
    }

    fn groupings_of<'p>(&'p self, alert: &Alert, found: &mut Vec<&'p RouteGrouping>) {
        for node in self.tree.routes_for(&alert.labels) {
            if let Some(grouping) = self.routes.get(&node.path) {
                found.push(grouping);
            }
        }
    }
}

fn collect(
    tree: &RouteTree,
    node: &RouteNode,
    tree_id: &str,
    unknown_send_resolved: bool,
    routes: &mut HashMap<String, RouteGrouping>,
) {
    // A receiver without integrations (a "blackhole") tells nothing about send_resolved.
    let send_resolved = tree
        .receiver(&node.receiver)
        .filter(|receiver| !receiver.integrations.is_empty())
        .map_or(unknown_send_resolved, Receiver::sends_resolved);
    let secs = |d: std::time::Duration| {
        chrono::Duration::from_std(d).unwrap_or_else(|_| chrono::Duration::days(365))
    };
    routes.insert(
        node.path.clone(),
        RouteGrouping {
            prefix: format!("{tree_id}:{}", node.path),
            hash: fingerprint_of_pairs([("tree", tree_id), ("route", node.path.as_str())]),
            keys: GroupKeys::new(&node.group_by),
            group_by: node.group_by.clone(),
            rules: GroupRules {
                group_wait: secs(node.timing.group_wait),
                group_interval: secs(node.timing.group_interval),
                repeat_interval: secs(node.timing.repeat_interval),
                send_resolved,
            },
        },
    );
    for child in &node.children {
        collect(tree, child, tree_id, unknown_send_resolved, routes);
    }
}

/// The fallback tree and every Alertmanager's, by datasource id.
#[derive(Debug, Clone)]
pub(super) struct RoutePlans {
    fallback: TreePlan,
    alertmanagers: HashMap<String, TreePlan>,
    /// `send_resolved` where the route's receiver does not say.
    unknown_send_resolved: bool,
}

impl RoutePlans {
    pub fn new(fallback: RouteTree, unknown_send_resolved: bool) -> Self {
        Self {
            fallback: TreePlan::new(FALLBACK_TREE, Arc::new(fallback), unknown_send_resolved),
            alertmanagers: HashMap::new(),
            unknown_send_resolved,
        }
    }

    /// Replaces the Alertmanagers' trees. Groups keep their state where their key is unchanged.
    pub fn set_alertmanagers(&mut self, trees: &[(String, Arc<RouteTree>)]) {
        self.alertmanagers = trees
            .iter()
            .map(|(id, tree)| {
                let plan = TreePlan::new(
                    &alertmanager_tree_id(id),
                    tree.clone(),
                    self.unknown_send_resolved,
                );
                (id.clone(), plan)
            })
            .collect();
    }

    /// The Alertmanagers' trees as given to [`Self::set_alertmanagers`].
    pub fn trees(&self) -> Vec<(String, Arc<RouteTree>)> {
        self.alertmanagers
            .iter()
            .map(|(id, plan)| (id.clone(), plan.tree.clone()))
            .collect()
    }

    /// Whether this tree is the one in use for datasource `id` (to skip rebuilding).
    pub fn has_tree(&self, id: &str, tree: &Arc<RouteTree>) -> bool {
        self.alertmanagers
            .get(id)
            .is_some_and(|plan| Arc::ptr_eq(&plan.tree, tree))
    }

    pub fn alertmanager_count(&self) -> usize {
        self.alertmanagers.len()
    }

    /// The routes an alert is grouped by: those of the first Alertmanager that reported it and
    /// whose tree is known, else the fallback's.
    pub fn groupings_of<'p>(&'p self, alert: &Alert, found: &mut Vec<&'p RouteGrouping>) {
        let plan = alert
            .sources
            .iter()
            .filter(|source| source.kind == SourceKind::Alertmanager)
            .find_map(|source| self.alertmanagers.get(&source.datasource_id))
            .unwrap_or(&self.fallback);
        plan.groupings_of(alert, found);
    }
}

pub(super) fn alertmanager_tree_id(datasource_id: &str) -> String {
    format!("am:{datasource_id}")
}
