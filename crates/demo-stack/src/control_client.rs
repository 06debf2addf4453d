//! Talking to a running supervisor's control server, for `hinomi-demo` and for tests.

use crate::error::StackError;
use crate::status::{ComponentStatus, StackStatus};
use crate::webhook::ReceivedWebhook;
use serde::de::DeserializeOwned;
use std::time::Duration;

pub struct ControlClient {
    base_url: String,
    token: String,
    http: reqwest::Client,
}

impl ControlClient {
    /// `base_url` such as `http://127.0.0.1:19099`; `token` is the stack's `control_token`
    /// (in its `stack.json`), without which the server refuses every request.
    pub fn new(base_url: impl Into<String>, token: impl Into<String>) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            // A start waits for the component to become healthy, which may take a while.
            .timeout(Duration::from_secs(180))
            // Fresh connections, so "no answer" really means the server is gone.
            .pool_max_idle_per_host(0)
            .build()
            .unwrap_or_default();
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            token: token.into(),
            http,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub async fn status(&self) -> Result<StackStatus, StackError> {
        self.call(self.http.get(self.url("/status"))).await
    }

    pub async fn stop(&self, name: &str) -> Result<ComponentStatus, StackError> {
        self.call(
            self.http
                .post(self.url(&format!("/components/{name}/stop"))),
        )
        .await
    }

    pub async fn start(&self, name: &str) -> Result<ComponentStatus, StackError> {
        self.call(
            self.http
                .post(self.url(&format!("/components/{name}/start"))),
        )
        .await
    }

    /// Asks the supervisor to shut down; it answers before it has finished.
    pub async fn request_shutdown(&self) -> Result<(), StackError> {
        let _: serde_json::Value = self.call(self.http.post(self.url("/shutdown"))).await?;
        Ok(())
    }

    pub async fn webhooks(&self) -> Result<Vec<ReceivedWebhook>, StackError> {
        self.call(self.http.get(self.url("/webhook/alertmanager")))
            .await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    async fn call<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, StackError> {
        let control_error = |source| StackError::Control {
            url: self.base_url.clone(),
            source,
        };
        let response = request
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(control_error)?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            // The server's errors are `{"error": "..."}`; show just the message.
            let body = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|json| json["error"].as_str().map(str::to_owned))
                .unwrap_or(body);
            return Err(StackError::ControlRefused {
                url: self.base_url.clone(),
                status: status.as_u16(),
                body,
            });
        }
        response.json().await.map_err(control_error)
    }
}
