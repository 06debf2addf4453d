//! `hinomi-demo`: run the demo monitoring stack in the foreground, and control it from another
//! terminal.

mod backfill;
mod remote;
mod table;
mod up;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use hinomi_demo_stack::{ControlClient, StackStatus};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "hinomi-demo",
    version,
    about = "Runs Hinomi's demo monitoring stack: the demo API, Prometheus, Alertmanager and \
             node-exporter on loopback, and OpenSearch with a log shipper when installed"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the stack and keep it running until Ctrl-C, SIGTERM or `hinomi-demo down`.
    Up(UpArgs),
    /// Stop a running stack and wait until its supervisor has exited.
    Down(ControlArgs),
    /// Show where each component listens and whether it is running.
    Status(ControlArgs),
    /// Stop one component (demo-api, prometheus, alertmanager, node-exporter).
    Stop {
        name: String,
        #[command(flatten)]
        control: ControlArgs,
    },
    /// Start a stopped component again and wait until it is healthy.
    Start {
        name: String,
        #[command(flatten)]
        control: ControlArgs,
    },
    /// BENCHMARKS: a separate Prometheus backfilled with synthetic series (`bench_metric`);
    /// prints one JSON line with its URL and time window, then serves until Ctrl-C/SIGTERM.
    Backfill(BackfillArgs),
    /// TESTS: print COUNT free loopback ports, one per line, leased so that no other stack or
    /// test on this machine is given them in the next 15 minutes (see `port_lease.rs`).
    FreePorts {
        #[arg(default_value_t = 1)]
        count: usize,
    },
}

#[derive(Args)]
struct BackfillArgs {
    /// The TSDB blocks go here (the caller removes it afterwards).
    #[arg(long)]
    dir: PathBuf,
    #[arg(long, default_value_t = 1_000)]
    series: usize,
    #[arg(long, default_value_t = 1_440)]
    points: usize,
    /// Time between points.
    #[arg(long, default_value = "60s", value_parser = humantime::parse_duration)]
    step: Duration,
}

#[derive(Args)]
struct UpArgs {
    /// Configs, data, logs and stack.json go here [default: $XDG_STATE_HOME/hinomi-demo, or
    /// ~/.local/state/hinomi-demo].
    #[arg(long)]
    state_dir: Option<PathBuf>,
    /// Prometheus' scrape interval (the monitoring spec uses 15s).
    #[arg(long, default_value = "15s", value_parser = humantime::parse_duration)]
    scrape_interval: Duration,
    /// Prometheus' rule evaluation interval [default: the scrape interval].
    #[arg(long, value_parser = humantime::parse_duration)]
    evaluation_interval: Option<Duration>,
    /// TEST ONLY: every alert rule's `for:` becomes this (e.g. `10s`), so seed alerts fire
    /// within a test. The demo keeps the seed's durations when it is not given.
    #[arg(long, value_parser = humantime::parse_duration)]
    rule_for: Option<Duration>,
    /// TEST ONLY: Alertmanager's top-level route uses 1s / 5s / 30s for group_wait /
    /// group_interval / repeat_interval instead of the seed's 30s / 5m / 4h, so a test sees
    /// that notifications follow the live route. The demo keeps the seed's route without it.
    #[arg(long)]
    fast_routes: bool,
    /// `demo`: the fixed demo ports (18000, 19090, 19093, 19100, control 19099, OpenSearch 19200);
    /// `free`: whatever ports are free.
    #[arg(long, value_enum, default_value_t = PortChoice::Demo)]
    ports: PortChoice,
    /// Do not start OpenSearch (port 19200) and the log shipper that feeds it the demo API's
    /// logs. Without Java, the OpenSearch distribution or rsyslog they are skipped anyway.
    #[arg(long)]
    no_log_search: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum PortChoice {
    Demo,
    Free,
}

#[derive(Args)]
struct ControlArgs {
    /// The supervisor's control server.
    #[arg(long, default_value = "http://127.0.0.1:19099")]
    control: String,
    /// The stack's state dir, whose stack.json holds the control token [default: as for `up`].
    #[arg(long)]
    state_dir: Option<PathBuf>,
}

impl ControlArgs {
    /// A client carrying the token from the stack's `stack.json`: the control server refuses
    /// requests without it.
    fn client(&self) -> anyhow::Result<ControlClient> {
        let state_dir = self
            .state_dir
            .clone()
            .map_or_else(up::default_state_dir, Ok)?;
        let stack_file = state_dir.join("stack.json");
        let stack = StackStatus::read_from(&stack_file).with_context(|| {
            format!(
                "cannot read the control token from {} (is `hinomi-demo up` running with this --state-dir?)",
                stack_file.display()
            )
        })?;
        Ok(ControlClient::new(&self.control, stack.control_token))
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let level = match cli.command {
        Command::Up(_) | Command::Backfill(_) => tracing::Level::INFO,
        _ => tracing::Level::WARN,
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_max_level(level)
        .init();

    let result = match cli.command {
        Command::Up(args) => up::run(args).await,
        Command::Down(args) => match args.client() {
            Ok(client) => remote::down(&client).await,
            Err(error) => Err(error),
        },
        Command::Status(args) => match args.client() {
            Ok(client) => remote::status(&client).await,
            Err(error) => Err(error),
        },
        Command::Stop { name, control } => match control.client() {
            Ok(client) => remote::stop(&client, &name).await,
            Err(error) => Err(error),
        },
        Command::Start { name, control } => match control.client() {
            Ok(client) => remote::start(&client, &name).await,
            Err(error) => Err(error),
        },
        Command::Backfill(args) => backfill::run(args).await,
        Command::FreePorts { count } => print_free_ports(count),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("hinomi-demo: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn print_free_ports(count: usize) -> anyhow::Result<()> {
    let ports = hinomi_demo_stack::lease_free_ports(count).context("leasing free ports")?;
    for port in ports {
        println!("{port}");
    }
    Ok(())
}
