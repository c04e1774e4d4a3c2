//! The `app` object of an HTTP/3 connection (see the JSON contract in README): the
//! transactions as for HTTP/2, and the connection's frames, settings and GOAWAY. Values
//! come from `app/http3/`; the registries' names are given here.

use serde::Serialize;

use super::app::{frame_counts, transactions, AppReport, PerSide};
use crate::app::http1::Message;
use crate::app::http3::{Http3, FRAME_KINDS};

/// What an HTTP/3 connection's control streams said beside its requests.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Http3Report {
    /// Frames each side sent, by type (the types it sent).
    pub frames: PerSide<Vec<(&'static str, u64)>>,
    /// `[name, value]` of each side's SETTINGS.
    pub settings: PerSide<Vec<(String, u64)>>,
    /// The GOAWAY each side sent: its stream (client: push) id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goaway: Option<PerSide<Option<u64>>>,
    /// Stream halves not followed: more were open than the decoder keeps.
    #[serde(skip_serializing_if = "is_zero")]
    pub streams_omitted: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl AppReport {
    /// The report of an HTTP/3 decoder's findings.
    pub fn http3(h: &Http3, show_secrets: bool) -> Self {
        let version = |_: &Message| "HTTP/3".to_string();
        let frames =
            |i: usize| frame_counts(&h.frames[i], |t| frame_name(FRAME_KINDS.get(t).copied()));
        let settings = |i: usize| {
            h.settings[i]
                .iter()
                .map(|&(id, v)| (setting_name(id), v))
                .collect()
        };
        AppReport {
            protocol: "h3",
            transactions: transactions(&h.transactions, &version, &error_name, show_secrets),
            transactions_omitted: h.transactions_omitted,
            problems: h.problems.clone(),
            problems_omitted: h.problems_omitted,
            http2: None,
            http3: Some(Http3Report {
                frames: PerSide::by_index(frames),
                settings: PerSide::by_index(settings),
                goaway: h.goaway.iter().any(Option::is_some).then_some(PerSide {
                    client: h.goaway[0],
                    server: h.goaway[1],
                }),
                streams_omitted: h.streams_omitted,
            }),
        }
    }
}

/// RFC 9114 §11.2.1 frame type names.
fn frame_name(t: Option<u64>) -> &'static str {
    use crate::app::http3::*;
    match t {
        Some(DATA) => "DATA",
        Some(HEADERS) => "HEADERS",
        Some(CANCEL_PUSH) => "CANCEL_PUSH",
        Some(SETTINGS) => "SETTINGS",
        Some(PUSH_PROMISE) => "PUSH_PROMISE",
        Some(GOAWAY) => "GOAWAY",
        Some(MAX_PUSH_ID) => "MAX_PUSH_ID",
        _ => "unknown",
    }
}

/// RFC 9114 §11.2.2 and RFC 9204 §5 setting names (RFC 9220's, RFC 9297's), else the
/// number.
fn setting_name(id: u64) -> String {
    let name = match id {
        0x01 => "SETTINGS_QPACK_MAX_TABLE_CAPACITY",
        0x06 => "SETTINGS_MAX_FIELD_SECTION_SIZE",
        0x07 => "SETTINGS_QPACK_BLOCKED_STREAMS",
        0x08 => "SETTINGS_ENABLE_CONNECT_PROTOCOL",
        0x33 => "SETTINGS_H3_DATAGRAM",
        _ => return format!("0x{id:x}"),
    };
    name.to_string()
}

/// RFC 9114 §8.1 error code names, else the number in hex.
fn error_name(code: u32) -> String {
    const NAMES: [&str; 17] = [
        "H3_NO_ERROR",
        "H3_GENERAL_PROTOCOL_ERROR",
        "H3_INTERNAL_ERROR",
        "H3_STREAM_CREATION_ERROR",
        "H3_CLOSED_CRITICAL_STREAM",
        "H3_FRAME_UNEXPECTED",
        "H3_FRAME_ERROR",
        "H3_EXCESSIVE_LOAD",
        "H3_ID_ERROR",
        "H3_SETTINGS_ERROR",
        "H3_MISSING_SETTINGS",
        "H3_REQUEST_REJECTED",
        "H3_REQUEST_CANCELLED",
        "H3_REQUEST_INCOMPLETE",
        "H3_MESSAGE_ERROR",
        "H3_CONNECT_ERROR",
        "H3_VERSION_FALLBACK",
    ];
    match code.checked_sub(0x100).and_then(|i| NAMES.get(i as usize)) {
        Some(n) => n.to_string(),
        None => format!("0x{code:x}"),
    }
}
