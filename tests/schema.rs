//! The JSON Schema of the report (`schema/report.schema.json`, generated from the model
//! by `tlsscope schema`): the committed copy is up to date, and every sample's output —
//! the `inspect --json` documents of `samples/expected/`, and `summary --format jsonl`
//! over every sample — validates against it.
//!
//! Regenerate the committed copy with `TLSSCOPE_BLESS=1 cargo test --test schema`.

mod common;

use common::{all_key_args, root, samples};
use serde_json::{json, Value};

fn generated() -> Value {
    let out = common::tlsscope(&["schema"]);
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::validator_for(schema).unwrap_or_else(|e| panic!("the schema is not valid: {e}"))
}

/// Every way `value` breaks the schema, in words (the first few).
fn errors(v: &jsonschema::Validator, value: &Value) -> Vec<String> {
    v.iter_errors(value)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn the_committed_schema_is_the_generated_one() {
    let path = root().join("schema/report.schema.json");
    let schema = generated();
    if std::env::var_os("TLSSCOPE_BLESS").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(&schema).unwrap() + "\n").unwrap();
    }
    let committed: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("schema/report.schema.json"))
            .unwrap();
    assert!(
        committed == schema,
        "schema/report.schema.json is out of date: TLSSCOPE_BLESS=1 cargo test --test schema"
    );
    assert_eq!(
        schema["$defs"]["CaptureReport"]["properties"]["schema_version"]["$ref"],
        "#/$defs/SchemaVersion"
    );
}

#[test]
fn every_expected_document_validates() {
    let v = validator(&generated());
    let mut checked = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(root().join("samples/expected")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let found = errors(&v, &doc);
        if !found.is_empty() {
            failures.push(format!("{}: {}", path.display(), found.join("; ")));
        }
        checked += 1;
    }
    assert!(checked > 90, "only {checked} documents");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_json_lines_line_validates() {
    let schema = generated();
    let part = |name: &str| {
        validator(&json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": format!("#/$defs/{name}"),
            "$defs": schema["$defs"].clone(),
        }))
    };
    let (connection, capture) = (part("ConnectionReport"), part("CaptureReport"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tlsscope"))
        .args(["summary", "--format", "jsonl", "-q", "--show-secrets"])
        .args(all_key_args())
        .args(samples())
        .current_dir(root())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = 0;
    for line in text.lines() {
        let value: Value = serde_json::from_str(line).unwrap();
        let found = match value.get("capture") {
            Some(c) => {
                assert_eq!(c["schema_version"], 1);
                errors(&capture, c)
            }
            None => errors(&connection, &value),
        };
        assert!(
            found.is_empty(),
            "{}: {}",
            &line[..line.len().min(200)],
            found.join("; ")
        );
        lines += 1;
    }
    assert!(lines > 100, "{lines}");
}
