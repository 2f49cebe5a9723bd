//! Diagnostics output: rustc's colours over `SourceFile::render`'s text, and JSON records.

use asl_codegen::json::LineIndex;
use asl_codegen::{Diagnostic, SourceFile};
use serde_json::{Value, json};

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const BLUE: &str = "\x1b[1;34m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// `error: message`, coloured like rustc's headlines.
pub fn headline(message: &str, color: bool) -> String {
    if color { format!("{RED}error{RESET}{BOLD}: {message}{RESET}") } else { format!("error: {message}") }
}

pub fn warning(message: &str, color: bool) -> String {
    if color { format!("{YELLOW}warning{RESET}{BOLD}: {message}{RESET}") } else { format!("warning: {message}") }
}

/// Colours rendered diagnostics the way rustc does: headline red and bold, gutter and arrow
/// blue, carets red, `help` bold. Without colour the text is returned unchanged.
pub fn colorize(rendered: &str, color: bool) -> String {
    if !color {
        return rendered.to_owned();
    }
    let mut out = String::with_capacity(rendered.len() * 2);
    for line in rendered.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        out.push_str(&colorize_line(body));
        out.push_str(nl);
    }
    out
}

fn colorize_line(line: &str) -> String {
    if let Some(msg) = line.strip_prefix("error: ") {
        return headline(msg, true);
    }
    if let Some(msg) = line.strip_prefix("warning: ") {
        return warning(msg, true);
    }
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    if let Some(rest) = trimmed.strip_prefix("--> ") {
        return format!("{indent}{BLUE}-->{RESET} {rest}");
    }
    if let Some(rest) = trimmed.strip_prefix("= help: ") {
        return format!("{indent}{BLUE}={RESET} {BOLD}help{RESET}: {rest}");
    }
    // Gutter lines: `12 | source`, `   |`, `   |     ^^^^`.
    if let Some(bar) = line.find('|') {
        let gutter = &line[..bar];
        if gutter.chars().all(|c| c.is_ascii_digit() || c == ' ') {
            let rest = &line[bar + 1..];
            let is_carets = !rest.trim().is_empty() && rest.trim().chars().all(|c| c == '^');
            let rest = if is_carets {
                let t = rest.trim_end();
                let start = t.len() - t.trim_start().len();
                format!("{}{RED}{}{RESET}", &t[..start], &t[start..])
            } else {
                rest.to_owned()
            };
            return format!("{BLUE}{gutter}|{RESET}{rest}");
        }
    }
    line.to_owned()
}

/// Renders warnings: `SourceFile::render`'s text with `warning:` for `error:` in each headline.
pub fn render_warnings(src: &SourceFile, warnings: &[Diagnostic]) -> String {
    warnings.iter().map(|w| src.render(std::slice::from_ref(w)).replacen("error: ", "warning: ", 1)).collect::<Vec<_>>().join("\n")
}

/// One diagnostic as a JSON record for editors and CI. Lines and columns are 1-based; `end` is
/// where the offending text ends (exclusive).
pub fn record(src: &SourceFile, d: &Diagnostic) -> Value {
    record_with(src, d, "error")
}

/// A warning's record (`severity: "warning"`, `rendered` with a `warning:` headline).
pub fn warning_record(src: &SourceFile, d: &Diagnostic) -> Value {
    let mut r = record_with(src, d, "warning");
    r["rendered"] = json!(render_warnings(src, std::slice::from_ref(d)));
    r
}

fn record_with(src: &SourceFile, d: &Diagnostic, severity: &str) -> Value {
    let index = LineIndex::new(src.text);
    let (line, column) = index.line_col(src.text, d.span.start);
    let (end_line, end_column) = index.line_col(src.text, d.span.end.max(d.span.start).min(src.text.len()));
    json!({
        "file": src.name,
        "severity": severity,
        "line": line,
        "column": column,
        "end": { "line": end_line, "column": end_column },
        "pointer": if d.pointer.is_empty() { "/" } else { d.pointer.as_str() },
        "message": d.message,
        "help": d.help,
        "rendered": src.render(std::slice::from_ref(d)),
    })
}

/// A file that could not be read, in the same shape (no position).
pub fn io_record(file: &str, message: &str) -> Value {
    json!({
        "file": file,
        "severity": "error",
        "line": null,
        "column": null,
        "end": null,
        "pointer": null,
        "message": message,
        "help": null,
        "rendered": null,
    })
}
