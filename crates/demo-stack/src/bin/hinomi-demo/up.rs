//! `hinomi-demo up`: the supervisor in the foreground.

use crate::{PortChoice, UpArgs, table};
use anyhow::Context;
use hinomi_demo_stack::{DemoStack, Ports, StackConfig};
use std::path::PathBuf;
use tokio::signal::unix::{SignalKind, signal};

pub async fn run(args: UpArgs) -> anyhow::Result<()> {
    // Installed first, so a signal during startup is handled (the half-started stack is
    // dropped, which kills it) instead of ending the process with the default action.
    let mut interrupt = signal(SignalKind::interrupt()).context("installing the SIGINT handler")?;
    let mut terminate =
        signal(SignalKind::terminate()).context("installing the SIGTERM handler")?;

    let state_dir = args.state_dir.map_or_else(default_state_dir, Ok)?;
    let ports = match args.ports {
        PortChoice::Demo => Ports::demo_defaults(),
        PortChoice::Free => Ports::free().context("finding free ports")?,
    };
    let mut config = StackConfig::new(&state_dir, ports);
    config.scrape_interval = args.scrape_interval;
    config.evaluation_interval = args.evaluation_interval.unwrap_or(args.scrape_interval);
    config.rule_for_override = args.rule_for;
    config.log_search = !args.no_log_search;
    if args.fast_routes {
        config.route_timing = hinomi_demo_stack::RouteTiming::fast();
    }
    let stack_file = config.stack_file();

    eprintln!("starting the demo stack in {} ...", state_dir.display());
    let stack = tokio::select! {
        started = DemoStack::start(config) => started?,
        _ = interrupt.recv() => anyhow::bail!("interrupted while starting"),
        _ = terminate.recv() => anyhow::bail!("terminated while starting"),
    };

    let status = stack.status();
    println!("{}", table::render(&status));
    if let Some(missing) = status.log_search.and_then(|log_search| log_search.missing) {
        eprintln!("log search is not running (the rest of the stack is): {missing}");
    }
    println!("stack file:          {}", stack_file.display());
    println!(
        "stop with Ctrl-C or `hinomi-demo down --control {}`",
        stack.control_url()
    );

    let reason = tokio::select! {
        _ = interrupt.recv() => "SIGINT",
        _ = terminate.recv() => "SIGTERM",
        () = stack.shutdown_requested() => "a shutdown request",
    };
    eprintln!("stopping the demo stack ({reason}) ...");
    // Impatience: a second signal skips the graceful stop. The children still go, since each
    // gets SIGKILL from the kernel when the supervisor exits.
    tokio::spawn(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
        eprintln!("second signal: exiting now");
        std::process::exit(130);
    });
    stack.shutdown().await;
    eprintln!("demo stack stopped");
    Ok(())
}

pub fn default_state_dir() -> anyhow::Result<PathBuf> {
    let base = match std::env::var_os("XDG_STATE_HOME").filter(|dir| !dir.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => {
            let home = std::env::var_os("HOME")
                .filter(|home| !home.is_empty())
                .context("neither XDG_STATE_HOME nor HOME is set; pass --state-dir")?;
            PathBuf::from(home).join(".local/state")
        }
    };
    Ok(base.join("hinomi-demo"))
}
