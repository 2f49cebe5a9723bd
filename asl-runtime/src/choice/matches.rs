//! `StringMatches`: `*` matches any run of characters; `\*` is a literal star and `\\` a
//! literal backslash (a backslash before any other character makes it literal too).

use serde_json::Value;

/// `StringMatches` against `pattern` (the pattern as the definition spells it, escapes
/// included). False when the value is not a string. Matches without allocating.
pub fn string_matches(v: &Value, pattern: &str) -> bool {
    v.as_str().is_some_and(|s| glob(s.as_bytes(), pattern.as_bytes()))
}

enum Tok {
    Star,
    Lit(u8),
}

/// The token at `p` and its length in bytes.
fn tok(pat: &[u8], p: usize) -> (Tok, usize) {
    match pat[p] {
        b'*' => (Tok::Star, 1),
        b'\\' if p + 1 < pat.len() => (Tok::Lit(pat[p + 1]), 2),
        c => (Tok::Lit(c), 1),
    }
}

/// Iterative wildcard matching with one backtrack point (the last star). Works on bytes:
/// UTF-8 bytes of literals match only the same bytes, so characters match whole.
fn glob(text: &[u8], pat: &[u8]) -> bool {
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None; // (pattern after the star, text position)
    while t < text.len() {
        if p < pat.len() {
            match tok(pat, p) {
                (Tok::Star, n) => {
                    p += n;
                    star = Some((p, t));
                    continue;
                }
                (Tok::Lit(c), n) if c == text[t] => {
                    p += n;
                    t += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, st)) => {
                p = sp;
                t = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    while p < pat.len() {
        match tok(pat, p) {
            (Tok::Star, n) => p += n,
            _ => return false,
        }
    }
    true
}
