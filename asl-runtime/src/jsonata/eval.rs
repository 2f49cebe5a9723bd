//! The evaluator: one method per expression form, following jsonata-js's `evaluate` closely
//! (sequences, singleton unwrapping, undefined propagation). Paths live in `path.rs`, function
//! application in `apply.rs`.
//!
//! Each form has its own small method so that debug builds use little stack per nesting level;
//! the nesting depth is bounded as well (error U1001).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use asl_syntax::jsonata::{BinOp, Expr, Kind};

use super::error::{JError, JResult};
use super::functions;
use super::json;
use super::value::{Arr, Closure, Func, MAX_VALUE_DEPTH, Obj, Val, depth_of};
use crate::env::Env;

pub type Res<'a> = JResult<Option<Val<'a>>>;

/// Nesting depth of evaluation (sub-expressions, including those of called functions) before
/// U1001. A level takes about 3 KiB of stack in a debug build (much less optimised), so this
/// stays well inside the 2 MiB stack of a tokio worker thread.
const MAX_DEPTH: usize = 350;

/// Evaluation steps before an expression is deemed not to terminate (U1001): bounds the work of
/// tail-recursive loops, which use no stack.
const MAX_STEPS: u64 = 10_000_000;

/// Bytes an evaluation may build (strings, array items, object members, frames; counted where
/// they are built, not where they are passed on), before it fails with U1001. AWS states no
/// limit; without one, `$s & $s` doubled 30 times or `[1..1e7].[1..1e7]` took gigabytes and
/// aborted the process. 256 MiB is a thousand times AWS's 256 KiB payload limit.
pub const MAX_BUILT_BYTES: usize = 256 << 20;

/// What a built value is counted as: its text, or 24 bytes per array item (a `Val`) and 64 per
/// object member (key and slot) besides the key's text.
fn built_bytes(v: &Val) -> usize {
    match v {
        Val::Str(s) => s.len(),
        Val::Arr(a) => 24 * a.items.len(),
        Val::Obj(o) => o.iter().map(|(k, _)| 64 + k.len()).sum(),
        _ => 0,
    }
}

/// What a variable frame is counted as (the frame, its variables and their vector).
const FRAME_BYTES: usize = 256;

pub struct Frame<'a> {
    vars: Vec<(&'a str, Option<Val<'a>>)>,
    parent: Option<usize>,
}

/// The state of one evaluation: the environment, the variable frames (an arena, so that closures
/// can refer to frames by index without reference cycles) and the depth counter.
pub struct Ev<'a> {
    pub env: Env<'a>,
    frames: RefCell<Vec<Frame<'a>>>,
    depth: Cell<usize>,
    steps: Cell<u64>,
    /// Bytes built so far (see [`MAX_BUILT_BYTES`]).
    built: Cell<usize>,
    /// `$now()`/`$millis()` are fixed for one evaluation.
    pub(crate) now_ms: Cell<Option<i64>>,
}

impl<'a> Ev<'a> {
    pub fn new(env: Env<'a>) -> Self {
        Ev { env, frames: RefCell::new(vec![Frame { vars: vec![], parent: None }]), depth: Cell::new(0), steps: Cell::new(0), built: Cell::new(0), now_ms: Cell::new(None) }
    }

    /// Counts `bytes` more built, or fails once [`MAX_BUILT_BYTES`] are passed.
    pub fn charge(&self, bytes: usize) -> JResult<()> {
        let built = self.built.get().saturating_add(bytes);
        self.built.set(built);
        if built > MAX_BUILT_BYTES {
            return Err(JError::new("U1001").message(format!("Expression evaluation used too much memory: it built more than {} MiB of values", MAX_BUILT_BYTES >> 20)));
        }
        Ok(())
    }

    /// Fails as [`Ev::charge`] would if `bytes` more were built, without counting them: for
    /// built-ins that can make a large value in one step (`$join` of a string shared many
    /// times), checked before they build it; the value is counted once it is returned.
    pub fn room_for(&self, bytes: usize) -> JResult<()> {
        if self.built.get().saturating_add(bytes) > MAX_BUILT_BYTES {
            return self.charge(bytes);
        }
        Ok(())
    }

    pub fn new_frame(&self, parent: usize) -> usize {
        // frames live until the evaluation ends (closures refer to them by index); an infinite
        // tail-recursive loop makes one per call
        self.built.set(self.built.get().saturating_add(FRAME_BYTES));
        let mut f = self.frames.borrow_mut();
        f.push(Frame { vars: vec![], parent: Some(parent) });
        f.len() - 1
    }

    pub fn bind(&self, frame: usize, name: &'a str, v: Option<Val<'a>>) {
        let mut f = self.frames.borrow_mut();
        let vars = &mut f[frame].vars;
        match vars.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = v,
            None => vars.push((name, v)),
        }
    }

    /// Looks a variable up through the frames, then the workflow variables and `$states`, then
    /// the built-in functions.
    pub fn lookup(&self, frame: usize, name: &str) -> Option<Val<'a>> {
        {
            let frames = self.frames.borrow();
            let mut f = Some(frame);
            while let Some(i) = f {
                if let Some((_, v)) = frames[i].vars.iter().find(|(n, _)| *n == name) {
                    return v.clone();
                }
                f = frames[i].parent;
            }
        }
        if name == "states" {
            return Some(self.states());
        }
        if let Some(v) = self.env.vars.get(name) {
            return Some(Val::from_json(v));
        }
        functions::lookup(name).map(|b| Val::Func(Rc::new(Func::Builtin(b))))
    }

    /// `$states`: built on demand from borrowed parts (nothing is copied).
    fn states(&self) -> Val<'a> {
        let mut o = Obj::with_capacity(4);
        o.insert("input".into(), Val::from_json(self.env.input));
        o.insert("context".into(), Val::from_json(self.env.context));
        if let Some(r) = self.env.result {
            o.insert("result".into(), Val::from_json(r));
        }
        if let Some(e) = self.env.error_output {
            o.insert("errorOutput".into(), Val::from_json(e));
        }
        Val::object(o)
    }

    pub fn eval(&self, e: &'a Expr, input: &Option<Val<'a>>, frame: usize) -> Res<'a> {
        let d = self.depth.get() + 1;
        if d > MAX_DEPTH {
            return Err(JError::new("U1001").message("Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive."));
        }
        let steps = self.steps.get() + 1;
        if steps > MAX_STEPS {
            return Err(JError::new("U1001").message("Expression evaluation timeout: Check for infinite loop"));
        }
        self.steps.set(steps);
        self.depth.set(d);
        let r = self.eval_at_depth(e, input, frame);
        self.depth.set(d - 1);
        let v = r?;
        if let Some(v) = &v {
            self.check_built(e, v)?;
        }
        Ok(v)
    }

    /// Counts a value `e` built against the budget, and bounds its nesting.
    fn check_built(&self, e: &Expr, v: &Val<'a>) -> JResult<()> {
        // forms that pass values on rather than build them are not counted again
        if !matches!(e.kind, Kind::Variable(_) | Kind::Name(_) | Kind::Path { .. } | Kind::Block(_) | Kind::Condition { .. } | Kind::Bind { .. } | Kind::Parent(_)) {
            self.charge(built_bytes(v))?;
        }
        if matches!(v, Val::Arr(_) | Val::Obj(_)) && v.depth() > MAX_VALUE_DEPTH {
            return Err(JError::new("U1001").message(format!("Expression evaluation built a value nested deeper than {MAX_VALUE_DEPTH} levels")));
        }
        Ok(())
    }

    #[inline(never)]
    fn eval_at_depth(&self, e: &'a Expr, input: &Option<Val<'a>>, frame: usize) -> Res<'a> {
        let mut result = self.eval_kind(e, input, frame)?;
        for p in e.predicate.iter() {
            result = Some(self.filter(p, result, frame)?);
        }
        if let (Some(g), false) = (&e.group, matches!(e.kind, Kind::Path { .. })) {
            result = Some(self.group(&g.pairs, g.pos, result, frame)?);
        }
        Ok(unwrap_sequence(result, e.keep_array))
    }

    #[inline(never)]
    fn eval_kind(&self, e: &'a Expr, input: &Option<Val<'a>>, frame: usize) -> Res<'a> {
        match &e.kind {
            Kind::Path { .. } => self.path(e, input, frame),
            Kind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, e.pos, input, frame),
            Kind::Neg(x) => self.neg(x, e.pos, input, frame),
            Kind::Array(items) => self.array(items, e.consarray, input, frame).map(Some),
            Kind::Object(pairs) => self.group(pairs, e.pos, input.clone(), frame).map(Some),
            Kind::Name(n) => Ok(lookup_field(input.as_ref(), n)),
            Kind::Str(s) => Ok(Some(Val::Str(Rc::from(&**s)))),
            Kind::Num(n) => Ok(Some(Val::Num(*n))),
            Kind::Bool(b) => Ok(Some(Val::Bool(*b))),
            Kind::Null => Ok(Some(Val::Null)),
            Kind::Wildcard => Ok(wildcard(input.as_ref())),
            Kind::Descendant => Ok(descendants(input.as_ref())),
            Kind::Parent(label) => Ok(self.lookup(frame, label)),
            Kind::Condition { cond, then, otherwise } => self.condition(cond, then, otherwise.as_deref(), input, frame),
            Kind::Block(exprs) => self.block(exprs, input, frame),
            Kind::Bind { name, value } => self.bind_expr(name, value, input, frame),
            Kind::Regex(r) => Ok(Some(Val::Func(Rc::new(Func::Regex(r))))),
            Kind::Variable(name) => Ok(self.variable(name, input, frame)),
            Kind::Call { procedure, args, partial: false } => self.call(procedure, args, e.pos, input, frame, None),
            Kind::Call { procedure, args, partial: true } => self.partial(procedure, args, e.pos, input, frame),
            Kind::Placeholder => Ok(None),
            Kind::Lambda(def) => Ok(Some(self.lambda(def, input, frame))),
            Kind::Apply { lhs, rhs } => self.apply_expr(lhs, rhs, e.pos, input, frame),
            Kind::Transform { .. } => Ok(Some(Val::Func(Rc::new(Func::Transform(e, frame))))),
            Kind::Sort(_) => self.sort_input(e, input, frame),
        }
    }

    #[inline(never)]
    fn condition(&self, cond: &'a Expr, then: &'a Expr, otherwise: Option<&'a Expr>, input: &Option<Val<'a>>, frame: usize) -> Res<'a> {
        let c = self.eval(cond, input, frame)?;
        if truthy(c.as_ref()) == Some(true) {
            self.eval(then, input, frame)
        } else if let Some(o) = otherwise {
            self.eval(o, input, frame)
        } else {
            Ok(None)
        }
    }

    #[inline(never)]
    fn block(&self, exprs: &'a [Expr], input: &Option<Val<'a>>, frame: usize) -> Res<'a> {
        let f = self.new_frame(frame);
        let mut result = None;
        for x in exprs.iter() {
            result = self.eval(x, input, f)?;
        }
        Ok(result)
    }

    #[inline(never)]
    fn bind_expr(&self, name: &'a str, value: &'a Expr, input: &Option<Val<'a>>, frame: usize) -> Res<'a> {
        let v = self.eval(value, input, frame)?;
        self.bind(frame, name, v.clone());
        Ok(v)
    }

    #[inline(never)]
    fn variable(&self, name: &str, input: &Option<Val<'a>>, frame: usize) -> Option<Val<'a>> {
        if name.is_empty() {
            match input {
                Some(Val::Arr(a)) if a.outer_wrapper => a.items.first().cloned(),
                other => other.clone(),
            }
        } else {
            self.lookup(frame, name)
        }
    }

    #[inline(never)]
    fn lambda(&self, def: &'a asl_syntax::jsonata::Lambda, input: &Option<Val<'a>>, frame: usize) -> Val<'a> {
        Val::Func(Rc::new(Func::Lambda(Closure { def, params: def.params.iter().map(|p| &**p).collect(), input: input.clone(), frame })))
    }

    #[inline(never)]
    fn sort_input(&self, e: &'a Expr, input: &Option<Val<'a>>, frame: usize) -> Res<'a> {
        // only reachable as a path step; evaluate over the input as a sequence
        let items = input.as_ref().map(|v| v.items()).unwrap_or_default();
        self.sort(e, Val::seq(items), frame).map(Some)
    }

    #[inline(never)]
    fn neg(&self, x: &'a Expr, pos: usize, input: &Option<Val<'a>>, frame: usize) -> Res<'a> {
        match self.eval(x, input, frame)? {
            None => Ok(None),
            Some(v) => match num_operand(&v)? {
                Some(n) => Ok(Some(Val::Num(-n))),
                None => Err(JError::new("D1002").value(Some(&v)).token("-").at(pos)),
            },
        }
    }

    #[inline(never)]
    fn array(&self, items: &'a [Expr], cons: bool, input: &Option<Val<'a>>, frame: usize) -> JResult<Val<'a>> {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            if let Some(v) = self.eval(item, input, frame)? {
                if matches!(item.kind, Kind::Array(_)) {
                    out.push(v);
                } else if v.is_array() {
                    out.extend(v.items());
                } else {
                    out.push(v);
                }
            }
        }
        Ok(Val::Arr(Rc::new(Arr { depth: depth_of(&out), items: out, cons, ..Arr::default() })))
    }

    #[inline(never)]
    fn binary(&self, op: BinOp, lhs: &'a Expr, rhs: &'a Expr, pos: usize, input: &Option<Val<'a>>, frame: usize) -> Res<'a> {
        let l = self.eval(lhs, input, frame)?;
        match op {
            BinOp::And => {
                let b = truthy(l.as_ref()) == Some(true) && truthy(self.eval(rhs, input, frame)?.as_ref()) == Some(true);
                return Ok(Some(Val::Bool(b)));
            }
            BinOp::Or => {
                let b = truthy(l.as_ref()) == Some(true) || truthy(self.eval(rhs, input, frame)?.as_ref()) == Some(true);
                return Ok(Some(Val::Bool(b)));
            }
            BinOp::Elvis => {
                return if truthy(l.as_ref()) == Some(true) { Ok(l) } else { self.eval(rhs, input, frame) };
            }
            BinOp::Coalesce => {
                return if l.is_some() { Ok(l) } else { self.eval(rhs, input, frame) };
            }
            _ => {}
        }
        let r = self.eval(rhs, input, frame)?;
        // the two operators that can make a large value from small operands: checked against
        // the memory budget before it exists, so an evaluation stops short of the budget
        // rather than allocating past it
        match (op, &l, &r) {
            // (a range past JSONata's own limit is its error D2014, left to `ops`)
            (BinOp::Range, Some(Val::Num(a)), Some(Val::Num(b))) if b > a && b - a < 1e7 => {
                self.room_for(24 * ((b - a) as usize + 1))?;
            }
            (BinOp::Concat, Some(a), Some(b)) => {
                self.room_for(a.as_str().map_or(0, str::len) + b.as_str().map_or(0, str::len))?;
            }
            _ => {}
        }
        super::ops::binary(op, l, r).map_err(|e| e.or_token(op.symbol()).at(pos))
    }

    #[inline(never)]
    fn apply_expr(&self, lhs: &'a Expr, rhs: &'a Expr, pos: usize, input: &Option<Val<'a>>, frame: usize) -> Res<'a> {
        let l = self.eval(lhs, input, frame)?;
        if let Kind::Call { procedure, args, partial: false } = &rhs.kind {
            return self.call(procedure, args, rhs.pos, input, frame, Some(l));
        }
        let f = self.eval(rhs, input, frame)?;
        match f {
            Some(f @ Val::Func(_)) => {
                if let Some(g @ Val::Func(_)) = l {
                    Ok(Some(Val::Func(Rc::new(Func::Chain(g, f)))))
                } else {
                    self.apply(&f, vec![l], input, frame, None)
                }
            }
            other => Err(JError::new("T2006").value(other.as_ref()).at(pos)),
        }
    }
}

/// jsonata-js's post-processing of every result: sequences of one item become the item, empty
/// sequences become undefined (unless `[]` asked to keep singleton arrays).
pub fn unwrap_sequence<'a>(result: Option<Val<'a>>, keep_array: bool) -> Option<Val<'a>> {
    match result {
        Some(Val::Arr(mut a)) if a.seq => {
            if keep_array && !a.keep_singleton {
                Rc::make_mut(&mut a).keep_singleton = true;
            }
            match a.items.len() {
                0 => None,
                1 if !a.keep_singleton => Some(a.items[0].clone()),
                _ => Some(Val::Arr(a)),
            }
        }
        other => other,
    }
}

/// A number operand: `None` for a non-number; infinite numbers are D1001 (`isNumeric`).
pub fn num_operand(v: &Val) -> JResult<Option<f64>> {
    match v {
        Val::Num(n) if n.is_nan() => Ok(None),
        Val::Num(n) if n.is_infinite() => Err(JError::new("D1001").value_text(json::js_number(*n))),
        Val::Num(n) => Ok(Some(*n)),
        _ => Ok(None),
    }
}

/// `$boolean()`: the effective boolean value; `None` for undefined.
pub fn truthy(v: Option<&Val>) -> Option<bool> {
    let v = v?;
    Some(match v {
        Val::Null => false,
        Val::Bool(b) => *b,
        Val::Num(n) => *n != 0.0 && !n.is_nan(),
        Val::Func(_) => false,
        _ if v.is_str() => !v.as_str().unwrap_or("").is_empty(),
        _ if v.is_array() => {
            let items = v.items();
            match items.len() {
                0 => false,
                1 => truthy(Some(&items[0])) == Some(true),
                _ => items.iter().any(|i| truthy(Some(i)) == Some(true)),
            }
        }
        _ => v.obj_len() > 0,
    })
}

/// `fn.lookup`: a field of an object, mapped (and flattened) over arrays.
pub fn lookup_field<'a>(input: Option<&Val<'a>>, key: &str) -> Option<Val<'a>> {
    let input = input?;
    if input.is_array() {
        let mut out = vec![];
        for item in input.items() {
            if let Some(r) = lookup_field(Some(&item), key) {
                if r.is_array() {
                    out.extend(r.items());
                } else {
                    out.push(r);
                }
            }
        }
        return Some(Val::seq(out));
    }
    input.get(key)
}

fn wildcard<'a>(input: Option<&Val<'a>>) -> Option<Val<'a>> {
    let mut input = input?.clone();
    if let Val::Arr(a) = &input
        && a.outer_wrapper
        && !a.items.is_empty()
    {
        input = a.items[0].clone();
    }
    // `fn.append` turns the result into a plain array once an array value is appended
    let mut out = vec![];
    let mut seq = true;
    for (_, v) in input.entries() {
        if v.is_array() {
            flatten(&v, &mut out);
            seq = false;
        } else {
            out.push(v);
        }
    }
    Some(Val::Arr(Rc::new(Arr { depth: depth_of(&out), items: out, seq, ..Arr::default() })))
}

pub fn flatten<'a>(v: &Val<'a>, out: &mut Vec<Val<'a>>) {
    if v.is_array() {
        for i in v.items() {
            flatten(&i, out);
        }
    } else {
        out.push(v.clone());
    }
}

fn descendants<'a>(input: Option<&Val<'a>>) -> Option<Val<'a>> {
    let input = input?;
    let mut out = vec![];
    recurse_descendants(input, &mut out);
    if out.len() == 1 { out.pop() } else { Some(Val::seq(out)) }
}

fn recurse_descendants<'a>(v: &Val<'a>, out: &mut Vec<Val<'a>>) {
    if v.is_array() {
        for i in v.items() {
            recurse_descendants(&i, out);
        }
    } else {
        out.push(v.clone());
        for (_, c) in v.entries() {
            recurse_descendants(&c, out);
        }
    }
}
