//! [`LogShipper`]: the seed's Filebeat (monitoring-and-alerting.md §6.1), played by Debian's
//! rsyslog with `imfile`, `mmjsonparse` and `omelasticsearch` (package rsyslog-elasticsearch).
//!
//! It tails the demo API's daily JSON log files and ships every line into the daily index
//! `dataset-management-YYYY.MM.DD`, adding what Filebeat adds (`app`, `@timestamp`,
//! `log.file.path`, `log.offset`). Before it starts, the index template
//! (`tests/demo-stack/dataset-management.index-template.json`) is installed so that the first
//! line of a day already gets the seed's mappings instead of guessed ones. The rsyslog
//! configuration is `tests/demo-stack/rsyslog.conf`; this rsyslogd runs in the foreground as
//! the current user with its own work directory and opens no sockets, so it neither needs nor
//! disturbs a system rsyslogd.

use crate::component::CommandLine;
use crate::error::StackError;
use crate::launcher::{Launcher, RunningChild};
use crate::logs;
use crate::search::install::find_on_path;
use crate::templates;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::time::{Instant, sleep};

pub const RSYSLOG_CONF: &str = include_str!("../../../tests/demo-stack/rsyslog.conf");
/// The index template for `dataset-management-*`, in the composable `_index_template` format
/// that Elasticsearch 7.8+ and OpenSearch 1+ accept.
pub const INDEX_TEMPLATE: &str =
    include_str!("../../../tests/demo-stack/dataset-management.index-template.json");
pub const INDEX_TEMPLATE_NAME: &str = "dataset-management";

/// rsyslogd writes its pid file once its configuration is loaded and its inputs are set up.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);
const STOP_GRACE: Duration = Duration::from_secs(10);
const LOG_TAIL_LINES: usize = 20;

/// The index the shipper writes a line to, by the UTC day of its instant, as Filebeat's
/// `dataset-management-%{+yyyy.MM.dd}` does.
pub fn daily_index(day: chrono::NaiveDate) -> String {
    format!("dataset-management-{}", day.format("%Y.%m.%d"))
}

/// A running rsyslogd shipping `<log_dir>/dataset-management-*.log` to a search server.
/// Dropping it kills it; [`LogShipper::shutdown`] lets it flush what it has read first.
pub struct LogShipper {
    state_dir: PathBuf,
    child: Option<RunningChild>,
    // After `child`: the launcher's thread is the child's parent for PR_SET_PDEATHSIG.
    _launcher: Launcher,
}

impl LogShipper {
    /// Installs the index template on `server_url` (e.g. `http://127.0.0.1:19200`), then
    /// starts rsyslogd with its configuration, work directory and logs in `state_dir`. Lines
    /// already in `log_dir` are shipped too, once; after a restart with the same `state_dir`
    /// it goes on where it stopped.
    pub async fn start(
        server_url: &str,
        log_dir: &Path,
        state_dir: &Path,
    ) -> Result<Self, StackError> {
        let rsyslogd = rsyslogd()?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|source| {
                StackError::io("building the HTTP client", std::io::Error::other(source))
            })?;
        install_index_template(&http, server_url).await?;

        let io_error = |what: String| move |source: std::io::Error| StackError::io(what, source);
        let log_dir = std::path::absolute(log_dir)
            .map_err(io_error(format!("resolving {}", log_dir.display())))?;
        let state_dir = std::path::absolute(state_dir)
            .map_err(io_error(format!("resolving {}", state_dir.display())))?;
        for dir in [&log_dir, &state_dir.join("work")] {
            fs::create_dir_all(dir).map_err(io_error(format!("creating {}", dir.display())))?;
        }
        let conf = state_dir.join("rsyslog.conf");
        fs::write(&conf, render_conf(server_url, &log_dir, &state_dir)?)
            .map_err(io_error(format!("writing {}", conf.display())))?;
        check_conf(&rsyslogd, &conf).await?;

        let pid_file = state_dir.join("rsyslogd.pid");
        // A stale pid file from a killed run would look like a started one.
        let _ = fs::remove_file(&pid_file);
        let line = CommandLine {
            program: rsyslogd,
            args: vec![
                "-n".into(),
                "-f".into(),
                conf.into(),
                "-i".into(),
                pid_file.clone().into(),
            ],
            env: Vec::new(),
        };
        let console = console_log(&state_dir);
        let log = logs::open_for_run(&console, &line)
            .map_err(io_error(format!("opening {}", console.display())))?;
        let launcher =
            Launcher::new().map_err(io_error("starting the launcher thread".to_owned()))?;
        let child = launcher.launch("log-shipper", &line, log).await?;
        tracing::info!(pid = child.pid, "log shipper started");
        let mut shipper = LogShipper {
            state_dir,
            child: Some(child),
            _launcher: launcher,
        };

        let deadline = Instant::now() + STARTUP_TIMEOUT;
        while !pid_file.is_file() {
            let exited = shipper.child.as_mut().and_then(RunningChild::exit_status);
            if exited.is_some() || Instant::now() >= deadline {
                return Err(StackError::LogShipper(format!(
                    "rsyslogd {} (end of {}):\n{}",
                    exited.map_or_else(
                        || format!("wrote no pid file within {STARTUP_TIMEOUT:?}"),
                        |status| format!("exited ({status})")
                    ),
                    shipper.internal_log().display(),
                    shipper.log_tail(),
                )));
            }
            sleep(Duration::from_millis(100)).await;
        }
        Ok(shipper)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(|child| child.pid)
    }

    pub fn is_running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|child| child.exit_status().is_none())
    }

    /// rsyslogd's own messages: rejected bulk requests, unreadable files.
    pub fn internal_log(&self) -> PathBuf {
        self.state_dir.join("rsyslogd.log")
    }

    /// The server's answers to bulk items it refused, one JSON object per request.
    pub fn error_file(&self) -> PathBuf {
        self.state_dir.join("bulk-errors.json")
    }

    fn log_tail(&self) -> String {
        let mut tail = logs::tail(&console_log(&self.state_dir), LOG_TAIL_LINES);
        tail.push('\n');
        tail.push_str(&logs::tail(&self.internal_log(), LOG_TAIL_LINES));
        tail
    }

    /// SIGTERM (rsyslogd then sends what it has queued), SIGKILL after a grace period.
    pub async fn shutdown(mut self) {
        if let Some(child) = self.child.take() {
            let pid = child.pid;
            match child.stop(STOP_GRACE).await {
                Ok(status) => tracing::info!(pid, %status, "log shipper stopped"),
                Err(error) => tracing::warn!(pid, %error, "stopping the log shipper failed"),
            }
        }
    }
}

impl Drop for LogShipper {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            child.kill_now();
        }
    }
}

/// `PUT /_index_template/dataset-management`; idempotent.
pub async fn install_index_template(
    http: &reqwest::Client,
    server_url: &str,
) -> Result<(), StackError> {
    let url = format!("{server_url}/_index_template/{INDEX_TEMPLATE_NAME}");
    let refused = |detail: String| StackError::IndexTemplate {
        url: url.clone(),
        detail,
    };
    let response = http
        .put(&url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(INDEX_TEMPLATE)
        .send()
        .await
        .map_err(|error| refused(crate::readiness::error_chain(&error)))?;
    let status = response.status();
    if !status.is_success() {
        let body = response.text().await.unwrap_or_default();
        return Err(refused(format!("HTTP {status}: {body}")));
    }
    Ok(())
}

/// Whether rsyslogd is installed (the configuration check at start also needs the
/// rsyslog-elasticsearch package).
pub fn log_shipper_available() -> Result<(), String> {
    rsyslogd().map(drop).map_err(|error| error.to_string())
}

fn rsyslogd() -> Result<PathBuf, StackError> {
    // /usr/sbin is not on every user's PATH.
    find_on_path("rsyslogd")
        .or_else(|| Some(PathBuf::from("/usr/sbin/rsyslogd")).filter(|path| path.is_file()))
        .ok_or_else(|| {
            StackError::LogShipper(
                "rsyslogd is not installed: run scripts/install-deps.sh (Debian packages \
                 rsyslog and rsyslog-elasticsearch)"
                    .to_owned(),
            )
        })
}

fn console_log(state_dir: &Path) -> PathBuf {
    state_dir.join("console.log")
}

fn render_conf(server_url: &str, log_dir: &Path, state_dir: &Path) -> Result<String, StackError> {
    let path = |path: PathBuf| path.display().to_string();
    let values = BTreeMap::from([
        ("work_dir", path(state_dir.join("work"))),
        ("log_dir", path(log_dir.to_path_buf())),
        ("server", server_url.to_owned()),
        ("utc_offset", utc_offset()),
        ("error_file", path(state_dir.join("bulk-errors.json"))),
        ("unparsed_file", path(state_dir.join("unparsed.log"))),
        ("internal_log", path(state_dir.join("rsyslogd.log"))),
    ]);
    Ok(templates::render("rsyslog.conf", RSYSLOG_CONF, &values)?)
}

/// This machine's offset from UTC now, as `+09:00`. The demo API's timestamps carry no zone;
/// a change of offset while running (daylight saving) shifts `@timestamp` by an hour until the
/// shipper is restarted.
fn utc_offset() -> String {
    chrono::Local::now().format("%:z").to_string()
}

/// `rsyslogd -N1`: a missing module (rsyslog-elasticsearch not installed) or a bad path fails
/// here with rsyslog's own words, instead of as a shipper that silently ships nothing.
async fn check_conf(rsyslogd: &Path, conf: &Path) -> Result<(), StackError> {
    let output = tokio::process::Command::new(rsyslogd)
        .arg("-N1")
        .arg("-f")
        .arg(conf)
        .output()
        .await
        .map_err(|source| StackError::io(format!("running {}", rsyslogd.display()), source))?;
    if output.status.success() {
        return Ok(());
    }
    Err(StackError::LogShipper(format!(
        "rsyslogd rejects {} ({}; is rsyslog-elasticsearch installed? run \
         scripts/install-deps.sh):\n{}{}",
        conf.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rendered_conf_has_no_placeholders_left() {
        let conf = render_conf(
            "http://127.0.0.1:19200",
            Path::new("/state/logs/demo-api"),
            Path::new("/state/shipper"),
        )
        .unwrap();
        assert!(!conf.contains("{{"), "{conf}");
        assert!(conf.contains(r#"file="/state/logs/demo-api/dataset-management-*.log""#));
        assert!(conf.contains(r#"server="http://127.0.0.1:19200""#));
        assert!(conf.contains(r#"esVersion.major="8""#));
    }

    #[test]
    fn the_index_template_maps_the_seed_fields() {
        let template: serde_json::Value = serde_json::from_str(INDEX_TEMPLATE).unwrap();
        assert_eq!(template["index_patterns"][0], "dataset-management-*");
        let properties = &template["template"]["mappings"]["properties"];
        assert_eq!(properties["@timestamp"]["type"], "date");
        assert_eq!(
            properties["timestamp"]["format"],
            "yyyy-MM-dd HH:mm:ss||strict_date_optional_time||epoch_millis"
        );
        for keyword in ["level", "service", "app"] {
            assert_eq!(properties[keyword]["type"], "keyword", "{keyword}");
        }
        assert_eq!(properties["message"]["type"], "text");
        assert_eq!(
            properties["message"]["fields"]["keyword"]["type"],
            "keyword"
        );
        for field in ["request_id", "user_id", "action"] {
            assert_eq!(
                properties["context"]["properties"][field]["type"],
                "keyword"
            );
        }
    }

    #[test]
    fn daily_indices_are_named_like_filebeat_names_them() {
        let day = chrono::NaiveDate::from_ymd_opt(2024, 3, 21).unwrap();
        assert_eq!(daily_index(day), "dataset-management-2024.03.21");
    }
}
