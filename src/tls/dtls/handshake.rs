//! DTLS handshake fragments and HelloVerifyRequest (RFC 6347 §4.2.2, §4.2.1; RFC 9147 §5.2).
//!
//! ```text
//!  Handshake: msg_type(1) length(3) message_seq(2) fragment_offset(3) fragment_length(3)
//!             body[fragment_length]
//!  HelloVerifyRequest: server_version(2) cookie<0..2^8-1>
//! ```
//!
//! A handshake record may hold several fragments; a message may be cut into fragments
//! across records and datagrams ([`super::reassembly`] puts them back together).

use crate::tls::codec::{DecodeResult, Problem, Reader};
use crate::tls::handshake::MAX_HANDSHAKE_LEN;
use crate::tls::registry::{HandshakeType, ProtocolVersion};

/// msg_type(1) length(3) message_seq(2) fragment_offset(3) fragment_length(3).
pub const FRAGMENT_HEADER_LEN: usize = 12;

/// One handshake fragment as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandshakeFragment<'a> {
    pub msg_type: HandshakeType,
    /// The whole message's length.
    pub length: u32,
    pub message_seq: u16,
    pub offset: u32,
    pub body: &'a [u8],
}

impl HandshakeFragment<'_> {
    /// The whole message in one fragment.
    pub fn is_whole(&self) -> bool {
        self.offset == 0 && self.body.len() as u32 == self.length
    }
}

/// The fragments of one handshake record, in order; a fragment that does not decode ends
/// the record (the error names the field).
pub fn fragments(record: &[u8]) -> impl Iterator<Item = DecodeResult<HandshakeFragment<'_>>> {
    let mut r = Reader::new(record, "DTLS handshake fragment");
    let mut done = false;
    std::iter::from_fn(move || {
        if done || r.is_empty() {
            return None;
        }
        let next = parse_fragment(&mut r);
        done = next.is_err();
        Some(next)
    })
}

fn parse_fragment<'a>(r: &mut Reader<'a>) -> DecodeResult<HandshakeFragment<'a>> {
    let msg_type = HandshakeType(r.field("msg_type").u8()?);
    let length = r.field("length").u24()?;
    let message_seq = r.field("message_seq").u16()?;
    let offset = r.field("fragment_offset").u24()?;
    let fragment_length = r.field("fragment_length").u24()?;
    if length as usize > MAX_HANDSHAKE_LEN {
        return Err(r.field("length").error(Problem::TooLong {
            declared: length as usize,
            max: MAX_HANDSHAKE_LEN,
        }));
    }
    // The fragment must lie inside the message it claims to be part of.
    if u64::from(offset) + u64::from(fragment_length) > u64::from(length) {
        return Err(r.field("fragment_length").error(Problem::Overrun {
            declared: (offset + fragment_length) as usize,
            remain: length as usize,
        }));
    }
    let body = r.field("fragment").take(fragment_length as usize)?;
    Ok(HandshakeFragment {
        msg_type,
        length,
        message_seq,
        offset,
        body,
    })
}

/// The longest cookie: DTLS 1.2 allows 255 bytes (RFC 6347 §4.2.1; DTLS 1.0 said 32).
pub const MAX_COOKIE_LEN: usize = 255;

/// The server's request that the client prove it can receive at its address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelloVerifyRequest {
    pub server_version: ProtocolVersion,
    pub cookie: Vec<u8>,
}

impl HelloVerifyRequest {
    pub fn parse(body: &[u8]) -> DecodeResult<HelloVerifyRequest> {
        let mut r = Reader::new(body, "HelloVerifyRequest");
        let server_version = ProtocolVersion(r.field("server_version").u16()?);
        let cookie = r.field("cookie").vec8_max(MAX_COOKIE_LEN)?.to_vec();
        r.finish("cookie")?;
        Ok(HelloVerifyRequest {
            server_version,
            cookie,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn fragment(ty: u8, len: u32, seq: u16, off: u32, body: &[u8]) -> Vec<u8> {
        let mut v = vec![ty];
        v.extend_from_slice(&len.to_be_bytes()[1..]);
        v.extend_from_slice(&seq.to_be_bytes());
        v.extend_from_slice(&off.to_be_bytes()[1..]);
        v.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn a_record_of_two_fragments() {
        let mut rec = fragment(2, 4, 1, 0, &[1, 2, 3, 4]);
        rec.extend(fragment(11, 100, 2, 40, &[7; 10]));
        let got: Vec<_> = fragments(&rec).collect::<Result<_, _>>().unwrap();
        assert_eq!(got.len(), 2);
        assert!(got[0].is_whole());
        assert_eq!(got[0].msg_type, HandshakeType::SERVER_HELLO);
        assert_eq!(
            (got[1].length, got[1].message_seq, got[1].offset),
            (100, 2, 40)
        );
        assert!(!got[1].is_whole());
    }

    #[test]
    fn a_fragment_past_its_message_is_an_error() {
        let rec = fragment(11, 10, 0, 5, &[0; 6]);
        let err = fragments(&rec).next().unwrap().unwrap_err();
        assert_eq!(err.field, Some("fragment_length"));
    }

    #[test]
    fn a_message_over_the_cap_is_an_error() {
        let rec = fragment(11, (MAX_HANDSHAKE_LEN + 1) as u32, 0, 0, &[0; 4]);
        assert!(fragments(&rec).next().unwrap().is_err());
    }

    #[test]
    fn hello_verify_request() {
        let mut body = vec![0xfe, 0xff, 20];
        body.extend_from_slice(&[0x5a; 20]);
        let hvr = HelloVerifyRequest::parse(&body).unwrap();
        assert_eq!(hvr.server_version, ProtocolVersion::DTLS1_0);
        assert_eq!(hvr.cookie, vec![0x5a; 20]);
        body.push(0);
        assert!(HelloVerifyRequest::parse(&body).is_err(), "trailing byte");
        assert!(HelloVerifyRequest::parse(&[0xfe]).is_err());
    }

    #[test]
    fn no_prefix_panics() {
        let mut rec = fragment(1, 50, 0, 0, &[3; 50]);
        rec.extend(fragment(2, 9, 1, 3, &[4; 6]));
        for cut in 0..=rec.len() {
            let _ = fragments(&rec[..cut]).count();
            let _ = HelloVerifyRequest::parse(&rec[..cut]);
        }
    }
}
