//! Over 400 lines: the cache is 150; the rest are its tests, one per rule for keeping or rebuilding.
//! One [`Endpoint`] per datasource, shared by every query to it.
//!
//! Building an endpoint builds a reqwest client (its own connection pool and TLS set-up), reads
//! the CA and client-certificate files and, for a datasource with auth, reads its secret from the
//! keyring, a blocking D-Bus call. Doing that per panel query wasted connections and blocked the
//! async runtime, so [`EndpointCache`] keeps the endpoint until the datasource's settings or the
//! secret store change: an entry remembers the settings it was built from (compared whole, so any
//! edit saved in Settings rebuilds it) and the secret generation ([`crate::secrets::generation`],
//! bumped by every secret set or clear) and the modification time and length of its CA and
//! client-certificate files: a certificate renewed in place (same path) is picked up on the next
//! query, as it was when every query built its own client. Those three `stat` calls are the
//! only disk work left on the query path; a build runs on tokio's blocking pool, so the async
//! path never reads the keyring or a file. A failed build is not cached: a CA-file error is
//! reported on every query until the file is fixed. Queries that miss at the same moment (a
//! dashboard opening fires every panel at once) wait for one build rather than each making
//! their own client and keyring call.

use super::Endpoint;
use crate::error::HinomiError;
use crate::secrets::SecretStore;
use crate::settings::Datasource;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Where the secret generation is read; tests count their own changes.
type Generation = Arc<dyn Fn() -> u64 + Send + Sync>;

struct Entry {
    settings: Datasource,
    generation: u64,
    files: TlsFiles,
    endpoint: Endpoint,
}

/// What the CA, client-certificate and key files looked like (`None`: not set or not there).
type TlsFiles = [Option<(SystemTime, u64)>; 3];

fn tls_files(ds: &Datasource) -> TlsFiles {
    let tls = &ds.tls;
    [&tls.ca_file, &tls.client_cert_file, &tls.client_key_file].map(|path| {
        let meta = std::fs::metadata(crate::settings::TlsOptions::path(path)?).ok()?;
        Some((meta.modified().ok()?, meta.len()))
    })
}

/// Endpoints by datasource id, rebuilt when their settings or secrets change.
pub struct EndpointCache {
    /// `None`: the process-wide store, looked up at build time (it may be installed later).
    secrets: Option<Arc<dyn SecretStore>>,
    generation: Generation,
    entries: Mutex<HashMap<String, Entry>>,
    /// One build at a time per datasource id; the others wait for it and take its endpoint.
    building: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    builds: AtomicU64,
}

impl Default for EndpointCache {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for EndpointCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EndpointCache")
            .field("datasources", &self.lock().keys().collect::<Vec<_>>())
            .field("builds", &self.builds())
            .finish()
    }
}

impl EndpointCache {
    /// Secrets from the process-wide store, invalidated by its generation.
    pub fn new() -> Self {
        Self {
            secrets: None,
            generation: Arc::new(crate::secrets::generation),
            entries: Mutex::default(),
            building: Mutex::default(),
            builds: AtomicU64::new(0),
        }
    }

    /// Secrets from `secrets`; an entry is rebuilt when `generation` returns another value.
    pub fn with_store(
        secrets: Arc<dyn SecretStore>,
        generation: impl Fn() -> u64 + Send + Sync + 'static,
    ) -> Self {
        Self {
            secrets: Some(secrets),
            generation: Arc::new(generation),
            entries: Mutex::default(),
            building: Mutex::default(),
            builds: AtomicU64::new(0),
        }
    }

    /// The endpoint for `ds`: the cached one while its settings and the secrets are unchanged,
    /// otherwise a new one built on the blocking pool. Clones share one connection pool.
    pub async fn endpoint(&self, ds: &Datasource) -> Result<Endpoint, HinomiError> {
        // Read before building: a secret changed during the build makes the next call rebuild.
        let generation = (self.generation)();
        let files = tls_files(ds);
        if let Some(endpoint) = self.cached(ds, generation, &files) {
            return Ok(endpoint);
        }
        let build_lock = self
            .building
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(ds.id.clone())
            .or_default()
            .clone();
        let _building = build_lock.lock().await;
        // Built by the query this one waited for.
        if let Some(endpoint) = self.cached(ds, generation, &files) {
            return Ok(endpoint);
        }
        let settings = ds.clone();
        let secrets = self.secrets.clone();
        let endpoint = tokio::task::spawn_blocking(move || match secrets {
            Some(store) => Endpoint::with_store(&settings, store.as_ref()),
            None => Endpoint::new(&settings),
        })
        .await
        .map_err(|err| {
            HinomiError::internal(crate::texts::user_lang::say(
                format!(
                    "Building the HTTP client of datasource \"{}\" failed.",
                    ds.id
                ),
                format!(
                    "データソース「{}」の HTTP クライアントを作成できませんでした。",
                    ds.id
                ),
            ))
            .with_detail(err.to_string())
        })??;
        self.builds.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(
            ds.id.clone(),
            Entry {
                settings: ds.clone(),
                generation,
                files,
                endpoint: endpoint.clone(),
            },
        );
        Ok(endpoint)
    }

    /// The cached endpoint of `ds` when it was built from these settings, secrets and files.
    fn cached(&self, ds: &Datasource, generation: u64, files: &TlsFiles) -> Option<Endpoint> {
        self.lock()
            .get(&ds.id)
            .filter(|entry| {
                entry.generation == generation && entry.settings == *ds && entry.files == *files
            })
            .map(|entry| entry.endpoint.clone())
    }

    /// Drops the endpoints of datasources not in `datasources` (removed in Settings).
    pub fn retain(&self, datasources: &[Datasource]) {
        let kept = |id: &String| datasources.iter().any(|ds| &ds.id == id);
        self.lock().retain(|id, _| kept(id));
        self.building
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .retain(|id, _| kept(id));
    }

    /// How many endpoints were built (a measure for tests).
    pub fn builds(&self) -> u64 {
        self.builds.load(Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::secrets::MemoryStore;
    use crate::settings::{DatasourceAuth, DatasourceKind, TlsOptions};

    /// A store that counts its reads, standing in for the keyring.
    /// While `held`, reads wait (a slow keyring), so tests can have builds overlap.
    #[derive(Default)]
    struct CountingStore {
        inner: MemoryStore,
        reads: AtomicU64,
        held: Mutex<bool>,
        released: std::sync::Condvar,
    }

    impl CountingStore {
        fn hold(&self, held: bool) {
            *self.held.lock().unwrap() = held;
            self.released.notify_all();
        }
    }

    impl SecretStore for CountingStore {
        fn get(&self, id: &str) -> Result<Option<String>, HinomiError> {
            self.reads.fetch_add(1, Ordering::Relaxed);
            let held = self.held.lock().unwrap();
            drop(self.released.wait_while(held, |held| *held).unwrap());
            self.inner.get(id)
        }
        fn set(&self, id: &str, secret: &str) -> Result<(), HinomiError> {
            self.inner.set(id, secret)
        }
        fn clear(&self, id: &str) -> Result<(), HinomiError> {
            self.inner.clear(id)
        }
    }

    struct Fixture {
        store: Arc<CountingStore>,
        generation: Arc<AtomicU64>,
        cache: EndpointCache,
    }

    fn fixture() -> Fixture {
        let store = Arc::new(CountingStore::default());
        let generation = Arc::new(AtomicU64::new(0));
        let seen = generation.clone();
        let cache = EndpointCache::with_store(store.clone(), move || seen.load(Ordering::Relaxed));
        Fixture {
            store,
            generation,
            cache,
        }
    }

    fn ds(id: &str, url: &str) -> Datasource {
        Datasource {
            id: id.into(),
            name: id.into(),
            kind: DatasourceKind::Prometheus,
            url: url.into(),
            timeout_ms: 500,
            tls: TlsOptions::default(),
            auth: DatasourceAuth::Bearer,
            logs: None,
            split_range_queries: true,
        }
    }

    #[tokio::test]
    async fn two_queries_share_one_endpoint_and_one_secret_read() {
        let f = fixture();
        f.store.set("a", "token").unwrap();
        let source = ds("a", "http://127.0.0.1:9090");
        f.cache.endpoint(&source).await.unwrap();
        f.cache.endpoint(&source).await.unwrap();
        assert_eq!(f.cache.builds(), 1);
        assert_eq!(f.store.reads.load(Ordering::Relaxed), 1);

        // Another datasource has its own endpoint.
        f.cache
            .endpoint(&ds("b", "http://127.0.0.1:9091"))
            .await
            .unwrap_err();
        assert_eq!(f.cache.builds(), 1, "b has no secret, nothing is cached");
    }

    // A dashboard opening: every panel asks for the endpoint while the first build still
    // waits on the keyring. `join!` polls the eight queries in order before the release runs,
    // so all eight have missed the cache by then.
    #[tokio::test]
    async fn queries_missing_at_once_share_one_build() {
        let f = fixture();
        f.store.set("a", "token").unwrap();
        f.store.hold(true);
        let source = ds("a", "http://127.0.0.1:9090");
        let query = || f.cache.endpoint(&source);
        let release = async {
            f.store.hold(false);
        };
        let (a, b, c, d, e, g, h, i, ()) = tokio::join!(
            query(),
            query(),
            query(),
            query(),
            query(),
            query(),
            query(),
            query(),
            release
        );
        for endpoint in [a, b, c, d, e, g, h, i] {
            assert_eq!(
                endpoint.unwrap().url("x").as_str(),
                "http://127.0.0.1:9090/x"
            );
        }
        assert_eq!(f.cache.builds(), 1);
        assert_eq!(f.store.reads.load(Ordering::Relaxed), 1);
    }

    #[tokio::test]
    async fn a_settings_change_rebuilds_the_endpoint() {
        let f = fixture();
        f.store.set("a", "token").unwrap();
        let before = f
            .cache
            .endpoint(&ds("a", "http://127.0.0.1:9090/"))
            .await
            .unwrap();
        let mut changed = ds("a", "http://127.0.0.1:9090/");
        changed.timeout_ms = 900;
        f.cache.endpoint(&changed).await.unwrap();
        assert_eq!(f.cache.builds(), 2);
        let moved = f
            .cache
            .endpoint(&ds("a", "http://other:9090/"))
            .await
            .unwrap();
        assert_eq!(f.cache.builds(), 3);
        assert_eq!(before.url("x").as_str(), "http://127.0.0.1:9090/x");
        assert_eq!(moved.url("x").as_str(), "http://other:9090/x");
    }

    #[tokio::test]
    async fn a_secret_change_rebuilds_the_endpoint() {
        let f = fixture();
        f.store.set("a", "old").unwrap();
        let source = ds("a", "http://127.0.0.1:9090");
        f.cache.endpoint(&source).await.unwrap();
        f.store.clear("a").unwrap();
        f.generation.fetch_add(1, Ordering::Relaxed);
        let err = f.cache.endpoint(&source).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Secret, "the cleared secret is noticed");
        f.store.set("a", "new").unwrap();
        f.generation.fetch_add(1, Ordering::Relaxed);
        f.cache.endpoint(&source).await.unwrap();
        f.cache.endpoint(&source).await.unwrap();
        assert_eq!(f.cache.builds(), 2);
        assert_eq!(f.store.reads.load(Ordering::Relaxed), 3);
    }

    #[tokio::test]
    async fn a_ca_file_error_is_reported_on_every_query() {
        let f = fixture();
        let mut source = ds("a", "https://host");
        source.auth = DatasourceAuth::None;
        source.tls.ca_file = Some("/nonexistent/ca.pem".into());
        for _ in 0..2 {
            let err = f.cache.endpoint(&source).await.unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidConfig);
            assert!(
                err.message.contains("/nonexistent/ca.pem"),
                "{}",
                err.message
            );
        }
        assert_eq!(f.cache.builds(), 0);
    }

    #[tokio::test]
    async fn a_ca_file_renewed_in_place_rebuilds_the_endpoint() {
        let f = fixture();
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        let pem = |name: &str| {
            rcgen::generate_simple_self_signed(vec![name.to_owned()])
                .unwrap()
                .cert
                .pem()
        };
        std::fs::write(&ca, pem("old.example")).unwrap();
        let mut source = ds("a", "https://host");
        source.auth = DatasourceAuth::None;
        source.tls.ca_file = Some(ca.display().to_string());
        f.cache.endpoint(&source).await.unwrap();
        f.cache.endpoint(&source).await.unwrap();
        assert_eq!(f.cache.builds(), 1, "an unchanged file keeps the endpoint");

        // Renewed at the same path: the settings are equal, the file is not.
        std::fs::write(&ca, pem("a-renewed-certificate.example")).unwrap();
        f.cache.endpoint(&source).await.unwrap();
        assert_eq!(f.cache.builds(), 2, "the renewed CA file is read again");

        std::fs::remove_file(&ca).unwrap();
        let err = f.cache.endpoint(&source).await.unwrap_err();
        assert_eq!(
            err.code,
            ErrorCode::InvalidConfig,
            "a removed CA file is noticed"
        );
    }

    #[tokio::test]
    async fn removed_datasources_are_forgotten() {
        let f = fixture();
        let mut source = ds("a", "http://127.0.0.1:9090");
        source.auth = DatasourceAuth::None;
        f.cache.endpoint(&source).await.unwrap();
        f.cache.retain(&[]);
        f.cache.endpoint(&source).await.unwrap();
        assert_eq!(f.cache.builds(), 2);
    }
}
