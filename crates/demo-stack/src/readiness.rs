//! Deciding that the stack is up: each component answers its health check, and Prometheus has
//! scraped every target successfully.
//!
//! A component that answers HTTP is not enough for a demo or a test: until Prometheus has
//! scraped the demo API, node-exporter and itself, every query and dashboard would come back
//! empty. Both waits are bounded and say what was last seen when they give up.

use crate::component::Component;
use crate::error::StackError;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tokio::time::{Instant, sleep};

const POLL_EVERY: Duration = Duration::from_millis(200);

/// One scrape target as Prometheus reports it at `/api/v1/targets`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetHealth {
    pub job: String,
    pub instance: String,
    /// `up`, `down` or `unknown` (not scraped yet).
    pub health: String,
    pub last_error: String,
}

#[derive(Deserialize)]
struct TargetsResponse {
    data: TargetsData,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TargetsData {
    active_targets: Vec<ActiveTarget>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ActiveTarget {
    labels: std::collections::BTreeMap<String, String>,
    health: String,
    #[serde(default)]
    last_error: String,
}

/// The active scrape targets of the Prometheus at `prometheus_url`.
pub async fn scrape_targets(
    http: &reqwest::Client,
    prometheus_url: &str,
) -> Result<Vec<TargetHealth>, reqwest::Error> {
    let response: TargetsResponse = http
        .get(format!("{prometheus_url}/api/v1/targets?state=active"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(response
        .data
        .active_targets
        .into_iter()
        .map(|target| TargetHealth {
            job: target.labels.get("job").cloned().unwrap_or_default(),
            instance: target.labels.get("instance").cloned().unwrap_or_default(),
            health: target.health,
            last_error: target.last_error,
        })
        .collect())
}

/// Polls `url` until it answers 2xx. `exited` reports whether the process has died, so that a
/// crash fails at once instead of after the timeout; `log_tail` explains either failure.
pub(crate) async fn wait_healthy(
    http: &reqwest::Client,
    component: Component,
    url: String,
    timeout: Duration,
    exited: impl FnMut() -> Option<String>,
    log_tail: impl Fn() -> String,
) -> Result<(), StackError> {
    match poll_healthy(http, &url, timeout, exited).await {
        Ok(()) => Ok(()),
        Err(NotHealthy::Exited(status)) => Err(StackError::Exited {
            component,
            status,
            log_tail: log_tail(),
        }),
        Err(NotHealthy::TimedOut(last_error)) => Err(StackError::Unhealthy {
            component,
            url,
            timeout,
            last_error,
            log_tail: log_tail(),
        }),
    }
}

/// Why [`poll_healthy`] gave up.
#[derive(Debug)]
pub(crate) enum NotHealthy {
    /// The process exited, with this status.
    Exited(String),
    /// The deadline passed; the last answer or error.
    TimedOut(String),
}

/// The polling behind [`wait_healthy`], for processes that are not stack components (the
/// search servers) and so build their own errors.
pub(crate) async fn poll_healthy(
    http: &reqwest::Client,
    url: &str,
    timeout: Duration,
    mut exited: impl FnMut() -> Option<String>,
) -> Result<(), NotHealthy> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = exited() {
            return Err(NotHealthy::Exited(status));
        }
        let last_error = match http.get(url).timeout(Duration::from_secs(5)).send().await {
            // Read to the end: node-exporter logs a broken pipe for every dropped response.
            Ok(response) if response.status().is_success() => match response.bytes().await {
                Ok(_) => return Ok(()),
                Err(error) => error_chain(&error),
            },
            Ok(response) => {
                let status = response.status();
                let body = response.text().await.unwrap_or_default();
                format!(
                    "HTTP {status}: {}",
                    body.chars().take(300).collect::<String>()
                )
            }
            Err(error) => error_chain(&error),
        };
        if Instant::now() >= deadline {
            return Err(NotHealthy::TimedOut(last_error));
        }
        sleep(POLL_EVERY).await;
    }
}

/// Polls Prometheus until every active target is up and every job in `expected_jobs` has one.
pub(crate) async fn wait_targets_up(
    http: &reqwest::Client,
    prometheus_url: &str,
    expected_jobs: &[&str],
    timeout: Duration,
) -> Result<Vec<TargetHealth>, StackError> {
    let deadline = Instant::now() + timeout;
    loop {
        let detail = match scrape_targets(http, prometheus_url).await {
            Ok(targets) => match not_up(&targets, expected_jobs) {
                None => return Ok(targets),
                Some(detail) => detail,
            },
            Err(error) => format!("cannot list targets: {}", error_chain(&error)),
        };
        if Instant::now() >= deadline {
            return Err(StackError::TargetsNotUp { timeout, detail });
        }
        sleep(POLL_EVERY).await;
    }
}

#[derive(Deserialize)]
struct AlertmanagersResponse {
    data: AlertmanagersData,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AlertmanagersData {
    active_alertmanagers: Vec<serde_json::Value>,
}

/// Polls Prometheus until it has discovered an Alertmanager to send alerts to; until then,
/// alerts that fire are dropped (and re-sent only after the resend delay).
pub(crate) async fn wait_alertmanager_discovered(
    http: &reqwest::Client,
    prometheus_url: &str,
    timeout: Duration,
) -> Result<(), StackError> {
    let deadline = Instant::now() + timeout;
    loop {
        let answer = async {
            http.get(format!("{prometheus_url}/api/v1/alertmanagers"))
                .send()
                .await?
                .error_for_status()?
                .json::<AlertmanagersResponse>()
                .await
        };
        let detail = match answer.await {
            Ok(response) if !response.data.active_alertmanagers.is_empty() => return Ok(()),
            Ok(_) => "Prometheus has not discovered the Alertmanager yet".to_owned(),
            Err(error) => format!("cannot list Alertmanagers: {}", error_chain(&error)),
        };
        if Instant::now() >= deadline {
            return Err(StackError::TargetsNotUp { timeout, detail });
        }
        sleep(POLL_EVERY).await;
    }
}

/// What is missing or not up, or `None` when all is well.
fn not_up(targets: &[TargetHealth], expected_jobs: &[&str]) -> Option<String> {
    let mut problems: Vec<String> = expected_jobs
        .iter()
        .filter(|job| !targets.iter().any(|target| target.job == **job))
        .map(|job| format!("job {job} has no target yet"))
        .collect();
    problems.extend(
        targets
            .iter()
            .filter(|target| target.health != "up")
            .map(|target| {
                let mut problem =
                    format!("{} ({}) is {}", target.job, target.instance, target.health);
                if !target.last_error.is_empty() {
                    problem.push_str(&format!(": {}", target.last_error));
                }
                problem
            }),
    );
    (!problems.is_empty()).then(|| problems.join("; "))
}

/// reqwest's top-level message ("error sending request") hides the useful part.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(job: &str, health: &str, last_error: &str) -> TargetHealth {
        TargetHealth {
            job: job.to_owned(),
            instance: "127.0.0.1:1".to_owned(),
            health: health.to_owned(),
            last_error: last_error.to_owned(),
        }
    }

    #[test]
    fn all_up_and_present_is_ready() {
        let targets = [target("a", "up", ""), target("b", "up", "")];
        assert_eq!(not_up(&targets, &["a", "b"]), None);
    }

    #[test]
    fn missing_jobs_and_down_targets_are_named() {
        let targets = [
            target("a", "down", "connection refused"),
            target("b", "unknown", ""),
        ];
        let detail = not_up(&targets, &["a", "b", "c"]).unwrap();
        assert!(detail.contains("job c has no target yet"), "{detail}");
        assert!(
            detail.contains("a (127.0.0.1:1) is down: connection refused"),
            "{detail}"
        );
        assert!(detail.contains("b (127.0.0.1:1) is unknown"), "{detail}");
    }
}
