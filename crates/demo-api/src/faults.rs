//! Switchable misbehaviour, so the seed's alert rules (§4.1) can be made to fire on demand and
//! stop again by themselves when the fault runs out.
//!
//! The strengths are chosen against the rules with the built-in traffic at its default 5 req/s:
//! an error burst fails 60% of dataset requests, which keeps
//! `rate(api_requests_total{status=~"5.."}[5m])` well above 0.1 for the busy series, and a latency
//! spike delays every request by 1.5–3 s, which puts the 95th percentile above 1 s.
//!
//! The database faults act on the demo's PostgreSQL (see [`crate::database`]) and do nothing
//! when the API keeps its datasets in memory: slow queries add a `pg_sleep` to every dataset
//! query, a connection storm holds idle connections open, and replica lag pauses WAL replay on
//! the replica while the primary keeps writing.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;

/// Share of dataset requests an error burst answers with a 5xx.
pub const ERROR_BURST_FAILURE_RATIO: f64 = 0.6;
/// Delay range of a latency spike, in milliseconds; all of it lies above the 1 s alert threshold.
pub const LATENCY_SPIKE_MILLIS: std::ops::RangeInclusive<u64> = 1_500..=3_000;
/// Longest fault the control endpoint accepts; a forgotten fault should not outlive a day.
pub const MAX_FAULT_DURATION: Duration = Duration::from_secs(24 * 60 * 60);
/// What `pg_sleep` adds to every dataset query during slow queries: well above the few
/// milliseconds they take otherwise, below the 1 s latency alert so the two faults stay apart.
pub const SLOW_QUERY_SECONDS: f64 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    ErrorBurst,
    LatencySpike,
    GrowthSpurt,
    SlowQueries,
    ConnectionStorm,
    ReplicaLag,
}

impl FaultKind {
    pub const ALL: [FaultKind; 6] = [
        Self::ErrorBurst,
        Self::LatencySpike,
        Self::GrowthSpurt,
        Self::SlowQueries,
        Self::ConnectionStorm,
        Self::ReplicaLag,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ErrorBurst => "error_burst",
            Self::LatencySpike => "latency_spike",
            Self::GrowthSpurt => "growth_spurt",
            Self::SlowQueries => "slow_queries",
            Self::ConnectionStorm => "connection_storm",
            Self::ReplicaLag => "replica_lag",
        }
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Body of `POST /control/faults`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRequest {
    pub kind: FaultKind,
    pub duration_secs: u64,
}

/// One running fault as the control endpoint reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveFault {
    pub kind: FaultKind,
    /// Rounded up, so a fault that is still active never reports zero.
    pub remaining_secs: u64,
}

/// Body of `GET /control/faults`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultList {
    pub active: Vec<ActiveFault>,
}

/// Body of `DELETE /control/faults`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClearedFaults {
    pub cleared: Vec<FaultKind>,
}

/// What to do to one dataset request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Injection {
    pub delay: Option<Duration>,
    /// HTTP status to answer instead of running the handler.
    pub failure: Option<u16>,
}

/// The faults in force and when each runs out.
pub struct FaultBoard {
    clock: Arc<dyn Clock>,
    expiries: Mutex<BTreeMap<FaultKind, Instant>>,
    rng: Mutex<StdRng>,
}

impl FaultBoard {
    pub fn new(clock: Arc<dyn Clock>, seed: u64) -> Self {
        Self {
            clock,
            expiries: Mutex::new(BTreeMap::new()),
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
        }
    }

    /// Starts `kind`, or restarts it with a fresh duration if it is already running.
    pub fn activate(&self, kind: FaultKind, duration: Duration) -> ActiveFault {
        let now = self.clock.now();
        self.lock_expiries().insert(kind, now + duration);
        ActiveFault {
            kind,
            remaining_secs: ceil_secs(duration),
        }
    }

    /// Stops every fault and says which ones were still running.
    pub fn clear(&self) -> Vec<FaultKind> {
        let now = self.clock.now();
        let mut expiries = self.lock_expiries();
        let cleared = expiries
            .iter()
            .filter(|(_, expiry)| **expiry > now)
            .map(|(kind, _)| *kind)
            .collect();
        expiries.clear();
        cleared
    }

    pub fn active(&self) -> Vec<ActiveFault> {
        let now = self.clock.now();
        let mut expiries = self.lock_expiries();
        expiries.retain(|_, expiry| *expiry > now);
        expiries
            .iter()
            .map(|(kind, expiry)| ActiveFault {
                kind: *kind,
                remaining_secs: ceil_secs(*expiry - now),
            })
            .collect()
    }

    pub fn is_active(&self, kind: FaultKind) -> bool {
        let now = self.clock.now();
        self.lock_expiries()
            .get(&kind)
            .is_some_and(|expiry| *expiry > now)
    }

    /// How long `pg_sleep` makes each dataset query take, in seconds (0 without slow queries).
    pub fn query_sleep_seconds(&self) -> f64 {
        if self.is_active(FaultKind::SlowQueries) {
            SLOW_QUERY_SECONDS
        } else {
            0.0
        }
    }

    /// Decides, for one dataset request, whether to delay it and whether to fail it.
    pub fn plan_request(&self) -> Injection {
        let error_burst = self.is_active(FaultKind::ErrorBurst);
        let latency_spike = self.is_active(FaultKind::LatencySpike);
        if !error_burst && !latency_spike {
            return Injection::default();
        }
        let mut rng = self.rng.lock().unwrap_or_else(PoisonError::into_inner);
        plan(error_burst, latency_spike, &mut *rng)
    }

    fn lock_expiries(&self) -> std::sync::MutexGuard<'_, BTreeMap<FaultKind, Instant>> {
        self.expiries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn plan(error_burst: bool, latency_spike: bool, rng: &mut impl RngExt) -> Injection {
    let delay =
        latency_spike.then(|| Duration::from_millis(rng.random_range(LATENCY_SPIKE_MILLIS)));
    let failure = (error_burst && rng.random_bool(ERROR_BURST_FAILURE_RATIO))
        // Both codes, so dashboards grouping by status show more than one 5xx series.
        .then(|| if rng.random_bool(0.7) { 500 } else { 503 });
    Injection { delay, failure }
}

fn ceil_secs(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn board() -> (ManualClock, FaultBoard) {
        let clock = ManualClock::new();
        let board = FaultBoard::new(Arc::new(clock.clone()), 7);
        (clock, board)
    }

    #[test]
    fn fault_expires_when_its_duration_has_passed() {
        let (clock, board) = board();
        board.activate(FaultKind::ErrorBurst, Duration::from_secs(60));

        clock.advance(Duration::from_secs(59));
        assert!(board.is_active(FaultKind::ErrorBurst));
        assert_eq!(
            board.active(),
            vec![ActiveFault {
                kind: FaultKind::ErrorBurst,
                remaining_secs: 1
            }]
        );

        clock.advance(Duration::from_secs(1));
        assert!(!board.is_active(FaultKind::ErrorBurst));
        assert!(board.active().is_empty());
    }

    #[test]
    fn reactivating_restarts_the_countdown() {
        let (clock, board) = board();
        board.activate(FaultKind::LatencySpike, Duration::from_secs(10));
        clock.advance(Duration::from_secs(8));
        board.activate(FaultKind::LatencySpike, Duration::from_secs(10));
        clock.advance(Duration::from_secs(8));
        assert!(board.is_active(FaultKind::LatencySpike));
    }

    #[test]
    fn faults_run_out_independently() {
        let (clock, board) = board();
        board.activate(FaultKind::ErrorBurst, Duration::from_secs(30));
        board.activate(FaultKind::GrowthSpurt, Duration::from_secs(90));
        clock.advance(Duration::from_millis(30_500));
        let kinds: Vec<_> = board.active().into_iter().map(|f| f.kind).collect();
        assert_eq!(kinds, vec![FaultKind::GrowthSpurt]);
        assert_eq!(board.active()[0].remaining_secs, 60);
    }

    #[test]
    fn clear_reports_only_faults_still_running() {
        let (clock, board) = board();
        board.activate(FaultKind::ErrorBurst, Duration::from_secs(5));
        board.activate(FaultKind::LatencySpike, Duration::from_secs(50));
        clock.advance(Duration::from_secs(6));
        assert_eq!(board.clear(), vec![FaultKind::LatencySpike]);
        assert!(board.active().is_empty());
    }

    #[test]
    fn slow_queries_sleep_only_while_active() {
        let (clock, board) = board();
        assert_eq!(board.query_sleep_seconds(), 0.0);
        board.activate(FaultKind::SlowQueries, Duration::from_secs(5));
        assert_eq!(board.query_sleep_seconds(), SLOW_QUERY_SECONDS);
        // A database fault changes nothing about the HTTP-level injection.
        assert_eq!(board.plan_request(), Injection::default());
        clock.advance(Duration::from_secs(5));
        assert_eq!(board.query_sleep_seconds(), 0.0);
    }

    #[test]
    fn no_fault_means_no_injection() {
        let (_clock, board) = board();
        for _ in 0..100 {
            assert_eq!(board.plan_request(), Injection::default());
        }
    }

    #[test]
    fn error_burst_fails_about_sixty_percent_with_5xx() {
        let mut rng = StdRng::seed_from_u64(1);
        let plans: Vec<_> = (0..2_000).map(|_| plan(true, false, &mut rng)).collect();
        let failures: Vec<u16> = plans.iter().filter_map(|p| p.failure).collect();
        let ratio = failures.len() as f64 / plans.len() as f64;
        assert!((0.55..0.65).contains(&ratio), "failure ratio {ratio}");
        assert!(failures.iter().all(|s| *s == 500 || *s == 503));
        assert!(failures.contains(&500) && failures.contains(&503));
        assert!(plans.iter().all(|p| p.delay.is_none()));
    }

    #[test]
    fn latency_spike_delays_every_request_above_one_second() {
        let mut rng = StdRng::seed_from_u64(2);
        for _ in 0..500 {
            let injection = plan(false, true, &mut rng);
            let delay = injection.delay.expect("every request is delayed");
            assert!(delay >= Duration::from_millis(1_500) && delay <= Duration::from_secs(3));
            assert_eq!(injection.failure, None);
        }
    }

    #[test]
    fn fault_kinds_use_snake_case_on_the_wire() {
        let body: FaultRequest =
            serde_json::from_str(r#"{"kind":"latency_spike","duration_secs":600}"#).unwrap();
        assert_eq!(body.kind, FaultKind::LatencySpike);
        for kind in FaultKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
    }
}
