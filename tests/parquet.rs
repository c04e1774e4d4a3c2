//! `summary --format parquet -o DIR` over every sample, read back with DuckDB (its
//! Python module, which `.ci/run` installs): the same connections as the JSON — each
//! one's id, endpoints, SNI, verdict, application data SHA-256 and certificate status —,
//! each certificate once, and every HTTP transaction. Skips with a note without DuckDB.

mod common;

use std::collections::BTreeSet;
use std::process::Command;

use common::{all_key_args, root, samples};
use serde_json::Value;

/// What DuckDB reads from the tables, as JSON: the connections' rows, the
/// certificates' SHA-256 and how many transactions there are.
const QUERY: &str = r#"
import duckdb, json, sys
d = sys.argv[1]
rows = duckdb.sql(f"""select id, client_ip, client_port, server_ip, server_port, sni, verdict,
    client_app_sha256, server_app_sha256, certificate_status
    from '{d}/connections.parquet' order by id""").fetchall()
certs = [r[0] for r in duckdb.sql(f"select sha256 from '{d}/certificates.parquet'").fetchall()]
tx = duckdb.sql(f"select count(*) from '{d}/transactions.parquet'").fetchall()[0][0]
print(json.dumps({"rows": rows, "certs": certs, "transactions": tx}))
"#;

fn duckdb_missing() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("note: python3 with duckdb not found (pip install duckdb): skipping");
    }
    !ok
}

#[test]
fn duckdb_reads_the_connections_the_json_has() {
    if duckdb_missing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let tables = dir.path().join("tables");
    let run = |format: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_tlsscope"))
            .args(["summary", "-q"])
            .args(format)
            .args(all_key_args())
            .args(samples())
            .current_dir(root())
            .output()
            .unwrap()
    };
    let out = run(&["--format", "parquet", "-o", tables.to_str().unwrap()]);
    assert!(out.stdout.is_empty(), "the tables go to the folder");
    let json: Value = serde_json::from_slice(&run(&["--json"]).stdout).unwrap();
    let read = Command::new("python3")
        .args(["-c", QUERY, tables.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let got: Value = serde_json::from_slice(&read.stdout).unwrap();

    let conns = json["connections"].as_array().unwrap();
    let want: Vec<Value> = conns
        .iter()
        .map(|c| {
            let app = &c["app_data"];
            serde_json::json!([
                c["id"],
                c["client"]["ip"],
                c["client"]["port"],
                c["server"]["ip"],
                c["server"]["port"],
                c["sni"],
                c["decryption"]["verdict"],
                app["client"]["sha256"],
                app["server"]["sha256"],
                c["certificate_validation"]["status"]
            ])
        })
        .collect();
    let rows = got["rows"].as_array().unwrap();
    assert_eq!(rows.len(), conns.len());
    for (g, w) in rows.iter().zip(&want) {
        assert_eq!(g, w);
    }
    // Each certificate once: the server and client chains' SHA-256, as a set.
    let mut certs = BTreeSet::new();
    for c in conns {
        for chain in ["certificates", "client_certificates"] {
            for cert in c[chain].as_array().unwrap() {
                if let Some(h) = cert["sha256"].as_str() {
                    certs.insert(h.to_string());
                }
            }
        }
    }
    let written: Vec<String> = got["certs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_string())
        .collect();
    assert_eq!(written.len(), certs.len(), "each certificate once");
    assert_eq!(written.into_iter().collect::<BTreeSet<_>>(), certs);
    let transactions: usize = conns
        .iter()
        .filter_map(|c| c["app"]["transactions"].as_array())
        .map(Vec::len)
        .sum();
    assert!(transactions > 50, "{transactions}");
    assert_eq!(got["transactions"], transactions);
}

#[test]
fn parquet_needs_a_folder_and_never_overwrites_without_force() {
    let out = common::tlsscope(&[
        "summary",
        "--format",
        "parquet",
        "samples/cert-validation.pcap",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("-o DIR"));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let args = [
        "summary",
        "--format",
        "parquet",
        "-o",
        d,
        "samples/cert-validation.pcap",
    ];
    assert_eq!(common::tlsscope(&args).status.code(), Some(0));
    let again = common::tlsscope(&args);
    assert_eq!(again.status.code(), Some(2), "the tables exist");
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    let mut forced = args.to_vec();
    forced.insert(1, "--force");
    assert_eq!(common::tlsscope(&forced).status.code(), Some(0));
    let json_with_o =
        common::tlsscope(&["summary", "--json", "-o", d, "samples/cert-validation.pcap"]);
    assert_eq!(json_with_o.status.code(), Some(2));
}
