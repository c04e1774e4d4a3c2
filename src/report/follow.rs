//! `follow`: one connection's decrypted application data, as raw bytes, text or a hex dump.

use super::model::Side;

/// Which side(s) to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Client,
    Server,
    Both,
}

/// Output shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Raw,
    Ascii,
    Hex,
}

/// Renders the chunks (in capture order) for stdout.
pub fn render(chunks: &[(Side, Vec<u8>)], which: Which, format: Format) -> Vec<u8> {
    let wanted = |s: Side| match which {
        Which::Both => true,
        Which::Client => s == Side::Client,
        Which::Server => s == Side::Server,
    };
    let mut out = Vec::new();
    let mut offsets = [0usize; 2];
    for (side, data) in chunks.iter().filter(|(s, _)| wanted(*s)) {
        let arrow = match side {
            Side::Client => "client → server",
            Side::Server => "server → client",
        };
        match format {
            Format::Raw => out.extend_from_slice(data),
            Format::Ascii => {
                if which == Which::Both {
                    out.extend_from_slice(
                        format!("==> {arrow} ({} bytes)\n", data.len()).as_bytes(),
                    );
                }
                out.extend(data.iter().map(|&b| match b {
                    b'\n' | b'\r' | b'\t' | 0x20..=0x7e => b,
                    _ => b'.',
                }));
                if which == Which::Both && !data.ends_with(b"\n") {
                    out.push(b'\n');
                }
            }
            Format::Hex => {
                let o = &mut offsets[*side as usize];
                if which == Which::Both {
                    out.extend_from_slice(
                        format!("==> {arrow} ({} bytes)\n", data.len()).as_bytes(),
                    );
                }
                for line in data.chunks(16) {
                    let hex: Vec<String> = line.iter().map(|b| format!("{b:02x}")).collect();
                    let text: String = line
                        .iter()
                        .map(|&b| {
                            if (0x20..0x7f).contains(&b) {
                                b as char
                            } else {
                                '.'
                            }
                        })
                        .collect();
                    out.extend_from_slice(
                        format!("{:08x}  {:<47}  {text}\n", *o, hex.join(" ")).as_bytes(),
                    );
                    *o += line.len();
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_keeps_bytes_and_filters_sides() {
        let chunks = vec![
            (Side::Client, b"GET /\r\n".to_vec()),
            (Side::Server, vec![0, 1]),
        ];
        assert_eq!(render(&chunks, Which::Client, Format::Raw), b"GET /\r\n");
        assert_eq!(
            render(&chunks, Which::Both, Format::Raw),
            b"GET /\r\n\x00\x01"
        );
        let text = String::from_utf8(render(&chunks, Which::Both, Format::Ascii)).unwrap();
        assert!(text.contains("==> server → client (2 bytes)\n.."));
        let hex = String::from_utf8(render(&chunks, Which::Server, Format::Hex)).unwrap();
        assert!(hex.starts_with("00000000  00 01"));
    }
}
