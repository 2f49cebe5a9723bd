//! Helpers shared by the `asl` integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Runs `asl` with these arguments from the workspace root.
pub fn asl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asl")).args(args).current_dir(root()).env_remove("NO_COLOR").output().expect("runs asl")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// The examples' workflows, relative to the root.
pub const EXAMPLES: &[&str] = &["examples/order/order.json", "examples/approval/approval.json", "examples/fanout/fanout.json"];

#[derive(Clone, Copy, Debug)]
pub struct Box2 {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Box2 {
    pub fn overlaps(&self, o: &Box2) -> bool {
        let ix = (self.x + self.w).min(o.x + o.w) - self.x.max(o.x);
        let iy = (self.y + self.h).min(o.y + o.h) - self.y.max(o.y);
        ix > 0.5 && iy > 0.5
    }

    pub fn contains(&self, o: &Box2) -> bool {
        self.x <= o.x + 0.01 && self.y <= o.y + 0.01 && self.x + self.w >= o.x + o.w - 0.01 && self.y + self.h >= o.y + o.h - 0.01
    }

    /// On the border (within half a pixel).
    pub fn on_border(&self, (px, py): (f64, f64)) -> bool {
        let e = 0.6;
        let inside = px >= self.x - e && px <= self.x + self.w + e && py >= self.y - e && py <= self.y + self.h + e;
        let near = [(px - self.x).abs(), (px - self.x - self.w).abs(), (py - self.y).abs(), (py - self.y - self.h).abs()].into_iter().fold(f64::INFINITY, f64::min) < e;
        inside && near
    }
}

/// The value of `name="…"` in a tag.
pub fn attr<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

/// Every tag named `name` (the text from `<name ` to `>`).
pub fn tags<'t>(svg: &'t str, name: &str) -> Vec<&'t str> {
    let open = format!("<{name} ");
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find(&open) {
        let end = rest[i..].find('>').unwrap() + i;
        out.push(&rest[i..=end]);
        rest = &rest[end..];
    }
    out
}

/// (from id, to id, first point, last point).
pub type SvgEdge = (String, String, (f64, f64), (f64, f64));

pub struct Svg {
    /// `data-node` id → box.
    pub boxes: Vec<(String, Box2)>,
    pub edges: Vec<SvgEdge>,
    /// Label backgrounds.
    pub labels: Vec<Box2>,
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s}"))
}

/// Parses what the tests check from an `asl graph --format svg` picture, after checking that
/// its tags are balanced and its attributes quoted.
pub fn parse_svg(svg: &str) -> Svg {
    well_formed(svg);
    let mut boxes = Vec::new();
    for t in tags(svg, "rect") {
        if let Some(id) = attr(t, "data-node") {
            let b = Box2 { x: num(attr(t, "x").unwrap()), y: num(attr(t, "y").unwrap()), w: num(attr(t, "width").unwrap()), h: num(attr(t, "height").unwrap()) };
            boxes.push((id.to_owned(), b));
        }
    }
    let mut edges = Vec::new();
    for t in tags(svg, "path") {
        let (Some(from), Some(to), Some(d)) = (attr(t, "data-from"), attr(t, "data-to"), attr(t, "d")) else { continue };
        let nums: Vec<f64> = d.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')).filter(|s| !s.is_empty()).map(num).collect();
        assert!(nums.len() >= 4, "path too short: {d}");
        edges.push((from.to_owned(), to.to_owned(), (nums[0], nums[1]), (nums[nums.len() - 2], nums[nums.len() - 1])));
    }
    let mut labels = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find("<g class=\"label\"><rect ") {
        let t = &rest[i + 17..];
        let end = t.find('>').unwrap();
        let t = &t[..=end];
        labels.push(Box2 { x: num(attr(t, "x").unwrap()), y: num(attr(t, "y").unwrap()), w: num(attr(t, "width").unwrap()), h: num(attr(t, "height").unwrap()) });
        rest = &rest[i + 1..];
    }
    Svg { boxes, edges, labels }
}

/// Tags balance, attribute values are quoted, text has no raw `<` or `&`.
pub fn well_formed(svg: &str) {
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "not an svg document");
    assert!(svg.trim_end().ends_with("</svg>"));
    let mut stack: Vec<&str> = Vec::new();
    let mut i = 0;
    let b = svg.as_bytes();
    while i < b.len() {
        if b[i] == b'<' {
            let end = svg[i..].find('>').expect("unclosed tag") + i;
            let tag = &svg[i + 1..end];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop(), Some(name), "mismatched </{name}>");
            } else {
                let name = tag.split([' ', '/']).next().unwrap();
                assert!(!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()), "bad tag name in <{tag}>");
                // Attributes: name="value" pairs.
                let quotes = tag.matches('"').count();
                assert!(quotes.is_multiple_of(2), "unbalanced quotes in <{tag}>");
                if !tag.ends_with('/') {
                    stack.push(name);
                }
            }
            i = end + 1;
        } else {
            if b[i] == b'&' {
                let semi = svg[i..].find(';').expect("bare &") + i;
                let ent = &svg[i + 1..semi];
                assert!(["amp", "lt", "gt", "quot", "apos"].contains(&ent) || ent.starts_with('#'), "unknown entity &{ent};");
            }
            i += 1;
        }
    }
    assert!(stack.is_empty(), "unclosed tags: {stack:?}");
}

/// No two boxes overlap unless one holds the other (a state inside a Parallel or Map); every
/// edge starts on its source's box and ends on its target's; labels overlap no state box.
pub fn check_geometry(name: &str, svg: &Svg) {
    for (i, (a, ra)) in svg.boxes.iter().enumerate() {
        for (b, rb) in &svg.boxes[i + 1..] {
            assert!(!ra.overlaps(rb) || ra.contains(rb) || rb.contains(ra), "{name}: boxes `{a}` {ra:?} and `{b}` {rb:?} overlap");
        }
    }
    let find = |id: &str| svg.boxes.iter().find(|(n, _)| n == id).unwrap_or_else(|| panic!("{name}: no box `{id}`")).1;
    for (from, to, p0, p1) in &svg.edges {
        assert!(find(from).on_border(*p0), "{name}: edge {from} → {to} starts at {p0:?}, not on {:?}", find(from));
        assert!(find(to).on_border(*p1), "{name}: edge {from} → {to} ends at {p1:?}, not on {:?}", find(to));
    }
    for l in &svg.labels {
        for (id, b) in &svg.boxes {
            assert!(!l.overlaps(b) || b.contains(l), "{name}: a label {l:?} overlaps `{id}` {b:?}");
        }
    }
}

/// Runs `cargo ARGS` in the standalone crate at `dir` (not a workspace member). It gets the
/// workspace's `Cargo.lock`, so it resolves to the versions already built here without a fresh
/// resolution, and a target directory of its own inside this build's (the cargo running the
/// tests holds the lock on its own), kept between runs so later runs are incremental.
pub fn standalone_cargo(dir: &Path, args: &[&str]) -> Output {
    if !dir.join("Cargo.lock").exists() {
        std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    }
    // CARGO_BIN_EXE_asl is <target>/<profile>/asl.
    let target = Path::new(env!("CARGO_BIN_EXE_asl")).parent().and_then(Path::parent).unwrap().join("standalone");
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())).args(args).current_dir(dir).env("CARGO_TARGET_DIR", target).output().expect("runs cargo")
}
