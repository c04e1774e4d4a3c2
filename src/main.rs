//! tlsscope's binary: parse the command line, run the library, print, exit.
//!
//! Exit codes: 0 analysed (damage is in the report), 1 the output could not be written
//! (a full disk, a closed descriptor), 2 bad usage or unreadable input. A reader that
//! goes away (`| head`) is not a failure: the output stops quietly, exit 0. Ctrl-C
//! (SIGINT) or SIGTERM ends the run cleanly, with what was read reported (exit 0); a
//! second one exits at once (130, 143: 128 + the signal).

mod cli;
mod commands;
mod output;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, PoisonError};

use clap::Parser;
use tlsscope::analysis::select::ConnSet;
use tlsscope::analysis::{analyze_streaming, LiveInput, Messages, Options};
use tlsscope::crypto::keylog::KeyLog;
use tlsscope::crypto::keys::load_keys;
use tlsscope::crypto::secrets::Secrets;
use tlsscope::report::export::ExportOptions;
use tlsscope::report::json::JsonStream;
use tlsscope::report::jsonl::JsonlStream;
use tlsscope::report::requests::RequestsTable;
use tlsscope::report::table::{InspectView, SummaryTable};
use tlsscope::report::ReportSink;

use cli::{Cli, Command, Common, Listing, OutputFile, OutputFormat, Shell, View};
use commands::filter::Selection;
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
    load_secrets(common, true)
}

/// [`secrets`], saying what was wrong only when `tell` (a second run over the same
/// captures says nothing new).
fn load_secrets(common: &Common, tell: bool) -> Result<Secrets, String> {
    let say = |why: &str| {
        if tell {
            say(why);
        }
    };
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

/// The trust store the run validates server chains against: Mozilla's roots unless
/// refused, and the CA files, folders and system store named. A file that gives no
/// certificate is bad usage (exit 2), said before anything is read.
fn validator(common: &Common) -> Result<Arc<tlsscope::pki::Validator>, Failure> {
    let mut store = tlsscope::pki::TrustStore::new(!common.no_mozilla_roots);
    for file in &common.ca_files {
        store.add_file(file).map_err(|e| format!("--ca-file {e}"))?;
    }
    for dir in &common.ca_dirs {
        store.add_dir(dir).map_err(|e| format!("--ca-dir {e}"))?;
    }
    if common.system_roots {
        store.add_system()?;
    }
    Ok(Arc::new(tlsscope::pki::Validator::new(store)))
}

fn options(common: &Common, messages: Messages) -> Result<Options, Failure> {
    let defaults = Options::default();
    Ok(Options {
        out_of_order_cap: common.max_out_of_order,
        buffered_cap: common.max_buffered,
        max_connections: common.max_connections as usize,
        messages,
        max_messages: common.max_messages,
        memory_budget: common.max_memory,
        rsa_threads: common.threads.map_or(defaults.rsa_threads, usize::from),
        workers: common
            .threads
            .map_or(defaults.workers, |n| usize::from(n).max(1)),
        progress: !common.quiet && std::io::stderr().is_terminal(),
        show_secrets: common.show_secrets,
        decode_app: !common.no_http,
        stop: defaults.stop,
        interrupt: interrupt_flag(),
        shard: common.shard,
        live: common.interface.as_ref().map(|interface| LiveInput {
            interface: interface.clone(),
            filter: common.capture_filter.clone(),
            announce: !common.quiet,
        }),
        validator: if common.no_validate {
            None
        } else {
            Some(validator(common)?)
        },
    })
}

/// The flag Ctrl-C (SIGINT) and SIGTERM set, for the run to end cleanly: set up on
/// first use. A second signal, with the flag already set, exits at once.
fn interrupt_flag() -> Arc<AtomicBool> {
    static FLAG: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            // In this order: the second signal finds the flag set by the first and exits.
            let exit = 128 + signal;
            let registered =
                signal_hook::flag::register_conditional_shutdown(signal, exit, flag.clone())
                    .and_then(|_| signal_hook::flag::register(signal, flag.clone()));
            if let Err(e) = registered {
                say(&format!("Ctrl-C will end the run at once: {e}"));
            }
        }
        flag
    })
    .clone()
}

fn run(cli: Cli) -> Result<(), Failure> {
    if let Some(c) = cli.command.common() {
        if c.capture_filter.is_some() && c.interface.is_none() {
            return Err(Failure::Usage(
                "-f/--capture-filter filters a live capture: it needs -i IFACE (see tlsscope --help)"
                    .into(),
            ));
        }
    }
    match &cli.command {
        Command::Summary(l) => {
            let style = l.layout.style();
            list(l, |out| Box::new(SummaryTable::new(out, style)))
        }
        Command::Requests(l) => {
            let style = l.layout.style();
            list(l, |out| Box::new(RequestsTable::new(out, style)))
        }
        Command::Inspect {
            view,
            common,
            conn,
            captures,
        } => {
            let mut selection = Selection::new(common)?;
            let messages = conn.map_or(Messages::All, Messages::Only);
            let options = options(common, messages)?;
            let secrets = secrets(common)?;
            let out = stdout()?.stop_on_close(options.stop.clone());
            let mut sink: Box<dyn ReportSink<Output>> = match view.format() {
                OutputFormat::Table => Box::new(InspectView::new(out).in_zone(view.zone())),
                OutputFormat::Json => Box::new(JsonStream::new(out)),
                OutputFormat::Jsonl => Box::new(JsonlStream::new(out)),
                OutputFormat::Parquet => {
                    return Err(Failure::Usage(
                        "--format parquet is for summary (and requests): inspect's messages are not tables"
                            .into(),
                    ))
                }
            };
            let mut found = false;
            let analysis = analyze_streaming(captures, &options, secrets, None, &mut |c| {
                if conn.is_none_or(|id| c.id == id) {
                    found = true;
                    if selection.admits(&c) {
                        let _ = sink.connection(&c);
                    }
                }
            })
            .map_err(|e| e.to_string())?;
            if let (Some(id), false) = (conn, found) {
                return Err(Failure::Usage(format!("no TLS connection with id {id}")));
            }
            if let (Some(id), Some(_)) = (conn, selection.nothing_matched()) {
                return Err(Failure::Usage(format!(
                    "connection {id} does not match --filter '{}'",
                    common.filter.as_deref().unwrap_or_default()
                )));
            }
            selection.note_nothing_matched();
            finish(sink.end(&analysis.report.capture).ok())
        }
        Command::Follow {
            common,
            conn,
            stream,
            direction,
            format,
            captures,
        } => commands::follow::follow_connections(
            common,
            conn.as_ref().unwrap_or(&ConnSet::All),
            *stream,
            *direction,
            *format,
            captures,
        ),
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
            commands::export::export_bodies(common, conn, options, captures)
        }
        Command::Ladder {
            common,
            conn,
            format,
            captures,
        } => commands::ladder::draw_ladders(common, conn, *format, captures),
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
        Command::Schema => {
            let mut out = stdout()?;
            let schema = tlsscope::report::schema::report_schema();
            let text = serde_json::to_string_pretty(&schema).unwrap_or_default();
            writeln!(out, "{text}")
                .map_err(|e| Failure::Output(format!("standard output: {e}")))?;
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
        Command::Report {
            common,
            conn,
            output,
            captures,
        } => {
            let target = private_target(output, common, captures)?;
            commands::report::write_report(common, conn, target, captures)
        }
        Command::Keylog {
            common,
            output,
            captures,
        } => {
            let mut selection = Selection::new(common)?;
            let mut options = options(common, Messages::None)?;
            // A connection's own lines are in its report with show_secrets.
            options.show_secrets |= selection.filter.is_some();
            // Refused before the run: an existing file (unless --force), a link, an input.
            let target = private_target(output, common, captures)?;
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
            let write = move |line: &str| {
                counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let mut o = sink.lock().unwrap_or_else(PoisonError::into_inner);
                let _ = writeln!(o, "{line}");
            };
            // Without a filter each secret goes out as the run finds it; with one, the
            // lines of each matching connection go out when it is final.
            let per_connection = match selection.filter {
                Some(_) => Some(write),
                None => {
                    secrets.set_keylog_sink(Box::new(write));
                    None
                }
            };
            analyze_streaming(captures, &options, secrets, None, &mut |c| {
                if selection.admits(&c) {
                    if let Some(write) = per_connection.as_ref() {
                        c.decryption.secrets.iter().for_each(|l| write(l));
                    }
                }
            })
            .map_err(|e| e.to_string())?;
            selection.note_nothing_matched();
            if lines.load(std::sync::atomic::Ordering::Relaxed) == 0 && selection.matched > 0 {
                say(&format!(
                    "keylog: no secret recovered from {} TLS connections (give the \
                     server's key with -k, or a key log with --keylog)",
                    selection.matched
                ));
            }
            drop(per_connection);
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
        ..
    } = listing;
    let mut selection = Selection::new(common)?;
    let options = options(common, Messages::None)?;
    let parquet = parquet_files(view, common, captures)?;
    let secrets = secrets(common)?;
    let out = stdout()?.stop_on_close(options.stop.clone());
    let mut sink: Box<dyn ReportSink<Output>> = match (view.format(), parquet) {
        (OutputFormat::Parquet, Some(files)) => Box::new(
            tlsscope::report::parquet::ParquetDir::new(files, out)
                .map_err(|e| Failure::Output(e.to_string()))?,
        ),
        (OutputFormat::Table | OutputFormat::Parquet, _) => table(out),
        (OutputFormat::Json, _) => Box::new(JsonStream::new(out)),
        (OutputFormat::Jsonl, _) => Box::new(JsonlStream::new(out)),
    };
    let analysis = analyze_streaming(captures, &options, secrets, None, &mut |mut c| {
        if selection.admits(&c) {
            // A list leaves out the per-message detail.
            c.messages.clear();
            let _ = sink.connection(&c);
        }
    })
    .map_err(|e| e.to_string())?;
    selection.note_nothing_matched();
    finish(sink.end(&analysis.report.capture).ok())
}

/// `--format parquet` needs `-o DIR`, and `-o` goes with it. The folder is made if
/// missing and its three tables checked as `keylog -o` checks its file (new unless
/// `--force`, never a link, never an input of the run), all before the run.
fn parquet_files(
    view: &View,
    common: &Common,
    captures: &[PathBuf],
) -> Result<Option<[std::fs::File; 3]>, Failure> {
    match (view.format(), &view.output) {
        (OutputFormat::Parquet, Some(dir)) => {
            std::fs::create_dir_all(dir).map_err(|e| format!("-o {}: {e}", dir.display()))?;
            let inputs = inputs(common, captures);
            let checked = tlsscope::report::parquet::FILES
                .iter()
                .map(|name| PrivateFile::check(&dir.join(name), view.force, &inputs))
                .collect::<Result<Vec<_>, String>>()?;
            let files = checked
                .into_iter()
                .map(|f| f.create_file())
                .collect::<Result<Vec<_>, String>>()
                .map_err(Failure::Output)?;
            Ok(files.try_into().ok())
        }
        (OutputFormat::Parquet, None) => Err(Failure::Usage(
            "--format parquet writes tables to a folder: give it with -o DIR".into(),
        )),
        (_, Some(_)) => Err(Failure::Usage(
            "-o DIR goes with --format parquet (the other formats go to standard output)".into(),
        )),
        (_, None) => Ok(None),
    }
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

/// The `-o` file, checked before the run: refused when it exists (unless --force), is a
/// link, or is one of the inputs.
fn private_target(
    output: &OutputFile,
    common: &Common,
    captures: &[PathBuf],
) -> Result<Option<PrivateFile>, Failure> {
    match &output.path {
        Some(path) => Ok(Some(PrivateFile::check(
            path,
            output.force,
            &inputs(common, captures),
        )?)),
        None => Ok(None),
    }
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
