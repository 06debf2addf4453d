//! Over 400 lines: one router whose handlers all pass through observe.
//! The HTTP surface: the dataset API the seed monitors, its `/metrics`, a health check, and the
//! control endpoint that switches faults on and off.
//!
//! Every dataset request passes through [`observe`], the one place that injects faults, records
//! the request metrics and writes the request's log line, so no handler can skip any of them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::rejection::JsonRejection;
use axum::extract::{MatchedPath, Path, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::database::{Database, DatabaseOptions};
use crate::datasets::{Dataset, DatasetError, DatasetStore};
use crate::faults::{ClearedFaults, FaultBoard, FaultKind, FaultList, FaultRequest};
use crate::faults::{ERROR_BURST_FAILURE_RATIO, MAX_FAULT_DURATION};
use crate::logs::{Level, LogContext, LogLine, LogSink, RequestIds};
use crate::metrics::{self, Metrics};
use crate::store::{Store, StoreError};

pub const DATASETS_ROUTE: &str = "/api/v1/datasets";
pub const DATASET_ROUTE: &str = "/api/v1/datasets/{id}";
/// Requests slower than this are logged as WARN; it is the seed's HighLatency threshold.
pub const SLOW_REQUEST: Duration = Duration::from_secs(1);
/// Clients name their user here; it becomes the log line's `context.user_id`.
pub const USER_HEADER: &str = "x-user-id";
pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// The `user_id` of log lines about the control endpoint.
const OPERATOR: &str = "operator";

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub faults: Arc<FaultBoard>,
    pub metrics: Arc<Metrics>,
    pub logs: LogSink,
    pub request_ids: Arc<RequestIds>,
}

impl AppState {
    /// Fresh state with the seeded datasets. Each part draws from its own stream of the seed so
    /// adding randomness to one does not shift the others.
    pub fn new(clock: Arc<dyn Clock>, seed: u64, logs: LogSink) -> Self {
        let metrics = Arc::new(Metrics::new());
        Self {
            store: Arc::new(Store::Memory(DatasetStore::seeded(metrics.datasets()))),
            faults: Arc::new(FaultBoard::new(clock, seed)),
            metrics,
            logs,
            request_ids: Arc::new(RequestIds::new(seed.wrapping_add(1))),
        }
    }

    /// Like [`AppState::new`], with the datasets in PostgreSQL.
    pub fn with_database(
        clock: Arc<dyn Clock>,
        seed: u64,
        logs: LogSink,
        database: &DatabaseOptions,
    ) -> Result<Self, String> {
        let metrics = Arc::new(Metrics::new());
        let faults = Arc::new(FaultBoard::new(clock, seed));
        let store = Database::new(database, metrics.datasets(), Arc::clone(&faults))?;
        Ok(Self {
            store: Arc::new(Store::Postgres(Box::new(store))),
            faults,
            metrics,
            logs,
            request_ids: Arc::new(RequestIds::new(seed.wrapping_add(1))),
        })
    }

    /// A log line for something that is not a user's request (an operator injecting a fault,
    /// a background import), so it can still be lined up against the alerts it causes.
    pub fn log_event(&self, level: Level, user_id: &str, action: &str, message: String) {
        self.logs.write(LogLine::now(
            level,
            message,
            LogContext {
                request_id: self.request_ids.next_id(),
                user_id: user_id.to_owned(),
                action: action.to_owned(),
            },
        ));
    }
}

pub fn router(state: AppState) -> Router {
    let dataset_api = Router::new()
        .route(DATASETS_ROUTE, get(list_datasets).post(create_dataset))
        .route(DATASET_ROUTE, get(show_dataset).delete(delete_dataset))
        // route_layer, not layer: only matched routes get here, so MatchedPath is always set.
        .route_layer(middleware::from_fn_with_state(state.clone(), observe));
    Router::new()
        .merge(dataset_api)
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(scrape))
        .route(
            "/control/faults",
            get(list_faults).post(start_fault).delete(clear_faults),
        )
        .with_state(state)
}

/// A handler's account of what it did, picked up by [`observe`] for the log line.
#[derive(Debug, Clone)]
struct LogNote(String);

fn noted(response: impl IntoResponse, message: String) -> Response {
    let mut response = response.into_response();
    response.extensions_mut().insert(LogNote(message));
    response
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}

fn error_response(status: StatusCode, code: &str, message: String) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.to_owned(),
            message,
        },
    };
    (status, Json(body)).into_response()
}

async fn observe(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let endpoint = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let user_id = request
        .headers()
        .get(USER_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64)
        .unwrap_or("anonymous")
        .to_owned();
    let request_id = app.request_ids.next_id();

    let injection = app.faults.plan_request();
    if let Some(delay) = injection.delay {
        tokio::time::sleep(delay).await;
    }
    let mut response = match injection.failure {
        Some(status) => injected_failure(status),
        None => next.run(request).await,
    };

    let elapsed = started.elapsed();
    let status = response.status();
    app.metrics
        .observe_request(method, &endpoint, status.as_u16(), elapsed.as_secs_f64());

    let mut message = response
        .extensions_mut()
        .remove::<LogNote>()
        .map_or_else(|| format!("{method} {endpoint} -> {status}"), |n| n.0);
    let level = if status.is_server_error() {
        Level::Error
    } else if elapsed > SLOW_REQUEST {
        message.push_str(&format!(
            " (slow response: {:.2}s / 応答遅延)",
            elapsed.as_secs_f64()
        ));
        Level::Warn
    } else if status.is_client_error() {
        Level::Warn
    } else {
        Level::Info
    };
    app.logs.write(LogLine::now(
        level,
        message,
        LogContext {
            action: action(method, &endpoint).to_owned(),
            request_id: request_id.clone(),
            user_id,
        },
    ));

    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// The standard methods by name and anything else as `OTHER`, so a client inventing methods
/// cannot create new series.
fn method_label(method: &Method) -> &'static str {
    const KNOWN: [Method; 7] = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::HEAD,
        Method::OPTIONS,
    ];
    KNOWN
        .iter()
        .find(|known| *known == method)
        .map_or("OTHER", Method::as_str)
}

fn action(method: &str, endpoint: &str) -> &'static str {
    match (method, endpoint) {
        ("GET", DATASETS_ROUTE) => "list_datasets",
        ("POST", DATASETS_ROUTE) => "create_dataset",
        ("GET", DATASET_ROUTE) => "get_dataset",
        ("DELETE", DATASET_ROUTE) => "delete_dataset",
        _ => "unsupported_method",
    }
}

fn injected_failure(status: u16) -> Response {
    let (status, code, message) = if status == 503 {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            "Service unavailable: metadata store did not answer in time [injected: error_burst]",
        )
    } else {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "内部サーバーエラー: ストレージバックエンドとの通信に失敗しました [injected: error_burst]",
        )
    };
    noted(
        error_response(status, code, message.to_owned()),
        message.to_owned(),
    )
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DatasetList {
    pub datasets: Vec<Dataset>,
    pub total: usize,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct NewDataset {
    pub name: String,
    #[serde(default)]
    pub size_bytes: Option<u64>,
}

/// A 503 for a request the database could not serve; the seed's HighErrorRate sees it.
fn database_unavailable(error: &StoreError) -> Response {
    let message = error.to_string();
    noted(
        error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "database_unavailable",
            message.clone(),
        ),
        format!("データベースに接続できません: {message}"),
    )
}

async fn list_datasets(State(app): State<AppState>) -> Response {
    let datasets = match app.store.list().await {
        Ok(datasets) => datasets,
        Err(error) => return database_unavailable(&error),
    };
    let total = datasets.len();
    noted(
        Json(DatasetList { datasets, total }),
        format!("Listed {total} datasets"),
    )
}

async fn show_dataset(State(app): State<AppState>, Path(id): Path<String>) -> Response {
    match app.store.get(&id).await {
        Ok(Some(dataset)) => {
            let message = format!("Fetched dataset {} ({})", dataset.id, dataset.name);
            noted(Json(dataset), message)
        }
        Ok(None) => not_found(&id),
        Err(error) => database_unavailable(&error),
    }
}

async fn create_dataset(
    State(app): State<AppState>,
    body: Result<Json<NewDataset>, JsonRejection>,
) -> Response {
    // Every malformed body is a 422, whether it is bad JSON, the wrong shape or no JSON at all.
    let body = match body {
        Ok(Json(body)) => body,
        Err(rejection) => {
            let reason = rejection.body_text();
            return noted(
                error_response(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_body",
                    reason.clone(),
                ),
                format!("Rejected dataset creation: {reason}"),
            );
        }
    };
    match app
        .store
        .create(&body.name, body.size_bytes.unwrap_or(0))
        .await
    {
        Ok(dataset) => {
            let message = format!(
                "データセット「{}」を作成しました (id={}, {} bytes)",
                dataset.name, dataset.id, dataset.size_bytes
            );
            let location = format!("{DATASETS_ROUTE}/{}", dataset.id);
            noted(
                (
                    StatusCode::CREATED,
                    [(header::LOCATION, location)],
                    Json(dataset),
                ),
                message,
            )
        }
        // A full store is the client's problem to resolve, not a server fault, so it must not
        // show up in the 5xx error rate.
        Err(StoreError::Invalid(error @ DatasetError::StoreFull)) => noted(
            error_response(StatusCode::CONFLICT, "store_full", error.to_string()),
            format!("Rejected dataset creation: {error}"),
        ),
        Err(error @ StoreError::Unavailable(_)) => database_unavailable(&error),
        Err(StoreError::Invalid(error)) => noted(
            error_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_dataset",
                error.to_string(),
            ),
            format!("Rejected dataset creation: {error}"),
        ),
    }
}

async fn delete_dataset(State(app): State<AppState>, Path(id): Path<String>) -> Response {
    match app.store.delete(&id).await {
        Ok(Some(dataset)) => noted(
            StatusCode::NO_CONTENT,
            format!("Deleted dataset {} ({})", dataset.id, dataset.name),
        ),
        Ok(None) => not_found(&id),
        Err(error) => database_unavailable(&error),
    }
}

fn not_found(id: &str) -> Response {
    noted(
        error_response(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("dataset {id} not found"),
        ),
        format!("データセットが見つかりません: {id}"),
    )
}

async fn scrape(State(app): State<AppState>) -> Response {
    // Refreshed at scrape time so a fault that ran out is reported as such without a timer.
    for kind in FaultKind::ALL {
        app.metrics
            .set_fault_active(kind, app.faults.is_active(kind));
    }
    match app.metrics.encode() {
        Ok(text) => ([(header::CONTENT_TYPE, metrics::CONTENT_TYPE)], text).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn list_faults(State(app): State<AppState>) -> Json<FaultList> {
    Json(FaultList {
        active: app.faults.active(),
    })
}

async fn start_fault(
    State(app): State<AppState>,
    body: Result<Json<FaultRequest>, JsonRejection>,
) -> Response {
    let request = match body {
        Ok(Json(request)) => request,
        Err(rejection) => {
            return error_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                rejection.body_text(),
            );
        }
    };
    let duration = Duration::from_secs(request.duration_secs);
    if duration.is_zero() || duration > MAX_FAULT_DURATION {
        return error_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_duration",
            format!(
                "duration_secs must be between 1 and {}",
                MAX_FAULT_DURATION.as_secs()
            ),
        );
    }
    let active = app.faults.activate(request.kind, duration);
    app.metrics.set_fault_active(request.kind, true);
    let effect = match request.kind {
        FaultKind::ErrorBurst => format!(
            "{:.0}% of dataset requests fail with 500/503",
            ERROR_BURST_FAILURE_RATIO * 100.0
        ),
        FaultKind::LatencySpike => "dataset requests take 1.5–3 s".to_owned(),
        FaultKind::GrowthSpurt => "datasets grow 5%/s and new ones arrive".to_owned(),
        FaultKind::SlowQueries => format!(
            "every dataset query sleeps {}s in PostgreSQL",
            crate::faults::SLOW_QUERY_SECONDS
        ),
        FaultKind::ConnectionStorm => format!(
            "{} idle connections held open on the primary",
            crate::db_faults::STORM_CONNECTIONS
        ),
        FaultKind::ReplicaLag => "WAL replay paused on the replica".to_owned(),
    };
    app.log_event(
        Level::Warn,
        OPERATOR,
        "inject_fault",
        format!(
            "障害注入を開始しました: {} for {} ({effect})",
            request.kind,
            humantime::format_duration(duration)
        ),
    );
    (StatusCode::CREATED, Json(active)).into_response()
}

async fn clear_faults(State(app): State<AppState>) -> Json<ClearedFaults> {
    let cleared = app.faults.clear();
    for kind in FaultKind::ALL {
        app.metrics.set_fault_active(kind, false);
    }
    if !cleared.is_empty() {
        let names: Vec<_> = cleared.iter().map(|k| k.as_str()).collect();
        app.log_event(
            Level::Info,
            OPERATOR,
            "clear_faults",
            format!("障害注入を解除しました: {}", names.join(", ")),
        );
    }
    Json(ClearedFaults { cleared })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invented_methods_share_one_label() {
        assert_eq!(method_label(&Method::DELETE), "DELETE");
        let invented = Method::from_bytes(b"BREW").unwrap();
        assert_eq!(method_label(&invented), "OTHER");
    }

    #[test]
    fn actions_follow_the_route_template() {
        assert_eq!(action("POST", DATASETS_ROUTE), "create_dataset");
        assert_eq!(action("DELETE", DATASET_ROUTE), "delete_dataset");
        assert_eq!(action("PUT", DATASETS_ROUTE), "unsupported_method");
    }
}
