//! Real OpenSearch and Elasticsearch servers on loopback, for the log-search client's tests and
//! for the demo.
//!
//! They are the "integ-test" builds that Maven Central serves (`scripts/install-deps.sh` fetches
//! and unpacks them): a single node with only the modules the log view needs, no bundled JDK
//! (Debian's OpenJDK 17 runs them) and no security. They refuse to run as root, so as root they
//! run as an unprivileged user (see [`install`]).

pub(crate) mod install;
mod server;

pub use install::{SEARCH_SERVERS_DIR_ENV, search_server_available, search_servers_dirs};
pub use server::{SearchServer, SearchServerOptions};

use serde::{Deserialize, Serialize};
use std::fmt;

/// A search server distribution that the stack can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SearchEngine {
    /// OpenSearch 2.19.3: point in time is `/_search/point_in_time`.
    OpenSearch2,
    /// Elasticsearch 8.17.0: point in time is `/_pit`; `GET /` is not served by this build.
    Elasticsearch8,
    /// Elasticsearch 7.17.29: the same API as 8 for the log view; hits still carry `_type`.
    Elasticsearch7,
}

impl SearchEngine {
    pub const ALL: [SearchEngine; 3] = [
        SearchEngine::OpenSearch2,
        SearchEngine::Elasticsearch8,
        SearchEngine::Elasticsearch7,
    ];

    /// `"OpenSearch"` or `"Elasticsearch"`.
    pub const fn product(self) -> &'static str {
        match self {
            SearchEngine::OpenSearch2 => "OpenSearch",
            SearchEngine::Elasticsearch8 | SearchEngine::Elasticsearch7 => "Elasticsearch",
        }
    }

    /// The exact version `scripts/install-deps.sh` installs.
    pub const fn version(self) -> &'static str {
        match self {
            SearchEngine::OpenSearch2 => "2.19.3",
            SearchEngine::Elasticsearch8 => "8.17.0",
            SearchEngine::Elasticsearch7 => "7.17.29",
        }
    }

    pub const fn major_version(self) -> u32 {
        match self {
            SearchEngine::OpenSearch2 => 2,
            SearchEngine::Elasticsearch8 => 8,
            SearchEngine::Elasticsearch7 => 7,
        }
    }

    pub const fn is_opensearch(self) -> bool {
        matches!(self, SearchEngine::OpenSearch2)
    }

    /// The Maven artifact id, which is also the start script in `bin/`.
    pub(crate) const fn artifact(self) -> &'static str {
        if self.is_opensearch() {
            "opensearch"
        } else {
            "elasticsearch"
        }
    }

    /// The unpacked directory's name, e.g. `opensearch-2.19.3`.
    pub fn distribution_name(self) -> String {
        format!("{}-{}", self.artifact(), self.version())
    }

    /// The prefix of the start script's environment variables (`ES_JAVA_HOME`,
    /// `OPENSEARCH_PATH_CONF`, ...).
    pub(crate) const fn env_prefix(self) -> &'static str {
        if self.is_opensearch() {
            "OPENSEARCH"
        } else {
            "ES"
        }
    }
}

impl fmt::Display for SearchEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.product(), self.version())
    }
}
