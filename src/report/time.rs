//! RFC 3339 timestamps without a date-time dependency (the JSON's, always UTC), and the
//! tables' times, in UTC or local time (`--utc`), with the date when it is needed.

/// Which clock the tables show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Zone {
    /// The machine's local time (its TZ), as tshark and Wireshark show times.
    #[default]
    Local,
    Utc,
}

impl Zone {
    /// Seconds east of UTC at the instant `ns` (daylight saving included).
    fn offset_secs(self, ns: i64) -> i64 {
        match self {
            Zone::Utc => 0,
            Zone::Local => local_offset(ns.div_euclid(1_000_000_000)),
        }
    }

    /// The day (since the epoch) the instant falls on in this zone.
    pub fn day(self, ns: i64) -> i64 {
        (ns.div_euclid(1_000_000_000) + self.offset_secs(ns)).div_euclid(86_400)
    }
}

#[cfg(unix)]
fn local_offset(secs: i64) -> i64 {
    // time_t is 32 bits on some targets.
    #[allow(irrefutable_let_patterns)]
    let Ok(t) = libc::time_t::try_from(secs) else {
        return 0;
    };
    // SAFETY: localtime_r only writes the tm it is given; both live for the call.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            return 0;
        }
        tm.tm_gmtoff as i64
    }
}

#[cfg(not(unix))]
fn local_offset(_secs: i64) -> i64 {
    0
}

/// A table's time: `12:11:22.628618` (UTC with a `Z`), with the date in front
/// (`2026-11-27 12:11:22.628618Z`) when `with_date`.
pub fn table_time(ns: i64, zone: Zone, with_date: bool) -> String {
    let (date, time) = civil(ns, zone);
    let z = if zone == Zone::Utc { "Z" } else { "" };
    if with_date {
        format!("{date} {time}{z}")
    } else {
        format!("{time}{z}")
    }
}

/// A full time with the date and the zone: `2026-11-27 12:11:22.628618Z`, or in local
/// time `2026-11-27 13:11:22.628618 +01:00`.
pub fn dated_time(ns: i64, zone: Zone) -> String {
    let (date, time) = civil(ns, zone);
    match zone {
        Zone::Utc => format!("{date} {time}Z"),
        Zone::Local => {
            let off = zone.offset_secs(ns);
            let sign = if off < 0 { '-' } else { '+' };
            let off = off.abs();
            format!("{date} {time} {sign}{:02}:{:02}", off / 3600, off / 60 % 60)
        }
    }
}

/// The date and the time of day (to the microsecond, or the nanosecond when it has
/// them) of `ns` in `zone`.
fn civil(ns: i64, zone: Zone) -> (String, String) {
    let shifted = ns.saturating_add(zone.offset_secs(ns).saturating_mul(1_000_000_000));
    let full = rfc3339(shifted);
    // `YYYY-MM-DDTHH:MM:SS.fracZ`
    let date = full.get(..10).unwrap_or_default().to_string();
    let time = full
        .get(11..full.len().saturating_sub(1))
        .unwrap_or_default()
        .to_string();
    (date, time)
}

/// Formats nanoseconds since the Unix epoch as `2024-01-02T03:04:05.123456789Z`
/// (fraction trimmed to microseconds when the nanoseconds are zero).
pub fn rfc3339(ns: i64) -> String {
    Rfc3339::new(ns).as_str().to_owned()
}

/// [`rfc3339`]'s text on the stack: every message and alert of a report carries a time,
/// and formatting them through `format!` was a tenth of a handshake-heavy run's CPU.
pub struct Rfc3339 {
    buf: [u8; Rfc3339::MAX],
    len: usize,
}

impl Rfc3339 {
    /// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`: an `i64` of nanoseconds spans the years 1677 to
    /// 2262, four digits each.
    const MAX: usize = 30;

    pub fn new(ns: i64) -> Self {
        let secs = ns.div_euclid(1_000_000_000);
        let nanos = ns.rem_euclid(1_000_000_000);
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let mut t = Rfc3339 {
            buf: [0; Rfc3339::MAX],
            len: 0,
        };
        t.digits(y.unsigned_abs(), 4);
        t.push(b'-');
        t.digits(u64::from(m), 2);
        t.push(b'-');
        t.digits(u64::from(d), 2);
        t.push(b'T');
        t.digits((sod / 3600) as u64, 2);
        t.push(b':');
        t.digits((sod / 60 % 60) as u64, 2);
        t.push(b':');
        t.digits((sod % 60) as u64, 2);
        t.push(b'.');
        if nanos % 1000 == 0 {
            t.digits((nanos / 1000) as u64, 6);
        } else {
            t.digits(nanos as u64, 9);
        }
        t.push(b'Z');
        t
    }

    fn push(&mut self, b: u8) {
        self.buf[self.len] = b;
        self.len += 1;
    }

    /// `n` in decimal, zero-padded to `width` digits.
    fn digits(&mut self, mut n: u64, width: usize) {
        let end = self.len + width;
        for i in (self.len..end).rev() {
            self.buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        self.len = end;
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII digits and separators are ever written.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

impl serde::Serialize for Rfc3339 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_times_in_utc() {
        let ns = 1_700_000_000_123_456_000;
        assert_eq!(table_time(ns, Zone::Utc, false), "22:13:20.123456Z");
        assert_eq!(
            table_time(ns, Zone::Utc, true),
            "2023-11-14 22:13:20.123456Z"
        );
        assert_eq!(dated_time(ns, Zone::Utc), "2023-11-14 22:13:20.123456Z");
        assert_eq!(Zone::Utc.day(ns), 19_675);
        assert_eq!(Zone::Utc.day(ns + 2 * 3600 * 1_000_000_000), 19_676);
    }

    #[test]
    fn local_times_carry_their_offset() {
        let ns = 1_700_000_000_123_456_000;
        let off = Zone::Local.offset_secs(ns);
        let local = dated_time(ns, Zone::Local);
        // Whatever TZ the tests run in, the offset shown is the one applied.
        let shown = &local[local.len() - 6..];
        let sign = if off < 0 { '-' } else { '+' };
        assert_eq!(
            shown,
            format!("{sign}{:02}:{:02}", off.abs() / 3600, off.abs() / 60 % 60)
        );
        assert_eq!(
            &local[..26],
            dated_time(ns + off * 1_000_000_000, Zone::Utc)[..26].to_string()
        );
    }

    #[test]
    fn known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            rfc3339(1_700_000_000_123_456_000),
            "2023-11-14T22:13:20.123456Z"
        );
        assert_eq!(
            rfc3339(951_782_400_000_000_001),
            "2000-02-29T00:00:00.000000001Z"
        );
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59.999999999Z");
        assert_eq!(rfc3339(i64::MIN), "1677-09-21T00:12:43.145224192Z");
        assert_eq!(rfc3339(i64::MAX), "2262-04-11T23:47:16.854775807Z");
    }
}
