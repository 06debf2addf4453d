//! Properties of the local query bar (Lucene syntax parsed and translated to tantivy), on one
//! small generated index: any text gives hits or a clear error, never a panic; every query of
//! the grammar the bar documents translates and runs; and the boolean operators keep their
//! set meaning (`a AND b` ⊆ `a`, `a` ⊆ `a OR b`, `a` and `NOT a` split the whole).

use crate::support::*;
use hinomi_logs_local::LocalLogs;
use hinomi_logs_local::seedgen::ACTIONS;
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// Sixty lines of the seed's shape, indexed once for every case.
fn source() -> &'static LocalLogs {
    static SOURCE: OnceLock<(Fixture, LocalLogs)> = OnceLock::new();
    &SOURCE
        .get_or_init(|| {
            let fixture = Fixture::new();
            write_lines(&fixture.logs().join("app.log"), &generate(12, 60));
            let source = fixture.open();
            source.refresh().unwrap();
            (fixture, source)
        })
        .1
}

fn ids(text: &str) -> BTreeSet<String> {
    let hits = all_hits(source(), &query(text));
    hits.into_iter().map(|hit| hit.id).collect()
}

const WORDS: &[&str] = &[
    "dataset",
    "created",
    "timeout",
    "quota",
    "storage",
    "upstream",
    "slow",
    "query",
    "cache",
    "miss",
    "ms",
    "データセット",
    "completed",
    "nothing",
];

fn leaf() -> impl Strategy<Value = String> {
    let word = prop::sample::select(WORDS).prop_map(str::to_string);
    prop_oneof![
        word.clone(),
        word.clone().prop_map(|w| format!("message:{w}")),
        prop::sample::select(&["INFO", "WARN", "ERROR", "DEBUG", "info"][..])
            .prop_map(|l| format!("level:{l}")),
        prop::sample::select(ACTIONS).prop_map(|a| format!("context.action:{a}")),
        (1u32..30).prop_map(|n| format!("context.user_id:user{n}")),
        (prop::sample::select(WORDS), prop::sample::select(WORDS))
            .prop_map(|(a, b)| format!("\"{a} {b}\"")),
        word.clone().prop_map(|w| format!(
            "{}*",
            &w[..w.char_indices().nth(2).map_or(w.len(), |(i, _)| i)]
        )),
        word.prop_map(|w| format!("{w}~1")),
        Just("_exists_:context.action".to_string()),
        Just("context.request_id:*".to_string()),
        Just("@timestamp:[now-2d TO now]".to_string()),
        Just("timestamp:>=\"2024-05-01T10:00:30\"".to_string()),
        Just("level:/W.*/".to_string()),
        Just("level:(WARN OR ERROR)".to_string()),
    ]
}

fn bar_query() -> impl Strategy<Value = String> {
    leaf().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) AND ({b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) OR ({b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} {b}")),
            inner.clone().prop_map(|a| format!("NOT ({a})")),
            inner.clone().prop_map(|a| format!("-({a})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("+({a}) -({b})")),
        ]
    })
}

/// The properties below are only worth something if the leaves split the lines.
#[test]
fn the_index_has_every_line_and_the_leaves_split_it() {
    assert_eq!(ids("").len(), 60);
    for leaf in [
        "level:INFO",
        "message:dataset",
        "_exists_:context.action",
        "quot*",
        "level:(WARN OR ERROR)",
    ] {
        let hits = ids(leaf).len();
        assert!(
            hits > 0 && hits < 60 || leaf.starts_with("_exists_"),
            "{leaf}: {hits} of 60"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_text_gives_hits_or_an_error_never_a_panic(text in any::<String>()) {
        let _ = source().search(&query(&text), None, 5);
    }

    #[test]
    fn lucene_like_text_gives_hits_or_an_error(text in r#"[a-z:*?~^"()\[\]{}/\\ +\-!&|0-9.]{0,30}"#) {
        let _ = source().search(&query(&text), None, 5);
    }

    #[test]
    fn every_query_of_the_grammar_runs(text in bar_query()) {
        let result = source().search(&query(&text), None, 5);
        prop_assert!(result.is_ok(), "{text}: {:?}", result.err());
    }

    #[test]
    fn boolean_operators_keep_their_set_meaning(a in bar_query(), b in bar_query()) {
        let (hits_a, hits_b) = (ids(&a), ids(&b));
        let both = ids(&format!("({a}) AND ({b})"));
        prop_assert!(both.is_subset(&hits_a) && both.is_subset(&hits_b), "{a} AND {b}");
        prop_assert_eq!(&both, &hits_a.intersection(&hits_b).cloned().collect(), "{} AND {}", a, b);
        let either = ids(&format!("({a}) OR ({b})"));
        prop_assert_eq!(&either, &hits_a.union(&hits_b).cloned().collect(), "{} OR {}", a, b);
        let not_a = ids(&format!("NOT ({a})"));
        prop_assert!(not_a.is_disjoint(&hits_a), "NOT {a}");
        prop_assert_eq!(not_a.len() + hits_a.len(), 60, "NOT {} with {} leaves out lines", a, a);
    }
}
