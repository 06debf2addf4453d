//! A JSON object line flattened straight from the parser into dotted leaves, without building a
//! `serde_json::Value` tree: strings stay slices of the line (only escaped ones are copied),
//! paths and keys go into buffers reused from line to line.
//!
//! It is the same parser (serde_json's), so what is valid JSON, how numbers are read and how
//! deep a line may nest are unchanged. It must also give the leaves in the order
//! [`super::flatten_leaves`] gives them over `serde_json::Map`, because the order of values is
//! the order of positions in the index: the keys of each object are put in the map's order
//! (sorted, unless serde_json's `preserve_order` feature is on somewhere in the build — asked
//! once at run time). What the fast path does not reproduce is handed back as
//! [`Outcome::Unsupported`] and the line goes through the `Value` path: duplicate keys (a map
//! keeps only the last), serde_json's raw-value marker key.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

/// A leaf value; strings as a range of the line or of [`Flat::owned`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RawValue {
    Borrowed(u32, u32),
    Owned(u32, u32),
    Int(i64),
    Float(f64),
    Bool(bool),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawLeaf {
    /// Range of [`Flat::paths`].
    pub path: (u32, u32),
    pub value: RawValue,
}

pub enum Outcome {
    /// A JSON object: [`Flat::leaves`] holds it.
    Object,
    /// Not a JSON object (a plain line).
    NotObject,
    /// A JSON object the fast path does not reproduce exactly.
    Unsupported,
}

/// Buffers reused from line to line.
#[derive(Default)]
pub struct Flat {
    pub leaves: Vec<RawLeaf>,
    pub paths: String,
    pub owned: String,
    prefix: String,
    keys: String,
    entries: Vec<Entry>,
    order: Vec<u32>,
    moved: Vec<RawLeaf>,
    unsupported: bool,
}

/// One key of an object being read.
struct Entry {
    key: Range<u32>,
    leaves_from: u32,
}

/// serde_json's marker key for `RawValue` (with its `raw_value` feature, a map whose first key
/// is this is read as a raw value).
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// Whether `serde_json::Map` sorts its keys in this build.
fn map_sorts_keys() -> bool {
    static SORTS: OnceLock<bool> = OnceLock::new();
    *SORTS.get_or_init(|| {
        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(r#"{"b":0,"a":0}"#)
            .map(|map| map.keys().next().map(String::as_str) == Some("a"))
            .unwrap_or(true)
    })
}

impl Flat {
    /// Flattens `text` (already known to start with `{` after whitespace).
    pub fn parse(&mut self, text: &str) -> Outcome {
        self.leaves.clear();
        self.paths.clear();
        self.owned.clear();
        self.prefix.clear();
        self.keys.clear();
        self.entries.clear();
        self.unsupported = false;
        let mut de = serde_json::Deserializer::from_str(text);
        let parsed = TopSeed { flat: self, text }.deserialize(&mut de);
        match parsed.and_then(|()| de.end()) {
            Ok(()) => Outcome::Object,
            Err(_) if self.unsupported => Outcome::Unsupported,
            Err(_) => Outcome::NotObject,
        }
    }

    pub fn path(&self, leaf: &RawLeaf) -> &str {
        &self.paths[leaf.path.0 as usize..leaf.path.1 as usize]
    }

    fn push(&mut self, value: RawValue) {
        let start = self.paths.len() as u32;
        self.paths.push_str(&self.prefix);
        self.leaves.push(RawLeaf {
            path: (start, self.paths.len() as u32),
            value,
        });
    }

    fn key(&self, entry: &Entry) -> &str {
        &self.keys[entry.key.start as usize..entry.key.end as usize]
    }

    /// Puts the leaves of the object whose keys are `entries[base..]` in the map's order.
    fn close_object(&mut self, base: usize) -> Result<(), ()> {
        let n = self.entries.len() - base;
        let in_order = (base + 1..self.entries.len())
            .all(|i| self.key(&self.entries[i - 1]) < self.key(&self.entries[i]));
        if !in_order {
            self.order.clear();
            self.order.extend(0..n as u32);
            let (entries, keys) = (&self.entries[base..], &self.keys);
            let key = |i: u32| {
                let range = &entries[i as usize].key;
                &keys[range.start as usize..range.end as usize]
            };
            self.order.sort_by(|a, b| key(*a).cmp(key(*b)));
            if self.order.windows(2).any(|w| key(w[0]) == key(w[1])) {
                // A map keeps the last value of a repeated key (in its place).
                return Err(());
            }
            if map_sorts_keys() {
                let from = self.entries[base].leaves_from as usize;
                let end_of = |k: usize| {
                    self.entries
                        .get(base + k + 1)
                        .map_or(self.leaves.len(), |e| e.leaves_from as usize)
                };
                self.moved.clear();
                for &k in &self.order {
                    let start = self.entries[base + k as usize].leaves_from as usize;
                    self.moved
                        .extend_from_slice(&self.leaves[start..end_of(k as usize)]);
                }
                self.leaves.truncate(from);
                self.leaves.extend_from_slice(&self.moved);
            }
        }
        if let Some(first) = self.entries.get(base) {
            self.keys.truncate(first.key.start as usize);
        }
        self.entries.truncate(base);
        Ok(())
    }
}

struct TopSeed<'f, 'de> {
    flat: &'f mut Flat,
    text: &'de str,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        ValueSeed {
            flat: self.flat,
            text: self.text,
        }
        .visit_map(map)
    }
}

struct ValueSeed<'f, 'de> {
    flat: &'f mut Flat,
    text: &'de str,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.flat.push(RawValue::Bool(v));
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.flat.push(RawValue::Int(v));
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        // As `Number::as_i64`, else `as_f64`.
        let value = i64::try_from(v).map_or(RawValue::Float(v as f64), RawValue::Int);
        self.flat.push(value);
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        // `Value` turns a non-finite number into `null`.
        if v.is_finite() {
            self.flat.push(RawValue::Float(v));
        }
        Ok(())
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<(), E> {
        let start = (v.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
        if start <= self.text.len() && v.len() <= self.text.len() - start {
            self.flat
                .push(RawValue::Borrowed(start as u32, (start + v.len()) as u32));
            Ok(())
        } else {
            self.visit_str(v)
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        let start = self.flat.owned.len() as u32;
        self.flat.owned.push_str(v);
        self.flat
            .push(RawValue::Owned(start, self.flat.owned.len() as u32));
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let (flat, text) = (self.flat, self.text);
        while seq.next_element_seed(ValueSeed { flat, text })?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (flat, text) = (self.flat, self.text);
        let base = flat.entries.len();
        let prefix_len = flat.prefix.len();
        while map.next_key_seed(KeySeed { flat })?.is_some() {
            let entry = flat.entries.last().expect("pushed by the key seed");
            let key = entry.key.start as usize..entry.key.end as usize;
            flat.prefix.truncate(prefix_len);
            if prefix_len > 0 {
                flat.prefix.push('.');
            }
            flat.prefix.push_str(&flat.keys[key]);
            map.next_value_seed(ValueSeed { flat, text })?;
        }
        flat.prefix.truncate(prefix_len);
        flat.close_object(base).map_err(|()| {
            flat.unsupported = true;
            de::Error::custom("repeated key")
        })
    }
}

struct KeySeed<'f> {
    flat: &'f mut Flat,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        if v == RAW_VALUE_TOKEN {
            self.flat.unsupported = true;
            return Err(E::custom("raw value marker"));
        }
        let flat = self.flat;
        let start = flat.keys.len() as u32;
        flat.keys.push_str(v);
        flat.entries.push(Entry {
            key: start..flat.keys.len() as u32,
            leaves_from: flat.leaves.len() as u32,
        });
        Ok(())
    }
}
