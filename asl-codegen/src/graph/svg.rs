//! A standalone SVG picture, laid out by [`layout`](super::layout) (no Graphviz).
//!
//! Every box is a `<rect data-node="ID">` and every edge a `<path data-from="ID" data-to="ID">`
//! whose first and last points lie on the borders of those boxes, so tools (and the tests) can
//! check the drawing.

use std::fmt::Write as _;

use super::layout::{self, CAPTION_SIZE, EdgeRoute, LABEL_SIZE, NAME_SIZE, NodeBox};
use super::{EdgeKind, Graph, NodeKind, StateType};

const FONT: &str = "Helvetica, Arial, 'DejaVu Sans', sans-serif";
const MONO: &str = "'DejaVu Sans Mono', Menlo, Consolas, monospace";

/// Renders the graph as SVG.
pub fn render(g: &Graph) -> String {
    let l = layout::layout(g);
    let mut out = String::new();
    let (w, h) = (l.width.ceil(), l.height.ceil());
    let _ = writeln!(out, r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}">"#);
    let _ = writeln!(out, "<title>{}</title>", esc(&g.name));
    out.push_str(concat!(
        "<defs>\n",
        r##"<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#546e7a"/></marker>"##,
        "\n",
        r##"<marker id="arrow-catch" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#c62828"/></marker>"##,
        "\n</defs>\n",
    ));
    let _ = writeln!(out, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);

    // Frames of Parallel and Map states (outer ones first), then branch frames.
    for n in l.nodes.iter().filter(|n| n.node.is_compound()) {
        frame(n, &mut out);
    }
    for b in &l.branches {
        let r = b.rect;
        let _ = writeln!(
            out,
            r##"<g class="branch"><rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="#ffffff" stroke="#90a4ae" stroke-dasharray="4 3"/><text x="{}" y="{}" font-size="{LABEL_SIZE}" fill="#607d8b">{}</text></g>"##,
            f(r.x),
            f(r.y),
            f(r.w),
            f(r.h),
            f(r.x + 8.0),
            f(r.y + 14.0),
            esc(&b.scope.label)
        );
    }
    // Edges under the boxes, labels over the edges.
    for e in &l.edges {
        edge(e, &e.from_node.id, &e.to_node.id, &mut out);
    }
    for e in &l.edges {
        if let (Some(r), Some(text)) = (e.label, &e.edge.label) {
            let color = match e.edge.kind {
                EdgeKind::Catch => "#c62828",
                EdgeKind::Default => "#78909c",
                _ => "#37474f",
            };
            let _ = writeln!(
                out,
                r##"<g class="label"><rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="#ffffff" fill-opacity="0.9"/><text x="{}" y="{}" font-family="{MONO}" font-size="{LABEL_SIZE}" fill="{color}">{}</text></g>"##,
                f(r.x - 2.0),
                f(r.y),
                f(r.w + 4.0),
                f(r.h),
                f(r.x),
                f(r.y + r.h - 4.0),
                esc(text)
            );
        }
    }
    for n in l.nodes.iter().filter(|n| !n.node.is_compound()) {
        node(n, &mut out);
    }
    out.push_str("</svg>\n");
    out
}

fn frame(n: &NodeBox, out: &mut String) {
    let r = n.rect;
    let ty = layout::state_type(n.node).map_or("", StateType::name);
    let name_w = layout::text_width(&n.node.name, NAME_SIZE, true);
    let _ = writeln!(
        out,
        r##"<g class="state compound {}"><rect data-node="{}" x="{}" y="{}" width="{}" height="{}" rx="8" fill="{}" stroke="#1565c0" stroke-width="1.4"/><text x="{}" y="{}" font-size="{NAME_SIZE}" font-weight="bold" fill="#0d47a1">{}</text><text x="{}" y="{}" font-size="{CAPTION_SIZE}" fill="#5c7fa8">{ty}</text></g>"##,
        ty.to_lowercase(),
        n.node.id,
        f(r.x),
        f(r.y),
        f(r.w),
        f(r.h),
        if n.depth.is_multiple_of(2) { "#f3f8fe" } else { "#e8f1fc" },
        f(r.x + 12.0),
        f(r.y + 20.0),
        esc(&n.node.name),
        f(r.x + 12.0 + name_w + 8.0),
        f(r.y + 20.0)
    );
}

fn node(n: &NodeBox, out: &mut String) {
    let r = n.rect;
    match n.node.kind {
        NodeKind::Start | NodeKind::End if n.top => {
            let _ = writeln!(
                out,
                r##"<g class="marker"><rect data-node="{}" x="{}" y="{}" width="{}" height="{}" rx="{}" fill="#37474f"/><text x="{}" y="{}" font-size="12" font-weight="bold" fill="#ffffff" text-anchor="middle">{}</text></g>"##,
                n.node.id,
                f(r.x),
                f(r.y),
                f(r.w),
                f(r.h),
                f(r.h / 2.0),
                f(r.cx()),
                f(r.cy() + 4.0),
                n.node.name
            );
        }
        NodeKind::Start => {
            let _ =
                writeln!(out, r##"<g class="marker"><rect data-node="{}" x="{}" y="{}" width="{}" height="{}" rx="{}" fill="#546e7a"/></g>"##, n.node.id, f(r.x), f(r.y), f(r.w), f(r.h), f(r.h / 2.0));
        }
        NodeKind::End => {
            let _ = writeln!(
                out,
                r##"<g class="marker"><rect data-node="{}" x="{}" y="{}" width="{}" height="{}" rx="{}" fill="#ffffff" stroke="#546e7a" stroke-width="1.5"/><circle cx="{}" cy="{}" r="{}" fill="#546e7a"/></g>"##,
                n.node.id,
                f(r.x),
                f(r.y),
                f(r.w),
                f(r.h),
                f(r.h / 2.0),
                f(r.cx()),
                f(r.cy()),
                f(r.h / 2.0 - 3.5)
            );
        }
        NodeKind::State(ty) => {
            let (fill, stroke) = match ty {
                StateType::Task => ("#e3f2fd", "#1e88e5"),
                StateType::Pass => ("#f5f5f5", "#757575"),
                StateType::Choice => ("#fff8e1", "#f9a825"),
                StateType::Wait => ("#f3e5f5", "#8e24aa"),
                StateType::Succeed => ("#e8f5e9", "#2e7d32"),
                StateType::Fail => ("#ffebee", "#c62828"),
                StateType::Parallel | StateType::Map => ("#f3f8fe", "#1565c0"),
            };
            let rx = if ty == StateType::Choice { 14.0 } else { 6.0 };
            let _ = writeln!(
                out,
                r##"<g class="state {}"><rect data-node="{}" x="{}" y="{}" width="{}" height="{}" rx="{rx}" fill="{fill}" stroke="{stroke}" stroke-width="1.4"/><text x="{}" y="{}" font-size="{NAME_SIZE}" font-weight="bold" fill="#263238" text-anchor="middle">{}</text><text x="{}" y="{}" font-size="{CAPTION_SIZE}" fill="#607d8b" text-anchor="middle">{}</text></g>"##,
                ty.name().to_lowercase(),
                n.node.id,
                f(r.x),
                f(r.y),
                f(r.w),
                f(r.h),
                f(r.cx()),
                f(r.y + 19.0),
                esc(&n.node.name),
                f(r.cx()),
                f(r.y + 34.0),
                ty.name()
            );
        }
    }
}

fn edge(e: &EdgeRoute, from: &str, to: &str, out: &mut String) {
    let (stroke, extra, marker) = match e.edge.kind {
        EdgeKind::Catch => ("#c62828", r#" stroke-dasharray="6 4""#, "arrow-catch"),
        _ => ("#546e7a", "", "arrow"),
    };
    let mut d = String::new();
    let p = &e.points;
    if e.self_loop {
        let (a, b, c) = (p[0], p[1], p[2]);
        let _ = write!(d, "M{},{} C{},{} {},{} {},{} S{},{} {},{}", f(a.0), f(a.1), f(b.0), f(a.1 - 6.0), f(b.0), f(b.1 - 8.0), f(b.0), f(b.1), f(b.0), f(c.1 + 6.0), f(c.0), f(c.1));
    } else {
        let _ = write!(d, "M{},{}", f(p[0].0), f(p[0].1));
        for w in p.windows(2) {
            let (a, b) = (w[0], w[1]);
            if (a.0 - b.0).abs() < 0.5 {
                let _ = write!(d, " L{},{}", f(b.0), f(b.1));
            } else {
                let my = (a.1 + b.1) / 2.0;
                let _ = write!(d, " C{},{} {},{} {},{}", f(a.0), f(my), f(b.0), f(my), f(b.0), f(b.1));
            }
        }
    }
    let kind = format!("{:?}", e.edge.kind).to_lowercase();
    let _ = writeln!(out, r#"<path class="edge {kind}" data-from="{from}" data-to="{to}" d="{d}" fill="none" stroke="{stroke}" stroke-width="1.4"{extra} marker-end="url(#{marker})"/>"#);
}

/// A coordinate with at most one decimal.
fn f(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 { format!("{}", r as i64) } else { format!("{r:.1}") }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
