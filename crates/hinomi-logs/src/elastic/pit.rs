//! Points in time: a frozen view of the indices, so paging with `search_after` neither skips
//! nor repeats documents while new lines arrive. Opened per result set, export and context
//! lookup, and always closed when that is done (a PIT holds segments and heap on every node).

use super::client::ElasticClient;
use super::dialect::Dialect;
use crate::error::LogsError;
use crate::model::LogEngine;
use serde::{Deserialize, Serialize};

/// How long the server keeps a PIT between two requests; each request renews it.
pub const PIT_KEEP_ALIVE: &str = "5m";

#[derive(Deserialize)]
struct OpenedEs {
    id: String,
}

#[derive(Deserialize)]
struct OpenedOs {
    pit_id: String,
}

#[derive(Deserialize)]
struct Resolved {
    #[serde(default)]
    indices: Vec<ResolvedName>,
    #[serde(default)]
    aliases: Vec<ResolvedName>,
    #[serde(default)]
    data_streams: Vec<ResolvedName>,
}

#[derive(Deserialize)]
struct ResolvedName {
    name: String,
    #[serde(default)]
    attributes: Vec<String>,
}

#[derive(Serialize)]
struct CloseEs<'a> {
    id: &'a str,
}

#[derive(Serialize)]
struct CloseOs<'a> {
    pit_id: [&'a str; 1],
}

impl ElasticClient {
    /// Opens a PIT on an index pattern (or one concrete index).
    pub(crate) async fn open_pit(
        &self,
        dialect: &Dialect,
        index: &str,
    ) -> Result<String, LogsError> {
        let path = dialect.open_pit_path(index);
        let ignore = if self.ignore_unavailable() {
            "true"
        } else {
            "false"
        };
        match dialect.engine {
            LogEngine::Elasticsearch => {
                let opened: OpenedEs = self
                    .send(
                        reqwest::Method::POST,
                        &path,
                        &[
                            ("keep_alive", PIT_KEEP_ALIVE),
                            ("ignore_unavailable", ignore),
                        ],
                        None::<&()>,
                    )
                    .await?;
                Ok(opened.id)
            }
            // OpenSearch's create-PIT takes no `ignore_unavailable`: a closed index named
            // in the target fails it. Closed indices of a wildcard are not expanded anyway,
            // so only named ones need leaving out, by resolving the target first.
            LogEngine::OpenSearch => {
                let path = if self.ignore_unavailable() {
                    match self.open_indices(index).await? {
                        Some(open) => dialect.open_pit_path(&open),
                        None => path,
                    }
                } else {
                    path
                };
                let opened: OpenedOs = self
                    .send(
                        reqwest::Method::POST,
                        &path,
                        &[("keep_alive", PIT_KEEP_ALIVE)],
                        None::<&()>,
                    )
                    .await?;
                Ok(opened.pit_id)
            }
        }
    }

    /// The open indices (and aliases, data streams) a target resolves to, comma-separated;
    /// `None` when nothing in it is closed or nothing resolves (let the engine say why).
    async fn open_indices(&self, index: &str) -> Result<Option<String>, LogsError> {
        let resolved: Resolved = self
            .send(
                reqwest::Method::GET,
                &format!("/_resolve/index/{index}"),
                &[("expand_wildcards", "open")],
                None::<&()>,
            )
            .await?;
        let closed = |attributes: &[String]| attributes.iter().any(|a| a == "closed");
        if !resolved.indices.iter().any(|i| closed(&i.attributes)) {
            return Ok(None);
        }
        let names: Vec<String> = resolved
            .indices
            .into_iter()
            .filter(|i| !closed(&i.attributes))
            .map(|i| i.name)
            .chain(resolved.aliases.into_iter().map(|a| a.name))
            .chain(resolved.data_streams.into_iter().map(|d| d.name))
            .collect();
        Ok((!names.is_empty()).then(|| names.join(",")))
    }

    /// Closes a PIT. One that already expired is not an error: it is closed either way.
    pub(crate) async fn close_pit(&self, dialect: &Dialect, id: &str) -> Result<(), LogsError> {
        let answer = match dialect.engine {
            LogEngine::Elasticsearch => {
                self.send_raw(reqwest::Method::DELETE, "/_pit", &[], Some(&CloseEs { id }))
                    .await?
            }
            LogEngine::OpenSearch => {
                self.send_raw(
                    reqwest::Method::DELETE,
                    "/_search/point_in_time",
                    &[],
                    Some(&CloseOs { pit_id: [id] }),
                )
                .await?
            }
        };
        if answer.status.is_success() || answer.status == reqwest::StatusCode::NOT_FOUND {
            Ok(())
        } else {
            Err(answer.into_error())
        }
    }

    /// Closes a PIT from a path that cannot report an error (cleanup after another failure).
    pub(crate) async fn close_pit_quietly(&self, dialect: &Dialect, id: &str) {
        if let Err(err) = self.close_pit(dialect, id).await {
            tracing::warn!(datasource = self.datasource_id(), %err, "could not close a PIT");
        }
    }
}
