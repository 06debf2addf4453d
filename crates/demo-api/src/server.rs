//! Starts and stops the whole workload — API, traffic, background ticks, log writer — from a
//! listener the caller bound, so the binary and the integration tests run exactly the same thing.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::{Clock, SystemClock};
use crate::database::DatabaseOptions;
use crate::error::Error;
use crate::http::{self, AppState};
use crate::logs::{Level, LogWriter};
use crate::store::Store;
use crate::ticker::Ticker;
use crate::traffic::{self, TrafficOptions};

pub const DEFAULT_TRAFFIC_RPS: f64 = 5.0;

pub struct ServeOptions {
    pub log_dir: PathBuf,
    /// Requests per second from the built-in clients; 0 turns them off.
    pub traffic_rps: f64,
    pub seed: u64,
    pub clock: Arc<dyn Clock>,
    /// PostgreSQL for the datasets; in memory when `None`.
    pub database: Option<DatabaseOptions>,
}

impl ServeOptions {
    pub fn new(log_dir: impl Into<PathBuf>) -> Self {
        Self {
            log_dir: log_dir.into(),
            traffic_rps: DEFAULT_TRAFFIC_RPS,
            seed: rand::random(),
            clock: Arc::new(SystemClock),
            database: None,
        }
    }
}

pub struct RunningServer {
    addr: SocketAddr,
    app: AppState,
    stop: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    background: Vec<JoinHandle<()>>,
    logs: LogWriter,
}

pub async fn start(listener: TcpListener, options: ServeOptions) -> Result<RunningServer, Error> {
    let addr = listener.local_addr().map_err(Error::ListenerAddress)?;
    let logs = LogWriter::start(&options.log_dir).map_err(|source| Error::LogDir {
        path: options.log_dir.clone(),
        source,
    })?;
    let app = match &options.database {
        None => AppState::new(options.clock, options.seed, logs.sink()),
        Some(database) => {
            AppState::with_database(options.clock, options.seed, logs.sink(), database)
                .map_err(Error::Database)?
        }
    };
    let (stop, stopped) = watch::channel(false);

    let router = http::router(app.clone());
    let mut server_stopped = stopped.clone();
    let server = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = server_stopped.changed().await;
            })
            .await
    });

    let mut background = vec![tokio::spawn(
        Ticker::default().run(app.clone(), stopped.clone()),
    )];
    if options.traffic_rps > 0.0 {
        let traffic = TrafficOptions {
            base_url: format!("http://{}", reachable(addr)),
            requests_per_second: options.traffic_rps,
            seed: options.seed.wrapping_add(2),
        };
        let store = Arc::clone(&app.store);
        background.push(tokio::spawn(async move {
            // The built-in clients wait for the database, so a stack that is still starting
            // does not count 503s against the API before anyone looks.
            let mut waiting = stopped.clone();
            tokio::select! {
                () = wait_for_store(&store) => traffic::run(traffic, stopped).await,
                _ = waiting.changed() => {}
            }
        }));
    }

    app.log_event(
        Level::Info,
        "system",
        "startup",
        format!(
            "hinomi-demo-api を起動しました: listening on {addr}, traffic {} req/s, seed {}",
            options.traffic_rps, options.seed
        ),
    );
    Ok(RunningServer {
        addr,
        app,
        stop,
        server,
        background,
        logs,
    })
}

impl RunningServer {
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://…` for reaching the server, with an unspecified listen address turned into
    /// loopback.
    pub fn base_url(&self) -> String {
        format!("http://{}", reachable(self.addr))
    }

    /// Stops the traffic first, then lets in-flight requests finish, then writes out the logs.
    pub async fn shutdown(self) -> Result<(), Error> {
        self.app.log_event(
            Level::Info,
            "system",
            "shutdown",
            "Shutting down (停止します)".into(),
        );
        let _ = self.stop.send(true);
        for task in self.background {
            task.await?;
        }
        let served = self.server.await?;
        let logs = self.logs;
        tokio::task::spawn_blocking(move || {
            let dropped = logs.dropped();
            if dropped > 0 {
                eprintln!("hinomi-demo-api: dropped {dropped} log lines while the disk lagged");
            }
            logs.close();
        })
        .await?;
        served.map_err(Error::Serve)
    }
}

async fn wait_for_store(store: &Store) {
    let Some(database) = store.database() else {
        return;
    };
    while !database.is_reachable().await {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}

fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => (Ipv4Addr::LOCALHOST, addr.port()).into(),
        IpAddr::V6(ip) if ip.is_unspecified() => (Ipv6Addr::LOCALHOST, addr.port()).into(),
        _ => addr,
    }
}
