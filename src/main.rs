//! tlsscope's binary: parse the command line, run the library, print, exit.
//! Exit codes: 0 analysed (damage is in the report), 2 bad usage or unreadable input.

mod cli;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use tlsscope::analysis::{analyze, Options};
use tlsscope::report::{self, table};

use cli::{Cli, Command};

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

fn run(cli: Cli) -> Result<(), String> {
    let (common, captures, conn, inspect) = match cli.command {
        Command::Summary { common, captures } => (common, captures, None, false),
        Command::Inspect {
            common,
            conn,
            captures,
        } => (common, captures, conn, true),
    };
    for k in common.keys.iter().chain(&common.keylogs) {
        if !k.exists() {
            return Err(format!("{}: no such file", k.display()));
        }
    }
    let options = Options {
        out_of_order_cap: common.max_out_of_order,
    };
    let mut report = analyze(&captures, &options).map_err(|e| e.to_string())?;
    if let Some(id) = conn {
        report.connections.retain(|c| c.id == id);
        if report.connections.is_empty() {
            return Err(format!("no TLS connection with id {id}"));
        }
    }
    let text = match (common.json, inspect) {
        (true, true) => report::to_json(&report),
        (true, false) => {
            // The summary document leaves out the per-message detail.
            for c in &mut report.connections {
                c.messages.clear();
            }
            report::to_json(&report)
        }
        (false, true) => table::inspect(&report),
        (false, false) => table::summary(&report),
    };
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = writeln!(out, "{text}");
    Ok(())
}
