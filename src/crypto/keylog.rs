//! NSS key log files (SSLKEYLOGFILE): `LABEL <client random or key id> <secret>` per line,
//! hex, as browsers, OpenSSL, GnuTLS and NSS write them, and as pcapng Decryption
//! Secrets Blocks carry them.
//!
//! | label | first field | secret |
//! |---|---|---|
//! | `CLIENT_RANDOM` | client random (32) | TLS ≤ 1.2 master secret (48) |
//! | `PMS_CLIENT_RANDOM` | client random (32) | pre-master secret |
//! | `RSA` | first 8 bytes of the encrypted pre-master | pre-master secret (48) |
//! | `CLIENT_EARLY_TRAFFIC_SECRET` … `EARLY_EXPORTER_SECRET` | client random (32) | TLS 1.3 secret (32 or 48) |

use std::collections::HashMap;
use std::sync::Arc;

/// One secret from a key log, and which key log (file, or capture's secrets block).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub secret: Vec<u8>,
    pub source: Arc<str>,
}

/// The TLS 1.3 secrets a key log can hold for one client random.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tls13Secrets {
    pub client_early: Option<Vec<u8>>,
    pub client_handshake: Option<Vec<u8>>,
    pub server_handshake: Option<Vec<u8>>,
    pub client_traffic_0: Option<Vec<u8>>,
    pub server_traffic_0: Option<Vec<u8>>,
    pub exporter: Option<Vec<u8>>,
    pub early_exporter: Option<Vec<u8>>,
    /// The key log the last of these lines came from.
    pub source: Option<Arc<str>>,
}

/// The TLS 1.3 labels, in the order a key log writes them.
const TLS13_LABELS: [&str; 7] = [
    "CLIENT_EARLY_TRAFFIC_SECRET",
    "EARLY_EXPORTER_SECRET",
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0",
    "SERVER_TRAFFIC_SECRET_0",
    "EXPORTER_SECRET",
];

impl Tls13Secrets {
    /// The secret of one label, if logged.
    fn get(&self, label: &str) -> Option<&Vec<u8>> {
        match label {
            "CLIENT_EARLY_TRAFFIC_SECRET" => self.client_early.as_ref(),
            "EARLY_EXPORTER_SECRET" => self.early_exporter.as_ref(),
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET" => self.client_handshake.as_ref(),
            "SERVER_HANDSHAKE_TRAFFIC_SECRET" => self.server_handshake.as_ref(),
            "CLIENT_TRAFFIC_SECRET_0" => self.client_traffic_0.as_ref(),
            "SERVER_TRAFFIC_SECRET_0" => self.server_traffic_0.as_ref(),
            "EXPORTER_SECRET" => self.exporter.as_ref(),
            _ => None,
        }
    }

    fn slot(&mut self, label: &str) -> Option<&mut Option<Vec<u8>>> {
        Some(match label {
            "CLIENT_EARLY_TRAFFIC_SECRET" => &mut self.client_early,
            "EARLY_EXPORTER_SECRET" => &mut self.early_exporter,
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET" => &mut self.client_handshake,
            "SERVER_HANDSHAKE_TRAFFIC_SECRET" => &mut self.server_handshake,
            "CLIENT_TRAFFIC_SECRET_0" => &mut self.client_traffic_0,
            "SERVER_TRAFFIC_SECRET_0" => &mut self.server_traffic_0,
            "EXPORTER_SECRET" => &mut self.exporter,
            _ => return None,
        })
    }

    /// Key log lines for these secrets (a filtered key log for `client_random`).
    pub fn lines(&self, client_random: &[u8]) -> Vec<String> {
        TLS13_LABELS
            .iter()
            .filter_map(|label| {
                let secret = self.get(label)?;
                Some(format!(
                    "{label} {} {}",
                    hex::encode(client_random),
                    hex::encode(secret)
                ))
            })
            .collect()
    }
}

/// Secrets from key logs.
#[derive(Debug, Default, Clone)]
pub struct KeyLog {
    /// `CLIENT_RANDOM`: TLS ≤ 1.2 master secrets by client random.
    pub master_secrets: HashMap<Vec<u8>, Logged>,
    /// `PMS_CLIENT_RANDOM`: pre-master secrets by client random.
    pub pre_master_secrets: HashMap<Vec<u8>, Logged>,
    /// `RSA`: pre-master secrets by the first 8 bytes of their RSA encryption.
    pub rsa_pre_master_secrets: HashMap<Vec<u8>, Logged>,
    /// TLS 1.3 secrets by client random.
    pub tls13: HashMap<Vec<u8>, Tls13Secrets>,
    /// Malformed lines, as `source:line: why` (the first 100, then one entry counting
    /// the rest).
    pub problems: Vec<String>,
    /// Malformed lines past the first 100.
    pub unlisted_problems: u64,
}

impl KeyLog {
    /// Adds the lines of one key log (a file, or a pcapng Decryption Secrets Block).
    /// Comments (`#`), blank lines and CRLF are fine; a malformed line is noted with
    /// its number and skipped.
    pub fn add(&mut self, text: &[u8], source: &str) {
        let origin: Arc<str> = Arc::from(source);
        for (n, line) in text.split(|&b| b == b'\n').enumerate() {
            let line = String::from_utf8_lossy(line);
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Err(why) = self.add_line(line, &origin) {
                if self.problems.len() < 100 {
                    self.problems.push(format!("{source}:{}: {why}", n + 1));
                } else {
                    // One more entry counts all the others.
                    self.unlisted_problems += 1;
                    let line = format!(
                        "{source}: {} more malformed lines not listed",
                        self.unlisted_problems
                    );
                    match self.problems.get_mut(100) {
                        Some(l) => *l = line,
                        None => self.problems.push(line),
                    }
                }
            }
        }
    }

    fn add_line(&mut self, line: &str, origin: &Arc<str>) -> Result<(), String> {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [label, id, secret] = fields.as_slice() else {
            return Err(format!(
                "expected LABEL <hex> <hex>, found {} fields",
                fields.len()
            ));
        };
        let decode =
            |what: &str, s: &str| hex::decode(s).map_err(|_| format!("{label}: {what} is not hex"));
        let (id, secret) = (decode("first field", id)?, decode("secret", secret)?);
        let want = |ok: bool, shape: &str| {
            if ok {
                Ok(())
            } else {
                Err(format!("{label} needs {shape}"))
            }
        };
        let logged = |secret| Logged {
            secret,
            source: origin.clone(),
        };
        match *label {
            "CLIENT_RANDOM" => {
                want(id.len() == 32 && secret.len() == 48, "32 + 48 bytes")?;
                self.master_secrets.insert(id, logged(secret));
            }
            "PMS_CLIENT_RANDOM" => {
                want(
                    id.len() == 32 && !secret.is_empty() && secret.len() <= 1024,
                    "a 32-byte client random and a pre-master secret",
                )?;
                self.pre_master_secrets.insert(id, logged(secret));
            }
            "RSA" => {
                want(id.len() == 8 && secret.len() == 48, "8 + 48 bytes")?;
                self.rsa_pre_master_secrets.insert(id, logged(secret));
            }
            l if TLS13_LABELS.contains(&l) => {
                want(
                    id.len() == 32 && matches!(secret.len(), 32 | 48),
                    "a 32-byte client random and a 32- or 48-byte secret",
                )?;
                let entry = self.tls13.entry(id).or_default();
                if let Some(slot) = entry.slot(l) {
                    *slot = Some(secret);
                }
                entry.source = Some(origin.clone());
            }
            other => return Err(format!("unknown label {other}")),
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.master_secrets.is_empty()
            && self.pre_master_secrets.is_empty()
            && self.rsa_pre_master_secrets.is_empty()
            && self.tls13.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_lines_past_the_first_hundred_are_counted() {
        let mut k = KeyLog::default();
        k.add("FOO 00 00\n".repeat(150).as_bytes(), "k.log");
        k.add("FOO 00 00\n".repeat(30).as_bytes(), "l.log");
        assert_eq!(k.problems.len(), 101);
        assert_eq!(k.problems[100], "l.log: 80 more malformed lines not listed");
        assert_eq!(k.unlisted_problems, 80);
    }

    #[test]
    fn parses_lines_and_reports_bad_ones() {
        let cr = "aa".repeat(32);
        let ms = "bb".repeat(48);
        let text = format!(
            "# comment\r\n\r\nCLIENT_RANDOM {cr} {ms}\r\nCLIENT_RANDOM zz {ms}\n\
             SERVER_TRAFFIC_SECRET_0 {cr} {cr}\nRSA 0102030405060708 {ms}\n\
             PMS_CLIENT_RANDOM {cr} {cr}\nFOO {cr} {cr}\nCLIENT_RANDOM {cr}\n\
             CLIENT_HANDSHAKE_TRAFFIC_SECRET {cr} {}\n",
            "cc".repeat(48)
        );
        let mut k = KeyLog::default();
        k.add(text.as_bytes(), "k.log");
        assert_eq!(k.master_secrets[&vec![0xaa; 32]].secret, vec![0xbb; 48]);
        assert_eq!(&*k.master_secrets[&vec![0xaa; 32]].source, "k.log");
        assert_eq!(
            k.problems,
            vec![
                "k.log:4: CLIENT_RANDOM: first field is not hex".to_string(),
                "k.log:8: unknown label FOO".to_string(),
                "k.log:9: expected LABEL <hex> <hex>, found 2 fields".to_string(),
            ]
        );
        let t = &k.tls13[&vec![0xaa; 32]];
        assert_eq!(t.server_traffic_0, Some(vec![0xaa; 32]));
        assert_eq!(t.client_handshake, Some(vec![0xcc; 48]));
        assert_eq!(k.rsa_pre_master_secrets.len(), 1);
        assert_eq!(k.pre_master_secrets.len(), 1);
        let lines = t.lines(&[0xaa; 32]);
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("CLIENT_HANDSHAKE_TRAFFIC_SECRET aaaa"));
    }
}
