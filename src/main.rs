//! tlsscope's binary: parse the command line, run the library, print, exit.
//! Exit codes: 0 analysed (damage is in the report), 2 bad usage or unreadable input.

mod cli;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

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
        let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        keylog.add(&text, &path.display().to_string());
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
    secrets.collect_keylog = matches!(cli.command, Command::Keylog { .. });
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
        Command::Keylog { output, .. } => {
            let mut text = analysis.keylog_lines.join("\n");
            if !text.is_empty() {
                text.push('\n');
            }
            match output {
                Some(path) => write_private(path, text.as_bytes())
                    .map_err(|e| format!("{}: {e}", path.display()))?,
                None => {
                    let _ = out.write_all(text.as_bytes());
                }
            }
        }
    }
    Ok(())
}

/// Writes a file that holds secrets: created with mode 0600 (owner only).
fn write_private(path: &std::path::Path, data: &[u8]) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        opts.mode(0o600);
        let mut f = opts.open(path)?;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        f.write_all(data)
    }
    #[cfg(not(unix))]
    {
        opts.open(path)?.write_all(data)
    }
}
