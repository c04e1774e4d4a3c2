//! `--filter`: an expression over a connection's fields that says which connections a
//! command reports, like a Wireshark display filter over one row of `summary`:
//!
//! ```text
//! sni ~ "example" && status != decrypted
//! port == 8443 || ip == 10.0.0.0/8
//! !(transport in {quic, dtls}) && bytes > 1M
//! ```
//!
//! The grammar (`!` binds tighter than `&&`, which binds tighter than `||`):
//!
//! ```text
//! expr       = and { ("||" | "or") and }
//! and        = unary { ("&&" | "and") unary }
//! unary      = ("!" | "not") unary | "(" expr ")" | test
//! test       = field [ op value | "in" "{" value { "," value } "}" ]
//! op         = "==" | "!=" | "<" | "<=" | ">" | ">=" | "~"
//! value      = word | '"' text '"'        (in text, \" is a quote and \\ a backslash)
//! ```
//!
//! A field alone is true when the connection has it (`alpn`, `!sni`). Every value is
//! checked against its field's type when the expression is parsed ([`lexer`] cuts it
//! into tokens, [`parser`] builds the typed [`parser::Expr`]); [`eval`] matches a
//! finished connection's report. An absent field (no SNI, no cipher suite yet) makes
//! every comparison false; `a != b` is exactly `!(a == b)`, so it is true then.

mod eval;
mod lexer;
mod parser;
#[cfg(test)]
pub(crate) mod tests;

use std::fmt;

use crate::report::model::ConnectionReport;

/// Characters an expression may have: a command line is short, and this bounds the
/// parser's work whatever it is given.
pub const MAX_LENGTH: usize = 4096;
/// Parentheses and `!` nested at most this deep (the parser and the matcher recurse).
pub const MAX_DEPTH: usize = 64;
/// What one `~` pattern may compile to (bytes), so that no pattern can take the memory.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A parsed filter expression (displayed as it was written, for messages).
#[derive(Debug, Clone)]
pub struct Filter {
    expr: parser::Expr,
    text: String,
}

impl Filter {
    pub fn parse(text: &str) -> Result<Filter, FilterError> {
        let tokens = lexer::tokens(text)?;
        Ok(Filter {
            expr: parser::parse(tokens)?,
            text: text.to_string(),
        })
    }

    /// Whether the connection's report matches.
    pub fn matches(&self, c: &ConnectionReport) -> bool {
        self.expr.matches(c)
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Why an expression was refused: where (the 1-based column, in characters) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub column: usize,
    pub message: String,
}

impl FilterError {
    fn at(column: usize, message: impl Into<String>) -> Self {
        FilterError {
            column,
            message: message.into(),
        }
    }

    /// One line for the command line's error: the expression itself when it is short
    /// enough to read there, then the column and what is wrong.
    pub fn describe(&self, text: &str) -> String {
        const SHOWN: usize = 80;
        if text.chars().count() <= SHOWN && !text.contains(['\n', '\r']) {
            format!("--filter '{text}': {self}")
        } else {
            format!("--filter: {self}")
        }
    }
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for FilterError {}

/// A connection field an expression can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Id,
    Sni,
    Ip,
    Client,
    Server,
    Port,
    ClientPort,
    ServerPort,
    Version,
    Cipher,
    Group,
    Status,
    Verdict,
    Certificate,
    KeySource,
    State,
    Transport,
    Alpn,
    Ja3,
    Ja4,
    Bytes,
}

/// What a field's values are, which decides the operators and values it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Compared ignoring ASCII case; `~` matches a regular expression.
    Text,
    /// `<`, `>`, `<=`, `>=` compare; values may have a K, M or G suffix.
    Number,
    /// An IPv4 or IPv6 address; a value may be a network (`10.0.0.0/8`).
    Address,
    /// One of a fixed list of names (decryption status, transport).
    Choice,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Number => "a number",
            Kind::Address => "an address",
            Kind::Choice => "a name from a list",
        }
    }
}

/// A field's name, its kind, and what it is (the `--help` line).
pub struct FieldInfo {
    pub field: Field,
    pub name: &'static str,
    pub kind: Kind,
    pub about: &'static str,
}

/// Every field, in the order `--help` lists them.
pub const FIELDS: &[FieldInfo] = &[
    info(
        Field::Id,
        "id",
        Kind::Number,
        "the connection's id, as summary shows it",
    ),
    info(
        Field::Sni,
        "sni",
        Kind::Text,
        "the server name the client asked for",
    ),
    info(
        Field::Ip,
        "ip",
        Kind::Address,
        "either side's IP address (a network: 10.0.0.0/8)",
    ),
    info(
        Field::Client,
        "client",
        Kind::Address,
        "the client's IP address",
    ),
    info(
        Field::Server,
        "server",
        Kind::Address,
        "the server's IP address",
    ),
    info(Field::Port, "port", Kind::Number, "either side's port"),
    info(
        Field::ClientPort,
        "client_port",
        Kind::Number,
        "the client's port",
    ),
    info(
        Field::ServerPort,
        "server_port",
        Kind::Number,
        "the server's port",
    ),
    info(
        Field::Version,
        "version",
        Kind::Text,
        "the TLS version: \"TLS 1.2\", tls1.2 or 1.2 (TLS), dtls1.2",
    ),
    info(
        Field::Cipher,
        "cipher",
        Kind::Text,
        "the cipher suite's name, or its id: 0x1301",
    ),
    info(
        Field::Group,
        "group",
        Kind::Text,
        "the key exchange group's name, or its id: x25519, 0x11ec",
    ),
    info(
        Field::Status,
        "status",
        Kind::Choice,
        "decryption: decrypted, no_key, not_rsa, key_mismatch, unsupported_cipher, \
         incomplete, not_tls",
    ),
    info(
        Field::Verdict,
        "verdict",
        Kind::Choice,
        "why (not) decrypted: decrypted, no_key_for_certificate, forward_secret, \
         keylog_no_line, handshake_not_captured … (README: Verdicts)",
    ),
    info(
        Field::Certificate,
        "certificate",
        Kind::Choice,
        "server chain validation, its status or any problem: ok, expired, unknown_issuer, \
         self_signed, name_mismatch, weak_key, chain_order … (README: Certificate validation)",
    ),
    info(
        Field::KeySource,
        "key_source",
        Kind::Text,
        "what opened it: rsa_key:<file>, keylog:<file>, psk, resumed_ticket… \
         (== keylog: any key log)",
    ),
    info(
        Field::State,
        "state",
        Kind::Text,
        "established, handshake, client_hello_only, records_only, incomplete, \
         failed: <alert> (== failed: any alert)",
    ),
    info(
        Field::Transport,
        "transport",
        Kind::Choice,
        "tcp, quic or dtls",
    ),
    info(
        Field::Alpn,
        "alpn",
        Kind::Text,
        "the protocol the server chose, else each one the client offered",
    ),
    info(
        Field::Ja3,
        "ja3",
        Kind::Text,
        "the client's JA3 hash, or its JA3 string",
    ),
    info(
        Field::Ja4,
        "ja4",
        Kind::Text,
        "the client's JA4 fingerprint",
    ),
    info(
        Field::Bytes,
        "bytes",
        Kind::Number,
        "bytes both ways, summary's C→S plus S→C (suffixes K, M, G)",
    ),
];

const fn info(field: Field, name: &'static str, kind: Kind, about: &'static str) -> FieldInfo {
    FieldInfo {
        field,
        name,
        kind,
        about,
    }
}

impl Field {
    pub fn info(self) -> &'static FieldInfo {
        FIELDS
            .iter()
            .find(|i| i.field == self)
            .expect("every field is in FIELDS")
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    pub fn kind(self) -> Kind {
        self.info().kind
    }

    fn named(name: &str) -> Option<Field> {
        FIELDS.iter().find(|i| i.name == name).map(|i| i.field)
    }
}

/// The `--filter` option's long help: the grammar in short, every field, the rules.
pub fn help() -> String {
    let mut text = String::from(
        "Only the connections the expression matches:\n  \
         --filter 'sni ~ \"example\" && status != decrypted'\n  \
         --filter 'port == 8443 || ip == 10.0.0.0/8'\n\
         Operators: == != < <= > >= ~ (a regular expression, unanchored), in {a, b, …},\n\
         && (and), || (or), ! (not), parentheses; a field alone tests that it is present.\n\
         Text compares ignoring case; an absent field fails every test but !=.\n\
         Fields:\n",
    );
    let width = FIELDS.iter().map(|f| f.name.len()).max().unwrap_or(0);
    for f in FIELDS {
        text.push_str(&format!("  {:width$}  {}\n", f.name, f.about));
    }
    text.push_str(
        "follow and export read the captures twice with a filter (a connection's fields\n\
         are known when it ends): regular files only. keylog writes the lines of the\n\
         matching connections, each when it ends.",
    );
    text
}
