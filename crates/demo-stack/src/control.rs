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
//! make the supervisor buffer an endless request. Every request must come from outside a web
//! page, to this loopback address, with the stack's token (see [`crate::control_auth`]).

use crate::component::Component;
use crate::control_auth;
use crate::error::StackError;
use crate::supervisor::Supervisor;
use crate::webhook::ReceivedWebhook;
use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
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
        .layer(middleware::from_fn_with_state(
            Arc::clone(&supervisor),
            refuse_strangers,
        ))
        .with_state(supervisor)
}

/// Answers 403/401 before any handler runs (and before a body is read) unless
/// [`control_auth::check`] lets the request through.
async fn refuse_strangers(
    State(supervisor): State<Arc<Supervisor>>,
    request: Request,
    next: Next,
) -> Response {
    let config = &supervisor.config;
    match control_auth::check(
        request.headers(),
        config.ports.control,
        &config.control_token,
    ) {
        Ok(()) => next.run(request).await,
        Err(refusal) => {
            tracing::warn!(
                path = %request.uri().path(),
                reason = %refusal.message,
                "control request refused"
            );
            error_message(refusal.status, &refusal.message)
        }
    }
}

async fn status(State(supervisor): State<Arc<Supervisor>>) -> Response {
    let mut status = supervisor.status();
    // Whoever asks already has it; an answer that may end up in a log need not repeat it.
    status.control_token.clear();
    Json(status).into_response()
}

async fn stop_component(
    State(supervisor): State<Arc<Supervisor>>,
    Path(name): Path<String>,
) -> Result<Response, Response> {
    let status = change_component(&name, move |component| async move {
        supervisor.stop_component(component).await
    })
    .await?;
    Ok(Json(status).into_response())
}

async fn start_component(
    State(supervisor): State<Arc<Supervisor>>,
    Path(name): Path<String>,
) -> Result<Response, Response> {
    let started = change_component(&name, move |component| async move {
        supervisor.start_component(component).await
    })
    .await?;
    Ok(match started {
        Ok(status) => Json(status).into_response(),
        Err(error @ StackError::ShuttingDown) => {
            error_response(StatusCode::SERVICE_UNAVAILABLE, &error)
        }
        Err(error) => error_response(StatusCode::INTERNAL_SERVER_ERROR, &error),
    })
}

/// Runs `change` for the component named in the path on its own task, so that a client hanging
/// up cannot cancel a stop or start halfway. A name that is no component answers 404, a task
/// that failed 500.
async fn change_component<Change>(
    name: &str,
    change: impl FnOnce(Component) -> Change,
) -> Result<Change::Output, Response>
where
    Change: Future + Send + 'static,
    Change::Output: Send + 'static,
{
    let component = name
        .parse::<Component>()
        .map_err(|error| error_response(StatusCode::NOT_FOUND, &error))?;
    tokio::spawn(change(component))
        .await
        .map_err(|error| error_message(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string()))
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

    /// A control server on a free loopback port whose config names that port, and a client
    /// that sends the stack's token.
    async fn served(
        state: &tempfile::TempDir,
    ) -> (Arc<Supervisor>, ControlServer, String, reqwest::Client) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let ports = Ports {
            control: port,
            ..Ports::default()
        };
        let supervisor = Arc::new(Supervisor::new(StackConfig::new(state.path(), ports)).unwrap());
        let server = serve(listener, supervisor.clone());
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {}", supervisor.config.control_token)
                .parse()
                .unwrap(),
        );
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap();
        (supervisor, server, format!("http://127.0.0.1:{port}"), http)
    }

    fn webhook() -> serde_json::Value {
        json!({ "receiver": "demo", "alerts": [{ "labels": { "alertname": "Watchdog" } }] })
    }

    #[tokio::test]
    async fn a_request_from_a_web_page_is_refused_on_every_route() {
        let state = tempfile::tempdir().unwrap();
        let (supervisor, server, base, http) = served(&state).await;
        // The control: the same requests without an Origin are served.
        assert_eq!(
            http.get(format!("{base}/status"))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
        let webhook_url = format!("{base}/webhook/alertmanager");
        let kept = http
            .post(&webhook_url)
            .json(&webhook())
            .send()
            .await
            .unwrap();
        assert_eq!(kept.status(), StatusCode::OK);
        assert_eq!(supervisor.webhooks.received().len(), 1);

        for (method, path) in [
            ("GET", "/status"),
            ("POST", "/components/node-exporter/stop"),
            ("POST", "/shutdown"),
            ("POST", "/webhook/alertmanager"),
            ("GET", "/webhook/alertmanager"),
        ] {
            let request = http
                .request(method.parse().unwrap(), format!("{base}{path}"))
                .header("Origin", "https://evil.example")
                .json(&webhook());
            let refused = request.send().await.unwrap();
            assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{method} {path}");
            let body: serde_json::Value = refused.json().await.unwrap();
            assert!(
                body["error"].as_str().unwrap().contains("web pages"),
                "{body}"
            );
        }
        // Nothing was done: no new webhook, no shutdown asked for.
        assert_eq!(supervisor.webhooks.received().len(), 1);
        assert!(!supervisor.is_shutting_down());
        server.abort();
    }

    #[tokio::test]
    async fn a_foreign_host_is_refused() {
        let state = tempfile::tempdir().unwrap();
        let (supervisor, server, base, http) = served(&state).await;
        // DNS rebinding: the browser sends the attacker's name as Host.
        let refused = http
            .post(format!("{base}/webhook/alertmanager"))
            .header("Host", "rebound.evil.example:19099")
            .json(&webhook())
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(supervisor.webhooks.received().is_empty());
        server.abort();
    }

    #[tokio::test]
    async fn a_missing_or_wrong_token_is_refused() {
        let state = tempfile::tempdir().unwrap();
        let (supervisor, server, base, _) = served(&state).await;
        let bare = reqwest::Client::new();
        let url = format!("{base}/webhook/alertmanager");
        let missing = bare.post(&url).json(&webhook()).send().await.unwrap();
        assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
        let wrong = bare
            .post(&url)
            .bearer_auth("0".repeat(64))
            .json(&webhook())
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        let status = bare.get(format!("{base}/status")).send().await.unwrap();
        assert_eq!(status.status(), StatusCode::UNAUTHORIZED);
        assert!(supervisor.webhooks.received().is_empty());

        // The right token works, and /status does not repeat it while stack.json holds it.
        let client = crate::ControlClient::new(&base, supervisor.config.control_token.clone());
        let status = client.status().await.unwrap();
        assert_eq!(status.control_token, "");
        assert_eq!(supervisor.status().control_token.len(), 64);
        server.abort();
    }

    #[tokio::test]
    async fn a_webhook_over_the_limit_is_refused_and_a_normal_one_is_kept() {
        let state = tempfile::tempdir().unwrap();
        let (supervisor, server, base, http) = served(&state).await;
        let url = format!("{base}/webhook/alertmanager");

        // Valid JSON of 1.5 MB: the size alone is refused, nothing is recorded.
        let big = serde_json::to_vec(&json!({
            "receiver": "demo",
            "alerts": [{ "labels": { "alertname": "x".repeat(MAX_REQUEST_BYTES * 3 / 2) } }],
        }))
        .unwrap();
        let refused = http.post(&url).body(big).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(supervisor.webhooks.received().is_empty());

        let kept = http.post(&url).json(&webhook()).send().await.unwrap();
        assert_eq!(kept.status(), StatusCode::OK);
        assert_eq!(supervisor.webhooks.received().len(), 1);
        server.abort();
    }
}
