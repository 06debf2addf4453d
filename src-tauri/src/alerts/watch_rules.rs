//! Personal watch rules: a Prometheus rule file in the app's data directory, edited in the
//! Alerts view, evaluated by the poller at every round against the first Prometheus, and shown
//! on the board (source "local-rules") and notified like any other alert.

use hinomi_alerts::local_rules::{
    LocalRuleEvaluator, PrometheusInstantQuery, RuleEvaluation, RuleFileError, WatchRules,
    WatchRulesFile, check_watch_rules,
};
use hinomi_alerts::poller::SourceResult;
use hinomi_alerts::runtime::lock;
use hinomi_core::HinomiError;
use hinomi_core::clock::Clock;
use hinomi_core::http::EndpointCache;
use hinomi_core::settings::{Datasource, DatasourceKind};
use hinomi_settings::Settings;
use serde::Serialize;
use specta::Type;
use std::sync::{Arc, Mutex};

/// The watch rules' managed state: the file, rules saved but not yet taken by the poller, and
/// how the last evaluation went.
pub struct WatchRulesState {
    pub file: WatchRulesFile,
    pub saved: Mutex<Option<WatchRules>>,
    pub status: Mutex<Vec<RuleEvaluation>>,
}

impl WatchRulesState {
    pub fn new(file: WatchRulesFile) -> Self {
        Self {
            file,
            saved: Mutex::new(None),
            status: Mutex::new(Vec::new()),
        }
    }
}

/// What the editor shows.
#[derive(Debug, Clone, Serialize, Type)]
pub struct WatchRulesView {
    pub path: String,
    pub text: String,
    /// Problems of the file on disk (only if it was edited outside Hinomi).
    pub errors: Vec<RuleFileError>,
    pub rules: Vec<RuleEvaluation>,
    /// The Prometheus datasource the rules are evaluated against; `None` when there is none.
    pub datasource_name: Option<String>,
}

pub fn view(state: &WatchRulesState, settings: &Settings) -> Result<WatchRulesView, HinomiError> {
    let loaded = state.file.load()?;
    Ok(WatchRulesView {
        path: state.file.path().display().to_string(),
        text: loaded.text,
        errors: loaded.errors,
        rules: lock(&state.status).clone(),
        datasource_name: evaluated_against(settings).map(|ds| ds.name.clone()),
    })
}

/// The rules run against the first Prometheus of the settings.
fn evaluated_against(settings: &Settings) -> Option<&Datasource> {
    settings
        .datasources
        .iter()
        .find(|ds| ds.kind == DatasourceKind::Prometheus)
}

/// Empty when `text` is a valid rule file.
pub fn check(text: &str) -> Vec<RuleFileError> {
    check_watch_rules(text).err().unwrap_or_default()
}

/// Saves valid rules and hands them to the poller; invalid ones are not saved and come back
/// as problems.
pub fn save(state: &WatchRulesState, text: &str) -> Result<Vec<RuleFileError>, HinomiError> {
    match state.file.save(text)? {
        Ok(rules) => {
            *lock(&state.saved) = Some(rules);
            Ok(Vec::new())
        }
        Err(errors) => Ok(errors),
    }
}

/// The poller's side: the evaluator for the rules in force.
pub struct WatchRulesRunner {
    evaluator: Option<LocalRuleEvaluator>,
    clock: Arc<dyn Clock>,
}

impl WatchRulesRunner {
    /// Starts with the rules in the file, if it is valid.
    pub fn start(state: &WatchRulesState, clock: Arc<dyn Clock>) -> Self {
        let rules = match state.file.load() {
            Ok(loaded) => loaded.rules,
            Err(error) => {
                tracing::warn!(%error, "watch rules not read");
                None
            }
        };
        let mut runner = Self {
            evaluator: None,
            clock,
        };
        runner.replace(rules);
        runner
    }

    fn replace(&mut self, rules: Option<WatchRules>) {
        self.evaluator = rules
            .filter(|rules| !rules.groups.is_empty())
            .map(|rules| LocalRuleEvaluator::new(rules, self.clock.clone()));
    }

    /// Evaluates the rules once; the result joins the poll as one more source. Nothing when
    /// there are no rules (their alerts, if any, then resolve).
    pub async fn evaluate(
        &mut self,
        state: &WatchRulesState,
        endpoints: &EndpointCache,
        settings: &Settings,
        budget: std::time::Duration,
    ) -> Vec<SourceResult> {
        if let Some(rules) = lock(&state.saved).take() {
            self.replace(Some(rules));
        }
        let Some(evaluator) = self.evaluator.as_mut() else {
            lock(&state.status).clear();
            return Vec::new();
        };
        if let Some(ds) = evaluated_against(settings) {
            // The endpoint is found within the budget too: a keyring that does not answer
            // must not hold up the round.
            let started = tokio::time::Instant::now();
            match tokio::time::timeout(budget, endpoints.endpoint(ds)).await {
                Ok(Ok(endpoint)) => {
                    let query = PrometheusInstantQuery::from_endpoint(endpoint);
                    let left = budget.saturating_sub(started.elapsed());
                    evaluator.evaluate_within(&query, left).await;
                }
                Ok(Err(error)) => tracing::debug!(%error, "watch rules not evaluated"),
                Err(_elapsed) => tracing::debug!("watch rules not evaluated: no endpoint in time"),
            }
        }
        *lock(&state.status) = evaluator.rule_status();
        vec![evaluator.as_source_result()]
    }
}
