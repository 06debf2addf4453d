//! The last good answer of every panel, on disk under `cache_dir/panels/<uid>/<panel>.hnp`, so a
//! dashboard still shows something (marked stale, with the endpoint's error) when Prometheus
//! cannot be reached — on the train, or when the VPN drops.

use crate::frame::mark_stale;
use hinomi_core::{ErrorCode, HinomiError};
use std::path::PathBuf;
use std::time::UNIX_EPOCH;

pub struct PanelCache {
    dir: PathBuf,
}

/// Errors that mean "the data could not be fetched right now", not "the query is wrong": the
/// backend or the way to it is down (refused, DNS, TLS, timeout), or a proxy in front of it
/// failed (502/503, its HTML page, a rate limit, an answer cut short). The panel keeps showing
/// its last good answer, marked stale, for these — and only for these: a bad query must show
/// its error, not yesterday's graph.
pub fn keeps_last_data(err: &HinomiError) -> bool {
    matches!(
        err.code,
        ErrorCode::Unreachable
            | ErrorCode::Timeout
            | ErrorCode::Tls
            | ErrorCode::Unavailable
            | ErrorCode::ProxyPage
            | ErrorCode::RateLimited
            | ErrorCode::Truncated
    )
}

impl PanelCache {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    fn path(&self, uid: &str, panel_id: u32) -> PathBuf {
        // `uid` was checked by the store when the dashboard was opened (no separators).
        self.dir.join(uid).join(format!("{panel_id}.hnp"))
    }

    /// Keeps `frame` as the panel's last good answer; a failure only costs the offline copy.
    pub fn save(&self, uid: &str, panel_id: u32, frame: &[u8]) {
        let path = self.path(uid, panel_id);
        let temp = path.with_extension("tmp");
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&temp, frame))
            .and_then(|()| std::fs::rename(&temp, &path));
        if let Err(err) = written {
            tracing::warn!(%err, path = %path.display(), "panel cache not written");
        }
    }

    /// The panel's last good answer as saved (what it draws now, fresh or stale).
    pub fn last_good(&self, uid: &str, panel_id: u32) -> Option<Vec<u8>> {
        std::fs::read(self.path(uid, panel_id)).ok()
    }

    /// The panel's last good answer marked stale with `error`, if there is one.
    pub fn stale(&self, uid: &str, panel_id: u32, error: &HinomiError) -> Option<Vec<u8>> {
        let path = self.path(uid, panel_id);
        let bytes = std::fs::read(&path).ok()?;
        let saved = std::fs::metadata(&path).and_then(|m| m.modified()).ok()?;
        let saved_ms = saved.duration_since(UNIX_EPOCH).ok()?.as_millis() as f64;
        mark_stale(&bytes, saved_ms, error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{QueryHeader, QueryOutcome, pack};
    use hinomi_prometheus::Series;
    use hinomi_prometheus::downsample::encode_frame;

    #[test]
    fn a_saved_answer_comes_back_marked_stale_with_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let cache = PanelCache::new(dir.path().to_owned());
        let error = HinomiError::new(ErrorCode::Unreachable, "connection refused");
        assert!(
            cache.stale("sys", 1, &error).is_none(),
            "nothing cached yet"
        );

        let series = vec![Series {
            labels: [("job".to_owned(), "api".to_owned())].into(),
            timestamps: vec![1.0, 2.0],
            values: vec![3.0, 4.0],
        }];
        let inner = encode_frame(&series, 0.0, 3.0, 100, 200);
        let frame = pack(vec![QueryOutcome {
            header: QueryHeader {
                ref_id: "A".into(),
                expr: "up".into(),
                legend_format: None,
                instant: false,
                step_seconds: 1.0,
                datasource_id: None,
                error: None,
                error_position: None,
                offset: 0,
                length: 0,
            },
            frame: Some(inner.clone()),
        }]);
        cache.save("sys", 1, &frame);
        let stale = cache.stale("sys", 1, &error).unwrap();
        let len = u32::from_le_bytes(stale[4..8].try_into().unwrap()) as usize;
        let head: serde_json::Value = serde_json::from_slice(&stale[8..8 + len]).unwrap();
        assert_eq!(head["stale_error"]["message"], "connection refused");
        assert!(head["stale_since_ms"].as_f64().unwrap() > 1.6e12);
        let offset = head["queries"][0]["offset"].as_u64().unwrap() as usize;
        let length = head["queries"][0]["length"].as_u64().unwrap() as usize;
        assert_eq!(offset % 8, 0);
        assert_eq!(&stale[offset..offset + length], &inner[..], "series intact");
        assert!(keeps_last_data(&error));
        assert!(!keeps_last_data(&HinomiError::new(
            ErrorCode::Backend,
            "parse error"
        )));
    }

    fn outcome(frame: Option<Vec<u8>>, error: Option<HinomiError>) -> QueryOutcome {
        QueryOutcome {
            header: QueryHeader {
                ref_id: "A".into(),
                expr: "up".into(),
                legend_format: None,
                instant: false,
                step_seconds: 1.0,
                datasource_id: None,
                error,
                error_position: None,
                offset: 0,
                length: 0,
            },
            frame,
        }
    }

    fn stale_error(packed: &[u8]) -> Option<serde_json::Value> {
        let len = u32::from_le_bytes(packed[4..8].try_into().unwrap()) as usize;
        let head: serde_json::Value = serde_json::from_slice(&packed[8..8 + len]).unwrap();
        head.get("stale_error").filter(|v| !v.is_null()).cloned()
    }

    #[test]
    fn a_failing_proxy_keeps_the_last_data_as_a_refused_connection_does() {
        use crate::run::{PanelAnswer, with_cache};
        let dir = tempfile::tempdir().unwrap();
        let cache = PanelCache::new(dir.path().to_owned());
        let series = vec![Series {
            labels: [("job".to_owned(), "api".to_owned())].into(),
            timestamps: vec![1.0],
            values: vec![3.0],
        }];
        let good = encode_frame(&series, 0.0, 3.0, 100, 200);
        let fresh = with_cache(
            &cache,
            "sys",
            1,
            PanelAnswer {
                outcomes: vec![outcome(Some(good), None)],
            },
        );
        assert!(stale_error(&fresh).is_none());

        let outages = [
            (
                ErrorCode::Unreachable,
                "Cannot reach http://p (connection refused).",
            ),
            (
                ErrorCode::Unavailable,
                "http://p answered 502 Bad Gateway: a proxy in front of the server could not get an answer from it.",
            ),
            (
                ErrorCode::Unavailable,
                "http://p answered 503 Service Unavailable.",
            ),
            (
                ErrorCode::ProxyPage,
                "http://p: the proxy answered with an HTML page, not Prometheus JSON",
            ),
            (
                ErrorCode::RateLimited,
                "http://p: rate limited; retry after 5 s.",
            ),
            (ErrorCode::Truncated, "http://p: the answer was cut short"),
        ];
        for (code, message) in outages {
            let failed = with_cache(
                &cache,
                "sys",
                1,
                PanelAnswer {
                    outcomes: vec![outcome(None, Some(HinomiError::new(code, message)))],
                },
            );
            let shown = stale_error(&failed).unwrap_or_else(|| panic!("{code:?} lost the data"));
            assert_eq!(shown["message"], message);
        }

        let wrong_query = with_cache(
            &cache,
            "sys",
            1,
            PanelAnswer {
                outcomes: vec![outcome(
                    None,
                    Some(HinomiError::new(
                        ErrorCode::Backend,
                        "parse error at char 3",
                    )),
                )],
            },
        );
        assert!(
            stale_error(&wrong_query).is_none(),
            "a bad query shows its error"
        );
    }

    #[test]
    fn an_answer_with_data_is_answered_as_packed_so_the_save_can_come_after() {
        use crate::run::{PanelAnswer, with_cache};
        let dir = tempfile::tempdir().unwrap();
        let cache = PanelCache::new(dir.path().to_owned());
        let series = vec![Series {
            labels: [("job".to_owned(), "api".to_owned())].into(),
            timestamps: vec![1.0],
            values: vec![3.0],
        }];
        let answer = || PanelAnswer {
            outcomes: vec![
                outcome(Some(encode_frame(&series, 0.0, 3.0, 100, 200)), None),
                outcome(
                    None,
                    Some(HinomiError::new(ErrorCode::Backend, "parse error")),
                ),
            ],
        };
        assert!(answer().has_data());
        assert_eq!(with_cache(&cache, "sys", 1, answer()), answer().pack());
        let failed = PanelAnswer {
            outcomes: vec![outcome(
                None,
                Some(HinomiError::new(ErrorCode::Unreachable, "refused")),
            )],
        };
        assert!(!failed.has_data());
    }
}
