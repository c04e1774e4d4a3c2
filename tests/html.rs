//! `tlsscope report`: one self-contained HTML page with every connection of the
//! samples — well-formed (parsed as XML), nothing fetched, a ladder per connection —
//! and, when Chromium is installed, rendered headless: the script ran without an
//! error, `#conn-N` opens that connection, and a screenshot is drawn.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{root, samples};

/// `tlsscope COMMAND -q keys… samples… EXTRA…`; stdout.
fn run(command: &[&str], extra: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_tlsscope"))
        .args(command)
        .arg("-q")
        .args(common::all_key_args())
        .args(samples())
        .args(extra)
        .current_dir(root())
        .output()
        .expect("run tlsscope");
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The report of every sample, written to a fresh directory.
fn report() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    run(&["report"], &["-o", path.to_str().unwrap()]);
    (dir, path)
}

fn connection_ids() -> Vec<String> {
    let doc: serde_json::Value =
        serde_json::from_slice(&run(&["summary", "--format", "json"], &[])).unwrap();
    doc["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("conn-{}", c["id"]))
        .collect()
}

#[test]
fn the_page_holds_every_connection_and_fetches_nothing() {
    let (_dir, path) = report();
    let html = std::fs::read_to_string(&path).unwrap();
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(&html, options).expect("well-formed");
    let blocks: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("conn"))
        .map(|n| n.attribute("id").unwrap())
        .collect();
    let ids = connection_ids();
    assert!(ids.len() > 100, "{} connections", ids.len());
    assert_eq!(blocks, ids);
    // One ladder per connection, each arrowhead its own id.
    let ladders = doc.descendants().filter(|n| n.has_tag_name("svg")).count();
    assert_eq!(ladders, ids.len());
    let mut marker_ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("marker"))
        .filter_map(|n| n.attribute("id"))
        .collect();
    marker_ids.sort();
    marker_ids.dedup();
    assert_eq!(marker_ids.len(), ids.len());
    for n in doc.descendants() {
        for attr in ["src", "href", "xlink:href"] {
            assert!(n.attribute(attr).is_none(), "{:?} has {attr}", n.tag_name());
        }
        assert!(!n.has_tag_name("link") && !n.has_tag_name("img") && !n.has_tag_name("iframe"));
    }
    assert!(
        html.contains("default-src 'none'"),
        "the policy forbids fetching"
    );
    // The HTTP transactions are there: the requests of one HTTP/2 sample.
    assert!(html.contains("<h3>HTTP (h2)</h3>"));
}

/// The Chromium binary, or `None` with a note.
fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok());
    if found.is_none() {
        eprintln!("note: chromium not found: skipping the rendering test");
    }
    found
}

/// Chromium, headless, on `url` with `args`; (stdout, stderr).
fn headless(browser: &str, profile: &Path, args: &[&str], url: &str) -> (String, String) {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .output()
        .expect("run chromium");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
#[cfg_attr(not(chromium), ignore = "needs chromium (Debian's `chromium` package)")]
fn chromium_renders_the_page_without_errors() {
    let Some(browser) = chromium() else { return };
    let (dir, path) = report();
    let profile = dir.path().join("profile");
    let url = format!("file://{}", path.display());
    let ids = connection_ids();
    let target = &ids[ids.len() / 2];
    let (dom, log) = headless(
        browser,
        &profile,
        &["--dump-dom"],
        &format!("{url}#{target}"),
    );
    let console: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    assert!(
        dom.contains(r#"data-ready="1""#),
        "the script did not finish"
    );
    assert_eq!(dom.matches(r#"<tbody class="conn""#).count(), ids.len());
    // Every detail row is closed but the addressed one's.
    let open: Vec<&str> = dom
        .split(r#"<tbody class="conn" id=""#)
        .skip(1)
        .filter(|block| block.contains(r#"<tr class="detail">"#))
        .map(|block| block.split('"').next().unwrap())
        .collect();
    assert_eq!(open, [target.as_str()]);
    let shot = dir.path().join("report.png");
    headless(
        browser,
        &profile,
        &[
            "--window-size=1280,1600",
            &format!("--screenshot={}", shot.display()),
        ],
        &url,
    );
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
}
