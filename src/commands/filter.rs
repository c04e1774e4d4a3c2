//! `--filter` in the commands: parsed before anything is read, matched against each
//! connection as it becomes final.

use std::path::{Path, PathBuf};

use tlsscope::analysis::filter::Filter;
use tlsscope::analysis::select::ConnSet;
use tlsscope::analysis::{analyze_streaming, Messages};
use tlsscope::report::model::ConnectionReport;

use crate::cli::Common;
use crate::output::say;
use crate::{load_secrets, options, Failure};

/// A command's `--filter`, and how many connections it let through.
pub struct Selection {
    pub filter: Option<Filter>,
    pub matched: u64,
}

impl Selection {
    /// The command's `--filter`; a mistake in it is bad usage, said with its column.
    pub fn new(common: &Common) -> Result<Selection, Failure> {
        let filter = match common.filter.as_deref() {
            Some(text) => Some(Filter::parse(text).map_err(|e| Failure::Usage(e.describe(text)))?),
            None => None,
        };
        Ok(Selection { filter, matched: 0 })
    }

    /// Whether the connection is to be reported (counted when it is).
    pub fn admits(&mut self, c: &ConnectionReport) -> bool {
        let yes = self.filter.as_ref().is_none_or(|f| f.matches(c));
        self.matched += u64::from(yes);
        yes
    }

    /// The line that says the filter let nothing through, when it did not.
    pub fn nothing_matched(&self) -> Option<String> {
        match (&self.filter, self.matched) {
            (Some(f), 0) => Some(format!("no TLS connection matches --filter '{f}'")),
            _ => None,
        }
    }

    /// Says on stderr that the filter let nothing through, when it did not: the report
    /// (its capture totals) was still written.
    pub fn note_nothing_matched(&self) {
        if let Some(why) = self.nothing_matched() {
            say(&why);
        }
    }
}

/// The connections `follow` or `export` writes: those of `--conn` that `--filter`
/// matches, and how messages name them (`--conn 3-9`, `--filter '…'`). A filter that
/// matches none of them is bad usage: nothing would be written.
pub fn chosen(
    common: &Common,
    conns: &ConnSet,
    captures: &[PathBuf],
) -> Result<(ConnSet, String), Failure> {
    let selection = Selection::new(common)?;
    let Some(filter) = &selection.filter else {
        return Ok((conns.clone(), format!("--conn {conns}")));
    };
    let named = match conns {
        ConnSet::All => format!("--filter '{filter}'"),
        _ => format!("--conn {conns} --filter '{filter}'"),
    };
    let ids = matching_ids(common, conns, filter, captures)?;
    if ids == ConnSet::Ranges(Vec::new()) {
        return Err(Failure::Usage(format!("no TLS connection matches {named}")));
    }
    Ok((ids, named))
}

/// The connections of `conns` that `filter` matches, for `follow` and `export`: they
/// write a connection's data as it is decrypted, before the fields a filter names
/// (its status, state, bytes) are final, so a first run over the captures finds the
/// ids, and the second writes them. A pipe cannot be read twice: it is refused.
fn matching_ids(
    common: &Common,
    conns: &ConnSet,
    filter: &Filter,
    captures: &[PathBuf],
) -> Result<ConnSet, Failure> {
    if let Some(pipe) = captures.iter().find(|p| !rereadable(p)) {
        return Err(Failure::Usage(format!(
            "--filter reads the captures twice here, and {} is not a regular file: save \
             it to a file first, or choose the connections with --conn",
            pipe.display()
        )));
    }
    let options = options(common, Messages::None)?;
    // Problems with the keys are said once, by the run that writes.
    let secrets = load_secrets(common, false)?;
    let mut ids = Vec::new();
    analyze_streaming(captures, &options, secrets, None, &mut |c| {
        if conns.contains(c.id) && filter.matches(&c) {
            ids.push(c.id);
        }
    })
    .map_err(|e| e.to_string())?;
    Ok(ConnSet::from_ids(ids))
}

/// Whether a second run can read `path` again: a regular file (one that cannot be
/// opened is refused by the run itself, with its reason).
fn rereadable(path: &Path) -> bool {
    path.as_os_str() != "-" && std::fs::metadata(path).map_or(true, |m| m.is_file())
}
