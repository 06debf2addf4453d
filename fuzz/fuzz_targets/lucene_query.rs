//! The local log search bar: Lucene syntax parsed and translated into a tantivy query over a
//! catalog with a field of every kind.
#![no_main]

use hinomi_logs_local::catalog::{Catalog, FieldKind};
use hinomi_logs_local::query::{Context, parse};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn catalog() -> &'static (hinomi_logs_local::schema::Fields, Catalog) {
    static CATALOG: OnceLock<(hinomi_logs_local::schema::Fields, Catalog)> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let (_, fields) = hinomi_logs_local::schema::build();
        let mut catalog = Catalog::default();
        for (name, kind) in [
            ("level", FieldKind::Keyword),
            ("message", FieldKind::Text),
            ("status", FieldKind::Long),
            ("latency", FieldKind::Float),
            ("ok", FieldKind::Boolean),
            ("@timestamp", FieldKind::Date),
            ("context.action", FieldKind::Keyword),
        ] {
            catalog.fields.insert(name.to_string(), kind);
        }
        (fields, catalog)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(node) = parse(text) else {
        return;
    };
    let (fields, catalog) = catalog();
    let context = Context {
        fields,
        catalog,
        now_ms: 1_714_557_605_000,
    };
    let _ = context.full_query(&node, &[], None);
});
