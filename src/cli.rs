//! The command line (clap): subcommands and their options. Parsing only; the work is
//! done by the library.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
    Summary {
        #[command(flatten)]
        common: Common,
        /// Capture files (pcap or pcapng, optionally gzip-compressed).
        #[arg(required = true)]
        captures: Vec<PathBuf>,
    },
    /// Every handshake message of every connection (or of one), with its fields.
    Inspect {
        #[command(flatten)]
        common: Common,
        /// Only this connection (the id shown by `summary`).
        #[arg(long = "conn", value_name = "ID")]
        conn: Option<u64>,
        #[arg(required = true)]
        captures: Vec<PathBuf>,
    },
    /// The decrypted application data of one connection, like tshark's follow TLS stream.
    Follow {
        #[command(flatten)]
        common: Common,
        #[arg(long = "conn", value_name = "ID")]
        conn: u64,
        /// Which side's data to show.
        #[arg(long, value_enum, default_value_t = FollowDirection::Both)]
        direction: FollowDirection,
        /// raw: the exact bytes; ascii: printable text with direction markers; hex: a dump.
        #[arg(long, value_enum, default_value_t = FollowFormat::Ascii)]
        format: FollowFormat,
        #[arg(required = true)]
        captures: Vec<PathBuf>,
    },
    /// The recovered master secrets as an NSS key log (CLIENT_RANDOM lines) for Wireshark.
    Keylog {
        #[command(flatten)]
        common: Common,
        /// Write to this file (created with mode 0600) instead of standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(required = true)]
        captures: Vec<PathBuf>,
    },
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

#[derive(Debug, Args)]
pub struct Common {
    /// Print one JSON document instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Server RSA private key (file or folder); repeatable. Used for decryption.
    #[arg(short = 'k', long = "key", value_name = "KEY")]
    pub keys: Vec<PathBuf>,
    /// NSS key log file (SSLKEYLOGFILE); repeatable.
    #[arg(long = "keylog", value_name = "FILE")]
    pub keylogs: Vec<PathBuf>,
    /// Pre-shared key (hex) for PSK and RSA-PSK cipher suites.
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
    /// Put each connection's secrets (master secret, TLS 1.3 traffic secrets) in the
    /// JSON and the inspect view. Off by default: secrets are printed only when asked.
    #[arg(long)]
    pub show_secrets: bool,
    /// No progress bar (it only shows on a terminal, for runs longer than a second).
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Threads decrypting RSA pre-master secrets ahead of need (0: none). Default: one
    /// per core.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Bytes each TCP direction may hold out of order before a hole counts as lost.
    #[arg(long, value_name = "BYTES", default_value_t = 4 << 20)]
    pub max_out_of_order: usize,
    /// Out-of-order bytes all connections together may hold before holes count as lost.
    #[arg(long, value_name = "BYTES", default_value_t = 256 << 20)]
    pub max_buffered: usize,
    /// TCP connections tracked at once; past it the least recently active are closed
    /// (and reported).
    #[arg(long, value_name = "N", default_value_t = 50_000)]
    pub max_connections: usize,
}
