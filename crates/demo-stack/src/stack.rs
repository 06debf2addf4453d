//! [`DemoStack`]: bring the whole stack up, work with it, and take it down.

use crate::component::Component;
use crate::config::StackConfig;
use crate::control::{self, ControlServer};
use crate::error::StackError;
use crate::log_search::LogSearch;
use crate::readiness::{self, TargetHealth};
use crate::status::{ComponentStatus, StackStatus};
use crate::supervisor::Supervisor;
use crate::templates::RenderedConfigs;
use crate::webhook::ReceivedWebhook;
use std::fs;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

/// Prometheus applies newly discovered targets at most every 5 s, so the first scrape of a
/// fresh stack can come that much later than one scrape interval.
const TARGET_DISCOVERY_DELAY: Duration = Duration::from_secs(5);

/// A running demo stack. Dropping it kills every child at once; [`DemoStack::shutdown`] stops
/// them gracefully and waits for them.
pub struct DemoStack {
    supervisor: Arc<Supervisor>,
    control: Option<ControlServer>,
}

impl DemoStack {
    /// Renders the configs into `config.state_dir`, starts the control server and the
    /// components, and returns once every component is healthy and Prometheus has scraped
    /// every target successfully. With [`StackConfig::log_search`] it also starts OpenSearch
    /// and the log shipper if it can ([`StackStatus::log_search`] says whether it did). On
    /// failure everything started so far is killed again.
    pub async fn start(config: StackConfig) -> Result<Self, StackError> {
        if !config.demo_api_bin.is_file() {
            return Err(StackError::DemoApiMissing {
                path: config.demo_api_bin.clone(),
            });
        }
        prepare_state_dir(&config)?;
        RenderedConfigs::for_stack(&config)?
            .write_to(&config.config_dir())
            .map_err(|source| {
                StackError::io(
                    format!("writing configs to {}", config.config_dir().display()),
                    source,
                )
            })?;

        // Bound before any child starts: Alertmanager may notify as soon as it is up.
        let port = config.ports.control;
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .map_err(|source| StackError::ControlBind { port, source })?;
        let supervisor = Arc::new(Supervisor::new(config)?);
        let control = control::serve(listener, Arc::clone(&supervisor));
        // From here on an early return drops `stack`, which kills whatever was started.
        let stack = DemoStack {
            supervisor,
            control: Some(control),
        };

        // OpenSearch takes the longest by far (a JVM), so it starts alongside the components
        // rather than after them. If a component fails, the half-started OpenSearch is dropped
        // (and so killed) with the rest.
        let log_search = async {
            let config = &stack.supervisor.config;
            Ok(if config.log_search {
                Some(LogSearch::start(config).await)
            } else {
                None
            })
        };
        let ((), log_search) = tokio::try_join!(stack.start_components(), log_search)?;
        if let Some(log_search) = log_search {
            stack.supervisor.set_log_search(log_search);
        }
        stack.supervisor.write_stack_file();
        Ok(stack)
    }

    /// Spawns the components, waits until each is healthy, Prometheus has scraped them all
    /// and has found Alertmanager.
    ///
    /// The database comes up alongside the rest rather than before it: the primary (made with
    /// initdb on the first run), then the replica copied from it. The demo API and the
    /// exporters start at once and find the servers when they are there (until then the API
    /// answers 503 and the exporters report `pg_up 0`).
    async fn start_components(&self) -> Result<(), StackError> {
        let supervisor = &self.supervisor;
        let others: Vec<Component> = Component::ALL
            .into_iter()
            .filter(|component| !component.is_database_server())
            .collect();
        for component in &others {
            supervisor.spawn(*component).await?;
        }
        let others_healthy = async {
            for component in &others {
                supervisor.wait_healthy(*component).await?;
            }
            Ok::<(), StackError>(())
        };
        let database = async {
            supervisor.spawn_healthy(Component::Postgres).await?;
            supervisor.spawn_healthy(Component::PostgresReplica).await
        };
        tokio::try_join!(others_healthy, database)?;

        let config = &self.supervisor.config;
        let expected_jobs: Vec<&str> = Component::ALL
            .into_iter()
            .filter_map(Component::scrape_job)
            .collect();
        let timeout = config.startup_timeout + 2 * config.scrape_interval + TARGET_DISCOVERY_DELAY;
        let prometheus_url = self.url(Component::Prometheus);
        let http = &self.supervisor.http;
        readiness::wait_targets_up(http, &prometheus_url, &expected_jobs, timeout).await?;
        readiness::wait_alertmanager_discovered(http, &prometheus_url, timeout).await?;
        Ok(())
    }

    pub fn config(&self) -> &StackConfig {
        &self.supervisor.config
    }

    /// The base URL of a component, e.g. `http://127.0.0.1:19090` for Prometheus.
    pub fn url(&self, component: Component) -> String {
        component.url(&self.supervisor.config.ports)
    }

    pub fn control_url(&self) -> String {
        self.supervisor.config.ports.control_url()
    }

    /// The token the control server wants from every request (also in `stack.json`).
    pub fn control_token(&self) -> &str {
        &self.supervisor.config.control_token
    }

    pub fn status(&self) -> StackStatus {
        self.supervisor.status()
    }

    /// Stops one component (SIGTERM, SIGKILL after the grace period) and waits for it to exit.
    /// `name` is a component name such as `"node-exporter"`, or a [`Component`].
    pub async fn stop_component(
        &self,
        name: impl AsRef<str>,
    ) -> Result<ComponentStatus, StackError> {
        let component = name.as_ref().parse()?;
        Ok(self.supervisor.stop_component(component).await)
    }

    /// Starts one component again, with the same ports and arguments, and waits until it is
    /// healthy. Starting a running component does nothing.
    pub async fn start_component(
        &self,
        name: impl AsRef<str>,
    ) -> Result<ComponentStatus, StackError> {
        let component = name.as_ref().parse()?;
        self.supervisor.start_component(component).await
    }

    /// Prometheus' view of its scrape targets.
    pub async fn targets(&self) -> Result<Vec<TargetHealth>, reqwest::Error> {
        readiness::scrape_targets(&self.supervisor.http, &self.url(Component::Prometheus)).await
    }

    /// The notifications Alertmanager has sent to the built-in webhook receiver, oldest first.
    pub fn webhooks(&self) -> Vec<ReceivedWebhook> {
        self.supervisor.webhooks.received()
    }

    /// Completes when someone asks for a shutdown through `POST /shutdown`.
    pub async fn shutdown_requested(&self) {
        self.supervisor.shutdown_requested().await;
    }

    /// Stops every component gracefully, waits for them to exit, stops the control server and
    /// removes `stack.json`.
    pub async fn shutdown(mut self) {
        self.supervisor.stop_all().await;
        if let Some(control) = self.control.take() {
            control.stop().await;
        }
        remove_stack_file(&self.supervisor.config);
    }
}

impl Drop for DemoStack {
    fn drop(&mut self) {
        // After `shutdown` there is nothing left to kill and no control server.
        if let Some(control) = self.control.take() {
            self.supervisor.request_shutdown();
            self.supervisor.kill_all_now();
            control.abort();
            remove_stack_file(&self.supervisor.config);
        }
    }
}

fn prepare_state_dir(config: &StackConfig) -> Result<(), StackError> {
    let dirs = [
        config.config_dir(),
        config.log_dir(),
        config.demo_api_log_dir(),
        config.data_dir(Component::Prometheus),
        config.data_dir(Component::Alertmanager),
        // The clusters' parent; the clusters themselves are made by initdb and pg_basebackup.
        config.state_dir.join("data"),
    ];
    for dir in dirs {
        fs::create_dir_all(&dir)
            .map_err(|source| StackError::io(format!("creating {}", dir.display()), source))?;
    }
    Ok(())
}

fn remove_stack_file(config: &StackConfig) {
    let path = config.stack_file();
    if let Err(error) = fs::remove_file(&path)
        && error.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(path = %path.display(), %error, "cannot remove stack.json");
    }
}
