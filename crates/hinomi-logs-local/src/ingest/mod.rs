//! Over 400 lines: one Ingestor pass; identify, read and index share its state.
//! Reading the source files into the index: discovery, file identity, resuming, following.
//!
//! A file is known by its device and inode (plus a fingerprint of its first bytes, so a reused
//! inode is not mistaken for the old file), not by its path: a rotated `app.log` renamed to
//! `app.log.1` keeps being read from where it was, and the new `app.log` is a new file. A file
//! that shrinks under the same inode was truncated: its old lines stay, and it is read again
//! from the start as a new generation. Gzip files are finished files, read once.
//!
//! logrotate's `compress` turns a file already being read (`app.log.1`) into a new file
//! (`app.log.1.gz`, another inode) with the same content: a new gzip file whose decompressed
//! head has the fingerprint of a known plain file is that file, and is read from where the
//! plain file was left (its offset counts decompressed bytes), so no line is indexed twice.
//!
//! Each pass reads every file from its checkpoint to its end and commits; a long pass also
//! commits every [`IngestOptions::commit_every_bytes`]. The checkpoints ride in the commit
//! (see [`checkpoint`]), so a crash at any point resumes exactly after the last committed line.

pub mod checkpoint;
pub mod discover;
pub mod lines;

use crate::catalog::Mapping;
use crate::config::{IngestOptions, LocalSourceConfig};
use crate::document::{LineBuilder, LineInput, TimeConfig};
use crate::error::LocalLogsError;
use crate::schema::Fields;
use crate::timeparse::LineZone;
use checkpoint::{
    Checkpoint, FINGERPRINT_BYTES, FileCheckpoint, FileState, IssueKind, fingerprint,
};
use hinomi_core::path_policy::LogSourceRule;
use std::collections::HashSet;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use tantivy::indexer::{LogMergePolicy, NoMergePolicy, UserOperation};
use tantivy::{IndexWriter, TantivyDocument};

/// Documents handed to the index writer in one message: one channel send (and wake-up of an
/// indexing thread) per batch instead of per line. Small, because the writer's queue holds up
/// to 10,000 messages, whatever their size: when the indexing threads fall behind the reader
/// (they do), 10,000 batches of 8 lines is ~100 MB of documents waiting; batches of 512 let
/// the process grow by another 100 MiB (PSS) on the 1 GB benchmark for no measurable gain.
const BATCH_DOCS: usize = 8;

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassReport {
    pub lines: u64,
    pub bytes: u64,
    pub commits: u32,
}

pub struct Ingestor {
    pub(crate) writer: IndexWriter,
    pub(crate) fields: Fields,
    mapping: Mapping,
    time: TimeConfig,
    config: LocalSourceConfig,
    options: IngestOptions,
    index_dir: PathBuf,
    pub(crate) checkpoint: Checkpoint,
    uncommitted_bytes: u64,
    dirty: bool,
    on_commit: OnCommit,
    builder: LineBuilder,
    /// Documents not yet handed to the writer (see [`BATCH_DOCS`]).
    pending: Vec<UserOperation<TantivyDocument>>,
    /// The line being read, reused for every line.
    line: Vec<u8>,
}

/// Called after each commit with the checkpoint just made durable.
pub type OnCommit = Box<dyn Fn(&Checkpoint) + Send>;

impl Ingestor {
    pub fn new(
        writer: IndexWriter,
        fields: Fields,
        config: LocalSourceConfig,
        options: IngestOptions,
        index_dir: PathBuf,
        checkpoint: Checkpoint,
        on_commit: OnCommit,
    ) -> Self {
        Self {
            writer,
            fields,
            mapping: Mapping::new(&config.keyword_fields),
            time: TimeConfig {
                field: config.time_field.clone(),
                // `LocalLogs::open` refused a setting that names no zone.
                zone: config.zone().unwrap_or_else(|_| LineZone::machine()),
            },
            config,
            options,
            index_dir,
            checkpoint,
            uncommitted_bytes: 0,
            dirty: false,
            on_commit,
            builder: LineBuilder::new(),
            pending: Vec::with_capacity(BATCH_DOCS),
            line: Vec::new(),
        }
    }

    /// Reads everything new in every file and commits.
    pub fn pass(&mut self, now_ms: i64) -> Result<PassReport, LocalLogsError> {
        let mut report = PassReport::default();
        let found = discover::discover(&self.config.sources, &self.index_dir, &self.options.files);
        for (path, why) in &found.problems {
            self.note_once(path, IssueKind::Unreadable, why);
        }
        // The segments a pass writes (one per indexing thread at each commit and whenever the
        // writer's memory fills) are merged once the pass is done, not while it runs: merging
        // them as they come rewrote the same lines several times over a first pass and took a
        // fifth of its CPU. The last commit below, made with the merge policy back, starts
        // those merges in the background.
        self.writer.set_merge_policy(Box::new(NoMergePolicy));
        let mut present = HashSet::new();
        let mut read = Ok(());
        for path in &found.files {
            if let Some(i) = self.identify(path) {
                present.insert(self.checkpoint.files[i].id);
                read = self.read_file(i, path, now_ms, &mut report);
                if read.is_err() {
                    break;
                }
            }
        }
        self.writer
            .set_merge_policy(Box::<LogMergePolicy>::default());
        read?;
        for i in 0..self.checkpoint.files.len() {
            let file = &self.checkpoint.files[i];
            if matches!(file.state, FileState::Following | FileState::Done)
                && !present.contains(&file.id)
            {
                let path = file.path.clone();
                self.checkpoint.files[i].state = FileState::Gone;
                self.checkpoint.note(
                    &path,
                    IssueKind::Deleted,
                    None,
                    "deleted or moved out of the sources; its lines stay searchable",
                );
                self.dirty = true;
            }
        }
        if self.dirty || self.uncommitted_bytes > 0 {
            self.commit()?;
            report.commits += 1;
        }
        Ok(report)
    }

    fn note_once(&mut self, path: &str, kind: IssueKind, detail: &str) {
        if !self
            .checkpoint
            .issues
            .iter()
            .any(|i| i.path == path && i.kind == kind)
        {
            self.checkpoint.note(path, kind, None, detail);
            self.dirty = true;
        }
    }

    /// Hands the pending documents to the writer.
    fn flush(&mut self) -> Result<(), LocalLogsError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let batch = std::mem::replace(&mut self.pending, Vec::with_capacity(BATCH_DOCS));
        self.writer
            .run(batch)
            .map_err(|err| LocalLogsError::index(&self.index_dir, err))?;
        Ok(())
    }

    pub fn commit(&mut self) -> Result<(), LocalLogsError> {
        self.flush()?;
        let payload = serde_json::to_string(&self.checkpoint)
            .map_err(|err| LocalLogsError::index(&self.index_dir, err))?;
        let mut prepared = self
            .writer
            .prepare_commit()
            .map_err(|err| LocalLogsError::index(&self.index_dir, err))?;
        prepared.set_payload(&payload);
        prepared
            .commit()
            .map_err(|err| LocalLogsError::index(&self.index_dir, err))?;
        self.uncommitted_bytes = 0;
        self.dirty = false;
        (self.on_commit)(&self.checkpoint);
        Ok(())
    }

    /// The checkpoint entry of the file now at `path` (creating one for a new file).
    fn identify(&mut self, path: &Path) -> Option<usize> {
        let display = path.display().to_string();
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                self.note_once(
                    &display,
                    IssueKind::Vanished,
                    "listed but gone before it was read",
                );
                return None;
            }
            Err(err) => {
                self.note_once(&display, IssueKind::Unreadable, &err.to_string());
                return None;
            }
        };
        let gz = display.ends_with(".gz");
        let head = match read_head(&self.options.files, path, gz) {
            Ok(head) => head,
            Err(err) => {
                let kind = if err.kind() == io::ErrorKind::NotFound {
                    IssueKind::Vanished
                } else {
                    IssueKind::Unreadable
                };
                self.note_once(&display, kind, &err.to_string());
                return None;
            }
        };
        let (dev, ino, size) = (meta.dev(), meta.ino(), meta.size());
        let known = self.checkpoint.files.iter().position(|f| {
            f.dev == dev
                && f.ino == ino
                && f.gz == gz
                && f.state != FileState::Superseded
                && head.len() as u64 >= f.fingerprint_len
                && fingerprint(&head[..f.fingerprint_len as usize]) == f.fingerprint
        });
        if let Some(i) = known {
            let file = &mut self.checkpoint.files[i];
            let shrank = if gz {
                size != file.size && file.size != 0
            } else {
                size < file.offset
            };
            if !shrank {
                if file.path != display || file.state == FileState::Gone {
                    file.path = display;
                    file.state = FileState::Following;
                    self.dirty = true;
                }
                if file.fingerprint_len < head.len() as u64 {
                    file.fingerprint = fingerprint(&head);
                    file.fingerprint_len = head.len() as u64;
                }
                return Some(i);
            }
            file.state = FileState::Superseded;
            let old = file.path.clone();
            self.checkpoint.note(
                &old,
                IssueKind::TruncatedFile,
                None,
                "the file shrank: its earlier lines stay, it is read again from the start",
            );
        } else if let Some(same_inode) = self.checkpoint.files.iter_mut().find(|f| {
            f.dev == dev && f.ino == ino && f.gz == gz && f.state != FileState::Superseded
        }) {
            // Same inode, other first bytes: truncated and written again since the last pass.
            same_inode.state = FileState::Superseded;
            let old = same_inode.path.clone();
            self.checkpoint.note(
                &old,
                IssueKind::TruncatedFile,
                None,
                "the file was rewritten: its earlier lines stay, it is read again from the start",
            );
        }
        let mtime_ms = meta.mtime() * 1000 + meta.mtime_nsec() / 1_000_000;
        let (offset, lines, last_time_ms) = match gz.then(|| self.compressed_from(&head)) {
            Some(Some(plain)) => {
                let plain = &self.checkpoint.files[plain];
                (plain.offset, plain.lines, plain.last_time_ms)
            }
            _ => (0, 0, mtime_ms),
        };
        let id = self.checkpoint.next_file_id;
        self.checkpoint.next_file_id += 1;
        self.checkpoint.files.push(FileCheckpoint {
            id,
            path: display,
            dev,
            ino,
            gz,
            fingerprint: fingerprint(&head),
            fingerprint_len: head.len() as u64,
            offset,
            lines,
            last_time_ms,
            size: 0,
            state: FileState::Following,
        });
        self.dirty = true;
        Some(self.checkpoint.files.len() - 1)
    }

    /// The known plain file a new gzip file with this decompressed `head` is a compressed copy
    /// of (the latest, if several match).
    fn compressed_from(&self, head: &[u8]) -> Option<usize> {
        self.checkpoint.files.iter().rposition(|f| {
            !f.gz
                && f.fingerprint_len > 0
                && f.offset > 0
                && head.len() as u64 >= f.fingerprint_len
                && fingerprint(&head[..f.fingerprint_len as usize]) == f.fingerprint
        })
    }

    fn read_file(
        &mut self,
        i: usize,
        path: &Path,
        now_ms: i64,
        report: &mut PassReport,
    ) -> Result<(), LocalLogsError> {
        let file_cp = &self.checkpoint.files[i];
        if file_cp.state == FileState::Done {
            return Ok(());
        }
        let display = file_cp.path.clone();
        let gz = file_cp.gz;
        let offset = file_cp.offset;
        // Opened through the log-source rule, which judges the file the open reached: the
        // listing's check (discover.rs) can be overtaken by a symlink swapped since.
        let opened = self.options.files.open_found_file(path).and_then(|file| {
            let meta = file.metadata()?;
            Ok((file, meta))
        });
        let (mut file, meta) = match opened {
            Ok(opened) => opened,
            Err(err) => {
                self.checkpoint.files[i].state = FileState::Unreadable;
                self.note_once(&display, IssueKind::Unreadable, &err.to_string());
                return Ok(());
            }
        };
        let size = meta.size();
        if !gz && size == offset {
            return Ok(());
        }
        let mtime_ms = meta.mtime() * 1000 + meta.mtime_nsec() / 1_000_000;
        let settled = now_ms - mtime_ms >= self.options.settle.as_millis() as i64;
        let mut reader: Box<dyn BufRead> = if gz {
            let mut decoder = BufReader::with_capacity(
                1 << 20,
                flate2::read::MultiGzDecoder::new(BufReader::new(file)),
            );
            if let Err(err) = io::copy(&mut (&mut decoder).take(offset), &mut io::sink()) {
                self.checkpoint
                    .note(&display, IssueKind::CorruptGzip, None, err.to_string());
                self.checkpoint.files[i].state = FileState::Done;
                self.dirty = true;
                return Ok(());
            }
            Box::new(decoder)
        } else {
            if let Err(err) = file.seek(SeekFrom::Start(offset)) {
                self.note_once(&display, IssueKind::ReadError, &err.to_string());
                return Ok(());
            }
            Box::new(BufReader::with_capacity(1 << 20, file))
        };
        let mut finished = false;
        let mut bytes = std::mem::take(&mut self.line);
        let outcome = loop {
            let line = match lines::read_line(&mut reader, &mut bytes) {
                Ok(Some(line)) => line,
                Ok(None) => {
                    finished = true;
                    break Ok(());
                }
                Err(err) => {
                    let kind = if gz {
                        IssueKind::CorruptGzip
                    } else {
                        IssueKind::ReadError
                    };
                    let at = self.checkpoint.files[i].lines + 1;
                    self.checkpoint
                        .note(&display, kind, Some(at), err.to_string());
                    self.dirty = true;
                    finished = gz;
                    break Ok(());
                }
            };
            if !line.complete && !gz && !settled {
                break Ok(());
            }
            if let Err(err) = self.index_line(i, &display, &bytes, line, report) {
                break Err(err);
            }
            if line.cut {
                bytes = Vec::new();
            }
        };
        self.line = bytes;
        outcome?;
        let file_cp = &mut self.checkpoint.files[i];
        file_cp.size = size;
        if gz && finished {
            file_cp.state = FileState::Done;
            self.dirty = true;
        }
        Ok(())
    }

    fn index_line(
        &mut self,
        i: usize,
        display: &str,
        bytes: &[u8],
        line: lines::LineRead,
        report: &mut PassReport,
    ) -> Result<(), LocalLogsError> {
        let number = self.checkpoint.files[i].lines + 1;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            self.checkpoint.note(
                display,
                IssueKind::BlankLines,
                Some(number),
                "blank lines are not indexed",
            );
            let file_cp = &mut self.checkpoint.files[i];
            file_cp.offset += line.consumed;
            file_cp.lines = number;
            self.uncommitted_bytes += line.consumed;
            report.bytes += line.consumed;
            return Ok(());
        }
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(bytes),
        };
        let lossy = matches!(text, std::borrow::Cow::Owned(_));
        if lossy {
            self.checkpoint.note(
                display,
                IssueKind::InvalidUtf8,
                Some(number),
                "bytes that are not UTF-8 are shown as U+FFFD; the file keeps them",
            );
        }
        if memchr::memchr(0, bytes).is_some() {
            self.checkpoint.note(
                display,
                IssueKind::NulBytes,
                Some(number),
                "NUL bytes, indexed as they are",
            );
        }
        let file_cp = &self.checkpoint.files[i];
        let input = LineInput {
            text: &text,
            file_id: file_cp.id,
            line: number,
            seq: self.checkpoint.next_seq,
            path: display,
            inherited_ms: file_cp.last_time_ms,
            lossy_utf8: lossy,
            cut_by_reader: line.cut,
        };
        let built = self.builder.build(
            &self.fields,
            &mut self.checkpoint.catalog,
            &self.mapping,
            &self.time,
            &input,
        );
        if built.truncated {
            self.checkpoint.note(
                display,
                IssueKind::Truncated,
                Some(number),
                format!(
                    "a {}-byte line was cut in the index; the file keeps it whole",
                    line.length
                ),
            );
        }
        self.pending.push(UserOperation::Add(built.doc));
        if self.pending.len() >= BATCH_DOCS {
            self.flush()?;
        }
        let file_cp = &mut self.checkpoint.files[i];
        file_cp.offset += line.consumed;
        file_cp.lines = number;
        if let Some(ms) = built.time_ms {
            file_cp.last_time_ms = ms;
        }
        self.checkpoint.next_seq += 1;
        self.checkpoint.lines_indexed += 1;
        self.uncommitted_bytes += line.consumed;
        report.lines += 1;
        report.bytes += line.consumed;
        if self.uncommitted_bytes >= self.options.commit_every_bytes {
            self.commit()?;
            report.commits += 1;
        }
        Ok(())
    }
}

/// The first bytes of a file's content (decompressed for gzip), opened through `rule`.
fn read_head(rule: &LogSourceRule, path: &Path, gz: bool) -> io::Result<Vec<u8>> {
    let file = rule.open_found_file(path)?;
    let mut head = Vec::with_capacity(FINGERPRINT_BYTES);
    if gz {
        // A corrupt gzip still gets an identity: whatever decompressed.
        let _ = flate2::read::MultiGzDecoder::new(file)
            .take(FINGERPRINT_BYTES as u64)
            .read_to_end(&mut head);
    } else {
        file.take(FINGERPRINT_BYTES as u64).read_to_end(&mut head)?;
    }
    Ok(head)
}
