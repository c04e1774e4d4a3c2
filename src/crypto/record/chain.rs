//! One direction's record keys over the life of a connection.
//!
//! TLS ≤ 1.2 switches keys at a ChangeCipherSpec, which is visible: one set of keys is
//! in force at a time. TLS 1.3 switches without a marker on the wire (early data →
//! handshake → application → each KeyUpdate), and a passive reader may miss the message
//! that announces a switch (early data the server rejected, a key log without the early
//! secret). So the chain holds the keys in force and the keys that come next, and a
//! record the current keys cannot open is tried with the next ones:
//!
//! ```text
//!   current ──(record fails, next opens it)──► next becomes current
//!   [early/suite A, early/suite B]  (alternatives, until one opens a record)
//! ```

use super::tls13::{Opened, Tls13Decryptor};
use super::{RecordDecryptor, RecordError, Unsupported};

/// Keys for one direction under one version's record protection.
// Both variants are large (cipher key schedules) and a chain holds a handful: boxing
// would only add an indirection per record.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum RecordKeys {
    Tls12(RecordDecryptor),
    Tls13(Tls13Decryptor),
}

impl RecordKeys {
    /// Decrypts one record. With `trial`, a TLS 1.3 failure does not spend the sequence
    /// number (the keys may not be in force yet); TLS ≤ 1.2 keys always spend it.
    fn open(
        &mut self,
        content_type: u8,
        version: u16,
        fragment: &[u8],
        trial: bool,
    ) -> Result<Opened, RecordError> {
        match self {
            RecordKeys::Tls12(d) => d
                .decrypt(content_type, version, fragment)
                .map(|data| Opened { content_type, data }),
            RecordKeys::Tls13(d) if trial => d.try_decrypt(content_type, version, fragment),
            RecordKeys::Tls13(d) => d.decrypt(content_type, version, fragment),
        }
    }

    pub fn seq(&self) -> u64 {
        match self {
            RecordKeys::Tls12(d) => d.seq(),
            RecordKeys::Tls13(d) => d.seq(),
        }
    }
}

/// What became of one protected record.
#[derive(Debug)]
pub enum Unlocked {
    /// Decrypted and authenticated; `switched` when keys that were only expected next
    /// opened it (the sender moved on).
    Opened { opened: Opened, switched: bool },
    /// The keys in force rejected it (bad MAC, tag or padding).
    Failed(RecordError),
    /// No keys for this record are known.
    NoKeys,
}

/// One direction's keys in force, and those expected next.
#[derive(Debug, Default)]
pub struct KeyChain {
    /// Usually one; several while it is unknown which of them the sender uses.
    current: Vec<RecordKeys>,
    /// Boxed: most connections never expect a switch, and an open connection should
    /// cost little.
    next: Option<Box<RecordKeys>>,
}

impl KeyChain {
    /// From now on, `keys` (nothing expected after them).
    pub fn install(&mut self, keys: RecordKeys) {
        self.current = vec![keys];
        self.next = None;
    }

    /// From now on, one of `alternatives` (the first record that opens decides).
    pub fn install_alternatives(&mut self, alternatives: Vec<RecordKeys>) {
        self.current = alternatives;
    }

    /// The keys the sender will switch to next.
    pub fn expect_next(&mut self, keys: RecordKeys) {
        self.next = Some(Box::new(keys));
    }

    /// Keys in force unknown (a ChangeCipherSpec to keys we could not derive).
    pub fn clear(&mut self) {
        self.current.clear();
        self.next = None;
    }

    /// About the memory the keys take (cipher key schedules).
    pub fn held_bytes(&self) -> usize {
        let one = std::mem::size_of::<RecordKeys>() + 512;
        self.current.len() * one + self.next.as_ref().map_or(0, |_| one)
    }

    /// Some keys are known, now or next.
    pub fn has_keys(&self) -> bool {
        !self.current.is_empty() || self.next.is_some()
    }

    /// The sequence number of the next record under the keys in force.
    pub fn seq(&self) -> u64 {
        self.current.first().map(RecordKeys::seq).unwrap_or(0)
    }

    /// The TLS 1.3 keys in force, when exactly one set is.
    pub fn current_tls13(&self) -> Option<&Tls13Decryptor> {
        match self.current.as_slice() {
            [RecordKeys::Tls13(d)] => Some(d),
            _ => None,
        }
    }

    /// A KeyUpdate from this direction: its next records use the next generation.
    pub fn key_update(&mut self) -> Result<(), Unsupported> {
        if let Some(next) = self.current_tls13().map(Tls13Decryptor::next_generation) {
            self.install(RecordKeys::Tls13(next?));
        }
        Ok(())
    }

    /// Opens one record with the keys in force, else with those expected next.
    pub fn decrypt(&mut self, content_type: u8, version: u16, fragment: &[u8]) -> Unlocked {
        if let [only] = self.current.as_mut_slice() {
            if self.next.is_none() {
                return match only.open(content_type, version, fragment, false) {
                    Ok(opened) => Unlocked::Opened {
                        opened,
                        switched: false,
                    },
                    Err(e) => Unlocked::Failed(e),
                };
            }
        }
        let mut first_error = None;
        for i in 0..self.current.len() {
            match self.current[i].open(content_type, version, fragment, true) {
                Ok(opened) => {
                    let keys = self.current.swap_remove(i);
                    self.current = vec![keys];
                    return Unlocked::Opened {
                        opened,
                        switched: false,
                    };
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        if let Some(next) = self.next.as_mut() {
            if let Ok(opened) = next.open(content_type, version, fragment, true) {
                self.current = self.next.take().into_iter().map(|k| *k).collect();
                return Unlocked::Opened {
                    opened,
                    switched: true,
                };
            }
        }
        // The record was sent under some sequence number: the keys in force used it.
        for keys in &mut self.current {
            if let RecordKeys::Tls13(d) = keys {
                d.skip();
            }
        }
        match first_error {
            Some(e) if self.current.len() == 1 => Unlocked::Failed(e),
            _ => Unlocked::NoKeys,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::tls13::Tls13Variant;
    use crate::tls::cipher_suite::{lookup, CipherSuiteId};

    fn keys(secret: u8) -> RecordKeys {
        RecordKeys::Tls13(
            Tls13Decryptor::new(
                lookup(CipherSuiteId(0x1301)).unwrap(),
                Tls13Variant { draft: None },
                &[secret; 32],
            )
            .unwrap(),
        )
    }

    #[test]
    fn nothing_known_is_no_keys() {
        let mut c = KeyChain::default();
        assert!(matches!(c.decrypt(23, 0x0303, &[0; 32]), Unlocked::NoKeys));
        c.expect_next(keys(1));
        assert!(matches!(c.decrypt(23, 0x0303, &[0; 32]), Unlocked::NoKeys));
        assert!(c.has_keys());
    }

    #[test]
    fn failure_under_one_key_is_reported_and_spends_the_sequence_number() {
        let mut c = KeyChain::default();
        c.install(keys(1));
        c.expect_next(keys(2));
        assert!(matches!(
            c.decrypt(23, 0x0303, &[0; 32]),
            Unlocked::Failed(_)
        ));
        assert_eq!(c.seq(), 1);
    }
}
