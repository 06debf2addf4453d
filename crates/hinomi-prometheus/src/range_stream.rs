//! Over 400 lines: a small streaming decoder; most of the file is the tests that cut bodies every way.
//! A `query_range` answer decoded while it downloads, so the series are ready when the last
//! byte lands instead of one full decode later.
//!
//! The body is shown to [`RangeStreamDecoder`] after each chunk (a
//! [`hinomi_core::http::BodyWatcher`]). Once the envelope's head reaches `data.result`, each
//! complete element of that array is cut out and read by the same per-series scanner as
//! [`crate::pairs::scan_matrix`]: an element ends at a `}` (found with `memchr`: the values
//! arrays hold none) after which the scanner reads exactly one series. When the body is
//! complete, the envelope around the array is checked by the scanner's own walk; only then are
//! the streamed series the answer. Anything else — an error answer, another result type, a
//! layout the scanner refuses, a cut body — is decoded whole by [`decode_range_body`], so the
//! result (series or error) is always exactly what [`decode_range_body`] gives for the body.

use crate::error::PrometheusError;
use crate::pairs::{envelope_around, result_value_start, scan_series};
use crate::query::{Series, decode_range_body};
use std::time::Instant;

/// The envelope's head is short (`{"status":"success","data":{"resultType":"matrix","result":`);
/// past this much without reaching the array, the body is left to the whole-body decode rather
/// than walked again after every chunk.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// A candidate end that is not one (a `}` closing the labels, or inside a label value) costs a
/// short failed read; an element that fails this often is not in the scanner's layout at all.
const MAX_FAILED_ENDS: u32 = 16;

/// Decodes a range answer chunk by chunk; see the module's documentation.
#[derive(Debug, Default)]
pub struct RangeStreamDecoder {
    phase: Phase,
    series: Vec<Series>,
    first_received: Option<Instant>,
    last_received: Option<Instant>,
}

#[derive(Debug, Default)]
enum Phase {
    /// Waiting for the head of the envelope to reach the value of `data.result`.
    #[default]
    Head,
    /// Inside the series array.
    Array(Cutter),
    /// The series array spans `value`; the rest is checked when the body is complete.
    Closed { value: std::ops::Range<usize> },
    /// Not in the scanner's layout: the whole body is decoded at the end.
    GaveUp,
}

/// Where the series array is being read.
#[derive(Debug)]
struct Cutter {
    /// Where the array's value starts (its `[`).
    value_start: usize,
    /// The next byte not yet looked at.
    at: usize,
    expect: Expect,
}

#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Right after `[`: the first element, or `]` for an empty array.
    OpenOrFirst,
    /// After a `,`: an element.
    Element,
    /// Inside the element that began at `start`; `failed` candidate ends so far.
    InElement { start: usize, failed: u32 },
    /// After an element: `,` or `]`.
    CommaOrClose,
}

impl RangeStreamDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// When the first chunk arrived: the download, which the decode overlaps, runs from then.
    pub fn first_received(&self) -> Option<Instant> {
        self.first_received
    }

    /// When the last chunk arrived (for the benchmark's "last byte → decoded").
    pub fn last_received(&self) -> Option<Instant> {
        self.last_received
    }

    /// The series read so far (tests check that the work was done during the download).
    pub fn streamed_series(&self) -> usize {
        self.series.len()
    }

    /// Whether the body so far is still read as it arrives.
    pub fn is_streaming(&self) -> bool {
        !matches!(self.phase, Phase::GaveUp)
    }

    /// Reads what `body` (everything received so far) adds.
    pub fn received(&mut self, body: &[u8]) {
        let now = Instant::now();
        self.first_received.get_or_insert(now);
        self.last_received = Some(now);
        if let Phase::Head = self.phase {
            self.phase = match result_value_start(body) {
                Some(at) => Phase::Array(Cutter {
                    value_start: at,
                    at,
                    expect: Expect::OpenOrFirst,
                }),
                None if body.len() > MAX_HEAD_BYTES => Phase::GaveUp,
                None => return,
            };
        }
        if let Phase::Array(cutter) = &mut self.phase {
            self.phase = match cutter.read(body, &mut self.series) {
                Read::More => return,
                Read::Closed(value) => Phase::Closed { value },
                Read::GaveUp => Phase::GaveUp,
            };
        }
    }

    /// The series of the complete `body`: the streamed ones when the envelope around them is
    /// the scanner's layout, else whatever [`decode_range_body`] makes of the body.
    pub fn finish(self, body: &[u8]) -> Result<Vec<Series>, PrometheusError> {
        match self.phase {
            Phase::Closed { value } if envelope_around(body, value.clone()) => Ok(self.series),
            _ => decode_range_body(body),
        }
    }
}

impl hinomi_core::http::BodyWatcher for RangeStreamDecoder {
    fn received(&mut self, body: &[u8]) {
        RangeStreamDecoder::received(self, body);
    }
}

enum Read {
    More,
    Closed(std::ops::Range<usize>),
    GaveUp,
}

impl Cutter {
    /// Reads the array from where it stopped to the end of `body`, pushing each whole series.
    fn read(&mut self, body: &[u8], series: &mut Vec<Series>) -> Read {
        while self.at < body.len() {
            let byte = body[self.at];
            self.expect = match self.expect {
                Expect::InElement { start, failed } => {
                    let Some(offset) = memchr::memchr(b'}', &body[self.at..]) else {
                        self.at = body.len();
                        return Read::More;
                    };
                    let end = self.at + offset + 1;
                    self.at = end;
                    let expected_points = series.last().map_or(0, |s| s.timestamps.len());
                    match scan_series(&body[start..end], expected_points) {
                        Some(one) => {
                            series.push(one);
                            Expect::CommaOrClose
                        }
                        None if failed + 1 < MAX_FAILED_ENDS => Expect::InElement {
                            start,
                            failed: failed + 1,
                        },
                        None => return Read::GaveUp,
                    }
                }
                // The scanner's own whitespace between tokens.
                _ if matches!(byte, b' ' | b'\n' | b'\r' | b'\t') => {
                    self.at += 1;
                    continue;
                }
                Expect::OpenOrFirst if self.at == self.value_start => {
                    if byte != b'[' {
                        return Read::GaveUp;
                    }
                    self.at += 1;
                    Expect::OpenOrFirst
                }
                Expect::OpenOrFirst | Expect::Element | Expect::CommaOrClose => {
                    let first = matches!(self.expect, Expect::OpenOrFirst);
                    let after_element = matches!(self.expect, Expect::CommaOrClose);
                    self.at += 1;
                    match byte {
                        b'{' if !after_element => Expect::InElement {
                            start: self.at - 1,
                            failed: 0,
                        },
                        b']' if first || after_element => {
                            return Read::Closed(self.value_start..self.at);
                        }
                        b',' if after_element => Expect::Element,
                        _ => return Read::GaveUp,
                    }
                }
            };
        }
        Read::More
    }
}

/// The body in `chunks`, decoded as [`crate::PrometheusClient::query_range`] decodes it while
/// it arrives: for tests and the differential fuzz target, which check it against
/// [`decode_range_body`] for every way of cutting a body.
#[doc(hidden)]
pub fn decode_range_chunks<'a>(
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> Result<Vec<Series>, PrometheusError> {
    let mut decoder = RangeStreamDecoder::new();
    let mut body = Vec::new();
    for chunk in chunks {
        body.extend_from_slice(chunk);
        decoder.received(&body);
    }
    decoder.finish(&body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinomi_core::HinomiError;

    /// Same series bit for bit (NaN payloads included), or the same error as the user sees it.
    fn assert_same(
        streamed: Result<Vec<Series>, PrometheusError>,
        whole: Result<Vec<Series>, PrometheusError>,
        what: &str,
    ) {
        match (streamed, whole) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.len(), b.len(), "{what}");
                for (a, b) in a.iter().zip(&b) {
                    let bits = |xs: &[f64]| xs.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                    assert_eq!(a.labels, b.labels, "{what}");
                    assert_eq!(bits(&a.timestamps), bits(&b.timestamps), "{what}");
                    assert_eq!(bits(&a.values), bits(&b.values), "{what}");
                }
            }
            (Err(a), Err(b)) => assert_eq!(HinomiError::from(a), HinomiError::from(b), "{what}"),
            (a, b) => panic!("{what}: streamed {a:?}, whole {b:?}"),
        }
    }

    /// A small xorshift: the same chunkings on every run.
    struct Random(u64);

    impl Random {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// `body` cut at `cuts` (sorted offsets).
    fn cut_at<'a>(body: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
        let mut pieces = Vec::new();
        let mut from = 0;
        for &cut in cuts {
            pieces.push(&body[from..cut]);
            from = cut;
        }
        pieces.push(&body[from..]);
        pieces
    }

    fn random_cuts(body: &[u8], random: &mut Random, max_piece: usize) -> Vec<usize> {
        let mut cuts = Vec::new();
        let mut at = 0;
        loop {
            at += random.below(max_piece) + 1;
            if at >= body.len() {
                return cuts;
            }
            cuts.push(at);
        }
    }

    fn matrix(result: &str) -> String {
        format!(r#"{{"status":"success","data":{{"resultType":"matrix","result":{result}}}}}"#)
    }

    /// Prometheus's layout with what makes a cut interesting: escapes and `}` in label values,
    /// multi-byte UTF-8, long numbers, NaN and infinities, whitespace between tokens.
    fn small_bodies() -> Vec<String> {
        vec![
            matrix(
                r#"[{"metric":{"__name__":"up","job":"no\"de}","x":"日本\u65e5","y":"{}"},"values":[[1700000000,"1"],[1700000015.5,"NaN"],[1700000030.125,"-1.7976931348623157e+308"]]},
                {"metric":{},"values":[[1700000000,"+Inf"],[1700000015.5,"-Inf"],[1700000030.25,"0.000000000000000000001"]]}]"#,
            ),
            matrix("[]"),
            matrix(r#" [ { "metric" : { "a" : "b" } , "values" : [ [ 1 , "2" ] ] } ] "#)
                + "\n",
            // The status after the data, and the result before its type: checked at the end.
            r#"{"data":{"result":[{"metric":{},"values":[[1,"1"]]}],"resultType":"matrix"},"status":"success"}"#.to_owned(),
            r#"{"status":"success","warnings":["w}"],"data":{"stats":{"a":"}"},"resultType":"matrix","result":[{"metric":{"job":"a"},"values":[[1,"1"]],"histograms":[]},{"values":[[1,"3"]],"metric":{}}],"x":1},"infos":null}"#.to_owned(),
        ]
    }

    /// Bodies that are not the scanner's layout, or not a matrix, or not even whole.
    fn odd_bodies() -> Vec<String> {
        let good = matrix(r#"[{"metric":{"a":"b"},"values":[[1,"2"],[3,"4"]]}]"#);
        vec![
            r#"{"status":"error","errorType":"bad_data","error":"1:5: parse error"}"#.to_owned(),
            r#"{"status":"success","data":{"resultType":"scalar","result":[1,"2"]}}"#.to_owned(),
            r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#.to_owned(),
            // Valid JSON the scanner refuses: serde decodes it.
            matrix(r#"[{"metric":{"job":"a"},"v\u0061lues":[[1,"10"],[2,"+Inf"]]}]"#),
            matrix(r#"[{"metric":{},"values":[[1,"1\u0030"]]}]"#),
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[]}],"result":[]}}"#.to_owned(),
            matrix(r#"[{"metric":{},"values":[[1,{"x":1}]]}]"#),
            // The array streams, then the envelope around it says otherwise.
            r#"{"data":{"result":[{"metric":{},"values":[[1,"1"]]}],"resultType":"vector"},"status":"success"}"#.to_owned(),
            r#"{"data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"]]}]},"status":"error","error":"late"}"#.to_owned(),
            matrix(r#"[{"metric":{},"values":[]},]"#),
            matrix(r#"[{"metric":{},"values":[]}{"metric":{},"values":[]}]"#),
            matrix(r#"[[1,"2"]]"#),
            good.clone() + "x",
            good[..good.len() - 1].to_owned(),
            good[..good.len() / 2].to_owned(),
            r#"{"status":"success"}"#.to_owned(),
            "<html><title>Bad Gateway</title></html>".to_owned(),
            String::new(),
        ]
    }

    #[test]
    fn prometheus_layout_is_read_while_it_arrives_and_nothing_else_is() {
        for body in small_bodies() {
            let mut decoder = RangeStreamDecoder::new();
            decoder.received(body.as_bytes());
            assert!(matches!(decoder.phase, Phase::Closed { .. }), "{body}");
        }
        for body in odd_bodies() {
            let mut decoder = RangeStreamDecoder::new();
            decoder.received(body.as_bytes());
            if let Phase::Closed { value } = decoder.phase {
                assert!(!envelope_around(body.as_bytes(), value), "{body}");
            }
        }
    }

    #[test]
    fn every_cut_of_small_bodies_decodes_as_the_whole_body() {
        for body in small_bodies().iter().chain(&odd_bodies()) {
            let body = body.as_bytes();
            let whole = || decode_range_body(body);
            assert_same(decode_range_chunks([body]), whole(), "one chunk");
            for cut in 0..=body.len() {
                assert_same(
                    decode_range_chunks(cut_at(body, &[cut])),
                    whole(),
                    &format!("cut at {cut} of {}", String::from_utf8_lossy(body)),
                );
            }
            for a in 0..=body.len() {
                for b in a..=body.len().min(a + 40) {
                    assert_same(
                        decode_range_chunks(cut_at(body, &[a, b])),
                        whole(),
                        &format!("cut at {a} and {b}"),
                    );
                }
            }
            let bytes: Vec<&[u8]> = body.chunks(1).collect();
            assert_same(decode_range_chunks(bytes), whole(), "byte by byte");
        }
    }

    /// A bigger answer in Prometheus's layout: many series, long values, UTF-8 and escapes in
    /// labels, so random cuts fall inside every kind of token.
    fn big_body(series: usize, points: usize) -> String {
        let result: Vec<String> = (0..series)
            .map(|s| {
                let pairs: Vec<String> = (0..points)
                    .map(|p| {
                        let x = ((p * 37 + s) as f64).sin() * 10f64.powi((p % 30) as i32 - 12);
                        let t = 1_700_000_000.0 + p as f64 * 15.125;
                        let value = match p % 97 {
                            0 => "NaN".to_owned(),
                            1 => "+Inf".to_owned(),
                            _ => x.to_string(),
                        };
                        format!("[{t},\"{value}\"]")
                    })
                    .collect();
                format!(
                    r#"{{"metric":{{"__name__":"m","series":"{s}","名前":"値\"{s}\\}}","esc":"\u00e9\ud83d\ude00"}},"values":[{}]}}"#,
                    pairs.join(",")
                )
            })
            .collect();
        matrix(&format!("[{}]", result.join(",")))
    }

    #[test]
    fn random_cuts_of_bigger_bodies_decode_as_the_whole_body() {
        let mut random = Random(0x9e37_79b9_7f4a_7c15);
        let bodies = [big_body(40, 300), big_body(3, 2_000), big_body(1, 0)];
        for body in &bodies {
            let body = body.as_bytes();
            let whole = decode_range_body(body);
            assert!(whole.is_ok());
            for max_piece in [1, 2, 7, 64, 1_000, 16 * 1024, 100_000] {
                for _ in 0..4 {
                    let cuts = random_cuts(body, &mut random, max_piece);
                    assert_same(
                        decode_range_chunks(cut_at(body, &cuts)),
                        decode_range_body(body),
                        &format!("pieces up to {max_piece} bytes, cuts {cuts:?}"),
                    );
                }
            }
        }
    }

    #[test]
    fn random_cuts_of_odd_bodies_give_the_same_errors_and_series() {
        let mut random = Random(42);
        let big = big_body(20, 200);
        let bodies = [
            // Cut mid-way, an escape in one value, trailing garbage, an error with a long text.
            big[..big.len() * 2 / 3].to_owned(),
            big.replacen(r#""1e-12""#, r#""1\u0065-12""#, 1)
                .replacen(r#",""#, r#","\u0031"#, 1),
            big.clone() + "]",
            format!(
                r#"{{"status":"error","errorType":"execution","error":"{}"}}"#,
                "x".repeat(100_000)
            ),
        ];
        for body in &bodies {
            let body = body.as_bytes();
            for max_piece in [3, 500, 20_000] {
                let cuts = random_cuts(body, &mut random, max_piece);
                assert_same(
                    decode_range_chunks(cut_at(body, &cuts)),
                    decode_range_body(body),
                    &format!("pieces up to {max_piece} bytes"),
                );
            }
        }
    }

    #[test]
    fn the_series_are_decoded_while_the_body_arrives() {
        let body = big_body(30, 100);
        let body = body.as_bytes();
        let mut decoder = RangeStreamDecoder::new();
        for end in (0..body.len()).step_by(4096) {
            decoder.received(&body[..end]);
        }
        // Everything but the last chunk: all series but the ones in that chunk are done.
        let done = decoder.streamed_series();
        assert!(decoder.is_streaming());
        assert!(
            done >= 25,
            "{done} of 30 series decoded before the last chunk"
        );
        decoder.received(body);
        assert_eq!(decoder.streamed_series(), 30);
        assert_same(decoder.finish(body), decode_range_body(body), "streamed");
    }

    #[test]
    fn a_body_not_in_the_layout_is_left_whole_and_the_head_is_not_walked_forever() {
        let mut decoder = RangeStreamDecoder::new();
        let padding = format!(
            r#"{{"status":"success","x":"{}"#,
            "p".repeat(MAX_HEAD_BYTES)
        );
        decoder.received(padding.as_bytes());
        assert!(!decoder.is_streaming(), "a head over the bound is given up");

        // A series the scanner refuses makes every later `}` a failed candidate end.
        let refused = r#"{"metric":{},"values":[[1,"\u0031"]]}"#;
        let good = r#"{"metric":{"a":"b"},"values":[[1,"1"]]}"#;
        let body = matrix(&format!("[{refused},{}]", [good; 20].join(",")));
        let mut decoder = RangeStreamDecoder::new();
        decoder.received(body.as_bytes());
        assert!(!decoder.is_streaming(), "the streaming gives up");
        assert_eq!(decoder.streamed_series(), 0);
        assert_same(
            decoder.finish(body.as_bytes()),
            decode_range_body(body.as_bytes()),
            "decoded whole",
        );
    }
}
