//! The demo's PostgreSQL: a primary and a streaming replica on loopback, and one
//! postgres-exporter for each, so the seed's database metrics (§3.2) come from real servers.
//!
//! The clusters live under the state directory and survive restarts: the primary is made with
//! `initdb` the first time, the replica with `pg_basebackup -R` from the running primary. Both
//! listen on 127.0.0.1 only, with no Unix socket (two stacks must not fight over
//! `/var/run/postgresql`), trust authentication for the one superuser `postgres` (loopback, a
//! demo), and `pg_stat_statements` preloaded for the query-time panel.
//!
//! PostgreSQL refuses to run as root. As root, every PostgreSQL program runs as the stack's
//! unprivileged server user (the one OpenSearch runs as, see [`crate::search`]) under `setpriv`,
//! which keeps the parent-death signal, and the data directories are handed to that user. The
//! state directory itself is opened for traversal (o+x, not listing) if it is closed (a
//! `mkdtemp` one, mode 700); if a directory above it is closed (the default one is under
//! `/root`), the data goes under `/var/tmp/hinomi-demo/` instead, one directory per port.

use crate::component::{CommandLine, Component};
use crate::config::StackConfig;
use crate::error::StackError;
use crate::search::install::{ServerUser, blocked_ancestor, find_on_path, server_user};
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use std::ffi::OsString;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::process::Command;
use tokio::time::{Instant, sleep};

/// Debian 12's PostgreSQL 15 (`postgresql-15`), whose programs are not on `PATH`.
pub const DEBIAN_POSTGRES_BIN_DIR: &str = "/usr/lib/postgresql/15/bin";
/// The demo primary's `max_connections`: small, so a connection storm can approach it without
/// hundreds of backends, and the connection alert has a number to compare with.
pub const MAX_CONNECTIONS: u32 = 50;
/// The superuser and database everything connects to.
pub const SUPERUSER: &str = "postgres";
const DATABASE: &str = "postgres";

/// The exporter's extra queries: replication lag and pg_stat_statements, which exporter 0.11.1
/// does not collect by itself (see the file for the names and why).
pub const EXPORTER_QUERIES: &str =
    include_str!("../../../tests/demo-stack/postgres-exporter-queries.yaml");
pub const EXPORTER_QUERIES_FILE: &str = "postgres-exporter-queries.yaml";

const POLL_EVERY: Duration = Duration::from_millis(100);

/// The server a PostgreSQL component or exporter is about.
fn server_port(config: &StackConfig, component: Component) -> u16 {
    match component {
        Component::PostgresReplica | Component::PostgresReplicaExporter => {
            config.ports.postgres_replica
        }
        _ => config.ports.postgres,
    }
}

/// `postgresql://postgres@127.0.0.1:<port>/postgres`: what the demo API and tests connect to.
pub fn connection_url(port: u16) -> String {
    format!("postgresql://{SUPERUSER}@127.0.0.1:{port}/{DATABASE}")
}

/// Where a server's cluster lives: `<state>/data/<component>`, unless the user PostgreSQL runs
/// as cannot reach it (see the module docs).
pub(crate) fn cluster_dir(config: &StackConfig, component: Component) -> PathBuf {
    let preferred = config.data_dir(component);
    let reachable = match server_user() {
        Ok(Some(user)) => blocked_ancestor(&preferred, &user).is_none(),
        _ => true,
    };
    if reachable {
        preferred
    } else {
        PathBuf::from(format!(
            "/var/tmp/hinomi-demo/{}-{}",
            component.name(),
            server_port(config, component)
        ))
    }
}

/// Who runs PostgreSQL: `None` (this process's user) unless we are root; then the server
/// user and the `setpriv` that switches to it.
fn run_as() -> Result<Option<(ServerUser, PathBuf)>, String> {
    let Some(user) = server_user()? else {
        return Ok(None);
    };
    let setpriv = find_on_path("setpriv")
        .ok_or("running as root needs setpriv (util-linux) to drop privileges")?;
    Ok(Some((user, setpriv)))
}

/// `program args` as the PostgreSQL user. Falls back to running it directly when no user can
/// be found, which PostgreSQL then refuses with a message that says why.
fn as_postgres_user(program: PathBuf, args: Vec<OsString>) -> CommandLine {
    match run_as() {
        Ok(Some((user, setpriv))) => {
            let mut wrapped: Vec<OsString> = vec![
                format!("--reuid={}", user.uid).into(),
                format!("--regid={}", user.gid).into(),
                "--clear-groups".into(),
                // The kernel clears the parent-death signal when credentials change.
                "--pdeathsig=keep".into(),
                "--".into(),
                program.into(),
            ];
            wrapped.extend(args);
            CommandLine {
                program: setpriv,
                args: wrapped,
                env: Vec::new(),
            }
        }
        Ok(None) | Err(_) => CommandLine {
            program,
            args,
            env: Vec::new(),
        },
    }
}

/// The `postgres` server of the primary or the replica.
pub(crate) fn server_command_line(config: &StackConfig, component: Component) -> CommandLine {
    let program = config.programs.postgres_bin_dir.join("postgres");
    let port = server_port(config, component);
    let mut args: Vec<OsString> = vec!["-D".into(), cluster_dir(config, component).into()];
    let settings = [
        format!("port={port}"),
        "listen_addresses=127.0.0.1".to_owned(),
        "unix_socket_directories=".to_owned(),
        "shared_preload_libraries=pg_stat_statements".to_owned(),
        "pg_stat_statements.track=all".to_owned(),
        format!("max_connections={MAX_CONNECTIONS}"),
        format!("cluster_name=hinomi-{}", component.name()),
    ];
    let mut settings = settings.to_vec();
    if component == Component::PostgresReplica {
        // Given here rather than only in the conf pg_basebackup wrote: a state dir reused with
        // other ports (`--ports free`) still streams from this stack's primary.
        settings.push(format!(
            "primary_conninfo=host=127.0.0.1 port={} user={SUPERUSER} application_name=hinomi-postgres-replica",
            config.ports.postgres
        ));
    }
    for setting in settings {
        args.push("-c".into());
        args.push(setting.into());
    }
    as_postgres_user(program, args)
}

/// One postgres-exporter for the primary or the replica.
pub(crate) fn exporter_command_line(config: &StackConfig, component: Component) -> CommandLine {
    let listen = format!("127.0.0.1:{}", component.port(&config.ports));
    let mut queries = OsString::from("--extend.query-path=");
    queries.push(config.config_dir().join(EXPORTER_QUERIES_FILE));
    let dsn = format!(
        "{}?sslmode=disable",
        connection_url(server_port(config, component))
    );
    CommandLine {
        program: config.programs.postgres_exporter.clone(),
        args: vec![format!("--web.listen-address={listen}").into(), queries],
        env: vec![("DATA_SOURCE_NAME".into(), dsn.into())],
    }
}

/// Makes the cluster if it does not exist yet: `initdb` for the primary, `pg_basebackup` from
/// the (running) primary for the replica. An existing cluster is left as it is.
pub(crate) async fn prepare_cluster(
    config: &StackConfig,
    component: Component,
) -> Result<(), StackError> {
    let failed = |step: &str, detail: String| StackError::DatabaseSetup {
        component,
        step: step.to_owned(),
        detail,
    };
    let user = run_as().map_err(|detail| failed("finding a user to run PostgreSQL as", detail))?;
    if let Some((user, _)) = &user {
        open_state_dir_for(config, component, user)
            .map_err(|error| failed("opening the state directory", error.to_string()))?;
    }
    // Decided once the state directory is open.
    let dir = cluster_dir(config, component);
    if dir.join("PG_VERSION").is_file() {
        return Ok(());
    }
    // A half-made cluster from an interrupted first start is made again from scratch.
    if dir.exists() {
        fs::remove_dir_all(&dir)
            .map_err(|error| failed("removing an incomplete cluster", error.to_string()))?;
    }
    fs::create_dir_all(&dir)
        .map_err(|error| failed("creating the directory", error.to_string()))?;
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700))
        .map_err(|error| failed("restricting the directory", error.to_string()))?;
    if let Some((user, _)) = &user {
        std::os::unix::fs::chown(&dir, Some(user.uid.as_raw()), Some(user.gid.as_raw()))
            .map_err(|error| failed("handing the directory over", error.to_string()))?;
    }

    let bin = &config.programs.postgres_bin_dir;
    let (step, line) = match component {
        Component::Postgres => (
            "initdb",
            as_postgres_user(
                bin.join("initdb"),
                vec![
                    "-D".into(),
                    dir.clone().into(),
                    "-U".into(),
                    SUPERUSER.into(),
                    "--auth=trust".into(),
                    "--encoding=UTF8".into(),
                    "--no-locale".into(),
                    // A demo cluster: skipping the fsyncs takes seconds off the first start.
                    "--no-sync".into(),
                ],
            ),
        ),
        _ => (
            "pg_basebackup",
            as_postgres_user(
                bin.join("pg_basebackup"),
                vec![
                    "-h".into(),
                    "127.0.0.1".into(),
                    "-p".into(),
                    config.ports.postgres.to_string().into(),
                    "-U".into(),
                    SUPERUSER.into(),
                    "-D".into(),
                    dir.clone().into(),
                    // standby.signal and primary_conninfo: the copy starts as a streaming replica.
                    "--write-recovery-conf".into(),
                    "--wal-method=stream".into(),
                    "--checkpoint=fast".into(),
                    "--no-sync".into(),
                ],
            ),
        ),
    };
    let output = run_to_end(&line).await.map_err(|error| {
        failed(
            step,
            format!("cannot run {}: {error}", line.program.display()),
        )
    })?;
    if !output.status.success() {
        return Err(failed(
            step,
            format!(
                "{}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        ));
    }
    Ok(())
}

/// Runs a one-off program (initdb, pg_basebackup) in its own process group and collects its
/// output. If the start is abandoned meanwhile (another component failed and the stack is
/// dropped), the whole group is killed: initdb's bootstrap backend included.
async fn run_to_end(line: &CommandLine) -> std::io::Result<std::process::Output> {
    struct KillGroupOnDrop(Option<i32>);
    impl Drop for KillGroupOnDrop {
        fn drop(&mut self) {
            if let Some(group) = self.0.filter(|group| *group > 0) {
                let _ = killpg(Pid::from_raw(group), Signal::SIGKILL);
            }
        }
    }
    let child = Command::new(&line.program)
        .args(&line.args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true)
        .spawn()?;
    let mut group = KillGroupOnDrop(child.id().and_then(|id| i32::try_from(id).ok()));
    let output = child.wait_with_output().await;
    // Finished: the group id may be reused from now on.
    group.0 = None;
    output
}

/// Lets `user` pass through the state directory and the directories between it and the
/// cluster's parent, where they are closed to it: adds the others' search bit (o+x), which
/// lets it reach the cluster without listing anything else. Directories above the state
/// directory are not ours to change.
fn open_state_dir_for(
    config: &StackConfig,
    component: Component,
    user: &ServerUser,
) -> std::io::Result<()> {
    let cluster = config.data_dir(component);
    let state_dir = std::path::absolute(&config.state_dir)?;
    let cluster = std::path::absolute(&cluster)?;
    while let Some(blocked) = blocked_ancestor(&cluster, user) {
        if !blocked.starts_with(&state_dir) {
            break;
        }
        let mode = fs::metadata(&blocked)?.permissions().mode();
        fs::set_permissions(&blocked, fs::Permissions::from_mode(mode | 0o001))?;
    }
    Ok(())
}

/// Polls `pg_isready` until the server accepts connections. `exited` and `log_tail` work as
/// in [`crate::readiness::wait_healthy`].
pub(crate) async fn wait_accepting(
    config: &StackConfig,
    component: Component,
    timeout: Duration,
    mut exited: impl FnMut() -> Option<String>,
    log_tail: impl Fn() -> String,
) -> Result<(), StackError> {
    let port = server_port(config, component);
    let pg_isready = config.programs.postgres_bin_dir.join("pg_isready");
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = exited() {
            return Err(StackError::Exited {
                component,
                status,
                log_tail: log_tail(),
            });
        }
        let answer = Command::new(&pg_isready)
            .kill_on_drop(true)
            .args([
                "-q",
                "-h",
                "127.0.0.1",
                "-U",
                SUPERUSER,
                "-d",
                DATABASE,
                "-t",
                "2",
                "-p",
            ])
            .arg(port.to_string())
            .status()
            .await;
        let last_error = match answer {
            Ok(status) if status.success() => return Ok(()),
            // 1: rejecting (starting up), 2: no answer, 3: no attempt.
            Ok(status) => format!("pg_isready: {status}"),
            Err(error) => format!("cannot run {}: {error}", pg_isready.display()),
        };
        if Instant::now() >= deadline {
            return Err(StackError::Unhealthy {
                component,
                url: connection_url(port),
                timeout,
                last_error,
                log_tail: log_tail(),
            });
        }
        sleep(POLL_EVERY).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::Ports;

    #[test]
    fn servers_listen_on_loopback_only_without_a_socket_and_with_statements() {
        let config = StackConfig::new("/state", Ports::demo_defaults());
        let line = server_command_line(&config, Component::PostgresReplica);
        let args: Vec<String> = line
            .args
            .iter()
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect();
        for expected in [
            "port=15433",
            "listen_addresses=127.0.0.1",
            "unix_socket_directories=",
            "shared_preload_libraries=pg_stat_statements",
            "max_connections=50",
            "primary_conninfo=host=127.0.0.1 port=15432 user=postgres \
             application_name=hinomi-postgres-replica",
        ] {
            assert!(
                args.iter().any(|arg| arg == expected),
                "{expected}: {args:?}"
            );
        }
        let primary = server_command_line(&config, Component::Postgres);
        assert!(
            !primary
                .args
                .iter()
                .any(|arg| arg.to_string_lossy().starts_with("primary_conninfo")),
            "{primary:?}"
        );
        let root = nix::unistd::Uid::effective().is_root();
        assert_eq!(
            line.program.ends_with("setpriv"),
            root,
            "as root PostgreSQL runs under setpriv, otherwise directly: {line:?}"
        );
        if root {
            assert!(args.iter().any(|arg| arg == "--pdeathsig=keep"), "{args:?}");
            assert!(!args.iter().any(|arg| arg == "--reuid=0"), "{args:?}");
        }
    }

    #[test]
    fn each_exporter_watches_its_own_server() {
        let config = StackConfig::new("/state", Ports::demo_defaults());
        let dsn = |component| {
            exporter_command_line(&config, component)
                .env
                .into_iter()
                .find(|(key, _)| key == "DATA_SOURCE_NAME")
                .map(|(_, value)| value.to_string_lossy().into_owned())
        };
        assert_eq!(
            dsn(Component::PostgresExporter).as_deref(),
            Some("postgresql://postgres@127.0.0.1:15432/postgres?sslmode=disable")
        );
        assert_eq!(
            dsn(Component::PostgresReplicaExporter).as_deref(),
            Some("postgresql://postgres@127.0.0.1:15433/postgres?sslmode=disable")
        );
    }
}
