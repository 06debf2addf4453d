//! The supervisor's HTTP control server on `127.0.0.1:<control>`.
//!
//! It is how `hinomi-demo status|stop|start|down` reach a stack running in another terminal,
//! and it is the webhook receiver Alertmanager notifies (the demo has no Slack or e-mail):
//!
//! - `GET  /status`
//! - `POST /components/{name}/stop`, `POST /components/{name}/start`
//! - `POST /shutdown`
//! - `POST /webhook/alertmanager[?route=...]`, `GET /webhook/alertmanager`
//!
//! Request bodies are bounded ([`MAX_REQUEST_BYTES`]): whatever can reach the port cannot
//! make the supervisor buffer an endless request.

use crate::component::Component;
use crate::error::StackError;
use crate::supervisor::Supervisor;
use crate::webhook::ReceivedWebhook;
use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running control server; dropping it leaves it running until the runtime ends, so the
/// owner calls [`ControlServer::stop`] or [`ControlServer::abort`].
pub(crate) struct ControlServer {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl ControlServer {
    /// Finishes the requests in flight (briefly) and stops listening.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let mut task = self.task;
        if tokio::time::timeout(Duration::from_secs(5), &mut task)
            .await
            .is_err()
        {
            task.abort();
        }
    }

    pub fn abort(self) {
        self.task.abort();
    }
}

pub(crate) fn serve(
    listener: tokio::net::TcpListener,
    supervisor: Arc<Supervisor>,
) -> ControlServer {
    let (stop, stopped) = oneshot::channel::<()>();
    let app = router(supervisor);
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
        if let Err(error) = served {
            tracing::warn!(%error, "control server failed");
        }
    });
    ControlServer { stop, task }
}

/// Far above an Alertmanager notification of a few hundred alerts; larger requests get 413.
pub(crate) const MAX_REQUEST_BYTES: usize = 1024 * 1024;

fn router(supervisor: Arc<Supervisor>) -> Router {
    Router::new()
        .route("/status", get(status))
        .route("/components/{name}/stop", post(stop_component))
        .route("/components/{name}/start", post(start_component))
        .route("/shutdown", post(shutdown))
        .route(
            "/webhook/alertmanager",
            post(receive_webhook).get(list_webhooks),
        )
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .with_state(supervisor)
}

async fn status(State(supervisor): State<Arc<Supervisor>>) -> Response {
    Json(supervisor.status()).into_response()
}

async fn stop_component(
    State(supervisor): State<Arc<Supervisor>>,
    Path(name): Path<String>,
) -> Response {
    let component = match name.parse::<Component>() {
        Ok(component) => component,
        Err(error) => return error_response(StatusCode::NOT_FOUND, &error),
    };
    // On its own task so that a client hanging up cannot cancel a stop halfway.
    let stopping = tokio::spawn(async move { supervisor.stop_component(component).await });
    match stopping.await {
        Ok(status) => Json(status).into_response(),
        Err(error) => error_message(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string()),
    }
}

async fn start_component(
    State(supervisor): State<Arc<Supervisor>>,
    Path(name): Path<String>,
) -> Response {
    let component = match name.parse::<Component>() {
        Ok(component) => component,
        Err(error) => return error_response(StatusCode::NOT_FOUND, &error),
    };
    let starting = tokio::spawn(async move { supervisor.start_component(component).await });
    match starting.await {
        Ok(Ok(status)) => Json(status).into_response(),
        Ok(Err(error @ StackError::ShuttingDown)) => {
            error_response(StatusCode::SERVICE_UNAVAILABLE, &error)
        }
        Ok(Err(error)) => error_response(StatusCode::INTERNAL_SERVER_ERROR, &error),
        Err(error) => error_message(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string()),
    }
}

async fn shutdown(State(supervisor): State<Arc<Supervisor>>) -> Response {
    supervisor.request_shutdown();
    (StatusCode::ACCEPTED, Json(json!({ "shutting_down": true }))).into_response()
}

#[derive(Deserialize)]
struct WebhookQuery {
    route: Option<String>,
}

async fn receive_webhook(
    State(supervisor): State<Arc<Supervisor>>,
    Query(query): Query<WebhookQuery>,
    body: Bytes,
) -> Response {
    // Parsed by hand rather than with `Json` so a missing Content-Type is not a rejection.
    let payload: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(payload) => payload,
        Err(error) => return error_message(StatusCode::BAD_REQUEST, &error.to_string()),
    };
    let received = ReceivedWebhook {
        received_at: chrono::Utc::now(),
        route: query.route,
        payload,
    };
    tracing::info!(route = ?received.route, alerts = ?received.alert_names(), "webhook received");
    if let Err(error) = supervisor.webhooks.record(received) {
        // Kept in memory all the same; Alertmanager would only retry into the same problem.
        tracing::warn!(%error, "cannot append to webhook.jsonl");
    }
    StatusCode::OK.into_response()
}

async fn list_webhooks(State(supervisor): State<Arc<Supervisor>>) -> Response {
    Json(supervisor.webhooks.received()).into_response()
}

fn error_response(status: StatusCode, error: &StackError) -> Response {
    error_message(status, &error.to_string())
}

fn error_message(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::StackConfig;
    use crate::ports::Ports;

    #[tokio::test]
    async fn a_webhook_over_the_limit_is_refused_and_a_normal_one_is_kept() {
        let state = tempfile::tempdir().unwrap();
        let supervisor =
            Arc::new(Supervisor::new(StackConfig::new(state.path(), Ports::default())).unwrap());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/webhook/alertmanager",
            listener.local_addr().unwrap()
        );
        let server = serve(listener, supervisor.clone());
        let http = reqwest::Client::new();

        // Valid JSON of 1.5 MB: the size alone is refused, nothing is recorded.
        let big = serde_json::to_vec(&json!({
            "receiver": "demo",
            "alerts": [{ "labels": { "alertname": "x".repeat(MAX_REQUEST_BYTES * 3 / 2) } }],
        }))
        .unwrap();
        let refused = http.post(&url).body(big).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(supervisor.webhooks.received().is_empty());

        let small =
            json!({ "receiver": "demo", "alerts": [{ "labels": { "alertname": "Watchdog" } }] });
        let kept = http.post(&url).json(&small).send().await.unwrap();
        assert_eq!(kept.status(), StatusCode::OK);
        assert_eq!(supervisor.webhooks.received().len(), 1);
        server.abort();
    }
}
