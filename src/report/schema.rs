//! The JSON Schema of the report, generated from the model (`schemars`): what `--json`
//! and `--format jsonl` print, versioned by `capture.schema_version`. The committed copy
//! is `schema/report.schema.json` (`tlsscope schema` prints it; `tests/schema.rs` checks
//! that it is up to date and that every sample's output validates against it).
//!
//! The types with a hand-written `Serialize` get their schema here; a message's fields
//! depend on its type, so `messages[]` entries are objects with their common keys
//! required and the rest open.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;

use super::model::{CaptureReport, ConnectionReport, MessageEntry};
use super::verdict::Verdict;
use crate::pki::ValidationStatus;

/// The version of the report's shape: raised when a field changes meaning or type, or
/// goes away (new fields do not raise it).
pub const SCHEMA_VERSION: u32 = 1;

/// `capture.schema_version`: always [`SCHEMA_VERSION`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SchemaVersion;

impl Serialize for SchemaVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(SCHEMA_VERSION)
    }
}

impl JsonSchema for SchemaVersion {
    fn schema_name() -> Cow<'static, str> {
        "SchemaVersion".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "const": SCHEMA_VERSION })
    }
}

/// The `--json` document.
#[derive(schemars::JsonSchema)]
#[allow(dead_code)] // a shape for the schema only
struct Document {
    connections: Vec<ConnectionReport>,
    capture: CaptureReport,
}

/// The schema of the `--json` document; its `$defs` hold `ConnectionReport` (each JSON
/// Lines connection line) and `CaptureReport` (the last line's `capture`).
pub fn report_schema() -> serde_json::Value {
    // What is written (skipped fields not required, `with` types as printed).
    let mut schema = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .with_transform(schemars::transform::RecursiveTransform(closed_object))
        .into_generator()
        .into_root_schema_for::<Document>();
    schema.insert("title".into(), "tlsscope report".into());
    schema.insert(
        "$id".into(),
        format!("https://tlsscope.invalid/schema/report/v{SCHEMA_VERSION}.json").into(),
    );
    schema.to_value()
}

/// Objects of the model have the fields the schema lists and no others, so that a field
/// printed but not described fails the tests (a message says `additionalProperties`
/// itself: its fields stay open).
fn closed_object(schema: &mut Schema) {
    if schema.get("properties").is_some() && schema.get("additionalProperties").is_none() {
        schema.insert("additionalProperties".into(), false.into());
    }
}

fn string_enum(names: Vec<&'static str>) -> Schema {
    json_schema!({ "type": "string", "enum": names })
}

impl JsonSchema for Verdict {
    fn schema_name() -> Cow<'static, str> {
        "Verdict".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        string_enum(Verdict::ALL.iter().map(|v| v.as_str()).collect())
    }
}

impl JsonSchema for ValidationStatus {
    fn schema_name() -> Cow<'static, str> {
        "ValidationStatus".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        string_enum(ValidationStatus::ALL.iter().map(|v| v.as_str()).collect())
    }
}

impl JsonSchema for MessageEntry {
    fn schema_name() -> Cow<'static, str> {
        "MessageEntry".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "description": "One record-layer event; the other fields depend on `type` (README: JSON contract, messages[]).",
            "required": ["direction", "time", "frame", "type"],
            "additionalProperties": true,
            "properties": {
                "direction": { "enum": ["client", "server"] },
                "time": { "type": "string" },
                "frame": { "type": "integer", "minimum": 0 },
                "type": { "type": "string" }
            }
        })
    }
}
