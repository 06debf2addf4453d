//! The command line: `serve` runs the workload until a signal, `fault` drives the control
//! endpoint of one that is running, so a demo can be steered from a second terminal or a script.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::de::DeserializeOwned;
use tokio::net::TcpListener;

use crate::database::DatabaseOptions;
use crate::faults::{ClearedFaults, FaultKind, FaultList, FaultRequest};
use crate::http::ErrorBody;
use crate::server::{DEFAULT_TRAFFIC_RPS, ServeOptions, start};

#[derive(Debug, Parser)]
#[command(
    name = "hinomi-demo-api",
    version,
    about = "Demo dataset-management API with Prometheus metrics, JSON logs and switchable faults"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the dataset API, /metrics and /control/faults, with built-in traffic.
    Serve(ServeArgs),
    /// Start, clear or show the faults of a running server.
    Fault(FaultArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1:18000")]
    pub listen: SocketAddr,
    /// Directory for the daily dataset-management-YYYY-MM-DD.log files.
    #[arg(long)]
    pub log_dir: PathBuf,
    /// Requests per second from the built-in clients; 0 turns them off.
    #[arg(long, default_value_t = DEFAULT_TRAFFIC_RPS, value_parser = parse_rps)]
    pub traffic_rps: f64,
    /// Seed for the traffic mix, fault dice and request ids; random if not given.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Keep the datasets in this PostgreSQL (e.g. postgresql://postgres@127.0.0.1:15432/postgres)
    /// instead of in memory. The API serves without it and answers 503 while it is away.
    #[arg(long)]
    pub database_url: Option<String>,
    /// The streaming replica of --database-url, which the replica-lag fault pauses.
    #[arg(long, requires = "database_url")]
    pub replica_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct FaultArgs {
    pub action: FaultAction,
    /// How long the fault lasts, e.g. 90s or 10m.
    #[arg(long, default_value = "10m", value_parser = humantime::parse_duration)]
    pub duration: Duration,
    /// Base URL of the running server.
    #[arg(long, default_value = "http://127.0.0.1:18000")]
    pub api: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FaultAction {
    /// 60% of dataset requests fail with 500/503.
    ErrorBurst,
    /// Dataset requests take 1.5–3 s.
    LatencySpike,
    /// Datasets grow 5% a second and new ones are imported.
    GrowthSpurt,
    /// Every dataset query sleeps 0.5 s in PostgreSQL (pg_sleep).
    SlowQueries,
    /// 40 idle connections are held open on the primary.
    ConnectionStorm,
    /// WAL replay is paused on the replica while the primary keeps writing.
    ReplicaLag,
    /// Stop every fault.
    Clear,
    /// Show the active faults.
    Status,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Fault(args) => {
            println!("{}", fault(&args).await?);
            Ok(())
        }
    }
}

/// 0 turns traffic off; otherwise between one request every 1,000 s and 10,000 per second, so
/// the generator's interval is never zero or absurdly long (either would panic in tokio).
fn parse_rps(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rps) if rps == 0.0 || (0.001..=10_000.0).contains(&rps) => Ok(rps),
        _ => Err(format!(
            "{text:?} is not 0 or a rate between 0.001 and 10000 requests/s"
        )),
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let mut options = ServeOptions::new(&args.log_dir);
    options.traffic_rps = args.traffic_rps;
    if let Some(seed) = args.seed {
        options.seed = seed;
    }
    options.database = args.database_url.map(|primary_url| DatabaseOptions {
        primary_url,
        replica_url: args.replica_url,
    });
    let seed = options.seed;
    let server = start(listener, options).await?;
    eprintln!(
        "hinomi-demo-api: serving {} (traffic {} req/s, seed {seed}), logs in {}",
        server.base_url(),
        args.traffic_rps,
        args.log_dir.display()
    );
    wait_for_stop_signal()
        .await
        .context("cannot listen for signals")?;
    eprintln!("hinomi-demo-api: shutting down");
    server.shutdown().await?;
    Ok(())
}

#[cfg(unix)]
async fn wait_for_stop_signal() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result,
        _ = terminate.recv() => Ok(()),
    }
}

#[cfg(not(unix))]
async fn wait_for_stop_signal() -> std::io::Result<()> {
    tokio::signal::ctrl_c().await
}

/// Performs one `fault` command and returns what to print.
pub async fn fault(args: &FaultArgs) -> anyhow::Result<String> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()?;
    let url = format!("{}/control/faults", args.api.trim_end_matches('/'));
    let kind = match args.action {
        FaultAction::Status => {
            let list: FaultList = answer(client.get(&url)).await?;
            return Ok(describe_active(&list));
        }
        FaultAction::Clear => {
            let cleared: ClearedFaults = answer(client.delete(&url)).await?;
            return Ok(if cleared.cleared.is_empty() {
                "no fault was active".to_owned()
            } else {
                let names: Vec<_> = cleared.cleared.iter().map(|k| k.as_str()).collect();
                format!("cleared: {}", names.join(", "))
            });
        }
        FaultAction::ErrorBurst => FaultKind::ErrorBurst,
        FaultAction::LatencySpike => FaultKind::LatencySpike,
        FaultAction::GrowthSpurt => FaultKind::GrowthSpurt,
        FaultAction::SlowQueries => FaultKind::SlowQueries,
        FaultAction::ConnectionStorm => FaultKind::ConnectionStorm,
        FaultAction::ReplicaLag => FaultKind::ReplicaLag,
    };
    // Whole seconds on the wire; round up so "1500ms" does not become one second.
    let duration_secs = args.duration.as_secs() + u64::from(args.duration.subsec_nanos() > 0);
    let started: crate::faults::ActiveFault = answer(client.post(&url).json(&FaultRequest {
        kind,
        duration_secs,
    }))
    .await?;
    Ok(format!(
        "{} active for {}",
        started.kind,
        humantime::format_duration(Duration::from_secs(started.remaining_secs))
    ))
}

async fn answer<T: DeserializeOwned>(request: reqwest::RequestBuilder) -> anyhow::Result<T> {
    let response = request.send().await.context("cannot reach the demo API")?;
    let status = response.status();
    if status.is_success() {
        return Ok(response.json().await?);
    }
    let text = response.text().await.unwrap_or_default();
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => bail!("{status}: {}", body.error.message),
        Err(_) => bail!("{status}: {text}"),
    }
}

pub fn describe_active(list: &FaultList) -> String {
    if list.active.is_empty() {
        return "no active faults".to_owned();
    }
    list.active
        .iter()
        .map(|fault| {
            format!(
                "{}: {} left",
                fault.kind,
                humantime::format_duration(Duration::from_secs(fault.remaining_secs))
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;
    use crate::faults::ActiveFault;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn fault_takes_humantime_durations_and_a_default() {
        let cli = Cli::try_parse_from([
            "hinomi-demo-api",
            "fault",
            "latency-spike",
            "--duration",
            "90s",
        ])
        .unwrap();
        let Command::Fault(args) = cli.command else {
            panic!("expected fault");
        };
        assert_eq!(args.action, FaultAction::LatencySpike);
        assert_eq!(args.duration, Duration::from_secs(90));
        assert_eq!(args.api, "http://127.0.0.1:18000");

        let cli = Cli::try_parse_from(["hinomi-demo-api", "fault", "error-burst"]).unwrap();
        let Command::Fault(args) = cli.command else {
            panic!("expected fault");
        };
        assert_eq!(args.duration, Duration::from_secs(600));
        assert!(Cli::try_parse_from(["hinomi-demo-api", "fault", "meltdown"]).is_err());
    }

    #[test]
    fn serve_needs_a_log_dir_and_a_sane_rate() {
        assert!(Cli::try_parse_from(["hinomi-demo-api", "serve"]).is_err());
        assert!(
            Cli::try_parse_from([
                "hinomi-demo-api",
                "serve",
                "--log-dir",
                "x",
                "--traffic-rps",
                "-1"
            ])
            .is_err()
        );
        let cli = Cli::try_parse_from(["hinomi-demo-api", "serve", "--log-dir", "/tmp/l"]).unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("expected serve");
        };
        assert_eq!(args.listen, "127.0.0.1:18000".parse().unwrap());
        assert_eq!(args.traffic_rps, 5.0);
        assert_eq!(args.seed, None);
    }

    #[test]
    fn active_faults_read_as_remaining_time() {
        let list = FaultList {
            active: vec![ActiveFault {
                kind: FaultKind::ErrorBurst,
                remaining_secs: 570,
            }],
        };
        assert_eq!(describe_active(&list), "error_burst: 9m 30s left");
        assert_eq!(
            describe_active(&FaultList { active: vec![] }),
            "no active faults"
        );
    }
}

#[cfg(test)]
mod rps_tests {
    use super::parse_rps;

    #[test]
    fn rates_that_would_break_the_generator_are_refused() {
        assert_eq!(parse_rps("0"), Ok(0.0));
        assert_eq!(parse_rps("5"), Ok(5.0));
        for bad in ["1e-300", "1e10", "-1", "NaN", "inf", "x"] {
            assert!(parse_rps(bad).is_err(), "{bad}");
        }
    }
}
