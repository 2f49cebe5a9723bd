//! Rust names for ASL names: state names become enum variants and method names, Task resources
//! become trait method names. Names stay unique after sanitising.

use std::collections::HashSet;

/// Splits a name into alphanumeric words, breaking on separators and lower→upper case changes.
/// Letters outside ASCII are kept where rustc takes them without a warning (see [`spellable`]),
/// after NFC normalization (rustc normalizes identifiers so: `Café` written with a combining
/// accent is the same identifier as with `é`).
fn words(s: &str) -> Vec<String> {
    use unicode_normalization::UnicodeNormalization;
    let s: String = s.nfc().collect();
    let s = spellable(&s);
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_numeric();
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `s` with what rustc's identifier lints (warnings, errors under `#![deny(warnings)]`) refuse
/// taken out: a character outside the identifier profile of Unicode's security mechanisms
/// (`uncommon_codepoints`: `ǆ`, `ℌ`, symbols, …) becomes a separator; and the letters of a script
/// that the name writes only with characters confusable with Latin ones (`mixed_script_confusables`:
/// a Cyrillic `С` among Latin letters) become the ASCII letters they look like. The lint judges a
/// script by the whole crate; judging it by the one name is stricter, never looser.
fn spellable(s: &str) -> String {
    use unicode_script::{Script, UnicodeScript};
    use unicode_security::GeneralSecurityProfile;
    let allowed = |c: char| c.is_ascii_alphanumeric() || (c.is_alphanumeric() && unicode_ident::is_xid_continue(c) && c.identifier_allowed());
    // the scripts other than Latin (and Common/Inherited) this name writes a non-confusable with
    let mut trusted: Vec<Script> = Vec::new();
    for c in s.chars().filter(|&c| !c.is_ascii() && allowed(c)) {
        let script = c.script();
        if !unicode_security::is_potential_mixed_script_confusable_char(c) && !trusted.contains(&script) {
            trusted.push(script);
        }
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !allowed(c) {
            out.push(' ');
        } else if c.is_ascii() || matches!(c.script(), Script::Latin | Script::Common | Script::Inherited) || trusted.contains(&c.script()) {
            out.push(c);
        } else {
            // a confusable: its look-alike when that is ASCII, else a separator
            let look: String = unicode_security::skeleton(&c.to_string()).collect();
            if !look.is_empty() && look.chars().all(|c| c.is_ascii_alphanumeric()) {
                out.push_str(&look);
            } else {
                out.push(' ');
            }
        }
    }
    out
}

/// `c` in upper (`upper`) or lower case, if that is still spellable (else as it is).
fn cased(c: char, upper: bool) -> String {
    use unicode_security::GeneralSecurityProfile;
    let to: String = if upper { c.to_uppercase().collect() } else { c.to_lowercase().collect() };
    if to.chars().all(|t| t.is_ascii_alphanumeric() || (t.is_alphanumeric() && unicode_ident::is_xid_continue(t) && t.identifier_allowed())) { to } else { c.to_string() }
}

pub fn camel(s: &str) -> String {
    let mut out: String = words(s)
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            let first = cs.next().map(|c| cased(c, true)).unwrap_or_default();
            first + cs.as_str()
        })
        .collect();
    // an identifier starts with a letter (XID_Start: a combining mark such as Thaana's `ެ` does not)
    if !out.starts_with(unicode_ident::is_xid_start) {
        out.insert(0, 'S');
    }
    // the one keyword in camel case (`self` and `Self` both come here); not a raw identifier
    if out == "Self" {
        out.push('_');
    }
    out
}

/// An identifier for a name made here (never a keyword) or given to `asl!` (`r#type` included).
pub fn ident(name: &str) -> proc_macro2::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => proc_macro2::Ident::new(name, proc_macro2::Span::call_site()),
    }
}

pub fn snake(s: &str) -> String {
    let mut out = words(s).iter().map(|w| w.chars().map(|c| cased(c, false)).collect::<String>()).collect::<Vec<_>>().join("_");
    // an identifier starts with a letter (XID_Start: a combining mark such as Thaana's `ެ` does not)
    if !out.starts_with(unicode_ident::is_xid_start) {
        out.insert_str(0, "s_");
    }
    if is_keyword(&out) {
        out.push('_');
    }
    out
}

fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "as" | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}

/// Hands out unique names: a taken name gets `2`, `3`, … appended (after `sep`, or in place of
/// a trailing `_` escape: `self_` → `self_2`, `Self_` → `Self2`, which rustc's case lints accept).
/// A name outside ASCII is also taken when it looks like one handed out before (the same
/// Unicode skeleton: rustc's `confusable_idents` warns of `Сase` beside `Case`).
#[derive(Default)]
pub struct Unique {
    taken: HashSet<String>,
    /// Skeleton → whether a name with it is outside ASCII (rustc compares only such pairs).
    looks: std::collections::HashMap<String, bool>,
}

impl Unique {
    pub fn reserve(&mut self, names: &[&str]) {
        for n in names {
            self.take(n);
        }
    }

    /// Takes `name` if it is free.
    fn take(&mut self, name: &str) -> bool {
        let ascii = name.is_ascii();
        let look: String = unicode_security::skeleton(name).collect();
        if self.taken.contains(name) || self.looks.get(&look).is_some_and(|&other| !ascii || other) {
            return false;
        }
        self.taken.insert(name.to_owned());
        let other = self.looks.entry(look).or_insert(false);
        *other |= !ascii;
        true
    }

    pub fn get(&mut self, base: String, sep: &str) -> String {
        if self.take(&base) {
            return base;
        }
        let (stem, sep) = match base.strip_suffix('_') {
            Some(_) if sep.is_empty() => (base.trim_end_matches('_'), ""),
            Some(_) => (base.as_str(), ""),
            None => (base.as_str(), sep),
        };
        (2..).map(|n| format!("{stem}{sep}{n}")).find(|c| self.take(c)).expect("unbounded")
    }
}

/// The trait method name for a Task resource: the Lambda function or activity name, the
/// service and API of an integration (`arn:aws:states:::sqs:sendMessage.waitForTaskToken` →
/// `sqs_send_message_wait_for_task_token`), else the ARN's last part.
pub fn resource_method(arn: &str) -> String {
    let parts: Vec<&str> = arn.split(':').collect();
    let name = if let Some(i) = parts.iter().position(|p| *p == "function" || *p == "activity") {
        parts.get(i + 1).copied().unwrap_or(arn).to_owned()
    } else if parts.len() > 5 && parts[2] == "states" && parts[3].is_empty() && parts[4].is_empty() {
        parts[5..].iter().filter(|p| **p != "aws-sdk").copied().collect::<Vec<_>>().join("_")
    } else {
        parts.last().copied().unwrap_or(arn).to_owned()
    };
    snake(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(camel("Check stock"), "CheckStock");
        assert_eq!(camel("checkStock-2"), "CheckStock2");
        assert_eq!(camel("1st"), "S1st");
        assert_eq!(snake("CheckStock"), "check_stock");
        assert_eq!(snake("Match"), "match_");
        assert_eq!(resource_method("arn:aws:lambda:us-east-1:111111111111:function:CheckStock"), "check_stock");
        assert_eq!(resource_method("arn:aws:lambda:us-east-1:111111111111:function:ship:prod"), "ship");
        assert_eq!(resource_method("arn:aws:states:us-east-1:111111111111:activity:approve"), "approve");
        assert_eq!(resource_method("arn:aws:states:::lambda:invoke"), "lambda_invoke");
        assert_eq!(resource_method("arn:aws:states:::sqs:sendMessage.waitForTaskToken"), "sqs_send_message_wait_for_task_token");
        assert_eq!(resource_method("arn:aws:states:::aws-sdk:s3:getObject"), "s3_get_object");
        let mut u = Unique::default();
        assert_eq!(u.get("a".into(), "_"), "a");
        assert_eq!(u.get("a".into(), "_"), "a_2");
        // `self_` → `self_2`, `Self_` → `Self2`: no `__`, no `_` after a cased letter
        assert_eq!(u.get("self_".into(), "_"), "self_");
        assert_eq!(u.get("self_".into(), "_"), "self_2");
        assert_eq!(u.get("Self_".into(), ""), "Self_");
        assert_eq!(u.get("Self_".into(), ""), "Self2");
        assert_eq!(camel("self"), "Self_");
        assert_eq!(snake("Self"), "self_");
        // names given to `asl!` as raw identifiers
        assert_eq!(ident("r#type").to_string(), "r#type");
        assert_eq!(ident("order").to_string(), "order");
    }

    #[test]
    fn names_outside_ascii() {
        // letters rustc takes are kept, cased as Rust wants
        assert_eq!(camel("Café"), "Café");
        assert_eq!(snake("Größe Prüfen"), "größe_prüfen");
        assert_eq!(camel("größe prüfen"), "GrößePrüfen");
        assert_eq!(camel("日本"), "日本");
        assert_eq!(snake("Привет мир"), "привет_мир");
        assert_eq!(camel("Ωmega"), "Ωmega");
        // NFC: `e` + combining acute is `é`
        assert_eq!(camel("Cafe\u{301}"), "Café");
        // outside the identifier profile (`uncommon_codepoints`): a separator
        assert_eq!(camel("ǆx"), "X");
        assert_eq!(camel("a→b"), "AB");
        assert_eq!(camel("😀"), "S");
        // a script written only with Latin look-alikes (`mixed_script_confusables`) is spelled
        // in ASCII; with a letter of its own, it is kept
        assert_eq!(camel("Сase"), "Case");
        assert_eq!(camel("Сase привет"), "СaseПривет");
        // a leading non-ASCII digit cannot start an identifier
        assert_eq!(camel("٣x"), "S٣x");
        // nor can a combining mark (found by the fuzzer: U+07AC, alphabetic but not XID_Start)
        assert_eq!(camel("\u{7ac}tate1"), "S\u{7ac}tate1");
        assert_eq!(snake("\u{7ac}tate1"), "s_\u{7ac}tate1");
        // names that look alike (`confusable_idents`) are numbered
        let mut u = Unique::default();
        assert_eq!(u.get("Сбор".into(), ""), "Сбор");
        assert_eq!(u.get("Cбор".into(), ""), "Cбор2");
        assert_eq!(u.get("rn".into(), "_"), "rn");
        assert_eq!(u.get("m".into(), "_"), "m");
    }
}
