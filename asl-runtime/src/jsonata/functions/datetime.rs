//! Date/time functions: `$now`, `$millis`, `$fromMillis`, `$toMillis`, and the integer
//! pictures of `$formatInteger`/`$parseInteger`.
//!
//! Pictures follow XPath F&O 9.8 as jsonata-js implements them, for the common components:
//! numeric presentations with widths (`[Y0001]`, `[M01]`, `[D1]`, `[f001]`), names (`[MNn]`,
//! `[FNn,3-3]`), am/pm (`[P]`), time zones (`[Z01:01]`, `[z]`, `t`), ordinals (`o`), roman
//! numerals (`I`/`i`) and letters (`A`/`a`). `$toMillis` with a picture reads numeric
//! components and month names.

use std::time::{SystemTime, UNIX_EPOCH};

use super::Args;
use crate::jsonata::error::{JError, JResult};
use crate::jsonata::eval::{Ev, Res};
use crate::jsonata::value::Val;

const MONTHS: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const ISO_PICTURE: &str = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]";

fn now_ms(ev: &Ev) -> i64 {
    if let Some(t) = ev.now_ms.get() {
        return t;
    }
    let t = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
    ev.now_ms.set(Some(t));
    t
}

pub fn now<'a>(ev: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let ms = now_ms(ev) as f64;
    Ok(Some(Val::str(format_datetime(ms, a.str(0), a.str(1))?)))
}

pub fn millis<'a>(ev: &Ev<'a>, _: Args<'a>) -> Res<'a> {
    Ok(Some(Val::Num(now_ms(ev) as f64)))
}

pub fn from_millis<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(ms) = a.num(0) else { return Ok(None) };
    Ok(Some(Val::str(format_datetime(ms, a.str(1), a.str(2))?)))
}

pub fn to_millis<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(ts) = a.str(0) else { return Ok(None) };
    match a.str(1) {
        None => match parse_iso(ts) {
            Some(ms) => Ok(Some(Val::Num(ms))),
            None => Err(JError::new("D3110").value(a.get(0))),
        },
        Some(picture) => Ok(parse_with_picture(ts, picture)?.map(Val::Num)),
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `Date.parse` of the ISO 8601 forms jsonata-js accepts (times without an offset are UTC).
pub fn parse_iso(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let t = s.get(from..from + len)?;
        t.bytes().all(|c| c.is_ascii_digit()).then(|| t.parse().ok())?
    };
    let year = num(0, 4)?;
    let mut i = 4;
    let (mut month, mut day) = (1, 1);
    if b.get(i) == Some(&b'-') {
        month = num(i + 1, 2)?;
        i += 3;
        if b.get(i) == Some(&b'-') {
            day = num(i + 1, 2)?;
            i += 3;
        }
    }
    let (mut h, mut mi, mut sec, mut ms) = (0, 0, 0, 0.0);
    if b.get(i) == Some(&b'T') {
        h = num(i + 1, 2)?;
        if b.get(i + 3) != Some(&b':') {
            return None;
        }
        mi = num(i + 4, 2)?;
        i += 6;
        if b.get(i) == Some(&b':') {
            sec = num(i + 1, 2)?;
            i += 3;
        }
        if b.get(i) == Some(&b'.') {
            let digits: String = s[i + 1..].chars().take_while(|c| c.is_ascii_digit()).collect();
            if digits.is_empty() {
                return None;
            }
            i += 1 + digits.len();
            ms = format!("0.{digits}").parse::<f64>().ok()? * 1000.0;
            ms = ms.floor();
        }
    }
    let mut offset = 0;
    match b.get(i) {
        None => {}
        Some(b'Z') if i + 1 == b.len() => {}
        Some(&c @ (b'+' | b'-')) => {
            let oh = num(i + 1, 2)?;
            let om = if b.get(i + 3) == Some(&b':') { num(i + 4, 2)? } else { num(i + 3, 2)? };
            offset = (oh * 60 + om) * if c == b'+' { 1 } else { -1 };
        }
        _ => return None,
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) || h > 24 || mi > 59 || sec > 59 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 86400 + h * 3600 + mi * 60 + sec - offset * 60) * 1000) as f64 + ms)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// One `[…]` marker of a picture.
struct Marker {
    component: char,
    /// The presentation (`01`, `1`, `N`, `Nn`, `n`, `I`, `i`, `A`, `a`, `w`, `W`).
    presentation: String,
    /// `t`: write `Z` for a zero offset; `o`: ordinal.
    modifier: Option<char>,
    max_width: Option<usize>,
}

enum Part {
    Lit(String),
    Mark(Marker),
}

fn analyse(picture: &str) -> JResult<Vec<Part>> {
    let mut parts = vec![];
    let mut lit = String::new();
    let mut chars = picture.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' if chars.peek() == Some(&'[') => {
                chars.next();
                lit.push('[');
            }
            ']' if chars.peek() == Some(&']') => {
                chars.next();
                lit.push(']');
            }
            '[' => {
                let mut body = String::new();
                let mut closed = false;
                for d in chars.by_ref() {
                    if d == ']' {
                        closed = true;
                        break;
                    }
                    body.push(d);
                }
                if !closed {
                    return Err(JError::new("D3135"));
                }
                if !lit.is_empty() {
                    parts.push(Part::Lit(std::mem::take(&mut lit)));
                }
                let body: String = body.chars().filter(|c| !c.is_whitespace()).collect();
                parts.push(Part::Mark(marker(&body)?));
            }
            _ => lit.push(c),
        }
    }
    if !lit.is_empty() {
        parts.push(Part::Lit(lit));
    }
    Ok(parts)
}

fn marker(body: &str) -> JResult<Marker> {
    let mut cs = body.chars();
    let component = cs.next().unwrap_or(' ');
    if !"YMDdFWwXxHhPmsfZzCE".contains(component) {
        return Err(JError::new("D3132").value_text(format!("\"{component}\"")));
    }
    let rest: String = cs.collect();
    let (pres, width) = match rest.split_once(',') {
        Some((p, w)) => (p.to_string(), Some(w.to_string())),
        None => (rest, None),
    };
    let max_width = width.and_then(|w| w.split_once('-').map(|(_, m)| m.to_string()).or(Some(w))).and_then(|m| m.parse().ok());
    let mut presentation = pres;
    let mut modifier = None;
    if let Some(last) = presentation.chars().last() {
        if (last == 't' || last == 'o') && presentation.len() > 1 {
            modifier = Some(last);
            presentation.pop();
        } else if last == 't' && component.eq_ignore_ascii_case(&'z') {
            modifier = Some(last);
            presentation.pop();
        }
    }
    if presentation.is_empty() {
        presentation = match component {
            'F' => "n".into(),
            'P' => "n".into(),
            'Y' => "1".into(),
            'M' | 'D' | 'd' | 'H' | 'h' | 'm' | 's' | 'W' | 'w' | 'X' | 'x' => {
                if "ms".contains(component) {
                    "01".into()
                } else {
                    "1".into()
                }
            }
            'f' => "1".into(),
            'Z' | 'z' => "01:01".into(),
            _ => "1".into(),
        };
    }
    Ok(Marker { component, presentation, modifier, max_width })
}

/// Formats milliseconds since the epoch with a picture (ISO 8601 when none) in a time zone
/// given as `±HHMM`.
pub fn format_datetime(ms: f64, picture: Option<&str>, timezone: Option<&str>) -> JResult<String> {
    let (oh, om) = match timezone {
        Some(tz) => {
            let off: i64 = tz.trim_start_matches('+').parse().unwrap_or(0);
            (off.div_euclid(100) + if off < 0 && off % 100 != 0 { 1 } else { 0 }, off % 100)
        }
        None => (0, 0),
    };
    let offset_min = oh * 60 + om;
    let local = ms.floor() as i64 + offset_min * 60_000;
    let days = local.div_euclid(86_400_000);
    let tod = local.rem_euclid(86_400_000);
    let (y, mo, d) = civil_from_days(days);
    let (h, mi, s, f) = (tod / 3_600_000, tod / 60_000 % 60, tod / 1000 % 60, tod % 1000);
    let dow = (days + 3).rem_euclid(7) + 1; // 1 = Monday
    let parts = analyse(picture.unwrap_or(ISO_PICTURE))?;
    let mut out = String::new();
    for part in parts {
        match part {
            Part::Lit(l) => out.push_str(&l),
            Part::Mark(m) => {
                let v = match m.component {
                    'Y' => y,
                    'M' => mo,
                    'D' => d,
                    'd' => days - days_from_civil(y, 1, 1) + 1,
                    'F' => dow,
                    'H' => h,
                    'h' => {
                        let x = h % 12;
                        if x == 0 { 12 } else { x }
                    }
                    'm' => mi,
                    's' => s,
                    'f' => f,
                    'W' => iso_week(y, mo, d),
                    'w' => (d + (days_from_civil(y, mo, 1) + 3).rem_euclid(7)) / 7 + 1,
                    'X' => y,
                    'x' => mo,
                    'P' => {
                        let ampm = if h < 12 { "am" } else { "pm" };
                        out.push_str(&if m.presentation == "N" { ampm.to_uppercase() } else { ampm.to_string() });
                        continue;
                    }
                    'Z' | 'z' => {
                        out.push_str(&format_zone(&m, oh, om));
                        continue;
                    }
                    'E' => {
                        out.push_str("ISO");
                        continue;
                    }
                    _ => {
                        out.push_str("ISO");
                        continue;
                    }
                };
                out.push_str(&format_component(&m, v)?);
            }
        }
    }
    Ok(out)
}

fn iso_week(y: i64, m: i64, d: i64) -> i64 {
    let days = days_from_civil(y, m, d);
    let dow = (days + 3).rem_euclid(7); // 0 = Monday
    let thursday = days - dow + 3;
    let (ty, _, _) = civil_from_days(thursday);
    (thursday - days_from_civil(ty, 1, 1)) / 7 + 1
}

/// `n` (not negative) with leading zeros to `width` digits. Not `format!("{:0w$}")`: its width
/// must fit in a u16, and a picture with more digits than that made it panic.
fn zero_padded(n: impl std::fmt::Display, width: usize) -> String {
    let digits = n.to_string();
    let mut out = "0".repeat(width.saturating_sub(digits.len()));
    out.push_str(&digits);
    out
}

fn format_zone(m: &Marker, oh: i64, om: i64) -> String {
    let total = oh * 100 + om;
    if total == 0 && m.modifier == Some('t') {
        return "Z".into();
    }
    let digits: String = m.presentation.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if total >= 0 { "+" } else { "-" };
    let (ah, am) = (oh.abs(), om.abs());
    let body = if m.presentation.contains(':') {
        let hw = m.presentation.split(':').next().map_or(2, |p| p.len());
        format!("{}:{:02}", zero_padded(ah, hw), am)
    } else if digits.len() <= 2 {
        if am != 0 { format!("{}:{:02}", zero_padded(ah, digits.len().max(1)), am) } else { zero_padded(ah, digits.len().max(1)) }
    } else {
        zero_padded(ah * 100 + am, digits.len())
    };
    let z = format!("{sign}{body}");
    if m.component == 'z' { format!("GMT{z}") } else { z }
}

fn format_component(m: &Marker, v: i64) -> JResult<String> {
    let p = m.presentation.as_str();
    let name = |names: &[&str], i: usize| -> String {
        let n = names.get(i).copied().unwrap_or("");
        let n = match p {
            "N" => n.to_uppercase(),
            "n" => n.to_lowercase(),
            _ => n.to_string(),
        };
        match m.max_width {
            Some(w) => n.chars().take(w).collect(),
            None => n,
        }
    };
    if p.starts_with('N') || p == "n" {
        return match m.component {
            'M' | 'x' => Ok(name(&MONTHS, (v - 1).max(0) as usize)),
            'F' => Ok(name(&DAYS, (v - 1).max(0) as usize)),
            c => Err(JError::new("D3133").value_text(format!("\"{c}\""))),
        };
    }
    let v = if m.component == 'Y' && p.chars().filter(|c| c.is_ascii_digit()).count() == 2 && p.len() == 2 { v % 100 } else { v };
    if m.component == 'f' {
        // fractional seconds: the digits are significant from the left
        let w = p.chars().filter(|c| c.is_ascii_digit()).count().max(1);
        let s = format!("{v:03}");
        let mut s: String = s.chars().take(w).collect();
        while s.len() < w {
            s.push('0');
        }
        return Ok(s);
    }
    let mut s = format_integer(v, p)?;
    if m.modifier == Some('o') {
        s.push_str(ordinal_suffix(v));
    }
    Ok(s)
}

fn ordinal_suffix(v: i64) -> &'static str {
    match (v % 10, v % 100) {
        (1, x) if x != 11 => "st",
        (2, x) if x != 12 => "nd",
        (3, x) if x != 13 => "rd",
        _ => "th",
    }
}

/// `$formatInteger`'s pictures: decimal digit patterns (with `#` and grouping separators),
/// `I`/`i` roman numerals, `A`/`a` letters, `W`/`w`/`Ww` words.
pub fn format_integer(v: i64, picture: &str) -> JResult<String> {
    let (p, ordinal) = match picture.split_once(';') {
        Some((p, m)) => (p, m.contains('o')),
        None => (picture, false),
    };
    let out = match p {
        "I" => roman(v),
        "i" => roman(v).to_lowercase(),
        "A" => letters(v, 'A'),
        "a" => letters(v, 'a'),
        "W" => words(v).to_uppercase(),
        "w" => words(v),
        "Ww" => words(v).split(' ').map(capitalise).collect::<Vec<_>>().join(" "),
        _ => {
            let mandatory = p.chars().filter(|c| c.is_ascii_digit()).count().max(1);
            let sep: Option<(char, usize)> = p.chars().rev().position(|c| !c.is_ascii_digit() && c != '#').and_then(|i| p.chars().rev().nth(i).map(|c| (c, i)));
            let digits = zero_padded(v.unsigned_abs(), mandatory);
            let body = match sep {
                Some((c, every)) if every > 0 => {
                    let chars: Vec<char> = digits.chars().collect();
                    let mut s = String::new();
                    for (i, ch) in chars.iter().enumerate() {
                        if i > 0 && (chars.len() - i).is_multiple_of(every) {
                            s.push(c);
                        }
                        s.push(*ch);
                    }
                    s
                }
                _ => digits,
            };
            if v < 0 { format!("-{body}") } else { body }
        }
    };
    Ok(if ordinal { format!("{out}{}", ordinal_suffix(v)) } else { out })
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    c.next().map_or(String::new(), |f| f.to_uppercase().collect::<String>() + c.as_str())
}

fn roman(mut v: i64) -> String {
    const R: [(i64, &str); 13] = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")];
    let mut s = String::new();
    for (n, r) in R {
        while v >= n {
            s.push_str(r);
            v -= n;
        }
    }
    s
}

fn letters(mut v: i64, base: char) -> String {
    let mut s = vec![];
    while v > 0 {
        let d = ((v - 1) % 26) as u8;
        s.push((base as u8 + d) as char);
        v = (v - 1) / 26;
    }
    s.iter().rev().collect()
}

fn words(v: i64) -> String {
    const ONES: [&str; 20] =
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
    const TENS: [&str; 10] = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
    fn w(v: i64, top: bool) -> String {
        match v {
            0..=19 => ONES[v as usize].to_string(),
            20..=99 => {
                let t = TENS[(v / 10) as usize];
                if v % 10 == 0 { t.to_string() } else { format!("{t}-{}", ONES[(v % 10) as usize]) }
            }
            100..=999 => {
                let r = v % 100;
                let h = format!("{} hundred", ONES[(v / 100) as usize]);
                if r == 0 { h } else { format!("{h} and {}", w(r, false)) }
            }
            _ => {
                let scales = [(1_000_000_000_000i64, "trillion"), (1_000_000_000, "billion"), (1_000_000, "million"), (1000, "thousand")];
                for (n, name) in scales {
                    if v >= n {
                        let r = v % n;
                        let head = format!("{} {name}", w(v / n, top));
                        return if r == 0 {
                            head
                        } else if r < 100 {
                            format!("{head} and {}", w(r, false))
                        } else {
                            format!("{head}, {}", w(r, false))
                        };
                    }
                }
                String::new()
            }
        }
    }
    if v < 0 { format!("minus {}", w(-v, true)) } else { w(v, true) }
}

pub fn format_integer_fn<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(v) = a.num(0) else { return Ok(None) };
    Ok(Some(Val::str(format_integer(v.floor() as i64, a.str(1).unwrap_or("0"))?)))
}

pub fn parse_integer_fn<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(s) = a.str(0) else { return Ok(None) };
    let p = a.str(1).unwrap_or("0");
    let v = match p {
        "I" | "i" => parse_roman(&s.to_uppercase()),
        "A" | "a" => s.to_uppercase().bytes().fold(0i64, |acc, c| acc * 26 + (c as i64 - 64)),
        _ => s.chars().filter(|c| c.is_ascii_digit() || *c == '-').collect::<String>().parse().unwrap_or(0),
    };
    Ok(Some(Val::Num(v as f64)))
}

fn parse_roman(s: &str) -> i64 {
    let val = |c: char| match c {
        'I' => 1,
        'V' => 5,
        'X' => 10,
        'L' => 50,
        'C' => 100,
        'D' => 500,
        'M' => 1000,
        _ => 0,
    };
    let cs: Vec<i64> = s.chars().map(val).collect();
    let mut total = 0;
    for (i, &v) in cs.iter().enumerate() {
        if cs.get(i + 1).is_some_and(|&n| n > v) { total -= v } else { total += v }
    }
    total
}

/// `$toMillis(ts, picture)`: reads numeric components (and month names) at the positions the
/// picture gives them; missing date parts default to the epoch's.
fn parse_with_picture(ts: &str, picture: &str) -> JResult<Option<f64>> {
    let parts = analyse(picture)?;
    let (mut y, mut mo, mut d, mut h, mut mi, mut s, mut f, mut pm, mut off) = (1970, 1, 1, 0, 0, 0, 0, None, 0i64);
    let mut rest = ts;
    for (i, part) in parts.iter().enumerate() {
        match part {
            Part::Lit(l) => match rest.strip_prefix(l.as_str()) {
                Some(r) => rest = r,
                None => return Ok(None),
            },
            Part::Mark(m) => {
                if m.presentation.starts_with('N') || m.presentation == "n" {
                    let word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
                    rest = &rest[word.len()..];
                    let lw = word.to_lowercase();
                    match m.component {
                        'M' => mo = MONTHS.iter().position(|n| n.to_lowercase().starts_with(&lw) && !lw.is_empty()).map_or(1, |i| i as i64 + 1),
                        'P' => pm = Some(lw == "pm"),
                        _ => {}
                    }
                    continue;
                }
                if m.component == 'Z' || m.component == 'z' {
                    let r = rest.strip_prefix("GMT").unwrap_or(rest);
                    if let Some(r2) = r.strip_prefix('Z') {
                        rest = r2;
                        continue;
                    }
                    let sign = if r.starts_with('-') { -1 } else { 1 };
                    let body: String = r.chars().skip(1).take_while(|c| c.is_ascii_digit() || *c == ':').collect();
                    let digits: String = body.chars().filter(|c| c.is_ascii_digit()).collect();
                    let (hh, mm) =
                        if digits.len() <= 2 { (digits.parse().unwrap_or(0), 0) } else { (digits[..digits.len() - 2].parse().unwrap_or(0), digits[digits.len() - 2..].parse().unwrap_or(0)) };
                    off = sign * (hh * 60 + mm);
                    rest = &r[1 + body.len()..];
                    continue;
                }
                // digits run to the next literal, or the picture's width when markers abut
                let next_is_mark = matches!(parts.get(i + 1), Some(Part::Mark(_)));
                let width = m.presentation.chars().filter(|c| c.is_ascii_digit()).count();
                let take = rest.chars().take_while(|c| c.is_ascii_digit()).count();
                let take = if next_is_mark && width > 0 { take.min(width) } else { take };
                if take == 0 {
                    return Ok(None);
                }
                let v: i64 = rest[..take].parse().unwrap_or(0);
                rest = &rest[take..];
                match m.component {
                    'Y' => y = v,
                    'M' => mo = v,
                    'D' => d = v,
                    'H' => h = v,
                    'h' => h = v % 12,
                    'm' => mi = v,
                    's' => s = v,
                    'f' => f = v,
                    _ => {}
                }
            }
        }
    }
    if pm == Some(true) {
        h += 12;
    }
    let days = days_from_civil(y, mo, d);
    Ok(Some(((days * 86400 + h * 3600 + mi * 60 + s - off * 60) * 1000 + f) as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_round_trip() {
        let ms = parse_iso("2018-02-01T09:42:13.123Z").unwrap();
        assert_eq!(ms, 1517478133123.0);
        assert_eq!(format_datetime(ms, None, None).unwrap(), "2018-02-01T09:42:13.123Z");
        assert_eq!(format_datetime(ms, None, Some("+0530")).unwrap(), "2018-02-01T15:12:13.123+05:30");
        assert_eq!(parse_iso("2017-10-30"), Some(1509321600000.0));
        assert_eq!(parse_iso("2018-02-01T09:42:13+01:00"), Some(1517474533000.0));
        assert_eq!(parse_iso("2018-13-01"), None);
        assert_eq!(parse_iso("05-12-2016T21:29:29Z"), None);
    }

    #[test]
    fn pictures() {
        let ms = 1521801216617.0; // 2018-03-23T10:33:36.617Z, a Friday
        assert_eq!(format_datetime(ms, Some("[D01]/[M01]/[Y0001]"), None).unwrap(), "23/03/2018");
        assert_eq!(format_datetime(ms, Some("[FNn], [D1o] [MNn] [Y]"), None).unwrap(), "Friday, 23rd March 2018");
        assert_eq!(format_datetime(ms, Some("[h]:[m01] [P]"), None).unwrap(), "10:33 am");
        assert_eq!(format_datetime(ms, Some("[MNn,3-3]"), None).unwrap(), "Mar");
        assert_eq!(format_integer(1999, "I").unwrap(), "MCMXCIX");
        assert_eq!(format_integer(1234567, "#,##0").unwrap(), "1,234,567");
        assert_eq!(format_integer(123, "w").unwrap(), "one hundred and twenty-three");
        assert_eq!(parse_with_picture("23/03/2018", "[D01]/[M01]/[Y0001]").unwrap(), Some(1521763200000.0));
    }
}
