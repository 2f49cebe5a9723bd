//! Graphviz DOT (`dot -Tsvg`, `dot -Tpng`).

use std::fmt::Write as _;

use super::{EdgeKind, Graph, Node, NodeKind, Scope, StateType};

/// Renders the graph as a DOT `digraph`. Parallel and Map states are clusters
/// (`subgraph cluster_…`); edges into and out of them use `lhead`/`ltail` (`compound=true`).
pub fn render(g: &Graph) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", quote(&g.name));
    out.push_str(concat!(
        "    graph [compound=true, rankdir=TB, nodesep=0.4, ranksep=0.45, fontname=\"Helvetica\", fontsize=12];\n",
        "    node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#555555\", fontname=\"Helvetica\", fontsize=12];\n",
        "    edge [color=\"#555555\", fontname=\"Helvetica\", fontsize=10];\n",
    ));
    scope_body(&g.root, 1, &mut out);
    for s in g.scopes() {
        for e in &s.edges {
            let (from, ltail) = endpoint(&s.nodes[e.from], false);
            let (to, lhead) = endpoint(&s.nodes[e.to], true);
            let mut attrs = Vec::new();
            if let Some(l) = &e.label {
                attrs.push(format!("label={}", quote(l)));
            }
            match e.kind {
                EdgeKind::Catch => attrs.push("style=dashed, color=\"#c62828\", fontcolor=\"#c62828\"".into()),
                EdgeKind::Default => attrs.push("fontcolor=\"#777777\"".into()),
                _ => {}
            }
            if let Some(c) = lhead {
                attrs.push(format!("lhead={}", quote(&c)));
            }
            if let Some(c) = ltail {
                attrs.push(format!("ltail={}", quote(&c)));
            }
            if attrs.is_empty() {
                let _ = writeln!(out, "    {} -> {};", quote(&from), quote(&to));
            } else {
                let _ = writeln!(out, "    {} -> {} [{}];", quote(&from), quote(&to), attrs.join(", "));
            }
        }
    }
    out.push_str("}\n");
    out
}

/// The node an edge really attaches to, and the cluster it is clipped at for compound states:
/// edges in go to the first inner scope's start marker, edges out leave from its end marker.
fn endpoint(n: &Node, incoming: bool) -> (String, Option<String>) {
    match n.scopes.first() {
        None => (n.id.clone(), None),
        Some(inner) => {
            let (anchor, _) = endpoint(&inner.nodes[if incoming { 0 } else { 1 }], incoming);
            (anchor, Some(format!("cluster_{}", n.id)))
        }
    }
}

fn scope_body(s: &Scope, depth: usize, out: &mut String) {
    for n in &s.nodes {
        node(n, s, depth, out);
    }
}

fn node(n: &Node, s: &Scope, depth: usize, out: &mut String) {
    let pad = "    ".repeat(depth);
    match n.kind {
        NodeKind::Start if s.top => {
            let _ = writeln!(out, "{pad}{} [label=\"Start\", shape=circle, style=filled, fillcolor=\"#333333\", fontcolor=\"#ffffff\", fontsize=10, width=0.6, fixedsize=true];", quote(&n.id));
        }
        NodeKind::End if s.top => {
            let _ = writeln!(out, "{pad}{} [label=\"End\", shape=doublecircle, style=filled, fillcolor=\"#333333\", fontcolor=\"#ffffff\", fontsize=10, width=0.5, fixedsize=true];", quote(&n.id));
        }
        NodeKind::Start => {
            let _ = writeln!(out, "{pad}{} [label=\"\", shape=circle, style=filled, fillcolor=\"#555555\", width=0.15, fixedsize=true];", quote(&n.id));
        }
        NodeKind::End => {
            let _ = writeln!(out, "{pad}{} [label=\"\", shape=doublecircle, style=filled, fillcolor=\"#555555\", width=0.12, fixedsize=true];", quote(&n.id));
        }
        NodeKind::State(ty @ (StateType::Parallel | StateType::Map)) => {
            let _ = writeln!(out, "{pad}subgraph {} {{", quote(&format!("cluster_{}", n.id)));
            let _ = writeln!(out, "{pad}    label={}; style=\"rounded\"; color=\"#1565c0\"; fontcolor=\"#1565c0\";", quote(&format!("{} ({})", n.name, ty.name())));
            for inner in &n.scopes {
                if inner.boxed {
                    let _ = writeln!(out, "{pad}    subgraph {} {{", quote(&format!("cluster_{}", inner.id)));
                    let _ = writeln!(out, "{pad}        label={}; style=\"rounded,dashed\"; color=\"#90a4ae\"; fontcolor=\"#607d8b\";", quote(&inner.label));
                    scope_body(inner, depth + 2, out);
                    let _ = writeln!(out, "{pad}    }}");
                } else {
                    scope_body(inner, depth + 1, out);
                }
            }
            let _ = writeln!(out, "{pad}}}");
        }
        NodeKind::State(ty) => {
            let style = match ty {
                StateType::Choice => ", shape=diamond, style=filled, fillcolor=\"#fff8e1\", color=\"#f9a825\"",
                StateType::Succeed => ", fillcolor=\"#e8f5e9\", color=\"#2e7d32\"",
                StateType::Fail => ", fillcolor=\"#ffebee\", color=\"#c62828\"",
                StateType::Wait => ", fillcolor=\"#f3e5f5\", color=\"#6a1b9a\"",
                StateType::Pass => ", fillcolor=\"#f5f5f5\"",
                _ => "",
            };
            let _ = writeln!(out, "{pad}{} [label={}, tooltip={}{style}];", quote(&n.id), quote(&n.name), quote(ty.name()));
        }
    }
}

/// A DOT double-quoted string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
