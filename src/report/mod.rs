//! Reports: the JSON contract ([`model`], and [`wire`] for the parsed TLS messages) and
//! the human tables ([`table`]).

pub mod follow;
pub mod json;
pub mod model;
pub mod table;
pub mod text;
pub mod time;
pub mod wire;

pub use model::Report;

/// The report as pretty JSON (the `--json` output).
pub fn to_json(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
