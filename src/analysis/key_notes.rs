//! The connections the keys given did not open, named in the capture's warnings: a
//! warning about keys says which connections it concerns (the first few ids of each
//! verdict, and how many).

use crate::report::model::ConnectionReport;
use crate::report::verdict::Verdict;

/// Ids named per verdict; the rest are counted.
const IDS_NAMED: usize = 8;

/// The verdicts that speak of the keys given.
const ABOUT_KEYS: [Verdict; 3] = [
    Verdict::NoKeyForCertificate,
    Verdict::KeyMismatch,
    Verdict::KeylogNoLine,
];

#[derive(Debug, Default)]
pub struct KeyNotes {
    /// Per verdict of [`ABOUT_KEYS`]: the first ids, and the count.
    seen: [(Vec<u64>, u64); 3],
}

impl KeyNotes {
    pub fn note(&mut self, c: &ConnectionReport) {
        let Some(i) = ABOUT_KEYS.iter().position(|v| *v == c.decryption.verdict) else {
            return;
        };
        let (ids, count) = &mut self.seen[i];
        *count += 1;
        if ids.len() < IDS_NAMED {
            ids.push(c.id);
        }
    }

    /// One warning per verdict met: `2 connections (ids 0, 3): no key given is this
    /// server certificate's key (verdict no_key_for_certificate)`.
    pub fn warnings(&self) -> Vec<String> {
        ABOUT_KEYS
            .iter()
            .zip(&self.seen)
            .filter(|(_, (_, count))| *count > 0)
            .map(|(verdict, (ids, count))| {
                let mut named: Vec<String> = ids.iter().map(u64::to_string).collect();
                if *count > ids.len() as u64 {
                    named.push("…".into());
                }
                let what = if *count == 1 {
                    "connection"
                } else {
                    "connections"
                };
                let label = if *count == 1 { "id" } else { "ids" };
                format!(
                    "{count} {what} ({label} {}): {} (verdict {verdict})",
                    named.join(", "),
                    verdict.words()
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_name_the_connections() {
        let mut notes = KeyNotes::default();
        let mut c = crate::analysis::filter::tests::connection();
        for id in 0..10 {
            c.id = id;
            c.decryption.verdict = Verdict::NoKeyForCertificate;
            notes.note(&c);
        }
        c.id = 42;
        c.decryption.verdict = Verdict::KeylogNoLine;
        notes.note(&c);
        c.decryption.verdict = Verdict::Decrypted;
        notes.note(&c);
        assert_eq!(
            notes.warnings(),
            [
                "10 connections (ids 0, 1, 2, 3, 4, 5, 6, 7, …): no key given is this server \
                 certificate's key (verdict no_key_for_certificate)",
                "1 connection (id 42): the key log has no line for this client random \
                 (verdict keylog_no_line)"
            ]
        );
    }
}
