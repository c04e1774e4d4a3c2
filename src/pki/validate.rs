//! One server chain checked: webpki builds and verifies the path at the capture's time
//! and matches the server name; this module adds what webpki does not say (every
//! presented certificate's dates, weak keys and hashes, order) and the words.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use sha2::{Digest, Sha256};
use webpki::{EndEntityCert, KeyUsage};

use super::facts::{anchor_subject, Facts};
use super::{CertificateValidation, Problem, TrustStore, ValidationStatus as S};
use crate::report::time::rfc3339;

/// Intermediates handed to webpki: a real chain has one to three; a hostile one of
/// dozens would only multiply the signatures tried.
pub const MAX_INTERMEDIATES: usize = 8;
/// Answers remembered (by chain and name), and the bytes their text may take together
/// (a hostile chain's names run to kilobytes); past either the memory is cleared.
pub const CACHE_ENTRIES: usize = 4096;
pub const CACHE_BYTES: usize = 4 << 20;

/// Checks chains against one trust store.
pub struct Validator {
    store: TrustStore,
    cache: Mutex<Cache>,
    /// Chains checked, answers reused, and times the memory was cleared.
    pub checked: AtomicU64,
    pub reused: AtomicU64,
    pub cleared: AtomicU64,
}

#[derive(Default)]
struct Cache {
    answers: HashMap<[u8; 32], Remembered>,
    bytes: usize,
}

/// An answer, good for any time inside every presented certificate's validity (webpki
/// looks at no other time: anchors have none).
struct Remembered {
    answer: CertificateValidation,
    valid_from: i64,
    valid_until: i64,
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validator")
            .field("anchors", &self.store.len())
            .finish_non_exhaustive()
    }
}

impl Validator {
    pub fn new(store: TrustStore) -> Self {
        Validator {
            store,
            cache: Mutex::new(Cache::default()),
            checked: AtomicU64::new(0),
            reused: AtomicU64::new(0),
            cleared: AtomicU64::new(0),
        }
    }

    pub fn store(&self) -> &TrustStore {
        &self.store
    }

    /// The answers remembered and the bytes counted for them.
    #[cfg(test)]
    pub(super) fn remembered(&self) -> (usize, usize) {
        let cache = self.cache.lock().unwrap();
        (cache.answers.len(), cache.bytes)
    }

    /// Validates `chain` (DER, leaf first, as sent) for `server_name` at `at_ns`
    /// (nanoseconds since the Unix epoch).
    pub fn validate(
        &self,
        chain: &[&[u8]],
        server_name: Option<&str>,
        at_ns: i64,
    ) -> CertificateValidation {
        let at = at_ns.div_euclid(1_000_000_000);
        let key = cache_key(chain, server_name);
        let known = self.cache.lock().ok().and_then(|c| {
            c.answers
                .get(&key)
                .filter(|r| (r.valid_from..=r.valid_until).contains(&at))
                .map(|r| r.answer.clone())
        });
        if let Some(mut a) = known {
            self.reused.fetch_add(1, Ordering::Relaxed);
            a.checked_at = at_ns;
            return a;
        }
        self.checked.fetch_add(1, Ordering::Relaxed);
        let (mut answer, window) = self.check(chain, server_name, at);
        answer.checked_at = at_ns;
        if let Some((valid_from, valid_until)) = window.filter(|w| (w.0..=w.1).contains(&at)) {
            if let Ok(mut cache) = self.cache.lock() {
                let bytes = text_bytes(&answer);
                if cache.answers.len() >= CACHE_ENTRIES || cache.bytes + bytes > CACHE_BYTES {
                    *cache = Cache::default();
                    self.cleared.fetch_add(1, Ordering::Relaxed);
                }
                cache.bytes += bytes;
                let answer = answer.clone();
                cache.answers.insert(
                    key,
                    Remembered {
                        answer,
                        valid_from,
                        valid_until,
                    },
                );
            }
        }
        answer
    }

    /// The answer, and the times it holds for (`None`: some certificate has no dates).
    fn check(
        &self,
        chain: &[&[u8]],
        server_name: Option<&str>,
        at: i64,
    ) -> (CertificateValidation, Option<(i64, i64)>) {
        let presented: Vec<Option<Facts>> = chain
            .iter()
            .take(MAX_INTERMEDIATES + 1)
            .map(|der| Facts::parse(der))
            .collect();
        let window = presented.iter().try_fold((i64::MIN, i64::MAX), |w, f| {
            f.as_ref()
                .map(|f| (w.0.max(f.not_before), w.1.min(f.not_after)))
        });
        let mut v = CertificateValidation {
            status: S::Ok,
            reason: String::new(),
            checked_at: 0,
            server_name: server_name.map(str::to_owned),
            chain: Vec::new(),
            problems: Vec::new(),
        };
        let leaf_der = CertificateDer::from(chain.first().copied().unwrap_or_default());
        let leaf = match (EndEntityCert::try_from(&leaf_der), &presented.first()) {
            (Ok(leaf), Some(Some(_))) => leaf,
            (Err(e), _) => {
                v.problems.push(problem(
                    S::Unparsable,
                    format!("the server's certificate does not parse ({e})"),
                ));
                return (finish(v), None);
            }
            (Ok(_), _) => {
                v.problems.push(problem(
                    S::Unparsable,
                    "the server's certificate does not parse".into(),
                ));
                return (finish(v), None);
            }
        };
        let found = presented_problems(&presented, at);
        let intermediates: Vec<CertificateDer> = chain
            .iter()
            .skip(1)
            .take(MAX_INTERMEDIATES)
            .map(|d| CertificateDer::from(*d))
            .collect();
        let time = UnixTime::since_unix_epoch(Duration::from_secs(at.max(0) as u64));
        let path = leaf.verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            self.store.anchors(),
            &intermediates,
            time,
            KeyUsage::server_auth(),
            None,
            None,
        );
        match path {
            Ok(path) => {
                v.chain.push(subject_of(&presented, 0));
                for cert in path.intermediate_certificates() {
                    let at = chain.iter().position(|d| *d == cert.der().as_ref());
                    v.chain
                        .push(at.map_or_else(|| "?".into(), |i| subject_of(&presented, i)));
                }
                v.chain.push(anchor_subject(path.anchor().subject.as_ref()));
            }
            Err(e) => v.problems.push(path_problem(e, &presented, &found)),
        }
        for p in found {
            if !v.problems.iter().any(|q| q.code == p.code) {
                v.problems.push(p);
            }
        }
        if let Some(name) = server_name {
            if let Some(p) = name_problem(&leaf, name, &presented) {
                v.problems.push(p);
            }
        }
        (finish(v), window)
    }
}

/// What an answer holds on the heap, near enough: its text and a little per string.
fn text_bytes(v: &CertificateValidation) -> usize {
    let strings = v.chain.iter().chain([&v.reason]).chain(&v.server_name);
    let problems = v.problems.iter().map(|p| &p.reason);
    strings.chain(problems).map(|t| t.len() + 32).sum::<usize>() + 128
}

fn problem(code: S, reason: String) -> Problem {
    Problem { code, reason }
}

/// The status is the first problem a client refuses for (webpki's, then the order of
/// [`presented_problems`]), the reason its words.
fn finish(mut v: CertificateValidation) -> CertificateValidation {
    match v.problems.iter().find(|p| !p.code.is_note()) {
        Some(p) => {
            v.status = p.code;
            v.reason = p.reason.clone();
        }
        None => {
            v.status = S::Ok;
            let anchor = v.chain.last().map(String::as_str).unwrap_or("?");
            v.reason = match &v.server_name {
                Some(name) => format!("valid for {name}, issued under {anchor}"),
                None => format!("valid (no server name sent to check), issued under {anchor}"),
            };
        }
    }
    v
}

fn subject_of(presented: &[Option<Facts>], i: usize) -> String {
    presented
        .get(i)
        .and_then(Option::as_ref)
        .map_or_else(|| format!("certificate {}", i + 1), |f| f.subject.clone())
}

/// `certificate 2 (CN=Example CA)`.
fn which(presented: &[Option<Facts>], i: usize) -> String {
    match presented.get(i).and_then(Option::as_ref) {
        Some(f) if i == 0 => format!("the server's certificate ({})", f.subject),
        Some(f) => format!("certificate {} ({})", i + 1, f.subject),
        None => format!("certificate {}", i + 1),
    }
}

/// What each presented certificate shows by itself: dates, keys, hashes, order.
fn presented_problems(presented: &[Option<Facts>], at: i64) -> Vec<Problem> {
    let mut found = Vec::new();
    let when = rfc3339(at.saturating_mul(1_000_000_000));
    for (i, f) in presented.iter().enumerate() {
        let Some(f) = f else {
            if i > 0 {
                found.push(problem(
                    S::Unparsable,
                    format!("{} does not parse", which(presented, i)),
                ));
            }
            continue;
        };
        if at > f.not_after {
            found.push(problem(
                S::Expired,
                format!(
                    "{} expired at {}, before the capture time {when}",
                    which(presented, i),
                    rfc3339(f.not_after.saturating_mul(1_000_000_000))
                ),
            ));
        }
        if at < f.not_before {
            found.push(problem(
                S::NotYetValid,
                format!(
                    "{} is valid only from {}, after the capture time {when}",
                    which(presented, i),
                    rfc3339(f.not_before.saturating_mul(1_000_000_000))
                ),
            ));
        }
    }
    for (i, f) in presented.iter().enumerate() {
        if let Some(weak) = f.as_ref().and_then(Facts::weak_key) {
            found.push(problem(
                S::WeakKey,
                format!("{} has a {weak}", which(presented, i)),
            ));
        }
    }
    for (i, f) in presented.iter().enumerate() {
        if let Some(alg) = f.as_ref().and_then(Facts::weak_hash) {
            found.push(problem(
                S::WeakHash,
                format!("{} is signed with {alg}", which(presented, i)),
            ));
        }
    }
    let out_of_order = presented.windows(2).position(|pair| match pair {
        [Some(child), Some(parent)] => !child.issued_by(parent),
        _ => false,
    });
    if let Some(i) = out_of_order {
        found.push(problem(
            S::ChainOrder,
            format!(
                "{} does not issue {}, which precedes it",
                which(presented, i + 1),
                which(presented, i)
            ),
        ));
    }
    found
}

/// webpki's refusal of the path, in our codes and words.
fn path_problem(e: webpki::Error, presented: &[Option<Facts>], found: &[Problem]) -> Problem {
    use webpki::Error as E;
    let first = |code: S| found.iter().find(|p| p.code == code).cloned();
    let weak = || first(S::WeakKey).or_else(|| first(S::WeakHash));
    match e {
        E::CertExpired { .. } => first(S::Expired)
            .unwrap_or_else(|| problem(S::Expired, "a certificate had expired".into())),
        E::CertNotValidYet { .. } => first(S::NotYetValid)
            .unwrap_or_else(|| problem(S::NotYetValid, "a certificate was not yet valid".into())),
        E::UnknownIssuer => unknown_issuer(presented),
        E::InvalidSignatureForPublicKey | E::SignatureAlgorithmMismatch => weak().unwrap_or_else(|| {
            problem(
                S::BadSignature,
                "a signature in the chain does not verify with its issuer's key".into(),
            )
        }),
        E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => weak().unwrap_or_else(|| {
            problem(
                S::Invalid,
                "a signature algorithm in the chain is not one a client accepts".into(),
            )
        }),
        E::BadDer
        | E::BadDerTime
        | E::TrailingData(_)
        | E::UnsupportedCertVersion
        | E::MalformedExtensions
        | E::ExtensionValueInvalid
        | E::InvalidSerialNumber => problem(
            S::Unparsable,
            format!("a certificate of the chain is malformed ({e})"),
        ),
        E::CaUsedAsEndEntity => problem(
            S::Invalid,
            "the server's certificate is a CA certificate (basicConstraints CA:TRUE), not one for a server"
                .into(),
        ),
        E::RequiredEkuNotFoundContext(_) => problem(
            S::Invalid,
            "the server's certificate is not for TLS servers (its extendedKeyUsage lacks serverAuth)"
                .into(),
        ),
        other => problem(S::Invalid, format!("webpki refuses the chain: {other}")),
    }
}

/// No path to an anchor: a self-signed certificate at its end, or a missing issuer.
fn unknown_issuer(presented: &[Option<Facts>]) -> Problem {
    // Follow the issuers among the presented certificates from the leaf.
    let mut top = 0;
    let mut seen = vec![false; presented.len()];
    while let Some(Some(f)) = presented.get(top) {
        seen[top] = true;
        if f.self_issued() {
            let text = if top == 0 {
                format!("{} is self-signed and not trusted", which(presented, 0))
            } else {
                format!(
                    "the chain ends in {}, self-signed and not trusted",
                    which(presented, top)
                )
            };
            return problem(S::SelfSigned, text);
        }
        match (0..presented.len())
            .find(|&j| !seen[j] && presented[j].as_ref().is_some_and(|p| f.issued_by(p)))
        {
            Some(j) => top = j,
            None => break,
        }
    }
    let issuer = presented
        .get(top)
        .and_then(Option::as_ref)
        .map_or("?", |f| f.issuer.as_str());
    problem(
        S::UnknownIssuer,
        format!(
            "{} is issued by {issuer}, neither sent nor trusted (a missing intermediate, or a CA not in the trust store)",
            which(presented, top)
        ),
    )
}

/// The server name against the leaf's names.
fn name_problem(leaf: &EndEntityCert, name: &str, presented: &[Option<Facts>]) -> Option<Problem> {
    let server_name = match ServerName::try_from(name) {
        Ok(n) => n,
        Err(_) => {
            return Some(problem(
                S::NameMismatch,
                format!("the server name {name:?} is not a DNS name or IP address"),
            ))
        }
    };
    leaf.verify_is_valid_for_subject_name(&server_name).err()?;
    // Its names, as far as they read well in a sentence.
    const SHOWN: usize = 8;
    let names = presented
        .first()
        .and_then(Option::as_ref)
        .map(|f| {
            let mut shown: Vec<String> = f
                .names
                .iter()
                .take(SHOWN)
                .map(|n| crate::tls::codec::cut_text(n.clone(), 256))
                .collect();
            if f.names.len() > SHOWN {
                shown.push(format!("… {} more", f.names.len() - SHOWN));
            }
            shown
        })
        .unwrap_or_default();
    let listed = if names.is_empty() {
        "it has no subject alternative names".to_string()
    } else {
        format!("its names: {}", names.join(", "))
    };
    Some(problem(
        S::NameMismatch,
        format!("{} is not valid for {name} ({listed})", which(presented, 0)),
    ))
}

/// The chain's DER and the name, hashed: the memory's key.
fn cache_key(chain: &[&[u8]], server_name: Option<&str>) -> [u8; 32] {
    let mut h = Sha256::new();
    for der in chain.iter().take(MAX_INTERMEDIATES + 1) {
        h.update((der.len() as u64).to_be_bytes());
        h.update(der);
    }
    match server_name {
        Some(n) => {
            h.update([1]);
            h.update(n.as_bytes());
        }
        None => h.update([0]),
    }
    h.finalize().into()
}
