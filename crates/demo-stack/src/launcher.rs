//! Starting and stopping child processes so that none can outlive the supervisor.
//!
//! Three layers make sure of that:
//! - Each child asks the kernel for SIGKILL when its parent goes (`PR_SET_PDEATHSIG`), which
//!   holds even when the supervisor itself is SIGKILLed and no Rust code runs.
//! - The kernel sends that signal when the *thread* that forked the child ends, not the process.
//!   Tokio may fork from any thread, including a blocking-pool thread that retires when idle,
//!   which would kill a healthy child minutes later. So all children are forked by one
//!   dedicated thread that lives exactly as long as the [`Launcher`].
//! - Each child leads its own process group: a Ctrl-C in the terminal reaches only the
//!   supervisor, which then stops the children in order, and stopping signals the whole group,
//!   so anything a child forked goes too.

use crate::component::CommandLine;
use crate::error::StackError;
use nix::errno::Errno;
use nix::sys::prctl;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::{Pid, getpid, getppid};
use std::fs::File;
use std::io;
use std::process::{ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;
use tokio::process::{Child, Command};
use tokio::sync::oneshot;

struct LaunchRequest {
    command: Command,
    reply: oneshot::Sender<io::Result<Child>>,
}

/// Forks children from its own long-lived thread (see the module docs for why).
pub(crate) struct Launcher {
    requests: Option<mpsc::Sender<LaunchRequest>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Launcher {
    /// Must be called inside a Tokio runtime: the children are registered with it so that
    /// waiting for them is async.
    pub fn new() -> io::Result<Self> {
        let runtime = tokio::runtime::Handle::try_current().map_err(io::Error::other)?;
        let (requests, incoming) = mpsc::channel::<LaunchRequest>();
        let thread = thread::Builder::new()
            .name("hinomi-demo-launcher".to_owned())
            .spawn(move || {
                let _runtime = runtime.enter();
                for mut request in incoming {
                    // The requester may have given up (its future was dropped); the child is
                    // then dropped here, and `kill_on_drop` ends it.
                    let _ = request.reply.send(request.command.spawn());
                }
            })?;
        Ok(Self {
            requests: Some(requests),
            thread: Some(thread),
        })
    }

    /// Starts `line` with stdout and stderr going to `log`; `name` (a component, a search
    /// server) is what errors and log events call it.
    pub async fn launch(
        &self,
        name: &str,
        line: &CommandLine,
        log: File,
    ) -> Result<RunningChild, StackError> {
        let stdout = log
            .try_clone()
            .map_err(|source| StackError::io(format!("{name}: duplicating log file"), source))?;
        let mut command = Command::new(&line.program);
        command
            .args(&line.args)
            .envs(line.env.iter().map(|(key, value)| (key, value)))
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(log)
            .process_group(0)
            .kill_on_drop(true);
        die_with_supervisor(&mut command);

        let (reply, response) = oneshot::channel();
        let sender = self.requests.as_ref().ok_or(StackError::ShuttingDown)?;
        sender
            .send(LaunchRequest { command, reply })
            .map_err(|_| StackError::ShuttingDown)?;
        let spawned = response.await.map_err(|_| StackError::ShuttingDown)?;
        let child = spawned.map_err(|source| StackError::Spawn {
            name: name.to_owned(),
            program: line.program.clone(),
            source,
        })?;
        // A child that was just spawned and not yet waited for always has an id.
        let pid = child.id().unwrap_or_default();
        Ok(RunningChild {
            name: name.to_owned(),
            pid,
            stop_signal: Signal::SIGTERM,
            child,
        })
    }
}

impl Drop for Launcher {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop; joining is quick.
        drop(self.requests.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Runs in the forked child, before exec.
#[allow(unsafe_code)]
pub(crate) fn die_with_supervisor(command: &mut Command) {
    let supervisor = getpid();
    // SAFETY: `pre_exec` closures run between fork and exec, where only async-signal-safe
    // calls are sound. This one makes two plain syscalls (prctl, getppid), does not allocate
    // (an `Errno` converts to `io::Error` without allocating) and touches no locks.
    unsafe {
        command.pre_exec(move || {
            prctl::set_pdeathsig(Signal::SIGKILL)?;
            // If the supervisor died between fork and prctl, no signal will ever come.
            if getppid() != supervisor {
                return Err(io::Error::from(Errno::ESRCH));
            }
            Ok(())
        });
    }
}

/// A started child process: a component, a search server, the log shipper.
pub(crate) struct RunningChild {
    pub name: String,
    pub pid: u32,
    /// What [`RunningChild::stop`] sends first; SIGTERM unless the program wants another.
    stop_signal: Signal,
    child: Child,
}

impl RunningChild {
    pub fn with_stop_signal(mut self, signal: Signal) -> Self {
        self.stop_signal = signal;
        self
    }

    /// `Some` once the process has exited (it is reaped then).
    pub fn exit_status(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// The stop signal (SIGTERM) to the process group, SIGKILL after `grace`, and wait for
    /// the exit.
    pub async fn stop(mut self, grace: Duration) -> io::Result<ExitStatus> {
        if let Some(status) = self.exit_status() {
            self.signal_group(Signal::SIGKILL);
            return Ok(status);
        }
        self.signal_group(self.stop_signal);
        let status = match tokio::time::timeout(grace, self.child.wait()).await {
            Ok(status) => status?,
            Err(_) => {
                tracing::warn!(process = %self.name, ?grace, signal = ?self.stop_signal, "no exit after the stop signal; sending SIGKILL");
                self.signal_group(Signal::SIGKILL);
                self.child.wait().await?
            }
        };
        // Anything the child forked and left behind in its group.
        self.signal_group(Signal::SIGKILL);
        Ok(status)
    }

    /// SIGKILL without waiting, for `Drop`, where nothing can be awaited.
    pub fn kill_now(&mut self) {
        self.signal_group(Signal::SIGKILL);
        let _ = self.child.start_kill();
    }

    fn signal_group(&self, signal: Signal) {
        // The group id is the child's pid (`process_group(0)`). ESRCH (group already gone) is
        // the expected outcome once everything has exited.
        if let Ok(pid) = i32::try_from(self.pid)
            && pid > 0
        {
            let _ = killpg(Pid::from_raw(pid), signal);
        }
    }
}
