//! The mutable tree that the parser builds and the post-processing pass rewrites (mirroring the
//! object graph of jsonata-js), before it is lowered to the immutable [`Expr`](super::Expr).

use super::ast::BinOp;

#[derive(Debug, Default)]
pub struct Node {
    pub t: T,
    pub pos: usize,
    pub keep_array: bool,
    /// `None` and `Some(empty)` differ, as `undefined` and `[]` do in jsonata-js.
    pub predicate: Option<Vec<Node>>,
    pub stages: Option<Vec<StageN>>,
    pub group: Option<(Vec<(Node, Node)>, usize)>,
    pub focus: Option<String>,
    pub index: Option<String>,
    pub tuple: bool,
    /// Slot id (see `process::Slot`).
    pub ancestor: Option<usize>,
    pub consarray: bool,
    pub seeking_parent: Option<Vec<usize>>,
    pub keep_singleton_array: bool,
}

#[derive(Debug)]
pub enum StageN {
    Filter(Node),
    Index(String),
}

#[derive(Debug, Default)]
pub enum T {
    // Raw forms, only produced by the parser.
    /// `.`, `[` (predicate), `@`, `#`, `:=`, `~>` before post-processing.
    Infix {
        op: &'static str,
        lhs: Box<Node>,
        rhs: Box<Node>,
    },
    GroupBy {
        lhs: Box<Node>,
        pairs: Vec<(Node, Node)>,
    },
    OrderBy {
        lhs: Box<Node>,
        terms: Vec<(bool, Node)>,
    },
    /// `and`/`or`/`in` in operand position, or the `?` placeholder.
    Op(&'static str),
    ParentRaw,

    // Processed forms.
    Path {
        steps: Vec<Node>,
    },
    Sort(Vec<(bool, Node)>),
    Bind {
        name: String,
        value: Box<Node>,
    },
    Apply {
        lhs: Box<Node>,
        rhs: Box<Node>,
    },
    Parent(usize),
    Placeholder,

    // Common forms.
    Binary {
        op: BinOp,
        lhs: Box<Node>,
        rhs: Box<Node>,
    },
    Neg(Box<Node>),
    Array(Vec<Node>),
    Object(Vec<(Node, Node)>),
    Name(String),
    Str(String),
    Num(f64),
    Bool(bool),
    #[default]
    Null,
    Regex {
        pattern: String,
        flags: String,
    },
    Wildcard,
    Descendant,
    Variable(String),
    Condition {
        cond: Box<Node>,
        then: Box<Node>,
        otherwise: Option<Box<Node>>,
    },
    Block(Vec<Node>),
    Call {
        procedure: Box<Node>,
        args: Vec<Node>,
        partial: bool,
    },
    Lambda {
        params: Vec<String>,
        signature: Option<String>,
        body: Box<Node>,
        thunk: bool,
    },
    Transform {
        pattern: Box<Node>,
        update: Box<Node>,
        delete: Option<Box<Node>>,
    },
}

impl Node {
    pub fn new(t: T, pos: usize) -> Node {
        Node { t, pos, ..Node::default() }
    }

    /// jsonata-js's `type` of the node, for error messages.
    pub fn type_name(&self) -> &'static str {
        match &self.t {
            T::Infix { .. } | T::GroupBy { .. } | T::OrderBy { .. } | T::Binary { .. } => "binary",
            T::Op(_) => "operator",
            T::ParentRaw | T::Parent(_) => "parent",
            T::Path { .. } => "path",
            T::Sort(_) => "sort",
            T::Bind { .. } => "bind",
            T::Apply { .. } => "apply",
            T::Placeholder => "operator",
            T::Neg(_) | T::Array(_) | T::Object(_) => "unary",
            T::Name(_) => "name",
            T::Str(_) => "string",
            T::Num(_) => "number",
            T::Bool(_) | T::Null => "value",
            T::Regex { .. } => "regex",
            T::Wildcard => "wildcard",
            T::Descendant => "descendant",
            T::Variable(_) => "variable",
            T::Condition { .. } => "condition",
            T::Block(_) => "block",
            T::Call { partial: false, .. } => "function",
            T::Call { partial: true, .. } => "partial",
            T::Lambda { .. } => "lambda",
            T::Transform { .. } => "transform",
        }
    }
}
