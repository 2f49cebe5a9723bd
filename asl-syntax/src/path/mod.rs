//! JSONPath as AWS Step Functions reads it (Jayway JsonPath dialect), plus ASL's roots: `$` for
//! the input, `$$` for the context object and `$name` for a workflow variable.
//!
//! Paths are parsed once at build time; the runtime walks [`Seg`]s without reparsing.

mod filter;
mod parse;
#[cfg(feature = "tokens")]
mod tokens;

pub use filter::{CmpOp, Filter, Operand};
pub use parse::{MAX_DEPTH, parse_path, parse_reference_path};

use crate::{List, Ptr, Str};

/// Where a path starts.
#[derive(Clone, Debug, PartialEq)]
pub enum Root {
    /// `$`: the effective input.
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable.
    Var(Str),
}

/// A parsed path.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// The path as written (AWS quotes it in error causes).
    pub text: Str,
    pub root: Root,
    pub segs: List<Seg>,
    /// Jayway's notion: a definite path names at most one node and yields it bare; an
    /// indefinite one (wildcards, slices, filters, `..`, index lists) always yields an array.
    pub definite: bool,
}

/// One step of a path.
#[derive(Clone, Debug, PartialEq)]
pub enum Seg {
    /// `.name` or `['name']`.
    Field(Str),
    /// `['a','b']`: as the last step Jayway merges the present members into one object
    /// (definite); elsewhere each member is visited in turn.
    Fields(List<Str>),
    /// `[2]`, `[-1]` (negative counts from the end).
    Index(i64),
    /// `[0,2]`.
    Indices(List<i64>),
    /// `[from:to]` with either bound optional. Jayway ignores a third (step) part.
    Slice(Option<i64>, Option<i64>),
    /// `.*` or `[*]`: every member value or element.
    Wildcard,
    /// `..`: the next step applies to this node and to every node below it.
    Scan,
    /// `[?(…)]`.
    Filter(Ptr<Filter>),
    /// `.length()`: the size of an array (or object).
    Length,
}

impl Seg {
    /// Whether this step alone keeps a path definite (`last`: it is the final step).
    fn is_definite(&self, last: bool) -> bool {
        match self {
            Seg::Field(_) | Seg::Index(_) | Seg::Length => true,
            Seg::Fields(_) => last,
            _ => false,
        }
    }
}

/// Jayway's definiteness of a step list.
pub fn segs_definite(segs: &[Seg]) -> bool {
    let n = segs.len();
    segs.iter().enumerate().all(|(i, s)| s.is_definite(i + 1 == n))
}

impl Path {
    /// `$`, the whole input.
    pub const fn input() -> Path {
        Path { text: Str::Borrowed("$"), root: Root::Input, segs: List::Borrowed(&[]), definite: true }
    }

    /// Whether this is the bare root `$` (no steps).
    pub fn is_root(&self) -> bool {
        matches!(self.root, Root::Input) && self.segs.is_empty()
    }

    /// The path as Jayway prints a compiled path in its messages, e.g. `$['a'][0]`.
    pub fn jayway_string(&self) -> String {
        let mut s = match &self.root {
            Root::Input => "$".to_owned(),
            Root::Context => "$$".to_owned(),
            Root::Var(v) => format!("${v}"),
        };
        write_segs(&mut s, &self.segs);
        s
    }
}

/// Appends Jayway's rendering of `segs` to `out`.
pub fn write_segs(out: &mut String, segs: &[Seg]) {
    use std::fmt::Write;
    for seg in segs {
        match seg {
            Seg::Field(f) => {
                let _ = write!(out, "['{f}']");
            }
            Seg::Fields(fs) => {
                out.push('[');
                for (i, f) in fs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "'{f}'");
                }
                out.push(']');
            }
            Seg::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
            Seg::Indices(is) => {
                let list: Vec<String> = is.iter().map(|i| i.to_string()).collect();
                let _ = write!(out, "[{}]", list.join(","));
            }
            Seg::Slice(a, b) => {
                out.push('[');
                if let Some(a) = a {
                    let _ = write!(out, "{a}");
                }
                out.push(':');
                if let Some(b) = b {
                    let _ = write!(out, "{b}");
                }
                out.push(']');
            }
            Seg::Wildcard => out.push_str("[*]"),
            Seg::Scan => out.push_str(".."),
            Seg::Filter(_) => out.push_str("[?]"),
            Seg::Length => out.push_str(".length()"),
        }
    }
}

#[cfg(test)]
mod tests;
