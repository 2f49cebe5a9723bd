//! A layered (Sugiyama-style) layout of the state graph, for the SVG renderer.
//!
//! Each scope is laid out on its own, innermost first, so a Parallel or Map state is simply a
//! big node whose size is its nested layout plus a frame. Within a scope:
//! 1. cycles are broken by reversing the back edges of a depth-first search from the start;
//! 2. nodes are ranked by the longest path from the start. Every edge spans at least two
//!    ranks, so the odd ranks hold one virtual node per edge: the edge's label (sized, so labels
//!    never overlap anything) or a thin bend point. Longer edges get a virtual node per rank;
//! 3. each rank is ordered by barycenter sweeps, keeping the order with the fewest crossings;
//! 4. x positions are pulled towards the neighbours' average by repeated sweeps, each rank
//!    placed with exact least-squares spacing (pool adjacent violators);
//! 5. edges are routed through their virtual nodes, leaving the bottom of one box and entering
//!    the top of the next (back edges the other way round), with ports spread along the side.

use std::collections::HashMap;

use super::{Edge, EdgeKind, Graph, Node, NodeKind, Scope, StateType};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    pub fn cx(&self) -> f64 {
        self.x + self.w / 2.0
    }
    pub fn cy(&self) -> f64 {
        self.y + self.h / 2.0
    }
    fn moved(self, dx: f64, dy: f64) -> Rect {
        Rect { x: self.x + dx, y: self.y + dy, ..self }
    }
}

/// The laid-out picture, in pixels, origin top left.
#[derive(Clone, Debug)]
pub struct Layout<'g> {
    pub width: f64,
    pub height: f64,
    /// Every node (markers, states, compound states), outer ones before the ones nested in them.
    pub nodes: Vec<NodeBox<'g>>,
    /// Parallel branch frames.
    pub branches: Vec<BranchBox<'g>>,
    pub edges: Vec<EdgeRoute<'g>>,
}

#[derive(Clone, Debug)]
pub struct NodeBox<'g> {
    pub node: &'g Node,
    /// Whether the node is in the top-level scope (markers are drawn larger there).
    pub top: bool,
    /// Nesting depth: 0 for the top level.
    pub depth: usize,
    pub rect: Rect,
}

#[derive(Clone, Debug)]
pub struct BranchBox<'g> {
    pub scope: &'g Scope,
    pub rect: Rect,
}

#[derive(Clone, Debug)]
pub struct EdgeRoute<'g> {
    pub edge: &'g Edge,
    pub from_node: &'g Node,
    pub to_node: &'g Node,
    pub from: Rect,
    pub to: Rect,
    /// From a point on `from`'s border to a point on `to`'s border. Consecutive points are
    /// joined by vertical-tangent curves (or straight lines when vertically aligned).
    pub points: Vec<(f64, f64)>,
    /// Where the label text goes (its box; text is left-aligned in it).
    pub label: Option<Rect>,
    /// A transition from a state to itself, drawn as a loop on its right side.
    pub self_loop: bool,
}

// ---- text metrics (no font access: generous estimates for Helvetica/Arial/DejaVu Sans) ----

pub const NAME_SIZE: f64 = 13.0;
pub const CAPTION_SIZE: f64 = 10.0;
pub const LABEL_SIZE: f64 = 11.0;
/// Monospace advance of edge labels, in em.
pub const MONO_ADVANCE: f64 = 0.62;

/// Estimated width of `text` in a sans-serif font of `size` px (`bold` adds a little).
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'I' => 0.32,
            'f' | 't' | 'r' | ' ' | '(' | ')' | '[' | ']' | '-' => 0.42,
            'm' | 'w' => 0.92,
            'M' | 'W' => 0.98,
            'A'..='Z' => 0.74,
            'a'..='z' | '0'..='9' => 0.62,
            c if c.is_ascii() => 0.66,
            _ => 1.0,
        })
        .sum();
    em * size * if bold { 1.08 } else { 1.0 }
}

/// Width of an edge label (monospace).
pub fn label_width(text: &str) -> f64 {
    text.chars().count() as f64 * LABEL_SIZE * MONO_ADVANCE
}

const STATE_H: f64 = 44.0;
const STATE_MIN_W: f64 = 96.0;
const STATE_PAD_X: f64 = 28.0;
const TOP_MARKER: (f64, f64) = (58.0, 26.0);
const NESTED_MARKER: f64 = 14.0;
const LABEL_H: f64 = 16.0;
/// Gap between a label and the edge line beside it.
const LABEL_GAP: f64 = 5.0;
const LAYER_GAP: f64 = 14.0;
/// Extra gap per pixel an edge moves sideways between two ranks, up to `MAX_GAP`.
const GAP_SLOPE: f64 = 0.1;
const MAX_GAP: f64 = 40.0;
const ODD_MIN_H: f64 = 10.0;
const NODE_SEP: f64 = 26.0;
const DUMMY_SEP: f64 = 12.0;
/// Compound frame: title height and padding.
pub const TITLE_H: f64 = 30.0;
const FRAME_PAD: f64 = 14.0;
pub const BRANCH_LABEL_H: f64 = 20.0;
const BRANCH_PAD: f64 = 10.0;
const BRANCH_GAP: f64 = 16.0;
const LOOP_W: f64 = 26.0;
const MARGIN: f64 = 16.0;

/// Lays out the whole graph.
pub fn layout(g: &Graph) -> Layout<'_> {
    let mut sub = scope(&g.root, true, 0);
    sub.translate(MARGIN, MARGIN);
    Layout { width: sub.w + 2.0 * MARGIN, height: sub.h + 2.0 * MARGIN, nodes: sub.nodes, branches: sub.branches, edges: sub.edges }
}

/// A laid-out part in its own coordinates.
struct Sub<'g> {
    w: f64,
    h: f64,
    nodes: Vec<NodeBox<'g>>,
    branches: Vec<BranchBox<'g>>,
    edges: Vec<EdgeRoute<'g>>,
}

impl<'g> Sub<'g> {
    fn translate(&mut self, dx: f64, dy: f64) {
        for n in &mut self.nodes {
            n.rect = n.rect.moved(dx, dy);
        }
        for b in &mut self.branches {
            b.rect = b.rect.moved(dx, dy);
        }
        for e in &mut self.edges {
            e.from = e.from.moved(dx, dy);
            e.to = e.to.moved(dx, dy);
            e.label = e.label.map(|l| l.moved(dx, dy));
            for p in &mut e.points {
                p.0 += dx;
                p.1 += dy;
            }
        }
    }

    fn append(&mut self, mut other: Sub<'g>, dx: f64, dy: f64) {
        other.translate(dx, dy);
        self.nodes.extend(other.nodes);
        self.branches.extend(other.branches);
        self.edges.extend(other.edges);
    }
}

/// A compound state's content (its scopes in their frame), relative to the node's top left.
fn compound<'g>(n: &'g Node, depth: usize) -> Sub<'g> {
    let title_w = text_width(&n.name, NAME_SIZE, true) + text_width("Parallel", CAPTION_SIZE, false) + 3.0 * FRAME_PAD;
    let mut out = Sub { w: 0.0, h: 0.0, nodes: vec![], branches: vec![], edges: vec![] };
    let mut parts = Vec::new();
    let mut x = FRAME_PAD;
    let mut inner_h: f64 = 0.0;
    for s in &n.scopes {
        let inner = scope(s, false, depth + 1);
        if s.boxed {
            let lw = text_width(&s.label, LABEL_SIZE, false) + 2.0 * BRANCH_PAD;
            let bw = (inner.w + 2.0 * BRANCH_PAD).max(lw);
            let bh = BRANCH_LABEL_H + inner.h + BRANCH_PAD;
            let dx = x + (bw - inner.w) / 2.0;
            parts.push((inner, dx, TITLE_H + BRANCH_LABEL_H, Some((s, Rect { x, y: TITLE_H, w: bw, h: bh }))));
            x += bw + BRANCH_GAP;
            inner_h = inner_h.max(bh);
        } else {
            let w = inner.w;
            inner_h = inner_h.max(inner.h);
            parts.push((inner, x, TITLE_H, None));
            x += w + BRANCH_GAP;
        }
    }
    let content_w = (x - BRANCH_GAP - FRAME_PAD).max(0.0);
    let w = (content_w + 2.0 * FRAME_PAD).max(title_w);
    let shift = (w - content_w - 2.0 * FRAME_PAD) / 2.0;
    for (inner, dx, dy, frame) in parts {
        if let Some((s, r)) = frame {
            out.branches.push(BranchBox { scope: s, rect: r.moved(shift, 0.0) });
        }
        out.append(inner, dx + shift, dy);
    }
    out.w = w;
    out.h = TITLE_H + inner_h + FRAME_PAD;
    out
}

#[derive(Clone, Debug)]
struct Item {
    w: f64,
    h: f64,
    /// The real node, or None for a virtual node.
    node: Option<usize>,
    /// Virtual node carrying an edge's label.
    label: bool,
    /// x of the edge line relative to the item's center (labels sit right of their line).
    anchor: f64,
    /// Extra room on the right (self-loops).
    right_extra: f64,
}

/// Lays out one scope in its own coordinates.
fn scope<'g>(s: &'g Scope, top: bool, depth: usize) -> Sub<'g> {
    let n = s.nodes.len();
    // Node sizes and nested layouts.
    let mut inner: Vec<Option<Sub<'g>>> = Vec::with_capacity(n);
    let mut items: Vec<Item> = Vec::new();
    for (i, node) in s.nodes.iter().enumerate() {
        let (w, h, sub) = match node.kind {
            NodeKind::Start | NodeKind::End if top => (TOP_MARKER.0, TOP_MARKER.1, None),
            NodeKind::Start | NodeKind::End => (NESTED_MARKER, NESTED_MARKER, None),
            NodeKind::State(_) if node.is_compound() => {
                let sub = compound(node, depth);
                (sub.w, sub.h, Some(sub))
            }
            NodeKind::State(ty) => {
                let w = text_width(&node.name, NAME_SIZE, true).max(text_width(ty.name(), CAPTION_SIZE, false)) + STATE_PAD_X;
                (w.max(STATE_MIN_W).ceil(), STATE_H, None)
            }
        };
        inner.push(sub);
        items.push(Item { w, h, node: Some(i), label: false, anchor: 0.0, right_extra: 0.0 });
    }

    // 1. Break cycles: back edges of a DFS from the start marker (then from any unvisited node).
    let mut out_edges: Vec<Vec<usize>> = vec![vec![]; n];
    for (k, e) in s.edges.iter().enumerate() {
        if e.from != e.to {
            out_edges[e.from].push(k);
        }
    }
    let mut reversed = vec![false; s.edges.len()];
    let mut state = vec![0u8; n];
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&k) = out_edges[v].get(*next) {
                *next += 1;
                let t = s.edges[k].to;
                match state[t] {
                    0 => {
                        state[t] = 1;
                        stack.push((t, 0));
                    }
                    1 => reversed[k] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    let dir = |k: usize| {
        let e = &s.edges[k];
        if reversed[k] { (e.to, e.from) } else { (e.from, e.to) }
    };

    // 2. Rank by longest path (every edge two ranks long).
    let mut rank = vec![0usize; n];
    let mut indeg = vec![0usize; n];
    let mut succ: Vec<Vec<usize>> = vec![vec![]; n];
    for (k, e) in s.edges.iter().enumerate() {
        if e.from == e.to {
            continue;
        }
        let (u, v) = dir(k);
        succ[u].push(v);
        indeg[v] += 1;
    }
    let mut queue: Vec<usize> = (0..n).filter(|&v| indeg[v] == 0).collect();
    let mut qi = 0;
    while qi < queue.len() {
        let u = queue[qi];
        qi += 1;
        for &v in &succ[u] {
            rank[v] = rank[v].max(rank[u] + 2);
            indeg[v] -= 1;
            if indeg[v] == 0 {
                queue.push(v);
            }
        }
    }
    if n > 1 && !s.edges.iter().any(|e| e.to == 1) {
        // An end marker nothing reaches still goes at the bottom.
        rank[1] = (0..n).filter(|&v| v != 1).map(|v| rank[v]).max().unwrap_or(0) + 2;
    }

    // Self-loops: room on the right of the node.
    let mut loops: HashMap<usize, Vec<usize>> = HashMap::new();
    for (k, e) in s.edges.iter().enumerate() {
        if e.from == e.to {
            loops.entry(e.from).or_default().push(k);
        }
    }
    for (&v, ks) in &loops {
        let lw = ks.iter().filter_map(|&k| s.edges[k].label.as_deref()).map(label_width).fold(0.0, f64::max);
        items[v].right_extra = LOOP_W + if lw > 0.0 { lw + LABEL_GAP } else { 0.0 };
    }

    // 3. Virtual nodes: one per rank crossed; the label goes next to the edge's source.
    // Past MAX_VIRTUAL of them, the longest edges get only their label's and are drawn
    // straight across the ranks between: every state of a long chain jumping back to the start
    // asked for n²/2 virtual nodes (a 20,000-state definition, 3.7 GB).
    let span = |k: usize| {
        let (u, v) = dir(k);
        rank[v].saturating_sub(rank[u] + 1)
    };
    let mut direct = vec![false; s.edges.len()];
    let mut virtual_count: usize = (0..s.edges.len()).filter(|&k| s.edges[k].from != s.edges[k].to).map(span).sum();
    if virtual_count > MAX_VIRTUAL {
        let mut longest: Vec<usize> = (0..s.edges.len()).filter(|&k| s.edges[k].from != s.edges[k].to).collect();
        longest.sort_unstable_by_key(|&k| std::cmp::Reverse(span(k)));
        for k in longest {
            if virtual_count <= MAX_VIRTUAL {
                break;
            }
            direct[k] = true;
            virtual_count -= span(k).saturating_sub(usize::from(s.edges[k].label.is_some()));
        }
    }
    let mut chains: Vec<Vec<usize>> = vec![vec![]; s.edges.len()];
    let mut item_rank: Vec<usize> = rank.clone();
    for (k, e) in s.edges.iter().enumerate() {
        if e.from == e.to {
            continue;
        }
        let (u, v) = dir(k);
        let mut chain = vec![u];
        let label_rank = if reversed[k] { rank[v] - 1 } else { rank[u] + 1 };
        for r in rank[u] + 1..rank[v] {
            let labelled = r == label_rank && e.label.is_some();
            if direct[k] && !labelled {
                continue;
            }
            let (w, h, anchor) = match (&e.label, labelled) {
                (Some(l), true) => {
                    let w = label_width(l) + 2.0 * LABEL_GAP;
                    (w, LABEL_H, -w / 2.0)
                }
                _ => (0.0, 0.0, 0.0),
            };
            items.push(Item { w, h, node: None, label: labelled, anchor, right_extra: 0.0 });
            item_rank.push(r);
            chain.push(items.len() - 1);
        }
        chain.push(v);
        chains[k] = chain;
    }
    let m = items.len();
    let mut ups: Vec<Vec<usize>> = vec![vec![]; m];
    let mut downs: Vec<Vec<usize>> = vec![vec![]; m];
    for c in &chains {
        for w in c.windows(2) {
            downs[w[0]].push(w[1]);
            ups[w[1]].push(w[0]);
        }
    }
    let layer_count = item_rank.iter().max().map_or(0, |r| r + 1);

    // Initial order: depth-first from the start marker, following edges in file order.
    let mut layers: Vec<Vec<usize>> = vec![vec![]; layer_count];
    let mut seen = vec![false; m];
    for root in 0..m {
        if seen[root] || (root >= n && !ups[root].is_empty()) {
            continue;
        }
        let mut stack = vec![root];
        while let Some(v) = stack.pop() {
            if seen[v] {
                continue;
            }
            seen[v] = true;
            layers[item_rank[v]].push(v);
            for &c in downs[v].iter().rev() {
                if !seen[c] {
                    stack.push(c);
                }
            }
        }
    }
    for v in 0..m {
        if !seen[v] {
            layers[item_rank[v]].push(v);
        }
    }

    // 4. Order: barycenter sweeps, keeping the best.
    let mut pos = vec![0usize; m];
    let index = |layers: &Vec<Vec<usize>>, pos: &mut Vec<usize>| {
        for l in layers {
            for (i, &v) in l.iter().enumerate() {
                pos[v] = i;
            }
        }
    };
    index(&layers, &mut pos);
    let mut best = layers.clone();
    let mut best_cross = crossings(&layers, &downs, &pos);
    for it in 0..sweeps(24, m) {
        let down = it % 2 == 0;
        let order: Vec<usize> = if down { (1..layer_count).collect() } else { (0..layer_count.saturating_sub(1)).rev().collect() };
        for l in order {
            let nb = if down { &ups } else { &downs };
            let mut keyed: Vec<(f64, usize)> = layers[l]
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let ns = &nb[v];
                    let key = if ns.is_empty() { i as f64 } else { ns.iter().map(|&u| pos[u] as f64).sum::<f64>() / ns.len() as f64 };
                    (key, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            layers[l] = keyed.into_iter().map(|(_, v)| v).collect();
            for (i, &v) in layers[l].iter().enumerate() {
                pos[v] = i;
            }
        }
        let c = crossings(&layers, &downs, &pos);
        if c < best_cross {
            best_cross = c;
            best = layers.clone();
        }
    }
    let layers = best;
    index(&layers, &mut pos);

    // 5. x: pack, then pull towards the neighbours' average.
    let mut x = vec![0.0f64; m];
    let sep = |a: &Item, b: &Item| if a.node.is_some() && b.node.is_some() { NODE_SEP } else { DUMMY_SEP };
    let offsets: Vec<Vec<f64>> = layers
        .iter()
        .map(|l| {
            let mut off = Vec::with_capacity(l.len());
            let mut acc = 0.0;
            for (i, &v) in l.iter().enumerate() {
                if i > 0 {
                    let p = &items[l[i - 1]];
                    acc += p.w / 2.0 + p.right_extra + sep(p, &items[v]) + items[v].w / 2.0;
                }
                off.push(acc);
            }
            off
        })
        .collect();
    for (l, layer) in layers.iter().enumerate() {
        for (i, &v) in layer.iter().enumerate() {
            x[v] = offsets[l][i];
        }
    }
    for it in 0..sweeps(40, m) {
        let order: Vec<usize> = if it % 2 == 0 { (0..layer_count).collect() } else { (0..layer_count).rev().collect() };
        for l in order {
            let layer = &layers[l];
            let desired: Vec<f64> = layer
                .iter()
                .map(|&v| {
                    let count = ups[v].len() + downs[v].len();
                    if count == 0 { x[v] } else { ups[v].iter().chain(&downs[v]).map(|&u| x[u] + items[u].anchor).sum::<f64>() / count as f64 - items[v].anchor }
                })
                .collect();
            let weights: Vec<f64> = layer.iter().map(|&v| if items[v].node.is_some() { 1.0 } else { 2.0 }).collect();
            let placed = place(&desired, &offsets[l], &weights);
            for (i, &v) in layer.iter().enumerate() {
                x[v] = placed[i];
            }
        }
    }
    let min_x = (0..m).map(|v| x[v] - items[v].w / 2.0).fold(f64::INFINITY, f64::min);
    for v in x.iter_mut() {
        *v -= min_x;
    }

    // y: each rank as tall as its tallest item.
    let mut layer_h = vec![0.0f64; layer_count];
    for v in 0..m {
        layer_h[item_rank[v]] = layer_h[item_rank[v]].max(items[v].h);
    }
    // Gaps grow with the sideways distance edges travel in them, so wide fans stay readable.
    let mut gap = vec![LAYER_GAP; layer_count];
    for c in &chains {
        for w in c.windows(2) {
            let dx = (x[w[0]] + items[w[0]].anchor - x[w[1]] - items[w[1]].anchor).abs();
            let l = item_rank[w[0]];
            gap[l] = gap[l].max((dx * GAP_SLOPE).min(MAX_GAP));
        }
    }
    let mut layer_y = vec![0.0f64; layer_count];
    let mut y = 0.0;
    for l in 0..layer_count {
        if l % 2 == 1 {
            layer_h[l] = layer_h[l].max(ODD_MIN_H);
        }
        layer_y[l] = y;
        y += layer_h[l] + gap[l];
    }
    let height = (y - gap.last().copied().unwrap_or(0.0)).max(0.0);
    let rect = |v: usize| {
        let l = item_rank[v];
        let it = &items[v];
        Rect { x: x[v] - it.w / 2.0, y: layer_y[l] + (layer_h[l] - it.h) / 2.0, w: it.w, h: it.h }
    };

    let mut out = Sub { w: 0.0, h: height, nodes: vec![], branches: vec![], edges: vec![] };
    let mut nested = Vec::new();
    for (i, node) in s.nodes.iter().enumerate() {
        let r = rect(i);
        out.nodes.push(NodeBox { node, top, depth, rect: r });
        if let Some(sub) = inner[i].take() {
            nested.push((sub, r.x, r.y));
        }
    }

    // 6. Edges through their virtual nodes, with ports spread along the box sides.
    let mut out_ports: Vec<Vec<(f64, usize)>> = vec![vec![]; n];
    let mut in_ports: Vec<Vec<(f64, usize)>> = vec![vec![]; n];
    for (k, c) in chains.iter().enumerate() {
        if c.len() < 2 {
            continue;
        }
        let first = c[1];
        let last = c[c.len() - 2];
        out_ports[c[0]].push((x[first] + items[first].anchor, k));
        in_ports[c[c.len() - 1]].push((x[last] + items[last].anchor, k));
    }
    let mut port_out = vec![0.0f64; s.edges.len()];
    let mut port_in = vec![0.0f64; s.edges.len()];
    for v in 0..n {
        let r = rect(v);
        let spread = |ports: &mut Vec<(f64, usize)>, dst: &mut Vec<f64>| {
            ports.sort_by(|a, b| a.0.total_cmp(&b.0));
            let k = ports.len();
            let span = if k < 2 || r.w < 40.0 { 0.0 } else { (r.w * 0.6).min((k - 1) as f64 * 18.0) };
            for (j, &(_, e)) in ports.iter().enumerate() {
                dst[e] = if k < 2 { r.cx() } else { r.cx() - span / 2.0 + span * j as f64 / (k - 1) as f64 };
            }
        };
        spread(&mut out_ports[v], &mut port_out);
        spread(&mut in_ports[v], &mut port_in);
    }
    for (k, e) in s.edges.iter().enumerate() {
        let from = rect(e.from);
        let to = rect(e.to);
        if e.from == e.to {
            let label = e.label.as_ref().map(|l| Rect { x: from.right() + LOOP_W, y: from.cy() - LABEL_H / 2.0, w: label_width(l), h: LABEL_H });
            let points = vec![(from.right(), from.cy() - 8.0), (from.right() + LOOP_W - 4.0, from.cy()), (from.right(), from.cy() + 8.0)];
            out.edges.push(EdgeRoute { edge: e, from_node: &s.nodes[e.from], to_node: &s.nodes[e.to], from, to, points, label, self_loop: true });
            continue;
        }
        let c = &chains[k];
        let (u, v) = (c[0], c[c.len() - 1]);
        // Straight out of the box to the edge of its rank, so bends only happen between ranks.
        let (ru, rv) = (rect(u), rect(v));
        let mut points = vec![(port_out[k], ru.bottom())];
        let lu = item_rank[u];
        if layer_y[lu] + layer_h[lu] > ru.bottom() + 0.5 {
            points.push((port_out[k], layer_y[lu] + layer_h[lu]));
        }
        let mut label = None;
        for &d in &c[1..c.len() - 1] {
            let l = item_rank[d];
            let ax = x[d] + items[d].anchor;
            points.push((ax, layer_y[l]));
            if layer_h[l] > 0.5 {
                points.push((ax, layer_y[l] + layer_h[l]));
            }
            if items[d].label {
                let text = e.label.as_deref().unwrap_or("");
                label = Some(Rect { x: ax + LABEL_GAP, y: layer_y[l] + (layer_h[l] - LABEL_H) / 2.0, w: label_width(text), h: LABEL_H });
            }
        }
        let lv = item_rank[v];
        if rv.y > layer_y[lv] + 0.5 {
            points.push((port_in[k], layer_y[lv]));
        }
        points.push((port_in[k], rv.y));
        if reversed[k] {
            points.reverse();
        }
        out.edges.push(EdgeRoute { edge: e, from_node: &s.nodes[e.from], to_node: &s.nodes[e.to], from, to, points, label, self_loop: false });
    }

    out.w = (0..m).map(|v| x[v] + items[v].w / 2.0 + items[v].right_extra).fold(0.0, f64::max);
    for (sub, dx, dy) in nested {
        out.append(sub, dx, dy);
    }
    out
}

/// Least-squares placement of an ordered row: centers as close as possible to `desired`
/// (weighted) while keeping at least the packed distances `offsets` apart.
fn place(desired: &[f64], offsets: &[f64], weights: &[f64]) -> Vec<f64> {
    // With z_i = x_i - offset_i the constraint is z non-decreasing: isotonic regression.
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new(); // (weighted mean, weight, count)
    for i in 0..desired.len() {
        let mut b = (desired[i] - offsets[i], weights[i], 1);
        while let Some(&(m, w, c)) = blocks.last() {
            if m <= b.0 {
                break;
            }
            blocks.pop();
            b = ((m * w + b.0 * b.1) / (w + b.1), w + b.1, c + b.2);
        }
        blocks.push(b);
    }
    let mut out = Vec::with_capacity(desired.len());
    for (m, _, c) in blocks {
        for _ in 0..c {
            out.push(m + offsets[out.len()]);
        }
    }
    out
}

/// Virtual nodes of one scope, at most (see where they are made).
const MAX_VIRTUAL: usize = 50_000;

/// Items visited by all the sweeps of one ordering or placement phase, at most: a scope with
/// many long edges has hundreds of thousands of virtual nodes, and fewer sweeps over them still
/// give a readable drawing where the full count took seconds.
const SWEEP_WORK: usize = 1_000_000;

/// How many of `wanted` sweeps over `items` items fit in [`SWEEP_WORK`] (at least 2: one each way).
fn sweeps(wanted: usize, items: usize) -> usize {
    (SWEEP_WORK / items.max(1)).clamp(2, wanted)
}

/// Edge crossings between each layer and the next: pairs of edges whose ends are in opposite
/// orders. Counted as inversions with a Fenwick tree, O(E log V) per layer (the pairwise count
/// took seconds on a few hundred Choice rules, and is run once per ordering sweep).
fn crossings(layers: &[Vec<usize>], downs: &[Vec<usize>], pos: &[usize]) -> usize {
    let mut total = 0;
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut tree: Vec<usize> = Vec::new();
    for l in layers {
        pairs.clear();
        for &v in l {
            for &w in &downs[v] {
                pairs.push((pos[v], pos[w]));
            }
        }
        // in source order (ties by target, which never cross), a crossing is an earlier edge
        // whose target lies strictly right of a later one's
        pairs.sort_unstable();
        let width = pairs.iter().map(|p| p.1 + 1).max().unwrap_or(0);
        tree.clear();
        tree.resize(width + 1, 0);
        for (seen, &(_, b)) in pairs.iter().enumerate() {
            // targets at or left of b among the edges seen so far
            let mut at_or_left = 0;
            let mut i = b + 1;
            while i > 0 {
                at_or_left += tree[i];
                i &= i - 1;
            }
            total += seen - at_or_left;
            let mut i = b + 1;
            while i <= width {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}

/// The state type of a node, if it is a state.
pub fn state_type(n: &Node) -> Option<StateType> {
    match n.kind {
        NodeKind::State(t) => Some(t),
        _ => None,
    }
}

/// Whether an edge is drawn dashed.
pub fn dashed(e: &Edge) -> bool {
    e.kind == EdgeKind::Catch
}

#[cfg(test)]
mod tests {
    use super::crossings;

    /// The pairwise count the Fenwick tree replaces.
    fn crossings_pairwise(layers: &[Vec<usize>], downs: &[Vec<usize>], pos: &[usize]) -> usize {
        let mut total = 0;
        for l in layers {
            let pairs: Vec<(usize, usize)> = l.iter().flat_map(|&v| downs[v].iter().map(move |&w| (pos[v], pos[w]))).collect();
            for i in 0..pairs.len() {
                for j in i + 1..pairs.len() {
                    let (a, b) = (pairs[i], pairs[j]);
                    if (a.0 < b.0 && a.1 > b.1) || (a.0 > b.0 && a.1 < b.1) {
                        total += 1;
                    }
                }
            }
        }
        total
    }

    #[test]
    fn counts_crossings_as_the_pairwise_count_does() {
        // a small linear congruential generator: random layered graphs, parallel edges included
        let mut seed = 12345u64;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for _ in 0..200 {
            let widths: Vec<usize> = (0..4).map(|_| 1 + next(7)).collect();
            let mut layers = vec![];
            let mut id = 0;
            for w in &widths {
                layers.push((id..id + w).collect::<Vec<_>>());
                id += w;
            }
            let mut downs = vec![vec![]; id];
            for l in 0..layers.len() - 1 {
                for _ in 0..next(12) {
                    let v = layers[l][next(layers[l].len())];
                    let w = layers[l + 1][next(layers[l + 1].len())];
                    downs[v].push(w);
                }
            }
            let mut pos = vec![0; id];
            for l in &mut layers {
                // shuffle the order within the layer
                for i in (1..l.len()).rev() {
                    l.swap(i, next(i + 1));
                }
                for (i, &v) in l.iter().enumerate() {
                    pos[v] = i;
                }
            }
            assert_eq!(crossings(&layers, &downs, &pos), crossings_pairwise(&layers, &downs, &pos));
        }
    }
}
