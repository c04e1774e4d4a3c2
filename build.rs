//! Marks the build with what the environment offers the tests, so that those that need
//! it show as ignored in cargo test's summary, with the reason, when it is not there:
//! `cfg(corpus)` when the public corpus is there (`TLSSCOPE_CORPUS` names a folder),
//! `cfg(tshark)` when tshark runs (the tests that compare with it).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(corpus)");
    println!("cargo::rustc-check-cfg=cfg(tshark)");
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
}
