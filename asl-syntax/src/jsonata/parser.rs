//! Pratt (top-down operator precedence) parser, as in jsonata-js: binding powers, prefix (`nud`)
//! and infix (`led`) handlers per symbol. Produces the raw [`Node`] tree.

use super::ast::BinOp;
use super::error::{Code, SynErr};
use super::lexer::{Lexer, Tok, Token};
use super::node::{Node, T};

type R<T> = Result<T, SynErr>;

pub struct Parser<'s> {
    src: &'s str,
    lexer: Lexer<'s>,
    /// The current token; `None` is `(end)`.
    cur: Option<Token>,
    /// Depth of the tree being built: nesting plus the terms of operator chains (`a + b + c`
    /// builds a tree as deep as it is long). Bounded so that no later pass over the tree, nor
    /// rustc compiling it as a `static`, can overflow its stack.
    depth: usize,
}

/// Deepest tree an expression may build: nesting levels plus chained operator terms.
pub const MAX_DEPTH: usize = 100;

/// Left binding power of an operator symbol.
fn lbp(op: &str) -> u32 {
    match op {
        "." => 75,
        "[" | "(" | "@" | "#" => 80,
        "{" => 70,
        "?" => 20,
        "+" | "-" | "&" => 50,
        "*" | "/" | "%" => 60,
        "=" | "<" | ">" | "^" | "!=" | "<=" | ">=" | "~>" | "in" | "?:" | "??" => 40,
        "and" => 30,
        "or" => 25,
        ":=" => 10,
        _ => 0,
    }
}

fn binop(op: &str) -> Option<BinOp> {
    use BinOp::*;
    Some(match op {
        "+" => Add,
        "-" => Sub,
        "*" => Mul,
        "/" => Div,
        "%" => Mod,
        "=" => Eq,
        "!=" => Ne,
        "<" => Lt,
        "<=" => Le,
        ">" => Gt,
        ">=" => Ge,
        "&" => Concat,
        "and" => And,
        "or" => Or,
        "in" => In,
        "?:" => Elvis,
        "??" => Coalesce,
        _ => return None,
    })
}

/// The operator symbols the grammar knows (others, like `!` alone, are S0204).
fn known_op(op: &str) -> bool {
    !matches!(op, "!" | "~")
}

fn tok_text(t: &Tok) -> String {
    match t {
        Tok::Name(s) | Tok::Variable(s) | Tok::Str(s) => s.clone(),
        Tok::Op(o) => o.to_string(),
        Tok::Num(n) => format!("{n}"),
        Tok::Bool(b) => b.to_string(),
        Tok::Null => "null".into(),
        Tok::Regex { pattern, .. } => format!("/{pattern}/"),
    }
}

impl<'s> Parser<'s> {
    pub fn new(src: &'s str) -> Self {
        Parser { src, lexer: Lexer::new(src), cur: None, depth: 0 }
    }

    /// Parses the whole text.
    pub fn parse(mut self) -> R<Node> {
        self.advance(None, false)?;
        let expr = self.expression(0)?;
        if let Some(t) = &self.cur {
            return Err(SynErr::new(Code::S0201, t.pos).token(tok_text(&t.tok)));
        }
        Ok(expr)
    }

    /// The symbol id of the current token, as jsonata-js names it.
    fn id(&self) -> &'static str {
        match &self.cur {
            None => "(end)",
            Some(Token { tok: Tok::Op(o), .. }) => o,
            Some(Token { tok: Tok::Name(_) | Tok::Variable(_), .. }) => "(name)",
            Some(Token { tok: Tok::Regex { .. }, .. }) => "(regex)",
            Some(_) => "(literal)",
        }
    }

    fn pos(&self) -> usize {
        self.cur.as_ref().map_or(self.src.len(), |t| t.pos)
    }

    fn advance(&mut self, expect: Option<&str>, infix: bool) -> R<()> {
        if let Some(id) = expect
            && self.id() != id
        {
            let code = if self.cur.is_none() { Code::S0203 } else { Code::S0202 };
            let mut e = SynErr::new(code, self.pos()).value(id);
            if let Some(t) = &self.cur {
                e = e.token(tok_text(&t.tok));
            }
            return Err(e);
        }
        self.cur = self.lexer.next(infix)?;
        if let Some(Token { tok: Tok::Op(op), pos }) = &self.cur
            && !known_op(op)
        {
            return Err(SynErr::new(Code::S0204, *pos).token(*op));
        }
        Ok(())
    }

    fn cur_lbp(&self) -> u32 {
        match &self.cur {
            Some(Token { tok: Tok::Op(o), .. }) => lbp(o),
            _ => 0,
        }
    }

    /// One level deeper, or the error for an expression deeper than [`MAX_DEPTH`].
    fn deeper(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SynErr::new(Code::S0201, self.pos()).token(format!("(expression nested or chained deeper than {MAX_DEPTH} levels)")));
        }
        Ok(())
    }

    fn expression(&mut self, rbp: u32) -> R<Node> {
        let entry = self.depth;
        self.deeper()?;
        let t = self.cur.take().ok_or_else(|| SynErr::new(Code::S0207, self.src.len()))?;
        self.advance(None, true)?;
        let mut left = self.nud(t)?;
        while rbp < self.cur_lbp() {
            // each operator applied in this loop puts `left` one level deeper in the tree
            self.deeper()?;
            let t = self.cur.take().expect("an operator with a binding power");
            self.advance(None, false)?;
            left = self.led(t, left)?;
        }
        self.depth = entry;
        Ok(left)
    }

    #[inline(never)]
    fn nud(&mut self, t: Token) -> R<Node> {
        let pos = t.pos;
        let node = |t| Ok(Node::new(t, pos));
        match t.tok {
            Tok::Name(n) => node(T::Name(n)),
            Tok::Variable(v) => node(T::Variable(v)),
            Tok::Str(s) => node(T::Str(s)),
            Tok::Num(n) => node(T::Num(n)),
            Tok::Bool(b) => node(T::Bool(b)),
            Tok::Null => node(T::Null),
            Tok::Regex { pattern, flags } => node(T::Regex { pattern, flags }),
            Tok::Op(op @ ("and" | "or" | "in")) => node(T::Op(op)),
            Tok::Op("-") => node(T::Neg(Box::new(self.expression(70)?))),
            Tok::Op("*") => node(T::Wildcard),
            Tok::Op("**") => node(T::Descendant),
            Tok::Op("%") => node(T::ParentRaw),
            Tok::Op("(") => self.block(pos),
            Tok::Op("[") => self.array(pos),
            Tok::Op("{") => node(T::Object(self.object_pairs()?)),
            Tok::Op("|") => self.transform(pos),
            Tok::Op(op) => Err(SynErr::new(Code::S0211, pos).token(op)),
        }
    }

    #[inline(never)]
    fn block(&mut self, pos: usize) -> R<Node> {
        let mut exprs = vec![];
        while self.id() != ")" {
            exprs.push(self.expression(0)?);
            if self.id() != ";" {
                break;
            }
            self.advance(Some(";"), false)?;
        }
        self.advance(Some(")"), true)?;
        Ok(Node::new(T::Block(exprs), pos))
    }

    #[inline(never)]
    fn array(&mut self, pos: usize) -> R<Node> {
        let mut items = vec![];
        if self.id() != "]" {
            loop {
                let mut item = self.expression(0)?;
                if self.id() == ".." {
                    let rpos = self.pos();
                    self.advance(Some(".."), false)?;
                    let rhs = self.expression(0)?;
                    item = Node::new(T::Binary { op: BinOp::Range, lhs: Box::new(item), rhs: Box::new(rhs) }, rpos);
                }
                items.push(item);
                if self.id() != "," {
                    break;
                }
                self.advance(Some(","), false)?;
            }
        }
        self.advance(Some("]"), true)?;
        Ok(Node::new(T::Array(items), pos))
    }

    #[inline(never)]
    fn transform(&mut self, pos: usize) -> R<Node> {
        let pattern = Box::new(self.expression(0)?);
        self.advance(Some("|"), false)?;
        let update = Box::new(self.expression(0)?);
        let mut delete = None;
        if self.id() == "," {
            self.advance(Some(","), false)?;
            delete = Some(Box::new(self.expression(0)?));
        }
        self.advance(Some("|"), false)?;
        Ok(Node::new(T::Transform { pattern, update, delete }, pos))
    }

    #[inline(never)]
    fn object_pairs(&mut self) -> R<Vec<(Node, Node)>> {
        let mut pairs = vec![];
        if self.id() != "}" {
            loop {
                let k = self.expression(0)?;
                self.advance(Some(":"), false)?;
                let v = self.expression(0)?;
                pairs.push((k, v));
                if self.id() != "," {
                    break;
                }
                self.advance(Some(","), false)?;
            }
        }
        self.advance(Some("}"), true)?;
        Ok(pairs)
    }

    #[inline(never)]
    fn led(&mut self, t: Token, left: Node) -> R<Node> {
        let pos = t.pos;
        let Tok::Op(op) = t.tok else { unreachable!("only operators have a binding power") };
        let infix = |op, lhs, rhs| Ok(Node::new(T::Infix { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, pos));
        match op {
            "(" => self.call(left, pos),
            "[" => {
                if self.id() == "]" {
                    // `[]`: keep singleton arrays, flagged on the step under any predicates
                    let mut left = left;
                    let mut step = &mut left;
                    while let T::Infix { op: "[", lhs, .. } = &mut step.t {
                        step = lhs;
                    }
                    step.keep_array = true;
                    self.advance(Some("]"), false)?;
                    Ok(left)
                } else {
                    let rhs = self.expression(0)?;
                    self.advance(Some("]"), true)?;
                    infix("[", left, rhs)
                }
            }
            "^" => {
                self.advance(Some("("), false)?;
                let mut terms = vec![];
                loop {
                    let mut descending = false;
                    if self.id() == "<" {
                        self.advance(Some("<"), false)?;
                    } else if self.id() == ">" {
                        descending = true;
                        self.advance(Some(">"), false)?;
                    }
                    terms.push((descending, self.expression(0)?));
                    if self.id() != "," {
                        break;
                    }
                    self.advance(Some(","), false)?;
                }
                self.advance(Some(")"), false)?;
                Ok(Node::new(T::OrderBy { lhs: Box::new(left), terms }, pos))
            }
            "{" => {
                let pairs = self.object_pairs()?;
                Ok(Node::new(T::GroupBy { lhs: Box::new(left), pairs }, pos))
            }
            ":=" => {
                if !matches!(left.t, T::Variable(_)) {
                    return Err(SynErr::new(Code::S0212, left.pos).token(left.type_name()));
                }
                let rhs = self.expression(lbp(":=") - 1)?;
                infix(":=", left, rhs)
            }
            "@" | "#" => {
                let rhs = self.expression(lbp(op))?;
                if !matches!(rhs.t, T::Variable(_)) {
                    return Err(SynErr::new(Code::S0214, rhs.pos).token(op));
                }
                infix(op, left, rhs)
            }
            "?" => {
                let then = Box::new(self.expression(0)?);
                let mut otherwise = None;
                if self.id() == ":" {
                    self.advance(Some(":"), false)?;
                    otherwise = Some(Box::new(self.expression(0)?));
                }
                Ok(Node::new(T::Condition { cond: Box::new(left), then, otherwise }, pos))
            }
            "." | "~>" => {
                let rhs = self.expression(lbp(op))?;
                infix(op, left, rhs)
            }
            _ => {
                let bop = binop(op).expect("every other operator with a binding power is binary");
                let rhs = self.expression(lbp(op))?;
                Ok(Node::new(T::Binary { op: bop, lhs: Box::new(left), rhs: Box::new(rhs) }, pos))
            }
        }
    }

    /// After `(` following `left`: a function call, a partial application or a lambda.
    #[inline(never)]
    fn call(&mut self, left: Node, pos: usize) -> R<Node> {
        let mut args = vec![];
        let mut partial = false;
        if self.id() != ")" {
            loop {
                if self.id() == "?" {
                    partial = true;
                    args.push(Node::new(T::Op("?"), self.pos()));
                    self.advance(Some("?"), false)?;
                } else {
                    args.push(self.expression(0)?);
                }
                if self.id() != "," {
                    break;
                }
                self.advance(Some(","), false)?;
            }
        }
        self.advance(Some(")"), true)?;
        let is_lambda = matches!(&left.t, T::Name(n) if n == "function" || n == "λ");
        if !is_lambda {
            return Ok(Node::new(T::Call { procedure: Box::new(left), args, partial }, pos));
        }
        let mut params = vec![];
        for (i, a) in args.into_iter().enumerate() {
            match a.t {
                T::Variable(v) => params.push(v),
                other => {
                    let tok = match other {
                        T::Name(n) | T::Str(n) => n,
                        _ => String::new(),
                    };
                    return Err(SynErr::new(Code::S0208, a.pos).token(tok).value((i + 1).to_string()));
                }
            }
        }
        let mut signature = None;
        if self.id() == "<" {
            let start = self.pos();
            let mut depth = 1;
            while depth > 0 && self.id() != "{" && self.id() != "(end)" {
                self.advance(None, false)?;
                match self.id() {
                    ">" => depth -= 1,
                    "<" => depth += 1,
                    _ => {}
                }
            }
            let end = self.pos() + 1;
            self.advance(Some(">"), false)?;
            let text: String = self.src[start..end.min(self.src.len())].chars().filter(|c| !c.is_whitespace()).collect();
            super::signature::Signature::parse(&text).map_err(|mut e| {
                e.pos += start;
                e
            })?;
            signature = Some(text);
        }
        self.advance(Some("{"), false)?;
        let body = Box::new(self.expression(0)?);
        self.advance(Some("}"), false)?;
        Ok(Node::new(T::Lambda { params, signature, body, thunk: false }, pos))
    }
}
