//! Over 400 lines: one hand-written scanner and the tests that pin its bits.
//! The hot path of a big range query: a `query_range` answer scanned by hand into `f64`
//! columns, in one pass over the bytes.
//!
//! A range query over 1,000 series × 1,440 points is 1.4 M `[ts, "value"]` pairs. Through serde
//! every pair costs a visitor call, a tuple and a borrowed string, and the columns grow by
//! doubling because the JSON decoder cannot say how many pairs follow; taking the arrays' text
//! lazily instead costs a second pass (the decoder's skip). This scanner reads the bytes
//! Prometheus writes directly: numbers and quoted values without escapes, parsed in place by `fast-float2` (correctly
//! rounded, the same bits as `str::parse`), each series' columns sized like the previous series'.
//! Label maps are small and go through sonic-rs. Anything it does not expect (an error answer,
//! another result type, escapes in a value, a duplicate key) makes it give up with `None`, and
//! the caller decodes the same bytes with the generic serde path, so valid JSON is never
//! misread; the scanner does not validate what it skips, which only the fallback would report.

use crate::query::Series;
use std::collections::BTreeMap;

/// The series of a successful matrix answer, or `None` when the body is anything else or not
/// in the shape Prometheus writes (the caller then uses the general JSON decoder). Public only
/// for the differential fuzz target, which checks it against the serde path.
#[doc(hidden)]
pub fn scan_matrix(body: &[u8]) -> Option<Vec<Series>> {
    let mut series = None;
    scan_envelope(body, |scan| {
        series = Some(scan.series_array()?);
        Some(())
    })?;
    series
}

/// Walks the envelope of a successful matrix answer, handing the scanner to `result` at the
/// value of `data.result` (once); `Some` when the whole body is in Prometheus's layout and
/// `result` read its value. The one walk behind [`scan_matrix`] and the streaming decoder.
fn scan_envelope<'a>(
    body: &'a [u8],
    mut result: impl FnMut(&mut Scanner<'a>) -> Option<()>,
) -> Option<()> {
    let mut scan = Scanner { bytes: body, at: 0 };
    let (mut success, mut matrix, mut has_result) = (false, false, false);
    scan.object(|scan, key| match key {
        b"status" if !success => {
            success = scan.string()? == b"success";
            success.then_some(())
        }
        b"data" if !has_result => scan.object(|scan, key| match key {
            b"resultType" if !matrix => {
                matrix = scan.string()? == b"matrix";
                matrix.then_some(())
            }
            b"result" if !has_result => {
                result(scan)?;
                has_result = true;
                Some(())
            }
            b"resultType" | b"result" => None,
            _ => scan.skip_value(),
        }),
        b"status" | b"data" => None,
        _ => scan.skip_value(),
    })?;
    scan.skip_space();
    (success && matrix && has_result && scan.at == body.len()).then_some(())
}

/// Where the value of `data.result` starts in the head of a body still arriving, when the
/// envelope walk of [`scan_matrix`] gets there in `head` (it stops there, reading nothing of
/// the value).
pub(crate) fn result_value_start(head: &[u8]) -> Option<usize> {
    let mut start = None;
    scan_envelope(head, |scan| {
        start = Some(scan.at);
        // Stops the walk: the rest has not arrived.
        None
    });
    start
}

/// Whether `body` is a successful matrix in Prometheus's layout whose `data.result` value
/// spans exactly `value` (the series array, read apart by the streaming decoder): then
/// [`scan_matrix`] gives the series read from that span.
pub(crate) fn envelope_around(body: &[u8], value: std::ops::Range<usize>) -> bool {
    scan_envelope(body, |scan| {
        (scan.at == value.start).then(|| scan.at = value.end)
    })
    .is_some()
}

/// One element of a `data.result` array, `{"metric": {...}, "values": [...]}` and nothing
/// else, read as [`scan_matrix`] reads it; its columns are sized for `expected_points`.
pub(crate) fn scan_series(element: &[u8], expected_points: usize) -> Option<Series> {
    let mut scan = Scanner {
        bytes: element,
        at: 0,
    };
    let series = scan.series(expected_points)?;
    (scan.at == element.len()).then_some(series)
}

/// A sample value as Prometheus writes it: a Go float ("1", "0.25", "1e-07", "NaN", "+Inf",
/// "-Inf"). Anything unreadable is NaN, like a gap.
pub(crate) fn parse_value(text: &str) -> f64 {
    match text {
        "+Inf" | "Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        other => fast_float2::parse(other).unwrap_or(f64::NAN),
    }
}

/// A number at the start of `bytes` and its length: `fast-float2`'s correctly rounded parse,
/// which gives the same bits as `str::parse`. Words (`NaN`, `Inf`) are left to
/// [`parse_value`]: they are quoted sample values, never JSON numbers.
fn number_prefix(bytes: &[u8]) -> Option<(f64, usize)> {
    match bytes.first() {
        Some(b'0'..=b'9' | b'-') => fast_float2::parse_partial(bytes).ok(),
        _ => None,
    }
}

struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.next()? == byte).then_some(())
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.at += 1;
        }
    }

    /// A string's raw bytes between the quotes; `None` when it has escapes.
    fn string(&mut self) -> Option<&'a [u8]> {
        self.skip_space();
        self.expect(b'"')?;
        let start = self.at;
        let length = self.bytes[start..].iter().position(|&b| b == b'"')?;
        let text = &self.bytes[start..start + length];
        if text.contains(&b'\\') {
            return None;
        }
        self.at = start + length + 1;
        Some(text)
    }

    /// `{"key": value, ...}`, calling `field` with the scanner at each value.
    fn object(&mut self, mut field: impl FnMut(&mut Self, &'a [u8]) -> Option<()>) -> Option<()> {
        self.skip_space();
        self.expect(b'{')?;
        self.skip_space();
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.skip_space();
            self.expect(b':')?;
            self.skip_space();
            field(self, key)?;
            self.skip_space();
            match self.next()? {
                b',' => self.skip_space(),
                b'}' => return Some(()),
                _ => return None,
            }
        }
    }

    /// Any JSON value, not validated (the fallback decoder would report what is wrong).
    fn skip_value(&mut self) -> Option<()> {
        self.skip_space();
        let mut depth = 0usize;
        loop {
            match self.next()? {
                b'"' => loop {
                    match self.next()? {
                        b'\\' => self.at += 1,
                        b'"' => break,
                        _ => {}
                    }
                },
                b'{' | b'[' => depth += 1,
                b'}' | b']' => depth = depth.checked_sub(1)?,
                _ => {}
            }
            let scalar_ends = matches!(
                self.peek(),
                Some(b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') | None
            );
            if depth == 0 && scalar_ends {
                return Some(());
            }
        }
    }

    /// `[{"metric": {...}, "values": [...]}, ...]`.
    fn series_array(&mut self) -> Option<Vec<Series>> {
        self.skip_space();
        self.expect(b'[')?;
        let mut all = Vec::new();
        // Series of one answer usually have the same number of points: size each like the last.
        let mut expected_points = 0;
        self.skip_space();
        if self.peek()? == b']' {
            self.at += 1;
            return Some(all);
        }
        loop {
            let series = self.series(expected_points)?;
            expected_points = series.timestamps.len();
            all.push(series);
            self.skip_space();
            match self.next()? {
                b',' => self.skip_space(),
                b']' => return Some(all),
                _ => return None,
            }
        }
    }

    /// `{"metric": {...}, "values": [...]}`, the columns sized for `expected_points`.
    fn series(&mut self, expected_points: usize) -> Option<Series> {
        let (mut labels, mut columns) = (None, None);
        self.object(|scan, key| match key {
            b"metric" if labels.is_none() => {
                let start = scan.at;
                scan.skip_value()?;
                labels = Some(
                    sonic_rs::from_slice::<BTreeMap<String, String>>(&scan.bytes[start..scan.at])
                        .ok()?,
                );
                Some(())
            }
            b"values" if columns.is_none() => {
                columns = Some(scan.pairs(expected_points)?);
                Some(())
            }
            b"metric" | b"values" => None,
            _ => scan.skip_value(),
        })?;
        let (timestamps, values) = columns.unwrap_or_default();
        Some(Series {
            labels: labels.unwrap_or_default(),
            timestamps,
            values,
        })
    }

    /// `[[ts, "v"], ...]` as (timestamps, values).
    fn pairs(&mut self, capacity: usize) -> Option<(Vec<f64>, Vec<f64>)> {
        self.expect(b'[')?;
        let mut timestamps = Vec::with_capacity(capacity);
        let mut values = Vec::with_capacity(capacity);
        self.skip_space();
        if self.peek()? == b']' {
            self.at += 1;
            return Some((timestamps, values));
        }
        loop {
            self.expect(b'[')?;
            self.skip_space();
            timestamps.push(self.number()?);
            self.skip_space();
            self.expect(b',')?;
            self.skip_space();
            values.push(self.quoted_value()?);
            self.skip_space();
            self.expect(b']')?;
            self.skip_space();
            match self.next()? {
                b',' => self.skip_space(),
                b']' => return Some((timestamps, values)),
                _ => return None,
            }
        }
    }

    /// A JSON number (the timestamp: seconds, up to millisecond decimals).
    fn number(&mut self) -> Option<f64> {
        if let Some((value, length)) = number_prefix(&self.bytes[self.at..])
            && let Some(b',' | b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.at + length)
        {
            self.at += length;
            return Some(value);
        }
        let start = self.at;
        while let Some(b'0'..=b'9' | b'.' | b'-' | b'+' | b'e' | b'E') = self.peek() {
            self.at += 1;
        }
        std::str::from_utf8(&self.bytes[start..self.at])
            .ok()?
            .parse()
            .ok()
    }

    /// `"..."` without escapes, parsed as a sample value.
    fn quoted_value(&mut self) -> Option<f64> {
        if self.bytes.get(self.at) == Some(&b'"')
            && let Some((value, length)) = number_prefix(&self.bytes[self.at + 1..])
            && self.bytes.get(self.at + 1 + length) == Some(&b'"')
        {
            self.at += length + 2;
            return Some(value);
        }
        Some(parse_value(std::str::from_utf8(self.string()?).ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(json: &str) -> Option<(Vec<f64>, Vec<f64>)> {
        let mut scanner = Scanner {
            bytes: json.as_bytes(),
            at: 0,
        };
        scanner.skip_space();
        let columns = scanner.pairs(0)?;
        scanner.skip_space();
        (scanner.at == json.len()).then_some(columns)
    }

    fn matrix(result: &str) -> String {
        format!(r#"{{"status":"success","data":{{"resultType":"matrix","result":{result}}}}}"#)
    }

    #[test]
    fn reads_pairs_into_columns() {
        let (t, v) =
            scan(r#"[[1700000000,"1"],[1700000015.5,"0.25"],[1700000030.123,"-3"]]"#).unwrap();
        assert_eq!(t, vec![1_700_000_000.0, 1_700_000_015.5, 1_700_000_030.123]);
        assert_eq!(v, vec![1.0, 0.25, -3.0]);
    }

    #[test]
    fn whitespace_and_empty_arrays_are_fine() {
        let (t, v) = scan(" [ [ 1 , \"2\" ] ,\n\t[3,\"4\"] ] ").unwrap();
        assert_eq!((t, v), (vec![1.0, 3.0], vec![2.0, 4.0]));
        let (t, v) = scan("[ ]").unwrap();
        assert!(t.is_empty() && v.is_empty());
    }

    #[test]
    fn special_values_prometheus_sends() {
        let (_, v) = scan(
            r#"[[1,"NaN"],[2,"+Inf"],[3,"-Inf"],[4,"1e-07"],[5,"42"],[6,"1.7976931348623157e+308"],[7,"1e+309"],[8,"-0"],[9,"4.9e-324"]]"#,
        )
        .unwrap();
        assert!(v[0].is_nan());
        assert_eq!(v[1], f64::INFINITY);
        assert_eq!(v[2], f64::NEG_INFINITY);
        assert_eq!(v[3], 1e-7);
        assert_eq!(v[4], 42.0);
        assert_eq!(v[5], f64::MAX);
        // A huge exponent overflows to infinity, as Go's ParseFloat and Rust's parser both do.
        assert_eq!(v[6], f64::INFINITY);
        assert!(v[7] == 0.0 && v[7].is_sign_negative());
        assert_eq!(v[8], 4.9e-324);
    }

    #[test]
    fn unreadable_values_are_gaps() {
        let (_, v) = scan(r#"[[1,"abc"],[2,""],[3,"1.2.3"],[4,"."],[5,"--1"],[6,"-"]]"#).unwrap();
        assert!(v.iter().all(|x| x.is_nan()), "{v:?}");
    }

    #[test]
    fn parsed_values_have_the_std_parsers_bits() {
        for text in [
            "0.1",
            "0.3",
            "123.456",
            "-98765.4321",
            "99999.999999999",
            "0.000000000000000000001",
            "1234567890.12345",
            "3.14159265358979",
            "100",
            "0",
            "1.",
            ".5",
        ] {
            let general: f64 = text.parse().unwrap();
            assert_eq!(
                parse_value(text).to_bits(),
                general.to_bits(),
                "{text} read differently"
            );
        }
        // More digits than an f64 holds: still the correctly rounded answer.
        let long = "0.12345678901234567890123";
        assert_eq!(parse_value(long), long.parse::<f64>().unwrap());
        let (value, length) = number_prefix(b"0.00000000000000000000001,").unwrap();
        assert_eq!((value, length), (1e-23, 25));
        assert_eq!(
            number_prefix(b"NaN"),
            None,
            "words are sample values, not JSON numbers"
        );
    }

    #[test]
    fn pairs_it_does_not_expect_are_refused() {
        assert!(scan(r#"[[1,"1\u0030"]]"#).is_none());
        assert!(scan(r#"[{"t":1}]"#).is_none());
        assert!(scan(r#"[[1,"1"]"#).is_none());
        assert!(scan(r#"[[1,"1"]] x"#).is_none());
        assert!(scan(r#"[[1,2]]"#).is_none());
        assert!(scan(r#"[[1,"2",3]]"#).is_none());
        assert!(scan(r#"[["1","2"]]"#).is_none());
        assert!(scan("").is_none());
    }

    #[test]
    fn reads_a_matrix_and_skips_fields_it_does_not_use() {
        let body = r#"{"status":"success","warnings":["w"],"data":{"stats":{"a":[1,{"b":"}]"}]},"resultType":"matrix","result":[
                {"metric":{"job":"a","q":"x\"y"},"values":[[1,"1"],[2,"2"]],"histograms":[]},
                {"values":[[1,"3"]],"metric":{}},
                {"metric":{"job":"c"}}]},"infos":null}"#;
        let series = scan_matrix(body.as_bytes()).unwrap();
        assert_eq!(series.len(), 3);
        assert_eq!(series[0].labels["q"], "x\"y");
        assert_eq!(series[0].values, vec![1.0, 2.0]);
        assert_eq!(series[1].timestamps, vec![1.0]);
        assert!(series[1].labels.is_empty());
        assert!(series[2].values.is_empty());
        assert!(scan_matrix(matrix("[]").as_bytes()).unwrap().is_empty());
    }

    #[test]
    fn a_series_is_sized_like_the_one_before() {
        let series = scan_matrix(
            matrix(
                r#"[{"values":[[1,"1"],[2,"2"],[3,"3"]]},{"values":[[1,"1"],[2,"2"],[3,"3"]]}]"#,
            )
            .as_bytes(),
        )
        .unwrap();
        assert_eq!(series[1].values.capacity(), 3);
        assert_eq!(series[1].timestamps.capacity(), 3);
    }

    #[test]
    fn anything_but_a_plain_successful_matrix_is_left_to_serde() {
        for body in [
            r#"{"status":"error","errorType":"bad_data","error":"x"}"#.to_owned(),
            r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#.to_owned(),
            r#"{"status":"success","status":"success","data":{"resultType":"matrix","result":[]}}"#
                .to_owned(),
            r#"{"status":"success","data":{"result":[]}}"#.to_owned(),
            matrix(r#"[{"metric":{},"metric":{},"values":[]}]"#),
            matrix(r#"[{"metric":{"a":1},"values":[]}]"#),
            matrix(r#"[{"values":[[1,"1"]]}"#),
            matrix("[]") + "x",
            String::new(),
        ] {
            assert!(scan_matrix(body.as_bytes()).is_none(), "{body}");
        }
    }
}
