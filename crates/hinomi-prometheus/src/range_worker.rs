//! The streaming range decode on a thread of its own, so reading the answer and decoding it
//! could run on two cores at once: the alternative the benchmark measures beside the shipped
//! decode in the reading task ([`crate::query::StreamDecode`]).
//!
//! Prometheus on loopback writes a big answer in one burst once it is evaluated, so the
//! download window is short and CPU-bound (the HTTP client's reading and copying): decoding
//! each chunk in the reading task adds its time to that window. On the 2-core machine of the
//! benchmark the thread did not win it back (three busy threads on two cores, and a second
//! copy of the body), so it is not what `query_range` uses. Here the reading task copies each new stretch
//! of the body into a channel and a blocking-pool thread runs [`RangeStreamDecoder`] on its
//! own copy; when the body is complete the task waits for that thread and finishes the decode
//! with the body it read, so results and errors are exactly the decoder's.

use crate::error::PrometheusError;
use crate::query::{Series, decode_range_body};
use crate::range_stream::RangeStreamDecoder;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Instant;

/// A [`hinomi_core::http::BodyWatcher`] handing the body to a decoding thread.
#[derive(Debug)]
pub struct BackgroundRangeDecode {
    /// Bytes of the body already handed over.
    sent: usize,
    chunks: Option<mpsc::Sender<Vec<u8>>>,
    worker: Option<tokio::task::JoinHandle<RangeStreamDecoder>>,
    /// Set when the query is dropped (cancelled, timed out, refused): the thread stops at its
    /// next chunk instead of decoding what is queued.
    abandoned: Arc<AtomicBool>,
    first_received: Option<Instant>,
    last_received: Option<Instant>,
}

impl Default for BackgroundRangeDecode {
    fn default() -> Self {
        Self::new()
    }
}

impl BackgroundRangeDecode {
    pub fn new() -> Self {
        Self {
            sent: 0,
            chunks: None,
            worker: None,
            abandoned: Arc::new(AtomicBool::new(false)),
            first_received: None,
            last_received: None,
        }
    }

    pub fn first_received(&self) -> Option<Instant> {
        self.first_received
    }

    pub fn last_received(&self) -> Option<Instant> {
        self.last_received
    }

    /// Hands what `body` adds to the thread, starting it on the first bytes. Without a tokio
    /// runtime (never the case under reqwest) the body is decoded whole at the end.
    pub fn received(&mut self, body: &[u8]) {
        let now = Instant::now();
        self.first_received.get_or_insert(now);
        self.last_received = Some(now);
        if body.len() == self.sent {
            return;
        }
        if self.chunks.is_none() && self.sent == 0 {
            self.start();
        }
        if let Some(chunks) = &self.chunks
            && chunks.send(body[self.sent..].to_vec()).is_err()
        {
            // The thread is gone (it panicked): the body is decoded whole at the end.
            self.chunks = None;
        }
        self.sent = body.len();
    }

    fn start(&mut self) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (sender, receiver) = mpsc::channel::<Vec<u8>>();
        let abandoned = self.abandoned.clone();
        self.chunks = Some(sender);
        self.worker = Some(runtime.spawn_blocking(move || {
            let mut decoder = RangeStreamDecoder::new();
            let mut body = Vec::new();
            while let Ok(chunk) = receiver.recv() {
                if abandoned.load(Ordering::Relaxed) {
                    break;
                }
                if !decoder.is_streaming() {
                    // Not the scanner's layout: nothing more to do until the end.
                    continue;
                }
                body.extend_from_slice(&chunk);
                // Whatever else has queued up meanwhile is read in the same pass.
                while let Ok(chunk) = receiver.try_recv() {
                    body.extend_from_slice(&chunk);
                }
                decoder.received(&body);
            }
            decoder
        }));
    }

    /// The series of the complete `body`, as [`RangeStreamDecoder::finish`] gives them.
    pub async fn finish(mut self, body: &[u8]) -> Result<Vec<Series>, PrometheusError> {
        // Closing the channel lets the thread end once it has read every chunk.
        self.chunks = None;
        let decoder = match self.worker.take() {
            Some(worker) if self.sent == body.len() => worker.await.ok(),
            _ => None,
        };
        match decoder {
            Some(decoder) => decoder.finish(body),
            None => decode_range_body(body),
        }
    }
}

impl Drop for BackgroundRangeDecode {
    fn drop(&mut self) {
        self.abandoned.store(true, Ordering::Relaxed);
    }
}

impl hinomi_core::http::BodyWatcher for BackgroundRangeDecode {
    fn received(&mut self, body: &[u8]) {
        BackgroundRangeDecode::received(self, body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(series: usize) -> Vec<u8> {
        let one = r#"{"metric":{"job":"a\"}"},"values":[[1,"1"],[2,"NaN"],[3,"+Inf"]]}"#;
        format!(
            r#"{{"status":"success","data":{{"resultType":"matrix","result":[{}]}}}}"#,
            vec![one; series].join(",")
        )
        .into_bytes()
    }

    async fn decoded_in_pieces(body: &[u8], piece: usize) -> Result<Vec<Series>, PrometheusError> {
        let mut decode = BackgroundRangeDecode::new();
        for end in (piece..body.len()).step_by(piece).chain([body.len()]) {
            decode.received(&body[..end]);
        }
        decode.finish(body).await
    }

    fn same(a: &[Series], b: &[Series]) -> bool {
        let bits = |xs: &[f64]| xs.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(a, b)| a.labels == b.labels && bits(&a.values) == bits(&b.values))
    }

    #[tokio::test]
    async fn the_thread_gives_what_the_whole_body_decodes_to() {
        let good = body(200);
        for piece in [1, 100, 4096, good.len()] {
            let streamed = decoded_in_pieces(&good, piece).await.unwrap();
            assert!(
                same(&streamed, &decode_range_body(&good).unwrap()),
                "{piece}"
            );
        }
        let error = br#"{"status":"error","errorType":"bad_data","error":"x"}"#;
        let streamed = decoded_in_pieces(error, 7).await.unwrap_err();
        assert_eq!(
            hinomi_core::HinomiError::from(streamed),
            decode_range_body(error).unwrap_err().into()
        );
    }

    #[tokio::test]
    async fn a_body_other_than_the_one_shown_is_decoded_whole() {
        let shown = body(3);
        let mut decode = BackgroundRangeDecode::new();
        decode.received(&shown[..shown.len() / 2]);
        let complete = body(5);
        let series = decode.finish(&complete).await.unwrap();
        assert_eq!(series.len(), 5);
    }

    #[test]
    fn without_a_runtime_the_body_is_decoded_at_the_end() {
        let good = body(4);
        let mut decode = BackgroundRangeDecode::new();
        decode.received(&good);
        assert!(decode.worker.is_none());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let series = runtime.block_on(decode.finish(&good)).unwrap();
        assert_eq!(series.len(), 4);
    }
}
