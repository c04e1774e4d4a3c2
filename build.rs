//! Marks the build with what the environment offers the tests, so that those that need
//! it show as ignored in cargo test's summary, with the reason, when it is not there:
//! `cfg(corpus)` when the public corpus is there (`TLSSCOPE_CORPUS` names a folder),
//! `cfg(tshark)` when tshark runs (the tests that compare with it), `cfg(chromium)` when
//! Chromium runs (the HTML report's rendering test), `cfg(live_capture)` when the `live`
//! feature is on and the build runs as root (the live capture test on `lo`). With the
//! `live` feature and no libpcap to link, it says what to install.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(corpus)");
    println!("cargo::rustc-check-cfg=cfg(tshark)");
    println!("cargo::rustc-check-cfg=cfg(live_capture)");
    println!("cargo::rustc-check-cfg=cfg(chromium)");
    println!("cargo::rerun-if-env-changed=LIBPCAP_LIBDIR");
    println!("cargo::rerun-if-env-changed=TLSSCOPE_CORPUS");
    println!("cargo::rerun-if-env-changed=PATH");
    let present =
        std::env::var_os("TLSSCOPE_CORPUS").is_some_and(|p| std::path::Path::new(&p).is_dir());
    if present {
        println!("cargo::rustc-cfg=corpus");
    }
    let tshark = std::process::Command::new("tshark")
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if tshark {
        println!("cargo::rustc-cfg=tshark");
    }
    // tests/html.rs renders the HTML report in it.
    let chromium = std::process::Command::new("chromium")
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if chromium {
        println!("cargo::rustc-cfg=chromium");
    }
    if std::env::var_os("CARGO_FEATURE_LIVE").is_some() {
        if !libpcap_present() {
            println!(
                "cargo::warning=the `live` feature (live capture, on by default) links libpcap, \
                 which was not found: install libpcap-dev (Debian, Ubuntu) or libpcap-devel \
                 (Fedora), or build without it: cargo build --no-default-features"
            );
        }
        if effective_uid() == Some(0) {
            println!("cargo::rustc-cfg=live_capture");
        }
    }
}

/// Whether the linker will find libpcap: pkg-config knows it, or its development link
/// is in a usual place (or in LIBPCAP_LIBDIR, which the pcap crate honours).
fn libpcap_present() -> bool {
    let pkg = std::process::Command::new("pkg-config")
        .args(["--exists", "libpcap"])
        .status()
        .is_ok_and(|s| s.success());
    let dirs = std::env::var("LIBPCAP_LIBDIR").into_iter().chain(
        [
            "/usr/lib",
            "/usr/lib64",
            "/usr/local/lib",
            "/usr/lib/x86_64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu",
            "/opt/homebrew/lib",
        ]
        .map(String::from),
    );
    pkg || dirs
        .flat_map(|d| ["libpcap.so", "libpcap.dylib", "libpcap.a"].map(|f| format!("{d}/{f}")))
        .any(|p| std::path::Path::new(&p).exists())
}

/// The build's effective user id (Linux: from /proc), if it can be read.
fn effective_uid() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(2)?.parse().ok()
}
