//! Where the alerts domain takes its HTTP endpoints from: the app's one [`EndpointCache`], so
//! polls, route-tree reads, watch rules and silences share one client per datasource, and its
//! secret is read from the keyring only when the settings or the secret changed (on the
//! blocking pool, never on the async path).
//!
//! A poll fetches each source on its own task, which outlives any borrow, so the cache is
//! reached through a shared handle: the shell's cache is Tauri managed state, reached through
//! its app handle; tests and tools hand over an `Arc<EndpointCache>`.

use hinomi_core::http::EndpointCache;
use std::sync::Arc;

/// Something that holds the app's [`EndpointCache`].
pub trait EndpointSource: Send + Sync {
    fn endpoint_cache(&self) -> &EndpointCache;
}

impl EndpointSource for EndpointCache {
    fn endpoint_cache(&self) -> &EndpointCache {
        self
    }
}

/// The app's endpoint cache, shareable with the poll's fetch tasks.
pub type SharedEndpoints = Arc<dyn EndpointSource>;
