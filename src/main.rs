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
use tlsscope::analysis::select::ConnSet;
use tlsscope::analysis::{analyze_streaming, Messages, Options, Tap};
use tlsscope::crypto::keylog::KeyLog;
use tlsscope::crypto::keys::load_keys;
use tlsscope::crypto::secrets::Secrets;
use tlsscope::report::export::{ExportDecoder, ExportOptions, Exporter};
use tlsscope::report::follow::{self, FollowWriter, Missing};
use tlsscope::report::json::JsonStream;
use tlsscope::report::jsonl::JsonlStream;
use tlsscope::report::model::{DecryptionStatus, Side};
use tlsscope::report::requests::RequestsTable;
use tlsscope::report::table::{InspectView, SummaryTable};
use tlsscope::report::ReportSink;
use tlsscope::session::AppDecoder;

use cli::{Cli, Command, Common, FollowDirection, FollowFormat, Listing, OutputFormat, Shell};
use output::{create_private, say, Output};
use tlsscope::files::PrivateFile;

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
        Ok(()) if INPUT_UNUSED.load(std::sync::atomic::Ordering::Relaxed) => {
            ExitCode::from(EXIT_INPUT_UNUSED)
        }
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
/// What was wrong with them is said on stderr and makes the run end with
/// [`EXIT_INPUT_UNUSED`] after its report: the analysis itself goes on without them.
fn secrets(common: &Common) -> Result<Secrets, String> {
    let unused = |why: String| {
        say(&why);
        INPUT_UNUSED.store(true, std::sync::atomic::Ordering::Relaxed);
    };
    let (present, missing): (Vec<_>, Vec<_>) = common.keys.iter().partition(|k| k.exists());
    for k in missing {
        unused(format!("{}: no such file", k.display()));
    }
    let present: Vec<PathBuf> = present.into_iter().cloned().collect();
    let (keys, errors) = load_keys(&present, common.key_password.as_deref());
    for e in errors {
        // A file named on the command line counts; one found in a named folder (an ECDSA
        // key beside the RSA ones) is only said.
        let named = present.iter().any(|p| p.as_os_str() == e.path());
        if named {
            unused(e.to_string());
        } else {
            say(&e.to_string());
        }
    }
    let mut keylog = KeyLog::default();
    for path in &common.keylogs {
        if !path.exists() {
            unused(format!("{}: no such file", path.display()));
        } else if let Err(e) = keylog.load_file(path) {
            unused(format!("{}: {e}", path.display()));
        }
    }
    let mut secrets = Secrets::new(keys, keylog);
    if let Some(psk) = &common.psk {
        match hex::decode(psk.trim().trim_start_matches("0x"))
            .ok()
            .filter(|b| !b.is_empty() && b.len() <= 1024)
        {
            Some(bytes) => secrets.psk = Some(bytes),
            None => unused(format!("--psk {psk}: not a hex key of 1 to 1024 bytes")),
        }
    }
    Ok(secrets)
}

/// Exit code of a run that analysed its captures but could not use some key material
/// named on its command line (see the README's exit code table).
const EXIT_INPUT_UNUSED: u8 = 3;

/// Set when key material named on the command line could not be used.
static INPUT_UNUSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

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
        decode_app: !common.no_http,
        stop: defaults.stop,
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    match &cli.command {
        Command::Summary(l) => list(l, |out| Box::new(SummaryTable::new(out))),
        Command::Requests(l) => list(l, |out| Box::new(RequestsTable::new(out))),
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
        } => follow_connections(common, conn, *stream, *direction, *format, captures),
        Command::Export {
            common,
            dir,
            conn,
            force,
            max_decoded,
            captures,
        } => {
            let options = ExportOptions {
                dir: dir.clone(),
                force: *force,
                max_decoded: *max_decoded,
                inputs: inputs(common, captures),
            };
            export_bodies(common, conn, options, captures)
        }
        Command::Completions { shell } => {
            let mut out = stdout()?;
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let shell = match shell {
                Shell::Bash => clap_complete::Shell::Bash,
                Shell::Zsh => clap_complete::Shell::Zsh,
                Shell::Fish => clap_complete::Shell::Fish,
            };
            clap_complete::generate(shell, &mut cmd, "tlsscope", &mut out);
            finish(Some(out))
        }
        Command::Man => {
            let mut out = stdout()?;
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd)
                .render(&mut out)
                .map_err(|e| Failure::Output(format!("writing the manual page: {e}")))?;
            finish(Some(out))
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
                Some(t) => create_private(t).map_err(Failure::Usage)?,
                None => stdout()?,
            };
            // The lines go out as the run recovers them; no report is kept.
            let out = Arc::new(Mutex::new(out.stop_on_close(options.stop.clone())));
            let sink = out.clone();
            let lines = Arc::new(std::sync::atomic::AtomicU64::new(0));
            let counted = lines.clone();
            secrets.set_keylog_sink(Box::new(move |line| {
                counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let mut o = sink.lock().unwrap_or_else(PoisonError::into_inner);
                let _ = writeln!(o, "{line}");
            }));
            let mut tls = 0u64;
            analyze_streaming(captures, &options, secrets, None, &mut |_| tls += 1)
                .map_err(|e| e.to_string())?;
            if lines.load(std::sync::atomic::Ordering::Relaxed) == 0 {
                say(&format!(
                    "keylog: no secret recovered from {tls} TLS connections (give the \
                     server's key with -k, or a key log with --keylog)"
                ));
            }
            let out = Arc::try_unwrap(out)
                .map_err(|_| Failure::Usage("internal: key log output still shared".into()))?
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner);
            finish(Some(out))
        }
    }
}

/// A command that lists connections without their messages (`summary`, `requests`):
/// `table` makes its table view; json and jsonl are the same for all.
fn list(
    listing: &Listing,
    table: impl FnOnce(Output) -> Box<dyn ReportSink<Output>>,
) -> Result<(), Failure> {
    let Listing {
        view,
        common,
        captures,
    } = listing;
    let options = options(common, Messages::None);
    let secrets = secrets(common)?;
    let out = stdout()?.stop_on_close(options.stop.clone());
    let mut sink: Box<dyn ReportSink<Output>> = match view.format() {
        OutputFormat::Table => table(out),
        OutputFormat::Json => Box::new(JsonStream::new(out)),
        OutputFormat::Jsonl => Box::new(JsonlStream::new(out)),
    };
    let analysis = analyze_streaming(captures, &options, secrets, None, &mut |mut c| {
        // A list leaves out the per-message detail.
        c.messages.clear();
        let _ = sink.connection(&c);
    })
    .map_err(|e| e.to_string())?;
    finish(sink.end(&analysis.report.capture).ok())
}

/// `follow`: the decrypted data of the chosen connections, written as it is decrypted.
fn follow_connections(
    common: &Common,
    conns: &ConnSet,
    stream: Option<u64>,
    direction: FollowDirection,
    format: FollowFormat,
    captures: &[PathBuf],
) -> Result<(), Failure> {
    let single = conns.single();
    if single.is_none() && format == FollowFormat::Raw {
        return Err(Failure::Usage(format!(
            "--conn {conns} with --format raw would interleave the connections' bytes: \
             use --format ascii or hex, or one connection"
        )));
    }
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
    let mut writer = FollowWriter::new(out, which, shape);
    if single.is_none() {
        writer = writer.several();
    }
    let writer = Rc::new(RefCell::new(writer));
    let shared = writer.clone();
    let follow = Tap {
        conns: conns.clone(),
        decoder: Box::new(move |id| {
            Box::new(FollowSink {
                writer: shared.clone(),
                conn: id,
                stream,
            })
        }),
    };
    // The selected connections that ended, and those of them not decrypted.
    let (mut matched, mut not_decrypted) = (0u64, Vec::new());
    analyze_streaming(captures, &options, secrets, Some(follow), &mut |c| {
        if conns.contains(c.id) {
            matched += 1;
            if c.decryption.status != DecryptionStatus::Decrypted {
                let (status, reason) = (c.decryption.status, &c.decryption.reason);
                not_decrypted.push((c.id, format!("{status}: {reason}")));
            }
        }
    })
    .map_err(|e| e.to_string())?;
    let mut writer = Rc::try_unwrap(writer)
        .map_err(|_| Failure::Usage("internal: follow output still shared".into()))?
        .into_inner();
    let _ = writer.finish();
    if matched == 0 {
        return Err(Failure::Usage(match single {
            Some(id) => format!("no TLS connection with id {id}"),
            None => format!("no TLS connection matches --conn {conns}"),
        }));
    }
    // Nothing to show at all is an error; some connections missing is a note.
    if let (0, Some((id, why))) = (writer.shown, not_decrypted.first()) {
        return Err(Failure::Usage(match single {
            Some(_) => format!("connection {id} was not decrypted ({why})"),
            None => format!(
                "none of the {matched} connections --conn {conns} selects was decrypted \
                 (connection {id}: {why})"
            ),
        }));
    }
    for (id, why) in not_decrypted.iter().take(NOTES_SHOWN) {
        say(&format!("follow: connection {id}: {why}"));
    }
    if not_decrypted.len() > NOTES_SHOWN {
        say(&format!(
            "follow: {} more connections were not decrypted",
            not_decrypted.len() - NOTES_SHOWN
        ));
    }
    // Raw output carries no marks: what is missing is said here instead.
    let [lost, undecrypted] = writer.missing;
    if format == FollowFormat::Raw && lost + undecrypted > 0 {
        say(&format!(
            "follow: {} bytes missing from the output ({} lost in the capture, {} in records \
             not decrypted)",
            follow::grouped(lost + undecrypted),
            follow::grouped(lost),
            follow::grouped(undecrypted)
        ));
    }
    finish(Some(writer.into_inner()))
}

/// `export`: the selected connections' HTTP bodies into DIR, listed in its index.
fn export_bodies(
    common: &Common,
    conns: &ConnSet,
    export: ExportOptions,
    captures: &[PathBuf],
) -> Result<(), Failure> {
    let options = options(common, Messages::None);
    let secrets = secrets(common)?;
    // Refused before the run: DIR not a directory, an index that exists without --force.
    let exporter = Rc::new(RefCell::new(Exporter::create(export)?));
    let shared = exporter.clone();
    let tap = Tap {
        conns: conns.clone(),
        decoder: Box::new(move |id| Box::new(ExportDecoder::new(id, shared.clone()))),
    };
    let (mut matched, mut decrypted) = (0u64, 0u64);
    analyze_streaming(captures, &options, secrets, Some(tap), &mut |c| {
        if conns.contains(c.id) {
            matched += 1;
            decrypted += u64::from(matches!(
                c.decryption.status,
                DecryptionStatus::Decrypted | DecryptionStatus::Incomplete
            ));
        }
    })
    .map_err(|e| e.to_string())?;
    let mut ex = exporter.borrow_mut();
    let index = ex.finish().map_err(Failure::Output)?;
    for p in &ex.problems {
        say(&format!("export: {p}"));
    }
    if ex.problems_omitted > 0 {
        say(&format!(
            "export: {} more problems (see the index)",
            ex.problems_omitted
        ));
    }
    say(&format!(
        "export: {} bodies written ({} bytes), {} not written; index: {}",
        ex.written,
        follow::grouped(ex.written_bytes),
        ex.not_written,
        index.display()
    ));
    if matched == 0 {
        return Err(Failure::Usage(format!(
            "no TLS connection matches --conn {conns}"
        )));
    }
    if ex.written == 0 && ex.not_written == 0 && decrypted == 0 {
        return Err(Failure::Usage(format!(
            "none of the {matched} connections --conn {conns} selects was decrypted: \
             give the server's key (-k) or a key log (--keylog)"
        )));
    }
    if ex.not_written > 0 {
        return Err(Failure::Output(format!(
            "{} bodies could not be written (their reasons are in the index)",
            ex.not_written
        )));
    }
    Ok(())
}

/// Connections named one by one on stderr before the rest are only counted.
const NOTES_SHOWN: usize = 16;

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
    conn: u64,
    stream: Option<u64>,
}

impl FollowSink {
    /// The writer, told whose data comes now.
    fn writer(&self) -> std::cell::RefMut<'_, FollowWriter<Output>> {
        let mut w = self.writer.borrow_mut();
        let _ = w.connection(self.conn);
        w
    }
}

impl AppDecoder for FollowSink {
    // A failed write is remembered by the Output and reported at the end.
    fn data(&mut self, side: Side, _ts: i64, bytes: &[u8]) {
        if self.stream.is_none() {
            let _ = self.writer().data(side, bytes);
        }
    }

    fn stream_data(&mut self, stream_id: u64, side: Side, _ts: i64, bytes: &[u8]) {
        if self.stream.is_none_or(|s| s == stream_id) {
            let _ = self.writer().data(side, bytes);
        }
    }

    fn gap(&mut self, side: Side, len: u64) {
        if self.stream.is_none() {
            let _ = self.writer().missing(side, len, Missing::Lost);
        }
    }

    fn stream_gap(&mut self, stream_id: u64, side: Side, len: u64) {
        if self.stream.is_none_or(|s| s == stream_id) {
            let _ = self.writer().missing(side, len, Missing::Lost);
        }
    }

    fn undecrypted(&mut self, side: Side, len: u64) {
        let _ = self.writer().missing(side, len, Missing::Undecrypted);
    }

    fn close(&mut self) {
        let _ = self.writer.borrow_mut().end_connection(self.conn);
    }
}
