//! One direction's record keys over the life of a TLS connection over a stream: which
//! keys are in force, what comes next, and each key set's sequence number.
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
//!
//! TLS numbers records implicitly (RFC 5246 §6.1, RFC 8446 §5.3): the n-th record under
//! a set of keys is record n, from 0. The chain counts, per key set, and hands the
//! decryptors what they authenticate — the sequence number, and the header built from
//! the record's fields:
//!
//! ```text
//!   decrypt(type, version, fragment)
//!     ├─ TLS ≤ 1.2 keys: RecordAad::tls(seq, type, version)           → RecordDecryptor
//!     └─ TLS 1.3 keys:   ProtectedHeader { seq, [type, version, len] } → Tls13Decryptor
//! ```
//!
//! When a record is spent: TLS ≤ 1.2 keys spend their number on every record, opened
//! or not. TLS 1.3 keys in force alone do too; keys only being tried (alternatives,
//! keys expected next) spend it when they open the record, and the keys in force spend
//! it on a record nothing opened (the sender used some number for it).

use super::tls13::{Opened, ProtectedHeader, Tls13Decryptor};
use super::{RecordAad, RecordDecryptor, RecordError, Unsupported};

/// Keys for one direction under one version's record protection.
// Both variants are large (cipher key schedules) and a chain holds a handful: boxing
// would only add an indirection per record.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum RecordKeys {
    Tls12(RecordDecryptor),
    Tls13(Tls13Decryptor),
}

/// One set of keys and the sequence number of the next record under them.
#[derive(Debug)]
struct KeySet {
    keys: RecordKeys,
    seq: u64,
}

impl KeySet {
    fn new(keys: RecordKeys) -> Self {
        KeySet { keys, seq: 0 }
    }

    /// Decrypts one record as record `self.seq`. With `trial`, a TLS 1.3 failure does
    /// not spend the sequence number (the keys may not be in force yet); TLS ≤ 1.2 keys
    /// always spend it.
    fn open(
        &mut self,
        content_type: u8,
        version: u16,
        fragment: &[u8],
        trial: bool,
    ) -> Result<Opened, RecordError> {
        let seq = self.seq;
        let opened = self.open_as(seq, content_type, version, fragment);
        let spent = match self.keys {
            RecordKeys::Tls12(_) => true,
            RecordKeys::Tls13(_) => !trial || opened.is_ok(),
        };
        if spent {
            self.seq = seq.wrapping_add(1);
        }
        opened
    }

    /// Decrypts one record as record `seq`, spending nothing.
    fn open_as(
        &mut self,
        seq: u64,
        content_type: u8,
        version: u16,
        fragment: &[u8],
    ) -> Result<Opened, RecordError> {
        match &mut self.keys {
            RecordKeys::Tls12(d) => {
                let aad = RecordAad::tls(seq, content_type, version);
                d.decrypt(aad, fragment)
                    .map(|data| Opened { content_type, data })
            }
            RecordKeys::Tls13(d) => {
                let header = tls_record_header(content_type, version, fragment.len());
                d.open(
                    ProtectedHeader {
                        seq,
                        header: &header,
                    },
                    fragment,
                )
            }
        }
    }

    /// Whether a record opens without the ones before it (see
    /// [`RecordDecryptor::opens_records_alone`]; TLS 1.3 records always do).
    fn opens_records_alone(&self) -> bool {
        match &self.keys {
            RecordKeys::Tls12(d) => d.opens_records_alone(),
            RecordKeys::Tls13(_) => true,
        }
    }

    /// The record under the expected number failed, after a loss of up to
    /// `may_skip` records: tries the numbers after it, within `budget` bytes of
    /// decryption. Returns the record and how many numbers it skipped.
    fn open_past_loss(
        &mut self,
        may_skip: u64,
        budget: &mut u64,
        content_type: u8,
        version: u16,
        fragment: &[u8],
    ) -> Option<(Opened, u64)> {
        if !self.opens_records_alone() {
            return None;
        }
        // `open` spent the expected number: record `self.seq - 1` did not open it.
        let expected = self.seq.wrapping_sub(1);
        for skip in 1..=may_skip {
            *budget = budget.checked_sub(fragment.len() as u64)?;
            let seq = expected.wrapping_add(skip);
            if let Ok(opened) = self.open_as(seq, content_type, version, fragment) {
                self.seq = seq.wrapping_add(1);
                return Some((opened, skip));
            }
        }
        None
    }

    /// Spends a sequence number on a record these keys did not open (TLS 1.3).
    fn skip(&mut self) {
        if let RecordKeys::Tls13(_) = self.keys {
            self.seq = self.seq.wrapping_add(1);
        }
    }
}

/// The 5-byte TLS record header (RFC 8446 §5.1): type, version, length.
fn tls_record_header(content_type: u8, version: u16, len: usize) -> [u8; 5] {
    let mut header = [0u8; 5];
    header[0] = content_type;
    header[1..3].copy_from_slice(&version.to_be_bytes());
    // The deframer's fragments are at most 2^16 − 1 bytes; longer ones are refused
    // (too long) before the header is used.
    header[3..].copy_from_slice(&(len as u16).to_be_bytes());
    header
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

/// One direction's keys in force, and those expected next, each with its sequence
/// number.
#[derive(Debug)]
pub struct KeyChain {
    /// Usually one; several while it is unknown which of them the sender uses.
    current: Vec<KeySet>,
    /// Boxed: most connections never expect a switch, and an open connection should
    /// cost little.
    next: Option<Box<KeySet>>,
    /// After the capture lost bytes of this direction, the records that may have gone
    /// with them: the next record may carry any number up to this many past the
    /// expected one.
    may_skip: u64,
    /// Bytes of decryption left for looking past lost records (whatever the capture
    /// holds, the search costs at most this per direction).
    skip_budget: u64,
    /// Numbers the last record that opened skipped (records lost in a gap).
    skipped: u64,
}

impl Default for KeyChain {
    fn default() -> Self {
        KeyChain {
            current: Vec::new(),
            next: None,
            may_skip: 0,
            skip_budget: MAX_SKIP_SEARCH_BYTES,
            skipped: 0,
        }
    }
}

/// The most records one lost span is taken to have held.
const MAX_LOST_RECORDS: u64 = 64;
/// The smallest protected record on the wire: 5 header bytes and a 16-byte tag (an
/// empty ChaCha20-Poly1305 record); a loss of `n` bytes held at most `n / 21 + 1`
/// records (the first maybe cut).
const MIN_PROTECTED_RECORD: u64 = 21;
/// Decryption one direction may spend trying record numbers past losses: enough for
/// dozens of gaps in a real capture, a bound on a hostile one.
const MAX_SKIP_SEARCH_BYTES: u64 = 4 << 20;

impl KeyChain {
    /// From now on, `keys` (nothing expected after them).
    pub fn install(&mut self, keys: RecordKeys) {
        self.current = vec![KeySet::new(keys)];
        self.next = None;
    }

    /// From now on, one of `alternatives` (the first record that opens decides).
    pub fn install_alternatives(&mut self, alternatives: Vec<RecordKeys>) {
        self.current = alternatives.into_iter().map(KeySet::new).collect();
    }

    /// The keys the sender will switch to next.
    pub fn expect_next(&mut self, keys: RecordKeys) {
        self.next = Some(Box::new(KeySet::new(keys)));
    }

    /// Keys in force unknown (a ChangeCipherSpec to keys we could not derive).
    pub fn clear(&mut self) {
        self.current.clear();
        self.next = None;
    }

    /// About the memory the keys take (cipher key schedules).
    pub fn held_bytes(&self) -> usize {
        let one = std::mem::size_of::<KeySet>() + 512;
        self.current.len() * one + self.next.as_ref().map_or(0, |_| one)
    }

    /// Some keys are known, now or next.
    pub fn has_keys(&self) -> bool {
        !self.current.is_empty() || self.next.is_some()
    }

    /// The capture lost `bytes` of this direction: records may have gone with them,
    /// so the next one is also tried under the numbers after the expected one (with
    /// ciphers whose records open alone; with RC4 and TLS 1.0 CBC the loss ends
    /// decryption of the direction).
    pub fn after_loss(&mut self, bytes: u64) {
        self.may_skip = (bytes / MIN_PROTECTED_RECORD + 1).min(MAX_LOST_RECORDS);
    }

    /// Record numbers the last record opened skipped: records lost in a gap.
    pub fn take_skipped(&mut self) -> u64 {
        std::mem::take(&mut self.skipped)
    }

    /// The sequence number of the next record under the keys in force.
    pub fn seq(&self) -> u64 {
        self.current.first().map_or(0, |k| k.seq)
    }

    /// The TLS 1.3 keys in force, when exactly one set is.
    pub fn current_tls13(&self) -> Option<&Tls13Decryptor> {
        match self.current.as_slice() {
            [KeySet {
                keys: RecordKeys::Tls13(d),
                ..
            }] => Some(d),
            _ => None,
        }
    }

    /// A KeyUpdate from this direction: its next records use the next generation,
    /// numbered from 0.
    pub fn key_update(&mut self) -> Result<(), Unsupported> {
        if let Some(next) = self.current_tls13().map(Tls13Decryptor::next_generation) {
            self.install(RecordKeys::Tls13(next?));
        }
        Ok(())
    }

    /// Opens one record that numbers itself (DTLS: `aad` from its header's epoch and
    /// sequence number) with the TLS ≤ 1.2 keys in force: no counter is spent, so
    /// records may come in any order, twice, or not at all.
    pub fn decrypt_at(&mut self, aad: RecordAad, fragment: &[u8]) -> Unlocked {
        let content_type = aad.content_type;
        match self.current.as_mut_slice() {
            [KeySet {
                keys: RecordKeys::Tls12(d),
                ..
            }] => match d.decrypt(aad, fragment) {
                Ok(data) => Unlocked::Opened {
                    opened: Opened { content_type, data },
                    switched: false,
                },
                Err(e) => Unlocked::Failed(e),
            },
            _ => Unlocked::NoKeys,
        }
    }

    /// Opens one record (its header's `content_type` and `version`, and its fragment)
    /// with the keys in force, else with those expected next.
    pub fn decrypt(&mut self, content_type: u8, version: u16, fragment: &[u8]) -> Unlocked {
        let may_skip = std::mem::take(&mut self.may_skip);
        if let [only] = self.current.as_mut_slice() {
            if self.next.is_none() {
                return match only.open(content_type, version, fragment, false) {
                    Ok(opened) => Unlocked::Opened {
                        opened,
                        switched: false,
                    },
                    Err(e) => match only.open_past_loss(
                        may_skip,
                        &mut self.skip_budget,
                        content_type,
                        version,
                        fragment,
                    ) {
                        Some((opened, skipped)) => {
                            self.skipped = skipped;
                            Unlocked::Opened {
                                opened,
                                switched: false,
                            }
                        }
                        None => Unlocked::Failed(e),
                    },
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
            keys.skip();
        }
        match first_error {
            Some(e) if self.current.len() == 1 => Unlocked::Failed(e),
            _ => Unlocked::NoKeys,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{
        h, tls13_seal, Sealer, HANDSHAKE, RFC8448_SERVER_HANDSHAKE_SECRET, RFC8448_SERVER_RECORD,
    };
    use super::*;
    use crate::crypto::tls13::{next_traffic_secret, SuiteHash, Tls13Variant};
    use crate::tls::cipher_suite::{lookup, CipherSuiteId};

    const RFC: Tls13Variant = Tls13Variant {
        draft: None,
        dtls: false,
    };

    fn keys(secret: u8) -> RecordKeys {
        RecordKeys::Tls13(
            Tls13Decryptor::new(lookup(CipherSuiteId(0x1301)).unwrap(), RFC, &[secret; 32])
                .unwrap(),
        )
    }

    /// A TLS 1.3 application data record under `secret` as record `seq`: header and
    /// `encrypted_record`.
    fn sealed(secret: &[u8], seq: u64, content: &[u8]) -> Vec<u8> {
        let inner = [content, &[23]].concat();
        let len = (inner.len() + 16) as u16;
        let header = [23, 3, 3, (len >> 8) as u8, len as u8];
        tls13_seal(0x1301, RFC, secret, seq, &header, &inner)
    }

    /// DTLS: each record says its number; the chain opens them in any order and
    /// counts nothing, and TLS 1.3 keys (or none) open nothing this way.
    #[test]
    fn decrypt_at_takes_the_records_own_number() {
        const DTLS12: u16 = 0xfefd;
        let mut tx = Sealer::new(0xc0a8, 0x0303, false); // PSK_WITH_AES_128_CCM_8
        let seq = |n: u64| (1u64 << 48) | n;
        let records: Vec<Vec<u8>> = (0..3u64)
            .map(|n| tx.seal_as(seq(n), 23, DTLS12, &[n as u8; 5], None))
            .collect();
        let mut chain = KeyChain::default();
        let aad = |n| RecordAad::dtls(1, n, 23, DTLS12);
        assert!(matches!(
            chain.decrypt_at(aad(0), &records[0]),
            Unlocked::NoKeys
        ));
        chain.install(RecordKeys::Tls12(tx.decryptor()));
        for n in [2u64, 0, 1, 1] {
            let (data, _) = opened(chain.decrypt_at(aad(n), &records[n as usize]));
            assert_eq!(data, vec![n as u8; 5]);
        }
        assert!(matches!(
            chain.decrypt_at(aad(1), &records[2]),
            Unlocked::Failed(_)
        ));
        assert_eq!(chain.seq(), 0, "no implicit counter spent");
        chain.install(keys(1));
        assert!(matches!(
            chain.decrypt_at(aad(0), &records[0]),
            Unlocked::NoKeys
        ));
    }

    fn opened(u: Unlocked) -> (Vec<u8>, bool) {
        match u {
            Unlocked::Opened { opened, switched } => (opened.data, switched),
            other => panic!("{other:?}"),
        }
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

    /// Records lost in a gap: the next one opens under a later number when its
    /// cipher lets records open alone, within the search's bounds.
    #[test]
    fn records_open_past_a_loss() {
        // AES-128-GCM TLS 1.2, TLS 1.1 CBC (explicit IVs), TLS 1.3: records open alone.
        let tls13: Vec<Vec<u8>> = (0..6).map(|n| sealed(&[1; 32], n, b"data")).collect();
        for (keys, records, version) in [
            tls12_records(0x009c, 0x0303),
            tls12_records(0x002f, 0x0302),
            (keys(1), tls13, 0x0303),
        ] {
            let mut c = KeyChain::default();
            c.install(keys);
            let open = |c: &mut KeyChain, r: &[u8]| c.decrypt(23, version, r);
            assert!(matches!(open(&mut c, &records[0]), Unlocked::Opened { .. }));
            // Records 1 and 2 were lost, 3 came.
            c.after_loss((records[1].len() + records[2].len()) as u64);
            assert!(matches!(open(&mut c, &records[3]), Unlocked::Opened { .. }));
            assert_eq!((c.take_skipped(), c.seq()), (2, 4));
            // Without a gap reported, numbers are not skipped.
            assert!(matches!(open(&mut c, &records[5]), Unlocked::Failed(_)));
            assert_eq!(c.take_skipped(), 0);
        }
        // A loss too short to hold the skipped records does not reach them.
        let (keys, records, _) = tls12_records(0x009c, 0x0303);
        let mut c = KeyChain::default();
        c.install(keys);
        c.after_loss(20);
        assert!(matches!(
            c.decrypt(23, 0x0303, &records[2]),
            Unlocked::Failed(_)
        ));
        // RC4 and TLS 1.0 CBC carry state from record to record: no search.
        for (id, version) in [(0x0005, 0x0303), (0x002f, 0x0301)] {
            let (keys, records, _) = tls12_records(id, version);
            let mut c = KeyChain::default();
            c.install(keys);
            c.after_loss(1000);
            assert!(matches!(
                c.decrypt(23, version, &records[1]),
                Unlocked::Failed(_)
            ));
        }
        // The search has a budget per direction, whatever the capture holds.
        let (keys, _, _) = tls12_records(0x009c, 0x0303);
        let mut c = KeyChain::default();
        c.install(keys);
        let junk = vec![0u8; 16 << 10];
        for _ in 0..1000 {
            c.after_loss(1 << 20);
            let _ = c.decrypt(23, 0x0303, &junk);
        }
        assert_eq!(c.skip_budget, MAX_SKIP_SEARCH_BYTES % junk.len() as u64);
    }

    /// Six application data records under a fresh TLS ≤ 1.2 suite `id`, its keys, and
    /// the version their headers carry.
    fn tls12_records(id: u16, version: u16) -> (RecordKeys, Vec<Vec<u8>>, u16) {
        let mut tx = Sealer::new(id, version, false);
        let records = (0..6u8).map(|n| tx.seal(23, &[n; 40])).collect();
        (RecordKeys::Tls12(tx.decryptor()), records, version)
    }

    /// TLS ≤ 1.2: every record spends a number, opened or not.
    #[test]
    fn tls12_keys_number_every_record() {
        let mut tx = Sealer::new(0x0002, 0x0303, false);
        let r0 = tx.seal(HANDSHAKE, b"zero");
        let r1 = tx.seal(HANDSHAKE, b"one");
        let r2 = tx.seal(HANDSHAKE, b"two");
        let mut c = KeyChain::default();
        c.install(RecordKeys::Tls12(tx.decryptor()));
        assert_eq!(opened(c.decrypt(HANDSHAKE, 0x0303, &r0)).0, b"zero");
        assert!(matches!(
            c.decrypt(HANDSHAKE, 0x0303, b"not a record at all"),
            Unlocked::Failed(RecordError::TooShort)
        ));
        assert_eq!(c.seq(), 2);
        // Record 1 was lost to the damaged one: record 2 opens as number 2.
        assert_eq!(opened(c.decrypt(HANDSHAKE, 0x0303, &r2)).0, b"two");
        assert!(matches!(
            c.decrypt(HANDSHAKE, 0x0303, &r1),
            Unlocked::Failed(RecordError::BadMac)
        ));
        assert_eq!(c.seq(), 4);
    }

    /// The chain builds the record header as it travelled: RFC 8448's first server
    /// record opens through it, as record 0.
    #[test]
    fn tls13_header_built_by_the_chain_matches_the_wire() {
        let record = h(RFC8448_SERVER_RECORD);
        assert_eq!(tls_record_header(23, 0x0303, record.len() - 5), record[..5]);
        let d = Tls13Decryptor::new(
            lookup(CipherSuiteId(0x1301)).unwrap(),
            RFC,
            &h(RFC8448_SERVER_HANDSHAKE_SECRET),
        );
        let mut c = KeyChain::default();
        c.install(RecordKeys::Tls13(d.unwrap()));
        let Unlocked::Opened { opened, .. } = c.decrypt(23, 0x0303, &record[5..]) else {
            panic!("RFC 8448 record did not open");
        };
        assert_eq!((opened.content_type, opened.data.len()), (22, 657));
        assert_eq!(c.seq(), 1);
    }

    /// Keys expected next spend numbers only on what they open; when they open a
    /// record they take over, numbered from there.
    #[test]
    fn tls13_switch_to_next_keys_keeps_each_count() {
        let (a, b) = ([1u8; 32], [2u8; 32]);
        let mut c = KeyChain::default();
        c.install(keys(1));
        c.expect_next(keys(2));
        assert_eq!(
            opened(c.decrypt(23, 0x0303, &sealed(&a, 0, b"a0"))),
            (b"a0".to_vec(), false)
        );
        assert_eq!(
            opened(c.decrypt(23, 0x0303, &sealed(&a, 1, b"a1"))),
            (b"a1".to_vec(), false)
        );
        assert_eq!(
            opened(c.decrypt(23, 0x0303, &sealed(&b, 0, b"b0"))),
            (b"b0".to_vec(), true)
        );
        assert_eq!(c.seq(), 1);
        assert_eq!(
            opened(c.decrypt(23, 0x0303, &sealed(&b, 1, b"b1"))).0,
            b"b1"
        );
        assert_eq!(c.seq(), 2);
    }

    /// Alternatives that fail a record keep their count; the one that opens it is
    /// kept alone.
    #[test]
    fn tls13_alternatives_settle_on_the_one_that_opens() {
        let y = [4u8; 32];
        let mut c = KeyChain::default();
        c.install_alternatives(vec![keys(3), keys(4)]);
        assert!(c.current_tls13().is_none());
        assert_eq!(
            opened(c.decrypt(23, 0x0303, &sealed(&y, 0, b"y0"))).0,
            b"y0"
        );
        assert!(c.current_tls13().is_some());
        assert_eq!(
            opened(c.decrypt(23, 0x0303, &sealed(&y, 1, b"y1"))).0,
            b"y1"
        );
        // A record none opens spends a number of the keys in force.
        assert!(matches!(
            c.decrypt(23, 0x0303, &[0; 40]),
            Unlocked::Failed(_)
        ));
        assert_eq!(
            opened(c.decrypt(23, 0x0303, &sealed(&y, 3, b"y3"))).0,
            b"y3"
        );
    }

    #[test]
    fn key_update_numbers_the_next_generation_from_zero() {
        let a = [5u8; 32];
        let next = next_traffic_secret(SuiteHash::Sha256, RFC, &a);
        let mut c = KeyChain::default();
        c.install(keys(5));
        assert_eq!(
            opened(c.decrypt(23, 0x0303, &sealed(&a, 0, b"old"))).0,
            b"old"
        );
        c.key_update().unwrap();
        assert_eq!(c.seq(), 0);
        assert_eq!(
            opened(c.decrypt(23, 0x0303, &sealed(&next, 0, b"new"))).0,
            b"new"
        );
        assert_eq!(c.seq(), 1);
    }

    #[test]
    fn held_bytes_count_each_key_set() {
        let mut c = KeyChain::default();
        assert_eq!(c.held_bytes(), 0);
        c.install(keys(1));
        let one = c.held_bytes();
        c.expect_next(keys(2));
        assert_eq!(c.held_bytes(), 2 * one);
    }
}
