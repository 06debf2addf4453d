//! Complete lines from a byte stream, each with the bytes it took, memory bounded: a line
//! longer than [`MAX_LINE_BYTES`] keeps its first part in memory and the rest is skipped (and
//! counted), so one huge line can neither exhaust memory nor shift the lines after it.

use std::io::{self, BufRead};

/// Bytes of one line kept for indexing; more than any value is indexed anyway.
pub const MAX_LINE_BYTES: usize = 4 * 1024 * 1024;

pub struct Line {
    /// Without the `\n` (and a `\r` before it).
    pub bytes: Vec<u8>,
    /// Bytes consumed from the stream, newline included.
    pub consumed: u64,
    /// The whole line was longer than [`MAX_LINE_BYTES`]; `length` says how long.
    pub cut: bool,
    pub length: u64,
    /// Ended by a newline (else the stream ended first).
    pub complete: bool,
}

/// The next line, or `None` at the end of the stream.
pub fn next_line(reader: &mut impl BufRead) -> io::Result<Option<Line>> {
    let mut bytes = Vec::new();
    Ok(read_line(reader, &mut bytes)?.map(|read| Line {
        bytes,
        consumed: read.consumed,
        cut: read.cut,
        length: read.length,
        complete: read.complete,
    }))
}

/// What [`read_line`] read; the line itself is in the caller's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineRead {
    pub consumed: u64,
    pub cut: bool,
    pub length: u64,
    pub complete: bool,
}

/// The next line into `bytes` (cleared first; the ingest loop reuses one buffer for every
/// line), or `None` at the end of the stream.
pub fn read_line(reader: &mut impl BufRead, bytes: &mut Vec<u8>) -> io::Result<Option<LineRead>> {
    bytes.clear();
    let mut consumed = 0u64;
    let mut cut = false;
    loop {
        let buffer = match reader.fill_buf() {
            Ok(buffer) => buffer,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if buffer.is_empty() {
            if consumed == 0 {
                return Ok(None);
            }
            return Ok(Some(finish(bytes, consumed, cut, false)));
        }
        let (used, done) = match memchr::memchr(b'\n', buffer) {
            Some(at) => (at + 1, true),
            None => (buffer.len(), false),
        };
        let content = if done {
            &buffer[..used - 1]
        } else {
            &buffer[..used]
        };
        let room = MAX_LINE_BYTES.saturating_sub(bytes.len());
        if content.len() > room {
            cut = true;
        }
        bytes.extend_from_slice(&content[..content.len().min(room)]);
        consumed += used as u64;
        reader.consume(used);
        if done {
            return Ok(Some(finish(bytes, consumed, cut, true)));
        }
    }
}

fn finish(bytes: &mut Vec<u8>, consumed: u64, cut: bool, complete: bool) -> LineRead {
    let newline = u64::from(complete);
    if !cut && bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    LineRead {
        length: consumed - newline,
        consumed,
        cut,
        complete,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;

    #[test]
    fn lines_with_offsets_and_an_incomplete_last_line() {
        let data = b"one\r\ntwo\n\nthree";
        let mut reader = BufReader::with_capacity(4, &data[..]);
        let mut seen = Vec::new();
        while let Some(line) = next_line(&mut reader).unwrap() {
            seen.push((
                String::from_utf8(line.bytes).unwrap(),
                line.consumed,
                line.complete,
            ));
        }
        assert_eq!(
            seen,
            [
                ("one".to_string(), 5, true),
                ("two".to_string(), 4, true),
                (String::new(), 1, true),
                ("three".to_string(), 5, false)
            ]
        );
    }

    #[test]
    fn a_huge_line_is_cut_in_memory_but_fully_consumed() {
        let mut data = vec![b'x'; MAX_LINE_BYTES + 10];
        data.extend_from_slice(b"\nnext\n");
        let mut reader = BufReader::new(&data[..]);
        let line = next_line(&mut reader).unwrap().unwrap();
        assert!(line.cut);
        assert_eq!(line.bytes.len(), MAX_LINE_BYTES);
        assert_eq!(line.length, (MAX_LINE_BYTES + 10) as u64);
        assert_eq!(next_line(&mut reader).unwrap().unwrap().bytes, b"next");
    }
}
