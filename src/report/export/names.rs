//! File names for exported bodies: built from the connection, the transaction and the
//! request's path, reduced to one safe path component.
//!
//! ```text
//!   conn 3, transaction 2, GET /img/logo%20big.png?x=1   → c3-t2-logo_20big.png
//!   conn 3, transaction 4, POST /api/upload (its body)   → c3-t4-request-upload
//!   GET /  → c3-t0-index        GET /../../etc/passwd    → c3-t1-passwd
//! ```
//! HTTP/2 and HTTP/3 bodies are named by their stream instead: `c3-s8-logo.png`.
//! Only ASCII letters, digits, `.`, `-` and `_` survive (everything else, `/`, `\`,
//! NUL and control characters included, becomes `_`), no name starts with a dot, and
//! every name starts `c<digit>`: none is `.`, `..`, hidden, or the index file.

use crate::app::http1::BodyAt;

/// The longest part of a name taken from the request's path.
const MAX_STEM: usize = 64;

/// The file name of one body.
pub fn object_name(
    conn: u64,
    at: BodyAt,
    seq: u64,
    request_body: bool,
    target: Option<&str>,
) -> String {
    let t = match (at.stream_id, at.transaction) {
        // HTTP/2 and HTTP/3: the stream names it.
        (Some(s), _) => format!("s{s}"),
        (None, Some(i)) => format!("t{i}"),
        // Past the report's transaction cap: numbered by the connection's bodies.
        (None, None) => format!("b{seq}"),
    };
    let role = if request_body { "-request" } else { "" };
    format!("c{conn}-{t}{role}-{}", stem(target.unwrap_or("")))
}

/// The last non-empty segment of a request target's path, made safe.
fn stem(target: &str) -> String {
    let path = target.split(['?', '#']).next().unwrap_or("");
    // An absolute-form target (`http://host/path`, a proxy request) names its path.
    let path = path
        .split_once("://")
        .map_or(path, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
    let segment = path
        .split(['/', '\\'])
        .rev()
        .find(|s| !s.is_empty() && *s != "." && *s != "..")
        .unwrap_or("");
    let safe: String = segment
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '-' | '_' => c,
            _ => '_',
        })
        .take(MAX_STEM)
        .collect();
    let safe = safe.trim_start_matches('.');
    if safe.is_empty() {
        "index".into()
    } else {
        safe.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_one_safe_component() {
        let at = |transaction, stream_id| BodyAt {
            transaction,
            stream_id,
        };
        let n = |t: &str| object_name(3, at(Some(2), None), 0, false, Some(t));
        assert_eq!(n("/img/logo%20big.png?x=1"), "c3-t2-logo_20big.png");
        assert_eq!(n("/"), "c3-t2-index");
        assert_eq!(n(""), "c3-t2-index");
        assert_eq!(n("/../../etc/passwd"), "c3-t2-passwd");
        assert_eq!(n("/a/.."), "c3-t2-a");
        assert_eq!(n("/..hidden"), "c3-t2-hidden");
        assert_eq!(n("/x\\..\\..\\boot.ini"), "c3-t2-boot.ini");
        assert_eq!(n("/a\u{0}b\nc\u{202e}d"), "c3-t2-a_b_c_d");
        assert_eq!(n("http://example.com/dir/file.js#top"), "c3-t2-file.js");
        assert_eq!(n("http://example.com"), "c3-t2-index");
        assert_eq!(
            n(&format!("/{}", "y".repeat(500))).len(),
            "c3-t2-".len() + MAX_STEM
        );
        assert_eq!(
            object_name(0, at(None, None), 7, true, Some("/api/upload")),
            "c0-b7-request-upload"
        );
        assert_eq!(
            object_name(0, at(Some(4), Some(8)), 0, false, Some("/logo.png")),
            "c0-s8-logo.png"
        );
    }
}
