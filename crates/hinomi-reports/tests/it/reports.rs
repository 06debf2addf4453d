//! Reports rendered from a real store: Markdown and a self-contained HTML file.

use chrono::{DateTime, Duration, Utc};
use hinomi_core::clock::FakeClock;
use hinomi_incidents::*;
use hinomi_reports::{ReportFormat, ReportInput, ReportLanguage, write_report};
use std::collections::BTreeMap;
use std::sync::Arc;

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
        .unwrap()
        .to_utc()
}

fn sample(dir: &std::path::Path, note: &str) -> ReportInput {
    let clock = FakeClock::at(start());
    let store =
        IncidentStore::open(&dir.join("incidents.sqlite"), Arc::new(clock.clone())).unwrap();
    let inc = store
        .create_incident(NewIncident {
            title: "High error rate 高エラー率".into(),
            description: String::new(),
            severity: Severity::P1,
            commander: Some("山田".into()),
            assignees: vec!["sato".into()],
            labels: BTreeMap::new(),
            actor: Some("山田".into()),
        })
        .unwrap();
    clock.advance(std::time::Duration::from_secs(240));
    store.acknowledge(&inc.id, Some("山田")).unwrap();
    store.add_note(&inc.id, note, None, Some("山田")).unwrap();
    store
        .pin_evidence(
            &inc.id,
            EvidenceData::Metric(MetricSnapshot {
                annotations: Vec::new(),
                title: "5xx rate".into(),
                query: "rate(http_requests_total{code=~\"5..\"}[5m])".into(),
                datasource: "prometheus".into(),
                range: TimeRange {
                    start: start(),
                    end: start() + Duration::minutes(10),
                    step_seconds: Some(60.0),
                },
                unit: None,
                series: vec![MetricSeries::from_samples(
                    BTreeMap::from([("job".to_string(), "api".to_string())]),
                    &[(1.0, 0.1), (2.0, 0.5), (3.0, f64::NAN), (4.0, 0.9)],
                )],
            }),
            Some("山田"),
        )
        .unwrap();
    let mut pm = Postmortem::empty(&inc.id);
    pm.summary = "決済APIでエラー率が上昇した。".into();
    pm.root_cause = "接続プールの枯渇".into();
    pm.action_items.push(ActionItem {
        id: None,
        description: "プール上限を監視する".into(),
        owner: "佐藤".into(),
        due_date: None,
        status: ActionStatus::Open,
        updated_at: None,
    });
    store.save_postmortem(&pm).unwrap();
    let timeline = store
        .timeline_page(&TimelineQuery {
            incident_id: inc.id.clone(),
            order: TimelineOrder::OldestFirst,
            after: None,
            limit: 1000,
        })
        .unwrap()
        .entries;
    ReportInput {
        incident: store.get_incident(&inc.id).unwrap(),
        timeline,
        evidence: store.list_evidence(&inc.id).unwrap(),
        postmortem: store.get_postmortem(&inc.id).unwrap(),
    }
}

#[test]
fn html_is_self_contained_and_escapes_notes() {
    let dir = tempfile::tempdir().unwrap();
    let input = sample(
        dir.path(),
        "**Rolled back** <script>alert(1)</script> <b onclick=alert(2)>x</b>",
    );
    let out = write_report(
        &input,
        ReportFormat::Html,
        ReportLanguage::En,
        &dir.path().join("out"),
    )
    .unwrap();
    assert!(out.path.ends_with("-high-error-rate.html"), "{}", out.path);
    let html = std::fs::read_to_string(&out.path).unwrap();
    let lower = html.to_lowercase();
    for forbidden in [
        "http:",
        "https:",
        "ftp:",
        "file:",
        "data:",
        "src=",
        "href",
        "url(",
        "@import",
        "<script",
        "<img",
        "<link",
        "<iframe",
        "<object",
        "@font-face",
    ] {
        assert!(!lower.contains(forbidden), "report contains {forbidden:?}");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<b onclick"));
    assert!(html.contains("決済APIでエラー率が上昇した。"));
    assert!(
        html.contains("<svg class=\"chart\""),
        "the metric snapshot is drawn inline"
    );
    assert!(
        html.contains("<path d=\"M"),
        "the series is drawn as a line"
    );
    assert!(html.contains("@media print"));
    assert!(html.contains("4 min 00 s"), "time to acknowledge is shown");
}

#[test]
fn markdown_has_every_section_and_the_note_verbatim() {
    let dir = tempfile::tempdir().unwrap();
    let input = sample(dir.path(), "rolled back `v2.3`");
    let out = write_report(
        &input,
        ReportFormat::Markdown,
        ReportLanguage::En,
        dir.path(),
    )
    .unwrap();
    let md = std::fs::read_to_string(&out.path).unwrap();
    for expected in [
        "# INC-20261124-001 High error rate 高エラー率",
        "## Summary",
        "## Root cause",
        "| プール上限を監視する | 佐藤 |",
        "> rolled back `v2.3`",
        "Time to acknowledge | 4 min 00 s",
        "### 5xx rate",
        // The pinned chart as a text sparkline from the stored samples (NaN is a gap).
        "▁                   ▅                                      █ job=api",
    ] {
        assert!(md.contains(expected), "missing {expected:?} in\n{md}");
    }
}

#[test]
fn an_unwritable_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = sample(dir.path(), "n");
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let err = hinomi_core::HinomiError::from(
        write_report(
            &input,
            ReportFormat::Markdown,
            ReportLanguage::En,
            &file.join("sub"),
        )
        .unwrap_err(),
    );
    assert_eq!(err.code, hinomi_core::ErrorCode::Io);
    assert!(
        err.message.contains("Cannot write the report"),
        "{}",
        err.message
    );
}

fn pdf_text(path: &str) -> String {
    let text = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", path, "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(text.status.success());
    String::from_utf8(text.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Exported while the app is in Japanese: the fixed words are Japanese in all three formats,
/// what people wrote is unchanged.
#[test]
fn japanese_reports_have_japanese_headings_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let input = sample(dir.path(), "rolled back");
    let ja = ReportLanguage::Ja;
    let pdf = write_report(&input, ReportFormat::Pdf, ja, &dir.path().join("ja")).unwrap();
    let text = pdf_text(&pdf.path);
    for expected in [
        "概要",
        "根本原因",
        "再発防止策",
        "タイムライン",
        "エビデンス",
        "確認までの時間:4min00s",
        "ステータス:検知",
        "決済APIでエラー率が上昇した。",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
    assert!(!text.contains("Rootcause"), "{text}");

    let html = write_report(&input, ReportFormat::Html, ja, &dir.path().join("ja")).unwrap();
    let html = std::fs::read_to_string(&html.path).unwrap();
    assert!(html.contains("<html lang=\"ja\">"));
    assert!(html.contains("<h2>根本原因</h2>"), "{html}");
    let md = write_report(&input, ReportFormat::Markdown, ja, &dir.path().join("ja")).unwrap();
    let md = std::fs::read_to_string(&md.path).unwrap();
    assert!(md.contains("## 再発防止策"), "{md}");
    assert!(md.contains("| 重大度 | P1 |"), "{md}");

    let en = write_report(
        &input,
        ReportFormat::Markdown,
        ReportLanguage::En,
        dir.path(),
    )
    .unwrap();
    let en = std::fs::read_to_string(&en.path).unwrap();
    assert!(
        en.contains("## Root cause") && !en.contains("根本原因"),
        "{en}"
    );
}

/// The PDF carries its own Japanese font: `pdftotext` (poppler) reads the Japanese back, and
/// `pdftoppm` renders the pages (look at them: target/report-preview/).
#[test]
fn pdf_renders_japanese_with_the_bundled_font() {
    let dir = tempfile::tempdir().unwrap();
    let input = sample(dir.path(), "ロールバックで回復 <script>alert(1)</script>");
    let out = write_report(&input, ReportFormat::Pdf, ReportLanguage::En, dir.path()).unwrap();
    assert!(out.path.ends_with("-high-error-rate.pdf"), "{}", out.path);
    let bytes = std::fs::read(&out.path).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", &out.path, "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(text.status.success());
    let text: String = String::from_utf8(text.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for expected in [
        "決済APIでエラー率が上昇した。",
        "接続プールの枯渇",
        "プール上限を監視する",
        "ロールバックで回復<script>alert(1)</script>",
        "Higherrorrate高エラー率",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
    let fonts = std::process::Command::new("pdffonts")
        .arg(&out.path)
        .output()
        .unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    assert!(fonts.contains("NotoSansCJKjp"), "{fonts}");
    assert!(
        fonts.lines().skip(2).all(|l| l.contains(" yes ")),
        "every font is embedded: {fonts}"
    );
    if let Ok(preview) = std::env::var("REPORT_PREVIEW_DIR") {
        std::fs::create_dir_all(&preview).unwrap();
        let status = std::process::Command::new("pdftoppm")
            .args(["-png", "-r", "60", &out.path, &format!("{preview}/report")])
            .status()
            .unwrap();
        assert!(status.success());
    }
}
