//! One direction's QUIC packet keys past the Initials: Handshake, 0-RTT and 1-RTT,
//! derived from the TLS 1.3 traffic secrets of a key log (RFC 9001 §5.1) when the
//! handshake has got far enough to name them, and the 1-RTT key phases (§6).
//!
//! ```text
//!  secret (key log, by client random) ─► PacketKeys::new(schedule, suite, secret)
//!  1-RTT: phase 0 ─ key phase bit flips ─► next_phase() ("quic ku") ─► phase 1 …
//!         packets of the phase before, reordered behind the flip, still open with
//!         the previous keys
//! ```

use crate::crypto::quic::{KeySchedule, PacketKeys};
use crate::quic::header::Protected;
use crate::quic::packet::{unmask, OpenError, Opened};
use crate::tls::cipher_suite::CipherSuite;

/// Keys of one space, or why there are none.
#[derive(Debug, Default)]
enum Slot<K> {
    /// Not derived yet: the secret or the suite is not known yet.
    #[default]
    Waiting,
    Ready(K),
    /// The secret could not make keys (say, a suite QUIC does not use): not tried again.
    Unusable,
}

/// The 1-RTT keys of one direction across key updates.
#[derive(Debug)]
struct Phases {
    /// The key phase bit of `current`.
    bit: bool,
    current: PacketKeys,
    /// The first packet number opened under `current` (packets below it with the other
    /// bit belong to `previous`).
    current_since: Option<u64>,
    previous: Option<PacketKeys>,
    next: Option<PacketKeys>,
}

/// What a direction's keys did, for the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyCounts {
    /// 1-RTT key updates seen (key phase flips that opened with the next keys).
    pub key_updates: u64,
}

/// One direction's keys past the Initials.
#[derive(Debug, Default)]
pub struct DirKeys {
    handshake: Slot<Box<PacketKeys>>,
    /// 0-RTT: one key per suite it may be under until one opens a packet (the suite of
    /// the resumed session, which the ServerHello only names later).
    early: Slot<Vec<PacketKeys>>,
    one_rtt: Slot<Box<Phases>>,
    pub counts: KeyCounts,
}

/// The space of a packet, as far as keys go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySpace {
    Handshake,
    ZeroRtt,
    OneRtt,
}

/// A secret and what it is for: its suite if known, else the suites it may be under.
pub struct SecretFor<'a> {
    pub secret: &'a [u8],
    pub suites: Vec<&'static CipherSuite>,
}

impl DirKeys {
    /// Whether keys for `space` are still to be made (ask for the secret then).
    pub fn waiting(&self, space: KeySpace) -> bool {
        match space {
            KeySpace::Handshake => matches!(self.handshake, Slot::Waiting),
            KeySpace::ZeroRtt => matches!(self.early, Slot::Waiting),
            KeySpace::OneRtt => matches!(self.one_rtt, Slot::Waiting),
        }
    }

    /// Makes the keys of `space` from `secret`; an error says why it can't.
    pub fn install(
        &mut self,
        schedule: KeySchedule,
        space: KeySpace,
        secret: SecretFor<'_>,
    ) -> Result<(), String> {
        let mut made = Vec::new();
        let mut error = None;
        for suite in &secret.suites {
            match PacketKeys::new(schedule, suite, secret.secret) {
                Ok(k) => made.push(k),
                Err(e) => error = Some(e.to_string()),
            }
        }
        if made.is_empty() {
            let why = error.unwrap_or_else(|| "no TLS 1.3 suite to derive keys for".into());
            match space {
                KeySpace::Handshake => self.handshake = Slot::Unusable,
                KeySpace::ZeroRtt => self.early = Slot::Unusable,
                KeySpace::OneRtt => self.one_rtt = Slot::Unusable,
            }
            return Err(why);
        }
        match space {
            KeySpace::Handshake => self.handshake = Slot::Ready(Box::new(made.swap_remove(0))),
            KeySpace::ZeroRtt => self.early = Slot::Ready(made),
            KeySpace::OneRtt => {
                self.one_rtt = Slot::Ready(Box::new(Phases {
                    bit: false,
                    current: made.swap_remove(0),
                    current_since: None,
                    previous: None,
                    next: None,
                }))
            }
        }
        Ok(())
    }

    /// Opens a packet of `space`; `None` when there are no keys for it.
    pub fn open(
        &mut self,
        space: KeySpace,
        packet: Protected<'_>,
        largest_pn: Option<u64>,
    ) -> Option<Result<Opened, OpenError>> {
        match space {
            KeySpace::Handshake => match &self.handshake {
                Slot::Ready(k) => Some(crate::quic::packet::open(k, packet, largest_pn)),
                _ => None,
            },
            KeySpace::ZeroRtt => match &mut self.early {
                Slot::Ready(candidates) => Some(open_any(candidates, packet, largest_pn)),
                _ => None,
            },
            KeySpace::OneRtt => match &mut self.one_rtt {
                Slot::Ready(phases) => Some(phases.open(packet, largest_pn).map(|(o, flipped)| {
                    self.counts.key_updates += u64::from(flipped);
                    o
                })),
                _ => None,
            },
        }
    }

    /// Bytes held (for the memory budget): keys are a few hundred bytes each.
    pub fn held_bytes(&self) -> usize {
        const KEYS: usize = 768;
        let early = match &self.early {
            Slot::Ready(v) => v.len() * KEYS,
            _ => 0,
        };
        let one_rtt = match &self.one_rtt {
            Slot::Ready(p) => {
                KEYS * (1 + p.previous.is_some() as usize + p.next.is_some() as usize)
            }
            _ => 0,
        };
        let handshake = matches!(self.handshake, Slot::Ready(_)) as usize * KEYS;
        early + one_rtt + handshake
    }
}

/// Tries each candidate; the first that opens stays the only one.
fn open_any(
    candidates: &mut Vec<PacketKeys>,
    packet: Protected<'_>,
    largest_pn: Option<u64>,
) -> Result<Opened, OpenError> {
    let mut last = None;
    for (i, k) in candidates.iter().enumerate() {
        match crate::quic::packet::open(k, packet, largest_pn) {
            Ok(o) => {
                if candidates.len() > 1 {
                    let keep = candidates.swap_remove(i);
                    *candidates = vec![keep];
                }
                return Ok(o);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last.expect("install keeps at least one candidate"))
}

impl Phases {
    /// Opens a 1-RTT packet; `true` beside it when it flipped to the next phase.
    fn open(
        &mut self,
        packet: Protected<'_>,
        largest_pn: Option<u64>,
    ) -> Result<(Opened, bool), OpenError> {
        // Header protection keys never change with the phase (RFC 9001 §6.1).
        let um = unmask(&self.current, packet, largest_pn)?;
        let bit = um.key_phase.unwrap_or(self.bit);
        if bit == self.bit {
            let opened = um.decrypt(&self.current);
            if opened.is_ok() && self.current_since.is_none() {
                self.current_since = Some(um.packet_number);
            }
            return opened.map(|o| (o, false));
        }
        let older = self
            .current_since
            .is_some_and(|since| um.packet_number < since);
        if let (true, Some(prev)) = (older, &self.previous) {
            return um.decrypt(prev).map(|o| (o, false));
        }
        let next = self.next.get_or_insert_with(|| self.current.next_phase());
        let opened = um.decrypt(next)?;
        let next = self.next.take().expect("made above");
        self.previous = Some(std::mem::replace(&mut self.current, next));
        self.bit = bit;
        self.current_since = Some(um.packet_number);
        Ok((opened, true))
    }
}
