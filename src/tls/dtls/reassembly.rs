//! DTLS handshake messages put back together, in `message_seq` order (RFC 6347 §4.2.2).
//!
//! Datagrams are lost, reordered and retransmitted whole flights at a time, and a message
//! may be cut into fragments at any offsets (the sender's path MTU), overlapping when a
//! retransmission is cut differently. The assembler delivers each message once, whole,
//! in sequence:
//!
//! ```text
//!  fragments ─► seq < next: retransmission (counted)
//!               seq ≥ next + WINDOW: too far ahead (counted)
//!               else: copied into the message's buffer at its offset
//!                     ─► while message `next` is whole: deliver it, next += 1
//! ```
//!
//! Memory is bounded: bytes held for messages not yet whole are capped (the fragment that
//! would pass the cap is dropped and counted), a message keeps at most [`MAX_RANGES`]
//! separate pieces, and at most [`WINDOW`] messages are held ahead. A whole fragment of
//! the next message is delivered without being copied.

use std::collections::BTreeMap;

use super::handshake::HandshakeFragment;
use crate::tls::registry::HandshakeType;

/// How many messages past the next expected one are held (a flight has at most a dozen).
pub const WINDOW: u16 = 32;

/// Separate pieces one message may be in before it is whole.
pub const MAX_RANGES: usize = 64;

/// One whole handshake message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub msg_type: HandshakeType,
    pub message_seq: u16,
    pub body: Vec<u8>,
}

impl Message {
    /// The TLS handshake header, msg_type(1) length(3): with the body, the message as the
    /// TLS parsers read it.
    pub fn tls_header(&self) -> [u8; 4] {
        let len = (self.body.len() as u32).to_be_bytes();
        [self.msg_type.0, len[1], len[2], len[3]]
    }

    /// The DTLS header of the message as one fragment (offset 0, fragment_length =
    /// length): what the DTLS 1.0/1.2 transcript hashes before the body (RFC 6347
    /// §4.2.6), however the message was fragmented on the wire.
    pub fn dtls_header(&self) -> [u8; 12] {
        let len = (self.body.len() as u32).to_be_bytes();
        let seq = self.message_seq.to_be_bytes();
        [
            self.msg_type.0,
            len[1],
            len[2],
            len[3],
            seq[0],
            seq[1],
            0,
            0,
            0,
            len[1],
            len[2],
            len[3],
        ]
    }
}

/// What the assembler did not deliver, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AssemblyStats {
    pub messages: u64,
    /// Fragments already had: of messages delivered, or bytes already held of one
    /// not yet whole (retransmitted flights, duplicated datagrams).
    pub retransmitted_fragments: u64,
    /// Fragments too far ahead of the next expected message.
    pub fragments_ahead: u64,
    /// Fragments whose type or length disagree with the message's earlier fragments.
    pub conflicting_fragments: u64,
    /// Fragments dropped because the held bytes or pieces were at their caps.
    pub fragments_over_cap: u64,
    /// Messages never made whole (counted at [`MessageAssembler::finish`]).
    pub incomplete_messages: u64,
    /// Messages given up on as lost, so that those after them could be delivered
    /// ([`MessageAssembler::give_up_holes`]).
    pub lost_messages: u64,
}

#[derive(Debug)]
struct Partial {
    msg_type: HandshakeType,
    length: u32,
    body: Vec<u8>,
    /// Received byte ranges, sorted and merged.
    have: Vec<(u32, u32)>,
}

impl Partial {
    fn is_whole(&self) -> bool {
        self.have == [(0, self.length)] || self.length == 0
    }

    /// [start, end) is within one received range already.
    fn covers(&self, start: u32, end: u32) -> bool {
        let i = self.have.partition_point(|&(_, e)| e < end);
        self.have
            .get(i)
            .is_some_and(|&(s, e)| s <= start && end <= e)
    }

    /// Adds [start, end), merging the ranges it touches, in place; false if that would
    /// exceed MAX_RANGES.
    fn add_range(&mut self, start: u32, end: u32) -> bool {
        let first = self.have.partition_point(|&(_, e)| e < start);
        let mut last = first;
        let (mut lo, mut hi) = (start, end);
        while let Some(&(s, e)) = self.have.get(last).filter(|&&(s, _)| s <= end) {
            lo = lo.min(s);
            hi = hi.max(e);
            last += 1;
        }
        if self.have.len() - (last - first) + 1 > MAX_RANGES {
            return false;
        }
        self.have.splice(first..last, [(lo, hi)]);
        true
    }
}

/// One direction's handshake messages.
#[derive(Debug)]
pub struct MessageAssembler {
    /// The next message_seq to deliver; the first fragment seen sets it (a flow may be
    /// picked up mid-handshake).
    next: Option<u16>,
    pending: BTreeMap<u16, Partial>,
    /// Bytes held in `pending`.
    held: usize,
    max_held: usize,
    pub stats: AssemblyStats,
}

impl MessageAssembler {
    /// An assembler holding at most `max_held` bytes of messages not yet whole.
    pub fn new(max_held: usize) -> Self {
        MessageAssembler {
            next: None,
            pending: BTreeMap::new(),
            held: 0,
            max_held,
            stats: AssemblyStats::default(),
        }
    }

    /// Bytes held for messages not yet whole.
    pub fn held_bytes(&self) -> usize {
        self.held
    }

    /// Takes one fragment; delivers every message it makes whole, in order.
    pub fn push(&mut self, fragment: &HandshakeFragment<'_>, deliver: &mut impl FnMut(Message)) {
        let next = *self.next.get_or_insert(fragment.message_seq);
        let seq = fragment.message_seq;
        if seq < next {
            self.stats.retransmitted_fragments += 1;
            return;
        }
        if seq - next >= WINDOW {
            self.stats.fragments_ahead += 1;
            return;
        }
        if seq == next && fragment.is_whole() && !self.pending.contains_key(&seq) {
            self.deliver(
                Message {
                    msg_type: fragment.msg_type,
                    message_seq: seq,
                    body: fragment.body.to_vec(),
                },
                deliver,
            );
            self.drain(deliver);
            return;
        }
        if self.hold(fragment) {
            self.drain(deliver);
        }
    }

    /// Copies a fragment into its message's buffer; false if it was not kept.
    fn hold(&mut self, f: &HandshakeFragment<'_>) -> bool {
        let start = f.offset;
        let end = f.offset + f.body.len() as u32;
        let partial = self
            .pending
            .entry(f.message_seq)
            .or_insert_with(|| Partial {
                msg_type: f.msg_type,
                length: f.length,
                body: Vec::new(),
                have: Vec::new(),
            });
        if partial.msg_type != f.msg_type || partial.length != f.length {
            self.stats.conflicting_fragments += 1;
            return false;
        }
        if !f.body.is_empty() && partial.covers(start, end) {
            // Bytes already held (a retransmitted flight cut the same way, a duplicated
            // datagram): counted as retransmitted, not copied again.
            self.stats.retransmitted_fragments += 1;
            return false;
        }
        let grow = (end as usize).saturating_sub(partial.body.len());
        if self.held + grow > self.max_held {
            self.stats.fragments_over_cap += 1;
            if partial.have.is_empty() {
                self.pending.remove(&f.message_seq);
            }
            return false;
        }
        if !partial.add_range(start, end) {
            self.stats.fragments_over_cap += 1;
            return false;
        }
        if grow > 0 {
            partial.body.resize(end as usize, 0);
            self.held += grow;
        }
        partial.body[start as usize..end as usize].copy_from_slice(f.body);
        true
    }

    /// Delivers the held messages that are whole and next in line.
    fn drain(&mut self, deliver: &mut impl FnMut(Message)) {
        while let Some(next) = self.next {
            let whole = self.pending.get(&next).is_some_and(Partial::is_whole);
            if !whole {
                break;
            }
            let p = self.pending.remove(&next).expect("checked above");
            self.held -= p.body.len();
            self.deliver(
                Message {
                    msg_type: p.msg_type,
                    message_seq: next,
                    body: p.body,
                },
                deliver,
            );
        }
    }

    fn deliver(&mut self, message: Message, deliver: &mut impl FnMut(Message)) {
        self.stats.messages += 1;
        self.next = Some(message.message_seq.wrapping_add(1));
        deliver(message);
    }

    /// Message `seq` will never come as a handshake message (OpenSSL's pre-RFC DTLS
    /// numbers its ChangeCipherSpec as one): when it is the next expected, move past it
    /// and deliver what waited behind it.
    pub fn skip(&mut self, seq: u16, deliver: &mut impl FnMut(Message)) {
        if self.next.is_none_or(|n| n == seq) {
            self.next = Some(seq.wrapping_add(1));
            self.drain(deliver);
        }
    }

    /// The peer has answered this side's flight, so what of it is missing now was lost
    /// in the capture: every whole message held behind a hole is delivered, in order,
    /// and the holes counted as lost. Returns the first lost message_seq and how many
    /// were lost (none: `None`).
    pub fn give_up_holes(&mut self, deliver: &mut impl FnMut(Message)) -> Option<(u16, u64)> {
        let next = self.next?;
        let last_whole = self
            .pending
            .iter()
            .filter(|(_, p)| p.is_whole())
            .map(|(&seq, _)| seq)
            .next_back()?;
        let mut lost = None;
        for seq in next..=last_whole {
            match self.pending.remove(&seq) {
                Some(p) if p.is_whole() => {
                    self.held -= p.body.len();
                    let m = Message {
                        msg_type: p.msg_type,
                        message_seq: seq,
                        body: p.body,
                    };
                    self.deliver(m, deliver);
                }
                partial => {
                    if let Some(p) = partial {
                        self.held -= p.body.len();
                    }
                    self.stats.lost_messages += 1;
                    lost.get_or_insert((seq, 0)).1 += 1;
                }
            }
        }
        self.next = Some(last_whole.wrapping_add(1));
        self.drain(deliver);
        lost
    }

    /// The flow ended: messages never made whole are counted and their bytes released.
    pub fn finish(&mut self) {
        self.stats.incomplete_messages += self.pending.len() as u64;
        self.pending.clear();
        self.held = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frag(ty: u8, len: u32, seq: u16, off: u32, body: &[u8]) -> HandshakeFragment<'_> {
        HandshakeFragment {
            msg_type: HandshakeType(ty),
            length: len,
            message_seq: seq,
            offset: off,
            body,
        }
    }

    fn run(a: &mut MessageAssembler, frags: &[HandshakeFragment<'_>]) -> Vec<Message> {
        let mut out = Vec::new();
        for f in frags {
            a.push(f, &mut |m| out.push(m));
        }
        out
    }

    #[test]
    fn a_skipped_number_lets_the_next_message_through() {
        let mut a = MessageAssembler::new(1 << 20);
        assert_eq!(run(&mut a, &[frag(16, 1, 2, 0, b"k")]).len(), 1);
        assert!(run(&mut a, &[frag(20, 2, 4, 0, b"fi")]).is_empty());
        let mut out = Vec::new();
        a.skip(5, &mut |m| out.push(m));
        assert!(out.is_empty(), "not the next expected: ignored");
        a.skip(3, &mut |m| out.push(m));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].message_seq, 4);
    }

    #[test]
    fn whole_messages_in_order_pass_straight_through() {
        let mut a = MessageAssembler::new(1 << 20);
        let out = run(&mut a, &[frag(1, 3, 0, 0, b"abc"), frag(2, 2, 1, 0, b"de")]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].body, b"de");
        assert_eq!(a.held_bytes(), 0);
    }

    #[test]
    fn fragments_out_of_order_and_overlapping() {
        let body: Vec<u8> = (0..100).collect();
        let mut a = MessageAssembler::new(1 << 20);
        let out = run(
            &mut a,
            &[
                frag(11, 100, 0, 60, &body[60..]),
                frag(11, 100, 0, 0, &body[..30]),
                frag(11, 100, 0, 20, &body[20..70]),
            ],
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].body, body);
        assert_eq!(a.held_bytes(), 0);
    }

    #[test]
    fn a_later_message_waits_for_the_earlier_one() {
        let mut a = MessageAssembler::new(1 << 20);
        let mut out = run(&mut a, &[frag(1, 2, 0, 0, b"ch")]);
        out.extend(run(
            &mut a,
            &[frag(14, 0, 2, 0, b""), frag(11, 4, 1, 2, b"rt")],
        ));
        assert_eq!(out.len(), 1, "1 is not whole, 2 waits");
        out.extend(run(&mut a, &[frag(11, 4, 1, 0, b"ce")]));
        let seqs: Vec<u16> = out.iter().map(|m| m.message_seq).collect();
        assert_eq!(seqs, [0, 1, 2]);
        assert_eq!(out[1].body, b"cert");
        assert_eq!(out[2].msg_type, HandshakeType::SERVER_HELLO_DONE);
    }

    #[test]
    fn a_retransmitted_flight_is_delivered_once() {
        let mut a = MessageAssembler::new(1 << 20);
        let flight = [frag(2, 2, 0, 0, b"sh"), frag(14, 0, 1, 0, b"")];
        let mut out = run(&mut a, &flight);
        out.extend(run(&mut a, &flight));
        assert_eq!(out.len(), 2);
        assert_eq!(a.stats.retransmitted_fragments, 2);
    }

    #[test]
    fn the_dtls_header_is_that_of_one_fragment() {
        let m = Message {
            msg_type: HandshakeType::CERTIFICATE,
            message_seq: 2,
            body: vec![0; 0x012345],
        };
        assert_eq!(
            m.dtls_header(),
            [11, 0x01, 0x23, 0x45, 0, 2, 0, 0, 0, 0x01, 0x23, 0x45]
        );
        assert_eq!(m.tls_header(), [11, 0x01, 0x23, 0x45]);
    }

    #[test]
    fn held_bytes_are_capped_and_counted() {
        let mut a = MessageAssembler::new(1000);
        let big = vec![1u8; 10];
        // Declares a 1 MiB message and sends its last bytes: 1 MiB would be held.
        let out = run(&mut a, &[frag(11, 1 << 20, 0, (1 << 20) - 10, &big)]);
        assert!(out.is_empty());
        assert_eq!(a.stats.fragments_over_cap, 1);
        assert_eq!(a.held_bytes(), 0);
        // Messages far ahead are refused, not held.
        let out = run(&mut a, &[frag(1, 10, 500, 0, &big)]);
        assert!(out.is_empty());
        assert_eq!(a.stats.fragments_ahead, 1);
    }

    #[test]
    fn pieces_are_capped() {
        let mut a = MessageAssembler::new(1 << 20);
        let one = [7u8];
        for i in 0..(MAX_RANGES as u32 + 10) {
            a.push(&frag(11, 1000, 0, i * 2, &one), &mut |_| {});
        }
        assert_eq!(a.stats.fragments_over_cap, 10);
        a.finish();
        assert_eq!(a.stats.incomplete_messages, 1);
        assert_eq!(a.held_bytes(), 0);
    }

    #[test]
    fn conflicting_fragments_are_counted() {
        let mut a = MessageAssembler::new(1 << 20);
        let out = run(
            &mut a,
            &[frag(11, 10, 0, 0, b"abcde"), frag(12, 10, 0, 5, b"fghij")],
        );
        assert!(out.is_empty());
        assert_eq!(a.stats.conflicting_fragments, 1);
    }

    /// A fragment lost in the capture: once given up on, the messages behind it are
    /// delivered and the hole is counted.
    #[test]
    fn holes_are_given_up_on_and_what_waited_is_delivered() {
        let mut a = MessageAssembler::new(1 << 16);
        let got = run(
            &mut a,
            &[
                frag(2, 4, 1, 0, b"shel"),
                frag(11, 8, 2, 0, b"cert"), // its second half is lost
                frag(12, 2, 3, 0, b"ke"),
                frag(14, 0, 4, 0, b""),
            ],
        );
        assert_eq!(got.len(), 1);
        let mut behind = Vec::new();
        assert_eq!(a.give_up_holes(&mut |m| behind.push(m)), Some((2, 1)));
        let seqs: Vec<u16> = behind.iter().map(|m| m.message_seq).collect();
        assert_eq!(seqs, [3, 4]);
        assert_eq!((a.stats.lost_messages, a.held_bytes()), (1, 0));
        assert_eq!(a.give_up_holes(&mut |_| panic!("nothing left")), None);
        // The next message after them is delivered as it comes.
        assert_eq!(run(&mut a, &[frag(20, 1, 5, 0, b"f")]).len(), 1);
    }

    /// A duplicated datagram's fragment of a message not yet whole counts as a
    /// retransmission, and the message is delivered once.
    #[test]
    fn a_duplicate_fragment_of_a_pending_message_is_counted() {
        let mut a = MessageAssembler::new(1 << 16);
        let got = run(
            &mut a,
            &[
                frag(11, 8, 0, 0, b"cert"),
                frag(11, 8, 0, 0, b"cert"),
                frag(11, 8, 0, 1, b"er"),
                frag(11, 8, 0, 4, b"ific"),
            ],
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].body, b"certific");
        assert_eq!(a.stats.retransmitted_fragments, 2);
    }
}
