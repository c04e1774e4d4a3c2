//! Marks the build when the public corpus is there (`TLSSCOPE_CORPUS` names a folder),
//! so that the tests that need it show as ignored in cargo test's summary, with the
//! reason, when it is not.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(corpus)");
    println!("cargo::rerun-if-env-changed=TLSSCOPE_CORPUS");
    let present =
        std::env::var_os("TLSSCOPE_CORPUS").is_some_and(|p| std::path::Path::new(&p).is_dir());
    if present {
        println!("cargo::rustc-cfg=corpus");
    }
}
