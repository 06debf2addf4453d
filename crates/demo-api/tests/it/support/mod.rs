//! What the integration tests share: a server on an ephemeral loopback port, an HTTP client,
//! and a small parser for the exposition format so assertions are about samples, not substrings.

use std::collections::BTreeMap;
use std::path::Path;

use hinomi_demo_api::logs::LogLine;
use hinomi_demo_api::{RunningServer, ServeOptions};
use tokio::net::TcpListener;

pub async fn start_server(
    log_dir: &Path,
    configure: impl FnOnce(&mut ServeOptions),
) -> RunningServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut options = ServeOptions::new(log_dir);
    options.traffic_rps = 0.0;
    options.seed = 42;
    configure(&mut options);
    hinomi_demo_api::start(listener, options).await.unwrap()
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

pub struct Scrape {
    pub content_type: String,
    pub samples: Vec<Sample>,
}

impl Scrape {
    /// The value of the sample with exactly these labels.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let wanted: BTreeMap<String, String> = labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.samples
            .iter()
            .find(|s| s.name == name && s.labels == wanted)
            .map(|s| s.value)
    }

    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Sample> + 'a {
        self.samples.iter().filter(move |s| s.name == name)
    }
}

pub async fn scrape(client: &reqwest::Client, base_url: &str) -> Scrape {
    let response = client
        .get(format!("{base_url}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let text = response.text().await.unwrap();
    Scrape {
        content_type,
        samples: parse_exposition(&text),
    }
}

/// Parses sample lines of the Prometheus text / OpenMetrics format, including quoted label
/// values that contain `{`, `}` or escapes.
pub fn parse_exposition(text: &str) -> Vec<Sample> {
    text.lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| parse_sample(line).unwrap_or_else(|| panic!("bad sample line {line:?}")))
        .collect()
}

fn parse_sample(line: &str) -> Option<Sample> {
    let name_end = line.find(['{', ' '])?;
    let name = line[..name_end].to_owned();
    let (labels, rest) = match line[name_end..].strip_prefix('{') {
        Some(inside) => parse_labels(inside)?,
        None => (BTreeMap::new(), &line[name_end..]),
    };
    let value = rest.split_whitespace().next()?.parse().ok()?;
    Some(Sample {
        name,
        labels,
        value,
    })
}

/// `text` starts just after `{`; returns the labels and what follows the closing `}`.
fn parse_labels(mut text: &str) -> Option<(BTreeMap<String, String>, &str)> {
    let mut labels = BTreeMap::new();
    loop {
        text = text.trim_start_matches(',');
        if let Some(rest) = text.strip_prefix('}') {
            return Some((labels, rest));
        }
        let (key, after) = text.split_once("=\"")?;
        let mut value = String::new();
        let mut chars = after.char_indices();
        let closing_quote = loop {
            match chars.next()? {
                (index, '"') => break index,
                (_, '\\') => match chars.next()?.1 {
                    'n' => value.push('\n'),
                    escaped => value.push(escaped),
                },
                (_, other) => value.push(other),
            }
        };
        labels.insert(key.to_owned(), value);
        text = &after[closing_quote + 1..];
    }
}

/// Every log line written to `dir`, in file-name (that is, date) order.
pub fn read_logs(dir: &Path) -> Vec<LogLine> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|path| {
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            assert!(
                name.starts_with("dataset-management-") && name.ends_with(".log"),
                "unexpected file {name}"
            );
            std::fs::read_to_string(path)
                .unwrap()
                .lines()
                .map(|line| serde_json::from_str::<LogLine>(line).unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn parser_reads_quoted_braces_and_escapes() {
    let samples = parse_exposition(
        "# TYPE x counter\n\
         x_total{method=\"GET\",endpoint=\"/api/v1/datasets/{id}\",note=\"a\\\"b\"} 3\n\
         up 1\n# EOF\n",
    );
    assert_eq!(samples.len(), 2);
    assert_eq!(samples[0].name, "x_total");
    assert_eq!(samples[0].labels["endpoint"], "/api/v1/datasets/{id}");
    assert_eq!(samples[0].labels["note"], "a\"b");
    assert_eq!(samples[0].value, 3.0);
    assert!(samples[1].labels.is_empty());
}
