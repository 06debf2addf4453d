//! The table of components that `up` and `status` print.

use hinomi_demo_stack::StackStatus;
use std::fmt::Write;

pub fn render(status: &StackStatus) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{:<25} {:<8} {:<8} URL", "COMPONENT", "PID", "RUNNING");
    for component in &status.components {
        let pid = component
            .pid
            .map(|pid| pid.to_string())
            .unwrap_or_else(|| "-".to_owned());
        let running = if component.running { "yes" } else { "no" };
        let _ = writeln!(
            out,
            "{:<25} {:<8} {:<8} {}",
            component.name.name(),
            pid,
            running,
            component.url
        );
    }
    if let Some(log_search) = &status.log_search {
        for process in &log_search.processes {
            let pid = process
                .pid
                .map(|pid| pid.to_string())
                .unwrap_or_else(|| "-".to_owned());
            let running = if process.running { "yes" } else { "no" };
            let _ = writeln!(
                out,
                "{:<25} {:<8} {:<8} {}",
                process.name,
                pid,
                running,
                process.url.as_deref().unwrap_or("-")
            );
        }
    }
    let _ = writeln!(
        out,
        "{:<25} {:<8} {:<8} {}",
        "control", status.supervisor_pid, "yes", status.control_url
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "alert notifications: {}/webhook/alertmanager",
        status.control_url
    );
    if let Some(missing) = status
        .log_search
        .as_ref()
        .and_then(|log_search| log_search.missing.as_deref())
    {
        let _ = writeln!(out, "log search:          not running: {missing}");
    }
    let _ = write!(out, "state directory:     {}", status.state_dir.display());
    out
}
