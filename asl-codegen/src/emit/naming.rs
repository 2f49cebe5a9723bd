//! Rust names for ASL names: state names become enum variants and method names, Task resources
//! become trait method names. Names stay unique after sanitising.

use std::collections::HashSet;

/// Splits a name into alphanumeric words, breaking on separators and lower→upper case changes.
fn words(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if !c.is_alphanumeric() || !c.is_ascii() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub fn camel(s: &str) -> String {
    let mut out: String = words(s)
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            let first = cs.next().map(|c| c.to_ascii_uppercase()).into_iter();
            first.chain(cs).collect::<String>()
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
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
    let mut out = words(s).iter().map(|w| w.to_ascii_lowercase()).collect::<Vec<_>>().join("_");
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
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
#[derive(Default)]
pub struct Unique {
    taken: HashSet<String>,
}

impl Unique {
    pub fn reserve(&mut self, names: &[&str]) {
        self.taken.extend(names.iter().map(|s| s.to_string()));
    }

    pub fn get(&mut self, base: String, sep: &str) -> String {
        if self.taken.insert(base.clone()) {
            return base;
        }
        let (stem, sep) = match base.strip_suffix('_') {
            Some(_) if sep.is_empty() => (base.trim_end_matches('_'), ""),
            Some(_) => (base.as_str(), ""),
            None => (base.as_str(), sep),
        };
        (2..).map(|n| format!("{stem}{sep}{n}")).find(|c| self.taken.insert(c.clone())).expect("unbounded")
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
}
