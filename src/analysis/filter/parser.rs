//! Recursive descent over the tokens into a typed expression: each value is parsed as
//! its field's type here, so a mistake is refused with its column before any capture
//! is read.

use std::fmt;
use std::net::IpAddr;
use std::ops::RangeInclusive;

use regex::{Regex, RegexBuilder};

use super::lexer::{Op, Tok, Token};
use super::{eval, Field, FilterError, Kind, FIELDS, MAX_DEPTH, REGEX_SIZE_LIMIT};
use crate::flow::Transport;
use crate::pki::ValidationStatus;
use crate::report::model::DecryptionStatus;
use crate::report::verdict::Verdict;

#[derive(Debug, Clone)]
pub(super) enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    /// A field alone: the connection has it.
    Present(Field),
    Test(Field, Test),
}

/// What a comparison asks of a field's values (it holds when one of them passes).
#[derive(Debug, Clone)]
pub(super) enum Test {
    /// `==`, and `in {…}`: a value equals one of these.
    Equals(Vec<Value>),
    /// `<`, `<=`, `>`, `>=`: a number in this range.
    Within(RangeInclusive<u64>),
    /// `~`: a text the pattern finds a match in.
    Matches(Regex),
}

/// A value of the expression, of its field's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Value {
    /// Kept as written: text compares ignoring ASCII case.
    Text(String),
    Number(u64),
    Net(Net),
    Status(DecryptionStatus),
    Verdict(Verdict),
    Validation(ValidationStatus),
    Transport(Transport),
}

/// An address, or a network: the addresses whose first `prefix` bits are `addr`'s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Net {
    pub addr: IpAddr,
    pub prefix: u8,
}

pub(super) fn parse(tokens: Vec<Token>) -> Result<Expr, FilterError> {
    let mut p = Parser {
        tokens,
        at: 0,
        depth: 0,
    };
    if p.peek().tok == Tok::End {
        return Err(FilterError::at(1, "the expression is empty"));
    }
    let expr = p.or()?;
    let t = p.peek();
    match &t.tok {
        Tok::End => Ok(expr),
        Tok::Close => Err(FilterError::at(t.column, "this \")\" closes no \"(\"")),
        other => Err(FilterError::at(
            t.column,
            format!("expected \"&&\", \"||\" or the end, not {}", other.shown()),
        )),
    }
}

struct Parser {
    /// Ends with `Tok::End`, which is never stepped over.
    tokens: Vec<Token>,
    at: usize,
    /// Parentheses and `!` open around the token being read.
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.at]
    }

    fn next(&mut self) -> Token {
        let t = self.tokens[self.at].clone();
        if t.tok != Tok::End {
            self.at += 1;
        }
        t
    }

    /// Steps over the next token if it is `tok` or the keyword `word`.
    fn eat(&mut self, tok: &Tok, word: &str) -> bool {
        let hit = match &self.peek().tok {
            Tok::Word(w) => w.eq_ignore_ascii_case(word),
            t => t == tok,
        };
        if hit {
            self.next();
        }
        hit
    }

    fn or(&mut self) -> Result<Expr, FilterError> {
        let mut items = vec![self.and()?];
        while self.eat(&Tok::Or, "or") {
            items.push(self.and()?);
        }
        Ok(one_or(items, Expr::Or))
    }

    fn and(&mut self) -> Result<Expr, FilterError> {
        let mut items = vec![self.unary()?];
        while self.eat(&Tok::And, "and") {
            items.push(self.unary()?);
        }
        Ok(one_or(items, Expr::And))
    }

    fn unary(&mut self) -> Result<Expr, FilterError> {
        let t = self.next();
        match t.tok {
            Tok::Not => self.not(t.column),
            Tok::Word(w) if w.eq_ignore_ascii_case("not") => self.not(t.column),
            Tok::Open => {
                self.deeper(t.column)?;
                let inner = self.or()?;
                let close = self.next();
                if close.tok != Tok::Close {
                    return Err(FilterError::at(
                        close.column,
                        format!(
                            "expected \")\" to close the \"(\" of column {}, not {}",
                            t.column,
                            close.tok.shown()
                        ),
                    ));
                }
                self.depth -= 1;
                Ok(inner)
            }
            Tok::Word(w) => {
                let field = Field::named(&w.to_ascii_lowercase()).ok_or_else(|| {
                    let names: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
                    FilterError::at(
                        t.column,
                        format!("unknown field \"{w}\" (fields: {})", names.join(", ")),
                    )
                })?;
                self.test(field)
            }
            other => Err(FilterError::at(
                t.column,
                format!("expected a field, \"!\" or \"(\", not {}", other.shown()),
            )),
        }
    }

    fn not(&mut self, column: usize) -> Result<Expr, FilterError> {
        self.deeper(column)?;
        let inner = self.unary()?;
        self.depth -= 1;
        Ok(Expr::Not(Box::new(inner)))
    }

    fn deeper(&mut self, column: usize) -> Result<(), FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(FilterError::at(
                column,
                format!("more than {MAX_DEPTH} parentheses or \"!\" nested"),
            ));
        }
        Ok(())
    }

    /// What follows a field: an operator and its value, `in` and a set, or nothing.
    fn test(&mut self, field: Field) -> Result<Expr, FilterError> {
        let t = self.peek().clone();
        match t.tok {
            Tok::Op(op) => {
                self.next();
                self.comparison(field, op, t.column)
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("in") => {
                self.next();
                self.set(field)
            }
            Tok::And | Tok::Or | Tok::Close | Tok::End => Ok(Expr::Present(field)),
            Tok::Word(w) if w.eq_ignore_ascii_case("and") || w.eq_ignore_ascii_case("or") => {
                Ok(Expr::Present(field))
            }
            other => Err(FilterError::at(
                t.column,
                format!(
                    "expected an operator after \"{}\" (== != < <= > >= ~ in), not {}",
                    field.name(),
                    other.shown()
                ),
            )),
        }
    }

    fn comparison(&mut self, field: Field, op: Op, column: usize) -> Result<Expr, FilterError> {
        let kind = field.kind();
        let refuse = |needs: &str| {
            FilterError::at(
                column,
                format!(
                    "\"{}\" needs {needs} field: {} is {}",
                    op.symbol(),
                    field.name(),
                    kind.name()
                ),
            )
        };
        match op {
            Op::Lt | Op::Le | Op::Gt | Op::Ge if kind != Kind::Number => Err(refuse("a number")),
            Op::Regex if !matches!(kind, Kind::Text | Kind::Choice) => Err(refuse("a text")),
            Op::Eq | Op::Ne => {
                let (text, at) = self.value(op.symbol())?;
                let test = Expr::Test(field, Test::Equals(vec![typed(field, &text, at)?]));
                Ok(match op {
                    Op::Ne => Expr::Not(Box::new(test)),
                    _ => test,
                })
            }
            Op::Regex => {
                let (text, at) = self.value(op.symbol())?;
                Ok(Expr::Test(field, Test::Matches(pattern(&text, at)?)))
            }
            Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                let (text, at) = self.value(op.symbol())?;
                let n = number(field, &text, at)?;
                // `< 0` and `> u64::MAX` hold no number.
                let none = RangeInclusive::new(1, 0);
                let range = match op {
                    Op::Lt => n.checked_sub(1).map_or(none, |m| 0..=m),
                    Op::Le => 0..=n,
                    Op::Gt => n.checked_add(1).map_or(none, |m| m..=u64::MAX),
                    _ => n..=u64::MAX,
                };
                Ok(Expr::Test(field, Test::Within(range)))
            }
        }
    }

    /// `in {a, b, …}`, after the `in`.
    fn set(&mut self, field: Field) -> Result<Expr, FilterError> {
        let open = self.next();
        if open.tok != Tok::SetOpen {
            return Err(FilterError::at(
                open.column,
                format!("expected \"{{\" after \"in\", not {}", open.tok.shown()),
            ));
        }
        let mut values = Vec::new();
        let mut after = "{";
        loop {
            let (text, at) = self.value(after)?;
            values.push(typed(field, &text, at)?);
            let t = self.next();
            match t.tok {
                Tok::Comma => after = ",",
                Tok::SetClose => return Ok(Expr::Test(field, Test::Equals(values))),
                other => {
                    return Err(FilterError::at(
                        t.column,
                        format!(
                            "expected \",\" or the \"}}\" that closes the set of column {}, \
                             not {}",
                            open.column,
                            other.shown()
                        ),
                    ))
                }
            }
        }
    }

    /// The value after `after`: a word or a quoted string, and its column.
    fn value(&mut self, after: &str) -> Result<(String, usize), FilterError> {
        let t = self.next();
        match t.tok {
            Tok::Word(w) => Ok((w, t.column)),
            Tok::Quoted(q) => Ok((q, t.column)),
            Tok::End => Err(FilterError::at(
                t.column,
                format!("expected a value after \"{after}\""),
            )),
            other => Err(FilterError::at(
                t.column,
                format!(
                    "expected a value after \"{after}\", not {} (quote a value that has \
                     punctuation)",
                    other.shown()
                ),
            )),
        }
    }
}

/// `items` joined by `join`, or the one item alone.
fn one_or(mut items: Vec<Expr>, join: fn(Vec<Expr>) -> Expr) -> Expr {
    match items.len() {
        1 => items.pop().expect("one item"),
        _ => join(items),
    }
}

/// `text` as a value of `field`'s type.
fn typed(field: Field, text: &str, column: usize) -> Result<Value, FilterError> {
    match (field.kind(), field) {
        (Kind::Number, _) => number(field, text, column).map(Value::Number),
        (Kind::Address, _) => net(text, column).map(Value::Net),
        (Kind::Choice, Field::Status) => {
            choice(field, text, column, &DecryptionStatus::ALL, |s| s.as_str()).map(Value::Status)
        }
        (Kind::Choice, Field::Verdict) => {
            choice(field, text, column, &Verdict::ALL, |v| v.as_str()).map(Value::Verdict)
        }
        (Kind::Choice, Field::Certificate) => {
            choice(field, text, column, &ValidationStatus::ALL, |v| v.as_str())
                .map(Value::Validation)
        }
        (Kind::Choice, _) => {
            choice(field, text, column, &Transport::ALL, |t| t.as_str()).map(Value::Transport)
        }
        (Kind::Text, Field::Cipher | Field::Group) => Ok(hex_id(text).map_or_else(
            || Value::Text(text.to_string()),
            |id| Value::Number(u64::from(id)),
        )),
        (Kind::Text, Field::Version) => Ok(Value::Text(eval::version_key(text))),
        (Kind::Text, _) => Ok(Value::Text(text.to_string())),
    }
}

/// A cipher suite's or a group's id written in hex: `0x1301`.
fn hex_id(text: &str) -> Option<u16> {
    let hex = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))?;
    u16::from_str_radix(hex, 16).ok()
}

fn number(field: Field, text: &str, column: usize) -> Result<u64, FilterError> {
    let n = match field {
        Field::Bytes => crate::units::parse_size(text),
        _ => text
            .parse::<u64>()
            .map_err(|_| format!("\"{text}\" is not a number")),
    }
    .map_err(|why| FilterError::at(column, why))?;
    let port = matches!(field, Field::Port | Field::ClientPort | Field::ServerPort);
    if port && n > u64::from(u16::MAX) {
        return Err(FilterError::at(
            column,
            format!("{n} is not a port (0 to 65535)"),
        ));
    }
    Ok(n)
}

fn net(text: &str, column: usize) -> Result<Net, FilterError> {
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let addr: IpAddr = addr.parse().map_err(|_| {
        FilterError::at(
            column,
            format!(
                "\"{text}\" is not an IP address or a network (10.0.0.1, 10.0.0.0/8, \
                 2001:db8::/32)"
            ),
        )
    })?;
    let bits = match addr {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    };
    let prefix = match prefix {
        None => bits,
        Some(p) => p.parse::<u8>().ok().filter(|p| *p <= bits).ok_or_else(|| {
            FilterError::at(
                column,
                format!("\"/{p}\" is not a prefix length for {addr} (0 to {bits})"),
            )
        })?,
    };
    Ok(Net { addr, prefix })
}

/// One of `options`, named as `name` names them (ignoring case).
fn choice<T: Copy>(
    field: Field,
    text: &str,
    column: usize,
    options: &[T],
    name: fn(T) -> &'static str,
) -> Result<T, FilterError> {
    options
        .iter()
        .copied()
        .find(|o| name(*o).eq_ignore_ascii_case(text))
        .ok_or_else(|| {
            let names: Vec<&str> = options.iter().map(|o| name(*o)).collect();
            FilterError::at(
                column,
                format!(
                    "unknown {} \"{text}\" (one of: {})",
                    field.name(),
                    names.join(", ")
                ),
            )
        })
}

/// A `~` pattern, compiled within the size limits; a bad one is refused at its column.
fn pattern(text: &str, column: usize) -> Result<Regex, FilterError> {
    RegexBuilder::new(text)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .nest_limit(MAX_DEPTH as u32)
        .build()
        .map_err(|e| {
            let why = match &e {
                regex::Error::CompiledTooBig(_) => format!(
                    "the regular expression is too large (over {} KiB compiled)",
                    REGEX_SIZE_LIMIT >> 10
                ),
                // The syntax error is several lines (the pattern, a caret): keep its
                // last, which says what is wrong.
                _ => {
                    let text = e.to_string();
                    let last = text.lines().rev().find(|l| !l.trim().is_empty());
                    let last = last.unwrap_or("invalid").trim();
                    format!(
                        "bad regular expression: {}",
                        last.trim_start_matches("error: ")
                    )
                }
            };
            FilterError::at(column, why)
        })
}

/// The expression fully parenthesised, its values as they were typed: what tests
/// compare to see how an expression was read.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, items: &[Expr], sep: &str| {
            f.write_str("(")?;
            for (i, e) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(sep)?;
                }
                write!(f, "{e}")?;
            }
            f.write_str(")")
        };
        match self {
            Expr::And(items) => list(f, items, " && "),
            Expr::Or(items) => list(f, items, " || "),
            Expr::Not(e) => write!(f, "!{e}"),
            Expr::Present(field) => f.write_str(field.name()),
            Expr::Test(field, Test::Equals(values)) => {
                write!(f, "{} in {{", field.name())?;
                for (i, v) in values.iter().enumerate() {
                    let sep = if i > 0 { ", " } else { "" };
                    write!(f, "{sep}{v}")?;
                }
                f.write_str("}")
            }
            Expr::Test(field, Test::Within(r)) => {
                write!(f, "{} in {}..={}", field.name(), r.start(), r.end())
            }
            Expr::Test(field, Test::Matches(re)) => {
                write!(f, "{} ~ {:?}", field.name(), re.as_str())
            }
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(t) => write!(f, "{t:?}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::Net(n) => write!(f, "{}/{}", n.addr, n.prefix),
            Value::Status(s) => f.write_str(s.as_str()),
            Value::Verdict(v) => f.write_str(v.as_str()),
            Value::Validation(v) => f.write_str(v.as_str()),
            Value::Transport(t) => f.write_str(t.as_str()),
        }
    }
}
