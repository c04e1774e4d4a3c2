//! `export DIR`: every HTTP body of the selected connections written to a file of its
//! own, like Wireshark's Export Objects, and `DIR/index.json` listing them.
//!
//! ```text
//!  Session ─ plaintext, streams ─► ExportDecoder (an AppDecoder: HTTP/1, HTTP/3 with a body sink)
//!                           └─ body start / bytes / end ─► Exporter ─► DIR/c3-t2-logo.png
//!                                                                  └─► DIR/index.json (as they end)
//! ```
//! Files are created new, never through a link, never outside DIR (names are one safe
//! component: `names.rs`), and never over an existing file unless `--force` (which
//! replaces regular files only, never an input of the run). Bodies are decoded from
//! their Content-Encoding (`object.rs`) up to a decompression-bomb limit. Memory is
//! bounded: bodies stream to their files; at most [`MAX_OPEN_OBJECTS`] files and
//! [`MAX_DECODING`] content decoders are open at once (the rest are counted, and written
//! as sent or not at all, and the index says so); the index is written as it goes.

mod names;
mod object;

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{self, Write};
use std::path::PathBuf;
use std::rc::Rc;

use serde::Serialize;

use self::object::{Coding, ObjectWriter};
use crate::app::body_hash::AppDataHash;
use crate::app::http1::{push_problem, BodyAt, BodySink, Message};
use crate::app::{AppDecoders, StreamEvent};
use crate::files::PrivateFile;
use crate::report::model::Side;
use crate::session::AppDecoder;

/// Files open at once (bodies being received side by side); past it, a body is listed
/// in the index but not written.
pub const MAX_OPEN_OBJECTS: usize = 256;
/// Content decoders open at once (a brotli window may take 16 MiB); past it, a body is
/// written as sent.
pub const MAX_DECODING: usize = 4;
/// The default decompression-bomb limit: decoded bytes written per body.
pub const DEFAULT_MAX_DECODED: u64 = 256 << 20;

/// What the user asked for.
pub struct ExportOptions {
    pub dir: PathBuf,
    pub force: bool,
    pub max_decoded: u64,
    /// The run's input files: never overwritten.
    pub inputs: Vec<PathBuf>,
}

/// One line of the index: a body and what became of it.
#[derive(Debug, Serialize)]
pub struct IndexEntry {
    /// The file's name in DIR; `null` when it was not written.
    pub file: Option<String>,
    pub connection: u64,
    /// The index of the connection's `app.transactions` (`null` past their cap).
    pub transaction: Option<usize>,
    /// HTTP/2 and HTTP/3: the stream.
    pub stream_id: Option<u64>,
    /// `request` (a request's body, e.g. a POST) or `response`.
    pub direction: &'static str,
    pub method: Option<String>,
    pub host: Option<String>,
    pub target: Option<String>,
    pub status: Option<u16>,
    pub content_type: Option<String>,
    pub content_encoding: Option<String>,
    /// Body bytes as they travelled, after chunked decoding, their SHA-256.
    pub wire_bytes: u64,
    pub bytes: u64,
    pub sha256: String,
    /// Bytes in the file, and whether they are the content decoded.
    pub written_bytes: u64,
    pub decoded: bool,
    /// The body's end was in the capture.
    pub complete: bool,
    pub problem: Option<String>,
}

/// The export of a run: DIR, its index, and the open bodies' counts.
pub struct Exporter {
    options: ExportOptions,
    index: Box<dyn Write>,
    entries: u64,
    pub written: u64,
    pub written_bytes: u64,
    /// Bodies listed but not written (open-file cap, existing files, errors).
    pub not_written: u64,
    open: usize,
    decoding: usize,
    pub problems: Vec<String>,
    pub problems_omitted: u64,
    /// The index could not be written: the run's failure.
    pub failed: Option<String>,
}

/// The index file's name in DIR (no body's name can be it: theirs start `c<digit>`).
pub const INDEX: &str = "index.json";

impl Exporter {
    /// Creates DIR if needed and the index in it: refused (before the run) when the
    /// index exists without `--force`, is a link, or is an input.
    pub fn create(options: ExportOptions) -> Result<Exporter, String> {
        let dir = &options.dir;
        match std::fs::symlink_metadata(dir) {
            Ok(m) if m.is_dir() => {}
            Ok(m) if m.file_type().is_symlink() && dir.is_dir() => {}
            Ok(_) => return Err(format!("{}: exists and is not a directory", dir.display())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?
            }
            Err(e) => return Err(format!("{}: {e}", dir.display())),
        }
        let index = PrivateFile::check(&dir.join(INDEX), options.force, &options.inputs)?;
        let mut index = io::BufWriter::new(index.create_file()?);
        let shown = dir.display().to_string();
        write!(index, "{{\"directory\": {},\n \"objects\": [", json(&shown))
            .map_err(|e| format!("{}: {e}", dir.join(INDEX).display()))?;
        Ok(Exporter {
            options,
            index: Box::new(index),
            entries: 0,
            written: 0,
            written_bytes: 0,
            not_written: 0,
            open: 0,
            decoding: 0,
            problems: Vec::new(),
            problems_omitted: 0,
            failed: None,
        })
    }

    /// Ends the index. Returns its path.
    pub fn finish(&mut self) -> Result<PathBuf, String> {
        let path = self.options.dir.join(INDEX);
        let summary = format!(
            "\n ],\n \"objects_written\": {},\n \"objects_not_written\": {},\n \"problems\": {},\n \"problems_omitted\": {}}}\n",
            self.written,
            self.not_written,
            serde_json::to_string(&self.problems).unwrap_or_default(),
            self.problems_omitted
        );
        self.index
            .write_all(summary.as_bytes())
            .and_then(|_| self.index.flush())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        match self.failed.take() {
            Some(e) => Err(e),
            None => Ok(path),
        }
    }

    fn problem(&mut self, text: String) {
        push_problem(&mut self.problems, &mut self.problems_omitted, text);
    }

    /// Opens the file of a body, or says why not.
    fn open(&mut self, name: &str) -> Result<std::fs::File, String> {
        if self.open >= MAX_OPEN_OBJECTS {
            return Err(format!(
                "not written: more than {MAX_OPEN_OBJECTS} bodies were open at once"
            ));
        }
        let path = self.options.dir.join(name);
        let file = PrivateFile::check(&path, self.options.force, &self.options.inputs)
            .and_then(PrivateFile::create_file)?;
        self.open += 1;
        Ok(file)
    }

    /// A body is over: its line goes into the index.
    fn listed(&mut self, entry: &IndexEntry) {
        let line = serde_json::to_string(entry).unwrap_or_default();
        let sep = if self.entries == 0 { "\n  " } else { ",\n  " };
        self.entries += 1;
        if let Err(e) = self
            .index
            .write_all(sep.as_bytes())
            .and_then(|_| self.index.write_all(line.as_bytes()))
        {
            let path = self.options.dir.join(INDEX);
            self.failed
                .get_or_insert(format!("{}: {e}", path.display()));
        }
    }
}

/// A JSON string.
fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// One body being exported.
struct Open {
    entry: IndexEntry,
    writer: Option<ObjectWriter>,
    decoding: bool,
}

/// The bodies of one connection, as the HTTP/1 decoder hands them on.
struct ConnectionBodies {
    conn: u64,
    exporter: Rc<RefCell<Exporter>>,
    /// Bodies seen so far (names those past the transaction cap).
    seq: u64,
    /// The bodies being received, by stream (HTTP/1: none) and side.
    open: HashMap<(Option<u64>, usize), Open>,
}

impl BodySink for ConnectionBodies {
    fn start(&mut self, side: Side, at: BodyAt, msg: &Message, request: Option<&Message>) {
        let transaction = at.transaction;
        let request_body = side == Side::Client;
        let req = if request_body { Some(msg) } else { request };
        let text = |m: Option<&Message>, name: &str| {
            m.and_then(|m| m.header(name))
                .map(|v| String::from_utf8_lossy(v).into_owned())
        };
        let target = req.and_then(|r| r.target.clone());
        let name = names::object_name(self.conn, at, self.seq, request_body, target.as_deref());
        self.seq += 1;
        let mut entry = IndexEntry {
            file: None,
            connection: self.conn,
            transaction,
            stream_id: at.stream_id,
            direction: if request_body { "request" } else { "response" },
            method: req.and_then(|r| r.method.clone()),
            host: text(req, "host"),
            target,
            status: msg.status,
            content_type: text(Some(msg), "content-type"),
            content_encoding: text(Some(msg), "content-encoding"),
            wire_bytes: 0,
            bytes: 0,
            sha256: String::new(),
            written_bytes: 0,
            decoded: false,
            complete: false,
            problem: None,
        };
        let mut ex = self.exporter.borrow_mut();
        let coding = Coding::from_header(msg.header("content-encoding"));
        let mut coding = match coding {
            Some(c) => c,
            None => {
                entry.problem = Some("content coding not decoded here: written as sent".into());
                Coding::Identity
            }
        };
        if coding != Coding::Identity && ex.decoding >= MAX_DECODING {
            entry.problem = Some(format!(
                "written as sent: more than {MAX_DECODING} bodies were being decoded at once"
            ));
            coding = Coding::Identity;
        }
        let decoding = coding != Coding::Identity;
        let writer = match ex.open(&name) {
            Ok(file) => {
                ex.decoding += usize::from(decoding);
                entry.file = Some(name);
                entry.decoded = decoding;
                Some(ObjectWriter::new(file, coding, ex.options.max_decoded))
            }
            Err(why) => {
                ex.problem(format!("connection {}: {name}: {why}", self.conn));
                entry.problem = Some(why);
                None
            }
        };
        self.open.insert(
            (at.stream_id, index(side)),
            Open {
                entry,
                writer,
                decoding,
            },
        );
    }

    fn data(&mut self, side: Side, stream_id: Option<u64>, bytes: &[u8]) {
        if let Some(Open {
            writer: Some(w), ..
        }) = self.open.get_mut(&(stream_id, index(side)))
        {
            w.write(bytes);
        }
    }

    fn end(&mut self, side: Side, stream_id: Option<u64>, msg: &Message) {
        let Some(mut open) = self.open.remove(&(stream_id, index(side))) else {
            return;
        };
        let e = &mut open.entry;
        e.wire_bytes = msg.body_wire_bytes;
        e.bytes = msg.body_bytes;
        e.sha256 = hex::encode(msg.body_sha256.value());
        e.complete = msg.complete;
        let mut ex = self.exporter.borrow_mut();
        ex.close_object(open);
    }
}

impl Drop for ConnectionBodies {
    /// A connection dropped with a body still open (its decoder never closed): the
    /// file keeps what came and the index says so.
    fn drop(&mut self) {
        for (_, mut open) in std::mem::take(&mut self.open) {
            open.entry
                .problem
                .get_or_insert("the connection ended inside the body".into());
            self.exporter.borrow_mut().close_object(open);
        }
    }
}

impl Exporter {
    /// A body is over: its file is finished, counted, and listed in the index.
    fn close_object(&mut self, open: Open) {
        let mut entry = open.entry;
        match open.writer {
            Some(w) => {
                let done = w.finish();
                self.open -= 1;
                self.decoding -= usize::from(open.decoding);
                self.written += 1;
                self.written_bytes += done.bytes;
                entry.written_bytes = done.bytes;
                if let Some(p) = done.problem {
                    let file = entry.file.as_deref().unwrap_or("");
                    self.problem(format!("connection {}: {file}: {p}", entry.connection));
                    entry.problem = Some(p);
                }
            }
            None => self.not_written += 1,
        }
        self.listed(&entry);
    }
}

fn index(side: Side) -> usize {
    (side == Side::Server) as usize
}

/// The application decoder `export` attaches to each selected connection: the report's
/// choice of decoder (ALPN, else content), with its bodies going to the exporter.
pub struct ExportDecoder {
    decoders: AppDecoders,
}

impl ExportDecoder {
    pub fn new(conn: u64, exporter: Rc<RefCell<Exporter>>) -> Self {
        let bodies = ConnectionBodies {
            conn,
            exporter,
            seq: 0,
            open: HashMap::new(),
        };
        ExportDecoder {
            decoders: AppDecoders::with_bodies(Box::new(bodies)),
        }
    }
}

impl AppDecoder for ExportDecoder {
    fn data(&mut self, side: Side, ts: i64, bytes: &[u8]) {
        self.decoders.plaintext(side, ts, bytes);
    }

    fn gap(&mut self, side: Side, len: u64) {
        self.decoders.gap(side, len);
    }

    fn stream_data(&mut self, stream_id: u64, side: Side, ts: i64, bytes: &[u8]) {
        let bytes = bytes.into();
        let e = StreamEvent::Data {
            stream_id,
            side,
            ts,
            bytes,
        };
        self.decoders.stream(e, &mut AppDataHash::none());
    }

    fn stream_gap(&mut self, stream_id: u64, side: Side, len: u64) {
        let e = StreamEvent::Gap {
            stream_id,
            side,
            len,
        };
        self.decoders.stream(e, &mut AppDataHash::none());
    }

    fn stream_end(&mut self, stream_id: u64, side: Side, reset: Option<u64>) {
        let e = StreamEvent::End {
            stream_id,
            side,
            reset,
        };
        self.decoders.stream(e, &mut AppDataHash::none());
    }

    fn protocol(&mut self, alpn: &[u8]) {
        self.decoders.protocol(alpn);
    }

    fn undecrypted(&mut self, side: Side, len: u64) {
        // What the records held is missing from the stream, as if lost.
        self.decoders.gap(side, len);
    }

    fn close(&mut self) {
        self.decoders.close();
    }
}
