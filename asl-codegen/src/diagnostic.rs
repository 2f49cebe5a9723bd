//! Diagnostics: every problem found in a workflow, with its place (byte span and JSON pointer),
//! a message and an optional help line. All of them are collected and reported together.

use std::fmt::Write as _;

use crate::json::{LineIndex, Span};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// JSON pointer of the offending value, e.g. `/States/Check/Next`.
    pub pointer: String,
    pub span: Span,
    /// Lowercase, no trailing period, names the offending thing in backticks.
    pub message: String,
    pub help: Option<String>,
    /// On the last diagnostic of a capped report ([`MAX_REPORTED`]): how many more were found
    /// and not shown (it stands for them); 0 on all others.
    pub hidden: usize,
}

/// Text from the definition quoted in a message (a key, a name, a number's literal): whole
/// when short, else its first [`QUOTED_MAX`] characters and `…` (a 1 MB key is not repeated).
pub fn shorten(s: &str) -> String {
    match s.char_indices().nth(QUOTED_MAX) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_owned(),
    }
}

/// The most characters of the definition's own text quoted in a message.
pub const QUOTED_MAX: usize = 100;

/// How many problems `list` reports, counting those a capped report does not show.
pub fn total(list: &[Diagnostic]) -> usize {
    list.iter().map(|d| d.hidden.max(1)).sum()
}

/// Accumulates diagnostics while a workflow is checked.
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn error(&mut self, pointer: &str, span: Span, message: impl Into<String>) {
        self.list.push(Diagnostic { pointer: pointer.to_owned(), span, message: message.into(), help: None, hidden: 0 });
    }

    pub fn error_help(&mut self, pointer: &str, span: Span, message: impl Into<String>, help: impl Into<String>) {
        self.list.push(Diagnostic { pointer: pointer.to_owned(), span, message: message.into(), help: Some(help.into()), hidden: 0 });
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Sorted by position, so the report reads top to bottom through the file; past
    /// [`MAX_REPORTED`], one last diagnostic counts the rest (a definition with thousands of
    /// mistakes would otherwise ask for a report thousands of times its size).
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.list.sort_by_key(|d| (d.span.start, d.span.end));
        self.list.dedup();
        if self.list.len() > MAX_REPORTED {
            let more = self.list.len() - MAX_REPORTED;
            let first = &self.list[MAX_REPORTED];
            let summary = Diagnostic {
                pointer: first.pointer.clone(),
                span: first.span,
                message: format!("and {more} more errors, not shown (the first of them is here)"),
                help: Some(format!("only the first {MAX_REPORTED} errors are reported")),
                hidden: more,
            };
            self.list.truncate(MAX_REPORTED);
            self.list.push(summary);
        }
        self.list
    }
}

/// Diagnostics reported for one definition; the rest are counted.
pub const MAX_REPORTED: usize = 100;

/// Characters of a long source line shown around the place a diagnostic points at.
const WINDOW: usize = 240;
/// Of those, how many come before the place.
const WINDOW_BEFORE: usize = 120;

/// The part of `line` shown for 1-based column `col`: the whole line when short, else a
/// [`WINDOW`] around `col` with `…` where it was cut; and `col` within what is shown.
fn window(line: &str, col: usize) -> (String, usize) {
    let len = line.chars().count();
    if len <= WINDOW {
        return (line.to_owned(), col);
    }
    let first = (col - 1).saturating_sub(WINDOW_BEFORE).min(len.saturating_sub(WINDOW));
    let mut shown = String::new();
    if first > 0 {
        shown.push('…');
    }
    shown.extend(line.chars().skip(first).take(WINDOW));
    if first + WINDOW < len {
        shown.push('…');
    }
    (shown, col - first + usize::from(first > 0))
}

/// A workflow file's text and the name it is reported under.
pub struct SourceFile<'a> {
    /// The path as the user wrote it (stable across machines, used in messages).
    pub name: &'a str,
    pub text: &'a str,
}

impl SourceFile<'_> {
    pub fn location(&self, span: Span) -> (usize, usize) {
        LineIndex::new(self.text).line_col(self.text, span.start)
    }

    /// Renders diagnostics the way rustc does: a header, the location with its JSON pointer,
    /// the source line with carets under the offending value, and the help line.
    pub fn render(&self, diags: &[Diagnostic]) -> String {
        let index = LineIndex::new(self.text);
        let mut out = String::new();
        for (i, d) in diags.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let (line, col) = index.line_col(self.text, d.span.start);
            // each key of the pointer shortened as messages quote it
            let pointer = if d.pointer.is_empty() { "/".to_owned() } else { d.pointer.split('/').map(shorten).collect::<Vec<_>>().join("/") };
            let _ = writeln!(out, "error: {}", d.message);
            let gutter = line.to_string().len();
            let pad = " ".repeat(gutter);
            let _ = writeln!(out, "{pad}--> {}:{line}:{col} (at {pointer})", self.name);
            let (src, col) = window(index.line_text(self.text, line), col);
            let src = src.as_str();
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{line} | {src}");
            let width = self.caret_width(d.span, src, col);
            let indent: String = src.chars().take(col - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            let _ = writeln!(out, "{pad} | {indent}{}", "^".repeat(width));
            if let Some(h) = &d.help {
                let _ = writeln!(out, "{pad} = help: {h}");
            }
        }
        out
    }

    fn caret_width(&self, span: Span, line: &str, col: usize) -> usize {
        let text = self.text.get(span.start..span.end.max(span.start)).unwrap_or("");
        let rest_of_line = line.chars().count().saturating_sub(col - 1);
        // a span longer than the line is cut there anyway: count no further
        let first_line = text.split('\n').next().unwrap_or("");
        first_line.chars().take(rest_of_line).count().clamp(1, rest_of_line.max(1))
    }
}

/// Edit distance for "did you mean" suggestions: insertions, deletions, substitutions and
/// swaps of two neighbouring characters each cost 1 (so `Taks` is one edit from `Task`).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // d[i][j]: distance between a[..i] and b[..j] (optimal string alignment).
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let len = word.chars().count();
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        // the distance is at least the difference in length, and a suggestion must be closer
        // than the candidate is long: a word twice as long as a candidate cannot be a typo of
        // it, and is not compared (a 1 MB key against each name would take seconds)
        .filter(|c| len < 2 * c.chars().count())
        .map(|c| {
            let d = edit_distance(&lower, &c.to_lowercase());
            (d, c)
        })
        .filter(|(d, c)| *d <= (c.chars().count().max(word.chars().count()) / 3).max(1) + 1 && *d < c.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names() {
        assert_eq!(closest("Shp", ["Ship", "Backorder"]), Some("Ship"));
        assert_eq!(closest("ResultPth", ["ResultPath", "Result"]), Some("ResultPath"));
        assert_eq!(closest("Zebra", ["Ship", "Backorder"]), None);
    }

    #[test]
    fn a_swap_is_one_edit() {
        assert_eq!(edit_distance("Taks", "Task"), 1);
        assert_eq!(edit_distance("Taks", "Pass"), 2);
        assert_eq!(closest("Taks", ["Pass", "Task", "Choice"]), Some("Task"));
        assert_eq!(closest("JSONPATH", ["JSONPath", "JSONata"]), Some("JSONPath"));
    }

    #[test]
    fn renders_like_rustc() {
        let text = "{\n  \"StartAt\": \"Nope\"\n}";
        let src = SourceFile { name: "flow.json", text };
        let d = Diagnostic {
            pointer: "/StartAt".into(),
            span: Span { start: 15, end: 21 },
            message: "`StartAt` names `Nope`, which is not a state".into(),
            help: Some("did you mean `Nap`?".into()),
            hidden: 0,
        };
        let r = src.render(&[d]);
        assert_eq!(
            r,
            "error: `StartAt` names `Nope`, which is not a state\n \
             --> flow.json:2:14 (at /StartAt)\n  |\n2 |   \"StartAt\": \"Nope\"\n  |              ^^^^^^\n  = help: did you mean `Nap`?\n"
        );
    }
}
