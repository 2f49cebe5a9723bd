//! The JSONata syntax tree, in the form the reference implementation's evaluator works on: the
//! parser's output after its post-processing pass (paths flattened to steps, predicates attached
//! to steps as stages, parent `%` references resolved to labels, tail calls marked).
//!
//! Every node is a plain [`Expr`] with a few step annotations that are empty for most nodes, so
//! that the tree can be written as a `static` in generated code.

use crate::{List, Ptr, Str};

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: Kind,
    /// Byte offset of the node's token in the expression text.
    pub pos: usize,
    /// `[]` after the step: keep singleton arrays in the result.
    pub keep_array: bool,
    /// Filters applied after evaluating this node outside a path step (`$x[0]`).
    pub predicate: List<Expr>,
    /// Stages of a path step: filters `[…]` and position bindings `#$i` after a filter.
    pub stages: List<Stage>,
    /// Group-by `{…}` applied to the node's result.
    pub group: Option<Ptr<Group>>,
    /// `@$v`: bind each item to `$v` and keep the previous context.
    pub focus: Option<Str>,
    /// `#$i`: bind each item's position to `$i`.
    pub index: Option<Str>,
    /// The step (or path) carries a tuple stream (needed by `@`, `#` and `%`).
    pub tuple: bool,
    /// A parent label that this step binds its input to (for `%`).
    pub ancestor: Option<Str>,
    /// An array constructor used as a path step: not flattened.
    pub consarray: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A location path `a.b[0].c`.
    Path {
        steps: List<Expr>,
        keep_singleton_array: bool,
    },
    Binary {
        op: BinOp,
        lhs: Ptr<Expr>,
        rhs: Ptr<Expr>,
    },
    /// Unary minus.
    Neg(Ptr<Expr>),
    /// Array constructor `[a, b, 1..3]`.
    Array(List<Expr>),
    /// Object constructor `{k: v}`.
    Object(List<(Expr, Expr)>),
    /// A field name (also `` `quoted` `` and string literals used as path steps).
    Name(Str),
    Str(Str),
    Num(f64),
    Bool(bool),
    Null,
    /// `*`
    Wildcard,
    /// `**`
    Descendant,
    /// `%`, resolved to the label that an ancestor step binds.
    Parent(Str),
    Condition {
        cond: Ptr<Expr>,
        then: Ptr<Expr>,
        otherwise: Option<Ptr<Expr>>,
    },
    /// `(a; b; c)`
    Block(List<Expr>),
    /// `$name := value`
    Bind {
        name: Str,
        value: Ptr<Expr>,
    },
    /// `/pattern/flags`, compiled on first use at run time.
    Regex(Regex),
    /// `$name` (`$` alone has the name "", `$$` the name "$").
    Variable(Str),
    /// `f(args)`; with `partial` some args are [`Kind::Placeholder`].
    Call {
        procedure: Ptr<Expr>,
        args: List<Expr>,
        partial: bool,
    },
    /// `?` in a partial application.
    Placeholder,
    Lambda(Ptr<Lambda>),
    /// `lhs ~> rhs`
    Apply {
        lhs: Ptr<Expr>,
        rhs: Ptr<Expr>,
    },
    /// `| pattern | update, delete |`
    Transform {
        pattern: Ptr<Expr>,
        update: Ptr<Expr>,
        delete: Option<Ptr<Expr>>,
    },
    /// Order-by `^(…)`, only as a path step.
    Sort(List<SortTerm>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `&`
    Concat,
    And,
    Or,
    In,
    /// `..`
    Range,
    /// `?:` (JSONata 2.1; not in 2.0.6, accepted as an extension)
    Elvis,
    /// `??` (JSONata 2.1; not in 2.0.6, accepted as an extension)
    Coalesce,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        use BinOp::*;
        match self {
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Mod => "%",
            Eq => "=",
            Ne => "!=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            Concat => "&",
            And => "and",
            Or => "or",
            In => "in",
            Range => "..",
            Elvis => "?:",
            Coalesce => "??",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Stage {
    Filter(Expr),
    /// `#$name` placed after a filter.
    Index(Str),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub pairs: List<(Expr, Expr)>,
    pub pos: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SortTerm {
    pub descending: bool,
    pub expr: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lambda {
    /// Parameter names without `$`.
    pub params: List<Str>,
    /// The signature text `<n-n:n>`, validated at parse time, interpreted when called.
    pub signature: Option<Str>,
    pub body: Expr,
    /// A tail call wrapped by the tail-call optimisation (trampolined by the evaluator).
    pub thunk: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Regex {
    pub pattern: Str,
    /// Any of `i` and `m`.
    pub flags: Str,
}

impl Expr {
    /// A node without annotations.
    pub fn new(kind: Kind, pos: usize) -> Expr {
        Expr { kind, pos, keep_array: false, predicate: List::Borrowed(&[]), stages: List::Borrowed(&[]), group: None, focus: None, index: None, tuple: false, ancestor: None, consarray: false }
    }
}
