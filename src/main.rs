//! tlsscope's binary: parse the command line, run the library, print, exit.
//! Exit codes: 0 analysed (damage is in the report), 2 bad usage or unreadable input.

mod cli;

use std::io::{BufWriter, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};

use clap::Parser;
use tlsscope::analysis::{analyze, analyze_streaming, Options};
use tlsscope::crypto::keylog::KeyLog;
use tlsscope::crypto::keys::load_keys;
use tlsscope::crypto::secrets::Secrets;
use tlsscope::report::json::JsonStream;
use tlsscope::report::{self, follow, table};

use cli::{Cli, Command, Common, FollowDirection, FollowFormat};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind::*;
            if matches!(
                e.kind(),
                DisplayHelp | DisplayVersion | DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            // One line: clap's first line says what was wrong.
            let text = e.to_string();
            let first = text
                .lines()
                .next()
                .unwrap_or("bad usage")
                .trim_start_matches("error: ");
            eprintln!("tlsscope: {first} (see tlsscope --help)");
            return ExitCode::from(2);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("tlsscope: {msg}");
            ExitCode::from(2)
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
        eprintln!("tlsscope: {e}");
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

fn run(cli: Cli) -> Result<(), String> {
    let (common, captures) = match &cli.command {
        Command::Summary { common, captures }
        | Command::Inspect {
            common, captures, ..
        }
        | Command::Follow {
            common, captures, ..
        }
        | Command::Keylog {
            common, captures, ..
        } => (common, captures),
    };
    let follow_conn = match &cli.command {
        Command::Follow { conn, .. } => Some(*conn),
        _ => None,
    };
    let defaults = Options::default();
    let options = Options {
        out_of_order_cap: common.max_out_of_order,
        buffered_cap: common.max_buffered,
        max_connections: common.max_connections,
        follow: follow_conn,
        rsa_threads: common.threads.unwrap_or(defaults.rsa_threads),
        progress: !common.quiet && std::io::stderr().is_terminal(),
        show_secrets: common.show_secrets,
    };
    let mut secrets = secrets(common)?;
    if let Command::Keylog { output, .. } = &cli.command {
        // The lines go out as the run recovers them; no report is kept.
        let out = keylog_output(output.as_deref(), &mut secrets)?;
        analyze_streaming(captures, &options, secrets, &mut |_| {}).map_err(|e| e.to_string())?;
        return finish_keylog(&out, output.as_deref());
    }
    // `--json` documents are written as the run goes (bounded memory); `--conn` and the
    // tables need the whole run first.
    let streaming = match &cli.command {
        Command::Summary { common, .. } => common.json,
        Command::Inspect { common, conn, .. } => common.json && conn.is_none(),
        _ => false,
    };
    if streaming {
        let summary_only = matches!(cli.command, Command::Summary { .. });
        let mut json = JsonStream::new(std::io::BufWriter::new(std::io::stdout().lock()));
        let mut write_error = None;
        let analysis = analyze_streaming(captures, &options, secrets, &mut |mut c| {
            if summary_only {
                // The summary document leaves out the per-message detail.
                c.messages.clear();
            }
            if let Err(e) = json.connection(&c) {
                write_error.get_or_insert(e);
            }
        })
        .map_err(|e| e.to_string())?;
        // A closed pipe (`| head`) is not an error worth a message: writes are best effort.
        let _ = (write_error, json.end(&analysis.report.capture));
        return Ok(());
    }
    let analysis = analyze(captures, &options, secrets).map_err(|e| e.to_string())?;
    let mut report = analysis.report;
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message: writes are best effort.
    match &cli.command {
        Command::Summary { .. } => {
            let _ = writeln!(out, "{}", table::summary(&report));
        }
        Command::Inspect { common, conn, .. } => {
            if let Some(id) = conn {
                report.connections.retain(|c| c.id == *id);
                if report.connections.is_empty() {
                    return Err(format!("no TLS connection with id {id}"));
                }
            }
            let text = if common.json {
                report::to_json(&report)
            } else {
                table::inspect(&report)
            };
            let _ = writeln!(out, "{text}");
        }
        Command::Follow {
            conn,
            direction,
            format,
            ..
        } => {
            let c = report
                .connections
                .iter()
                .find(|c| c.id == *conn)
                .ok_or_else(|| format!("no TLS connection with id {conn}"))?;
            if c.app_data.is_none() {
                return Err(format!(
                    "connection {conn} was not decrypted ({}: {})",
                    c.decryption.status, c.decryption.reason
                ));
            }
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
            let _ = out.write_all(&follow::render(&c.plaintext, which, shape));
        }
        Command::Keylog { .. } => {} // written as the run went, above
    }
    Ok(())
}

/// `keylog`'s output (stdout, or `-o FILE`), written by the run's key log sink; the
/// first write error is kept for [`finish_keylog`].
type KeylogOut = Arc<Mutex<(BufWriter<Box<dyn Write + Send>>, std::io::Result<()>)>>;

/// Opens `keylog`'s output (`-o FILE` is created now, before the run) and makes the run
/// write each recovered line to it.
fn keylog_output(
    path: Option<&std::path::Path>,
    secrets: &mut Secrets,
) -> Result<KeylogOut, String> {
    let w: Box<dyn Write + Send> = match path {
        Some(p) => Box::new(create_private(p).map_err(|e| format!("{}: {e}", p.display()))?),
        None => Box::new(std::io::stdout()),
    };
    let out: KeylogOut = Arc::new(Mutex::new((BufWriter::new(w), Ok(()))));
    let sink = Arc::clone(&out);
    secrets.set_keylog_sink(Box::new(move |line| {
        let mut o = sink.lock().unwrap_or_else(PoisonError::into_inner);
        let (w, result) = &mut *o;
        if result.is_ok() {
            *result = writeln!(w, "{line}");
        }
    }));
    Ok(out)
}

/// Flushes `keylog`'s output. A closed stdout (`| head`) is not an error worth a message
/// (writes are best effort); a failed `-o FILE` is.
fn finish_keylog(out: &KeylogOut, path: Option<&std::path::Path>) -> Result<(), String> {
    let mut o = out.lock().unwrap_or_else(PoisonError::into_inner);
    let (w, result) = &mut *o;
    let result = std::mem::replace(result, Ok(())).and_then(|()| w.flush());
    match (path, result) {
        (Some(p), Err(e)) => Err(format!("{}: {e}", p.display())),
        _ => Ok(()),
    }
}

/// Creates a file that will hold secrets: mode 0600 (owner only).
fn create_private(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        opts.mode(0o600);
        let f = opts.open(path)?;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(f)
    }
    #[cfg(not(unix))]
    {
        opts.open(path)
    }
}
