//! Sizes as people write them on a command line: `4096`, `64K`, `4M`, `1G`.

/// A size in bytes: a number, optionally followed by K, M, G or T (powers of 1024;
/// `KiB`, `MB`… are read the same way). Zero is a size here: callers for which it makes
/// no sense refuse it themselves.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{text:?} is not a size (e.g. 4096, 64K, 4M, 1G)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(format!("{text:?}: unknown unit (use K, M or G)")),
    };
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("{text:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert_eq!(parse_size("4 MiB"), Ok(4 << 20));
        assert!(parse_size("4X").is_err());
        assert!(parse_size("x").is_err());
        assert!(parse_size("16777216T").is_err());
    }
}
