//! JavaScript's number-to-string conversion and `JSON.stringify`, which JSONata's `$string`,
//! `&` and error messages rely on.

use std::fmt::Write;

use super::value::Val;

/// `Number.prototype.toString()`: shortest round-trip digits, exponent form below 1e-6 and
/// from 1e21 up (`1e+21`, `1.5e-7`).
pub fn js_number(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if n == 0.0 {
        return "0".into();
    }
    let sci = format!("{:e}", n.abs()); // e.g. "1.2345e-7", shortest round-trip
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    let n10 = exp + 1; // position of the decimal point relative to the digits
    let mut out = String::new();
    if n < 0.0 {
        out.push('-');
    }
    if k <= n10 && n10 <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n10 - k) as usize));
    } else if 0 < n10 && n10 <= 21 {
        out.push_str(&digits[..n10 as usize]);
        out.push('.');
        out.push_str(&digits[n10 as usize..]);
    } else if -6 < n10 && n10 <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n10) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let e = n10 - 1;
        let _ = write!(out, "e{}{}", if e >= 0 { "+" } else { "-" }, e.abs());
    }
    out
}

/// `Number(n.toPrecision(15))`, which `$string` applies to every number.
pub fn precision15(n: f64) -> f64 {
    if !n.is_finite() || n == 0.0 {
        return n;
    }
    format!("{n:.14e}").parse().unwrap_or(n)
}

pub fn write_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Options of one `JSON.stringify` call.
struct Style {
    /// `$string`'s replacer: numbers to 15 significant digits, functions to `""`.
    jsonata: bool,
    indent: usize,
}

/// `JSON.stringify(v)`; `None` for a function (which stringifies to `undefined`).
pub fn stringify(v: &Val) -> Option<String> {
    let mut out = String::new();
    write(&mut out, v, &Style { jsonata: false, indent: 0 }, 0).then_some(out)
}

/// Longest text written: a value holding one large string many times (it is shared, so it
/// costs little to build) would otherwise be written out in full, gigabytes in one step.
const MAX_TEXT: usize = super::eval::MAX_BUILT_BYTES;

/// `$string`'s serialisation of a non-string value: `JSON.stringify` with JSONata's replacer,
/// optionally pretty-printed with two spaces. Fails (U1001) past [`MAX_TEXT`].
pub fn stringify_jsonata(v: &Val, pretty: bool) -> super::error::JResult<String> {
    let mut out = String::new();
    write(&mut out, v, &Style { jsonata: true, indent: if pretty { 2 } else { 0 } }, 0);
    if out.len() > MAX_TEXT {
        return Err(super::error::JError::new("U1001").message(format!("Expression evaluation used too much memory: $string would write more than {} MiB", MAX_TEXT >> 20)));
    }
    Ok(out)
}

/// Writes `v`; returns false (writing nothing) where `JSON.stringify` yields `undefined`.
fn write(out: &mut String, v: &Val, st: &Style, level: usize) -> bool {
    match v {
        Val::Null => out.push_str("null"),
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Num(n) => {
            if n.is_finite() {
                out.push_str(&js_number(if st.jsonata { precision15(*n) } else { *n }));
            } else {
                out.push_str("null");
            }
        }
        Val::Str(s) => write_json_str(out, s),
        Val::Func(_) => {
            if st.jsonata {
                out.push_str("\"\"");
            } else {
                return false;
            }
        }
        Val::Json(serde_json::Value::String(s)) => write_json_str(out, s),
        _ if v.is_array() => {
            let items = match v {
                Val::Arr(a) if a.outer_wrapper && a.items.len() == 1 && level == 0 => a.items[0].items(),
                _ => v.items(),
            };
            if items.is_empty() {
                out.push_str("[]");
                return true;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if out.len() > MAX_TEXT {
                    return true; // the caller sees the length and fails
                }
                if i > 0 {
                    out.push(',');
                }
                newline(out, st, level + 1);
                if !write(out, item, st, level + 1) {
                    out.push_str("null");
                }
            }
            newline(out, st, level);
            out.push(']');
        }
        _ => {
            let entries = v.entries();
            let mut first = true;
            out.push('{');
            for (k, item) in entries.iter() {
                if out.len() > MAX_TEXT {
                    return true;
                }
                let mark = out.len();
                if !first {
                    out.push(',');
                }
                newline(out, st, level + 1);
                write_json_str(out, k);
                out.push(':');
                if st.indent > 0 {
                    out.push(' ');
                }
                if write(out, item, st, level + 1) {
                    first = false;
                } else {
                    out.truncate(mark);
                }
            }
            if !first {
                newline(out, st, level);
            }
            out.push('}');
        }
    }
    true
}

fn newline(out: &mut String, st: &Style, level: usize) {
    if st.indent > 0 {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', st.indent * level));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_like_javascript() {
        for (n, s) in [
            (1.0, "1"),
            (-1.5, "-1.5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1.5e-7, "1.5e-7"),
            (0.000001, "0.000001"),
            (123456789012345680000.0, "123456789012345680000"),
            (2.5e300, "2.5e+300"),
        ] {
            assert_eq!(js_number(n), s);
        }
        assert_eq!(js_number(precision15(0.1 + 0.2)), "0.3");
    }
}
