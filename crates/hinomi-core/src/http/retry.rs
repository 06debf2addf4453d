//! Asking again when a read failed for a reason that may pass: a refused or reset connection,
//! an answer cut short, 429/502/503/504.
//!
//! Only idempotent reads are retried (GETs, Prometheus queries, Elasticsearch searches), never a
//! silence being created. The waits grow exponentially with jitter (backon), `Retry-After` is
//! honoured as seconds or an HTTP-date, and everything — attempts and waits — fits in the
//! datasource's timeout: a query never takes longer because it was retried. Time is read and
//! slept through a [`RetryTimer`], so tests run the whole policy on a [`FakeClock`] without
//! sleeping.

use super::fault::{Answer, is_retryable_status};
use super::{BodyError, BodyWatcher, Endpoint, read_bounded_watched, redact, transport_error};
use crate::clock::{Clock, FakeClock};
use crate::error::ErrorCode;
use backon::{ExponentialBuilder, Retryable};
use chrono::{DateTime, Utc};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// Whether a request may be sent again after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// A read: sending it twice changes nothing.
    Idempotent,
    /// A write (create a silence, open a point in time): sent once.
    Never,
}

/// Where retries read the time and wait; the real one sleeps, [`FakeClock`] only moves.
pub trait RetryTimer: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
    fn sleep(&self, wait: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// The wall clock and tokio's timer.
#[derive(Debug, Clone, Copy, Default)]
pub struct RealTimer;

impl RetryTimer for RealTimer {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep(&self, wait: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(wait))
    }
}

/// A wait on the fake clock returns at once, having moved the clock by the wait.
impl RetryTimer for FakeClock {
    fn now(&self) -> DateTime<Utc> {
        Clock::now(self)
    }

    fn sleep(&self, wait: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        self.advance(wait);
        Box::pin(std::future::ready(()))
    }
}

/// backon's sleeper on a [`RetryTimer`]; a named type rather than a closure, whose
/// `'static`-ness rustc cannot prove inside callers' `Send` futures.
struct TimerSleeper(Arc<dyn RetryTimer>);

impl backon::Sleeper for TimerSleeper {
    type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

    fn sleep(&self, wait: Duration) -> Self::Sleep {
        self.0.sleep(wait)
    }
}

/// How often and how long to retry.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: usize,
    /// The first wait; each next one doubles (plus up to as much again of jitter).
    pub min_delay: Duration,
    pub max_delay: Duration,
    /// Attempts and waits together never take longer than this (the datasource's timeout).
    pub budget: Duration,
    pub timer: Arc<dyn RetryTimer>,
}

impl RetryPolicy {
    /// Two retries, 250 ms then 500 ms (jittered), within `budget`.
    pub fn within(budget: Duration) -> Self {
        Self {
            max_retries: 2,
            min_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(2),
            budget,
            timer: Arc::new(RealTimer),
        }
    }
}

/// Whether to wait `wait` and try again, `elapsed` into a read allowed `budget` in all. The
/// retry must keep at least half the budget for itself: waiting past the budget would make the
/// read slower than its timeout, and a retry left with a sliver of it (a 400 ms timeout after
/// a 390 ms wait) only turns the server's real answer, say a 502, into "did not answer in time".
fn worth_retrying(elapsed: Duration, wait: Duration, budget: Duration) -> bool {
    elapsed + wait + budget / 2 <= budget
}

/// One attempt's failure: a retryable answer (kept with its watcher, so the last one can be
/// decoded) or an error.
enum Failed<W> {
    Answer(Answer, Option<W>),
    Error { error: BodyError, retryable: bool },
}

impl<W> Failed<W> {
    fn retryable(&self) -> bool {
        match self {
            Failed::Answer(..) => true,
            Failed::Error { retryable, .. } => *retryable,
        }
    }
}

impl Endpoint {
    /// Sends `request` (built on [`Endpoint::client`]) and reads the whole answer under the size
    /// cap, retrying an idempotent one as the endpoint's [`RetryPolicy`] allows. Any status comes
    /// back as an [`Answer`]; see [`Answer::fault`] for the ones that are not the API's.
    pub async fn fetch(
        &self,
        request: reqwest::RequestBuilder,
        retry: Retry,
    ) -> Result<Answer, BodyError> {
        let no_watcher = |_: reqwest::StatusCode| None::<()>;
        let (answer, _) = self.fetch_watched(request, retry, no_watcher).await?;
        Ok(answer)
    }

    /// [`Endpoint::fetch`], with each answer's body shown to a [`BodyWatcher`] while it arrives
    /// (a decoder working during the download). `watch` makes a fresh watcher for every attempt
    /// from its HTTP status, or none to only read that body; the watcher of the answer returned
    /// comes back with it. Retries, the size cap and health are exactly [`Endpoint::fetch`]'s.
    pub async fn fetch_watched<W: BodyWatcher>(
        &self,
        request: reqwest::RequestBuilder,
        retry: Retry,
        watch: impl Fn(reqwest::StatusCode) -> Option<W> + Sync,
    ) -> Result<(Answer, Option<W>), BodyError> {
        let request = request.build().map_err(|err| {
            BodyError::Transport(
                crate::HinomiError::internal(crate::texts::user_lang::say(
                    "Cannot build the request.",
                    "リクエストを作成できません。",
                ))
                .with_detail(err.to_string()),
            )
        })?;
        let policy = &self.retry;
        let start = policy.timer.now();
        // A body that cannot be cloned (a stream) can only be sent once.
        let retries = match retry {
            Retry::Idempotent if request.try_clone().is_some() => policy.max_retries,
            _ => 0,
        };
        let backoff = ExponentialBuilder::default()
            .with_min_delay(policy.min_delay)
            .with_max_delay(policy.max_delay)
            .with_max_times(retries)
            .with_jitter();
        // The hooks own what they use: a future holding closures that borrow is not `Send`
        // in every caller (higher-ranked lifetimes), and the poller spawns these reads.
        let sleeper = TimerSleeper(policy.timer.clone());
        let timer = policy.timer.clone();
        let budget = policy.budget;
        let datasource = self.datasource_id.clone();
        let watch = &watch;
        let outcome = (|| self.attempt(&request, start, watch))
            .retry(backoff)
            .sleep(sleeper)
            .when(Failed::retryable)
            .adjust(move |failed: &Failed<W>, backoff: Option<Duration>| {
                let now = timer.now();
                let wait = match failed {
                    Failed::Answer(answer, _) => answer
                        .retry_after(now)
                        .or(backoff)
                        .filter(|_| backoff.is_some()),
                    Failed::Error { .. } => backoff,
                }?;
                let elapsed = (now - start).to_std().unwrap_or_default();
                worth_retrying(elapsed, wait, budget).then_some(wait)
            })
            .notify(move |failed: &Failed<W>, wait: Duration| {
                let why = match failed {
                    Failed::Answer(answer, _) => answer.status.to_string(),
                    Failed::Error { error, .. } => error.to_string(),
                };
                tracing::debug!(%datasource, %why, ?wait, "retrying a read");
            })
            .await;
        let result = match outcome {
            Ok(watched) => Ok(watched),
            Err(Failed::Answer(answer, watcher)) => Ok((answer, watcher)),
            Err(Failed::Error { error, .. }) => Err(error),
        };
        self.record_health(result.as_ref().map(|(answer, _)| answer));
        result
    }

    /// Writes this read's outcome in the datasource's health (see [`crate::health`]).
    fn record_health(&self, result: Result<&Answer, &BodyError>) {
        let now = self.retry.timer.now();
        let failure = match result {
            Ok(answer) => answer
                .fault("the API's JSON", now)
                .or_else(|| super::auth_rejected(answer.status, &answer.shown_url)),
            // An answer too large is the query's size, not the datasource's health.
            Err(BodyError::TooLarge(_)) => None,
            Err(BodyError::Transport(err)) => Some(err.clone()),
        };
        let book = crate::health::book();
        match failure {
            Some(err) if err.code != ErrorCode::Internal => {
                book.record_failure(&self.datasource_id, &err, now)
            }
            _ => book.record_ok(&self.datasource_id, now),
        }
    }

    fn elapsed_since(&self, start: DateTime<Utc>) -> Duration {
        (self.retry.timer.now() - start)
            .to_std()
            .unwrap_or_default()
    }

    async fn attempt<W: BodyWatcher>(
        &self,
        request: &reqwest::Request,
        start: DateTime<Utc>,
        watch: &(impl Fn(reqwest::StatusCode) -> Option<W> + Sync),
    ) -> Result<(Answer, Option<W>), Failed<W>> {
        let mut request = request.try_clone().ok_or_else(|| Failed::Error {
            error: BodyError::Transport(crate::HinomiError::internal(
                crate::texts::user_lang::say(
                    "A request with a streamed body was sent twice.",
                    "ストリーム形式の本文を持つリクエストが 2 回送信されました。",
                ),
            )),
            retryable: false,
        })?;
        let remaining = self.retry.budget.saturating_sub(self.elapsed_since(start));
        *request.timeout_mut() = Some(remaining.max(Duration::from_millis(1)));
        let url = request.url().clone();
        let response = self
            .client
            .execute(request)
            .await
            .map_err(|err| Failed::Error {
                retryable: may_pass(&err),
                error: BodyError::Transport(transport_error(&err, &url)),
            })?;
        let status = response.status();
        let headers = response.headers().clone();
        let mut watcher = watch(status);
        let read = match watcher.as_mut() {
            Some(watcher) => read_bounded_watched(response, self.max_answer_bytes, watcher).await,
            None => self.read_body(response).await,
        };
        let body = read.map_err(|error| Failed::Error {
            retryable: matches!(&error, BodyError::Transport(err) if err.code == ErrorCode::Truncated),
            error,
        })?;
        let answer = Answer {
            status,
            headers,
            body,
            shown_url: redact(&url),
        };
        if is_retryable_status(status) {
            return Err(Failed::Answer(answer, watcher));
        }
        Ok((answer, watcher))
    }
}

/// A refused or reset connection may be a restart in progress; a name that does not resolve,
/// a certificate that is not accepted or a timeout (the budget is spent) will not pass.
fn may_pass(err: &reqwest::Error) -> bool {
    let chain = super::error_chain_of(err).to_ascii_lowercase();
    err.is_connect()
        && !err.is_timeout()
        && !super::is_dns(&chain)
        && !super::looks_like_tls(&chain)
}

#[cfg(test)]
mod tests {
    use super::worth_retrying;
    use std::time::Duration;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_retry_keeps_half_the_budget_for_itself() {
        assert!(worth_retrying(ms(0), ms(250), ms(30_000)));
        assert!(worth_retrying(ms(300), ms(500), ms(2_000)));
        assert!(
            worth_retrying(ms(250), ms(250), ms(1_000)),
            "exactly half left"
        );
        assert!(!worth_retrying(ms(250), ms(251), ms(1_000)));
        assert!(
            !worth_retrying(ms(0), ms(390), ms(400)),
            "10 ms left is no attempt"
        );
        assert!(!worth_retrying(ms(0), ms(250), ms(200)), "past the budget");
    }
}
