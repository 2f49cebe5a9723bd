//! String functions. Positions count Unicode code points, as jsonata-js's `stringToArray` does.

use base64::Engine;

use super::Args;
use crate::jsonata::error::{JError, JResult};
use crate::jsonata::eval::{Ev, Res};
use crate::jsonata::json::stringify_jsonata;
use crate::jsonata::regex::{self, Match};
use crate::jsonata::value::{Func, Obj, Val};

/// `$string(v)` for a defined value (also used by `&`).
pub fn to_string(v: &Val, pretty: bool) -> JResult<String> {
    if let Some(s) = v.as_str() {
        return Ok(s.to_string());
    }
    match v {
        Val::Func(_) => Ok(String::new()),
        Val::Num(n) if !n.is_finite() => Err(JError::new("D3001").value(Some(v))),
        _ if has_non_finite(v) => Err(JError::new("D1001").value_text("null")),
        _ => stringify_jsonata(v, pretty),
    }
}

/// Whether a structure holds an infinite number (which `$string`'s replacer rejects).
fn has_non_finite(v: &Val) -> bool {
    match v {
        Val::Num(n) => n.is_infinite(),
        Val::Arr(a) => a.items.iter().any(has_non_finite),
        Val::Obj(o) => o.values().any(has_non_finite),
        _ => false,
    }
}

fn s<'a>(x: impl Into<std::rc::Rc<str>>) -> Res<'a> {
    Ok(Some(Val::Str(x.into())))
}

pub fn string<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(v) = a.get(0) else { return Ok(None) };
    let pretty = matches!(a.get(1), Some(Val::Bool(true)));
    s(to_string(v, pretty)?)
}

pub fn substring<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(st) = a.str(0) else { return Ok(None) };
    let chars: Vec<char> = st.chars().collect();
    let len = chars.len() as f64;
    let mut start = a.num(1).unwrap_or(0.0);
    if len + start < 0.0 {
        start = 0.0;
    }
    // JavaScript's slice: negative positions count from the end, fractions truncate
    let clamp = |p: f64| -> usize {
        let p = if p.is_nan() { 0.0 } else { p.trunc() };
        let p = if p < 0.0 { (len + p).max(0.0) } else { p.min(len) };
        p as usize
    };
    let (from, to) = match a.num(2) {
        Some(length) => {
            if length <= 0.0 {
                return s("");
            }
            let end = if start >= 0.0 { start + length } else { len + start + length };
            (clamp(start), clamp(end))
        }
        None => (clamp(start), chars.len()),
    };
    if from >= to {
        return s("");
    }
    s(chars[from..to].iter().collect::<String>())
}

pub fn substring_before<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(st) = a.str(0) else { return Ok(None) };
    let chars = a.str(1).unwrap_or("");
    s(match st.find(chars) {
        Some(p) => &st[..p],
        None => st,
    })
}

pub fn substring_after<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(st) = a.str(0) else { return Ok(None) };
    let chars = a.str(1).unwrap_or("");
    s(match st.find(chars) {
        Some(p) => &st[p + chars.len()..],
        None => st,
    })
}

pub fn lowercase<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    a.str(0).map_or(Ok(None), |x| s(x.to_lowercase()))
}

pub fn uppercase<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    a.str(0).map_or(Ok(None), |x| s(x.to_uppercase()))
}

pub fn length<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    Ok(a.str(0).map(|x| Val::Num(x.chars().count() as f64)))
}

pub fn trim<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(st) = a.str(0) else { return Ok(None) };
    let mut out = String::with_capacity(st.len());
    let mut in_ws = false;
    for c in st.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            if !in_ws {
                out.push(' ');
            }
            in_ws = true;
        } else {
            out.push(c);
            in_ws = false;
        }
    }
    let out = out.strip_prefix(' ').unwrap_or(&out);
    s(out.strip_suffix(' ').unwrap_or(out))
}

/// Longest string `$pad` builds (guards memory against a huge width).
const MAX_PAD: f64 = 1e7;

pub fn pad<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(st) = a.str(0) else { return Ok(None) };
    let width = a.num(1).unwrap_or(0.0);
    let ch = a.str(2).filter(|c| !c.is_empty()).unwrap_or(" ");
    let pad_len = width.abs().trunc() - st.chars().count() as f64;
    if pad_len <= 0.0 {
        return s(st);
    }
    if pad_len > MAX_PAD {
        return Err(JError::new("D1001").value(a.get(1)));
    }
    let padding: String = ch.chars().cycle().take(pad_len as usize).collect();
    s(if width > 0.0 { format!("{st}{padding}") } else { format!("{padding}{st}") })
}

/// The regex of a matcher argument (only regex literals are supported as matchers).
fn matcher<'a>(v: Option<&Val<'a>>) -> JResult<Option<::regex::Regex>> {
    match v {
        Some(Val::Func(f)) => match &**f {
            Func::Regex(r) => regex::compile(r).map(Some),
            _ => Err(JError::new("T1010")),
        },
        _ => Ok(None),
    }
}

fn limit(a: &Args, i: usize, code: &'static str) -> JResult<Option<usize>> {
    match a.num(i) {
        Some(n) if n < 0.0 => Err(JError::new(code).value(a.get(i)).index(i + 1)),
        Some(n) => Ok(Some(n as usize)),
        None => Ok(None),
    }
}

pub fn match_<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(st) = a.str(0) else { return Ok(None) };
    let limit = limit(&a, 2, "D3040")?;
    let Some(re) = matcher(a.get(1))? else {
        return Ok(None);
    };
    if limit == Some(0) {
        return Ok(Some(Val::seq(vec![])));
    }
    let out = regex::matches(&re, st, limit)?
        .iter()
        .map(|m| {
            let mut o = Obj::new();
            o.insert("match".into(), Val::str(m.text.as_str()));
            o.insert("index".into(), Val::Num(m.index16 as f64));
            o.insert("groups".into(), m.groups_val());
            Val::object(o)
        })
        .collect();
    Ok(Some(Val::seq(out)))
}

pub fn contains<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(st) = a.str(0) else { return Ok(None) };
    let found = match a.str(1) {
        Some(tok) => st.contains(tok),
        None => match matcher(a.get(1))? {
            Some(re) => regex::first_match(&re, st, 0).is_some(),
            None => false,
        },
    };
    Ok(Some(Val::Bool(found)))
}

/// `$n` references in a replacement string (jsonata-js's rules: `$$` is `$`, `$0` the match,
/// as many digits as can name a group).
fn substitute(replacement: &str, m: &Match) -> String {
    let mut out = String::new();
    let b = replacement.as_bytes();
    let mut pos = 0;
    while let Some(off) = replacement[pos..].find('$') {
        let idx = pos + off;
        out.push_str(&replacement[pos..idx]);
        pos = idx + 1;
        match b.get(pos) {
            Some(b'$') => {
                out.push('$');
                pos += 1;
            }
            Some(b'0') => {
                out.push_str(&m.text);
                pos += 1;
            }
            _ => {
                let ngroups = m.groups.len();
                let max_digits = if ngroups == 0 { 1 } else { (ngroups as f64).log10().floor() as usize + 1 };
                let digits: String = replacement[pos..].chars().take(max_digits).take_while(|c| c.is_ascii_digit()).collect();
                let mut n: Option<usize> = digits.parse().ok();
                if max_digits > 1 && n.is_some_and(|n| n > ngroups) {
                    n = digits[..digits.len().saturating_sub(1)].parse().ok();
                }
                match n {
                    Some(n) => {
                        if ngroups > 0
                            && n >= 1
                            && let Some(Some(g)) = m.groups.get(n - 1)
                        {
                            out.push_str(g);
                        }
                        pos += n.to_string().len();
                    }
                    None => out.push('$'),
                }
            }
        }
    }
    out.push_str(&replacement[pos..]);
    out
}

pub fn replace<'a>(ev: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(st) = a.str(0) else { return Ok(None) };
    if a.str(1) == Some("") {
        return Err(JError::new("D3010").value(a.get(1)).index(2));
    }
    let limit = limit(&a, 3, "D3011")?;
    if limit == Some(0) {
        return s(st);
    }
    if let Some(pattern) = a.str(1) {
        let replacement = match a.get(2) {
            Some(v) => v.as_str().unwrap_or("").to_string(),
            None => String::new(),
        };
        let mut out = String::new();
        let mut pos = 0;
        let mut count = 0;
        while let Some(off) = st[pos..].find(pattern) {
            if limit.is_some_and(|l| count >= l) {
                break;
            }
            // each match may add a long replacement
            ev.room_for(out.len())?;
            out.push_str(&st[pos..pos + off]);
            out.push_str(&replacement);
            pos += off + pattern.len();
            count += 1;
        }
        out.push_str(&st[pos..]);
        return s(out);
    }
    let Some(re) = matcher(a.get(1))? else {
        return s(st);
    };
    let ms = regex::matches(&re, st, limit)?;
    let mut out = String::new();
    let mut pos = 0;
    for m in &ms {
        ev.room_for(out.len())?;
        out.push_str(&st[pos..m.start]);
        match a.get(2) {
            Some(r) if r.is_str() => out.push_str(&substitute(r.as_str().unwrap_or(""), m)),
            Some(f @ Val::Func(_)) => {
                let res = ev.call_hof(f, vec![Some(m.to_val())], a.frame)?;
                match res.as_ref().and_then(|v| v.as_str()) {
                    Some(x) => out.push_str(x),
                    None => return Err(JError::new("D3012").value(res.as_ref())),
                }
            }
            _ => {}
        }
        pos = m.end;
    }
    out.push_str(&st[pos..]);
    s(out)
}

pub fn split<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(st) = a.str(0) else { return Ok(None) };
    let limit = limit(&a, 2, "D3020")?;
    let mut parts: Vec<String> = vec![];
    if let Some(sep) = a.str(1) {
        if sep.is_empty() {
            parts = st.chars().map(|c| c.to_string()).collect();
        } else {
            parts = st.split(sep).map(str::to_string).collect();
        }
        if let Some(l) = limit {
            parts.truncate(l);
        }
    } else if let Some(re) = matcher(a.get(1))?
        && limit != Some(0)
    {
        let ms = regex::matches(&re, st, limit)?;
        let mut start = 0;
        for m in &ms {
            parts.push(st[start..m.start].to_string());
            start = m.end;
        }
        if limit.is_none_or(|l| ms.len() < l) {
            parts.push(st[start..].to_string());
        }
    }
    Ok(Some(Val::array(parts.into_iter().map(Val::str).collect())))
}

pub fn join<'a>(ev: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(arr) = a.get(0) else { return Ok(None) };
    let sep = a.str(1).unwrap_or("");
    let items = arr.items();
    // the parts may be one large string many times over: measured before anything is copied
    let total = items.iter().map(|v| v.as_str().map_or(0, str::len) + sep.len()).sum();
    ev.room_for(total)?;
    let parts: Vec<&str> = items.iter().map(|v| v.as_str().unwrap_or("")).collect();
    s(parts.join(sep))
}

pub fn base64encode<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(st) = a.str(0) else { return Ok(None) };
    // Node's Buffer.from(str, 'binary'): one byte per character (its low 8 bits)
    let bytes: Vec<u8> = st.chars().map(|c| c as u32 as u8).collect();
    s(base64::engine::general_purpose::STANDARD.encode(bytes))
}

pub fn base64decode<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(st) = a.str(0) else { return Ok(None) };
    // Node ignores characters outside the alphabet and missing padding
    let clean: String = st.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '+' || *c == '/').collect();
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD.decode(clean.as_bytes()).unwrap_or_default();
    s(bytes.iter().map(|&b| b as char).collect::<String>())
}

const URI_UNRESERVED: &str = "-_.!~*'()";
const URI_RESERVED: &str = ";,/?:@&=+$#";

fn encode(st: &str, keep: &str) -> String {
    let mut out = String::with_capacity(st.len());
    for c in st.chars() {
        if c.is_ascii_alphanumeric() || keep.contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// `decodeURI(Component)`: `%XX` sequences as UTF-8; escapes of `keep` characters stay.
fn decode(st: &str, keep: &str) -> Option<String> {
    let b = st.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'%' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let hex = st.get(i + 1..i + 3)?;
        let byte = u8::from_str_radix(hex, 16).ok()?;
        if byte < 0x80 && keep.contains(byte as char) {
            out.extend_from_slice(&b[i..i + 3]);
        } else {
            out.push(byte);
        }
        i += 3;
    }
    String::from_utf8(out).ok()
}

fn url<'a>(a: &Args<'a>, name: &str, f: impl Fn(&str) -> Option<String>) -> Res<'a> {
    let Some(st) = a.str(0) else { return Ok(None) };
    match f(st) {
        Some(x) => s(x),
        None => Err(JError::new("D3140").value(a.get(0)).message(name)),
    }
}

pub fn encode_url_component<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    url(&a, "encodeUrlComponent", |x| Some(encode(x, URI_UNRESERVED)))
}

pub fn encode_url<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    url(&a, "encodeUrl", |x| Some(encode(x, &format!("{URI_UNRESERVED}{URI_RESERVED}"))))
}

pub fn decode_url_component<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    url(&a, "decodeUrlComponent", |x| decode(x, ""))
}

pub fn decode_url<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    url(&a, "decodeUrl", |x| decode(x, URI_RESERVED))
}
