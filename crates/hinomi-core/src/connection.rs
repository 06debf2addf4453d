//! "Test connection" for any datasource.
//!
//! Asks each kind of backend for the cheapest thing that proves we are talking to the right
//! API (not just an open port): Prometheus's build info, Alertmanager's status, Elasticsearch's
//! or OpenSearch's root document (or, where a minimal distribution has no root handler, the
//! local node's info), naming which of the two engines answered and its version. The outcome
//! is the datasource's health too.

use crate::error::{ErrorCode, HinomiError};
use crate::http::Endpoint;
use crate::settings::{Datasource, DatasourceKind};
use crate::texts::user_lang::say;
use serde::Serialize;
use specta::Type;
use std::time::Instant;

#[derive(Debug, Clone, Serialize, Type)]
pub struct ConnectionReport {
    pub datasource_id: String,
    /// What the server says it is, e.g. "Prometheus 2.42.0".
    pub server: String,
    pub latency_ms: f64,
}

/// When `ds` is exactly what is saved (one of `saved`), the outcome is also written in the
/// datasource's health ([`crate::health`]), so the dot in Settings agrees with the test the user
/// just ran. Settings tests the unsaved draft: a typo being tried must not turn a working
/// datasource red, nor a fix not saved yet turn a broken one green.
pub async fn test_connection(
    ds: &Datasource,
    saved: &[Datasource],
) -> Result<ConnectionReport, HinomiError> {
    let result = probe(ds).await;
    if saved.contains(ds) {
        crate::health::book().record_outcome(&ds.id, result.as_ref().map(drop), chrono::Utc::now());
    }
    result
}

async fn probe(ds: &Datasource) -> Result<ConnectionReport, HinomiError> {
    if ds.kind == DatasourceKind::LocalFiles {
        return test_local_paths(ds);
    }
    // A fresh client on purpose (the draft being tested may differ from what is saved), built
    // on the blocking pool: it may read the keyring.
    let building = ds.clone();
    let endpoint = tokio::task::spawn_blocking(move || Endpoint::new(&building))
        .await
        .map_err(|err| {
            HinomiError::internal(say(
                "Building the test client failed.",
                "テスト用のクライアントを作成できませんでした。",
            ))
            .with_detail(err.to_string())
        })??;
    let started = Instant::now();
    let (path, product) = match ds.kind {
        DatasourceKind::Prometheus => ("/api/v1/status/buildinfo", "Prometheus"),
        DatasourceKind::Alertmanager => ("/api/v2/status", "Alertmanager"),
        DatasourceKind::Elasticsearch | DatasourceKind::LocalFiles => ("/", "Elasticsearch"),
    };
    let (json, body, url, elastic_product) = match get_json(&endpoint, path, product).await {
        Ok(found) => found,
        // Elasticsearch's test distributions ship without the module that serves `GET /`
        // (405); the node info names the version just as well.
        Err(err)
            if ds.kind == DatasourceKind::Elasticsearch && err.code == ErrorCode::HttpStatus =>
        {
            get_json(&endpoint, NODE_INFO_PATH, product)
                .await
                .map_err(|_| err)?
        }
        Err(err) => return Err(err),
    };
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let version = match ds.kind {
        DatasourceKind::Prometheus => json.pointer("/data/version"),
        DatasourceKind::Alertmanager => json.pointer("/versionInfo/version"),
        DatasourceKind::Elasticsearch | DatasourceKind::LocalFiles => {
            json.pointer("/version/number").or_else(|| {
                json.get("nodes")
                    .and_then(serde_json::Value::as_object)
                    .and_then(|nodes| nodes.values().next())
                    .and_then(|node| node.get("version"))
            })
        }
    }
    .and_then(serde_json::Value::as_str)
    .ok_or_else(|| {
        HinomiError::new(
            ErrorCode::Decode,
            say(
                format!("{url} answered, but not like a {product} API."),
                format!("{url} から応答がありましたが、{product} の API の応答ではありません。"),
            ),
        )
        .with_detail(truncate(&body, 200))
    })?;
    let flavour = match ds.kind {
        // OpenSearch answers the same root document with its own distribution name. Its node
        // info has no distribution, but neither `build_flavor` nor `X-elastic-product` (which
        // Elasticsearch sends from 7.14 on).
        DatasourceKind::Elasticsearch => {
            let opensearch = if json.get("version").is_some_and(|v| v.is_object()) {
                json.pointer("/version/distribution")
                    .and_then(serde_json::Value::as_str)
                    == Some("opensearch")
            } else {
                !elastic_product && !body.contains("\"build_flavor\"")
            };
            if opensearch { "OpenSearch" } else { product }
        }
        _ => product,
    };
    Ok(ConnectionReport {
        datasource_id: ds.id.clone(),
        server: format!("{flavour} {version}"),
        latency_ms,
    })
}

/// Node info with only what names the engine: Elasticsearch answers `build_flavor`,
/// OpenSearch does not.
/// "Test" for local files: every path (or, for a glob, the folder it starts from) is there and
/// readable. What the files hold is the index status's business.
fn test_local_paths(ds: &Datasource) -> Result<ConnectionReport, HinomiError> {
    let started = Instant::now();
    let paths = ds.log_options().expanded_paths();
    if paths.is_empty() {
        return Err(HinomiError::invalid_input(say(
            "Add a folder, file or glob to read logs from.",
            "ログを読み込むフォルダ、ファイル、またはグロブを追加してください。",
        )));
    }
    for path in &paths {
        let fixed = match path.find(['*', '?', '[']) {
            Some(at) => std::path::PathBuf::from(
                path[..at]
                    .rfind('/')
                    .map_or(".", |slash| &path[..slash.max(1)]),
            ),
            None => std::path::PathBuf::from(path),
        };
        let readable = if fixed.is_dir() {
            std::fs::read_dir(&fixed).map(drop)
        } else {
            std::fs::File::open(&fixed).map(drop)
        };
        readable.map_err(|err| {
            HinomiError::new(
                ErrorCode::Io,
                say(
                    format!("Cannot read {}: {err}", fixed.display()),
                    format!("{} を読み込めません: {err}", fixed.display()),
                ),
            )
        })?;
    }
    Ok(ConnectionReport {
        datasource_id: ds.id.clone(),
        server: say(
            format!(
                "Local files ({} {})",
                paths.len(),
                if paths.len() == 1 { "path" } else { "paths" }
            ),
            format!("ローカルファイル（{} 件のパス）", paths.len()),
        ),
        latency_ms: started.elapsed().as_secs_f64() * 1000.0,
    })
}

const NODE_INFO_PATH: &str = "/_nodes/_local/version,build_flavor,build_type";

/// GETs `path` and parses its JSON, turning a refusal or a non-JSON page into an error that
/// names the product the user expected. Also says whether `X-elastic-product` was sent.
async fn get_json(
    endpoint: &Endpoint,
    path: &str,
    product: &str,
) -> Result<(serde_json::Value, String, String, bool), HinomiError> {
    let response = endpoint.get(path, &[]).await?;
    let status = response.status();
    let elastic_product = response.headers().contains_key("x-elastic-product");
    let body = endpoint.read_body(response).await?;
    let body = String::from_utf8_lossy(&body).into_owned();
    let url = endpoint.shown_url(path);
    if let Some(err) = crate::http::auth_rejected(status, &url) {
        return Err(err);
    }
    if !status.is_success() {
        return Err(HinomiError::new(
            ErrorCode::HttpStatus,
            say(
                format!("{url} answered {status}; is this a {product} API?"),
                format!("{url} が {status} を返しました。{product} の API で間違いありませんか？"),
            ),
        )
        .with_detail(truncate(&body, 500)));
    }
    let json: serde_json::Value = serde_json::from_str(&body).map_err(|err| {
        HinomiError::new(
            ErrorCode::Decode,
            say(
                format!("{url} did not answer with JSON; is this a {product} API?"),
                format!(
                    "{url} から JSON の応答がありませんでした。{product} の API で間違いありませんか？"
                ),
            ),
        )
        .with_detail(format!("{err}: {}", truncate(&body, 200)))
    })?;
    Ok((json, body, url, elastic_product))
}

fn truncate(text: &str, max_bytes: usize) -> String {
    crate::http::shown_text_limited(text.as_bytes(), max_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::TlsOptions;
    use axum::{Json, Router, routing::get};

    async fn serve(router: Router) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        format!("http://{addr}")
    }

    fn ds(kind: DatasourceKind, url: String) -> Datasource {
        Datasource {
            id: "x".into(),
            name: "x".into(),
            kind,
            url,
            timeout_ms: 2_000,
            tls: TlsOptions::default(),
            auth: Default::default(),
            logs: None,
            split_range_queries: true,
        }
    }

    #[tokio::test]
    async fn reads_each_kind_of_version() {
        let url = serve(
            Router::new()
                .route(
                    "/api/v2/status",
                    get(|| async { Json(serde_json::json!({"versionInfo": {"version": "0.25.0"}})) }),
                )
                .route(
                    "/",
                    get(|| async {
                        Json(serde_json::json!({"version": {"number": "2.11.0", "distribution": "opensearch"}}))
                    }),
                ),
        )
        .await;
        let am = test_connection(&ds(DatasourceKind::Alertmanager, url.clone()), &[])
            .await
            .unwrap();
        assert_eq!(am.server, "Alertmanager 0.25.0");
        let es = test_connection(&ds(DatasourceKind::Elasticsearch, url), &[])
            .await
            .unwrap();
        assert_eq!(es.server, "OpenSearch 2.11.0");
    }

    #[tokio::test]
    async fn elasticsearch_without_a_root_document_is_named_from_its_node_info() {
        use axum::http::{HeaderMap, StatusCode};
        let node = |flavour: bool| {
            let mut node = serde_json::json!({"version": "8.17.0", "build_type": "zip"});
            if flavour {
                node["build_flavor"] = "default".into();
            }
            serde_json::json!({"nodes": {"n1": node}})
        };
        let es = serve(
            Router::new()
                .route(
                    "/",
                    get(|| async { (StatusCode::METHOD_NOT_ALLOWED, "{}") }),
                )
                .route(
                    "/_nodes/_local/version,build_flavor,build_type",
                    get(move || async move {
                        let mut headers = HeaderMap::new();
                        headers.insert("x-elastic-product", "Elasticsearch".parse().unwrap());
                        (headers, Json(node(true)))
                    }),
                ),
        )
        .await;
        let report = test_connection(&ds(DatasourceKind::Elasticsearch, es), &[])
            .await
            .unwrap();
        assert_eq!(report.server, "Elasticsearch 8.17.0");
        let os = serve(
            Router::new()
                .route("/", get(|| async { (StatusCode::NOT_FOUND, "{}") }))
                .route(
                    "/_nodes/_local/version,build_flavor,build_type",
                    get(move || async move { Json(node(false)) }),
                ),
        )
        .await;
        let report = test_connection(&ds(DatasourceKind::Elasticsearch, os), &[])
            .await
            .unwrap();
        assert_eq!(report.server, "OpenSearch 8.17.0");
    }

    #[tokio::test]
    async fn credentials_in_the_url_never_reach_the_message() {
        let url = serve(Router::new().route("/", get(|| async { "<html>hello</html>" }))).await;
        let with_secret = url.replacen("http://", "http://user:s3cret@", 1);
        let err = test_connection(&ds(DatasourceKind::Prometheus, with_secret), &[])
            .await
            .unwrap_err();
        let shown = format!("{} {}", err.message, err.detail.unwrap_or_default());
        assert!(!shown.contains("s3cret"), "{shown}");
    }

    #[tokio::test]
    async fn a_connection_test_writes_the_datasources_health() {
        use crate::health::{HealthState, book};
        let url = serve(Router::new().route(
            "/api/v2/status",
            get(|| async { Json(serde_json::json!({"versionInfo": {"version": "0.25.0"}})) }),
        ))
        .await;
        let mut am = ds(DatasourceKind::Alertmanager, url);
        am.id = "health-tested".into();
        test_connection(&am, std::slice::from_ref(&am))
            .await
            .unwrap();
        let health = book().get("health-tested").expect("a health entry");
        assert_eq!(health.state, HealthState::Ok);
        let answered = health.last_success;
        assert!(answered.is_some());

        // A draft of it with a typo, not saved: tested, but the saved datasource stays green.
        let saved = am.clone();
        am.url = serve(Router::new().route("/", get(|| async { "<html>hello</html>" }))).await;
        test_connection(&am, std::slice::from_ref(&saved))
            .await
            .unwrap_err();
        assert_eq!(book().get("health-tested").unwrap().state, HealthState::Ok);

        // Saved that way, its test is its health.
        let err = test_connection(&am, std::slice::from_ref(&am))
            .await
            .unwrap_err();
        let health = book().get("health-tested").unwrap();
        assert_eq!(health.state, HealthState::Failing);
        assert_eq!(health.error.as_ref(), Some(&err));
        assert_eq!(health.last_success, answered);
    }

    #[tokio::test]
    async fn wrong_kind_of_server_is_named() {
        let url = serve(Router::new().route("/", get(|| async { "<html>hello</html>" }))).await;
        let err = test_connection(&ds(DatasourceKind::Prometheus, url), &[])
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::HttpStatus);
        assert!(err.message.contains("Prometheus"), "{}", err.message);
    }

    #[tokio::test]
    async fn local_files_are_tested_on_the_disk() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.log"), "x\n").unwrap();
        let mut files = ds(DatasourceKind::LocalFiles, String::new());
        files.logs = Some(crate::settings::LogSourceOptions::local_files(vec![
            dir.path().display().to_string(),
            format!("{}/*.log", dir.path().display()),
        ]));
        let report = test_connection(&files, &[]).await.unwrap();
        assert_eq!(report.server, "Local files (2 paths)");

        files.logs = Some(crate::settings::LogSourceOptions::local_files(vec![
            format!("{}/missing/*.log", dir.path().display()),
        ]));
        let err = test_connection(&files, &[]).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Io);
        assert!(err.message.contains("missing"), "{}", err.message);
    }
}
