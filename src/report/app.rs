//! The `app` object of a connection's report: what the application protocol inside said
//! (see the JSON contract in README). Values come from `app/`; names, text and hex are
//! made here.

use serde::{Serialize, Serializer};

use super::text::bytes_as_text;
use super::time::rfc3339;
use crate::app::http1::{Http1, Message, Transaction};
use crate::app::http2::{self, GoAway, Http2};
use crate::report::model::Side;

/// Headers whose values are credentials: shown only with `--show-secrets`.
const CREDENTIALS: [&str; 4] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// What a connection's application protocol said.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct AppReport {
    /// `http/1.1` (HTTP/1.0 and 1.1 alike), `h2` or `h3`.
    pub protocol: &'static str,
    pub transactions: Vec<TransactionReport>,
    #[serde(skip_serializing_if = "is_zero")]
    pub transactions_omitted: u64,
    /// What could not be read, in words.
    pub problems: Vec<String>,
    #[serde(skip_serializing_if = "is_zero")]
    pub problems_omitted: u64,
    /// HTTP/2's connection-level facts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http2: Option<Http2Report>,
    /// HTTP/3's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http3: Option<super::http3::Http3Report>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct TransactionReport {
    /// HTTP/2: the stream, whether the server pushed it, the RST_STREAM that ended it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_id: Option<u64>,
    #[serde(skip_serializing_if = "is_false")]
    pub pushed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reset: Option<ErrorReport>,
    pub request: Option<MessageReport>,
    pub response: Option<MessageReport>,
}

/// An HTTP/2 error code (RFC 9113 §7) and who sent it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct ErrorReport {
    pub by: Side,
    pub error: String,
    pub code: u32,
}

/// What an HTTP/2 connection's frames said beside its streams.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Http2Report {
    /// Frames each side sent, by type (the types it sent).
    pub frames: PerSide<Vec<(&'static str, u64)>>,
    /// `[name, value]` of each side's SETTINGS, in order.
    pub settings: PerSide<Vec<(String, u32)>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goaway: Option<PerSide<Option<GoAwayReport>>>,
    /// Streams not followed: more were open at once than the decoder keeps.
    #[serde(skip_serializing_if = "is_zero")]
    pub streams_omitted: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct PerSide<T> {
    pub client: T,
    pub server: T,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct GoAwayReport {
    pub last_stream_id: u32,
    pub error: String,
    pub code: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct MessageReport {
    pub time: String,
    /// `time` in nanoseconds since the epoch, for the tables.
    #[serde(skip)]
    pub time_ns: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// HTTP/2 requests' `:scheme` and `:authority`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    pub version: String,
    /// `[name, value]` pairs in order; credential values are `"<hidden>"` unless
    /// `--show-secrets`.
    pub headers: Vec<[String; 2]>,
    /// Headers not kept: the connection's kept headers passed 1 MiB.
    #[serde(skip_serializing_if = "is_zero")]
    pub headers_omitted: u64,
    pub body: BodyReport,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct BodyReport {
    /// As it travelled (chunk framing included).
    pub wire_bytes: u64,
    /// After chunked decoding (content codings still on).
    pub bytes: u64,
    #[serde(serialize_with = "ser_hash")]
    #[schemars(with = "String")]
    pub sha256: [u8; 32],
    /// Its end was seen.
    pub complete: bool,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn ser_hash<S: Serializer>(h: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
    super::wire::Hex(h).serialize(s)
}

impl AppReport {
    /// The report of an HTTP/1 decoder's findings.
    pub fn http1(h: &Http1, show_secrets: bool) -> Self {
        let version = |m: &Message| format!("HTTP/1.{}", m.minor_version);
        AppReport {
            protocol: "http/1.1",
            transactions: transactions(&h.transactions, &version, &error_name, show_secrets),
            transactions_omitted: h.transactions_omitted,
            problems: h.problems.clone(),
            problems_omitted: h.problems_omitted,
            http2: None,
            http3: None,
        }
    }

    /// The report of an HTTP/2 decoder's findings.
    pub fn http2(h: &Http2, show_secrets: bool) -> Self {
        let version = |_: &Message| "HTTP/2".to_string();
        let frames = |i: usize| frame_counts(&h.frames[i], |t| frame_name(t as u8));
        let settings = |i: usize| {
            h.settings[i]
                .iter()
                .map(|&(id, v)| (setting_name(id), v))
                .collect()
        };
        let goaway = |g: &Option<GoAway>| {
            g.map(|g| GoAwayReport {
                last_stream_id: g.last_stream_id,
                error: error_name(g.code),
                code: g.code,
            })
        };
        AppReport {
            protocol: "h2",
            transactions: transactions(&h.transactions, &version, &error_name, show_secrets),
            transactions_omitted: h.transactions_omitted,
            problems: h.problems.clone(),
            problems_omitted: h.problems_omitted,
            http2: Some(Http2Report {
                frames: PerSide::by_index(frames),
                settings: PerSide::by_index(settings),
                goaway: h.goaway.iter().any(Option::is_some).then(|| PerSide {
                    client: goaway(&h.goaway[0]),
                    server: goaway(&h.goaway[1]),
                }),
                streams_omitted: h.streams_omitted,
            }),
            http3: None,
        }
    }
}

/// The transactions as reported; `error` names a reset's code (each protocol has its
/// own registry).
pub(super) fn transactions(
    list: &[Transaction],
    version: &dyn Fn(&Message) -> String,
    error: &dyn Fn(u32) -> String,
    show_secrets: bool,
) -> Vec<TransactionReport> {
    let message = |m: &Message| MessageReport {
        time: rfc3339(m.ts),
        time_ns: m.ts,
        method: m.method.clone(),
        target: m.target.clone(),
        status: m.status,
        reason: m.reason.clone(),
        scheme: m.scheme.clone(),
        authority: m.authority.clone(),
        version: version(m),
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
            sha256: m.body_sha256.value(),
            complete: m.complete,
        },
    };
    list.iter()
        .map(|t: &Transaction| TransactionReport {
            stream_id: t.stream_id,
            pushed: t.pushed,
            reset: t.reset.map(|r| ErrorReport {
                by: r.by,
                error: error(r.code),
                code: r.code,
            }),
            request: t.request.as_ref().map(message),
            response: t.response.as_ref().map(message),
        })
        .collect()
}

/// RFC 9113 §11.2 frame type names.
fn frame_name(t: u8) -> &'static str {
    match t {
        http2::DATA => "DATA",
        http2::HEADERS => "HEADERS",
        http2::PRIORITY => "PRIORITY",
        http2::RST_STREAM => "RST_STREAM",
        http2::SETTINGS => "SETTINGS",
        http2::PUSH_PROMISE => "PUSH_PROMISE",
        http2::PING => "PING",
        http2::GOAWAY => "GOAWAY",
        http2::WINDOW_UPDATE => "WINDOW_UPDATE",
        http2::CONTINUATION => "CONTINUATION",
        _ => "unknown",
    }
}

impl<T> PerSide<T> {
    /// Both sides from a function of the side's index (0: the client).
    pub(super) fn by_index(f: impl Fn(usize) -> T) -> Self {
        PerSide {
            client: f(0),
            server: f(1),
        }
    }
}

/// Frame counters indexed by type as `[name, count]`, the types sent only.
pub(super) fn frame_counts(
    counts: &[u64],
    name: impl Fn(usize) -> &'static str,
) -> Vec<(&'static str, u64)> {
    counts
        .iter()
        .enumerate()
        .filter(|(_, &n)| n > 0)
        .map(|(t, &n)| (name(t), n))
        .collect()
}

/// RFC 9113 §11.3 setting names (and RFC 8441's, RFC 9218's), else the number.
fn setting_name(id: u16) -> String {
    let name = match id {
        1 => "SETTINGS_HEADER_TABLE_SIZE",
        2 => "SETTINGS_ENABLE_PUSH",
        3 => "SETTINGS_MAX_CONCURRENT_STREAMS",
        4 => "SETTINGS_INITIAL_WINDOW_SIZE",
        5 => "SETTINGS_MAX_FRAME_SIZE",
        6 => "SETTINGS_MAX_HEADER_LIST_SIZE",
        8 => "SETTINGS_ENABLE_CONNECT_PROTOCOL",
        9 => "SETTINGS_NO_RFC7540_PRIORITIES",
        _ => return format!("0x{id:04x}"),
    };
    name.to_string()
}

/// RFC 9113 §7 error code names, else the number in hex.
fn error_name(code: u32) -> String {
    const NAMES: [&str; 14] = [
        "NO_ERROR",
        "PROTOCOL_ERROR",
        "INTERNAL_ERROR",
        "FLOW_CONTROL_ERROR",
        "SETTINGS_TIMEOUT",
        "STREAM_CLOSED",
        "FRAME_SIZE_ERROR",
        "REFUSED_STREAM",
        "CANCEL",
        "COMPRESSION_ERROR",
        "CONNECT_ERROR",
        "ENHANCE_YOUR_CALM",
        "INADEQUATE_SECURITY",
        "HTTP_1_1_REQUIRED",
    ];
    usize::try_from(code)
        .ok()
        .and_then(|i| NAMES.get(i))
        .map_or_else(|| format!("0x{code:x}"), |n| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Decoder;
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

    /// The same for HTTP/2: a `cookie` field (HPACK, static name 32) is hidden.
    #[test]
    fn h2_credentials_are_hidden_too() {
        let mut h = Http2::default();
        h.data(Side::Client, 0, crate::app::http2::PREFACE);
        let block = [0x82, 0x84, 0x87, 0x0f, 0x11, 0x03, b'a', b'=', b'1'];
        let mut frame = vec![0, 0, block.len() as u8, 1, 5, 0, 0, 0, 1];
        frame.extend_from_slice(&block);
        h.data(Side::Client, 1, &frame);
        h.close();
        let request = |show| {
            AppReport::http2(&h, show).transactions[0]
                .request
                .clone()
                .unwrap()
        };
        let hidden = request(false);
        assert_eq!(
            (hidden.method.as_deref(), hidden.version.as_str()),
            (Some("GET"), "HTTP/2")
        );
        assert_eq!(
            hidden.headers,
            [["cookie".to_string(), "<hidden>".to_string()]]
        );
        assert_eq!(request(true).headers[0][1], "a=1");
    }
}
