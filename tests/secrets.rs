//! Secrets stay out of every output unless asked for (`keylog`, `--show-secrets`), and
//! files holding them are private.

mod common;

use common::{root, tlsscope};

/// Every secret of a sample's key log, as hex.
fn logged_secrets(keylog: &str) -> Vec<String> {
    std::fs::read_to_string(root().join("samples").join(keylog))
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_string))
        .collect()
}

#[test]
fn secrets_are_printed_only_when_asked() {
    for (sample, keylog, key) in [
        (
            "samples/tls12-rsa-aes128gcm.pcap",
            "tls12-rsa-aes128gcm.keylog",
            Some("samples/keys/server-rsa2048.key"),
        ),
        (
            "samples/tls13-aes128gcm.pcap",
            "tls13-aes128gcm.keylog",
            None,
        ),
    ] {
        let kl = format!("samples/{keylog}");
        let mut args = vec!["inspect", "--json", "--keylog", &kl];
        if let Some(k) = key {
            args.extend(["-k", k]);
        }
        args.push(sample);
        let secrets = logged_secrets(keylog);
        for extra in [&[][..], &["--show-secrets"][..]] {
            let mut a = args.clone();
            a.splice(1..1, extra.iter().copied());
            let out = tlsscope(&a);
            assert!(out.status.success());
            let text = String::from_utf8_lossy(&out.stdout).to_lowercase()
                + &String::from_utf8_lossy(&out.stderr).to_lowercase();
            let shown = secrets
                .iter()
                .filter(|s| text.contains(&s.to_lowercase()))
                .count();
            if extra.is_empty() {
                assert_eq!(
                    shown, 0,
                    "{sample}: a secret in the output without --show-secrets"
                );
            } else {
                assert!(shown > 0, "{sample}: --show-secrets shows nothing");
            }
        }
        // The table view too.
        let out = tlsscope(&["inspect", "--keylog", &kl, sample]);
        let text = String::from_utf8_lossy(&out.stdout).to_lowercase();
        assert!(
            secrets.iter().all(|s| !text.contains(&s.to_lowercase())),
            "{sample}"
        );
    }
}
