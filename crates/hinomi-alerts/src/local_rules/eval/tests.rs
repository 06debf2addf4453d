//! `for:` semantics on a FakeClock with a fake instant query: no Prometheus, no sleeping.

use super::*;
use crate::local_rules::parse_rule_file;
use hinomi_core::ErrorCode;
use hinomi_core::clock::FakeClock;
use std::sync::Mutex;
use std::time::Duration;

/// Answers each expression with whatever the test put there.
#[derive(Default)]
struct FakeQuery {
    answers: Mutex<HashMap<String, Result<Vec<QuerySample>, HinomiError>>>,
    asked_at: Mutex<Vec<DateTime<Utc>>>,
}

impl FakeQuery {
    fn answer(&self, expr: &str, samples: &[(&[(&str, &str)], f64)]) {
        let samples = samples
            .iter()
            .map(|(labels, value)| QuerySample {
                labels: crate::alert::tests::labels(labels),
                value: *value,
            })
            .collect();
        self.answers
            .lock()
            .unwrap()
            .insert(expr.into(), Ok(samples));
    }

    fn fail(&self, expr: &str, message: &str) {
        self.answers.lock().unwrap().insert(
            expr.into(),
            Err(HinomiError::new(ErrorCode::Backend, message)),
        );
    }
}

impl InstantQuery for FakeQuery {
    async fn query(&self, expr: &str, at: DateTime<Utc>) -> Result<Vec<QuerySample>, HinomiError> {
        self.asked_at.lock().unwrap().push(at);
        self.answers
            .lock()
            .unwrap()
            .get(expr)
            .cloned()
            .unwrap_or_else(|| Ok(Vec::new()))
    }
}

const RULES: &str = r#"
groups:
- name: mine
  rules:
  - alert: TargetDown
    expr: up == 0
    for: 1m
    labels:
      severity: critical
      team: "{{ $labels.job }}-team"
    annotations:
      summary: "監視対象がダウンしています: {{ $labels.job }}"
      description: "value {{ $value | humanize }}"
  - alert: Immediate
    expr: vector(1)
"#;

fn start() -> (LocalRuleEvaluator, FakeClock, FakeQuery) {
    let clock = FakeClock::at(
        DateTime::parse_from_rfc3339("2026-03-21T09:00:00Z")
            .unwrap()
            .to_utc(),
    );
    let rules = parse_rule_file("watch.yml", RULES).unwrap();
    let query = FakeQuery::default();
    query.answer("vector(1)", &[(&[], 1.0)]);
    (
        LocalRuleEvaluator::new(rules, Arc::new(clock.clone())),
        clock,
        query,
    )
}

/// `alertname/job` and state, sorted by name.
fn states(evaluator: &LocalRuleEvaluator) -> Vec<(String, AlertState)> {
    let mut states: Vec<(String, AlertState)> = evaluator
        .alerts()
        .into_iter()
        .map(|a| (format!("{}/{}", a.alertname(), a.label("job")), a.state))
        .collect();
    states.sort_by(|a, b| a.0.cmp(&b.0));
    states
}

#[tokio::test]
async fn pending_until_for_has_passed_then_firing() {
    let (mut evaluator, clock, query) = start();
    query.answer(
        "up == 0",
        &[(
            &[("__name__", "up"), ("job", "api"), ("instance", "a:1")],
            0.0,
        )],
    );
    evaluator.evaluate(&query).await;
    assert_eq!(
        states(&evaluator),
        [
            ("Immediate/".to_owned(), AlertState::Firing),
            ("TargetDown/api".to_owned(), AlertState::Pending)
        ]
    );
    let alert = evaluator
        .alerts()
        .into_iter()
        .find(|a| a.alertname() == "TargetDown")
        .unwrap();
    assert_eq!(alert.label("team"), "api-team");
    assert_eq!(alert.label("severity"), "critical");
    assert!(!alert.labels.contains_key("__name__"));
    assert_eq!(
        alert.annotations["summary"],
        "監視対象がダウンしています: api"
    );
    assert_eq!(alert.annotations["description"], "value 0");
    assert_eq!(alert.active_since, Some(clock.now()));
    assert_eq!(alert.sources, [local_rules_source()]);

    clock.advance(Duration::from_secs(59));
    evaluator.evaluate(&query).await;
    assert_eq!(
        states(&evaluator)[1].1,
        AlertState::Pending,
        "59s < for: 1m"
    );
    clock.advance(Duration::from_secs(1));
    evaluator.evaluate(&query).await;
    assert_eq!(states(&evaluator)[1].1, AlertState::Firing);
    let status = evaluator.rule_status();
    assert_eq!(status[0].firing, 1);
    assert!(status[0].ok);
    assert_eq!(query.asked_at.lock().unwrap().last(), Some(&clock.now()));
}

#[tokio::test]
async fn a_vanished_series_ends_its_alert_and_a_return_starts_over() {
    let (mut evaluator, clock, query) = start();
    let down: &[(&str, &str)] = &[("job", "api")];
    query.answer("up == 0", &[(down, 0.0)]);
    evaluator.evaluate(&query).await;
    clock.advance(Duration::from_secs(30));
    query.answer("up == 0", &[]);
    evaluator.evaluate(&query).await;
    assert_eq!(states(&evaluator).len(), 1, "only Immediate");
    clock.advance(Duration::from_secs(30));
    query.answer("up == 0", &[(down, 0.0)]);
    evaluator.evaluate(&query).await;
    clock.advance(Duration::from_secs(30));
    evaluator.evaluate(&query).await;
    // 30s since it came back, 90s since it first appeared: still pending.
    assert_eq!(states(&evaluator)[1].1, AlertState::Pending);
}

#[tokio::test]
async fn a_failing_query_keeps_alerts_and_reports_the_error() {
    let (mut evaluator, clock, query) = start();
    query.answer("up == 0", &[(&[("job", "api")], 0.0)]);
    evaluator.evaluate(&query).await;
    clock.advance(Duration::from_secs(60));
    query.fail("up == 0", "query timed out in expression evaluation");
    evaluator.evaluate(&query).await;
    let status = evaluator.rule_status();
    assert!(!status[0].ok);
    assert_eq!(
        status[0].last_error.as_deref(),
        Some("query timed out in expression evaluation")
    );
    assert_eq!(status[0].pending, 1, "not ended by a failed evaluation");
}

#[tokio::test]
async fn series_that_collide_after_labelling_are_an_error() {
    let (mut evaluator, _clock, query) = start();
    // Different only in __name__, which alerts drop.
    query.answer(
        "up == 0",
        &[
            (&[("__name__", "a"), ("job", "x")], 0.0),
            (&[("__name__", "b"), ("job", "x")], 0.0),
        ],
    );
    evaluator.evaluate(&query).await;
    let status = evaluator.rule_status();
    assert!(
        status[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("same labelset")
    );
}

/// Answers like the inner query, except that the listed expressions never answer.
struct HangingQuery<'a> {
    inner: &'a FakeQuery,
    hung: &'a [&'a str],
}

impl InstantQuery for HangingQuery<'_> {
    async fn query(&self, expr: &str, at: DateTime<Utc>) -> Result<Vec<QuerySample>, HinomiError> {
        if self.hung.contains(&expr) {
            std::future::pending::<()>().await;
        }
        self.inner.query(expr, at).await
    }
}

/// Tokio's paused clock stands in for the network's time: a hung query costs its budget once,
/// however many rules hang, and the other rules are evaluated in the same round.
#[tokio::test(start_paused = true)]
async fn hung_queries_cost_one_budget_and_keep_their_alerts() {
    let rules = parse_rule_file(
        "watch.yml",
        "groups:\n- name: mine\n  rules:\n  - alert: TargetDown\n    expr: up == 0\n  \
         - alert: SlowDisk\n    expr: disk_slow == 1\n  - alert: Immediate\n    expr: vector(1)\n",
    )
    .unwrap();
    let clock = FakeClock::at(Utc::now());
    let mut evaluator = LocalRuleEvaluator::new(rules, Arc::new(clock.clone()));
    let query = FakeQuery::default();
    query.answer("up == 0", &[(&[("job", "api")], 0.0)]);
    evaluator.evaluate(&query).await;
    assert_eq!(
        states(&evaluator),
        [("TargetDown/api".to_owned(), AlertState::Firing)]
    );

    // Prometheus hangs for two rules; the third answers.
    query.answer("vector(1)", &[(&[], 1.0)]);
    clock.advance(Duration::from_secs(30));
    let budget = Duration::from_secs(5);
    let began = tokio::time::Instant::now();
    let hanging = HangingQuery {
        inner: &query,
        hung: &["up == 0", "disk_slow == 1"],
    };
    evaluator.evaluate_within(&hanging, budget).await;
    assert_eq!(
        began.elapsed(),
        budget,
        "the hung rules waited side by side"
    );
    assert_eq!(
        states(&evaluator),
        [
            ("Immediate/".to_owned(), AlertState::Firing),
            ("TargetDown/api".to_owned(), AlertState::Firing),
        ]
    );
    let status = evaluator.rule_status();
    let error = |alert: &str| {
        status
            .iter()
            .find(|rule| rule.alert == alert)
            .unwrap()
            .last_error
            .clone()
    };
    assert_eq!(
        error("TargetDown").as_deref(),
        Some("no answer within 5 s; the rule keeps its alerts")
    );
    assert_eq!(error("SlowDisk"), error("TargetDown"));
    assert_eq!(error("Immediate"), None);
}
