//! NSS key log files (SSLKEYLOGFILE): `LABEL <client random hex> <secret hex>` per line.

use std::collections::HashMap;

/// Secrets from key logs, by client random.
#[derive(Debug, Default, Clone)]
pub struct KeyLog {
    /// `CLIENT_RANDOM`: TLS ≤ 1.2 master secrets.
    pub master_secrets: HashMap<Vec<u8>, Vec<u8>>,
    /// Other labels (TLS 1.3 traffic secrets …), kept for later stages: label → random → secret.
    pub other: HashMap<String, HashMap<Vec<u8>, Vec<u8>>>,
    /// Malformed lines, as `source:line: why`.
    pub problems: Vec<String>,
}

const KNOWN_LABELS: &[&str] = &[
    "CLIENT_RANDOM",
    "RSA",
    "PMS_CLIENT_RANDOM",
    "CLIENT_EARLY_TRAFFIC_SECRET",
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0",
    "SERVER_TRAFFIC_SECRET_0",
    "EXPORTER_SECRET",
    "EARLY_EXPORTER_SECRET",
];

impl KeyLog {
    /// Adds the lines of one key log (a file, or a pcapng Decryption Secrets Block).
    /// Comments (`#`), blank lines and CRLF are fine; a malformed line is noted and skipped.
    pub fn add(&mut self, text: &[u8], source: &str) {
        for (n, line) in text.split(|&b| b == b'\n').enumerate() {
            let line = String::from_utf8_lossy(line);
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            let parsed = match fields.as_slice() {
                [label, a, b] if KNOWN_LABELS.contains(label) => {
                    match (hex::decode(a), hex::decode(b)) {
                        (Ok(a), Ok(b)) => Some((*label, a, b)),
                        _ => None,
                    }
                }
                _ => None,
            };
            match parsed {
                Some(("CLIENT_RANDOM", random, secret))
                    if random.len() == 32 && secret.len() == 48 =>
                {
                    self.master_secrets.insert(random, secret);
                }
                Some(("CLIENT_RANDOM", _, _)) => self.problems.push(format!(
                    "{source}:{}: CLIENT_RANDOM needs 32 + 48 bytes",
                    n + 1
                )),
                Some((label, key, secret)) => {
                    self.other
                        .entry(label.to_string())
                        .or_default()
                        .insert(key, secret);
                }
                None => self
                    .problems
                    .push(format!("{source}:{}: not a key log line", n + 1)),
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.master_secrets.is_empty() && self.other.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lines_and_reports_bad_ones() {
        let cr = "aa".repeat(32);
        let ms = "bb".repeat(48);
        let text = format!("# comment\r\n\r\nCLIENT_RANDOM {cr} {ms}\r\nCLIENT_RANDOM zz {ms}\nSERVER_TRAFFIC_SECRET_0 {cr} {cr}\n");
        let mut k = KeyLog::default();
        k.add(text.as_bytes(), "k.log");
        assert_eq!(k.master_secrets.get(&vec![0xaa; 32]), Some(&vec![0xbb; 48]));
        assert_eq!(k.problems, vec!["k.log:4: not a key log line".to_string()]);
        assert_eq!(k.other["SERVER_TRAFFIC_SECRET_0"].len(), 1);
    }
}
