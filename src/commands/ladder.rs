//! `ladder`: each selected connection drawn as the handshake ladder.

use std::path::PathBuf;

use tlsscope::analysis::select::ConnSet;
use tlsscope::analysis::{analyze_streaming, Messages};
use tlsscope::report::ladder::{LadderFormat, LadderView};
use tlsscope::report::table::output_width;

use crate::cli::{Common, LadderKind};
use crate::commands::filter::Selection;
use crate::{finish, options, secrets, stdout, Failure};

pub fn draw_ladders(
    common: &Common,
    conns: &ConnSet,
    kind: LadderKind,
    captures: &[PathBuf],
) -> Result<(), Failure> {
    let single = conns.single();
    let format = match kind {
        // A ladder reads best narrow: the terminal's width up to 100, else 80.
        LadderKind::Text => LadderFormat::Text {
            width: usize::from(output_width(80, 100)),
        },
        LadderKind::Mermaid => LadderFormat::Mermaid,
        LadderKind::Svg => LadderFormat::Svg,
    };
    // One diagram is one document: Mermaid and SVG draw one connection.
    if kind != LadderKind::Text && single.is_none() {
        return Err(Failure::Usage(
            "--format mermaid and svg draw one connection: choose it with --conn ID".into(),
        ));
    }
    let mut selection = Selection::new(common)?;
    let options = options(common, single.map_or(Messages::All, Messages::Only))?;
    let secrets = secrets(common)?;
    let out = stdout()?.stop_on_close(options.stop.clone());
    let mut view = LadderView::new(out, format);
    let mut found = 0u64;
    let analysis = analyze_streaming(captures, &options, secrets, None, &mut |c| {
        if conns.contains(c.id) && selection.admits(&c) {
            found += 1;
            let _ = view.connection(&c);
        }
    })
    .map_err(|e| e.to_string())?;
    if found == 0 {
        return Err(Failure::Usage(match single {
            Some(id) => format!("no TLS connection with id {id} (and the filter, if given)"),
            None => "no TLS connection to draw".into(),
        }));
    }
    finish(view.end(&analysis.report.capture).ok())
}
