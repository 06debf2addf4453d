//! The seed's Prometheus metrics (§3.1), registered with the official client so the exposition
//! format is right by construction.
//!
//! Counters are registered without their `_total` suffix because the client appends it; the
//! scraped names are exactly the seed's: `api_requests_total`, `api_request_duration_seconds`,
//! `datasets_total` and `dataset_size_bytes`.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::faults::FaultKind;

/// What `GET /metrics` answers with; Prometheus negotiates OpenMetrics and parses it natively.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Prometheus' default buckets: they reach 10 s, so a latency spike lands above the 1 s bucket
/// and `histogram_quantile(0.95, …) > 1` can become true.
pub const LATENCY_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    /// The route template, never the raw path, so ids do not multiply the series.
    pub endpoint: String,
    pub status: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct LatencyLabels {
    pub method: String,
    pub endpoint: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StatusLabels {
    pub status: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DatasetLabels {
    pub dataset_id: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FaultLabels {
    kind: String,
}

type LatencyFamily = Family<LatencyLabels, Histogram, fn() -> Histogram>;

/// The business metrics, handed to the dataset store so every change to a dataset updates them.
#[derive(Debug, Clone, Default)]
pub struct DatasetMetrics {
    /// Like the seed's Python `Counter`: counts datasets entering each status, never goes down.
    pub entered_status: Family<StatusLabels, Counter>,
    pub size_bytes: Family<DatasetLabels, Gauge>,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    datasets: DatasetMetrics,
    faults: Family<FaultLabels, Gauge>,
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "api_requests",
            "Total number of API requests",
            requests.clone(),
        );
        let latency = LatencyFamily::new_with_constructor(latency_histogram);
        registry.register(
            "api_request_duration_seconds",
            "API request latency in seconds",
            latency.clone(),
        );
        let datasets = DatasetMetrics::default();
        registry.register(
            "datasets",
            "Total number of datasets",
            datasets.entered_status.clone(),
        );
        registry.register(
            "dataset_size_bytes",
            "Size of datasets in bytes",
            datasets.size_bytes.clone(),
        );
        let faults = Family::<FaultLabels, Gauge>::default();
        registry.register(
            "demo_fault_active",
            "1 while the demo workload is injecting this fault",
            faults.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            datasets,
            faults,
        }
    }

    pub fn datasets(&self) -> DatasetMetrics {
        self.datasets.clone()
    }

    pub fn observe_request(&self, method: &str, endpoint: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                endpoint: endpoint.to_owned(),
                status: status.to_string(),
            })
            .inc();
        self.latency
            .get_or_create(&LatencyLabels {
                method: method.to_owned(),
                endpoint: endpoint.to_owned(),
            })
            .observe(seconds);
    }

    pub fn set_fault_active(&self, kind: FaultKind, active: bool) {
        self.faults
            .get_or_create(&FaultLabels {
                kind: kind.as_str().to_owned(),
            })
            .set(i64::from(active));
    }

    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposes_the_seed_metric_names_with_template_endpoints() {
        let metrics = Metrics::new();
        metrics.observe_request("GET", "/api/v1/datasets/{id}", 404, 0.003);
        metrics
            .datasets()
            .entered_status
            .get_or_create(&StatusLabels {
                status: "active".into(),
            })
            .inc();
        metrics
            .datasets()
            .size_bytes
            .get_or_create(&DatasetLabels {
                dataset_id: "ds-001".into(),
            })
            .set(42);
        let text = metrics.encode().unwrap();

        assert!(text.contains(
            "api_requests_total{method=\"GET\",endpoint=\"/api/v1/datasets/{id}\",status=\"404\"} 1\n"
        ));
        assert!(text.contains(
            "api_request_duration_seconds_bucket{le=\"0.005\",method=\"GET\",endpoint=\"/api/v1/datasets/{id}\"} 1\n"
        ));
        assert!(text.contains(
            "api_request_duration_seconds_bucket{le=\"10.0\",method=\"GET\",endpoint=\"/api/v1/datasets/{id}\"} 1\n"
        ));
        assert!(text.contains("datasets_total{status=\"active\"} 1\n"));
        assert!(text.contains("dataset_size_bytes{dataset_id=\"ds-001\"} 42\n"));
        assert!(text.ends_with("# EOF\n"));
    }
}
