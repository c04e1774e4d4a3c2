//! Cuts a filter expression into tokens, each with the column it starts at.

use super::{FilterError, MAX_LENGTH};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Tok {
    /// A run of characters that are not blanks, quotes or punctuation: a field name, a
    /// keyword (`in`, `and`, `or`, `not`) or a value (`10.0.0.0/8`, `TLS_AES_128_GCM_SHA256`).
    Word(String),
    /// A quoted value, its escapes undone.
    Quoted(String),
    Op(Op),
    And,
    Or,
    Not,
    Open,
    Close,
    SetOpen,
    SetClose,
    Comma,
    End,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Regex,
}

impl Op {
    pub(super) fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Regex => "~",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Token {
    pub tok: Tok,
    /// 1-based, in characters.
    pub column: usize,
}

impl Tok {
    /// The token as an error message quotes it.
    pub(super) fn shown(&self) -> String {
        match self {
            Tok::Word(w) => format!("\"{w}\""),
            Tok::Quoted(q) => format!("the string \"{q}\""),
            Tok::Op(op) => format!("\"{}\"", op.symbol()),
            Tok::And => "\"&&\"".into(),
            Tok::Or => "\"||\"".into(),
            Tok::Not => "\"!\"".into(),
            Tok::Open => "\"(\"".into(),
            Tok::Close => "\")\"".into(),
            Tok::SetOpen => "\"{\"".into(),
            Tok::SetClose => "\"}\"".into(),
            Tok::Comma => "\",\"".into(),
            Tok::End => "the end".into(),
        }
    }
}

/// Characters that end a word.
fn punctuation(c: char) -> bool {
    matches!(
        c,
        '(' | ')' | '{' | '}' | ',' | '"' | '!' | '=' | '<' | '>' | '~' | '&' | '|'
    )
}

/// The tokens of `text`, ending with [`Tok::End`] at the column after the last character.
pub(super) fn tokens(text: &str) -> Result<Vec<Token>, FilterError> {
    // Counted before anything is collected: the column points past the limit.
    if text.chars().nth(MAX_LENGTH).is_some() {
        return Err(FilterError::at(
            MAX_LENGTH + 1,
            format!("the expression is longer than {MAX_LENGTH} characters"),
        ));
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        let next = chars.get(i + 1).copied();
        let (tok, len) = match (c, next) {
            (c, _) if c.is_whitespace() => {
                i += 1;
                continue;
            }
            ('=', Some('=')) => (Tok::Op(Op::Eq), 2),
            ('!', Some('=')) => (Tok::Op(Op::Ne), 2),
            ('<', Some('=')) => (Tok::Op(Op::Le), 2),
            ('>', Some('=')) => (Tok::Op(Op::Ge), 2),
            ('&', Some('&')) => (Tok::And, 2),
            ('|', Some('|')) => (Tok::Or, 2),
            ('<', _) => (Tok::Op(Op::Lt), 1),
            ('>', _) => (Tok::Op(Op::Gt), 1),
            ('~', _) => (Tok::Op(Op::Regex), 1),
            ('!', _) => (Tok::Not, 1),
            ('(', _) => (Tok::Open, 1),
            (')', _) => (Tok::Close, 1),
            ('{', _) => (Tok::SetOpen, 1),
            ('}', _) => (Tok::SetClose, 1),
            (',', _) => (Tok::Comma, 1),
            ('=', _) => {
                return Err(FilterError::at(
                    column,
                    "\"=\" is not an operator: use \"==\"",
                ))
            }
            ('&', _) => {
                return Err(FilterError::at(
                    column,
                    "\"&\" is not an operator: use \"&&\"",
                ))
            }
            ('|', _) => {
                return Err(FilterError::at(
                    column,
                    "\"|\" is not an operator: use \"||\"",
                ))
            }
            ('"', _) => quoted(&chars[i..], column)?,
            _ => {
                let len = chars[i..]
                    .iter()
                    .take_while(|c| !c.is_whitespace() && !punctuation(**c))
                    .count();
                (Tok::Word(chars[i..i + len].iter().collect()), len)
            }
        };
        out.push(Token { tok, column });
        i += len;
    }
    out.push(Token {
        tok: Tok::End,
        column: chars.len() + 1,
    });
    Ok(out)
}

/// The quoted string at the start of `chars` (which is its opening quote), and how many
/// characters it took. Only `\"` and `\\` are escapes, so a pattern's `\d` stays `\d`.
fn quoted(chars: &[char], column: usize) -> Result<(Tok, usize), FilterError> {
    let mut text = String::new();
    let mut i = 1;
    while let Some(&c) = chars.get(i) {
        match (c, chars.get(i + 1)) {
            ('"', _) => return Ok((Tok::Quoted(text), i + 1)),
            ('\\', Some(&e @ ('"' | '\\'))) => {
                text.push(e);
                i += 2;
            }
            (c, _) => {
                text.push(c);
                i += 1;
            }
        }
    }
    Err(FilterError::at(
        column,
        "this quote is never closed (a closing \" is missing)",
    ))
}
