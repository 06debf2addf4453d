//! Over 400 lines: LocalLogs answers every Discover request from one index snapshot.
//! [`LocalLogs`]: one "Local files" datasource — its index, its ingest, and every request of
//! the Discover view, answered in the same model as the Elasticsearch client.
//!
//! All calls are synchronous and thread-safe (the shell runs them on a blocking thread). The
//! index is a cache of the files: when it is missing, unreadable, or was built for another
//! configuration, it is rebuilt from them. [`LocalLogs::refresh`] reads what is new;
//! [`LocalLogs::follow`] does so on an interval in a background thread.

use crate::analyze::{PATH_SEP, path_term};
use crate::catalog::{Catalog, FieldKind};
use crate::config::{IngestOptions, LocalSourceConfig};
use crate::error::LocalLogsError;
use crate::ingest::checkpoint::{Checkpoint, FileState, Issue};
use crate::ingest::{Ingestor, PassReport};
use crate::query::exists::ExistsQuery;
use crate::query::{self, Context};
use crate::schema::{self, Fields};
use crate::search::collect::{Key, SortBy, TimeBuckets, TopLines, value_counts};
use crate::search::hits::{self, load_hit, parse_cursor};
use hinomi_core::clock::Clock;
use hinomi_logs::elastic::histogram::choose_interval;
use hinomi_logs::{
    FieldTopValues, FieldValueCount, FileAction, HistogramBucket, HitCount, LogField, LogHistogram,
    LogHit, LogQuery, SortCursor, SurroundingHits, TailBatch,
};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::{Mutex, RwLock};
use tantivy::collector::Count;
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher, Term};

/// A page of hits, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct LogPage {
    pub total: HitCount,
    pub hits: Vec<LogHit>,
}

/// What the index holds and what went wrong reading the files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct IndexStatus {
    pub files: Vec<FileStatus>,
    pub lines_indexed: f64,
    /// Bytes in the files not yet indexed (at the last pass).
    pub lag_bytes: f64,
    /// Milliseconds since the last completed pass, if any.
    pub since_last_pass_ms: Option<f64>,
    /// Everything unusual, per file and kind, with counts. Lines are never dropped: a line
    /// with an issue is indexed as well as it can be.
    pub issues: Vec<Issue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct FileStatus {
    pub path: String,
    pub state: FileState,
    pub lines: f64,
    pub bytes_read: f64,
    pub size: f64,
}

/// One "Local files" datasource.
pub struct LocalLogs {
    reader: IndexReader,
    fields: Fields,
    index_dir: PathBuf,
    ingest: Mutex<Ingestor>,
    /// The committed checkpoint as queries see it (catalog, file paths); updated, and the
    /// reader reloaded, at every commit, so a long first pass shows its lines as it goes.
    committed: Arc<RwLock<Arc<Checkpoint>>>,
    last_pass_ms: RwLock<Option<i64>>,
    clock: Arc<dyn Clock>,
}

/// Lines per export page.
pub const EXPORT_PAGE: usize = 5_000;

/// The field that ties the lines of one API request together (seed §6.2).
pub const REQUEST_ID_FIELD: &str = "context.request_id";

impl LocalLogs {
    /// Opens (or builds) the index in `index_dir` for `config`; reads nothing yet.
    pub fn open(
        index_dir: &Path,
        config: LocalSourceConfig,
        options: IngestOptions,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, LocalLogsError> {
        config.zone()?;
        std::fs::create_dir_all(index_dir)
            .map_err(|err| LocalLogsError::io(FileAction::Create, index_dir, err))?;
        let (schema, fields) = schema::build();
        let key = config.index_key();
        let existing = Index::open_in_dir(index_dir).ok().and_then(|index| {
            let checkpoint = read_checkpoint(&index)?;
            (checkpoint.index_key == key).then_some((index, checkpoint))
        });
        let (index, checkpoint) = match existing {
            Some(found) => found,
            None => {
                clear_dir(index_dir)?;
                let index = Index::create_in_dir(index_dir, schema)
                    .map_err(|err| LocalLogsError::index(index_dir, err))?;
                let checkpoint = Checkpoint {
                    index_key: key,
                    next_file_id: 1,
                    next_seq: 1,
                    ..Default::default()
                };
                (index, checkpoint)
            }
        };
        schema::register_tokenizers(&index);
        let writer: tantivy::IndexWriter = index
            .writer_with_num_threads(options.writer_threads.max(1), options.writer_memory_bytes)
            .map_err(|err| LocalLogsError::index(index_dir, err))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|err| LocalLogsError::index(index_dir, err))?;
        let committed = Arc::new(RwLock::new(Arc::new(checkpoint.clone())));
        let on_commit = {
            let committed = Arc::clone(&committed);
            let reader: IndexReader = reader.clone();
            Box::new(move |checkpoint: &Checkpoint| {
                *committed.write().unwrap_or_else(|e| e.into_inner()) =
                    Arc::new(checkpoint.clone());
                if let Err(err) = reader.reload() {
                    tracing::warn!(error = %err, "local log index: reload after commit failed");
                }
            })
        };
        let fresh = checkpoint.lines_indexed == 0 && checkpoint.files.is_empty();
        let mut ingestor = Ingestor::new(
            writer,
            fields,
            config,
            options,
            index_dir.to_path_buf(),
            checkpoint,
            on_commit,
        );
        // A fresh index: commit its key so a crash before the first pass still reopens it.
        if fresh {
            ingestor.commit()?;
        }
        Ok(Self {
            reader,
            fields,
            index_dir: index_dir.to_path_buf(),
            ingest: Mutex::new(ingestor),
            committed,
            last_pass_ms: RwLock::new(None),
            clock,
        })
    }

    /// Reads everything new in the files, commits, and makes it searchable.
    pub fn refresh(&self) -> Result<PassReport, LocalLogsError> {
        let now = self.clock.now().timestamp_millis();
        let mut ingest = self.ingest.lock().unwrap_or_else(|e| e.into_inner());
        let report = ingest.pass(now)?;
        *self.committed.write().unwrap_or_else(|e| e.into_inner()) =
            Arc::new(ingest.checkpoint.clone());
        drop(ingest);
        self.reader
            .reload()
            .map_err(|err| LocalLogsError::index(&self.index_dir, err))?;
        *self.last_pass_ms.write().unwrap_or_else(|e| e.into_inner()) = Some(now);
        Ok(report)
    }

    pub fn status(&self) -> IndexStatus {
        let checkpoint = self
            .committed
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let mut lag = 0u64;
        let files = checkpoint
            .files
            .iter()
            .filter(|f| f.state != FileState::Superseded || f.lines > 0)
            .map(|f| {
                if f.state == FileState::Following && !f.gz {
                    let size = std::fs::metadata(&f.path)
                        .map(|m| m.len())
                        .unwrap_or(f.size);
                    lag += size.saturating_sub(f.offset);
                }
                FileStatus {
                    path: f.path.clone(),
                    state: f.state,
                    lines: f.lines as f64,
                    bytes_read: f.offset as f64,
                    size: f.size as f64,
                }
            })
            .collect();
        let now = self.clock.now().timestamp_millis();
        IndexStatus {
            files,
            lines_indexed: checkpoint.lines_indexed as f64,
            lag_bytes: lag as f64,
            since_last_pass_ms: self
                .last_pass_ms
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .map(|at| (now - at) as f64),
            issues: checkpoint.issues.clone(),
        }
    }

    fn snapshot(&self) -> (Searcher, Arc<Checkpoint>) {
        (
            self.reader.searcher(),
            self.committed
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
        )
    }

    fn context<'a>(&'a self, catalog: &'a Catalog) -> Context<'a> {
        Context {
            fields: &self.fields,
            catalog,
            now_ms: self.clock.now().timestamp_millis(),
        }
    }

    /// The tantivy query for the bar, pills and window.
    fn compile(
        &self,
        query: &LogQuery,
        catalog: &Catalog,
    ) -> Result<Box<dyn Query>, LocalLogsError> {
        let bar = query::parse(&query.query).map_err(|err| LocalLogsError::Query {
            query: query.query.clone(),
            reason: err.to_string(),
        })?;
        self.context(catalog)
            .full_query(&bar, &query.filters, Some(&query.window))
            .map_err(|err| LocalLogsError::Query {
                query: query.query.clone(),
                reason: err.0,
            })
    }

    fn load(
        &self,
        searcher: &Searcher,
        checkpoint: &Checkpoint,
        found: Vec<(Key, tantivy::DocAddress)>,
    ) -> Result<Vec<LogHit>, LocalLogsError> {
        let paths = checkpoint.file_paths();
        found
            .into_iter()
            .map(|(_, address)| load_hit(searcher, &self.fields, address, &paths))
            .collect::<tantivy::Result<Vec<_>>>()
            .map_err(|err| LocalLogsError::index(&self.index_dir, err))
    }

    fn run<C: tantivy::collector::Collector>(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        collector: &C,
    ) -> Result<C::Fruit, LocalLogsError> {
        searcher
            .search(query, collector)
            .map_err(|err| LocalLogsError::index(&self.index_dir, err))
    }

    /// Newest first, `size` hits after `after` (the last hit's cursor of the previous page).
    pub fn search(
        &self,
        query: &LogQuery,
        after: Option<&SortCursor>,
        size: u32,
    ) -> Result<LogPage, LocalLogsError> {
        let (searcher, checkpoint) = self.snapshot();
        let compiled = self.compile(query, &checkpoint.catalog)?;
        let top = TopLines {
            sort: SortBy::Time,
            descending: true,
            k: size as usize,
            after: after.map(cursor_key).transpose()?,
        };
        let (count, found) = self.run(&searcher, compiled.as_ref(), &(Count, top))?;
        Ok(LogPage {
            total: HitCount {
                value: count.min(u32::MAX as usize) as u32,
                exact: true,
            },
            hits: self.load(&searcher, &checkpoint, found)?,
        })
    }

    /// Matching lines per bucket over the window, buckets as Elasticsearch's `date_histogram`
    /// with the same `fixed_interval` (epoch-aligned, empty buckets included).
    pub fn histogram(&self, query: &LogQuery) -> Result<LogHistogram, LocalLogsError> {
        let (searcher, checkpoint) = self.snapshot();
        let compiled = self.compile(query, &checkpoint.catalog)?;
        let (interval_ms, label) = choose_interval(&query.window);
        let interval = interval_ms as i64;
        let from = query.window.from_ms.floor() as i64;
        let to = query.window.to_ms.ceil() as i64;
        let first = from.div_euclid(interval) * interval;
        let last = to.div_euclid(interval) * interval;
        let count = ((last - first) / interval + 1).max(0) as usize;
        let counts = self.run(
            &searcher,
            compiled.as_ref(),
            &TimeBuckets {
                first_start: first,
                interval,
                count,
            },
        )?;
        Ok(LogHistogram {
            interval_ms,
            interval_label: label.to_string(),
            buckets: counts
                .into_iter()
                .enumerate()
                .map(|(i, count)| HistogramBucket {
                    start_ms: (first + i as i64 * interval) as f64,
                    count,
                })
                .collect(),
        })
    }

    /// The field list, as `_field_caps` gives it (text fields with their `.keyword`).
    pub fn fields(&self) -> Vec<LogField> {
        let checkpoint = self
            .committed
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let mut out = Vec::new();
        for (name, kind) in &checkpoint.catalog.fields {
            let text = *kind == FieldKind::Text;
            out.push(LogField {
                name: name.clone(),
                field_type: kind.es_type().to_string(),
                aggregatable: !text,
                searchable: true,
                aggregatable_field: Some(if text {
                    format!("{name}.keyword")
                } else {
                    name.clone()
                }),
            });
            if text {
                out.push(LogField {
                    name: format!("{name}.keyword"),
                    field_type: "keyword".into(),
                    aggregatable: true,
                    searchable: true,
                    aggregatable_field: Some(format!("{name}.keyword")),
                });
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// A field's `size` most frequent values within the query and window (count, then value).
    pub fn top_values(
        &self,
        query: &LogQuery,
        field: &str,
        size: u32,
    ) -> Result<FieldTopValues, LocalLogsError> {
        let (searcher, checkpoint) = self.snapshot();
        let compiled = self.compile(query, &checkpoint.catalog)?;
        let base = field.strip_suffix(".keyword").unwrap_or(field);
        let (column, path) = match checkpoint.catalog.kind(field) {
            Some(FieldKind::Text) => (self.fields.kwt, format!("{field}.keyword")),
            Some(_) => (self.fields.kw, field.to_string()),
            None if checkpoint.catalog.kind(base) == Some(FieldKind::Text) => {
                (self.fields.kwt, field.to_string())
            }
            None => (self.fields.kw, field.to_string()),
        };
        let mut prefix = path;
        prefix.push(PATH_SEP);
        let exists: Box<dyn Query> = Box::new(ExistsQuery::new(self.fields.exists, base));
        let with_field_query = BooleanQuery::new(vec![
            (Occur::Must, compiled.box_clone()),
            (Occur::Must, exists),
        ]);
        let total = self.run(&searcher, compiled.as_ref(), &Count)?;
        let counted = value_counts(&searcher, compiled.as_ref(), column, &prefix)
            .map_err(|err| LocalLogsError::index(&self.index_dir, err))?;
        let with_field = self.run(&searcher, &with_field_query, &Count)?;
        let mut values: Vec<(String, u32)> = counted.counts.into_iter().collect();
        values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        values.truncate(size.max(1) as usize);
        Ok(FieldTopValues {
            field: field.to_string(),
            values: values
                .into_iter()
                .map(|(value, count)| FieldValueCount { value, count })
                .collect(),
            with_field: with_field as u32,
            total: total as u32,
        })
    }

    /// The lines just before and after `anchor` in the same file (ignoring the query and the
    /// window, like Kibana's context view), optionally only those of the same request.
    pub fn surrounding(
        &self,
        anchor: &LogHit,
        before: u32,
        after: u32,
        same_request: bool,
    ) -> Result<SurroundingHits, LocalLogsError> {
        let (file, line) = hits::parse_hit_id(&anchor.id)
            .ok_or_else(|| LocalLogsError::NotAHitId(anchor.id.clone()))?;
        let (searcher, checkpoint) = self.snapshot();
        let mut base: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_u64(self.fields.file, file),
                IndexRecordOption::Basic,
            )),
        )];
        if same_request {
            let request_id = anchor
                .fields
                .get(REQUEST_ID_FIELD)
                .ok_or_else(|| LocalLogsError::NoRequestField(REQUEST_ID_FIELD.to_owned()))?;
            base.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.kw, &path_term(REQUEST_ID_FIELD, request_id)),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let side = |lower: Bound<u64>, upper: Bound<u64>, k: u32, descending: bool| {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> =
                base.iter().map(|(o, q)| (*o, q.box_clone())).collect();
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    lower.map(|v| Term::from_field_u64(self.fields.line, v)),
                    upper.map(|v| Term::from_field_u64(self.fields.line, v)),
                )),
            ));
            let top = TopLines {
                sort: SortBy::Line,
                descending,
                k: k as usize,
                after: None,
            };
            self.run(&searcher, &BooleanQuery::new(clauses), &top)
        };
        let anchor_found = side(Bound::Included(line), Bound::Included(line), 1, true)?;
        if anchor_found.is_empty() {
            return Err(LocalLogsError::LineGone(anchor.id.clone()));
        }
        let mut older = side(Bound::Unbounded, Bound::Excluded(line), before, true)?;
        older.reverse();
        let newer = side(Bound::Excluded(line), Bound::Unbounded, after, false)?;
        let anchor = self
            .load(&searcher, &checkpoint, anchor_found)?
            .pop()
            .ok_or(LocalLogsError::AnchorVanished)?;
        Ok(SurroundingHits {
            before: self.load(&searcher, &checkpoint, older)?,
            anchor,
            after: self.load(&searcher, &checkpoint, newer)?,
        })
    }

    /// Live tail. The first call (no cursor) returns the newest `first` matching lines; later
    /// calls every matching line indexed since (in arrival order, up to [`TAIL_BATCH`]), so a
    /// late line with an old timestamp is not missed. Oldest first.
    pub fn tail(
        &self,
        query: &LogQuery,
        cursor: Option<&SortCursor>,
        first: u32,
    ) -> Result<TailBatch, LocalLogsError> {
        let (searcher, checkpoint) = self.snapshot();
        match cursor {
            None => {
                let compiled = self.compile(query, &checkpoint.catalog)?;
                let top = TopLines {
                    sort: SortBy::Time,
                    descending: true,
                    k: first as usize,
                    after: None,
                };
                let mut found = self.run(&searcher, compiled.as_ref(), &top)?;
                found.reverse();
                let newest_seq = self.newest_seq(&searcher)?;
                Ok(TailBatch {
                    hits: self.load(&searcher, &checkpoint, found)?,
                    cursor: Some(tail_cursor(newest_seq)),
                })
            }
            Some(cursor) => {
                let seen: TailPosition =
                    serde_json::from_str(&cursor.0).map_err(|_| LocalLogsError::NotATailCursor)?;
                // New lines may be past the window's end: the tail has no upper bound.
                let mut open = query.clone();
                open.window.to_ms = f64::MAX / 4.0;
                let compiled = self.compile(&open, &checkpoint.catalog)?;
                let newer = BooleanQuery::new(vec![
                    (Occur::Must, compiled),
                    (
                        Occur::Must,
                        Box::new(RangeQuery::new(
                            Bound::Excluded(Term::from_field_u64(self.fields.seq, seen.seq)),
                            Bound::Unbounded,
                        )),
                    ),
                ]);
                let top = TopLines {
                    sort: SortBy::Seq,
                    descending: false,
                    k: TAIL_BATCH as usize,
                    after: None,
                };
                let found = self.run(&searcher, &newer, &top)?;
                let next = match found.last() {
                    Some((key, _)) if found.len() == TAIL_BATCH as usize => key.0 as u64,
                    _ => self.newest_seq(&searcher)?.max(seen.seq),
                };
                Ok(TailBatch {
                    hits: self.load(&searcher, &checkpoint, found)?,
                    cursor: Some(tail_cursor(next)),
                })
            }
        }
    }

    fn newest_seq(&self, searcher: &Searcher) -> Result<u64, LocalLogsError> {
        let top = TopLines {
            sort: SortBy::Seq,
            descending: true,
            k: 1,
            after: None,
        };
        Ok(self
            .run(searcher, &AllQuery, &top)?
            .first()
            .map_or(0, |(key, _)| key.0 as u64))
    }

    /// Every matching line, newest first, in pages of [`EXPORT_PAGE`], from one snapshot of the
    /// index (lines arriving meanwhile are not mixed in).
    pub fn export_pages(&self, query: &LogQuery) -> Result<ExportPages<'_>, LocalLogsError> {
        let (searcher, checkpoint) = self.snapshot();
        let compiled = self.compile(query, &checkpoint.catalog)?;
        let total = self.run(&searcher, compiled.as_ref(), &Count)?;
        Ok(ExportPages {
            source: self,
            searcher,
            checkpoint,
            query: compiled,
            after: None,
            total,
            done: false,
        })
    }

    /// Reads new lines every `interval` in a background thread until the handle is dropped.
    pub fn follow(self: &Arc<Self>, interval: std::time::Duration) -> FollowHandle {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let source = Arc::clone(self);
        let thread = std::thread::Builder::new()
            .name("hinomi-local-logs".into())
            .spawn(move || {
                loop {
                    if let Err(err) = source.refresh() {
                        tracing::warn!(error = %err, "local log source: pass failed");
                    }
                    match stopped.recv_timeout(interval) {
                        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => continue,
                        _ => break,
                    }
                }
            })
            .ok();
        FollowHandle {
            stop: Some(stop),
            thread,
        }
    }
}

/// Lines per tail poll at most; the next poll continues from there.
pub const TAIL_BATCH: u32 = 500;

#[derive(Serialize, Deserialize)]
struct TailPosition {
    seq: u64,
}

fn tail_cursor(seq: u64) -> SortCursor {
    SortCursor(serde_json::to_string(&TailPosition { seq }).unwrap_or_default())
}

fn cursor_key(cursor: &SortCursor) -> Result<Key, LocalLogsError> {
    parse_cursor(cursor).ok_or_else(|| LocalLogsError::NotACursor(cursor.0.clone()))
}

/// Stops the follow thread when dropped (after its current pass).
pub struct FollowHandle {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FollowHandle {
    /// Asks the thread to stop after its current pass without waiting for it: on exit, where a
    /// long first pass must not hold the app open. Safe because every commit is atomic (a pass
    /// cut short by the process ending is redone from the last checkpoint, as after `kill -9`).
    pub fn stop_without_waiting(mut self) {
        drop(self.stop.take());
        drop(self.thread.take());
    }
}

impl Drop for FollowHandle {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Pages of an export; see [`LocalLogs::export_pages`].
pub struct ExportPages<'a> {
    source: &'a LocalLogs,
    searcher: Searcher,
    checkpoint: Arc<Checkpoint>,
    query: Box<dyn Query>,
    after: Option<Key>,
    pub total: usize,
    done: bool,
}

impl Iterator for ExportPages<'_> {
    type Item = Result<Vec<LogHit>, LocalLogsError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let top = TopLines {
            sort: SortBy::Time,
            descending: true,
            k: EXPORT_PAGE,
            after: self.after,
        };
        let found = match self.source.run(&self.searcher, self.query.as_ref(), &top) {
            Ok(found) => found,
            Err(err) => {
                self.done = true;
                return Some(Err(err));
            }
        };
        if found.len() < EXPORT_PAGE {
            self.done = true;
        }
        if found.is_empty() {
            return None;
        }
        self.after = found.last().map(|(key, _)| *key);
        Some(self.source.load(&self.searcher, &self.checkpoint, found))
    }
}

fn read_checkpoint(index: &Index) -> Option<Checkpoint> {
    let payload = index.load_metas().ok()?.payload?;
    serde_json::from_str(&payload).ok()
}

/// Removes an index directory's contents (it is a cache; the files are the truth).
fn clear_dir(dir: &Path) -> Result<(), LocalLogsError> {
    let entries =
        std::fs::read_dir(dir).map_err(|err| LocalLogsError::io(FileAction::Read, dir, err))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(|err| LocalLogsError::io(FileAction::Remove, &path, err))?;
    }
    Ok(())
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn check<T: Send + Sync>() {}
    check::<LocalLogs>();
}
