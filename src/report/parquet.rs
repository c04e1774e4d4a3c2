//! `--format parquet -o DIR`: the report as Parquet tables for engines (DuckDB, Spark,
//! pandas), written as the run goes, a row group per [`BATCH_ROWS`] rows:
//!
//! - `connections.parquet`: one row per connection (the columns of [`CONNECTIONS`]);
//! - `certificates.parquet`: each certificate once, by SHA-256 ([`CERTIFICATES`]), with
//!   the first connection that sent it;
//! - `transactions.parquet`: one row per HTTP transaction ([`TRANSACTIONS`]).
//!
//! Column names and types are part of the contract (README: Parquet): new columns may
//! come, none changes type.

use std::collections::HashSet;
use std::fs::File;
use std::hash::{BuildHasher, RandomState};
use std::io;
use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, ListBuilder, StringBuilder, TimestampNanosecondBuilder,
    UInt16Builder, UInt32Builder, UInt64Builder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use parquet::arrow::ArrowWriter;

use super::model::{CaptureReport, ConnectionReport};
use super::ReportSink;
use crate::tls::handshake::CertificateEntry;

/// Rows, and bytes of their text, buffered per table before they go out as a row group
/// (a hostile HTTP target runs to 64 KiB: rows alone would not bound the memory).
pub const BATCH_ROWS: usize = 8192;
pub const BATCH_BYTES: usize = 8 << 20;
/// Certificates remembered to write each once, as a keyed 64-bit hash of their SHA-256
/// (about 16 bytes each in the set: 4 MiB); past them a certificate seen again is
/// written again (`SELECT DISTINCT` still holds) and counted.
pub const MAX_CERTIFICATES_REMEMBERED: usize = 1 << 18;

/// A column's type.
#[derive(Clone, Copy)]
pub enum Kind {
    Text,
    U64,
    U32,
    U16,
    Bool,
    /// Nanoseconds since the Unix epoch, UTC.
    Time,
    TextList,
}

pub const CONNECTIONS: &[(&str, Kind)] = &[
    ("id", Kind::U64),
    ("file", Kind::U32),
    ("first_frame", Kind::U64),
    ("last_frame", Kind::U64),
    ("transport", Kind::Text),
    ("client_ip", Kind::Text),
    ("client_port", Kind::U16),
    ("server_ip", Kind::Text),
    ("server_port", Kind::U16),
    ("first_seen", Kind::Time),
    ("last_seen", Kind::Time),
    ("community_id", Kind::Text),
    ("sni", Kind::Text),
    ("alpn", Kind::Text),
    ("version", Kind::Text),
    ("cipher_suite", Kind::Text),
    ("cipher_suite_id", Kind::U16),
    ("key_exchange_group", Kind::Text),
    ("key_exchange_group_id", Kind::U16),
    ("state", Kind::Text),
    ("resumed", Kind::Bool),
    ("decryption_status", Kind::Text),
    ("verdict", Kind::Text),
    ("key_source", Kind::Text),
    ("ja3_hash", Kind::Text),
    ("ja4", Kind::Text),
    ("ja3s_hash", Kind::Text),
    ("client_bytes", Kind::U64),
    ("server_bytes", Kind::U64),
    ("client_app_bytes", Kind::U64),
    ("server_app_bytes", Kind::U64),
    ("client_app_sha256", Kind::Text),
    ("server_app_sha256", Kind::Text),
    ("certificate_sha256", Kind::Text),
    ("certificate_status", Kind::Text),
    ("app_protocol", Kind::Text),
    ("transactions", Kind::U32),
];

pub const CERTIFICATES: &[(&str, Kind)] = &[
    ("sha256", Kind::Text),
    ("subject", Kind::Text),
    ("issuer", Kind::Text),
    ("serial", Kind::Text),
    ("not_before", Kind::Text),
    ("not_after", Kind::Text),
    ("key_algorithm", Kind::Text),
    ("key_bits", Kind::U32),
    ("curve", Kind::Text),
    ("signature_algorithm", Kind::Text),
    ("self_signed", Kind::Bool),
    ("san", Kind::TextList),
    ("first_connection", Kind::U64),
    ("client_certificate", Kind::Bool),
];

pub const TRANSACTIONS: &[(&str, Kind)] = &[
    ("connection", Kind::U64),
    ("index", Kind::U32),
    ("protocol", Kind::Text),
    ("stream_id", Kind::U64),
    ("method", Kind::Text),
    ("scheme", Kind::Text),
    ("authority", Kind::Text),
    ("target", Kind::Text),
    ("status", Kind::U16),
    ("request_time", Kind::Text),
    ("response_time", Kind::Text),
    ("request_body_bytes", Kind::U64),
    ("request_body_sha256", Kind::Text),
    ("response_body_bytes", Kind::U64),
    ("response_body_sha256", Kind::Text),
    ("response_complete", Kind::Bool),
];

enum Column {
    Text(StringBuilder),
    U64(UInt64Builder),
    U32(UInt32Builder),
    U16(UInt16Builder),
    Bool(BooleanBuilder),
    Time(TimestampNanosecondBuilder),
    TextList(ListBuilder<StringBuilder>),
}

impl Column {
    fn new(k: Kind) -> Column {
        match k {
            Kind::Text => Column::Text(StringBuilder::new()),
            Kind::U64 => Column::U64(UInt64Builder::new()),
            Kind::U32 => Column::U32(UInt32Builder::new()),
            Kind::U16 => Column::U16(UInt16Builder::new()),
            Kind::Bool => Column::Bool(BooleanBuilder::new()),
            Kind::Time => Column::Time(TimestampNanosecondBuilder::new().with_timezone("UTC")),
            Kind::TextList => Column::TextList(ListBuilder::new(StringBuilder::new())),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Column::Text(b) => Arc::new(b.finish()),
            Column::U64(b) => Arc::new(b.finish()),
            Column::U32(b) => Arc::new(b.finish()),
            Column::U16(b) => Arc::new(b.finish()),
            Column::Bool(b) => Arc::new(b.finish()),
            Column::Time(b) => Arc::new(b.finish()),
            Column::TextList(b) => Arc::new(b.finish()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Column::Text(b) => b.len(),
            Column::U64(b) => b.len(),
            Column::U32(b) => b.len(),
            Column::U16(b) => b.len(),
            Column::Bool(b) => b.len(),
            Column::Time(b) => b.len(),
            Column::TextList(b) => b.len(),
        }
    }
}

fn data_type(k: Kind) -> DataType {
    match k {
        Kind::Text => DataType::Utf8,
        Kind::U64 => DataType::UInt64,
        Kind::U32 => DataType::UInt32,
        Kind::U16 => DataType::UInt16,
        Kind::Bool => DataType::Boolean,
        Kind::Time => DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
        Kind::TextList => DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
    }
}

/// One value of a row, in column order.
pub enum Value<'a> {
    Text(Option<&'a str>),
    Num(Option<u64>),
    Bool(Option<bool>),
    Time(i64),
    TextList(&'a [String]),
}

/// One Parquet file being written.
struct Table {
    name: &'static str,
    writer: ArrowWriter<File>,
    schema: SchemaRef,
    columns: Vec<Column>,
    /// Text bytes in the columns not yet written.
    buffered: usize,
}

impl Table {
    fn create(file: File, name: &'static str, spec: &[(&str, Kind)]) -> io::Result<Table> {
        let schema: SchemaRef = Arc::new(Schema::new(
            spec.iter()
                .map(|(n, k)| Field::new(*n, data_type(*k), true))
                .collect::<Vec<_>>(),
        ));
        let writer = ArrowWriter::try_new(file, schema.clone(), None).map_err(other)?;
        Ok(Table {
            name,
            writer,
            schema,
            columns: spec.iter().map(|(_, k)| Column::new(*k)).collect(),
            buffered: 0,
        })
    }

    /// Appends a row; `values` are in column order (a value of the wrong type is null:
    /// the tests hold every column to its type).
    fn push(&mut self, values: &[Value<'_>]) -> io::Result<()> {
        debug_assert_eq!(values.len(), self.columns.len(), "{}", self.name);
        for value in values {
            self.buffered += match value {
                Value::Text(t) => t.map_or(0, str::len),
                Value::TextList(l) => l.iter().map(String::len).sum(),
                _ => 0,
            };
        }
        for (column, value) in self.columns.iter_mut().zip(values) {
            match (column, value) {
                (Column::Text(b), Value::Text(v)) => b.append_option(*v),
                (Column::U64(b), Value::Num(v)) => b.append_option(*v),
                (Column::U32(b), Value::Num(v)) => {
                    b.append_option(v.map(|n| u32::try_from(n).unwrap_or(u32::MAX)))
                }
                (Column::U16(b), Value::Num(v)) => {
                    b.append_option(v.map(|n| u16::try_from(n).unwrap_or(u16::MAX)))
                }
                (Column::Bool(b), Value::Bool(v)) => b.append_option(*v),
                (Column::Time(b), Value::Time(ns)) => b.append_value(*ns),
                (Column::TextList(b), Value::TextList(items)) => {
                    for item in items.iter() {
                        b.values().append_value(item);
                    }
                    b.append(true);
                }
                (c, _) => {
                    debug_assert!(false, "{}: a value of the wrong type", self.name);
                    append_null(c);
                }
            }
        }
        if self.columns.first().map_or(0, Column::len) >= BATCH_ROWS || self.buffered >= BATCH_BYTES
        {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.columns.first().map_or(0, Column::len) == 0 {
            return Ok(());
        }
        let arrays: Vec<ArrayRef> = self.columns.iter_mut().map(Column::finish).collect();
        self.buffered = 0;
        let batch = RecordBatch::try_new(self.schema.clone(), arrays).map_err(other)?;
        self.writer.write(&batch).map_err(other)?;
        // Each batch its own row group: the writer holds no more than one.
        self.writer.flush().map_err(other)
    }

    fn close(mut self) -> io::Result<()> {
        self.flush()?;
        self.writer.close().map(|_| ()).map_err(other)
    }
}

fn append_null(c: &mut Column) {
    match c {
        Column::Text(b) => b.append_null(),
        Column::U64(b) => b.append_null(),
        Column::U32(b) => b.append_null(),
        Column::U16(b) => b.append_null(),
        Column::Bool(b) => b.append_null(),
        Column::Time(b) => b.append_null(),
        Column::TextList(b) => b.append(false),
    }
}

fn other(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("parquet: {e}"))
}

/// The three tables of one run.
pub struct ParquetDir<W> {
    connections: Table,
    certificates: Table,
    transactions: Table,
    seen: HashSet<u64>,
    /// How many `seen` may hold ([`MAX_CERTIFICATES_REMEMBERED`]; less in tests).
    remember: usize,
    hasher: RandomState,
    /// Certificates written without being remembered (past the cap): some may repeat.
    pub unremembered: u64,
    /// Given back at the end (the tables go to files; nothing to standard output).
    out: W,
}

/// The tables' file names, in the order [`ParquetDir::new`] takes their files.
pub const FILES: [&str; 3] = [
    "connections.parquet",
    "certificates.parquet",
    "transactions.parquet",
];

impl<W> ParquetDir<W> {
    /// The tables, written to `files` (created for [`FILES`], in that order).
    pub fn new([connections, certificates, transactions]: [File; 3], out: W) -> io::Result<Self> {
        Ok(ParquetDir {
            connections: Table::create(connections, FILES[0], CONNECTIONS)?,
            certificates: Table::create(certificates, FILES[1], CERTIFICATES)?,
            transactions: Table::create(transactions, FILES[2], TRANSACTIONS)?,
            seen: HashSet::new(),
            remember: MAX_CERTIFICATES_REMEMBERED,
            hasher: RandomState::new(),
            unremembered: 0,
            out,
        })
    }

    fn certificates(
        &mut self,
        c: &ConnectionReport,
        chain: &[CertificateEntry],
        client: bool,
    ) -> io::Result<()> {
        for entry in chain {
            let CertificateEntry::Parsed(cert) = entry else {
                continue;
            };
            let key = self.hasher.hash_one(&cert.sha256);
            if self.seen.contains(&key) {
                continue;
            }
            if self.seen.len() < self.remember {
                self.seen.insert(key);
            } else {
                self.unremembered += 1;
            }
            let k = &cert.public_key;
            self.certificates.push(&[
                Value::Text(Some(&cert.sha256)),
                Value::Text(Some(&cert.subject)),
                Value::Text(Some(&cert.issuer)),
                Value::Text(Some(&cert.serial)),
                Value::Text(Some(&cert.not_before)),
                Value::Text(Some(&cert.not_after)),
                Value::Text(Some(&k.algorithm)),
                Value::Num(k.bits.map(u64::from)),
                Value::Text(k.curve.as_deref()),
                Value::Text(Some(&cert.signature_algorithm)),
                Value::Bool(Some(cert.self_signed)),
                Value::TextList(&cert.san),
                Value::Num(Some(c.id)),
                Value::Bool(Some(client)),
            ])?;
        }
        Ok(())
    }
}

impl<W> ReportSink<W> for ParquetDir<W> {
    fn connection(&mut self, c: &ConnectionReport) -> io::Result<()> {
        let app = c.app_data.as_ref();
        let leaf = c.certificates.first().and_then(|e| match e {
            CertificateEntry::Parsed(cert) => Some(cert.sha256.as_str()),
            CertificateEntry::Unparsed { .. } => None,
        });
        let bytes = c.transport_bytes();
        let state = c.state.to_string();
        let key_source = c.decryption.key_source.as_ref().map(|k| k.describe());
        self.connections.push(&[
            Value::Num(Some(c.id)),
            Value::Num(Some(c.frames.file as u64)),
            Value::Num(Some(c.frames.first)),
            Value::Num(Some(c.frames.last)),
            Value::Text(Some(c.transport.as_str())),
            Value::Text(Some(&c.client.ip)),
            Value::Num(Some(u64::from(c.client.port))),
            Value::Text(Some(&c.server.ip)),
            Value::Num(Some(u64::from(c.server.port))),
            Value::Time(c.first_seen_ns),
            Value::Time(c.last_seen_ns),
            Value::Text(c.community_id.as_deref()),
            Value::Text(c.sni.as_deref()),
            Value::Text(c.alpn_negotiated.as_deref()),
            Value::Text(c.version.as_deref()),
            Value::Text(c.cipher_suite.as_ref().map(|s| s.name.as_str())),
            Value::Num(c.cipher_suite.as_ref().map(|s| u64::from(s.id))),
            Value::Text(c.key_exchange_group.as_ref().map(|g| g.name.as_str())),
            Value::Num(c.key_exchange_group.as_ref().map(|g| u64::from(g.id))),
            Value::Text(Some(&state)),
            Value::Bool(Some(c.resumed)),
            Value::Text(Some(c.decryption.status.as_str())),
            Value::Text(Some(c.decryption.verdict.as_str())),
            Value::Text(key_source.as_deref()),
            Value::Text(c.ja3_hash.as_deref()),
            Value::Text(c.ja4.as_deref()),
            Value::Text(c.ja3s_hash.as_deref()),
            Value::Num(Some(bytes[0])),
            Value::Num(Some(bytes[1])),
            Value::Num(app.map(|a| a.client.bytes)),
            Value::Num(app.map(|a| a.server.bytes)),
            Value::Text(app.map(|a| a.client.sha256.as_str())),
            Value::Text(app.map(|a| a.server.sha256.as_str())),
            Value::Text(leaf),
            Value::Text(c.certificate_validation.as_ref().map(|v| v.status.as_str())),
            Value::Text(c.app.as_ref().map(|a| a.protocol)),
            Value::Num(c.app.as_ref().map(|a| a.transactions.len() as u64)),
        ])?;
        self.certificates(c, &c.certificates, false)?;
        self.certificates(c, &c.client_certificates, true)?;
        if let Some(a) = &c.app {
            for (i, t) in a.transactions.iter().enumerate() {
                let (req, resp) = (t.request.as_ref(), t.response.as_ref());
                let sha =
                    |m: Option<&super::app::MessageReport>| m.map(|m| hex::encode(m.body.sha256));
                let (req_sha, resp_sha) = (sha(req), sha(resp));
                self.transactions.push(&[
                    Value::Num(Some(c.id)),
                    Value::Num(Some(i as u64)),
                    Value::Text(Some(a.protocol)),
                    Value::Num(t.stream_id),
                    Value::Text(req.and_then(|m| m.method.as_deref())),
                    Value::Text(req.and_then(|m| m.scheme.as_deref())),
                    Value::Text(req.and_then(|m| m.authority.as_deref())),
                    Value::Text(req.and_then(|m| m.target.as_deref())),
                    Value::Num(resp.and_then(|m| m.status).map(u64::from)),
                    Value::Text(req.map(|m| m.time.as_str())),
                    Value::Text(resp.map(|m| m.time.as_str())),
                    Value::Num(req.map(|m| m.body.bytes)),
                    Value::Text(req_sha.as_deref()),
                    Value::Num(resp.map(|m| m.body.bytes)),
                    Value::Text(resp_sha.as_deref()),
                    Value::Bool(resp.map(|m| m.body.complete)),
                ])?;
            }
        }
        Ok(())
    }

    fn end(self: Box<Self>, _capture: &CaptureReport) -> io::Result<W> {
        let me = *self;
        if me.unremembered > 0 {
            eprintln!(
                "tlsscope: parquet: {} certificates past the {MAX_CERTIFICATES_REMEMBERED} remembered were written without checking for repeats",
                me.unremembered
            );
        }
        me.connections.close()?;
        me.certificates.close()?;
        me.transactions.close()?;
        Ok(me.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::certificate::summarize;

    fn tables() -> (ParquetDir<()>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let files = FILES.map(|f| File::create(dir.path().join(f)).unwrap());
        (ParquetDir::new(files, ()).unwrap(), dir)
    }

    #[test]
    fn certificates_are_written_once_and_the_memory_of_them_is_capped() {
        let (mut t, dir) = tables();
        t.remember = 100;
        let root = summarize(include_bytes!("../../samples/pki/root.der")).unwrap();
        let mut c = crate::analysis::filter::tests::connection();
        for i in 0..150u64 {
            let mut cert = root.clone();
            cert.sha256 = format!("{i:064x}");
            c.id = i;
            // Each sent twice: once by its own connection, once by the next.
            let mut prev = root.clone();
            prev.sha256 = format!("{:064x}", i.saturating_sub(1));
            c.certificates = vec![
                CertificateEntry::Parsed(std::sync::Arc::new(cert)),
                CertificateEntry::Parsed(std::sync::Arc::new(prev)),
            ];
            t.connection(&c).unwrap();
        }
        assert_eq!(t.seen.len(), 100, "the memory stops at its cap");
        // The 50 past it, and 49 of them again as the next connection's second.
        assert_eq!(t.unremembered, 99, "and counts what went out unchecked");
        Box::new(t).end(&CaptureReport::default()).unwrap();
        let file = File::open(dir.path().join(FILES[1])).unwrap();
        let rows = parquet::file::reader::SerializedFileReader::new(file).unwrap();
        use parquet::file::reader::FileReader;
        let written = rows.metadata().file_metadata().num_rows();
        assert_eq!(written, 150 + 49);
    }
}
