//! Timeline paging and pinned evidence.

use crate::common::{Fixture, at};
use hinomi_incidents::{
    AlertSnapshot, AlertState, EvidenceData, LogExcerpt, LogLine, MetricSeries, MetricSnapshot,
    NewIncident, Severity, TimeRange, TimelineEvent, TimelineOrder, TimelineQuery,
};
use std::collections::{BTreeMap, HashSet};

fn create(f: &Fixture) -> String {
    f.store
        .create_incident(NewIncident {
            title: "paging".into(),
            description: String::new(),
            severity: Severity::P2,
            commander: None,
            assignees: vec![],
            labels: Default::default(),
            actor: None,
        })
        .unwrap()
        .id
}

fn all_pages(f: &Fixture, id: &str, order: TimelineOrder, limit: u32) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut after = None;
    loop {
        let page = f
            .store
            .timeline_page(&TimelineQuery {
                incident_id: id.to_string(),
                order,
                after: after.clone(),
                limit,
            })
            .unwrap();
        pages.push(page.entries.iter().map(|e| e.id.clone()).collect());
        match page.next_cursor {
            Some(cursor) => after = Some(cursor),
            None => return pages,
        }
    }
}

#[test]
fn pages_cover_every_entry_once_in_order() {
    let f = Fixture::new();
    let id = create(&f);
    // 600 notes, many sharing one back-dated millisecond, so page boundaries fall inside ties.
    let mut expected = Vec::new();
    for n in 0..600 {
        let occurred = if n % 3 == 0 {
            Some(at("2026-11-24T08:30:00Z"))
        } else {
            None
        };
        if n % 10 == 0 {
            f.seconds(1);
        }
        let entry = f
            .store
            .add_note(&id, &format!("note {n}"), occurred, None)
            .unwrap();
        expected.push((entry.occurred_at, n, entry.id));
    }
    // "created" comes first: it happened at 09:00, before the non-back-dated notes.
    expected.sort_by_key(|(occurred, n, _)| (*occurred, *n));

    let pages = all_pages(&f, &id, TimelineOrder::OldestFirst, 64);
    assert_eq!(pages.len(), 601usize.div_ceil(64));
    assert!(pages.iter().all(|p| p.len() <= 64));
    let flat: Vec<String> = pages.concat();
    assert_eq!(flat.len(), 601);
    assert_eq!(flat.iter().collect::<HashSet<_>>().len(), 601);
    let notes: Vec<&String> = flat
        .iter()
        .filter(|e| expected.iter().any(|x| &x.2 == *e))
        .collect();
    let expected_ids: Vec<&String> = expected.iter().map(|x| &x.2).collect();
    assert_eq!(notes, expected_ids);

    let mut backwards = all_pages(&f, &id, TimelineOrder::NewestFirst, 100).concat();
    backwards.reverse();
    assert_eq!(backwards, flat);
}

#[test]
fn limits_are_clamped_and_cursors_checked() {
    let f = Fixture::new();
    let id = create(&f);
    let query = |limit, after: Option<&str>| TimelineQuery {
        incident_id: id.clone(),
        order: TimelineOrder::OldestFirst,
        after: after.map(str::to_string),
        limit,
    };
    let page = f.store.timeline_page(&query(0, None)).unwrap();
    assert_eq!(page.entries.len(), 1);
    assert!(page.next_cursor.is_none());
    assert!(f.store.timeline_page(&query(10, Some("bogus"))).is_err());
    let missing = TimelineQuery {
        incident_id: "INC-19990101-001".into(),
        ..query(10, None)
    };
    assert!(f.store.timeline_page(&missing).is_err());
}

fn range() -> TimeRange {
    TimeRange {
        start: at("2026-11-24T08:00:00Z"),
        end: at("2026-11-24T09:00:00Z"),
        step_seconds: Some(15.0),
    }
}

#[test]
fn evidence_is_kept_as_data() {
    let f = Fixture::new();
    let id = create(&f);
    let metric = EvidenceData::Metric(MetricSnapshot {
        annotations: Vec::new(),
        title: "5xx rate".into(),
        query: r#"rate(api_requests_total{status=~"5.."}[5m])"#.into(),
        datasource: "prometheus-demo".into(),
        range: range(),
        unit: Some("req/s".into()),
        series: vec![MetricSeries::from_samples(
            BTreeMap::from([("instance".to_string(), "api-1:8080".to_string())]),
            &[
                (1_795_000_000.0, 0.12),
                (1_795_000_015.0, f64::NAN),
                (1_795_000_030.0, 0.3),
            ],
        )],
    });
    let logs = EvidenceData::Logs(LogExcerpt {
        title: "api errors".into(),
        query: "level:error AND service:dataset-api".into(),
        datasource: "elastic-demo".into(),
        range: range(),
        lines: vec![LogLine {
            timestamp: Some(at("2026-11-24T08:56:01Z")),
            text: "ERROR データセットの保存に失敗しました: timeout".into(),
            fields: BTreeMap::from([("level".to_string(), "error".to_string())]),
        }],
        truncated: true,
    });
    let alert = EvidenceData::Alert(AlertSnapshot {
        labels: BTreeMap::from([("alertname".to_string(), "HighLatency".to_string())]),
        annotations: BTreeMap::from([("summary".to_string(), "高レイテンシを検出".to_string())]),
        starts_at: at("2026-11-24T08:50:00Z"),
        ends_at: None,
        state: AlertState::Firing,
        source: "prometheus-demo".into(),
        generator_url: None,
        fingerprint: None,
    });
    for data in [metric, logs, alert] {
        let entry = f
            .store
            .pin_evidence(&id, data.clone(), Some("sato"))
            .unwrap();
        let TimelineEvent::EvidencePinned {
            evidence_id,
            evidence_kind,
            title,
        } = &entry.event
        else {
            panic!("{entry:?}")
        };
        assert_eq!(*evidence_kind, data.kind());
        assert_eq!(*title, data.title());
        // Read back from a fresh connection: what was pinned is what is stored.
        let stored = f.reopen().get_evidence(evidence_id).unwrap();
        assert_eq!(stored.data, data);
        assert_eq!(stored.pinned_by.as_deref(), Some("sato"));
    }
    assert_eq!(f.store.list_evidence(&id).unwrap().len(), 3);

    let broken = EvidenceData::Metric(MetricSnapshot {
        annotations: Vec::new(),
        title: "broken".into(),
        query: "up".into(),
        datasource: "p".into(),
        range: range(),
        unit: None,
        series: vec![MetricSeries {
            labels: BTreeMap::new(),
            timestamps: vec![1.0],
            values: vec![],
        }],
    });
    assert!(f.store.pin_evidence(&id, broken, None).is_err());
    assert!(f.store.get_evidence("no-such-evidence").is_err());
}
