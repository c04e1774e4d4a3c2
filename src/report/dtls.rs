//! The `dtls` object of a DTLS connection's report (see the JSON contract in README):
//! what the datagram layer did under the TLS handshake — datagrams and records per side,
//! the cookie exchange, retransmitted flights, fragments that could not be placed.
//! Values here; hex only where serialized.

use serde::{Serialize, Serializer};

pub use super::quic::Sides;

/// One side's handshake reassembly (RFC 6347 §4.2.2), counted.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct ReassemblyCounts {
    /// Whole handshake messages delivered, each once.
    pub messages: u64,
    /// Fragments already had (of messages delivered, or bytes already held of one not
    /// yet whole): retransmitted flights, duplicated datagrams.
    pub retransmitted_fragments: u64,
    /// Fragments too far ahead of the next message expected, dropped.
    pub fragments_ahead: u64,
    /// Fragments whose type or length disagree with earlier ones of their message.
    pub conflicting_fragments: u64,
    /// Fragments dropped at the per-connection caps (held bytes, pieces per message).
    pub fragments_over_cap: u64,
    /// Messages never made whole.
    pub incomplete_messages: u64,
    /// Messages lost in the capture: the peer answered the flight they were in, and
    /// the messages behind them were read without them.
    pub lost_messages: u64,
}

/// One side's DTLS 1.3 records (unified header, RFC 9147 §4), counted.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Dtls13Counts {
    /// Records with the unified header after the ServerHello chose DTLS 1.3.
    pub records: u64,
    /// Opened under their epoch's keys.
    pub opened: u64,
    /// Keys for the epoch were there and did not open them.
    pub failed: u64,
    /// No keys for their epoch (no key log entry, or epoch 1's 0-RTT).
    pub no_keys: u64,
    /// ACK records (content type 26, RFC 9147 §7), the record numbers they list, and
    /// those that did not decode.
    pub acks: u64,
    pub acked_records: u64,
    pub malformed_acks: u64,
    /// Epochs entered after the first application epoch (KeyUpdates that took effect).
    pub key_updates: u64,
    /// The highest epoch with keys (3 once application keys are known).
    pub highest_epoch: u64,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct DtlsReport {
    /// UDP datagrams and their payload bytes.
    pub datagrams: Sides<u64>,
    pub bytes: Sides<u64>,
    /// Records with the full DTLS header.
    pub records: Sides<u64>,
    /// HelloVerifyRequests the server sent (RFC 6347 §4.2.1), and the first one's
    /// cookie (hex), which the client's next ClientHello echoes.
    pub hello_verify_requests: u64,
    /// DTLS 1.3's cookie exchange: HelloRetryRequests (their cookie is an extension of
    /// the message, in `messages`).
    #[serde(skip_serializing_if = "is_zero")]
    pub hello_retry_requests: u64,
    #[serde(serialize_with = "ser_hex")]
    #[schemars(with = "Option<String>")]
    pub cookie: Option<Vec<u8>>,
    pub handshake: Sides<ReassemblyCounts>,
    /// ChangeCipherSpec records of an epoch already left (retransmitted flights).
    pub retransmitted_change_cipher_specs: Sides<u64>,
    /// Protected records of an epoch whose ChangeCipherSpec the capture did not show
    /// (or one already left): counted, not opened.
    pub records_other_epoch: Sides<u64>,
    /// Records with the unified header (DTLS 1.3), all of them.
    #[serde(skip_serializing_if = "both_zero")]
    pub dtls13_records: Sides<u64>,
    /// The ServerHello chose DTLS 1.3: its record layer per side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dtls13: Option<Sides<Dtls13Counts>>,
    /// Datagrams with bytes that framed as no record.
    pub malformed_datagrams: Sides<u64>,
    /// Ended early to stay under a cap (`--max-connections` UDP flows, or `--max-memory`).
    pub evicted: bool,
    /// The flow fell silent for the idle timeout before the capture ended.
    pub idle_closed: bool,
}

impl DtlsReport {
    /// The facts `inspect` shows, name and text.
    pub fn facts(&self) -> Vec<(&'static str, String)> {
        let (c, s) = (&self.handshake.client, &self.handshake.server);
        let mut v = vec![
            (
                "datagrams",
                format!(
                    "C→S {} ({} bytes, {} records); S→C {} ({} bytes, {} records)",
                    self.datagrams.client,
                    self.bytes.client,
                    self.records.client,
                    self.datagrams.server,
                    self.bytes.server,
                    self.records.server
                ),
            ),
            (
                "cookie exchange",
                match &self.cookie {
                    Some(cookie) => format!(
                        "{} HelloVerifyRequest, cookie {}",
                        self.hello_verify_requests,
                        hex::encode(cookie)
                    ),
                    None if self.hello_retry_requests > 0 => {
                        format!("{} HelloRetryRequest", self.hello_retry_requests)
                    }
                    None => "none".into(),
                },
            ),
            (
                "handshake messages",
                format!("C→S {}; S→C {}", c.messages, s.messages),
            ),
        ];
        let retransmitted = c.retransmitted_fragments + s.retransmitted_fragments;
        if retransmitted > 0 {
            v.push(("retransmitted fragments", retransmitted.to_string()));
        }
        let lost = c.fragments_ahead
            + s.fragments_ahead
            + c.conflicting_fragments
            + s.conflicting_fragments
            + c.fragments_over_cap
            + s.fragments_over_cap
            + c.incomplete_messages
            + s.incomplete_messages;
        if lost > 0 {
            v.push(("fragments not placed", lost.to_string()));
        }
        let lost_messages = c.lost_messages + s.lost_messages;
        if lost_messages > 0 {
            v.push(("handshake messages lost", lost_messages.to_string()));
        }
        if let Some(d) = &self.dtls13 {
            let side = |c: &Dtls13Counts| {
                let epochs = match c.highest_epoch {
                    0 => "no keys".to_string(),
                    n => format!("keys to epoch {n}"),
                };
                format!(
                    "{} records ({} opened, {} failed, {} without keys), {} ACKs of {} records, {} key updates, {epochs}",
                    c.records, c.opened, c.failed, c.no_keys, c.acks, c.acked_records, c.key_updates
                )
            };
            v.push(("DTLS 1.3 C→S", side(&d.client)));
            v.push(("DTLS 1.3 S→C", side(&d.server)));
        }
        v
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn both_zero(s: &Sides<u64>) -> bool {
    s.client == 0 && s.server == 0
}

fn ser_hex<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
    v.as_ref().map(hex::encode).serialize(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_the_cookie_as_hex() {
        let r = DtlsReport {
            hello_verify_requests: 1,
            cookie: Some(vec![0xc0, 0x0c]),
            ..Default::default()
        };
        let j = serde_json::to_value(&r).unwrap();
        assert_eq!(j["cookie"], "c00c");
        assert_eq!(j["handshake"]["client"]["messages"], 0);
        assert!(j.get("dtls13_records").is_none());
        assert!(j.get("dtls13").is_none() && j.get("hello_retry_requests").is_none());
    }

    #[test]
    fn dtls13_counts_are_facts() {
        let opened = Dtls13Counts {
            records: 3,
            opened: 3,
            highest_epoch: 4,
            key_updates: 1,
            ..Default::default()
        };
        let r = DtlsReport {
            hello_retry_requests: 1,
            dtls13: Some(Sides {
                client: opened,
                server: Dtls13Counts::default(),
            }),
            ..Default::default()
        };
        let facts = r.facts();
        let get = |name| facts.iter().find(|(n, _)| *n == name).unwrap().1.clone();
        assert_eq!(get("cookie exchange"), "1 HelloRetryRequest");
        assert!(get("DTLS 1.3 C→S").ends_with("1 key updates, keys to epoch 4"));
        assert!(get("DTLS 1.3 S→C").ends_with("no keys"));
        let j = serde_json::to_value(&r).unwrap();
        assert_eq!(j["dtls13"]["client"]["opened"], 3);
        assert_eq!(j["hello_retry_requests"], 1);
    }
}
