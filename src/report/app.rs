//! The `app` object of a connection's report: what the application protocol inside said
//! (see the JSON contract in README). Values come from `app/`; names, text and hex are
//! made here.

use serde::{Serialize, Serializer};

use super::text::bytes_as_text;
use super::time::rfc3339;
use crate::app::http1::{Http1, Message, Transaction};

/// Headers whose values are credentials: shown only with `--show-secrets`.
const CREDENTIALS: [&str; 4] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// What a connection's application protocol said.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AppReport {
    /// `http/1.1` (HTTP/1.0 and 1.1 alike).
    pub protocol: &'static str,
    pub transactions: Vec<TransactionReport>,
    #[serde(skip_serializing_if = "is_zero")]
    pub transactions_omitted: u64,
    /// What could not be read, in words.
    pub problems: Vec<String>,
    #[serde(skip_serializing_if = "is_zero")]
    pub problems_omitted: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TransactionReport {
    pub request: Option<MessageReport>,
    pub response: Option<MessageReport>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MessageReport {
    pub time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub version: String,
    /// `[name, value]` pairs in order; credential values are `"<hidden>"` unless
    /// `--show-secrets`.
    pub headers: Vec<[String; 2]>,
    /// Headers not kept: the connection's kept headers passed 1 MiB.
    #[serde(skip_serializing_if = "is_zero")]
    pub headers_omitted: u64,
    pub body: BodyReport,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BodyReport {
    /// As it travelled (chunk framing included).
    pub wire_bytes: u64,
    /// After chunked decoding (content codings still on).
    pub bytes: u64,
    #[serde(serialize_with = "ser_hash")]
    pub sha256: [u8; 32],
    /// Its end was seen.
    pub complete: bool,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn ser_hash<S: Serializer>(h: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(h))
}

impl AppReport {
    /// The report of an HTTP/1 decoder's findings.
    pub fn http1(h: &Http1, show_secrets: bool) -> Self {
        let message = |m: &Message| MessageReport {
            time: rfc3339(m.ts),
            method: m.method.clone(),
            target: m.target.clone(),
            status: m.status,
            reason: m.reason.clone(),
            version: format!("HTTP/1.{}", m.minor_version),
            headers: m
                .headers
                .iter()
                .map(|(name, value)| {
                    let hidden =
                        !show_secrets && CREDENTIALS.iter().any(|c| name.eq_ignore_ascii_case(c));
                    let value = if hidden {
                        "<hidden>".to_string()
                    } else {
                        bytes_as_text(value)
                    };
                    [name.clone(), value]
                })
                .collect(),
            headers_omitted: m.headers_omitted,
            body: BodyReport {
                wire_bytes: m.body_wire_bytes,
                bytes: m.body_bytes,
                sha256: m.body_sha256,
                complete: m.complete,
            },
        };
        let transaction = |t: &Transaction| TransactionReport {
            request: t.request.as_ref().map(message),
            response: t.response.as_ref().map(message),
        };
        AppReport {
            protocol: "http/1.1",
            transactions: h.transactions.iter().map(transaction).collect(),
            transactions_omitted: h.transactions_omitted,
            problems: h.problems.clone(),
            problems_omitted: h.problems_omitted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::Side;

    /// Credentials stay out of the report unless asked for, like key material.
    #[test]
    fn credential_headers_are_hidden_unless_asked() {
        let mut h = Http1::default();
        h.data(
            Side::Client,
            0,
            b"GET / HTTP/1.1\r\nHost: a\r\nCookie: s=1\r\nauthorization: Basic eA==\r\n\r\n",
        );
        h.close();
        let headers = |show| {
            AppReport::http1(&h, show).transactions[0]
                .request
                .clone()
                .unwrap()
                .headers
        };
        let hidden = headers(false);
        assert_eq!(hidden[0], ["Host".to_string(), "a".to_string()]);
        assert_eq!(hidden[1][1], "<hidden>");
        assert_eq!(hidden[2][1], "<hidden>");
        assert_eq!(headers(true)[1][1], "s=1");
    }
}
