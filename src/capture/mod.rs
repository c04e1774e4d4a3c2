//! Capture files: pcap and pcapng (optionally gzip-compressed), read as a stream.
//!
//! [`CaptureReader`] turns a file into a sequence of [`CaptureEvent`]s: packets with
//! their link type and timestamp, and TLS key-log secrets embedded in pcapng
//! Decryption Secrets Blocks. Memory stays bounded by the reader's ring buffer,
//! whatever the file's size. [`link`] strips the link layer off a packet. With the `live`
//! feature, [`live`] captures from an interface instead; a [`Source`] is either.

mod gzip;
pub mod link;
#[cfg(feature = "live")]
pub mod live;
mod reader;

use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::Arc;

pub use link::{strip_link_layer, LinkError, LinkType, NetworkPayload};
pub use reader::{CaptureError, CaptureEvent, CaptureFormat, CaptureReader, Packet, ReadSummary};

/// Where a run's packets come from: a capture file (or pipe), or a live interface.
pub enum Source {
    File(CaptureReader),
    #[cfg(feature = "live")]
    Live(live::LiveCapture),
}

impl Source {
    /// Hands every event to `visit` until the end, or until `stop` is set (Ctrl-C).
    pub fn for_each_until(
        &mut self,
        stop: &AtomicBool,
        visit: impl FnMut(CaptureEvent<'_>),
    ) -> ReadSummary {
        match self {
            Source::File(r) => r.for_each_until(stop, visit),
            #[cfg(feature = "live")]
            Source::Live(l) => {
                let mut visit = visit;
                l.run(stop, &mut visit)
            }
        }
    }

    /// Bytes read so far and the size, for a progress bar (a live capture has no size).
    pub fn progress(&self) -> (Arc<AtomicU64>, u64) {
        match self {
            Source::File(r) => r.progress(),
            #[cfg(feature = "live")]
            Source::Live(_) => (Arc::new(AtomicU64::new(0)), 0),
        }
    }

    pub fn format(&self) -> CaptureFormat {
        match self {
            Source::File(r) => r.format(),
            #[cfg(feature = "live")]
            Source::Live(_) => CaptureFormat::Live,
        }
    }

    /// Opens live capture on `interface`, or says that this build cannot.
    pub fn live(interface: &str, filter: Option<&str>) -> Result<Source, CaptureError> {
        #[cfg(feature = "live")]
        {
            live::LiveCapture::open(interface, filter).map(Source::Live)
        }
        #[cfg(not(feature = "live"))]
        {
            let _ = filter;
            Err(CaptureError::Live {
                interface: interface.to_string(),
                why: "live capture needs tlsscope built with its `live` feature \
                      (cargo build --features live, which links libpcap)"
                    .into(),
            })
        }
    }
}
