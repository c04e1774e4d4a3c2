//! Capture files: pcap and pcapng (optionally gzip-compressed), read as a stream.
//!
//! [`CaptureReader`] turns a file into a sequence of [`CaptureEvent`]s: packets with
//! their link type and timestamp, and TLS key-log secrets embedded in pcapng
//! Decryption Secrets Blocks. Memory stays bounded by the reader's ring buffer,
//! whatever the file's size. [`link`] strips the link layer off a packet.

mod gzip;
pub mod link;
mod reader;

pub use link::{strip_link_layer, LinkError, LinkType, NetworkPayload};
pub use reader::{CaptureError, CaptureEvent, CaptureFormat, CaptureReader, Packet, ReadSummary};
