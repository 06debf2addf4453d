//! Collectors over the columnar fields: the best `k` lines in an order, the histogram, a
//! field's value counts. No scoring anywhere: Discover orders by time, never by relevance.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{EnableScoring, Query};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{
    BitSet, DocAddress, DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, TERMINATED,
};

/// What lines are ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    /// `(time, file, line)`: Discover's order, file and line as a stable tiebreaker.
    Time,
    /// `(line, 0, 0)`: within one file.
    Line,
    /// `(seq, 0, 0)`: arrival order.
    Seq,
}

pub type Key = (i64, u64, u64);

/// The `k` lines with the greatest keys (`descending`) or the smallest, strictly beyond
/// `after` in that direction.
pub struct TopLines {
    pub sort: SortBy,
    pub descending: bool,
    pub k: usize,
    pub after: Option<Key>,
}

/// The key in "greater is better" form.
fn oriented(key: Key, descending: bool) -> Key {
    if descending {
        key
    } else {
        (!key.0, !key.1, !key.2)
    }
}

pub struct TopLinesSegment {
    segment: SegmentOrdinal,
    time: Column<i64>,
    file: Column<u64>,
    line: Column<u64>,
    seq: Column<u64>,
    sort: SortBy,
    descending: bool,
    k: usize,
    bound: Option<Key>,
    heap: BinaryHeap<Reverse<(Key, DocId)>>,
}

impl Collector for TopLines {
    type Fruit = Vec<(Key, DocAddress)>;
    type Child = TopLinesSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<TopLinesSegment> {
        let fast = reader.fast_fields();
        Ok(TopLinesSegment {
            segment,
            time: fast.i64("_time")?,
            file: fast.u64("_file")?,
            line: fast.u64("_line")?,
            seq: fast.u64("_seq")?,
            sort: self.sort,
            descending: self.descending,
            k: self.k,
            bound: self.after.map(|key| oriented(key, self.descending)),
            heap: BinaryHeap::with_capacity(self.k + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<(Key, DocAddress)> = fruits.into_iter().flatten().collect();
        let descending = self.descending;
        all.sort_by_key(|(key, _)| Reverse(oriented(*key, descending)));
        all.truncate(self.k);
        Ok(all)
    }
}

impl TopLinesSegment {
    fn key(&self, doc: DocId) -> Key {
        match self.sort {
            SortBy::Time => (
                self.time.first(doc).unwrap_or(0),
                self.file.first(doc).unwrap_or(0),
                self.line.first(doc).unwrap_or(0),
            ),
            SortBy::Line => (self.line.first(doc).unwrap_or(0) as i64, 0, 0),
            SortBy::Seq => (self.seq.first(doc).unwrap_or(0) as i64, 0, 0),
        }
    }
}

impl SegmentCollector for TopLinesSegment {
    type Fruit = Vec<(Key, DocAddress)>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if self.k == 0 {
            return;
        }
        let key = self.key(doc);
        let ordered = oriented(key, self.descending);
        if let Some(bound) = self.bound
            && ordered >= bound
        {
            return;
        }
        if self.heap.len() < self.k {
            self.heap.push(Reverse((ordered, doc)));
        } else if let Some(Reverse((worst, _))) = self.heap.peek()
            && ordered > *worst
        {
            self.heap.pop();
            self.heap.push(Reverse((ordered, doc)));
        }
    }

    fn harvest(self) -> Self::Fruit {
        let descending = self.descending;
        self.heap
            .into_iter()
            .map(|Reverse((ordered, doc))| {
                (
                    oriented(ordered, descending),
                    DocAddress::new(self.segment, doc),
                )
            })
            .collect()
    }
}

/// Lines per fixed-width time bucket, `first_start` being the first bucket's start.
pub struct TimeBuckets {
    pub first_start: i64,
    pub interval: i64,
    pub count: usize,
}

pub struct TimeBucketsSegment {
    time: Column<i64>,
    first_start: i64,
    interval: i64,
    counts: Vec<u32>,
}

impl Collector for TimeBuckets {
    type Fruit = Vec<u32>;
    type Child = TimeBucketsSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        Ok(TimeBucketsSegment {
            time: reader.fast_fields().i64("_time")?,
            first_start: self.first_start,
            interval: self.interval.max(1),
            counts: vec![0; self.count],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<u32>>) -> tantivy::Result<Vec<u32>> {
        let mut total = vec![0u32; self.count];
        for fruit in fruits {
            for (sum, n) in total.iter_mut().zip(fruit) {
                *sum += n;
            }
        }
        Ok(total)
    }
}

impl SegmentCollector for TimeBucketsSegment {
    type Fruit = Vec<u32>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(t) = self.time.first(doc) {
            let index = (t - self.first_start).div_euclid(self.interval);
            if let Some(slot) = usize::try_from(index)
                .ok()
                .and_then(|i| self.counts.get_mut(i))
            {
                *slot += 1;
            }
        }
    }

    fn harvest(self) -> Vec<u32> {
        self.counts
    }
}

/// Document counts per value of one path in a `path \u{1f} value` field, and how many
/// documents have any value there: the path's slice of the term dictionary, each term's
/// postings counted against the matching documents (Elasticsearch's `terms` aggregation).
#[derive(Default)]
pub struct ValueCountsFruit {
    pub counts: HashMap<String, u32>,
    pub with_value: u32,
}

pub fn value_counts(
    searcher: &Searcher,
    query: &dyn Query,
    field: Field,
    prefix: &str,
) -> tantivy::Result<ValueCountsFruit> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut fruit = ValueCountsFruit::default();
    let mut end = prefix.as_bytes().to_vec();
    if let Some(last) = end.last_mut() {
        *last += 1;
    }
    for reader in searcher.segment_readers() {
        let mut matching = BitSet::with_max_value(reader.max_doc());
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if reader
                .alive_bitset()
                .is_none_or(|alive| alive.is_alive(doc))
            {
                matching.insert(doc);
            }
            doc = scorer.advance();
        }
        if matching.len() == 0 {
            continue;
        }
        let mut with_value = BitSet::with_max_value(reader.max_doc());
        let inverted = reader.inverted_index(field)?;
        let mut terms = inverted
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .lt(&end)
            .into_stream()?;
        while terms.advance() {
            let mut postings = inverted
                .read_block_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
            let mut count = 0;
            loop {
                let docs = postings.docs();
                if docs.is_empty() {
                    break;
                }
                for &doc in docs {
                    if matching.contains(doc) {
                        count += 1;
                        with_value.insert(doc);
                    }
                }
                postings.advance();
            }
            if count > 0 {
                let value = String::from_utf8_lossy(&terms.key()[prefix.len()..]).into_owned();
                *fruit.counts.entry(value).or_default() += count;
            }
        }
        fruit.with_value += with_value.len() as u32;
    }
    Ok(fruit)
}
