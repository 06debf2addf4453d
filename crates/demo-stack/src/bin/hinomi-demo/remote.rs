//! `hinomi-demo status|stop|start|down`: requests to a running supervisor's control server.

use crate::table;
use anyhow::{Context, bail};
use hinomi_demo_stack::ControlClient;
use nix::errno::Errno;
use nix::sys::signal::kill;
use nix::unistd::Pid;
use std::time::Duration;
use tokio::time::{Instant, sleep};

/// Long enough for every component's grace period (10 s each, stopped in parallel) and then
/// some; a supervisor that takes longer is stuck.
const DOWN_TIMEOUT: Duration = Duration::from_secs(60);

pub async fn status(client: &ControlClient) -> anyhow::Result<()> {
    let control = client.base_url();
    let status = client.status().await.with_context(|| no_stack(control))?;
    println!("{}", table::render(&status));
    Ok(())
}

pub async fn stop(client: &ControlClient, name: &str) -> anyhow::Result<()> {
    let stopped = client.stop(name).await?;
    println!("{} stopped", stopped.name);
    Ok(())
}

pub async fn start(client: &ControlClient, name: &str) -> anyhow::Result<()> {
    let started = client.start(name).await?;
    let pid = started.pid.map(|pid| pid.to_string()).unwrap_or_default();
    println!("{} running (pid {pid}) at {}", started.name, started.url);
    Ok(())
}

/// Asks for a shutdown, then waits until the control server stops answering and the
/// supervisor process is gone, so that a script running `down` can start a new stack at once.
pub async fn down(client: &ControlClient) -> anyhow::Result<()> {
    let control = client.base_url();
    let status = client.status().await.with_context(|| no_stack(control))?;
    client.request_shutdown().await?;
    let deadline = Instant::now() + DOWN_TIMEOUT;
    while client.status().await.is_ok() {
        if Instant::now() >= deadline {
            bail!(
                "the stack at {control} still answers {DOWN_TIMEOUT:?} after the shutdown request"
            );
        }
        sleep(Duration::from_millis(200)).await;
    }
    let pid = i32::try_from(status.supervisor_pid).context("supervisor pid out of range")?;
    while !process_gone(pid) {
        if Instant::now() >= deadline {
            bail!("supervisor pid {pid} still runs {DOWN_TIMEOUT:?} after the shutdown request");
        }
        sleep(Duration::from_millis(100)).await;
    }
    println!("demo stack stopped");
    Ok(())
}

fn no_stack(control: &str) -> String {
    format!("no demo stack answers at {control} (is `hinomi-demo up` running?)")
}

/// Gone, or a zombie waiting for its parent to collect it: either way it does nothing more.
fn process_gone(pid: i32) -> bool {
    if kill(Pid::from_raw(pid), None) == Err(Errno::ESRCH) {
        return true;
    }
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            // The state follows the command name, which is in parentheses and may contain spaces.
            let after_name = &stat[stat.rfind(')')? + 1..];
            after_name
                .split_whitespace()
                .next()
                .map(|state| state == "Z")
        })
        .unwrap_or(true)
}
