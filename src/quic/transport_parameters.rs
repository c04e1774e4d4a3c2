//! The server's `preferred_address` transport parameter (RFC 9000 §18.2), read from
//! its EncryptedExtensions: the address a client may move the connection to, and the
//! connection ID it uses there. A passive reader follows that move only by knowing the
//! ID (RFC 9000 §9.6): the new path shares no address with the old one.
//!
//! ```text
//!  EncryptedExtensions: type 8 | length (3) | extensions (2) | … | 0x0039 | len | params
//!  params: (id varint, length varint, value)*   id 0x0d = preferred_address:
//!    IPv4 (4) | IPv4 port (2) | IPv6 (16) | IPv6 port (2) | CID length (1) | CID |
//!    stateless reset token (16)
//! ```

use super::varint::VarIntReader;
use crate::tls::codec::Reader;
use crate::tls::registry::{ExtensionType, HandshakeType};

/// The transport parameter's id.
const PREFERRED_ADDRESS: u64 = 0x0d;

/// The connection ID a server's EncryptedExtensions (a whole handshake message,
/// header first) offers with its preferred address, if it offers one.
pub fn preferred_address_cid(encrypted_extensions: &[u8]) -> Option<Vec<u8>> {
    let (&msg_type, rest) = encrypted_extensions.split_first()?;
    if HandshakeType(msg_type) != HandshakeType::ENCRYPTED_EXTENSIONS {
        return None;
    }
    let mut r = Reader::new(rest.get(3..)?, "EncryptedExtensions");
    let mut list = Reader::new(r.vec16().ok()?, "extensions");
    while !list.is_empty() {
        let id = ExtensionType(list.u16().ok()?);
        let body = list.vec16().ok()?;
        if id == ExtensionType::QUIC_TRANSPORT_PARAMETERS
            || id == ExtensionType::QUIC_TRANSPORT_PARAMETERS_DRAFT
        {
            return preferred_address_in(body);
        }
    }
    None
}

/// The preferred address's connection ID in a transport parameters block.
fn preferred_address_in(params: &[u8]) -> Option<Vec<u8>> {
    let mut r = Reader::new(params, "transport parameters");
    while !r.is_empty() {
        let id = r.varint().ok()?;
        let value = r.varint_bytes("transport parameter").ok()?;
        if id == PREFERRED_ADDRESS {
            let mut v = Reader::new(value, "preferred_address");
            v.take(4 + 2 + 16 + 2).ok()?;
            let cid = v.vec8().ok()?;
            // A zero-length ID cannot be offered here (RFC 9000 §18.2).
            return (!cid.is_empty() && cid.len() <= 20).then(|| cid.to_vec());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encrypted_extensions(params: &[u8]) -> Vec<u8> {
        let mut ext = vec![0x00, 0x39];
        ext.extend((params.len() as u16).to_be_bytes());
        ext.extend_from_slice(params);
        let mut body = (ext.len() as u16 + 4).to_be_bytes().to_vec();
        body.extend([0x00, 0x10, 0x00, 0x00]); // an empty ALPN-like extension first
        body.extend(ext);
        let mut m = vec![8];
        m.extend(&(body.len() as u32).to_be_bytes()[1..]);
        m.extend(body);
        m
    }

    #[test]
    fn the_preferred_address_cid_is_found() {
        let mut value = vec![127, 0, 0, 1, 0x12, 0xfe];
        value.extend([0; 18]);
        value.push(4);
        value.extend([0xb8, 0x97, 0x95, 0x67]);
        value.extend([0xaa; 16]);
        let mut params = vec![0x01, 0x01, 0x1e]; // max_idle_timeout
        params.push(0x0d);
        params.push(value.len() as u8);
        params.extend(&value);
        let ee = encrypted_extensions(&params);
        assert_eq!(
            preferred_address_cid(&ee),
            Some(vec![0xb8, 0x97, 0x95, 0x67])
        );
        assert_eq!(
            preferred_address_cid(&encrypted_extensions(&[0x01, 0x01, 0x1e])),
            None
        );
        // Cut anywhere: nothing, never a panic.
        for n in 0..ee.len() {
            let _ = preferred_address_cid(&ee[..n]);
        }
    }
}
