//! Timestamps as AWS reads them in Wait (`Timestamp`, `TimestampPath`) and in Choice
//! (`Timestamp*`, `IsTimestamp`).
//!
//! AWS's error text calls the format "ISO-8601 extended offset date-time", i.e. Java's
//! `ISO_OFFSET_DATE_TIME` with a strict resolver: `YYYY-MM-DDTHH:MM[:SS[.fffffffff]]` followed by
//! `Z` or `±HH:MM[:SS]`. The AWS docs additionally require an uppercase `T` and `Z`, so the
//! parser is case-sensitive. Calendar dates are checked (no 2016-13-05, no Feb 30, no hour 25).

/// An instant: seconds since the Unix epoch (UTC) plus nanoseconds. Ordered by time, so two
/// timestamps written with different offsets compare as the instants they denote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    secs: i64,
    nanos: u32,
}

impl Timestamp {
    /// Builds a timestamp in a const context (generated code uses this for literal operands).
    /// `nanos` above 999 999 999 are clamped.
    pub const fn from_parts(secs: i64, nanos: u32) -> Self {
        let nanos = if nanos > 999_999_999 { 999_999_999 } else { nanos };
        Timestamp { secs, nanos }
    }

    /// Whole seconds since 1970-01-01T00:00:00Z (negative before).
    pub const fn unix_seconds(&self) -> i64 {
        self.secs
    }

    /// The sub-second part, in nanoseconds.
    pub const fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Milliseconds since the epoch, rounded down (what a Wait state schedules on).
    pub const fn unix_millis(&self) -> i64 {
        self.secs.saturating_mul(1000).saturating_add((self.nanos / 1_000_000) as i64)
    }
}

/// Parses an AWS timestamp; `None` if AWS would reject it.
pub fn parse(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    let mut p = 0;
    let year = digits(b, &mut p, 4)?;
    expect(b, &mut p, b'-')?;
    let month = digits(b, &mut p, 2)?;
    expect(b, &mut p, b'-')?;
    let day = digits(b, &mut p, 2)?;
    expect(b, &mut p, b'T')?;
    let hour = digits(b, &mut p, 2)?;
    expect(b, &mut p, b':')?;
    let minute = digits(b, &mut p, 2)?;
    let mut second = 0;
    let mut nanos = 0u32;
    if b.get(p) == Some(&b':') {
        p += 1;
        second = digits(b, &mut p, 2)?;
        if b.get(p) == Some(&b'.') {
            p += 1;
            let start = p;
            while p < b.len() && b[p].is_ascii_digit() && p - start < 9 {
                nanos = nanos * 10 + u32::from(b[p] - b'0');
                p += 1;
            }
            let n = p - start;
            if n == 0 {
                return None;
            }
            nanos *= 10u32.pow(9 - n as u32);
        }
    }
    let offset = match b.get(p)? {
        b'Z' => {
            p += 1;
            0
        }
        sign @ (b'+' | b'-') => {
            p += 1;
            let oh = digits(b, &mut p, 2)?;
            expect(b, &mut p, b':')?;
            let om = digits(b, &mut p, 2)?;
            let mut os = 0;
            if b.get(p) == Some(&b':') {
                p += 1;
                os = digits(b, &mut p, 2)?;
            }
            if oh > 18 || om > 59 || os > 59 || (oh == 18 && (om > 0 || os > 0)) {
                return None;
            }
            let off = oh * 3600 + om * 60 + os;
            if *sign == b'-' { -off } else { off }
        }
        _ => return None,
    };
    if p != b.len() {
        return None;
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some(Timestamp { secs, nanos })
}

fn digits(b: &[u8], p: &mut usize, n: usize) -> Option<i64> {
    let chunk = b.get(*p..*p + n)?;
    let mut v = 0i64;
    for &c in chunk {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    *p += n;
    Some(v)
}

fn expect(b: &[u8], p: &mut usize, c: u8) -> Option<()> {
    (b.get(*p) == Some(&c)).then(|| *p += 1)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(feature = "tokens")]
impl crate::ToRust for Timestamp {
    fn to_rust(&self, k: &proc_macro2::TokenStream) -> proc_macro2::TokenStream {
        let (secs, nanos) = (self.secs, self.nanos);
        quote::quote!(#k::timestamp::Timestamp::from_parts(#secs, #nanos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_aws_forms() {
        let t = parse("2016-03-14T01:59:00Z").unwrap();
        assert_eq!(t.unix_seconds(), 1_457_920_740);
        assert_eq!(parse("1970-01-01T00:00:00Z").unwrap(), Timestamp::from_parts(0, 0));
        let n = parse("2016-03-05T21:29:29.243167252Z").unwrap();
        assert_eq!(n.subsec_nanos(), 243_167_252);
        assert_eq!(parse("2026-11-25T12:04:06.000000Z").unwrap().subsec_nanos(), 0);
        assert_eq!(parse("2012-10-09T19:00:55.5Z").unwrap().subsec_nanos(), 500_000_000);
        // Offsets denote the same instant.
        assert_eq!(parse("2012-10-09T20:00:55+01:00"), parse("2012-10-09T19:00:55Z"));
        assert_eq!(parse("2012-10-09T18:00:55-01:00"), parse("2012-10-09T19:00:55Z"));
        assert!(parse("2016-12-05T21:29Z").is_some()); // seconds are optional in ISO-8601
        assert!(parse("2016-02-29T00:00:00Z").is_some());
        assert!(parse("1969-12-31T23:59:59Z").unwrap().unix_seconds() == -1);
    }

    #[test]
    fn rejects_what_aws_rejects() {
        for s in [
            "2016-13-05T21:29:29Z", // INVALID_DATE
            "05-12-2016T21:29:29Z", // INVALID_ISO
            "2016-12-05T25:29:29Z", // INVALID_TIME
            "2016-12-05 21:29:29Z", // NO_T
            "2016-12-05T21:29:29",  // NO_Z
            "2026-11-25T12:04:06.000000",
            "2012-10-09",
            "2015-02-29T00:00:00Z",
            "2016-04-31T00:00:00Z",
            "2016-12-05t21:29:29Z",
            "2016-12-05T21:29:29z",
            "2016-12-05T21:29:29.Z",
            "2016-12-05T21:29:29.1234567890Z",
            "2016-12-05T21:29:29+19:00",
            "2016-12-05T21:29:29+0100",
            "2016-12-05T21:29:60Z",
            "",
            "Z",
            "2016-12-05T21:29:29Zjunk",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }

    #[test]
    fn orders_by_instant() {
        let a = parse("2012-10-09T19:00:55Z").unwrap();
        let b = parse("2012-10-09T19:00:55.000000001Z").unwrap();
        assert!(a < b);
        assert_eq!(b.unix_millis(), a.unix_millis());
    }
}
