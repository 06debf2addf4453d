//! The state shared by [`DemoStack`](crate::DemoStack) and the control server: the running
//! children, and the operations that start, stop and describe them.
//!
//! Starting and stopping are serialised by one async lock, so two `start` requests cannot both
//! see a component stopped and race for its port. The children themselves sit behind a plain
//! mutex that is never held across an await, so `status` always answers at once, even while a
//! component takes its time to stop.

use crate::component::{Component, Health};
use crate::config::StackConfig;
use crate::error::StackError;
use crate::launcher::{Launcher, RunningChild};
use crate::log_search::LogSearch;
use crate::logs;
use crate::readiness;
use crate::status::{ComponentStatus, StackStatus};
use crate::webhook::WebhookInbox;
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::watch;

/// How many log lines an error message quotes.
const LOG_TAIL_LINES: usize = 20;

pub(crate) struct Supervisor {
    pub config: StackConfig,
    pub http: reqwest::Client,
    pub webhooks: WebhookInbox,
    launcher: Launcher,
    children: Mutex<BTreeMap<Component, RunningChild>>,
    /// `None` unless the stack runs log search ([`StackConfig::log_search`]).
    log_search: Mutex<Option<LogSearch>>,
    lifecycle: tokio::sync::Mutex<()>,
    shutdown: watch::Sender<bool>,
}

impl Supervisor {
    pub fn new(config: StackConfig) -> Result<Self, StackError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|source| {
                StackError::io("building the HTTP client", std::io::Error::other(source))
            })?;
        let launcher = Launcher::new()
            .map_err(|source| StackError::io("starting the launcher thread", source))?;
        Ok(Self {
            webhooks: WebhookInbox::new(
                config.webhook_journal(),
                config.webhook_capacity,
                config.webhook_journal_max_bytes,
            ),
            config,
            http,
            launcher,
            children: Mutex::new(BTreeMap::new()),
            log_search: Mutex::new(None),
            lifecycle: tokio::sync::Mutex::new(()),
            shutdown: watch::Sender::new(false),
        })
    }

    fn children(&self) -> MutexGuard<'_, BTreeMap<Component, RunningChild>> {
        // A panic elsewhere must not make the children unkillable.
        self.children
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    fn log_search(&self) -> MutexGuard<'_, Option<LogSearch>> {
        self.log_search
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Hands the started (or missing) log search to the supervisor, which reports and stops it.
    pub fn set_log_search(&self, log_search: LogSearch) {
        *self.log_search() = Some(log_search);
    }

    pub fn status(&self) -> StackStatus {
        let ports = self.config.ports;
        let mut children = self.children();
        let components = Component::ALL
            .into_iter()
            .map(|component| {
                let child = children.get_mut(&component);
                let running = child.is_some_and(|child| child.exit_status().is_none());
                ComponentStatus {
                    name: component,
                    url: component.url(&ports),
                    pid: children.get(&component).map(|child| child.pid),
                    running,
                    log_file: self.config.log_file(component),
                }
            })
            .collect();
        StackStatus {
            supervisor_pid: std::process::id(),
            control_url: ports.control_url(),
            control_token: self.config.control_token.clone(),
            state_dir: self.config.state_dir.clone(),
            ports,
            components,
            log_search: self.log_search().as_mut().map(LogSearch::status),
        }
    }

    pub fn component_status(&self, component: Component) -> ComponentStatus {
        let status = self.status();
        status
            .components
            .into_iter()
            .find(|status| status.name == component)
            .unwrap_or_else(|| unreachable!("status lists every component"))
    }

    /// Keeps `stack.json` in step with the children; failing to write it is not worth failing
    /// a start or stop over.
    pub fn write_stack_file(&self) {
        if let Err(error) = self.status().write_to(&self.config.stack_file()) {
            tracing::warn!(%error, "cannot update stack.json");
        }
    }

    /// Starts the process without waiting for it to become healthy. The caller holds the
    /// lifecycle lock or is the only one starting things.
    pub async fn spawn(&self, component: Component) -> Result<(), StackError> {
        if *self.shutdown.borrow() {
            return Err(StackError::ShuttingDown);
        }
        if component.is_database_server() {
            crate::postgres::prepare_cluster(&self.config, component).await?;
        }
        let line = component.command_line(&self.config);
        let log_path = self.config.log_file(component);
        let log = logs::open_for_run(&log_path, &line).map_err(|source| {
            StackError::io(
                format!("{component}: opening {}", log_path.display()),
                source,
            )
        })?;
        let child = self
            .launcher
            .launch(component.name(), &line, log)
            .await?
            .with_stop_signal(component.stop_signal());
        tracing::info!(%component, pid = child.pid, "started");
        self.children().insert(component, child);
        Ok(())
    }

    pub async fn wait_healthy(&self, component: Component) -> Result<(), StackError> {
        let exited = || match self.children().get_mut(&component) {
            Some(child) => child.exit_status().map(|status| status.to_string()),
            None => Some("stopped meanwhile".to_owned()),
        };
        let log_tail = || logs::tail(&self.config.log_file(component), LOG_TAIL_LINES);
        match component.health() {
            Health::Http(path) => {
                let url = format!("{}{path}", component.url(&self.config.ports));
                readiness::wait_healthy(
                    &self.http,
                    component,
                    url,
                    self.config.startup_timeout,
                    exited,
                    log_tail,
                )
                .await
            }
            Health::PostgresAccepting => {
                crate::postgres::wait_accepting(
                    &self.config,
                    component,
                    self.config.startup_timeout,
                    exited,
                    log_tail,
                )
                .await
            }
        }
    }

    /// Spawns `component` and waits until it is healthy (for the start-up sequence, which
    /// cleans up after a failure itself).
    pub async fn spawn_healthy(&self, component: Component) -> Result<(), StackError> {
        self.spawn(component).await?;
        self.wait_healthy(component).await
    }

    /// Starts `component` if it is not running and waits until it is healthy. If it never
    /// becomes healthy it is stopped again, so a failed start leaves nothing half-running.
    pub async fn start_component(
        &self,
        component: Component,
    ) -> Result<ComponentStatus, StackError> {
        let _lifecycle = self.lifecycle.lock().await;
        let already_running = self
            .children()
            .get_mut(&component)
            .is_some_and(|child| child.exit_status().is_none());
        if !already_running {
            self.spawn(component).await?;
            if let Err(error) = self.wait_healthy(component).await {
                self.stop_locked(component).await;
                self.write_stack_file();
                return Err(error);
            }
            self.write_stack_file();
        }
        Ok(self.component_status(component))
    }

    /// Stops `component` (SIGTERM, then SIGKILL after the grace period); stopping a stopped
    /// component does nothing.
    pub async fn stop_component(&self, component: Component) -> ComponentStatus {
        let _lifecycle = self.lifecycle.lock().await;
        self.stop_locked(component).await;
        self.write_stack_file();
        self.component_status(component)
    }

    async fn stop_locked(&self, component: Component) {
        let child = self.children().remove(&component);
        if let Some(child) = child {
            let pid = child.pid;
            match child.stop(self.config.stop_grace).await {
                Ok(status) => tracing::info!(%component, pid, %status, "stopped"),
                Err(error) => tracing::warn!(%component, pid, %error, "stopping failed"),
            }
        }
    }

    /// Refuses new starts from now on and tells whoever waits for a shutdown request.
    pub fn request_shutdown(&self) {
        self.shutdown.send_replace(true);
    }

    /// Whether a shutdown has been asked for (tests check a refused request asked nothing).
    #[cfg(test)]
    pub fn is_shutting_down(&self) -> bool {
        *self.shutdown.borrow()
    }

    pub async fn shutdown_requested(&self) {
        let mut requested = self.shutdown.subscribe();
        // The sender lives as long as `self`, so this only returns once it is true.
        let _ = requested.wait_for(|requested| *requested).await;
    }

    /// Stops every child at once and waits for all of them.
    pub async fn stop_all(&self) {
        self.request_shutdown();
        let _lifecycle = self.lifecycle.lock().await;
        let children: Vec<RunningChild> = std::mem::take(&mut *self.children())
            .into_values()
            .collect();
        let grace = self.config.stop_grace;
        let mut stopping = tokio::task::JoinSet::new();
        // OpenSearch and the shipper stop alongside the components, in their own order.
        if let Some(log_search) = self.log_search().take() {
            stopping.spawn(async move {
                log_search.shutdown().await;
                None
            });
        }
        for child in children {
            stopping.spawn(async move {
                let (name, pid) = (child.name.clone(), child.pid);
                Some((name, pid, child.stop(grace).await))
            });
        }
        while let Some(stopped) = stopping.join_next().await {
            match stopped {
                // Log search, which logs its own stops.
                Ok(None) => {}
                Ok(Some((component, pid, Ok(status)))) => {
                    tracing::info!(component, pid, %status, "stopped");
                }
                Ok(Some((component, pid, Err(error)))) => {
                    tracing::warn!(component, pid, %error, "stopping failed");
                }
                Err(error) => tracing::warn!(%error, "stop task failed"),
            }
        }
    }

    /// SIGKILL to every child, without waiting: for `Drop`.
    pub fn kill_all_now(&self) {
        for child in self.children().values_mut() {
            child.kill_now();
        }
        // Their `Drop` kills them.
        drop(self.log_search().take());
    }
}
