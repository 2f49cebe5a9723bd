//! Numeric functions, including `$formatNumber` (XPath F&O picture strings, ported from
//! jsonata-js) and `$formatBase`.

use super::Args;
use crate::jsonata::error::{JError, JResult};
use crate::jsonata::eval::{Ev, Res};
use crate::jsonata::json::js_number;
use crate::jsonata::value::Val;

fn n<'a>(x: f64) -> Res<'a> {
    Ok(Some(Val::Num(x)))
}

pub fn number<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(v) = a.get(0) else { return Ok(None) };
    match v {
        Val::Num(x) => n(*x),
        Val::Bool(b) => n(if *b { 1.0 } else { 0.0 }),
        _ => match v.as_str().and_then(parse_number) {
            Some(x) => n(x),
            None => Err(JError::new("D3030").value(Some(v)).index(1)),
        },
    }
}

/// The strings `$number` accepts: JSON-style decimals, and `0x…`, `0o…`, `0b…` integers.
fn parse_number(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let body = s.strip_prefix('-').unwrap_or(s);
    let decimal = !body.is_empty() && {
        let (mant, exp) = match body.find(['e', 'E']) {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        let (int, frac) = match mant.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (mant, None),
        };
        let digits = |x: &str| !x.is_empty() && x.bytes().all(|c| c.is_ascii_digit());
        digits(int) && frac.is_none_or(digits) && exp.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)))
    };
    if decimal {
        return s.parse::<f64>().ok().filter(|x| x.is_finite());
    }
    if b.len() > 2 && b[0] == b'0' {
        let radix = match b[1] {
            b'x' | b'X' => 16,
            b'o' | b'O' => 8,
            b'b' | b'B' => 2,
            _ => return None,
        };
        return u64::from_str_radix(&s[2..], radix).ok().map(|x| x as f64);
    }
    None
}

pub fn floor<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    Ok(a.num(0).map(|x| Val::Num(x.floor())))
}

pub fn ceil<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    Ok(a.num(0).map(|x| Val::Num(x.ceil())))
}

pub fn abs<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    Ok(a.num(0).map(|x| Val::Num(x.abs())))
}

pub fn sqrt<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(x) = a.num(0) else { return Ok(None) };
    if x < 0.0 {
        return Err(JError::new("D3060").value(a.get(0)).index(1));
    }
    n(x.sqrt())
}

pub fn power<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(x) = a.num(0) else { return Ok(None) };
    let e = a.num(1).unwrap_or(f64::NAN);
    let r = x.powf(e);
    if !r.is_finite() {
        return Err(JError::new("D3061").value(a.get(0)).value2(a.get(1)).index(1));
    }
    n(r)
}

pub fn round_fn<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(x) = a.num(0) else { return Ok(None) };
    n(round(x, a.num(1).unwrap_or(0.0) as i32))
}

/// Round half to even at `precision` decimal places, shifting the decimal point in the string
/// form as jsonata-js does (to avoid binary multiplication errors).
pub fn round(x: f64, precision: i32) -> f64 {
    let shift = |v: f64, by: i32| -> f64 {
        let s = js_number(v);
        let (m, e) = match s.split_once('e') {
            Some((m, e)) => (m.to_string(), e.parse::<i32>().unwrap_or(0)),
            None => (s, 0),
        };
        format!("{m}e{}", e + by).parse().unwrap_or(v)
    };
    let arg = if precision != 0 { shift(x, precision) } else { x };
    let mut result = (arg + 0.5).floor();
    if (result - arg).abs() == 0.5 && (result % 2.0).abs() == 1.0 {
        result -= 1.0;
    }
    if precision != 0 {
        result = shift(result, -precision);
    }
    if result == 0.0 { 0.0 } else { result }
}

pub fn format_base<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(x) = a.num(0) else { return Ok(None) };
    let value = round(x, 0);
    let radix = a.num(1).map_or(10.0, |r| round(r, 0));
    if !(2.0..=36.0).contains(&radix) {
        return Err(JError::new("D3100").value(Some(&Val::Num(radix))));
    }
    let radix = radix as u32;
    let mut m = value.abs();
    let mut digits = vec![];
    while m >= 1.0 {
        let d = (m % radix as f64) as u32;
        digits.push(std::char::from_digit(d, radix).unwrap_or('0'));
        m = (m / radix as f64).floor();
    }
    if digits.is_empty() {
        digits.push('0');
    }
    if value < 0.0 {
        digits.push('-');
    }
    Ok(Some(Val::str(digits.iter().rev().collect::<String>())))
}

/// The characters of one `$formatNumber` picture and options.
struct Props {
    decimal: char,
    grouping: char,
    exponent: char,
    minus: String,
    percent: char,
    permille: char,
    zero: char,
    digit: char,
    separator: char,
}

impl Props {
    fn digits(&self) -> impl Fn(char) -> bool + '_ {
        move |c| (c as u32) >= self.zero as u32 && (c as u32) < self.zero as u32 + 10
    }
    fn active(&self, c: char) -> bool {
        self.digits()(c) || [self.decimal, self.exponent, self.grouping, self.digit, self.separator].contains(&c)
    }
}

struct Parts {
    prefix: Vec<char>,
    suffix: Vec<char>,
    active: Vec<char>,
    mantissa: Vec<char>,
    exponent: Option<Vec<char>>,
    integer: Vec<char>,
    fraction: Vec<char>,
    picture: Vec<char>,
}

struct Pic {
    int_groups: Vec<usize>,
    regular: usize,
    min_int: usize,
    scaling: i32,
    prefix: String,
    frac_groups: Vec<usize>,
    min_frac: usize,
    max_frac: usize,
    min_exp: usize,
    suffix: String,
    picture: Vec<char>,
}

fn index_of(v: &[char], c: char) -> Option<usize> {
    v.iter().position(|&x| x == c)
}

fn split_parts(p: &Props, sub: &[char]) -> Parts {
    let is_active = |c: char| p.active(c) && c != p.exponent;
    let prefix_len = sub.iter().position(|&c| is_active(c)).unwrap_or(sub.len());
    let suffix_start = sub.iter().rposition(|&c| is_active(c)).map_or(sub.len(), |i| i + 1);
    let prefix = sub[..prefix_len].to_vec();
    let suffix = sub[suffix_start.max(prefix_len)..].to_vec();
    let active = sub[prefix_len..sub.len() - suffix.len()].to_vec();
    let exp_pos = sub[prefix_len..].iter().position(|&c| c == p.exponent).map(|i| i + prefix_len);
    let (mantissa, exponent) = match exp_pos {
        Some(e) if e <= sub.len() - suffix.len() => {
            // jsonata-js slices the active part with the position in the whole sub-picture
            let m: Vec<char> = active.iter().take(e).cloned().collect();
            let x: Vec<char> = active.iter().skip(e + 1).cloned().collect();
            (m, Some(x))
        }
        _ => (active.clone(), None),
    };
    let (integer, fraction) = match index_of(&mantissa, p.decimal) {
        None => (mantissa.clone(), suffix.clone()),
        Some(d) => (mantissa[..d].to_vec(), mantissa[d + 1..].to_vec()),
    };
    Parts { prefix, suffix, active, mantissa, exponent, integer, fraction, picture: sub.to_vec() }
}

fn validate(p: &Props, parts: &Parts) -> JResult<()> {
    let sub = &parts.picture;
    let count = |c: char| sub.iter().filter(|&&x| x == c).count();
    let is_digit = p.digits();
    let mut error = None;
    if count(p.decimal) > 1 {
        error = Some("D3081");
    }
    if count(p.percent) > 1 {
        error = Some("D3082");
    }
    if count(p.permille) > 1 {
        error = Some("D3083");
    }
    if count(p.percent) > 0 && count(p.permille) > 0 {
        error = Some("D3084");
    }
    if !parts.mantissa.iter().any(|&c| is_digit(c) || c == p.digit) {
        error = Some("D3085");
    }
    if parts.active.iter().any(|&c| !p.active(c)) {
        error = Some("D3086");
    }
    match index_of(sub, p.decimal) {
        Some(d) => {
            if (d > 0 && sub[d - 1] == p.grouping) || sub.get(d + 1) == Some(&p.grouping) {
                error = Some("D3087");
            }
        }
        None => {
            if parts.integer.last() == Some(&p.grouping) {
                error = Some("D3088");
            }
        }
    }
    if sub.windows(2).any(|w| w[0] == p.grouping && w[1] == p.grouping) {
        error = Some("D3089");
    }
    if let Some(o) = index_of(&parts.integer, p.digit)
        && parts.integer[..o].iter().any(|&c| is_digit(c))
    {
        error = Some("D3090");
    }
    if let Some(o) = parts.fraction.iter().rposition(|&c| c == p.digit)
        && parts.fraction[o..].iter().any(|&c| is_digit(c))
    {
        error = Some("D3091");
    }
    if let Some(e) = &parts.exponent {
        if !e.is_empty() && (count(p.percent) > 0 || count(p.permille) > 0) {
            error = Some("D3092");
        }
        if e.is_empty() || e.iter().any(|&c| !is_digit(c)) {
            error = Some("D3093");
        }
    }
    match error {
        Some(code) => Err(JError::new(code)),
        None => Ok(()),
    }
}

fn analyse(p: &Props, parts: &Parts) -> Pic {
    let is_digit = p.digits();
    let groups = |part: &[char], to_left: bool| -> Vec<usize> {
        // digits before each index of `part`, so that each separator's count is one lookup
        // (counting them afresh for each separator was quadratic in the picture)
        let mut before = Vec::with_capacity(part.len() + 1);
        before.push(0usize);
        for &c in part {
            before.push(before[before.len() - 1] + usize::from(is_digit(c) || c == p.digit));
        }
        let total = before[part.len()];
        let mut out = vec![];
        let mut pos = index_of(part, p.grouping);
        while let Some(g) = pos {
            // `g` may come from the integer part while `part` is the fraction: clamped to it,
            // as JavaScript's `substring` does (slicing past the end panicked)
            let at = before[g.min(part.len())];
            out.push(if to_left { at } else { total - at });
            // jsonata-js searches the integer part for the next separator
            pos = parts.integer.iter().skip(g + 1).position(|&c| c == p.grouping).map(|i| i + g + 1);
        }
        out
    };
    let int_groups = groups(&parts.integer, false);
    let regular = {
        if int_groups.is_empty() {
            0
        } else {
            fn gcd(a: usize, b: usize) -> usize {
                if b == 0 { a } else { gcd(b, a % b) }
            }
            let factor = int_groups.iter().cloned().reduce(gcd).unwrap_or(0);
            let present: std::collections::HashSet<usize> = int_groups.iter().copied().collect();
            if factor > 0 && (1..=int_groups.len()).all(|i| present.contains(&(i * factor))) { factor } else { 0 }
        }
    };
    let frac_groups = groups(&parts.fraction, true);
    let mut min_int = parts.integer.iter().filter(|&&c| is_digit(c)).count();
    let scaling = min_int as i32;
    let mut min_frac = parts.fraction.iter().filter(|&&c| is_digit(c)).count();
    let mut max_frac = parts.fraction.iter().filter(|&&c| is_digit(c) || c == p.digit).count();
    let exp = parts.exponent.is_some();
    if min_int == 0 && max_frac == 0 {
        if exp {
            min_frac = 1;
            max_frac = 1;
        } else {
            min_int = 1;
        }
    }
    if exp && min_int == 0 && parts.integer.contains(&p.digit) {
        min_int = 1;
    }
    if min_int == 0 && min_frac == 0 {
        min_frac = 1;
    }
    let min_exp = parts.exponent.as_ref().map_or(0, |e| e.iter().filter(|&&c| is_digit(c)).count());
    Pic {
        int_groups,
        regular,
        min_int,
        scaling,
        prefix: parts.prefix.iter().collect(),
        frac_groups,
        min_frac,
        max_frac,
        min_exp,
        suffix: parts.suffix.iter().collect(),
        picture: parts.picture.clone(),
    }
}

/// Separators times digits that `$formatNumber` inserts at most (a few thousand separators in a
/// number as long; real pictures have a handful).
const MAX_GROUPING_WORK: usize = 10_000_000;

pub fn format_number<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(value) = a.num(0) else {
        return Ok(None);
    };
    let picture = a.str(1).unwrap_or("");
    let opt = |k: &str, d: &str| -> String { a.get(2).and_then(|o| o.get(k)).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_else(|| d.to_string()) };
    let ch = |k: &str, d: char| opt(k, &d.to_string()).chars().next().unwrap_or(d);
    let p = Props {
        decimal: ch("decimal-separator", '.'),
        grouping: ch("grouping-separator", ','),
        exponent: ch("exponent-separator", 'e'),
        minus: opt("minus-sign", "-"),
        percent: ch("percent", '%'),
        permille: ch("per-mille", '\u{2030}'),
        zero: ch("zero-digit", '0'),
        digit: ch("digit", '#'),
        separator: ch("pattern-separator", ';'),
    };
    Ok(Some(Val::str(format_with(&p, value, picture)?)))
}

fn format_with(p: &Props, value: f64, picture: &str) -> JResult<String> {
    let subs: Vec<Vec<char>> = picture.split(p.separator).map(|s| s.chars().collect()).collect();
    if subs.len() > 2 {
        return Err(JError::new("D3080"));
    }
    let parts: Vec<Parts> = subs.iter().map(|s| split_parts(p, s)).collect();
    for part in &parts {
        validate(p, part)?;
    }
    let mut pics: Vec<Pic> = parts.iter().map(|x| analyse(p, x)).collect();
    if pics.len() == 1 {
        let mut neg = analyse(p, &parts[0]);
        neg.prefix = format!("{}{}", p.minus, neg.prefix);
        pics.push(neg);
    }
    let pic = if value >= 0.0 { &pics[0] } else { &pics[1] };
    // jsonata-js rounds with JavaScript's `toFixed`, which takes at most 100 digits and throws
    // past them (here, rounding to more digits overflowed and printed `inf`)
    if pic.max_frac > 100 {
        return Err(JError::new("RangeError").message("toFixed() digits argument must be between 0 and 100"));
    }
    let adjusted = if pic.picture.contains(&p.percent) {
        value * 100.0
    } else if pic.picture.contains(&p.permille) {
        value * 1000.0
    } else {
        value
    };
    let (mantissa, exponent) = if pic.min_exp == 0 {
        (adjusted, None)
    } else {
        let max_m = 10f64.powi(pic.scaling);
        let min_m = 10f64.powi(pic.scaling - 1);
        let mut m = adjusted;
        let mut e = 0i32;
        let mut guard = 0;
        while m < min_m && guard < 400 {
            m *= 10.0;
            e -= 1;
            guard += 1;
        }
        while m > max_m && guard < 800 {
            m /= 10.0;
            e += 1;
            guard += 1;
        }
        (m, Some(e))
    };
    let rounded = round(mantissa, pic.max_frac as i32);
    let zero = p.zero;
    let make_string = |v: f64, dp: usize| -> Vec<char> {
        // an f64's exact decimal expansion ends within 1,074 fractional digits, and a
        // formatting precision must fit in a u16 (a longer picture made this panic): zeros
        // written after it are the same digits
        let mut s = format!("{:.*}", dp.min(1_100), v.abs());
        s.extend(std::iter::repeat_n('0', dp.saturating_sub(1_100)));
        s.chars().map(|c| if c.is_ascii_digit() { char::from_u32(zero as u32 + (c as u32 - 48)).unwrap_or(c) } else { c }).collect()
    };
    let mut s = make_string(rounded, pic.max_frac);
    match index_of(&s, '.') {
        None => s.push(p.decimal),
        Some(i) => s[i] = p.decimal,
    }
    while s.first() == Some(&zero) {
        s.remove(0);
    }
    while s.last() == Some(&zero) {
        s.pop();
    }
    let dec = index_of(&s, p.decimal).unwrap_or(0);
    let pad_left = pic.min_int as isize - dec as isize;
    let pad_right = pic.min_frac as isize - (s.len() as isize - dec as isize - 1);
    if pad_left > 0 {
        let mut v = vec![zero; pad_left as usize];
        v.extend(s);
        s = v;
    }
    if pad_right > 0 {
        s.extend(std::iter::repeat_n(zero, pad_right as usize));
    }
    let mut dec = index_of(&s, p.decimal).unwrap_or(0);
    // each separator below is inserted into the digits (as jsonata-js does, one at a time); a
    // picture with tens of thousands of them took seconds, so such work is refused
    let separators = if pic.regular > 0 { dec / pic.regular } else { pic.int_groups.len() } + pic.frac_groups.len();
    if separators.saturating_mul(s.len()) > MAX_GROUPING_WORK {
        return Err(JError::new("U1001").message(format!("Expression evaluation timeout: the picture string places {separators} grouping separators in {} digits", s.len())));
    }
    if pic.regular > 0 {
        let groups = if dec >= 1 { (dec - 1) / pic.regular } else { 0 };
        for g in 1..=groups {
            s.insert(dec - g * pic.regular, p.grouping);
        }
    } else {
        for &pos in &pic.int_groups {
            if pos <= dec {
                s.insert(dec - pos, p.grouping);
                dec += 1;
            }
        }
    }
    let dec = index_of(&s, p.decimal).unwrap_or(0);
    for &pos in &pic.frac_groups {
        let at = (pos + dec + 1).min(s.len());
        s.insert(at, p.grouping);
    }
    let dec = index_of(&s, p.decimal).unwrap_or(0);
    if !pic.picture.contains(&p.decimal) || dec + 1 == s.len() {
        s.pop();
    }
    let mut out: String = s.iter().collect();
    if let Some(e) = exponent {
        let mut se: Vec<char> = make_string(e as f64, 0);
        let pad = pic.min_exp as isize - se.len() as isize;
        if pad > 0 {
            let mut v = vec![zero; pad as usize];
            v.extend(se);
            se = v;
        }
        out.push(p.exponent);
        if e < 0 {
            out.push_str(&p.minus);
        }
        out.extend(se);
    }
    Ok(format!("{}{}{}", pic.prefix, out, pic.suffix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(v: f64, pic: &str) -> String {
        let p = Props { decimal: '.', grouping: ',', exponent: 'e', minus: "-".into(), percent: '%', permille: '\u{2030}', zero: '0', digit: '#', separator: ';' };
        format_with(&p, v, pic).unwrap()
    }

    #[test]
    fn format_number_pictures() {
        assert_eq!(fmt(12345.6, "#,###.00"), "12,345.60");
        assert_eq!(fmt(1234.5678, "00.000e0"), "12.346e2");
        assert_eq!(fmt(0.14, "01%"), "14%");
        assert_eq!(fmt(-6.0, "000"), "-006");
        assert_eq!(fmt(1234.5678, "#,##0.00"), "1,234.57");
        assert_eq!(fmt(34.555, "#0.00;(#0.00)"), "34.56");
        assert_eq!(fmt(-34.555, "#0.00;(#0.00)"), "(34.56)");
    }

    #[test]
    fn rounding_half_even() {
        assert_eq!(round(2.5, 0), 2.0);
        assert_eq!(round(3.5, 0), 4.0);
        assert_eq!(round(-0.5, 0), 0.0);
        assert_eq!(round(1.255, 2), 1.26);
        assert_eq!(round(12345.0, -2), 12300.0);
    }
}
