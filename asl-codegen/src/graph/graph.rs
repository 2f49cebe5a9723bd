//! The format-neutral state graph built from the typed model.

use std::collections::{HashMap, HashSet};

use crate::json::Json;
use crate::model::{self, Compare, Kind, Machine, Op, Operand, OperandKind, Rule};

/// A whole workflow's picture: the top-level scope, with nested scopes inside Parallel and Map
/// nodes.
#[derive(Clone, Debug)]
pub struct Graph {
    /// A name for the picture (DOT's graph name), e.g. the file stem.
    pub name: String,
    pub comment: Option<String>,
    pub root: Scope,
}

/// The states of one scope (the top level, a Parallel branch or a Map processor) with their
/// own start and end markers. Edges never leave a scope.
#[derive(Clone, Debug)]
pub struct Scope {
    /// Unique in the whole graph, usable as an identifier in every format.
    pub id: String,
    /// `Branch 1`, … for Parallel branches; empty for the top level and Map processors.
    pub label: String,
    /// Drawn as a box of its own (Parallel branches); a Map processor is drawn straight inside
    /// the Map's box.
    pub boxed: bool,
    /// `true` for the top level.
    pub top: bool,
    /// `nodes[0]` is the start marker, `nodes[1]` the end marker, then the states in file order.
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

#[derive(Clone, Debug)]
pub struct Node {
    /// Unique in the whole graph: `[A-Za-z0-9_]`, not starting with a digit.
    pub id: String,
    /// The state name as written (or `Start`/`End` for markers).
    pub name: String,
    pub kind: NodeKind,
    /// Parallel branches or the Map processor.
    pub scopes: Vec<Scope>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Start,
    End,
    State(StateType),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StateType {
    Pass,
    Task,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
}

impl StateType {
    pub fn name(self) -> &'static str {
        match self {
            StateType::Pass => "Pass",
            StateType::Task => "Task",
            StateType::Choice => "Choice",
            StateType::Wait => "Wait",
            StateType::Succeed => "Succeed",
            StateType::Fail => "Fail",
            StateType::Parallel => "Parallel",
            StateType::Map => "Map",
        }
    }
}

impl Node {
    pub fn is_marker(&self) -> bool {
        matches!(self.kind, NodeKind::Start | NodeKind::End)
    }

    /// Parallel and Map states, drawn as boxes around their scopes.
    pub fn is_compound(&self) -> bool {
        !self.scopes.is_empty()
    }
}

/// A transition, by node index within its scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
    /// The Choice rule, `Default`, or the caught error names.
    pub label: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    /// Start marker → `StartAt`.
    Start,
    Next,
    Choice,
    Default,
    /// Drawn dashed.
    Catch,
    /// A terminal state (End, Succeed, Fail) → end marker.
    End,
}

/// The longest label text kept; longer rules are cut with `…`.
pub const MAX_LABEL: usize = 48;

impl Graph {
    /// Builds the graph of a workflow. `source` (the parsed JSON the machine came from) is used
    /// to show JSONata `Condition` texts, which the model does not keep.
    ///
    /// Works on a partly broken model too: transitions to states that are not in the model are
    /// left out.
    pub fn build(name: &str, machine: &Machine, source: Option<&Json>) -> Graph {
        let mut b = Builder { ids: HashSet::new(), next_suffix: HashMap::new(), source };
        let root = b.scope(&machine.scope, String::new(), String::new(), false, true);
        Graph { name: name.to_owned(), comment: machine.comment.clone(), root }
    }

    /// Every scope, depth first (the top level first).
    pub fn scopes(&self) -> Vec<&Scope> {
        fn walk<'g>(s: &'g Scope, out: &mut Vec<&'g Scope>) {
            out.push(s);
            for n in &s.nodes {
                for inner in &n.scopes {
                    walk(inner, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.root, &mut out);
        out
    }
}

struct Builder<'s> {
    ids: HashSet<String>,
    /// For each id taken more than once, the next numeric suffix to try: thousands of names
    /// that read alike (`a-1`, `a 1`, `a_1`…) would otherwise each probe every suffix before.
    next_suffix: HashMap<String, usize>,
    source: Option<&'s Json>,
}

const RESERVED: &[&str] = &["end", "graph", "subgraph", "flowchart", "style", "class", "classdef", "click", "direction", "default", "linkstyle", "call", "href", "node", "edge", "digraph", "strict"];

impl Builder<'_> {
    fn id(&mut self, base: &str) -> String {
        let mut s: String = base.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
        while s.contains("__") {
            s = s.replace("__", "_");
        }
        let mut s = s.trim_matches('_').to_owned();
        if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
            s.insert_str(0, "s_");
        }
        if RESERVED.contains(&s.to_ascii_lowercase().as_str()) {
            s.push('_');
        }
        if self.ids.insert(s.clone()) {
            return s;
        }
        self.suffixed(&s, "_")
    }

    /// `{base}{sep}{n}` for the first free `n` from 2 on (ids are never freed, so the search
    /// goes on where the last one for `base` stopped).
    fn suffixed(&mut self, base: &str, sep: &str) -> String {
        let key = format!("{base}{sep}");
        let mut n = self.next_suffix.get(&key).copied().unwrap_or(2);
        loop {
            let c = format!("{key}{n}");
            n += 1;
            if self.ids.insert(c.clone()) {
                self.next_suffix.insert(key, n);
                return c;
            }
        }
    }

    fn marker(&mut self, scope_id: &str, what: &str) -> String {
        let base = if scope_id.is_empty() { format!("_{what}") } else { format!("{scope_id}__{what}") };
        if self.ids.insert(base.clone()) {
            return base;
        }
        self.suffixed(&base, "")
    }

    fn scope(&mut self, s: &model::Scope, id: String, label: String, boxed: bool, top: bool) -> Scope {
        let mut nodes = vec![
            Node { id: self.marker(&id, "start"), name: "Start".into(), kind: NodeKind::Start, scopes: vec![] },
            Node { id: self.marker(&id, "end"), name: "End".into(), kind: NodeKind::End, scopes: vec![] },
        ];
        // Ids first (so nested ids never take a state's plain name), then the nested scopes.
        let ids: Vec<String> = s.states.iter().map(|st| self.id(&st.name)).collect();
        for (st, id) in s.states.iter().zip(ids) {
            let (ty, scopes) = match &st.kind {
                Kind::Pass(_) => (StateType::Pass, vec![]),
                Kind::Task(_) => (StateType::Task, vec![]),
                Kind::Choice(_) => (StateType::Choice, vec![]),
                Kind::Wait(_) => (StateType::Wait, vec![]),
                Kind::Succeed => (StateType::Succeed, vec![]),
                Kind::Fail(_) => (StateType::Fail, vec![]),
                Kind::Parallel(p) => {
                    let scopes = p
                        .branches
                        .iter()
                        .enumerate()
                        .map(|(i, b)| {
                            let bid = self.id(&format!("{id}_b{}", i + 1));
                            self.scope(b, bid, format!("Branch {}", i + 1), true, false)
                        })
                        .collect();
                    (StateType::Parallel, scopes)
                }
                Kind::Map(m) => {
                    let pid = self.id(&format!("{id}_items"));
                    (StateType::Map, vec![self.scope(&m.processor, pid, String::new(), false, false)])
                }
            };
            nodes.push(Node { id, name: st.name.clone(), kind: NodeKind::State(ty), scopes });
        }

        let index: HashMap<&str, usize> = s.states.iter().enumerate().map(|(i, st)| (st.name.as_str(), i + 2)).collect();
        let mut edges = Vec::new();
        if let Some(&to) = index.get(s.start_at.value.as_str()) {
            edges.push(Edge { from: 0, to, kind: EdgeKind::Start, label: None });
        }
        for (i, st) in s.states.iter().enumerate() {
            let from = i + 2;
            let mut add = |target: &str, kind: EdgeKind, label: Option<String>| {
                if let Some(&to) = index.get(target) {
                    edges.push(Edge { from, to, kind, label });
                }
            };
            if let Some(n) = &st.next {
                add(&n.value, EdgeKind::Next, None);
            }
            match &st.kind {
                Kind::Choice(c) => {
                    // By the rule's place in the file, so rules the model could not read (still
                    // unsupported syntax) are drawn from the source.
                    let source_rules = self.lookup(&format!("{}/Choices", st.pointer)).and_then(|j| match &j.value {
                        crate::json::JsonValue::Array(a) => Some(a),
                        _ => None,
                    });
                    let count = source_rules.map_or(c.choices.len(), |a| a.len());
                    let by_pointer: HashMap<&str, _> = c.choices.iter().map(|b| (b.next.pointer.as_str(), b)).collect();
                    for i in 0..count {
                        let next_ptr = format!("{}/Choices/{i}/Next", st.pointer);
                        let modelled = by_pointer.get(next_ptr.as_str()).copied().or_else(|| source_rules.is_none().then(|| &c.choices[i]));
                        let (target, text) = match modelled {
                            Some(br) => {
                                let text = match &br.rule {
                                    Rule::Condition(_) => self.condition_text(&br.next.pointer),
                                    r => rule_text(r),
                                };
                                (br.next.value.clone(), text)
                            }
                            None => {
                                let Some(target) = source_rules.and_then(|a| a[i].get("Next")).and_then(Json::as_str) else { continue };
                                (target.to_owned(), self.condition_text(&next_ptr))
                            }
                        };
                        add(&target, EdgeKind::Choice, Some(shorten(&text)));
                    }
                    if let Some(d) = &c.default {
                        add(&d.value, EdgeKind::Default, Some("Default".into()));
                    }
                }
                Kind::Task(model::Task { catch, .. }) | Kind::Parallel(model::Parallel { catch, .. }) | Kind::Map(model::Map { catch, .. }) => {
                    for c in catch {
                        add(&c.next.value, EdgeKind::Catch, Some(shorten(&c.errors.join(", "))));
                    }
                }
                _ => {}
            }
            if st.is_terminal() {
                edges.push(Edge { from, to: 1, kind: EdgeKind::End, label: None });
            }
        }
        Scope { id, label, boxed, top, nodes, edges }
    }

    /// The source value at a JSON pointer.
    fn lookup(&self, pointer: &str) -> Option<&Json> {
        let mut v = self.source?;
        for part in pointer.split('/').skip(1) {
            let key = part.replace("~1", "/").replace("~0", "~");
            v = match &v.value {
                crate::json::JsonValue::Array(a) => a.get(key.parse::<usize>().ok()?)?,
                _ => v.get(&key)?,
            };
        }
        Some(v)
    }

    /// The `Condition` text of a JSONata Choice rule, found next to its `Next` in the source
    /// (`rule` for a JSONPath rule the model could not read).
    fn condition_text(&self, next_pointer: &str) -> String {
        let found = (|| {
            let rule = self.lookup(next_pointer.strip_suffix("/Next")?)?;
            let Some(cond) = rule.get("Condition") else { return Some("rule".to_owned()) };
            let text = cond.as_str()?;
            let inner = text.trim().strip_prefix("{%").and_then(|t| t.strip_suffix("%}")).unwrap_or(text);
            Some(inner.split_whitespace().collect::<Vec<_>>().join(" "))
        })();
        found.unwrap_or_else(|| "Condition".into())
    }
}

/// Cuts a label to [`MAX_LABEL`] characters.
fn shorten(s: &str) -> String {
    if s.chars().count() <= MAX_LABEL {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(MAX_LABEL - 1).collect();
    out.push('…');
    out
}

/// A short readable rendering of a Choice rule: `$.n > 10`, `$.kind == "gift"`,
/// `and($.a >= 1, not(present($.b)))`.
pub fn rule_text(rule: &Rule) -> String {
    let list = |name: &str, rs: &[Rule]| format!("{name}({})", rs.iter().map(rule_text).collect::<Vec<_>>().join(", "));
    match rule {
        Rule::And(rs) => list("and", rs),
        Rule::Or(rs) => list("or", rs),
        Rule::Not(r) => format!("not({})", rule_text(r)),
        Rule::Compare(c) => compare_text(c),
        Rule::Condition(_) => "Condition".into(),
    }
}

fn compare_text(c: &Compare) -> String {
    let var = &*c.variable.text;
    let operand = match &c.operand {
        Operand::Str(s) | Operand::Timestamp { text: s, .. } => serde_json::Value::String(s.to_string()).to_string(),
        Operand::Number(n) => number(*n),
        Operand::Bool(b) => b.to_string(),
        Operand::Path(p) => p.text.to_string(),
    };
    if c.op.operand() == OperandKind::TypeTest {
        let yes = !matches!(c.operand, Operand::Bool(false));
        return match c.op {
            Op::IsNull => format!("{var} {} null", if yes { "==" } else { "!=" }),
            _ => {
                let f = match c.op {
                    Op::IsPresent => "present",
                    Op::IsNumeric => "is_number",
                    Op::IsString => "is_string",
                    Op::IsBoolean => "is_boolean",
                    _ => "is_timestamp",
                };
                format!("{}{f}({var})", if yes { "" } else { "!" })
            }
        };
    }
    let name = c.op.name().trim_end_matches("Path");
    let sym = if name.ends_with("LessThanEquals") {
        "<="
    } else if name.ends_with("GreaterThanEquals") {
        ">="
    } else if name.ends_with("LessThan") {
        "<"
    } else if name.ends_with("GreaterThan") {
        ">"
    } else if name.ends_with("Matches") {
        "matches"
    } else {
        "=="
    };
    format!("{var} {sym} {operand}")
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { format!("{n}") }
}
