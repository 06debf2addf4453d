//! The seed's JSON log lines (§6.2), one object per line in one file per day, written by a
//! thread of its own so a slow disk never holds up a request.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, SyncSender, TrySendError};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// The `service` field of every line, and the prefix of every file name.
pub const SERVICE: &str = "dataset-management";
/// The seed's `'%Y-%m-%d %H:%M:%S'`: local time, no zone, as the seed's Python logger writes it.
pub const TIMESTAMP_FORMAT: &str = "%Y-%m-%d %H:%M:%S";
/// Lines waiting for the writer; beyond this new lines are dropped rather than stall requests.
const QUEUE_CAPACITY: usize = 8_192;
/// How stale a file may get while lines sit in the buffer; someone may be tailing it.
const FLUSH_INTERVAL: Duration = Duration::from_millis(500);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    Info,
    Warn,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogContext {
    pub request_id: String,
    pub user_id: String,
    pub action: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    #[serde(with = "seed_timestamp")]
    pub timestamp: NaiveDateTime,
    pub level: Level,
    pub service: String,
    pub message: String,
    pub context: LogContext,
}

impl LogLine {
    /// A line stamped with the current local time.
    pub fn now(level: Level, message: String, context: LogContext) -> Self {
        Self {
            timestamp: chrono::Local::now().naive_local(),
            level,
            service: SERVICE.to_owned(),
            message,
            context,
        }
    }
}

mod seed_timestamp {
    use chrono::NaiveDateTime;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    use super::TIMESTAMP_FORMAT;

    pub fn serialize<S: Serializer>(value: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&value.format(TIMESTAMP_FORMAT))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
        let text = String::deserialize(d)?;
        NaiveDateTime::parse_from_str(&text, TIMESTAMP_FORMAT).map_err(D::Error::custom)
    }
}

/// Random request ids in UUID form, drawn from the run's seed so a seeded run is repeatable.
pub struct RequestIds {
    rng: std::sync::Mutex<rand::rngs::StdRng>,
}

impl RequestIds {
    pub fn new(seed: u64) -> Self {
        use rand::SeedableRng;
        Self {
            rng: std::sync::Mutex::new(rand::rngs::StdRng::seed_from_u64(seed)),
        }
    }

    pub fn next_id(&self) -> String {
        use rand::RngExt;
        let bytes: [u8; 16] = self
            .rng
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .random();
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string()
    }
}

/// `dataset-management-2024-03-21.log`: one file per local day, as filebeat's `*.log` glob and
/// the daily Elasticsearch index in the seed expect.
pub fn log_file_name(date: NaiveDate) -> String {
    format!("{SERVICE}-{}.log", date.format("%Y-%m-%d"))
}

enum Command {
    Line(Box<LogLine>),
    Flush(mpsc::Sender<()>),
    Close,
}

/// The cheap, cloneable handle request handlers write through.
#[derive(Clone)]
pub struct LogSink {
    sender: SyncSender<Command>,
    dropped: Arc<AtomicU64>,
}

impl LogSink {
    /// Queues a line; if the writer has fallen far behind the line is dropped and counted.
    pub fn write(&self, line: LogLine) {
        match self.sender.try_send(Command::Line(Box::new(line))) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// Owns the writing thread. Closing (or dropping) it writes out everything queued before.
pub struct LogWriter {
    sink: LogSink,
    thread: Option<JoinHandle<()>>,
}

impl LogWriter {
    pub fn start(dir: &Path) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        let (sender, receiver) = mpsc::sync_channel(QUEUE_CAPACITY);
        let dir = dir.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("log-writer".into())
            .spawn(move || DailyFiles::new(dir).run(&receiver))?;
        Ok(Self {
            sink: LogSink {
                sender,
                dropped: Arc::new(AtomicU64::new(0)),
            },
            thread: Some(thread),
        })
    }

    pub fn sink(&self) -> LogSink {
        self.sink.clone()
    }

    /// Lines dropped so far because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.sink.dropped.load(Ordering::Relaxed)
    }

    /// Blocks until every line queued before this call is in the file.
    pub fn flush(&self) {
        let (ack, done) = mpsc::channel();
        if self.sink.sender.send(Command::Flush(ack)).is_ok() {
            let _ = done.recv();
        }
    }

    /// Blocks until the queue is written out and the thread has stopped.
    pub fn close(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = self.sink.sender.send(Command::Close);
            let _ = thread.join();
        }
    }
}

impl Drop for LogWriter {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The writer thread's state: the file of the day being written.
struct DailyFiles {
    dir: PathBuf,
    current: Option<(NaiveDate, BufWriter<File>)>,
    dirty: bool,
}

impl DailyFiles {
    fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            current: None,
            dirty: false,
        }
    }

    fn run(mut self, receiver: &mpsc::Receiver<Command>) {
        loop {
            match receiver.recv_timeout(FLUSH_INTERVAL) {
                Ok(Command::Line(line)) => {
                    if let Err(error) = self.append(&line) {
                        // Nowhere better to report it; the next line retries with a fresh file.
                        eprintln!("hinomi-demo-api: cannot write log line: {error}");
                        self.current = None;
                    }
                }
                Ok(Command::Flush(ack)) => {
                    self.flush();
                    let _ = ack.send(());
                }
                Err(RecvTimeoutError::Timeout) => self.flush(),
                Ok(Command::Close) | Err(RecvTimeoutError::Disconnected) => {
                    self.flush();
                    return;
                }
            }
        }
    }

    fn append(&mut self, line: &LogLine) -> io::Result<()> {
        let date = line.timestamp.date();
        if !matches!(&self.current, Some((open_date, _)) if *open_date == date) {
            self.flush();
            self.current = None;
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(self.dir.join(log_file_name(date)))?;
            self.current = Some((date, BufWriter::new(file)));
        }
        if let Some((_, writer)) = &mut self.current {
            serde_json::to_writer(&mut *writer, line)?;
            writer.write_all(b"\n")?;
        }
        self.dirty = true;
        Ok(())
    }

    fn flush(&mut self) {
        if !self.dirty {
            return;
        }
        if let Some((_, writer)) = &mut self.current
            && let Err(error) = writer.flush()
        {
            eprintln!("hinomi-demo-api: cannot flush log file: {error}");
        }
        self.dirty = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_at(timestamp: &str, message: &str) -> LogLine {
        LogLine {
            timestamp: NaiveDateTime::parse_from_str(timestamp, TIMESTAMP_FORMAT).unwrap(),
            level: Level::Info,
            service: SERVICE.to_owned(),
            message: message.to_owned(),
            context: LogContext {
                request_id: "3f1c7d2e-8a41-4b6e-9c1a-2f5d7e8b9a01".into(),
                user_id: "user123".into(),
                action: "create_dataset".into(),
            },
        }
    }

    #[test]
    fn line_has_exactly_the_seed_fields_and_round_trips() {
        let line = LogLine {
            level: Level::Warn,
            ..line_at(
                "2024-03-21 09:05:07",
                "データセット「<script>alert(1)</script>」\n作成",
            )
        };
        let text = serde_json::to_string(&line).unwrap();
        assert!(!text.contains('\n'), "one object per line: {text}");

        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "timestamp": "2024-03-21 09:05:07",
                "level": "WARN",
                "service": "dataset-management",
                "message": "データセット「<script>alert(1)</script>」\n作成",
                "context": {
                    "request_id": "3f1c7d2e-8a41-4b6e-9c1a-2f5d7e8b9a01",
                    "user_id": "user123",
                    "action": "create_dataset"
                }
            })
        );
        assert_eq!(serde_json::from_str::<LogLine>(&text).unwrap(), line);
    }

    #[test]
    fn levels_are_the_seed_spellings() {
        for (level, text) in [
            (Level::Info, "\"INFO\""),
            (Level::Warn, "\"WARN\""),
            (Level::Error, "\"ERROR\""),
        ] {
            assert_eq!(serde_json::to_string(&level).unwrap(), text);
        }
    }

    #[test]
    fn request_ids_are_version_4_uuids_and_repeat_with_the_seed() {
        let ids = RequestIds::new(9);
        let first = ids.next_id();
        let parsed = uuid::Uuid::parse_str(&first).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
        assert_ne!(ids.next_id(), first);
        assert_eq!(RequestIds::new(9).next_id(), first);
    }

    #[test]
    fn file_name_carries_the_date() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(log_file_name(date), "dataset-management-2024-03-01.log");
    }

    #[test]
    fn writer_switches_file_when_the_date_changes() {
        let dir = tempfile::tempdir().unwrap();
        let writer = LogWriter::start(dir.path()).unwrap();
        let sink = writer.sink();
        sink.write(line_at("2024-03-21 23:59:58", "before midnight"));
        sink.write(line_at("2024-03-21 23:59:59", "still the 21st"));
        sink.write(line_at("2024-03-22 00:00:00", "after midnight"));
        writer.close();

        let read = |name: &str| -> Vec<LogLine> {
            fs::read_to_string(dir.path().join(name))
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        };
        let first = read("dataset-management-2024-03-21.log");
        let second = read("dataset-management-2024-03-22.log");
        assert_eq!(
            first.iter().map(|l| l.message.as_str()).collect::<Vec<_>>(),
            ["before midnight", "still the 21st"]
        );
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].message, "after midnight");
    }

    #[test]
    fn flush_makes_queued_lines_visible_and_reopening_appends() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dataset-management-2024-03-21.log");
        let writer = LogWriter::start(dir.path()).unwrap();
        writer.sink().write(line_at("2024-03-21 10:00:00", "one"));
        writer.flush();
        assert_eq!(fs::read_to_string(&path).unwrap().lines().count(), 1);
        writer.close();

        let writer = LogWriter::start(dir.path()).unwrap();
        writer.sink().write(line_at("2024-03-21 10:00:01", "two"));
        writer.close();
        assert_eq!(fs::read_to_string(&path).unwrap().lines().count(), 2);
    }
}
