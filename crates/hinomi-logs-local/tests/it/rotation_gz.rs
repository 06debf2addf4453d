//! logrotate's `compress`: a file already read becomes a new `.gz` file with the same
//! content. Its lines must not be indexed a second time; the lines written after the last
//! pass, which only the `.gz` still has, must be.

use crate::support::*;
use flate2::Compression;
use flate2::write::GzEncoder;
use hinomi_logs_local::LocalLogs;
use hinomi_logs_local::seedgen::SeedLine;
use std::io::Write;
use std::path::Path;

fn total(source: &LocalLogs) -> usize {
    count(source, &query(""))
}

/// `gzip file`: `file.gz` with the same content, `file` removed.
fn compress(path: &Path) {
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    gz.write_all(&std::fs::read(path).unwrap()).unwrap();
    let mut target = path.as_os_str().to_owned();
    target.push(".gz");
    std::fs::write(target, gz.finish().unwrap()).unwrap();
    std::fs::remove_file(path).unwrap();
}

/// Every line is in the index exactly once.
fn each_once(source: &LocalLogs, lines: &[SeedLine]) {
    for line in lines {
        let q = query(&format!(
            "context.request_id:\"{}\" AND timestamp:\"{}\" AND message:\"{}\"",
            line.context.request_id, line.timestamp, line.message
        ));
        let want = lines
            .iter()
            .filter(|l| {
                (&l.context.request_id, &l.timestamp, &l.message)
                    == (&line.context.request_id, &line.timestamp, &line.message)
            })
            .count();
        assert_eq!(count(source, &q), want, "{line:?}");
    }
}

#[test]
fn a_rotated_file_compressed_by_logrotate_is_not_indexed_twice() {
    let f = Fixture::new();
    let lines = generate(11, 300);
    let log = f.logs().join("app.log");
    let rotated = f.logs().join("app.log.1");
    write_lines(&log, &lines[..100]);
    let source = f.open();
    source.refresh().unwrap();
    assert_eq!(total(&source), 100);
    // Lines the pass has not seen, then rotation with compression before the next pass.
    write_lines(&log, &lines[100..120]);
    std::fs::rename(&log, &rotated).unwrap();
    compress(&rotated);
    write_lines(&log, &lines[120..130]);
    assert_eq!(source.refresh().unwrap().lines, 30);
    assert_eq!(total(&source), 130);
    each_once(&source, &lines[..130]);
    let from_gz = query(&format!("log.file.path:\"{}.gz\"", rotated.display()));
    assert_eq!(
        all_hits(&source, &from_gz).len(),
        20,
        "only the lines the plain file had not given"
    );
    let status = source.status();
    let gz = status
        .files
        .iter()
        .find(|f| f.path.ends_with(".gz"))
        .unwrap();
    assert_eq!(
        gz.lines, 120.0,
        "its line numbers go on from the plain file's"
    );
    // A later pass reads nothing more from it.
    assert_eq!(source.refresh().unwrap().lines, 0);
    assert_eq!(total(&source), 130);
}

#[test]
fn delaycompress_the_rotated_file_was_read_then_compressed() {
    let f = Fixture::new();
    let lines = generate(12, 300);
    let log = f.logs().join("app.log");
    let rotated = f.logs().join("app.log.1");
    write_lines(&log, &lines[..100]);
    let source = f.open();
    source.refresh().unwrap();
    // Rotation without compression: the old inode is followed under its new name.
    std::fs::rename(&log, &rotated).unwrap();
    write_lines(&rotated, &lines[100..105]);
    write_lines(&log, &lines[105..150]);
    source.refresh().unwrap();
    assert_eq!(total(&source), 150);
    // Next rotation: app.log.1 is compressed, app.log becomes app.log.1.
    compress(&rotated);
    std::fs::rename(&log, &rotated).unwrap();
    write_lines(&log, &lines[150..160]);
    assert_eq!(source.refresh().unwrap().lines, 10);
    assert_eq!(total(&source), 160);
    each_once(&source, &lines[..160]);
    // Both kept: the compressed copy and the deleted plain file while it is read again.
    let status = source.status();
    assert!(
        status.files.iter().any(|file| file.path.ends_with(".gz")),
        "{status:?}"
    );
}

#[test]
fn an_unrelated_gzip_file_is_read_whole() {
    let f = Fixture::new();
    let lines = generate(13, 200);
    write_lines(&f.logs().join("app.log"), &lines[..100]);
    let source = f.open();
    source.refresh().unwrap();
    let other = f.logs().join("other.log");
    write_lines(&other, &lines[100..200]);
    compress(&other);
    assert_eq!(source.refresh().unwrap().lines, 100);
    assert_eq!(total(&source), 200);
}
