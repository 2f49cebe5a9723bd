//! Mermaid flowchart (renders on GitHub, in rustdoc with mermaid.js, and in most editors).

use std::fmt::Write as _;

use super::{EdgeKind, Graph, Node, NodeKind, Scope, StateType};

/// Renders the graph as a Mermaid `flowchart TD`.
///
/// Nodes are declared inside their `subgraph`s first (a Mermaid node belongs to the subgraph
/// it is first mentioned in), then every edge. Edges into or out of a Parallel or Map state
/// attach to its subgraph.
pub fn render(g: &Graph) -> String {
    let mut out = String::from("flowchart TD\n");
    declare_scope(&g.root, 1, &mut out);
    for s in g.scopes() {
        for e in &s.edges {
            let from = &s.nodes[e.from].id;
            let to = &s.nodes[e.to].id;
            let arrow = if e.kind == EdgeKind::Catch { "-.->" } else { "-->" };
            match &e.label {
                Some(l) => {
                    let _ = writeln!(out, "    {from} {arrow}|\"{}\"| {to}", escape(l));
                }
                None => {
                    let _ = writeln!(out, "    {from} {arrow} {to}");
                }
            }
        }
    }
    out.push_str(concat!(
        "    classDef marker fill:#333,stroke:#333,color:#fff\n",
        "    classDef choice fill:#fff8e1,stroke:#f9a825\n",
        "    classDef succeed fill:#e8f5e9,stroke:#2e7d32\n",
        "    classDef fail fill:#ffebee,stroke:#c62828\n",
    ));
    let mut classes: [(&str, Vec<&str>); 4] = [("marker", vec![]), ("choice", vec![]), ("succeed", vec![]), ("fail", vec![])];
    for s in g.scopes() {
        for n in &s.nodes {
            let c = match n.kind {
                NodeKind::Start | NodeKind::End => 0,
                NodeKind::State(StateType::Choice) => 1,
                NodeKind::State(StateType::Succeed) => 2,
                NodeKind::State(StateType::Fail) => 3,
                _ => continue,
            };
            classes[c].1.push(&n.id);
        }
    }
    for (class, ids) in classes {
        if !ids.is_empty() {
            let _ = writeln!(out, "    class {} {class}", ids.join(","));
        }
    }
    out
}

fn declare_scope(s: &Scope, depth: usize, out: &mut String) {
    for n in &s.nodes {
        declare_node(n, s, depth, out);
    }
}

fn declare_node(n: &Node, s: &Scope, depth: usize, out: &mut String) {
    let pad = "    ".repeat(depth);
    let name = escape(&n.name);
    match n.kind {
        NodeKind::Start => {
            let label = if s.top { "Start" } else { "start" };
            let _ = writeln!(out, "{pad}{}((\"{label}\"))", n.id);
        }
        NodeKind::End => {
            let label = if s.top { "End" } else { "end" };
            let _ = writeln!(out, "{pad}{}(((\"{label}\")))", n.id);
        }
        NodeKind::State(ty @ (StateType::Parallel | StateType::Map)) => {
            let _ = writeln!(out, "{pad}subgraph {}[\"{name} ({})\"]", n.id, ty.name());
            for inner in &n.scopes {
                if inner.boxed {
                    let _ = writeln!(out, "{pad}    subgraph {}[\"{}\"]", inner.id, escape(&inner.label));
                    declare_scope(inner, depth + 2, out);
                    let _ = writeln!(out, "{pad}    end");
                } else {
                    declare_scope(inner, depth + 1, out);
                }
            }
            let _ = writeln!(out, "{pad}end");
        }
        NodeKind::State(ty) => {
            let (open, close) = match ty {
                StateType::Choice => ("{", "}"),
                StateType::Pass => ("(", ")"),
                StateType::Wait => ("{{", "}}"),
                StateType::Succeed | StateType::Fail => ("([", "])"),
                _ => ("[", "]"),
            };
            let _ = writeln!(out, "{pad}{}{open}\"{name}\"{close}", n.id);
        }
    }
}

/// Text inside a quoted Mermaid label: quotes and angle brackets as entity codes.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
