//! The alert sources against a real Prometheus and a real Alertmanager that require Basic auth
//! (their `--web.config.file`, as a reverse proxy or a hardened install would): with the stored
//! password alerts, rules, status and silences work; a wrong password is a clear 401; no stored
//! password is a "secret" error before any request; the password never shows in an error.

use crate::support::{datasource, wait_for};
use chrono::Utc;
use hinomi_alerts::silences::{SilenceDraft, SilenceMatcher};
use hinomi_alerts::sources::{AlertmanagerClient, PrometheusAlertsClient};
use hinomi_core::ErrorCode;
use hinomi_core::http::Endpoint;
use hinomi_core::secrets::{MemoryStore, SecretStore};
use hinomi_core::settings::{DatasourceAuth, DatasourceKind};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

const USER: &str = "hinomi";
const PASSWORD: &str = "hunter2-am";
/// bcrypt (cost 4, to keep the servers' checks cheap) of [`PASSWORD`], as the web config wants.
const PASSWORD_BCRYPT: &str = "$2b$04$ZBoosinYVN8lyhZfqcNKJ.tjauFInjBDaD/Plfx1kYx.wHz6s7ZwS";

/// A server process killed when the test ends, pass or fail.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    hinomi_demo_stack::free_port().expect("a free port")
}

fn spawn(program: &str, args: &[String], log: &Path) -> Server {
    let log = std::fs::File::create(log).unwrap();
    let child = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|err| panic!("{program}: {err} (Debian package missing?)"));
    Server(child)
}

/// Waits until the server answers `/-/ready` to an authenticated request.
async fn wait_ready(what: &str, url: &str) {
    let http = reqwest::Client::new();
    wait_for(what, Duration::from_secs(60), || async {
        let response = http
            .get(format!("{url}/-/ready"))
            .basic_auth(USER, Some(PASSWORD))
            .send()
            .await
            .ok()?;
        response.status().is_success().then_some(())
    })
    .await;
}

fn with_basic_auth(id: &str, kind: DatasourceKind, url: &str) -> hinomi_core::settings::Datasource {
    let mut ds = datasource(id, kind, url.to_owned());
    ds.auth = DatasourceAuth::Basic {
        username: USER.into(),
    };
    ds
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_prometheus_and_alertmanager_behind_basic_auth() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    std::fs::write(
        path("web.yml"),
        format!("basic_auth_users:\n  {USER}: {PASSWORD_BCRYPT}\n"),
    )
    .unwrap();
    std::fs::write(
        path("alertmanager.yml"),
        "route:\n  receiver: nobody\nreceivers:\n  - name: nobody\n",
    )
    .unwrap();
    // One always-firing rule, so the authenticated alerts call has something to return.
    std::fs::write(
        path("rules.yml"),
        "groups:\n  - name: auth-test\n    rules:\n      - alert: AlwaysFiring\n        expr: vector(1)\n        labels:\n          severity: none\n",
    )
    .unwrap();
    std::fs::write(
        path("prometheus.yml"),
        format!(
            "global:\n  evaluation_interval: 1s\nrule_files:\n  - {}\nscrape_configs: []\n",
            path("rules.yml")
        ),
    )
    .unwrap();

    let am_port = free_port();
    let prom_port = free_port();
    let _alertmanager = spawn(
        "prometheus-alertmanager",
        &[
            format!("--config.file={}", path("alertmanager.yml")),
            format!("--storage.path={}", path("am-data")),
            format!("--web.listen-address=127.0.0.1:{am_port}"),
            format!("--web.config.file={}", path("web.yml")),
            "--cluster.listen-address=".into(),
        ],
        &dir.path().join("alertmanager.log"),
    );
    let _prometheus = spawn(
        "prometheus",
        &[
            format!("--config.file={}", path("prometheus.yml")),
            format!("--storage.tsdb.path={}", path("prom-data")),
            format!("--web.listen-address=127.0.0.1:{prom_port}"),
            format!("--web.config.file={}", path("web.yml")),
        ],
        &dir.path().join("prometheus.log"),
    );
    let am_url = format!("http://127.0.0.1:{am_port}");
    let prom_url = format!("http://127.0.0.1:{prom_port}");
    wait_ready("Alertmanager behind basic auth", &am_url).await;
    wait_ready("Prometheus behind basic auth", &prom_url).await;

    // The servers really refuse an unauthenticated request.
    let anonymous = reqwest::get(format!("{am_url}/api/v2/status"))
        .await
        .unwrap();
    assert_eq!(anonymous.status(), reqwest::StatusCode::UNAUTHORIZED);

    let store = Arc::new(MemoryStore::default());
    hinomi_core::secrets::install(store.clone());

    // No stored password: a clear error naming the datasource, before any request is made.
    let missing = Endpoint::new(&with_basic_auth(
        "am-nopw",
        DatasourceKind::Alertmanager,
        &am_url,
    ))
    .unwrap_err();
    assert_eq!(missing.code, ErrorCode::Secret, "{missing:?}");
    assert!(missing.message.contains("am-nopw"), "{}", missing.message);

    // A wrong password: the server's 401, in the person's terms, without the password.
    store.set("am-wrong", "not-the-password").unwrap();
    let wrong = AlertmanagerClient::from_endpoint(
        Endpoint::new(&with_basic_auth(
            "am-wrong",
            DatasourceKind::Alertmanager,
            &am_url,
        ))
        .unwrap(),
    );
    let refused = wrong.status().await.unwrap_err();
    assert!(refused.message.contains("401"), "{refused:?}");
    assert!(!format!("{refused:?}").contains("not-the-password"));

    // The right password: status, a silence created and expired, alerts and rules.
    store.set("am", PASSWORD).unwrap();
    store.set("prom", PASSWORD).unwrap();
    let alertmanager = AlertmanagerClient::from_endpoint(
        Endpoint::new(&with_basic_auth(
            "am",
            DatasourceKind::Alertmanager,
            &am_url,
        ))
        .unwrap(),
    );
    let status = alertmanager.status().await.unwrap();
    assert!(status.version.starts_with("0."), "{status:?}");
    assert!(status.config_yaml.contains("nobody"), "{status:?}");
    let now = Utc::now();
    let id = alertmanager
        .create_silence(&SilenceDraft {
            matchers: vec![SilenceMatcher {
                name: "alertname".into(),
                value: "AlwaysFiring".into(),
                is_regex: false,
                is_equal: true,
            }],
            starts_at: now,
            ends_at: now + chrono::Duration::minutes(5),
            created_by: "auth-test".into(),
            comment: "behind basic auth".into(),
        })
        .await
        .unwrap();
    assert!(
        alertmanager
            .silences()
            .await
            .unwrap()
            .iter()
            .any(|s| s.id == id)
    );
    alertmanager.expire_silence(&id).await.unwrap();

    let prometheus = PrometheusAlertsClient::from_endpoint(
        Endpoint::new(&with_basic_auth(
            "prom",
            DatasourceKind::Prometheus,
            &prom_url,
        ))
        .unwrap(),
    );
    let firing = wait_for(
        "AlwaysFiring through auth",
        Duration::from_secs(30),
        || async {
            let alerts = prometheus.alerts().await.unwrap();
            alerts
                .into_iter()
                .find(|alert| alert.alertname() == "AlwaysFiring")
        },
    )
    .await;
    assert_eq!(
        firing.labels.get("severity").map(String::as_str),
        Some("none")
    );
    let groups = prometheus.rules().await.unwrap();
    assert!(groups.iter().any(|g| g.name == "auth-test"), "{groups:?}");
}
