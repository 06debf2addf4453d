//! Elasticsearch 7.x/8.x and OpenSearch 2.x as a log source.
//!
//! One [`ElasticClient`] per datasource answers every request of the Discover view; one module
//! per concern: the engine's [`dialect`], the [`query`] DSL built from the view's model, one
//! page of hits ([`search`]), the [`histogram`], [`fields`] and top values, [`context`]
//! (surrounding documents), live [`tail`], result sets kept while the table scrolls
//! ([`results`]), [`export`], and hit conversion ([`convert`]).

pub mod client;
pub mod context;
pub mod convert;
pub mod dialect;
pub mod export;
pub mod fields;
pub mod histogram;
pub mod pit;
pub mod query;
pub mod results;
pub mod search;
pub mod tail;
pub mod wire;

pub use client::ElasticClient;
pub use dialect::{ClusterHealth, Dialect};
pub use export::ExportRequest;
pub use results::LogResults;
