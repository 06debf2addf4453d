//! Generated seed-format files in, the Discover requests out, with every expected number
//! computed from the generated lines.

use crate::support::*;
use flate2::Compression;
use flate2::write::GzEncoder;
use hinomi_logs::LogFilter;
use hinomi_logs_local::seedgen::SeedLine;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;

struct Loaded {
    _fixture: Fixture,
    source: hinomi_logs_local::LocalLogs,
    lines: Vec<SeedLine>,
}

/// Three files: `app.log`, a rotated `app.log.1.gz` and NDJSON `export.ndjson`.
fn load() -> Loaded {
    let fixture = Fixture::new();
    let lines = generate(42, 3_000);
    let (first, rest) = lines.split_at(1_000);
    let (second, third) = rest.split_at(1_000);
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    for line in first {
        writeln!(gz, "{}", line.to_json()).unwrap();
    }
    std::fs::write(fixture.logs().join("app.log.1.gz"), gz.finish().unwrap()).unwrap();
    write_lines(&fixture.logs().join("app.log"), second);
    write_lines(&fixture.logs().join("export.ndjson"), third);
    let source = fixture.open();
    let report = source.refresh().unwrap();
    assert_eq!(report.lines, 3_000);
    Loaded {
        _fixture: fixture,
        source,
        lines,
    }
}

fn expect(loaded: &Loaded, q: &str, predicate: impl Fn(&SeedLine) -> bool) {
    let expected = loaded.lines.iter().filter(|l| predicate(l)).count();
    assert_eq!(count(&loaded.source, &query(q)), expected, "query {q}");
}

fn words(message: &str) -> Vec<String> {
    hinomi_logs_local::analyze::standard_tokens(message)
}

#[test]
fn queries_count_what_the_generated_lines_say() {
    let l = load();
    assert_eq!(count(&l.source, &query("")), 3_000);
    assert_eq!(count(&l.source, &query("*")), 3_000);
    expect(&l, "level:ERROR", |s| s.level == "ERROR");
    expect(&l, "level:error", |_| false); // keyword: case-sensitive
    expect(&l, "level:ERROR AND context.action:create_dataset", |s| {
        s.level == "ERROR" && s.context.action == "create_dataset"
    });
    expect(
        &l,
        "level:(ERROR OR WARN) AND NOT context.action:upload_file",
        |s| (s.level == "ERROR" || s.level == "WARN") && s.context.action != "upload_file",
    );
    expect(&l, "context.user_id:user1*", |s| {
        s.context.user_id.starts_with("user1")
    });
    expect(&l, "context.user_id:user?", |s| {
        s.context.user_id.len() == 5
    });
    expect(&l, "context.action:/.*_datasets?/", |s| {
        s.context.action.ends_with("_dataset") || s.context.action.ends_with("_datasets")
    });
    expect(&l, "context.user_id:[user10 TO user12]", |s| {
        ("user10".."user12").contains(&s.context.user_id.as_str()) || s.context.user_id == "user12"
    });
    let id = l.lines[10].context.request_id.clone();
    expect(&l, &format!("context.request_id:{id}"), |s| {
        s.context.request_id == id
    });
    expect(&l, &format!("\"{id}\""), |s| s.context.request_id == id);
    expect(&l, "message:timeout", |s| {
        words(&s.message).contains(&"timeout".to_string())
    });
    expect(&l, "message:TIMEOUT", |s| {
        words(&s.message).contains(&"timeout".to_string())
    });
    expect(&l, "message:timeuot~", |s| {
        words(&s.message).contains(&"timeout".to_string())
    });
    expect(&l, "message:\"quota exceeded\"", |s| {
        s.message.contains("quota exceeded")
    });
    expect(&l, "message:\"exceeded quota\"", |_| false);
    expect(&l, "message:\"データセット を 作成\"", |s| {
        s.message.starts_with("データセットを作成")
    });
    expect(&l, "message:\"取得に失敗\"", |s| {
        s.message.contains("取得に失敗")
    });
    // Unquoted CJK: each character is a token, OR-ed (Elasticsearch's default operator).
    expect(&l, "message:失敗", |s| {
        s.message.contains('失') || s.message.contains('敗')
    });
    expect(&l, "message:Dat*", |s| {
        words(&s.message).iter().any(|w| w.starts_with("dat"))
    });
    expect(&l, "connection", |s| {
        words(&s.message).contains(&"connection".to_string())
    });
    expect(&l, "ERROR", |s| {
        s.level == "ERROR" || words(&s.message).contains(&"error".to_string())
    });
    expect(&l, "-level:INFO", |s| s.level != "INFO");
    expect(&l, "NOT level:INFO AND NOT level:WARN", |s| {
        s.level != "INFO" && s.level != "WARN"
    });
    expect(&l, "_exists_:context.request_id", |_| true);
    expect(&l, "context.request_id:*", |_| true);
    expect(&l, "_exists_:context", |_| true);
    expect(&l, "_exists_:nothing.here", |_| false);
    expect(&l, "nothing.here:x", |_| false);
    expect(&l, "context.*:create_dataset", |s| {
        s.context.action == "create_dataset"
    });
    expect(&l, "service:dataset-management AND level:DEBUG", |s| {
        s.level == "DEBUG"
    });
    expect(
        &l,
        "message.keyword:\"Connection refused by upstream storage\"",
        |s| s.message == "Connection refused by upstream storage",
    );
    let cutoff = l.lines[1_500].time_ms;
    let stamp = l.lines[1_500].timestamp.clone();
    expect(&l, &format!("timestamp:[\"{stamp}\" TO *]"), |s| {
        s.time_ms >= cutoff
    });
    expect(&l, &format!("timestamp:<\"{stamp}\""), |s| {
        s.time_ms < cutoff
    });
    let err = l
        .source
        .search(&query("message:\"open"), None, 1)
        .unwrap_err();
    assert!(err.to_string().contains("Cannot parse"), "{err}");
}

#[test]
fn plain_text_lines_are_messages_with_their_time_and_level() {
    let fixture = Fixture::new();
    std::fs::write(
        fixture.logs().join("plain.txt"),
        "2024-05-01 12:00:00 ERROR boom in the plain worker\nno time on this line at all\n",
    )
    .unwrap();
    let source = fixture.open();
    source.refresh().unwrap();
    let l = (source,);
    let page = l.0.search(&query("boom"), None, 10).unwrap();
    assert_eq!(page.hits.len(), 1);
    let hit = &page.hits[0];
    assert_eq!(hit.level.as_deref(), Some("ERROR"));
    assert_eq!(hit.time_ms, Some((START_MS + 2 * 3_600_000) as f64));
    assert!(hit.index.ends_with("plain.txt"));
    // The timeless line keeps its place after the line before it, and is searchable.
    let timeless =
        l.0.search(&query("\"no time on this line\""), None, 10)
            .unwrap();
    assert_eq!(timeless.hits.len(), 1);
    assert_eq!(timeless.hits[0].time_ms, None);
    assert_eq!(
        timeless.hits[0].fields["message"],
        "no time on this line at all"
    );
}

#[test]
fn filters_window_and_histogram_agree_with_the_lines() {
    let l = load();
    let window = hinomi_logs::LogWindow {
        from_ms: l.lines[500].time_ms as f64,
        to_ms: l.lines[2_500].time_ms as f64,
    };
    let in_window =
        |s: &SeedLine| s.time_ms as f64 >= window.from_ms && s.time_ms as f64 <= window.to_ms;
    let mut q = with_filters(
        "",
        vec![
            LogFilter::Is {
                field: "level".into(),
                value: "ERROR".into(),
                negate: true,
            },
            LogFilter::Exists {
                field: "context.user_id".into(),
                negate: false,
            },
            LogFilter::Is {
                field: "message".into(),
                value: "Slow query".into(),
                negate: true,
            },
        ],
    );
    q.window = window;
    let expected: Vec<&SeedLine> = l
        .lines
        .iter()
        .filter(|s| in_window(s) && s.level != "ERROR" && !s.message.starts_with("Slow query"))
        .collect();
    assert_eq!(count(&l.source, &q), expected.len());
    let histogram = l.source.histogram(&q).unwrap();
    let (interval, label) = hinomi_logs::elastic::histogram::choose_interval(&window);
    assert_eq!(histogram.interval_label, label);
    let mut by_bucket: BTreeMap<i64, u32> = BTreeMap::new();
    for s in &expected {
        *by_bucket
            .entry(s.time_ms.div_euclid(interval as i64) * interval as i64)
            .or_default() += 1;
    }
    for bucket in &histogram.buckets {
        assert_eq!(
            bucket.count,
            by_bucket
                .get(&(bucket.start_ms as i64))
                .copied()
                .unwrap_or(0),
            "bucket {}",
            bucket.start_ms
        );
    }
    assert_eq!(
        histogram
            .buckets
            .iter()
            .map(|b| b.count as usize)
            .sum::<usize>(),
        expected.len()
    );
    assert!(histogram.buckets.first().unwrap().start_ms <= window.from_ms);
    assert!(histogram.buckets.last().unwrap().start_ms + interval > window.to_ms);
}

#[test]
fn pages_cover_every_line_once_newest_first() {
    let l = load();
    let q = query("level:INFO OR level:WARN");
    let mut seen = HashSet::new();
    let mut after = None;
    let mut previous: Option<(f64, String)> = None;
    loop {
        let page = l.source.search(&q, after.as_ref(), 333).unwrap();
        if page.hits.is_empty() {
            break;
        }
        for hit in &page.hits {
            assert!(seen.insert(hit.id.clone()), "{} twice", hit.id);
            let t = hit.time_ms.unwrap();
            if let Some((pt, _)) = &previous {
                assert!(t <= *pt);
            }
            previous = Some((t, hit.id.clone()));
        }
        after = page.hits.last().map(|h| h.cursor.clone());
    }
    let expected = l
        .lines
        .iter()
        .filter(|s| s.level == "INFO" || s.level == "WARN")
        .count();
    assert_eq!(seen.len(), expected);
    assert_eq!(all_hits(&l.source, &q).len(), expected);
}

#[test]
fn top_values_and_fields() {
    let l = load();
    let top = l
        .source
        .top_values(&query("NOT level:DEBUG"), "context.action", 3)
        .unwrap();
    let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
    for s in l.lines.iter().filter(|s| s.level != "DEBUG") {
        *counts.entry(s.context.action.as_str()).or_default() += 1;
    }
    let mut expected: Vec<(&str, u32)> = counts.into_iter().collect();
    expected.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    expected.truncate(3);
    let got: Vec<(&str, u32)> = top
        .values
        .iter()
        .map(|v| (v.value.as_str(), v.count))
        .collect();
    assert_eq!(got, expected);
    let total = l.lines.iter().filter(|s| s.level != "DEBUG").count() as u32;
    assert_eq!(top.with_field, total);
    assert_eq!(top.total, total);
    let messages = l.source.top_values(&query(""), "message", 50).unwrap();
    assert!(
        messages
            .values
            .iter()
            .any(|v| v.value == "Connection refused by upstream storage")
    );

    let fields = l.source.fields();
    let find = |name: &str| {
        fields
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert_eq!(find("context.request_id").field_type, "keyword");
    assert_eq!(find("level").field_type, "keyword");
    assert_eq!(find("message").field_type, "text");
    assert_eq!(
        find("message").aggregatable_field.as_deref(),
        Some("message.keyword")
    );
    assert_eq!(find("message.keyword").field_type, "keyword");
    assert_eq!(find("timestamp").field_type, "date");
}

#[test]
fn surrounding_lines_come_from_the_same_file_in_order() {
    let l = load();
    let page = l
        .source
        .search(&query("level:ERROR AND log.file.path:*app.log"), None, 5)
        .unwrap();
    let anchor = page.hits[0].clone();
    assert!(anchor.index.ends_with("/app.log"), "{}", anchor.index);
    let around = l.source.surrounding(&anchor, 3, 4, false).unwrap();
    assert_eq!(around.anchor.id, anchor.id);
    let line_of = |id: &str| id.split(':').nth(1).unwrap().parse::<u64>().unwrap();
    let n = line_of(&anchor.id);
    let before: Vec<u64> = around.before.iter().map(|h| line_of(&h.id)).collect();
    let after: Vec<u64> = around.after.iter().map(|h| line_of(&h.id)).collect();
    assert_eq!(
        before,
        ((n.saturating_sub(3)).max(1)..n).collect::<Vec<_>>()
    );
    assert_eq!(after, (n + 1..=(n + 4).min(1_000)).collect::<Vec<_>>());
    assert!(
        around
            .before
            .iter()
            .chain(&around.after)
            .all(|h| h.index == anchor.index)
    );
    let same = l.source.surrounding(&anchor, 5, 5, true).unwrap();
    let rid = &anchor.fields["context.request_id"];
    assert!(
        same.before
            .iter()
            .chain(&same.after)
            .all(|h| &h.fields["context.request_id"] == rid)
    );
}
