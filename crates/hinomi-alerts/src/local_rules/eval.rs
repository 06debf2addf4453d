//! Evaluating watch rules the way Prometheus evaluates alerting rules.
//!
//! Each evaluation runs every rule's expression through a caller-provided instant query (the
//! real one asks Prometheus; tests use a fake), turns each result series into an alert labelled
//! with the series' labels, the rule's labels and `alertname`, and keeps Prometheus's `for:`
//! semantics: an alert is pending from its first evaluation and fires once it has held for
//! `for` (at once when `for` is 0). A series that disappears ends its alert. Time comes from the
//! injected clock.

use super::template::{Template, go_float};
use crate::alert::{Alert, AlertState, LabelSet, fingerprint_hex};
use crate::poller::{SourceResult, local_rules_source};
use crate::rule_file::WatchRules;
use chrono::{DateTime, Utc};
use hinomi_core::HinomiError;
use hinomi_core::clock::Clock;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// One series of an instant query's result.
#[derive(Debug, Clone, PartialEq)]
pub struct QuerySample {
    pub labels: LabelSet,
    pub value: f64,
}

/// Runs an instant query; implemented for Prometheus by [`super::PrometheusInstantQuery`].
pub trait InstantQuery {
    fn query(
        &self,
        expr: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<QuerySample>, HinomiError>> + Send;
}

/// How a rule's last evaluation went, for the UI's rule list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct RuleEvaluation {
    pub group: String,
    pub alert: String,
    pub ok: bool,
    pub last_error: Option<String>,
    pub last_evaluation: Option<DateTime<Utc>>,
    pub pending: u32,
    pub firing: u32,
}

#[derive(Debug, Clone)]
struct ActiveAlert {
    labels: LabelSet,
    annotations: LabelSet,
    value: f64,
    active_at: DateTime<Utc>,
    state: AlertState,
}

/// A rule's last error (if it failed) and when it was last evaluated.
type LastEvaluation = (Option<String>, Option<DateTime<Utc>>);

pub struct LocalRuleEvaluator {
    rules: WatchRules,
    clock: Arc<dyn Clock>,
    /// Per rule (group index, rule index): active alerts by fingerprint.
    active: HashMap<(usize, usize), HashMap<String, ActiveAlert>>,
    status: HashMap<(usize, usize), LastEvaluation>,
}

impl LocalRuleEvaluator {
    pub fn new(rules: WatchRules, clock: Arc<dyn Clock>) -> Self {
        Self {
            rules,
            clock,
            active: HashMap::new(),
            status: HashMap::new(),
        }
    }

    /// Evaluates every rule once, at the clock's current time.
    pub async fn evaluate<Q: InstantQuery>(&mut self, query: &Q) {
        self.evaluate_within(query, Duration::MAX).await;
    }

    /// Evaluates every rule once, all queries at once, each given at most `budget`: one rule's
    /// slow query neither delays the others nor the poll round. A rule whose query did not
    /// answer in time keeps its alerts and reports the timeout.
    pub async fn evaluate_within<Q: InstantQuery>(&mut self, query: &Q, budget: Duration) {
        let now = self.clock.now();
        let keys: Vec<(usize, usize)> = self
            .rules
            .groups
            .iter()
            .enumerate()
            .flat_map(|(group_index, group)| {
                (0..group.rules.len()).map(move |rule_index| (group_index, rule_index))
            })
            .collect();
        let queries = keys.iter().map(|&(group, rule)| {
            let expr = &self.rules.groups[group].rules[rule].expr;
            async move {
                match tokio::time::timeout(budget, query.query(expr, now)).await {
                    Ok(answer) => answer.map_err(|err| err.message),
                    Err(_elapsed) => Err(format!(
                        "no answer within {} s; the rule keeps its alerts",
                        budget.as_secs_f64()
                    )),
                }
            }
        });
        let answers = futures_util::future::join_all(queries).await;
        for (key, answer) in keys.into_iter().zip(answers) {
            let outcome = answer.and_then(|samples| self.apply(key, samples, now));
            self.status.insert(key, (outcome.err(), Some(now)));
        }
    }

    /// One rule's result: new series become pending alerts, held ones may start firing,
    /// vanished ones end.
    fn apply(
        &mut self,
        key: (usize, usize),
        samples: Vec<QuerySample>,
        now: DateTime<Utc>,
    ) -> Result<(), String> {
        let rule = &self.rules.groups[key.0].rules[key.1];
        let previous = self.active.remove(&key).unwrap_or_default();
        let mut next: HashMap<String, ActiveAlert> = HashMap::with_capacity(samples.len());
        for sample in samples {
            let mut series = sample.labels;
            series.remove("__name__");
            let mut labels = series.clone();
            labels.extend(render_all(&rule.labels, &series, sample.value));
            labels.insert("alertname".into(), rule.alert.clone());
            let annotations = render_all(&rule.annotations, &series, sample.value);
            let fingerprint = fingerprint_hex(&labels);
            if next.contains_key(&fingerprint) {
                // Keep what was active: a broken evaluation must not end alerts.
                self.active.insert(key, previous);
                return Err(
                    "vector contains metrics with the same labelset after applying alert labels"
                        .into(),
                );
            }
            let (active_at, state) = previous
                .get(&fingerprint)
                .map_or((now, AlertState::Pending), |before| {
                    (before.active_at, before.state)
                });
            let held = now - active_at
                >= chrono::Duration::from_std(rule.for_duration).unwrap_or(chrono::Duration::MAX);
            let state = if state == AlertState::Pending && held {
                AlertState::Firing
            } else {
                state
            };
            next.insert(
                fingerprint,
                ActiveAlert {
                    labels,
                    annotations,
                    value: sample.value,
                    active_at,
                    state,
                },
            );
        }
        self.active.insert(key, next);
        Ok(())
    }

    /// The active alerts, ready for the board (source: local rules).
    pub fn alerts(&self) -> Vec<Alert> {
        let source = local_rules_source();
        let mut alerts: Vec<Alert> = self
            .active
            .values()
            .flat_map(HashMap::values)
            .map(|active| {
                let mut alert = Alert::new(active.labels.clone(), active.state, source.clone());
                alert.annotations = active.annotations.clone();
                alert.active_since = Some(active.active_at);
                alert.value = Some(go_float(active.value));
                alert
            })
            .collect();
        alerts.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
        alerts
    }

    /// The alerts as one more source for [`crate::poller::AlertPoller::poll_with`].
    pub fn as_source_result(&self) -> SourceResult {
        SourceResult {
            source: local_rules_source(),
            result: Ok(self.alerts()),
        }
    }

    pub fn rule_status(&self) -> Vec<RuleEvaluation> {
        let mut out = Vec::new();
        for (group_index, group) in self.rules.groups.iter().enumerate() {
            for (rule_index, rule) in group.rules.iter().enumerate() {
                let key = (group_index, rule_index);
                let (last_error, last_evaluation) =
                    self.status.get(&key).cloned().unwrap_or_default();
                let active = self.active.get(&key);
                let count = |state| {
                    let n = active.map_or(0, |alerts| {
                        alerts.values().filter(|a| a.state == state).count()
                    });
                    u32::try_from(n).unwrap_or(u32::MAX)
                };
                out.push(RuleEvaluation {
                    group: group.name.clone(),
                    alert: rule.alert.clone(),
                    ok: last_error.is_none(),
                    last_error,
                    last_evaluation,
                    pending: count(AlertState::Pending),
                    firing: count(AlertState::Firing),
                });
            }
        }
        out
    }
}

/// The labels a rule adds, rendered for one result series.
fn render_all(templates: &[(String, Template)], labels: &LabelSet, value: f64) -> LabelSet {
    templates
        .iter()
        .map(|(name, template)| {
            // Rendering only fails on values a checked template cannot meet (a label that is
            // not a number piped into humanize); show the error where the text would be.
            let text = template
                .render(labels, value)
                .unwrap_or_else(|err| format!("<error expanding template: {err}>"));
            (name.clone(), text)
        })
        .collect()
}

#[cfg(test)]
mod tests;
