//! Which Alertmanager receiver(s) an alert goes to, and with which grouping and timings.
//!
//! Reads an Alertmanager's configuration (from `/api/v2/status`) into a [`RouteTree`] and walks it
//! the way Alertmanager's dispatcher does: depth first, the first matching child wins unless it
//! says `continue: true`, a route whose children all miss takes the alert itself, and
//! `receiver`, `group_by` and the three timings are inherited from the parent when not set.
//! The UI uses it to answer "who gets paged for this?", the board and the desktop notifications
//! to group like the route.

mod cache;
mod config;

pub use cache::RouteTreeCache;
pub mod view;

use crate::alert::LabelSet;
use crate::duration::{DurationError, format_duration, parse_duration};
use crate::grouping::GroupBy;
use crate::matcher::{MatchOp, Matcher, all_match, parse_matchers};
use config::{ConfigFile, WireReceiver, WireRoute, default_send_resolved};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::time::Duration;

/// The monitoring spec's §4.2 route, used when no Alertmanager is configured.
pub const SEED_ALERTMANAGER_YML: &str = "\
route:
  group_by: ['alertname', 'severity']
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
  receiver: 'team-dataset'
receivers:
- name: 'team-dataset'
  slack_configs:
  - channel: '#alerts-dataset'
    send_resolved: true
  email_configs:
  - to: 'team@example.com'
    send_resolved: true
";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoutingError {
    #[error("the configuration is not valid YAML: {0}")]
    Yaml(String),
    #[error("the configuration has no route")]
    NoRoute,
    #[error("the root route has no receiver")]
    NoRootReceiver,
    #[error("the root route must not have matchers")]
    RootMatchers,
    #[error("route {route}: receiver {receiver:?} is not defined")]
    UnknownReceiver { route: String, receiver: String },
    #[error("route {route}: matcher {matcher:?}: {message}")]
    BadMatcher {
        route: String,
        matcher: String,
        message: String,
    },
    #[error("route {route}: {field}: {error}")]
    BadDuration {
        route: String,
        field: &'static str,
        error: DurationError,
    },
}

/// `group_wait`, `group_interval` and `repeat_interval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteTiming {
    pub group_wait: Duration,
    pub group_interval: Duration,
    pub repeat_interval: Duration,
}

impl RouteTiming {
    /// Alertmanager's defaults, which are also the spec's: 30s, 5m, 4h.
    pub const fn alertmanager_defaults() -> Self {
        Self {
            group_wait: Duration::from_secs(30),
            group_interval: Duration::from_secs(5 * 60),
            repeat_interval: Duration::from_secs(4 * 3600),
        }
    }
}

impl Default for RouteTiming {
    fn default() -> Self {
        Self::alertmanager_defaults()
    }
}

/// One route with everything inherited already filled in.
#[derive(Debug, Clone)]
pub struct RouteNode {
    /// `root`, `root.0`, `root.0.1`: the route's position in the tree.
    pub path: String,
    pub receiver: String,
    pub matchers: Vec<Matcher>,
    pub continue_matching: bool,
    pub group_by: GroupBy,
    pub timing: RouteTiming,
    pub children: Vec<RouteNode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Integration {
    /// `webhook`, `email`, `slack`, ...
    pub kind: String,
    pub send_resolved: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Receiver {
    pub name: String,
    pub integrations: Vec<Integration>,
}

impl Receiver {
    /// Resolved notifications go out if any integration sends them.
    pub fn sends_resolved(&self) -> bool {
        self.integrations.iter().any(|i| i.send_resolved)
    }
}

/// Where an alert goes, for the UI's "routing" panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct RouteMatch {
    pub route_path: String,
    pub receiver: String,
    /// `["..."]` for all labels.
    pub group_by: Vec<String>,
    /// The alert's group within that route.
    pub group_labels: LabelSet,
    pub group_wait: String,
    pub group_interval: String,
    pub repeat_interval: String,
    pub matchers: Vec<String>,
    pub continue_matching: bool,
    pub send_resolved: bool,
}

#[derive(Debug, Clone)]
pub struct RouteTree {
    pub root: RouteNode,
    pub receivers: Vec<Receiver>,
}

impl RouteTree {
    pub fn from_yaml(yaml: &str) -> Result<Self, RoutingError> {
        let file: ConfigFile =
            serde_norway::from_str(yaml).map_err(|err| RoutingError::Yaml(err.to_string()))?;
        let route = file.route.ok_or(RoutingError::NoRoute)?;
        let receivers: Vec<Receiver> = file.receivers.into_iter().map(receiver).collect();
        if !route.matchers.is_empty() || !route.match_equal.is_empty() || !route.match_re.is_empty()
        {
            return Err(RoutingError::RootMatchers);
        }
        let Some(root_receiver) = route.receiver.clone() else {
            return Err(RoutingError::NoRootReceiver);
        };
        let inherited = Inherited {
            receiver: root_receiver,
            group_by: GroupBy::Labels(Vec::new()),
            timing: RouteTiming::alertmanager_defaults(),
        };
        let root = build_node(route, "root".into(), &inherited, &receivers)?;
        Ok(Self { root, receivers })
    }

    /// The monitoring spec's route (one receiver, grouped by alertname and severity).
    pub fn seed() -> Self {
        Self::from_yaml(SEED_ALERTMANAGER_YML).unwrap_or_else(|err| {
            unreachable!("the built-in seed route is valid: {err}");
        })
    }

    /// The routes an alert with these labels is delivered through, in Alertmanager's order.
    pub fn routes_for(&self, labels: &LabelSet) -> Vec<&RouteNode> {
        let mut found = Vec::new();
        match_route(&self.root, labels, &mut found);
        found
    }

    /// The first route, which decides the alert's group on the board.
    pub fn first_route(&self, labels: &LabelSet) -> &RouteNode {
        first_route(&self.root, labels)
    }

    pub fn receiver(&self, name: &str) -> Option<&Receiver> {
        self.receivers.iter().find(|r| r.name == name)
    }

    pub fn explain(&self, labels: &LabelSet) -> Vec<RouteMatch> {
        self.routes_for(labels)
            .into_iter()
            .map(|node| RouteMatch {
                route_path: node.path.clone(),
                receiver: node.receiver.clone(),
                group_by: node.group_by.names(),
                group_labels: node.group_by.group_labels(labels),
                group_wait: format_duration(node.timing.group_wait),
                group_interval: format_duration(node.timing.group_interval),
                repeat_interval: format_duration(node.timing.repeat_interval),
                matchers: node.matchers.iter().map(ToString::to_string).collect(),
                continue_matching: node.continue_matching,
                send_resolved: self
                    .receiver(&node.receiver)
                    .is_some_and(Receiver::sends_resolved),
            })
            .collect()
    }
}

/// Alertmanager's `Route.Match`.
fn match_route<'t>(node: &'t RouteNode, labels: &LabelSet, found: &mut Vec<&'t RouteNode>) -> bool {
    if !all_match(&node.matchers, labels) {
        return false;
    }
    let before = found.len();
    for child in &node.children {
        if match_route(child, labels, found) && !child.continue_matching {
            break;
        }
    }
    if found.len() == before {
        found.push(node);
    }
    true
}

fn first_route<'t>(node: &'t RouteNode, labels: &LabelSet) -> &'t RouteNode {
    node.children
        .iter()
        .find(|child| all_match(&child.matchers, labels))
        .map_or(node, |child| first_route(child, labels))
}

struct Inherited {
    receiver: String,
    group_by: GroupBy,
    timing: RouteTiming,
}

fn build_node(
    route: WireRoute,
    path: String,
    parent: &Inherited,
    receivers: &[Receiver],
) -> Result<RouteNode, RoutingError> {
    let receiver = route.receiver.unwrap_or_else(|| parent.receiver.clone());
    if !receivers.iter().any(|r| r.name == receiver) {
        return Err(RoutingError::UnknownReceiver {
            route: path,
            receiver,
        });
    }
    let mut matchers = Vec::new();
    for text in &route.matchers {
        let parsed = parse_matchers(text).map_err(|err| RoutingError::BadMatcher {
            route: path.clone(),
            matcher: text.clone(),
            message: err.to_string(),
        })?;
        matchers.extend(parsed);
    }
    for (name, value) in route.match_equal {
        matchers.push(Matcher::equal(name, value));
    }
    for (name, value) in route.match_re {
        let matcher = Matcher::new(name.clone(), MatchOp::Regex, value.clone()).map_err(|err| {
            RoutingError::BadMatcher {
                route: path.clone(),
                matcher: format!("{name}=~{value:?}"),
                message: err.to_string(),
            }
        })?;
        matchers.push(matcher);
    }
    let duration = |field: &'static str, text: Option<String>, inherited: Duration| match text {
        None => Ok(inherited),
        Some(text) => parse_duration(&text).map_err(|error| RoutingError::BadDuration {
            route: path.clone(),
            field,
            error,
        }),
    };
    let timing = RouteTiming {
        group_wait: duration("group_wait", route.group_wait, parent.timing.group_wait)?,
        group_interval: duration(
            "group_interval",
            route.group_interval,
            parent.timing.group_interval,
        )?,
        repeat_interval: duration(
            "repeat_interval",
            route.repeat_interval,
            parent.timing.repeat_interval,
        )?,
    };
    let group_by = route.group_by.map_or_else(
        || parent.group_by.clone(),
        |names| GroupBy::from_names(&names),
    );
    let inherited = Inherited {
        receiver: receiver.clone(),
        group_by: group_by.clone(),
        timing,
    };
    let children = route
        .routes
        .into_iter()
        .enumerate()
        .map(|(index, child)| build_node(child, format!("{path}.{index}"), &inherited, receivers))
        .collect::<Result<_, _>>()?;
    Ok(RouteNode {
        path,
        receiver,
        matchers,
        continue_matching: route.continue_matching,
        group_by,
        timing,
        children,
    })
}

fn receiver(wire: WireReceiver) -> Receiver {
    let mut integrations = Vec::new();
    for (key, value) in &wire.integrations {
        let Some(kind) = key.strip_suffix("_configs") else {
            continue;
        };
        for config in value.as_sequence().into_iter().flatten() {
            let send_resolved = config
                .get("send_resolved")
                .and_then(serde_norway::Value::as_bool)
                .unwrap_or_else(|| default_send_resolved(kind));
            integrations.push(Integration {
                kind: kind.to_owned(),
                send_resolved,
            });
        }
    }
    Receiver {
        name: wire.name,
        integrations,
    }
}

#[cfg(test)]
mod tests;
