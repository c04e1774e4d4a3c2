//! `report`: the HTML report of the selected connections, to a file or stdout.

use std::path::PathBuf;

use tlsscope::analysis::select::ConnSet;
use tlsscope::analysis::{analyze_streaming, Messages};
use tlsscope::files::PrivateFile;
use tlsscope::report::html::HtmlReport;

use crate::cli::Common;
use crate::commands::filter::Selection;
use crate::output::create_private;
use crate::{finish, options, secrets, stdout, Failure};

pub fn write_report(
    common: &Common,
    conns: &ConnSet,
    target: Option<PrivateFile>,
    captures: &[PathBuf],
) -> Result<(), Failure> {
    let mut selection = Selection::new(common)?;
    // The ladders need the messages.
    let options = options(common, Messages::All)?;
    let secrets = secrets(common)?;
    let out = match target {
        Some(t) => create_private(t).map_err(Failure::Usage)?,
        None => stdout()?,
    };
    let mut page = HtmlReport::new(out.stop_on_close(options.stop.clone()));
    let analysis = analyze_streaming(captures, &options, secrets, None, &mut |c| {
        if conns.contains(c.id) && selection.admits(&c) {
            let _ = page.connection(&c);
        }
    })
    .map_err(|e| e.to_string())?;
    selection.note_nothing_matched();
    finish(page.end(&analysis.report.capture).ok())
}
