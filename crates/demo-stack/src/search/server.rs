//! Over 400 lines: one server's lifecycle: state dir, command line, start, stop.
//! [`SearchServer`]: one single-node OpenSearch or Elasticsearch, started from its unpacked
//! distribution with everything it writes under a state directory.
//!
//! The distribution stays read-only (it is shared by every test): the server gets a copy of its
//! `config/` in the state directory, adjusted so that nothing refers to the distribution's own
//! `logs/` or `data/`, and every setting that makes it a loopback test node is given on the
//! command line. As root, the state directory is handed to the server user and the start script
//! runs under `setpriv`, which keeps the parent-death signal across the user switch (the kernel
//! clears it when credentials change).

use super::SearchEngine;
use super::install::{self, ServerUser};
use crate::component::CommandLine;
use crate::error::StackError;
use crate::launcher::{Launcher, RunningChild};
use crate::logs;
use crate::readiness::{self, NotHealthy};
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How many lines of the server's console output an error quotes.
const LOG_TAIL_LINES: usize = 30;

/// How a [`SearchServer`] is started; [`Default`] suits tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchServerOptions {
    /// The HTTP port on 127.0.0.1; `None` takes a free one. The transport port is always a
    /// free one (nobody connects to it, but a single node still binds it).
    pub http_port: Option<u16>,
    /// `-Xms`/`-Xmx` in MiB.
    pub heap_mib: u32,
    /// How long the JVM may take to answer `_cluster/health?wait_for_status=yellow`. A start
    /// takes 10-20 s on an idle 2-core machine and several times that next to a build.
    pub startup_timeout: Duration,
    /// How long a graceful stop may take before SIGKILL.
    pub stop_grace: Duration,
}

impl Default for SearchServerOptions {
    fn default() -> Self {
        Self {
            http_port: None,
            heap_mib: 512,
            startup_timeout: Duration::from_secs(180),
            stop_grace: Duration::from_secs(30),
        }
    }
}

/// A running single-node search server on 127.0.0.1. Dropping it kills its process group;
/// [`SearchServer::shutdown`] stops it gracefully and waits.
pub struct SearchServer {
    engine: SearchEngine,
    http_port: u16,
    state_dir: PathBuf,
    stop_grace: Duration,
    child: Option<RunningChild>,
    // Declared after `child`: the launcher's thread is the children's parent for
    // PR_SET_PDEATHSIG, so it must outlive them.
    _launcher: Launcher,
}

impl SearchServer {
    /// Starts `engine` with the default options (a free port, 512 MiB heap, 180 s to start),
    /// keeping its data, logs, config copy and temporary files in `state_dir`.
    pub async fn start(engine: SearchEngine, state_dir: &Path) -> Result<Self, StackError> {
        Self::start_with(engine, state_dir, SearchServerOptions::default()).await
    }

    /// Starts `engine` and waits until the cluster is at least yellow. The error says what is
    /// missing (Java, the distribution, a user to run it as) or quotes what the server logged.
    pub async fn start_with(
        engine: SearchEngine,
        state_dir: &Path,
        options: SearchServerOptions,
    ) -> Result<Self, StackError> {
        let unavailable = |reason: String| StackError::SearchServerUnavailable { engine, reason };
        let distribution = install::distribution_dir(engine).map_err(unavailable)?;
        let java_home = install::java_home().map_err(unavailable)?;
        let user = install::server_user().map_err(unavailable)?;
        let setpriv = match &user {
            Some(_) => Some(install::find_on_path("setpriv").ok_or_else(|| {
                unavailable("running as root needs setpriv (util-linux) to drop to".to_owned())
            })?),
            None => None,
        };

        let state_dir = absolute(state_dir)?;
        let io_error = |what: String| move |source| StackError::io(what, source);
        prepare_state_dir(engine, &distribution, &state_dir, options.heap_mib).map_err(
            io_error(format!("{engine}: preparing {}", state_dir.display())),
        )?;
        if let Some(user) = &user {
            if let Some(blocked) = install::blocked_ancestor(&state_dir, user) {
                return Err(StackError::SearchStateUnreachable {
                    engine,
                    state_dir,
                    user: user.name.clone(),
                    blocked,
                });
            }
            chown_tree(&state_dir, user).map_err(io_error(format!(
                "handing {} to {}",
                state_dir.display(),
                user.name
            )))?;
        }

        let http_port = match options.http_port {
            Some(port) => port,
            None => crate::free_port().map_err(io_error("finding a free port".to_owned()))?,
        };
        let transport_port =
            crate::free_port().map_err(io_error("finding a free port".to_owned()))?;
        let line = command_line(
            engine,
            &distribution,
            &java_home,
            &state_dir,
            (http_port, transport_port),
            user.as_ref().zip(setpriv.as_deref()),
        );

        let name = engine.artifact();
        let log_path = console_log(&state_dir);
        let log = logs::open_for_run(&log_path, &line).map_err(io_error(format!(
            "{engine}: opening {}",
            log_path.display()
        )))?;
        let launcher =
            Launcher::new().map_err(io_error("starting the launcher thread".to_owned()))?;
        let child = launcher.launch(name, &line, log).await?;
        tracing::info!(%engine, pid = child.pid, http_port, "search server started");
        let mut server = SearchServer {
            engine,
            http_port,
            state_dir,
            stop_grace: options.stop_grace,
            child: Some(child),
            _launcher: launcher,
        };

        let http = reqwest::Client::new();
        let url = format!(
            "{}/_cluster/health?wait_for_status=yellow&timeout=1s",
            server.url()
        );
        let waited = readiness::poll_healthy(&http, &url, options.startup_timeout, || {
            server.exit_status()
        })
        .await;
        if let Err(not_healthy) = waited {
            // Dropping `server` kills what is left of it.
            let log_tail = logs::tail(&log_path, LOG_TAIL_LINES);
            return Err(match not_healthy {
                NotHealthy::Exited(status) => StackError::SearchServerExited {
                    engine,
                    status,
                    log_tail,
                },
                NotHealthy::TimedOut(last_error) => StackError::SearchServerUnhealthy {
                    engine,
                    url,
                    timeout: options.startup_timeout,
                    last_error,
                    log_tail,
                },
            });
        }
        Ok(server)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.http_port)
    }

    pub fn port(&self) -> u16 {
        self.http_port
    }

    pub fn engine(&self) -> SearchEngine {
        self.engine
    }

    pub fn state_dir(&self) -> &Path {
        &self.state_dir
    }

    /// The process id of the start script's process, which leads the server's process group.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(|child| child.pid)
    }

    /// Whether the server process is still running (a crashed server is reaped here).
    pub fn is_running(&mut self) -> bool {
        self.exit_status().is_none()
    }

    /// The server's console output (stdout and stderr), appended across restarts.
    pub fn log_file(&self) -> PathBuf {
        console_log(&self.state_dir)
    }

    fn exit_status(&mut self) -> Option<String> {
        match self.child.as_mut() {
            Some(child) => child.exit_status().map(|status| status.to_string()),
            None => Some("stopped".to_owned()),
        }
    }

    /// SIGTERM to the process group, SIGKILL after the grace period, and wait for the exit.
    pub async fn shutdown(mut self) {
        if let Some(child) = self.child.take() {
            let pid = child.pid;
            match child.stop(self.stop_grace).await {
                Ok(status) => tracing::info!(engine = %self.engine, pid, %status, "stopped"),
                Err(error) => tracing::warn!(engine = %self.engine, pid, %error, "stopping failed"),
            }
        }
    }
}

impl Drop for SearchServer {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            child.kill_now();
        }
    }
}

fn console_log(state_dir: &Path) -> PathBuf {
    state_dir.join("console.log")
}

fn absolute(path: &Path) -> Result<PathBuf, StackError> {
    std::path::absolute(path)
        .map_err(|source| StackError::io(format!("resolving {}", path.display()), source))
}

/// `data/`, `logs/`, `tmp/` and a fresh copy of the distribution's `config/` (the data survives
/// a restart; the config is always the distribution's plus our adjustments).
fn prepare_state_dir(
    engine: SearchEngine,
    distribution: &Path,
    state_dir: &Path,
    heap_mib: u32,
) -> io::Result<()> {
    for dir in ["data", "logs", "tmp"] {
        fs::create_dir_all(state_dir.join(dir))?;
    }
    let config = state_dir.join("config");
    if config.exists() {
        fs::remove_dir_all(&config)?;
    }
    copy_tree(&distribution.join("config"), &config)?;
    let jvm_options = config.join("jvm.options");
    let original = fs::read_to_string(&jvm_options)?;
    fs::write(&jvm_options, lean_jvm_options(&original, state_dir))?;
    let extra = config.join("jvm.options.d");
    fs::create_dir_all(&extra)?;
    fs::write(
        extra.join("hinomi.options"),
        format!(
            "# Written by hinomi-demo-stack for {engine}: a small, fixed heap so several \
             servers fit next to a build, and only the quick JIT tier, which halves the start \
             on 2 cores (a test node never runs long enough for the optimising tier to \
             pay).\n-Xms{heap_mib}m\n-Xmx{heap_mib}m\n-XX:TieredStopAtLevel=1\n"
        ),
    )
}

/// The distribution's `jvm.options` without the lines that write next to the current directory
/// (GC logs to `logs/gc.log`, heap dumps to `data/`: the start scripts do not `cd`, so these
/// would land wherever the caller happens to be, or fail there) and without its heap size.
fn lean_jvm_options(original: &str, state_dir: &Path) -> String {
    let logs = state_dir.join("logs");
    original
        .lines()
        .filter(|line| {
            let option = option_of(line);
            !(option.starts_with("-Xlog:gc")
                || option.starts_with("-Xloggc")
                || option.contains("HeapDump")
                || option.starts_with("-Xms")
                || option.starts_with("-Xmx"))
        })
        .map(|line| {
            line.replace(
                "-XX:ErrorFile=logs/",
                &format!("-XX:ErrorFile={}/", logs.display()),
            )
        })
        .fold(String::new(), |mut out, line| {
            out.push_str(&line);
            out.push('\n');
            out
        })
}

/// `-Xms1g` for `-Xms1g` and for `8-10:-Xms1g` (a line for some Java versions only).
fn option_of(line: &str) -> &str {
    let line = line.trim();
    match line.split_once(':') {
        Some((versions, option))
            if !versions.is_empty() && versions.chars().all(|c| c.is_ascii_digit() || c == '-') =>
        {
            option
        }
        _ => line,
    }
}

fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

fn chown_tree(path: &Path, user: &ServerUser) -> io::Result<()> {
    std::os::unix::fs::lchown(path, Some(user.uid.as_raw()), Some(user.gid.as_raw()))?;
    if fs::symlink_metadata(path)?.is_dir() {
        for entry in fs::read_dir(path)? {
            chown_tree(&entry?.path(), user)?;
        }
    }
    Ok(())
}

fn command_line(
    engine: SearchEngine,
    distribution: &Path,
    java_home: &Path,
    state_dir: &Path,
    (http_port, transport_port): (u16, u16),
    run_as: Option<(&ServerUser, &Path)>,
) -> CommandLine {
    let script = distribution.join("bin").join(engine.artifact());
    let path_setting = |name: &str, dir: &str| {
        let mut setting = OsString::from(format!("-E{name}="));
        setting.push(state_dir.join(dir));
        setting
    };
    let mut server_args: Vec<OsString> = vec![
        path_setting("path.data", "data"),
        path_setting("path.logs", "logs"),
        "-Ecluster.name=hinomi-test".into(),
        "-Enode.name=hinomi-test".into(),
        "-Enetwork.host=127.0.0.1".into(),
        format!("-Ehttp.port={http_port}").into(),
        format!("-Etransport.port={transport_port}").into(),
        "-Ediscovery.type=single-node".into(),
        // A nearly full disk on a developer machine must not turn indices read-only.
        "-Ecluster.routing.allocation.disk.threshold_enabled=false".into(),
    ];
    if !engine.is_opensearch() {
        // Plain HTTP without users, like the OpenSearch build (which has no security plugin).
        server_args.push("-Expack.security.enabled=false".into());
    }
    let prefix = engine.env_prefix();
    let env = vec![
        (format!("{prefix}_JAVA_HOME").into(), java_home.into()),
        (
            format!("{prefix}_PATH_CONF").into(),
            state_dir.join("config").into(),
        ),
        (
            format!("{prefix}_TMPDIR").into(),
            state_dir.join("tmp").into(),
        ),
        // The server user has no home; the JVM and the scripts may look there.
        ("HOME".into(), state_dir.into()),
    ];
    match run_as {
        None => CommandLine {
            program: script,
            args: server_args,
            env,
        },
        Some((user, setpriv)) => {
            let mut args: Vec<OsString> = vec![
                format!("--reuid={}", user.uid).into(),
                format!("--regid={}", user.gid).into(),
                "--clear-groups".into(),
                "--pdeathsig=keep".into(),
                "--".into(),
                script.into(),
            ];
            args.extend(server_args);
            CommandLine {
                program: setpriv.to_path_buf(),
                args,
                env,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::unistd::{Gid, Uid};

    #[test]
    fn jvm_options_lose_relative_paths_and_heap() {
        let original = "\
-Xms1g
-Xmx1g
11-:-XX:+UseG1GC
-XX:+HeapDumpOnOutOfMemoryError
-XX:HeapDumpPath=data
-XX:ErrorFile=logs/hs_err_pid%p.log
9-:-Xlog:gc*,gc+age=trace,safepoint:file=logs/gc.log:utctime,pid,tags:filecount=32,filesize=64m
8:-Xloggc:logs/gc.log
";
        let lean = lean_jvm_options(original, Path::new("/state"));
        assert_eq!(
            lean,
            "11-:-XX:+UseG1GC\n-XX:ErrorFile=/state/logs/hs_err_pid%p.log\n"
        );
    }

    #[test]
    fn the_node_binds_loopback_only() {
        let line = command_line(
            SearchEngine::Elasticsearch8,
            Path::new("/dist"),
            Path::new("/jdk"),
            Path::new("/state"),
            (9200, 9300),
            None,
        );
        let args: Vec<String> = line
            .args
            .iter()
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect();
        assert_eq!(line.program, Path::new("/dist/bin/elasticsearch"));
        assert!(args.contains(&"-Enetwork.host=127.0.0.1".to_owned()));
        assert!(args.contains(&"-Ehttp.port=9200".to_owned()));
        assert!(args.contains(&"-Expack.security.enabled=false".to_owned()));
        assert!(!args.iter().any(|arg| arg.contains("0.0.0.0")));
        assert!(
            line.env
                .iter()
                .any(|(key, value)| key == "ES_PATH_CONF" && value == "/state/config")
        );
    }

    #[test]
    fn as_root_setpriv_drops_to_the_server_user_and_keeps_the_death_signal() {
        let user = ServerUser {
            name: "hinomi-search".to_owned(),
            uid: Uid::from_raw(999),
            gid: Gid::from_raw(995),
        };
        let line = command_line(
            SearchEngine::OpenSearch2,
            Path::new("/dist"),
            Path::new("/jdk"),
            Path::new("/state"),
            (9200, 9300),
            Some((&user, Path::new("/usr/bin/setpriv"))),
        );
        let args: Vec<String> = line
            .args
            .iter()
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect();
        assert_eq!(line.program, Path::new("/usr/bin/setpriv"));
        assert_eq!(
            args[..6],
            [
                "--reuid=999",
                "--regid=995",
                "--clear-groups",
                "--pdeathsig=keep",
                "--",
                "/dist/bin/opensearch"
            ]
        );
        assert!(!args.contains(&"-Expack.security.enabled=false".to_owned()));
    }
}
