//! How arbitrary Grafana JSON looks to TypeScript.
//!
//! Unknown fields are kept as `serde_json::Value`, whose own specta description includes 64-bit
//! integers that the bindings generator refuses (they would lose precision in JavaScript). JSON
//! numbers are JavaScript numbers anyway, so the UI is told exactly that with these stand-ins,
//! used only through `#[specta(type = ...)]`.

use serde::Serialize;
use specta::Type;
use std::collections::BTreeMap;

/// Any JSON value, as the UI receives it.
#[derive(Serialize, Type)]
#[serde(untagged)]
pub enum JsonValue {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<JsonValue>),
    Object(BTreeMap<String, JsonValue>),
}

/// A JSON object: the `extra` maps and panel `options`.
pub type JsonObject = BTreeMap<String, JsonValue>;
