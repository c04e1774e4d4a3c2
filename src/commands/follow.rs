//! `follow`: the decrypted application data of the chosen connections, as it is
//! decrypted, with what is missing marked in place.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

use tlsscope::analysis::select::ConnSet;
use tlsscope::analysis::{analyze_streaming, Messages, Tap};
use tlsscope::report::follow::{self, FollowWriter, Missing};
use tlsscope::report::model::{DecryptionStatus, Side};
use tlsscope::session::AppDecoder;

use crate::cli::{Common, FollowDirection, FollowFormat};
use crate::commands::filter::chosen;
use crate::output::{say, Output};
use crate::{finish, options, secrets, stdout, Failure, NOTES_SHOWN};

/// `follow`: the decrypted data of the chosen connections, written as it is decrypted.
pub fn follow_connections(
    common: &Common,
    conns: &ConnSet,
    stream: Option<u64>,
    direction: FollowDirection,
    format: FollowFormat,
    captures: &[PathBuf],
) -> Result<(), Failure> {
    let (conns, chosen) = chosen(common, conns, captures)?;
    let conns = &conns;
    let single = conns.single();
    if single.is_none() && format == FollowFormat::Raw {
        return Err(Failure::Usage(format!(
            "{chosen} with --format raw would interleave the connections' bytes: \
             use --format ascii or hex, or one connection"
        )));
    }
    let options = options(common, Messages::None)?;
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
            None => format!("no TLS connection matches {chosen}"),
        }));
    }
    // Nothing to show at all is an error; some connections missing is a note.
    if let (0, Some((id, why))) = (writer.shown, not_decrypted.first()) {
        return Err(Failure::Usage(match single {
            Some(_) => format!("connection {id} was not decrypted ({why})"),
            None => format!(
                "none of the {matched} connections {chosen} selects was decrypted \
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
