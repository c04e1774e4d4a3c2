//! `export DIR`: the selected connections' HTTP bodies, each to its file.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

use tlsscope::analysis::select::ConnSet;
use tlsscope::analysis::{analyze_streaming, Messages, Tap};
use tlsscope::report::export::{ExportDecoder, ExportOptions, Exporter};
use tlsscope::report::follow;
use tlsscope::report::model::DecryptionStatus;

use crate::cli::Common;
use crate::commands::filter::chosen;
use crate::output::say;
use crate::{options, secrets, Failure};

/// `export`: the selected connections' HTTP bodies into DIR, listed in its index.
pub fn export_bodies(
    common: &Common,
    conns: &ConnSet,
    export: ExportOptions,
    captures: &[PathBuf],
) -> Result<(), Failure> {
    // Refused before the run: DIR not a directory, an index that exists without --force.
    let exporter = Rc::new(RefCell::new(Exporter::create(export)?));
    let (conns, chosen) = chosen(common, conns, captures)?;
    let conns = &conns;
    let options = options(common, Messages::None)?;
    let secrets = secrets(common)?;
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
            "no TLS connection matches {chosen}"
        )));
    }
    if ex.written == 0 && ex.not_written == 0 && decrypted == 0 {
        return Err(Failure::Usage(format!(
            "none of the {matched} connections {chosen} selects was decrypted: \
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
