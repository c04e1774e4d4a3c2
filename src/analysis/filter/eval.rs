//! Matches a parsed expression against a connection's report.

use std::borrow::Cow;
use std::net::IpAddr;

use super::parser::{Expr, Net, Test, Value};
use super::Field;
use crate::flow::Transport;
use crate::pki::ValidationStatus;
use crate::report::model::{ConnectionReport, DecryptionStatus, EndpointReport, RegistryValue};
use crate::report::verdict::Verdict;

impl Expr {
    pub(super) fn matches(&self, c: &ConnectionReport) -> bool {
        match self {
            Expr::And(items) => items.iter().all(|e| e.matches(c)),
            Expr::Or(items) => items.iter().any(|e| e.matches(c)),
            Expr::Not(e) => !e.matches(c),
            Expr::Present(field) => !values(*field, c).is_empty(),
            Expr::Test(field, test) => values(*field, c).iter().any(|v| v.passes(test)),
        }
    }
}

/// One value a connection has for a field: none when the field is absent, two for the
/// fields of either side (`ip`, `port`), one per protocol for `alpn`.
enum Got<'a> {
    Text(Cow<'a, str>),
    /// A version as the report shows it (`TLS 1.2`); `==` compares its [`version_key`].
    Version(&'a str),
    Number(u64),
    Addr(IpAddr),
    Status(DecryptionStatus),
    Verdict(Verdict),
    Validation(ValidationStatus),
    Transport(Transport),
}

fn values(field: Field, c: &ConnectionReport) -> Vec<Got<'_>> {
    let addrs = |sides: &[&EndpointReport]| -> Vec<Got<'static>> {
        // The report holds the address as text; what it prints always parses back.
        sides
            .iter()
            .filter_map(|e| e.ip.parse::<IpAddr>().ok())
            .map(|ip| Got::Addr(ip.to_canonical()))
            .collect()
    };
    let number = |n: u64| vec![Got::Number(n)];
    match field {
        Field::Id => number(c.id),
        Field::Sni => texts(&c.sni),
        Field::Ip => addrs(&[&c.client, &c.server]),
        Field::Client => addrs(&[&c.client]),
        Field::Server => addrs(&[&c.server]),
        Field::Port => vec![
            Got::Number(u64::from(c.client.port)),
            Got::Number(u64::from(c.server.port)),
        ],
        Field::ClientPort => number(u64::from(c.client.port)),
        Field::ServerPort => number(u64::from(c.server.port)),
        Field::Version => c.version.iter().map(|v| Got::Version(v)).collect(),
        Field::Cipher => coded(&c.cipher_suite),
        Field::Group => coded(&c.key_exchange_group),
        Field::Status => vec![Got::Status(c.decryption.status)],
        Field::Verdict => vec![Got::Verdict(c.decryption.verdict)],
        Field::Certificate => c
            .certificate_validation
            .iter()
            .flat_map(|v| {
                std::iter::once(v.status)
                    .chain(v.problems.iter().map(|p| p.code))
                    .map(Got::Validation)
            })
            .collect(),
        Field::KeySource => c
            .decryption
            .key_source
            .iter()
            .map(|k| Got::Text(Cow::Owned(k.describe())))
            .collect(),
        Field::State => vec![Got::Text(Cow::Owned(c.state.to_string()))],
        Field::Transport => vec![Got::Transport(c.transport)],
        Field::Alpn => c.alpn.iter().map(|a| Got::Text(Cow::Borrowed(a))).collect(),
        Field::Ja3 => c
            .ja3_hash
            .iter()
            .chain(&c.ja3)
            .map(|j| Got::Text(Cow::Borrowed(j)))
            .collect(),
        Field::Ja4 => texts(&c.ja4),
        Field::Bytes => number(c.transport_bytes().iter().sum()),
    }
}

/// A registry value: its name and its number, either of which a test may name.
fn coded(value: &Option<RegistryValue>) -> Vec<Got<'_>> {
    value
        .iter()
        .flat_map(|v| {
            [
                Got::Text(Cow::Borrowed(&v.name)),
                Got::Number(u64::from(v.id)),
            ]
        })
        .collect()
}

fn texts(s: &Option<String>) -> Vec<Got<'_>> {
    s.iter().map(|s| Got::Text(Cow::Borrowed(s))).collect()
}

impl Got<'_> {
    fn passes(&self, test: &Test) -> bool {
        match test {
            Test::Equals(values) => values.iter().any(|v| self.equals(v)),
            Test::Within(range) => matches!(self, Got::Number(n) if range.contains(n)),
            Test::Matches(re) => self.text().is_some_and(|t| re.is_match(t)),
        }
    }

    fn equals(&self, want: &Value) -> bool {
        match (self, want) {
            (Got::Text(got), Value::Text(want)) => text_equals(got, want),
            (Got::Version(got), Value::Text(want)) => version_key(got) == *want,
            (Got::Number(got), Value::Number(want)) => got == want,
            (Got::Addr(got), Value::Net(net)) => net.contains(*got),
            (Got::Status(got), Value::Status(want)) => got == want,
            (Got::Verdict(got), Value::Verdict(want)) => got == want,
            (Got::Validation(got), Value::Validation(want)) => got == want,
            (Got::Transport(got), Value::Transport(want)) => got == want,
            _ => false,
        }
    }

    /// The value as text, for `~`.
    fn text(&self) -> Option<&str> {
        match self {
            Got::Text(t) => Some(t),
            Got::Version(v) => Some(v),
            Got::Status(s) => Some(s.as_str()),
            Got::Verdict(v) => Some(v.as_str()),
            Got::Validation(v) => Some(v.as_str()),
            Got::Transport(t) => Some(t.as_str()),
            Got::Number(_) | Got::Addr(_) => None,
        }
    }
}

/// Text equality ignoring ASCII case; a `kind:detail` value (`keylog:file.log`,
/// `failed: handshake_failure`) also equals its kind alone.
fn text_equals(got: &str, want: &str) -> bool {
    got.eq_ignore_ascii_case(want)
        || got
            .split_once(':')
            .is_some_and(|(kind, _)| kind.trim().eq_ignore_ascii_case(want))
}

/// A version as `==` compares it: lowercase, without blanks, a bare number taken as
/// TLS's (`TLS 1.2`, `tls1.2` and `1.2` are all `tls1.2`; `DTLS 1.2` is `dtls1.2`).
pub(super) fn version_key(text: &str) -> String {
    let key: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match key.starts_with(|c: char| c.is_ascii_digit()) {
        true => format!("tls{key}"),
        false => key,
    }
}

impl Net {
    pub(super) fn contains(&self, ip: IpAddr) -> bool {
        let (net, ip, bits) = match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                (u128::from(u32::from(n)), u128::from(u32::from(a)), 32)
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => (u128::from(n), u128::from(a), 128),
            _ => return false,
        };
        let host_bits = bits - u32::from(self.prefix);
        // A /0 shifts every bit out: every address of the family is in it.
        net.checked_shr(host_bits).unwrap_or(0) == ip.checked_shr(host_bits).unwrap_or(0)
    }
}
