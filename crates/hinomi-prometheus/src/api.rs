//! The `/api/v1` envelope: every answer is `{status, data}` or `{status, errorType, error}`.

use hinomi_core::http::{Endpoint, transport_error};
use hinomi_core::settings::Datasource;
use hinomi_core::{ErrorCode, HinomiError};
use serde::Deserialize;
use serde::de::DeserializeOwned;

#[derive(Debug, Clone)]
pub struct PrometheusClient {
    endpoint: Endpoint,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<T> {
    status: String,
    data: Option<T>,
    error_type: Option<String>,
    error: Option<String>,
}

impl PrometheusClient {
    pub fn new(ds: &Datasource) -> Result<Self, HinomiError> {
        Ok(Self {
            endpoint: Endpoint::new(ds)?,
        })
    }

    pub fn datasource_id(&self) -> &str {
        &self.endpoint.datasource_id
    }

    /// GETs an API path and unwraps the envelope.
    pub(crate) async fn get_data<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, HinomiError> {
        let response = self.endpoint.get(path, query).await?;
        let status = response.status();
        let url = self.endpoint.url(path);
        let bytes = response
            .bytes()
            .await
            .map_err(|err| transport_error(&err, &url))?;
        match serde_json::from_slice::<Envelope<T>>(&bytes) {
            Ok(Envelope {
                status: s,
                data: Some(data),
                ..
            }) if s == "success" => Ok(data),
            Ok(envelope) => Err(HinomiError::new(
                ErrorCode::Backend,
                envelope
                    .error
                    .unwrap_or_else(|| format!("Prometheus answered {status}")),
            )
            .with_detail(envelope.error_type.unwrap_or_default())),
            Err(_) if !status.is_success() => Err(HinomiError::new(
                ErrorCode::HttpStatus,
                format!("{url} answered {status}."),
            )
            .with_detail(String::from_utf8_lossy(&bytes[..bytes.len().min(500)]).into_owned())),
            Err(err) => Err(HinomiError::new(
                ErrorCode::Decode,
                format!("{url} answered, but not like the Prometheus API."),
            )
            .with_detail(err.to_string())),
        }
    }
}
