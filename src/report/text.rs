//! Text from a capture or a file, made safe for a terminal.
//!
//! A server name, a certificate subject, an ALPN value or a file name can carry bytes
//! a terminal acts on: ESC sequences (set the window title, write the clipboard with
//! OSC 52, clear the screen), carriage returns and backspaces that overwrite what was
//! printed, and Unicode formatting characters that reorder or hide text (the bidi
//! override U+202E). Tables and messages show them escaped instead, visibly and
//! unambiguously: `\x1b`, `\r`, `\u{202e}`. JSON escapes them by itself.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must not reach a terminal as it is.
fn unsafe_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        // Arabic letter mark, zero-width and directional marks, line/paragraph separators,
        // bidi embeddings/overrides/isolates, invisible operators, BOM, annotations.
        | '\u{61c}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2069}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

/// `s` with every character a terminal would act on escaped.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 && unsafe_char(c) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if unsafe_char(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Bytes meant to be text (an ALPN protocol, a host name) as lossless text: valid
/// UTF-8 as it is, with every other byte and every backslash escaped (`\xff`, `\\`),
/// as Zeek writes its logs. Terminal safety is [`terminal_safe`]'s job, later.
pub fn bytes_as_text(b: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(b) {
        if !s.contains('\\') {
            return s.to_string();
        }
    }
    let mut out = String::with_capacity(b.len() + 8);
    for chunk in b.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
        }
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    out
}

/// An ALPN protocol name as text: as it is when it is UTF-8, else losslessly escaped
/// (`\xff`, and `\\` for a backslash; see [`bytes_as_text`]).
pub fn protocol_text(p: &[u8]) -> String {
    match std::str::from_utf8(p) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes_as_text(p),
    }
}

/// Every protocol name as text ([`protocol_text`]), in order.
pub fn protocols_text(list: &[Vec<u8>]) -> Vec<String> {
    list.iter().map(|p| protocol_text(p)).collect()
}

/// Every protocol name in hex, in order, when one of them is not UTF-8 (then the text
/// alone does not tell an escaped byte from the same characters sent as text).
pub fn protocols_hex(list: &[Vec<u8>]) -> Option<Vec<String>> {
    list.iter()
        .any(|p| std::str::from_utf8(p).is_err())
        .then(|| list.iter().map(hex::encode).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_and_bidi_are_escaped() {
        assert_eq!(terminal_safe("example.com"), "example.com");
        assert!(matches!(terminal_safe("plain"), Cow::Borrowed(_)));
        assert_eq!(
            terminal_safe("a\u{1b}]0;pwned\u{7}b"),
            "a\\x1b]0;pwned\\x07b",
            "OSC 0 window title"
        );
        assert_eq!(
            terminal_safe("\u{1b}]52;c;ZXZpbA==\u{7}"),
            "\\x1b]52;c;ZXZpbA==\\x07"
        );
        assert_eq!(terminal_safe("\u{1b}[2J\u{1b}[31m"), "\\x1b[2J\\x1b[31m");
        assert_eq!(terminal_safe("ok\rEVIL\u{8}"), "ok\\rEVIL\\x08");
        assert_eq!(terminal_safe("abc\u{202e}gpj.exe"), "abc\\u{202e}gpj.exe");
        assert_eq!(terminal_safe("\u{9b}2J"), "\\x9b2J", "8-bit CSI");
        assert_eq!(
            terminal_safe("Grüße ✓"),
            "Grüße ✓",
            "printable Unicode stays"
        );
    }

    #[test]
    fn bytes_as_text_is_lossless() {
        assert_eq!(bytes_as_text(b"h2"), "h2");
        assert_eq!(bytes_as_text(b"\xff\xfeh2"), "\\xff\\xfeh2");
        assert_eq!(bytes_as_text(b"a\\b"), "a\\\\b");
        assert_eq!(bytes_as_text("é".as_bytes()), "é");
    }

    #[test]
    fn protocol_names_as_text() {
        assert_eq!(protocol_text(&[0xc3, 0xa9]), "é");
        assert_eq!(protocol_text(&[0xc3]), "\\xc3");
        // Valid UTF-8 keeps its backslashes (only sni escapes them).
        assert_eq!(protocol_text(b"a\\b"), "a\\b");
        assert_eq!(protocols_hex(&[b"h2".to_vec()]), None);
        assert_eq!(
            protocols_hex(&[b"h2".to_vec(), vec![0xff]]),
            Some(vec!["6832".to_string(), "ff".to_string()])
        );
    }
}
