//! tlsscope's binary: parse the command line, run the library, print, exit.
//!
//! Exit codes: 0 analysed (damage is in the report), 1 the output could not be written
//! (a full disk, a closed descriptor), 2 bad usage or unreadable input. A reader that
//! goes away (`| head`) is not a failure: the output stops quietly, exit 0.

mod cli;
mod output;

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};

use clap::Parser;
use tlsscope::analysis::{analyze_streaming, Follow, Messages, Options};
use tlsscope::crypto::keylog::KeyLog;
use tlsscope::crypto::keys::load_keys;
use tlsscope::crypto::secrets::Secrets;
use tlsscope::report::follow::{self, FollowWriter};
use tlsscope::report::json::JsonStream;
use tlsscope::report::jsonl::JsonlStream;
use tlsscope::report::model::{DecryptionStatus, Side};
use tlsscope::report::table::{InspectView, SummaryTable};
use tlsscope::report::ReportSink;
use tlsscope::session::AppDecoder;

use cli::{Cli, Command, Common, FollowDirection, FollowFormat, OutputFormat};
use output::{say, Output, PrivateFile};

/// Why a run did not end well, and the exit code that says so.
enum Failure {
    /// Bad usage or input that cannot be read: exit 2.
    Usage(String),
    /// The output could not be written: exit 1.
    Output(String),
}

impl From<String> for Failure {
    fn from(s: String) -> Self {
        Failure::Usage(s)
    }
}

/// Standard output; a closed descriptor is an output failure (exit 1).
fn stdout() -> Result<Output, Failure> {
    Output::stdout().map_err(Failure::Output)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind::*;
            if matches!(
                e.kind(),
                DisplayHelp | DisplayVersion | DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let written = Output::stdout().and_then(|mut out| {
                    let _ = out.write_all(e.render().to_string().as_bytes());
                    out.finish()
                });
                return match written {
                    Err(why) => {
                        say(&why);
                        ExitCode::from(1)
                    }
                    Ok(()) => ExitCode::SUCCESS,
                };
            }
            // One line: clap's first line says what was wrong.
            let text = e.to_string();
            let first = text
                .lines()
                .next()
                .unwrap_or("bad usage")
                .trim_start_matches("error: ");
            say(&format!("{first} (see tlsscope --help)"));
            return ExitCode::from(2);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            say(&msg);
            ExitCode::from(2)
        }
        Err(Failure::Output(msg)) => {
            say(&msg);
            ExitCode::from(1)
        }
    }
}

/// Loads keys and key logs; problems with them are reported on stderr, one line each,
/// and the run goes on with what loaded.
fn secrets(common: &Common) -> Result<Secrets, String> {
    for k in common.keys.iter().chain(&common.keylogs) {
        if !k.exists() {
            return Err(format!("{}: no such file", k.display()));
        }
    }
    let (keys, errors) = load_keys(&common.keys, common.key_password.as_deref());
    for e in errors {
        say(&e.to_string());
    }
    let mut keylog = KeyLog::default();
    for path in &common.keylogs {
        keylog
            .load_file(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let mut secrets = Secrets::new(keys, keylog);
    if let Some(psk) = &common.psk {
        let bytes = hex::decode(psk.trim().trim_start_matches("0x"))
            .ok()
            .filter(|b| !b.is_empty() && b.len() <= 1024)
            .ok_or_else(|| format!("--psk {psk}: not a hex key of 1 to 1024 bytes"))?;
        secrets.psk = Some(bytes);
    }
    Ok(secrets)
}

fn options(common: &Common, messages: Messages) -> Options {
    let defaults = Options::default();
    Options {
        out_of_order_cap: common.max_out_of_order,
        buffered_cap: common.max_buffered,
        max_connections: common.max_connections as usize,
        messages,
        max_messages: common.max_messages,
        memory_budget: common.max_memory,
        rsa_threads: common.threads.map_or(defaults.rsa_threads, usize::from),
        progress: !common.quiet && std::io::stderr().is_terminal(),
        show_secrets: common.show_secrets,
        stop: defaults.stop,
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    match &cli.command {
        Command::Summary {
            view,
            common,
            captures,
        } => {
            let options = options(common, Messages::None);
            let secrets = secrets(common)?;
            let out = stdout()?.stop_on_close(options.stop.clone());
            let mut sink: Box<dyn ReportSink<Output>> = match view.format() {
                OutputFormat::Table => Box::new(SummaryTable::new(out)),
                OutputFormat::Json => Box::new(JsonStream::new(out)),
                OutputFormat::Jsonl => Box::new(JsonlStream::new(out)),
            };
            let analysis = analyze_streaming(captures, &options, secrets, None, &mut |mut c| {
                // The summary leaves out the per-message detail.
                c.messages.clear();
                let _ = sink.connection(&c);
            })
            .map_err(|e| e.to_string())?;
            finish(sink.end(&analysis.report.capture).ok())
        }
        Command::Inspect {
            view,
            common,
            conn,
            captures,
        } => {
            let messages = conn.map_or(Messages::All, Messages::Only);
            let options = options(common, messages);
            let secrets = secrets(common)?;
            let out = stdout()?.stop_on_close(options.stop.clone());
            let mut sink: Box<dyn ReportSink<Output>> = match view.format() {
                OutputFormat::Table => Box::new(InspectView::new(out)),
                OutputFormat::Json => Box::new(JsonStream::new(out)),
                OutputFormat::Jsonl => Box::new(JsonlStream::new(out)),
            };
            let mut found = false;
            let analysis = analyze_streaming(captures, &options, secrets, None, &mut |c| {
                if conn.is_none_or(|id| c.id == id) {
                    found = true;
                    let _ = sink.connection(&c);
                }
            })
            .map_err(|e| e.to_string())?;
            if let (Some(id), false) = (conn, found) {
                return Err(Failure::Usage(format!("no TLS connection with id {id}")));
            }
            finish(sink.end(&analysis.report.capture).ok())
        }
        Command::Follow {
            common,
            conn,
            stream,
            direction,
            format,
            captures,
        } => {
            let options = options(common, Messages::None);
            let secrets = secrets(common)?;
            let which = match direction {
                FollowDirection::Client => follow::Which::Client,
                FollowDirection::Server => follow::Which::Server,
                FollowDirection::Both => follow::Which::Both,
            };
            let shape = match format {
                FollowFormat::Raw => follow::Format::Raw,
                FollowFormat::Ascii => follow::Format::Ascii,
                FollowFormat::Hex => follow::Format::Hex,
            };
            let out = stdout()?.stop_on_close(options.stop.clone());
            let writer = Rc::new(RefCell::new(FollowWriter::new(out, which, shape)));
            let follow = Follow {
                id: *conn,
                decoder: Box::new(FollowSink {
                    writer: writer.clone(),
                    stream: *stream,
                }),
            };
            let mut report = None;
            analyze_streaming(captures, &options, secrets, Some(follow), &mut |c| {
                if c.id == *conn {
                    report = Some((c.decryption.status, c.decryption.reason.clone()));
                }
            })
            .map_err(|e| e.to_string())?;
            let mut writer = Rc::try_unwrap(writer)
                .map_err(|_| Failure::Usage("internal: follow output still shared".into()))?
                .into_inner();
            let _ = writer.finish();
            let shown = writer.shown;
            match report {
                None => Err(Failure::Usage(format!("no TLS connection with id {conn}"))),
                Some((status, reason)) if shown == 0 && status != DecryptionStatus::Decrypted => {
                    Err(Failure::Usage(format!(
                        "connection {conn} was not decrypted ({status}: {reason})"
                    )))
                }
                Some(_) => finish(Some(writer.into_inner())),
            }
        }
        Command::Keylog {
            common,
            output,
            force,
            captures,
        } => {
            let options = options(common, Messages::None);
            // Refused before the run: an existing file (unless --force), a link, an input.
            let target = match output {
                Some(path) => Some(PrivateFile::check(path, *force, &inputs(common, captures))?),
                None => None,
            };
            let mut secrets = secrets(common)?;
            let out = match target {
                Some(t) => t.create().map_err(Failure::Usage)?,
                None => stdout()?,
            };
            // The lines go out as the run recovers them; no report is kept.
            let out = Arc::new(Mutex::new(out.stop_on_close(options.stop.clone())));
            let sink = out.clone();
            secrets.set_keylog_sink(Box::new(move |line| {
                let mut o = sink.lock().unwrap_or_else(PoisonError::into_inner);
                let _ = writeln!(o, "{line}");
            }));
            analyze_streaming(captures, &options, secrets, None, &mut |_| {})
                .map_err(|e| e.to_string())?;
            let out = Arc::try_unwrap(out)
                .map_err(|_| Failure::Usage("internal: key log output still shared".into()))?
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner);
            finish(Some(out))
        }
    }
}

/// Every file the run reads: `-o` must never be one of them.
fn inputs(common: &Common, captures: &[PathBuf]) -> Vec<PathBuf> {
    captures
        .iter()
        .chain(&common.keys)
        .chain(&common.keylogs)
        .cloned()
        .collect()
}

/// Flushes the output and turns a failed write into the run's failure.
fn finish(out: Option<Output>) -> Result<(), Failure> {
    match out {
        Some(out) => out
            .finish()
            .map_err(|e| Failure::Output(format!("writing {}: {e}", "the output"))),
        None => Err(Failure::Output(
            "writing the output: it failed and was not flushed".into(),
        )),
    }
}

/// `follow`'s writer, shared between the session that feeds it and `run`; `stream`:
/// the one QUIC stream to show (`--stream`), which a TCP connection has none of.
struct FollowSink {
    writer: Rc<RefCell<FollowWriter<Output>>>,
    stream: Option<u64>,
}

impl AppDecoder for FollowSink {
    fn data(&mut self, side: Side, _ts: i64, bytes: &[u8]) {
        if self.stream.is_none() {
            // A failed write is remembered by the Output and reported at the end.
            let _ = self.writer.borrow_mut().data(side, bytes);
        }
    }

    fn stream_data(&mut self, stream_id: u64, side: Side, _ts: i64, bytes: &[u8]) {
        if self.stream.is_none_or(|s| s == stream_id) {
            let _ = self.writer.borrow_mut().data(side, bytes);
        }
    }

    fn gap(&mut self, _side: Side, _len: u64) {}

    fn close(&mut self) {}
}
