//! What is wrong with a settings value, per datasource and per section, in words for the
//! Settings view. A problem never refuses the file: the app keeps working with what is usable.
//! The sections other crates own (incidents, alert notifications) check themselves; the
//! settings aggregate (`hinomi-settings`) gathers all of them.

use super::{Datasource, TlsOptions};
use crate::error::{ErrorCode, HinomiError};
use serde::Serialize;
use specta::Type;

/// One thing wrong with one datasource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct DatasourceProblem {
    pub datasource_id: String,
    pub field: String,
    pub error: HinomiError,
}

/// Problems per datasource; the app keeps working with the datasources that have none.
pub fn datasource_problems(datasources: &[Datasource]) -> Vec<DatasourceProblem> {
    let mut problems = Vec::new();
    let mut seen_ids = std::collections::HashSet::new();
    for ds in datasources {
        let mut report = |field: &str, message: String| {
            problems.push(DatasourceProblem {
                datasource_id: ds.id.clone(),
                field: field.into(),
                error: HinomiError::invalid_input(message),
            })
        };
        if ds.id.trim().is_empty() {
            report("id", "The datasource has no id.".into());
        } else if !seen_ids.insert(ds.id.as_str()) {
            report(
                "id",
                format!("Another datasource already uses the id \"{}\".", ds.id),
            );
        }
        if ds.name.trim().is_empty() {
            report("name", "Give the datasource a name.".into());
        }
        if !ds.kind.is_http() {
            if ds.log_options().paths.iter().all(|p| p.trim().is_empty()) {
                report(
                    "logs.paths",
                    "Add a folder, file or glob to read logs from.".into(),
                );
            }
            if let Err(message) = crate::time_zone::from_setting(&ds.log_options().time_zone) {
                report("logs.time_zone", message);
            }
        } else if let Err(message) = parse_endpoint_url(&ds.url) {
            report("url", message);
        }
        if ds.timeout_ms < 100 || ds.timeout_ms > 600_000 {
            report(
                "timeout_ms",
                format!(
                    "Timeout must be between 100 ms and 10 min, not {} ms.",
                    ds.timeout_ms
                ),
            );
        }
        if ds.kind.is_http() {
            for (field, error) in ds.tls.problems() {
                problems.push(DatasourceProblem {
                    datasource_id: ds.id.clone(),
                    field: field.into(),
                    error,
                });
            }
        }
    }
    problems
}

/// A refresh interval outside 1 s – 1 h, as a problem of the whole file.
pub fn refresh_interval_problems(refresh_interval_secs: u32) -> Vec<DatasourceProblem> {
    let mut problems = Vec::new();
    if refresh_interval_secs == 0 || refresh_interval_secs > 3600 {
        problems.push(DatasourceProblem {
            datasource_id: String::new(),
            field: "refresh_interval_secs".into(),
            error: HinomiError::invalid_input("The refresh interval must be between 1 s and 1 h."),
        });
    }
    problems
}

impl TlsOptions {
    /// Problems with these options, as `(field, message)`.
    fn problems(&self) -> Vec<(&'static str, HinomiError)> {
        let mut problems = Vec::new();
        match (
            Self::path(&self.client_cert_file),
            Self::path(&self.client_key_file),
        ) {
            (Some(_), None) => problems.push((
                "tls.client_key_file",
                HinomiError::invalid_input("A client certificate needs its private key file too."),
            )),
            (None, Some(_)) => problems.push((
                "tls.client_cert_file",
                HinomiError::invalid_input("A private key needs its client certificate file too."),
            )),
            _ => {}
        }
        if self.insecure_skip_verify {
            problems.push((
                "tls.insecure_skip_verify",
                HinomiError::new(
                    ErrorCode::Tls,
                    "Certificate verification is off: anyone on the network path can read and \
                     change this datasource's traffic, credentials included. Add the server's CA \
                     file instead and turn this off.",
                ),
            ));
        }
        problems
    }
}

/// Parses an endpoint URL, explaining what is wrong in words a user can act on.
pub fn parse_endpoint_url(raw: &str) -> Result<url::Url, String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err("The URL is empty.".into());
    }
    // The typed text is quoted back to the user and logged: never with a password in it.
    let shown = crate::redact::url_credentials(trimmed);
    if crate::redact::has_url_credentials(trimmed) {
        return Err(format!(
            "\"{shown}\" has a user name or password in it. Leave them out of the URL: put the \
             user name and password in the datasource's auth (stored in the OS keyring)."
        ));
    }
    let url =
        url::Url::parse(trimmed).map_err(|err| format!("\"{shown}\" is not a URL: {err}."))?;
    match url.scheme() {
        "http" | "https" => {}
        other => return Err(format!("Use http:// or https://, not {other}://.")),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("\"{shown}\" has no host."));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("Leave out ?query and #fragment; give the base URL of the API.".into());
    }
    Ok(url)
}
