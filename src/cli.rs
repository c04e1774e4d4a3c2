//! The command line (clap): subcommands and their options. Parsing only; the work is
//! done by the library.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use tlsscope::analysis::filter;
use tlsscope::analysis::select::ConnSet;
use tlsscope::report::export::DEFAULT_MAX_DECODED;
use tlsscope::report::table::{ColorChoice, TableStyle};
use tlsscope::report::time::Zone;

#[derive(Debug, Parser)]
#[command(
    name = "tlsscope",
    version,
    about = "Show what happened inside the TLS sessions of packet captures"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// One row per TLS connection: endpoints, SNI, version, cipher suite, bytes, state.
    Summary(Listing),
    /// One row per HTTP request of every decrypted connection (like tshark's http,tree
    /// with the connection beside it); `--format json|jsonl` gives the connections with
    /// their `app` objects.
    Requests(Listing),
    /// Every handshake message of every connection (or of one), with its fields.
    Inspect {
        #[command(flatten)]
        view: View,
        #[command(flatten)]
        common: Common,
        /// Only this connection (the id shown by `summary`).
        #[arg(long = "conn", value_name = "ID")]
        conn: Option<u64>,
        #[arg(required_unless_present = "interface")]
        captures: Vec<PathBuf>,
    },
    /// The decrypted application data of connections, like tshark's follow TLS stream;
    /// what is missing (lost in the capture, not decrypted) is marked in its place.
    Follow {
        #[command(flatten)]
        common: Common,
        /// The connections (ids as `summary` shows them): `3`, a list with ranges
        /// `3,5-9`, or `all` (the default with --filter). Several interleave in capture
        /// order, each chunk marked with its connection (not with --format raw).
        #[arg(long = "conn", value_name = "IDS", required_unless_present = "filter")]
        conn: Option<ConnSet>,
        /// QUIC: only this stream's data (its id, as `inspect` lists it); without it, every
        /// stream's data in the order it was decrypted.
        #[arg(long = "stream", value_name = "ID")]
        stream: Option<u64>,
        /// Which side's data to show.
        #[arg(long, value_enum, default_value_t = FollowDirection::Both)]
        direction: FollowDirection,
        /// raw: the exact bytes; ascii: printable text with direction markers; hex: a dump.
        #[arg(long, value_enum, default_value_t = FollowFormat::Ascii)]
        format: FollowFormat,
        #[arg(required_unless_present = "interface")]
        captures: Vec<PathBuf>,
    },
    /// Every HTTP body of the decrypted connections to a file of its own, like
    /// Wireshark's Export Objects, with DIR/index.json listing them. Bodies are decoded
    /// from their Content-Encoding (gzip, deflate, br); files are created new (mode
    /// 0600), never through a link or over an input, never over a file without --force.
    Export {
        #[command(flatten)]
        common: Common,
        /// The directory the files go to (created if absent).
        dir: PathBuf,
        /// The connections: `3`, a list with ranges `3,5-9`, or `all`.
        #[arg(long = "conn", value_name = "IDS", default_value = "all")]
        conn: ConnSet,
        /// Replace files that exist (regular files only: never a link, never an input).
        #[arg(long)]
        force: bool,
        /// The decompression-bomb limit: decoded bytes written per body; past it the
        /// file is cut and the index says so.
        #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_DECODED)]
        max_decoded: u64,
        #[arg(required_unless_present = "interface")]
        captures: Vec<PathBuf>,
    },
    /// The handshake drawn as a ladder between client and server, an arrow per message
    /// with its essential fields (x, y, z, the suite, the certificate), where each
    /// direction turns encrypted, data totals and times; mermaid and svg for documents.
    Ladder {
        #[command(flatten)]
        common: Common,
        /// The connections: `3`, a list with ranges `3,5-9`, or `all`; mermaid and svg
        /// draw exactly one.
        #[arg(long = "conn", value_name = "IDS", default_value = "all")]
        conn: ConnSet,
        /// text: for the terminal (fits its width); mermaid: a sequenceDiagram; svg: a
        /// self-contained image.
        #[arg(long, value_enum, default_value_t = LadderKind::Text)]
        format: LadderKind,
        #[arg(required_unless_present = "interface")]
        captures: Vec<PathBuf>,
    },
    /// One self-contained HTML file: the summary table (sortable, filterable) and per
    /// connection its facts, ladder, certificates and HTTP; opens offline in a browser.
    Report {
        #[command(flatten)]
        common: Common,
        /// The connections: `3`, a list with ranges `3,5-9`, or `all`.
        #[arg(long = "conn", value_name = "IDS", default_value = "all")]
        conn: ConnSet,
        #[command(flatten)]
        output: OutputFile,
        #[arg(required_unless_present = "interface")]
        captures: Vec<PathBuf>,
    },
    /// The recovered master secrets as an NSS key log (CLIENT_RANDOM lines) for Wireshark.
    Keylog {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        output: OutputFile,
        #[arg(required_unless_present = "interface")]
        captures: Vec<PathBuf>,
    },
    /// A shell completion script on standard output
    /// (`tlsscope completions bash > /etc/bash_completion.d/tlsscope`).
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// The manual page (roff) on standard output (`tlsscope man | man -l -`).
    Man,
    /// The JSON Schema (draft 2020-12) of the --json and --format jsonl output, on
    /// standard output (the same as schema/report.schema.json).
    Schema,
}

/// `-o FILE [--force]`: where a command that writes one document puts it.
#[derive(Debug, Args)]
pub struct OutputFile {
    /// Write to this file instead of standard output: created new, with mode 0600.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub path: Option<PathBuf>,
    /// Replace the `-o` file if it exists (never a symbolic link, never an input).
    #[arg(long, requires = "path")]
    pub force: bool,
}

/// What `ladder` draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LadderKind {
    Text,
    Mermaid,
    Svg,
}

impl Command {
    /// The options of a command that reads captures.
    pub fn common(&self) -> Option<&Common> {
        match self {
            Command::Summary(l) | Command::Requests(l) => Some(&l.common),
            Command::Inspect { common, .. }
            | Command::Follow { common, .. }
            | Command::Export { common, .. }
            | Command::Ladder { common, .. }
            | Command::Report { common, .. }
            | Command::Keylog { common, .. } => Some(common),
            Command::Completions { .. } | Command::Man | Command::Schema => None,
        }
    }
}

/// The shells `completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FollowDirection {
    Client,
    Server,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FollowFormat {
    Raw,
    Ascii,
    Hex,
}

/// What a command that lists connections (`summary`, `requests`) takes.
#[derive(Debug, Args)]
pub struct Listing {
    #[command(flatten)]
    pub view: View,
    #[command(flatten)]
    pub layout: Layout,
    #[command(flatten)]
    pub common: Common,
    /// Capture files (pcap or pcapng, optionally gzip-compressed), `-` for standard input.
    #[arg(required_unless_present = "interface")]
    pub captures: Vec<PathBuf>,
}

/// How a table of rows fits the screen.
#[derive(Debug, Args)]
pub struct Layout {
    /// Every column, nothing cut. Without it the table fits the terminal's width (when
    /// piped: COLUMNS, else 120): the least important columns are left out (the line
    /// under the table names them) and long values are cut with `…`.
    #[arg(long)]
    pub wide: bool,
    /// Colour the status cells (green decrypted, red failed, yellow damaged). auto: on
    /// a terminal, unless NO_COLOR is set or TERM=dumb.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl Layout {
    pub fn style(&self) -> TableStyle {
        let choice = match self.color {
            Color::Auto => ColorChoice::Auto,
            Color::Always => ColorChoice::Always,
            Color::Never => ColorChoice::Never,
        };
        TableStyle::for_stdout(self.wide, choice)
    }
}

/// How `summary` and `inspect` write their report.
#[derive(Debug, Args)]
pub struct View {
    /// table: for people; json: one document; jsonl: one connection per line as it
    /// becomes final, the capture object last (for jq, DuckDB, log shippers); parquet:
    /// tables for engines, in the folder -o DIR.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// The same as `--format json`.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// With --format parquet: the folder of the tables (connections.parquet,
    /// certificates.parquet, transactions.parquet), made if missing.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Replace the tables of an earlier run in the -o folder.
    #[arg(long, requires = "output")]
    pub force: bool,
    /// Table times in UTC (default: local time, as tshark shows them; the JSON is
    /// always UTC).
    #[arg(long)]
    pub utc: bool,
}

impl View {
    /// The clock the tables show.
    pub fn zone(&self) -> Zone {
        if self.utc {
            Zone::Utc
        } else {
            Zone::Local
        }
    }

    pub fn format(&self) -> OutputFormat {
        if self.json {
            OutputFormat::Json
        } else {
            self.format
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Jsonl,
    /// Parquet tables in the folder `-o DIR` (`summary` and `requests`).
    Parquet,
}

#[derive(Debug, Args)]
pub struct Common {
    /// Capture live from this network interface (libpcap) instead of reading capture
    /// files; Ctrl-C ends it, with the connections still open reported. Needs root, or
    /// the CAP_NET_RAW and CAP_NET_ADMIN capabilities.
    #[arg(
        short = 'i',
        long = "interface",
        value_name = "IFACE",
        conflicts_with = "captures"
    )]
    pub interface: Option<String>,
    /// With -i: a capture filter in libpcap's syntax, as tcpdump and tshark -f take it
    /// (`tcp port 443 or udp port 443`).
    #[arg(short = 'f', long = "capture-filter", value_name = "FILTER")]
    pub capture_filter: Option<String>,
    /// Only the connections this expression matches, e.g. 'sni ~ "example" && status !=
    /// decrypted' (--help lists the fields; the README has the grammar).
    #[arg(long, value_name = "EXPR", long_help = filter::help())]
    pub filter: Option<String>,
    /// Keep only the flows of shard i of N (`0/4`), by a symmetric flow hash: N runs
    /// over the same files split the connections between them, each exactly once.
    #[arg(long, value_name = "i/N", value_parser = tlsscope::flow::shard::Shard::parse)]
    pub shard: Option<tlsscope::flow::shard::Shard>,
    /// Server RSA private key (file or folder); repeatable. Used for decryption.
    #[arg(short = 'k', long = "key", value_name = "KEY")]
    pub keys: Vec<PathBuf>,
    /// NSS key log file (SSLKEYLOGFILE); repeatable.
    #[arg(long = "keylog", value_name = "FILE")]
    pub keylogs: Vec<PathBuf>,
    /// Pre-shared key (hex) for PSK and RSA-PSK cipher suites, and TLS 1.3 with an
    /// external PSK and no (EC)DHE (psk_ke).
    #[arg(long = "psk", value_name = "HEX")]
    pub psk: Option<String>,
    /// Password of encrypted key files (PKCS#8, PKCS#12).
    #[arg(
        long,
        value_name = "PASSWORD",
        env = "TLSSCOPE_KEY_PASSWORD",
        hide_env_values = true
    )]
    pub key_password: Option<String>,
    /// Trust the CA certificates of this PEM (or DER) file too when validating server
    /// chains; repeatable. Mozilla's roots are trusted unless --no-mozilla-roots.
    #[arg(long = "ca-file", value_name = "FILE")]
    pub ca_files: Vec<PathBuf>,
    /// Trust the CA certificates of every file in this folder (as openssl -CApath);
    /// repeatable.
    #[arg(long = "ca-dir", value_name = "DIR")]
    pub ca_dirs: Vec<PathBuf>,
    /// Trust the operating system's store too (SSL_CERT_FILE, SSL_CERT_DIR, or
    /// /etc/ssl/certs).
    #[arg(long)]
    pub system_roots: bool,
    /// Do not trust the bundled Mozilla roots: only --ca-file, --ca-dir, --system-roots.
    #[arg(long)]
    pub no_mozilla_roots: bool,
    /// Do not validate server certificate chains (the report's certificate_validation
    /// is null).
    #[arg(long, conflicts_with_all = ["ca_files", "ca_dirs", "system_roots", "no_mozilla_roots"])]
    pub no_validate: bool,
    /// Put each connection's secrets (master secret, TLS 1.3 traffic secrets) in the
    /// JSON and the inspect view. Off by default: secrets are printed only when asked.
    #[arg(long)]
    pub show_secrets: bool,
    /// Do not decode HTTP inside decrypted connections: faster, and the report has no
    /// `app` (`requests` lists nothing; `export` still reads the bodies).
    #[arg(long)]
    pub no_http: bool,
    /// No progress bar (it only shows on a terminal, for runs longer than a second).
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Session workers, and threads decrypting RSA pre-master secrets ahead of need
    /// (at most 256; 0: one worker, RSA inline). The output is the same for any N.
    /// Default: one per core.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(0..=256))]
    pub threads: Option<u16>,
    /// Bytes each TCP direction may hold out of order before a hole counts as lost
    /// (suffixes K, M, G: powers of 1024).
    #[arg(long, value_name = "BYTES", default_value = "4M", value_parser = parse_size)]
    pub max_out_of_order: usize,
    /// Out-of-order bytes all connections together may hold before holes count as lost.
    #[arg(long, value_name = "BYTES", default_value = "64M", value_parser = parse_size)]
    pub max_buffered: usize,
    /// TCP connections (and, in their own table, UDP flows) tracked at once; past it the
    /// least recently active are closed (and reported).
    #[arg(long, value_name = "N", default_value_t = 50_000,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// Messages `inspect` keeps per connection; the rest are counted.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub max_messages: usize,
    /// Memory that connections not yet written may hold together: their TLS state and
    /// their report detail. Past it, detail is counted instead of kept and the least
    /// recently active connections are ended early (both reported).
    #[arg(long, value_name = "BYTES", default_value = "40M", value_parser = parse_size)]
    pub max_memory: usize,
}

/// A size in bytes (`4096`, `64K`, `4M`, `1G`: powers of 1024) that fits in memory.
/// Zero is refused: every cap must let something through.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let bytes = tlsscope::units::parse_size(text)?;
    let bytes = usize::try_from(bytes).map_err(|_| format!("{text:?} is too large"))?;
    if bytes == 0 {
        return Err("must be at least 1 byte".into());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("4MiB"), Ok(4 << 20));
        // What the library reads as a size, but no cap can be.
        assert!(parse_size("0").is_err());
        assert!(parse_size("-1").is_err());
    }
}
