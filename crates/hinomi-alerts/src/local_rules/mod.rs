//! Personal watch rules: alerting rules a person keeps for themself, in Prometheus's own rule
//! file format, checked like `promtool check rules` and evaluated by Hinomi against any
//! Prometheus-compatible datasource. Their alerts join the board as one more source.

mod eval;
mod prometheus;
mod template;
mod watch_file;

pub use eval::{InstantQuery, LocalRuleEvaluator, QuerySample, RuleEvaluation};
// The rule file itself is checked by [`crate::rule_file`], shared with proposed postmortem rules.
pub use crate::rule_file::{
    RuleFileError, RuleFileErrors, WatchGroup, WatchRule, WatchRules, parse_rule_file,
};
pub use prometheus::PrometheusInstantQuery;
pub use template::{Template, humanize};
pub use watch_file::{
    LoadedWatchRules, WATCH_RULES_FILE, WatchRulesFile, check as check_watch_rules,
};
