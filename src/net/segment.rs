//! The typed output of the network layer: one TCP segment or UDP datagram with its
//! endpoints.

use std::fmt;
use std::net::IpAddr;

/// An IP address and TCP port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    pub ip: IpAddr,
    pub port: u16,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ip {
            IpAddr::V4(ip) => write!(f, "{ip}:{}", self.port),
            IpAddr::V6(ip) => write!(f, "[{ip}]:{}", self.port),
        }
    }
}

/// The TCP flags the reassembler acts on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TcpFlags {
    pub syn: bool,
    pub fin: bool,
    pub rst: bool,
}

/// One TCP segment as captured.
#[derive(Debug, Clone, Copy)]
pub struct TcpSegment<'a> {
    pub src: Endpoint,
    pub dst: Endpoint,
    pub seq: u32,
    /// The acknowledgment number, when the ACK flag is set.
    pub ack: Option<u32>,
    pub flags: TcpFlags,
    /// The payload bytes present in the capture.
    pub payload: &'a [u8],
    /// Payload bytes the segment carried on the wire but the snapshot length cut off;
    /// they follow `payload` in sequence space.
    pub missing: u32,
}

/// One UDP datagram as captured.
#[derive(Debug, Clone, Copy)]
pub struct UdpDatagram<'a> {
    pub src: Endpoint,
    pub dst: Endpoint,
    /// The payload bytes present in the capture (up to the UDP length).
    pub payload: &'a [u8],
    /// Payload bytes the datagram carried on the wire but the snapshot length cut off.
    pub missing: u16,
}

/// What one IP packet carried, for the transport that reads it.
#[derive(Debug, Clone, Copy)]
pub enum Transported<'s, 'a> {
    Tcp(&'s TcpSegment<'a>),
    Udp(&'s UdpDatagram<'a>),
}
