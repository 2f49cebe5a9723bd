//! The post-parse pass of jsonata-js (`processAST`): flattens `.` chains into path steps,
//! attaches predicates, focus/index bindings, group-by and order-by to steps, resolves parent
//! (`%`) references to labels bound by ancestor steps, and applies the tail-call optimisation.

use super::error::{Code, SynErr};
use super::node::{Node, StageN, T};

type R<T> = Result<T, SynErr>;

/// A `%` reference looking for the step whose input it denotes.
#[derive(Clone, Debug)]
struct Slot {
    label: usize,
    level: i32,
}

#[derive(Default)]
pub struct Processor {
    slots: Vec<Slot>,
}

impl Processor {
    /// The label of a slot, as bound in tuples and frames.
    pub fn label(&self, slot: usize) -> String {
        format!("!{}", self.slots[slot].label)
    }

    pub fn run(&mut self, expr: Node) -> R<Node> {
        let result = self.process(expr)?;
        if matches!(result.t, T::Parent(_)) || result.seeking_parent.is_some() {
            return Err(SynErr::new(Code::S0217, result.pos).token(result.type_name()));
        }
        Ok(result)
    }

    fn process(&mut self, expr: Node) -> R<Node> {
        let keep_array = expr.keep_array;
        let pos = expr.pos;
        let mut result = match expr.t {
            T::Infix { op: ".", lhs, rhs } => self.dot(*lhs, *rhs, pos)?,
            T::Infix { op: "[", lhs, rhs } => self.predicate_step(lhs, rhs, pos, keep_array)?,
            T::GroupBy { lhs, pairs } => self.group_by(lhs, pairs, pos, keep_array)?,
            T::OrderBy { lhs, terms } => self.order_by(lhs, terms, pos, keep_array)?,
            T::Infix { op: ":=", lhs, rhs } => self.bind(lhs, rhs, pos, keep_array)?,
            T::Infix { op: "@", lhs, rhs } => self.focus(lhs, rhs, pos, keep_array)?,
            T::Infix { op: "#", lhs, rhs } => self.index_bind(lhs, rhs, pos, keep_array)?,
            T::Infix { op: "~>", lhs, rhs } => self.apply(lhs, rhs, pos, keep_array)?,
            T::Infix { op, .. } => unreachable!("no infix form {op}"),
            T::Binary { op, lhs, rhs } => self.binary(op, lhs, rhs, pos, keep_array)?,
            T::Neg(e) => self.neg(e, pos, keep_array)?,
            T::Array(items) => self.array(items, pos, keep_array)?,
            T::Object(pairs) => self.object(pairs, pos, keep_array)?,
            T::Call { procedure, args, partial } => self.call(procedure, args, partial, pos, keep_array)?,
            T::Lambda { params, signature, body, thunk } => self.lambda(params, signature, body, thunk, pos, keep_array)?,
            T::Condition { cond, then, otherwise } => self.condition(cond, then, otherwise, pos, keep_array)?,
            T::Transform { pattern, update, delete } => self.transform(pattern, update, delete, pos, keep_array)?,
            T::Block(exprs) => self.block(exprs, pos, keep_array)?,
            T::Name(n) => {
                let mut step = Node::new(T::Name(n), pos);
                step.keep_array = keep_array;
                let mut result = path(vec![step], pos);
                result.keep_singleton_array = keep_array;
                result
            }
            T::ParentRaw => {
                let label = self.slots.len();
                self.slots.push(Slot { label, level: 1 });
                Node::new(T::Parent(label), pos)
            }
            T::Op(op @ ("and" | "or" | "in")) => {
                let mut n = Node::new(T::Name(op.to_string()), pos);
                n.keep_array = keep_array;
                return self.process(n);
            }
            T::Op(_) | T::Placeholder => Node::new(T::Placeholder, pos),
            t @ (T::Str(_) | T::Num(_) | T::Bool(_) | T::Null | T::Regex { .. } | T::Wildcard | T::Descendant | T::Variable(_)) => Node::new(t, pos),
            T::Path { .. } | T::Sort(_) | T::Bind { .. } | T::Apply { .. } | T::Parent(_) => {
                unreachable!("already processed")
            }
        };
        if keep_array {
            result.keep_array = true;
        }
        Ok(result)
    }

    #[inline(never)]
    #[allow(unused_variables)]
    fn predicate_step(&mut self, lhs: Box<Node>, rhs: Box<Node>, pos: usize, keep_array: bool) -> R<Node> {
        Ok({
            let mut result = self.process(*lhs)?;
            let is_path = matches!(result.t, T::Path { .. });
            let step = last_step(&mut result);
            if step.group.is_some() {
                return Err(SynErr::new(Code::S0209, pos));
            }
            let predicate = self.process(*rhs)?;
            if let Some(sp) = &predicate.seeking_parent {
                for &slot in sp {
                    if self.slots[slot].level == 1 {
                        self.seek_parent(step, slot)?;
                    } else {
                        self.slots[slot].level -= 1;
                    }
                }
            }
            push_ancestry(&mut step.seeking_parent, ancestry_of(&predicate));
            if is_path {
                step.stages.get_or_insert_with(Vec::new).push(StageN::Filter(predicate));
            } else {
                step.predicate.get_or_insert_with(Vec::new).push(predicate);
            }
            result
        })
    }

    #[inline(never)]
    #[allow(unused_variables)]
    fn group_by(&mut self, lhs: Box<Node>, pairs: Vec<(Node, Node)>, pos: usize, keep_array: bool) -> R<Node> {
        Ok({
            let mut result = self.process(*lhs)?;
            if result.group.is_some() {
                return Err(SynErr::new(Code::S0210, pos));
            }
            let pairs = pairs.into_iter().map(|(k, v)| Ok((self.process(k)?, self.process(v)?))).collect::<R<Vec<_>>>()?;
            result.group = Some((pairs, pos));
            result
        })
    }

    #[inline(never)]
    #[allow(unused_variables)]
    fn order_by(&mut self, lhs: Box<Node>, terms: Vec<(bool, Node)>, pos: usize, keep_array: bool) -> R<Node> {
        Ok({
            let mut result = self.process(*lhs)?;
            if !matches!(result.t, T::Path { .. }) {
                result = path(vec![result], pos);
            }
            let mut sort = Node::new(T::Null, pos);
            let mut processed = vec![];
            for (descending, term) in terms {
                let term = self.process(term)?;
                push_ancestry(&mut sort.seeking_parent, ancestry_of(&term));
                processed.push((descending, term));
            }
            sort.t = T::Sort(processed);
            steps_mut(&mut result).push(sort);
            self.resolve_ancestry(&mut result)?;
            result
        })
    }

    #[inline(never)]
    #[allow(unused_variables)]
    fn bind(&mut self, lhs: Box<Node>, rhs: Box<Node>, pos: usize, keep_array: bool) -> R<Node> {
        Ok({
            let T::Variable(name) = lhs.t else { unreachable!("checked by the parser") };
            let value = self.process(*rhs)?;
            let mut result = Node::new(T::Null, pos);
            push_ancestry(&mut result.seeking_parent, ancestry_of(&value));
            result.t = T::Bind { name, value: Box::new(value) };
            result
        })
    }

    #[inline(never)]
    #[allow(unused_variables)]
    fn focus(&mut self, lhs: Box<Node>, rhs: Box<Node>, pos: usize, keep_array: bool) -> R<Node> {
        Ok({
            let T::Variable(name) = rhs.t else { unreachable!("checked by the parser") };
            let mut result = self.process(*lhs)?;
            let step = last_step(&mut result);
            if step.stages.is_some() || step.predicate.is_some() {
                return Err(SynErr::new(Code::S0215, pos));
            }
            if matches!(step.t, T::Sort(_)) {
                return Err(SynErr::new(Code::S0216, pos));
            }
            if keep_array {
                step.keep_array = true;
            }
            step.focus = Some(name);
            step.tuple = true;
            result
        })
    }

    #[inline(never)]
    #[allow(unused_variables)]
    fn index_bind(&mut self, lhs: Box<Node>, rhs: Box<Node>, pos: usize, keep_array: bool) -> R<Node> {
        Ok({
            let T::Variable(name) = rhs.t else { unreachable!("checked by the parser") };
            let mut result = self.process(*lhs)?;
            if !matches!(result.t, T::Path { .. }) {
                if let Some(pred) = result.predicate.take() {
                    result.stages = Some(pred.into_iter().map(StageN::Filter).collect());
                }
                result = path(vec![result], pos);
            }
            let step = last_step(&mut result);
            match &mut step.stages {
                None => step.index = Some(name),
                Some(stages) => stages.push(StageN::Index(name)),
            }
            step.tuple = true;
            result
        })
    }

    #[inline(never)]
    #[allow(unused_variables)]
    fn apply(&mut self, lhs: Box<Node>, rhs: Box<Node>, pos: usize, keep_array: bool) -> R<Node> {
        Ok({
            let lhs = self.process(*lhs)?;
            let rhs = self.process(*rhs)?;
            let keep = lhs.keep_array || rhs.keep_array;
            let mut result = Node::new(T::Apply { lhs: Box::new(lhs), rhs: Box::new(rhs) }, pos);
            result.keep_array = keep;
            result
        })
    }

    #[inline(never)]
    #[allow(unused_variables)]
    fn binary(&mut self, op: super::ast::BinOp, lhs: Box<Node>, rhs: Box<Node>, pos: usize, keep_array: bool) -> R<Node> {
        Ok({
            let lhs = self.process(*lhs)?;
            let rhs = self.process(*rhs)?;
            let mut result = Node::new(T::Null, pos);
            push_ancestry(&mut result.seeking_parent, ancestry_of(&lhs));
            push_ancestry(&mut result.seeking_parent, ancestry_of(&rhs));
            result.t = T::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) };
            result
        })
    }

    #[inline(never)]
    #[allow(unused_variables)]
    fn neg(&mut self, e: Box<Node>, pos: usize, keep_array: bool) -> R<Node> {
        Ok({
            let e = self.process(*e)?;
            if let T::Num(n) = e.t {
                Node::new(T::Num(-n), e.pos)
            } else {
                let mut result = Node::new(T::Null, pos);
                push_ancestry(&mut result.seeking_parent, ancestry_of(&e));
                result.t = T::Neg(Box::new(e));
                result
            }
        })
    }

    #[inline(never)]
    #[allow(unused_variables)]
    fn array(&mut self, items: Vec<Node>, pos: usize, keep_array: bool) -> R<Node> {
        Ok({
            let mut result = Node::new(T::Null, pos);
            let mut out = vec![];
            for item in items {
                let v = self.process(item)?;
                push_ancestry(&mut result.seeking_parent, ancestry_of(&v));
                out.push(v);
            }
            result.t = T::Array(out);
            result
        })
    }

    #[inline(never)]
    #[allow(unused_variables)]
    fn object(&mut self, pairs: Vec<(Node, Node)>, pos: usize, keep_array: bool) -> R<Node> {
        Ok({
            let mut result = Node::new(T::Null, pos);
            let mut out = vec![];
            for (k, v) in pairs {
                let k = self.process(k)?;
                push_ancestry(&mut result.seeking_parent, ancestry_of(&k));
                let v = self.process(v)?;
                push_ancestry(&mut result.seeking_parent, ancestry_of(&v));
                out.push((k, v));
            }
            result.t = T::Object(out);
            result
        })
    }

    #[inline(never)]
    #[allow(unused_variables)]
    fn call(&mut self, procedure: Box<Node>, args: Vec<Node>, partial: bool, pos: usize, keep_array: bool) -> R<Node> {
        Ok({
            let mut result = Node::new(T::Null, pos);
            let mut out = vec![];
            for a in args {
                let a = self.process(a)?;
                push_ancestry(&mut result.seeking_parent, ancestry_of(&a));
                out.push(a);
            }
            let procedure = Box::new(self.process(*procedure)?);
            result.t = T::Call { procedure, args: out, partial };
            result
        })
    }

    #[inline(never)]
    #[allow(unused_variables)]
    fn lambda(&mut self, params: Vec<String>, signature: Option<String>, body: Box<Node>, thunk: bool, pos: usize, keep_array: bool) -> R<Node> {
        Ok({
            let body = tail_call_optimize(self.process(*body)?);
            Node::new(T::Lambda { params, signature, body: Box::new(body), thunk }, pos)
        })
    }

    #[inline(never)]
    #[allow(unused_variables)]
    fn condition(&mut self, cond: Box<Node>, then: Box<Node>, otherwise: Option<Box<Node>>, pos: usize, keep_array: bool) -> R<Node> {
        Ok({
            let mut result = Node::new(T::Null, pos);
            let cond = self.process(*cond)?;
            push_ancestry(&mut result.seeking_parent, ancestry_of(&cond));
            let then = self.process(*then)?;
            push_ancestry(&mut result.seeking_parent, ancestry_of(&then));
            let otherwise = match otherwise {
                Some(e) => {
                    let e = self.process(*e)?;
                    push_ancestry(&mut result.seeking_parent, ancestry_of(&e));
                    Some(Box::new(e))
                }
                None => None,
            };
            result.t = T::Condition { cond: Box::new(cond), then: Box::new(then), otherwise };
            result
        })
    }

    #[inline(never)]
    #[allow(unused_variables)]
    fn transform(&mut self, pattern: Box<Node>, update: Box<Node>, delete: Option<Box<Node>>, pos: usize, keep_array: bool) -> R<Node> {
        Ok({
            let pattern = Box::new(self.process(*pattern)?);
            let update = Box::new(self.process(*update)?);
            let delete = match delete {
                Some(d) => Some(Box::new(self.process(*d)?)),
                None => None,
            };
            Node::new(T::Transform { pattern, update, delete }, pos)
        })
    }

    #[inline(never)]
    #[allow(unused_variables)]
    fn block(&mut self, exprs: Vec<Node>, pos: usize, keep_array: bool) -> R<Node> {
        Ok({
            let mut result = Node::new(T::Null, pos);
            let mut out = vec![];
            for e in exprs {
                let part = self.process(e)?;
                push_ancestry(&mut result.seeking_parent, ancestry_of(&part));
                let first_cons = match &part.t {
                    T::Path { steps } => steps.first().is_some_and(|s| s.consarray),
                    _ => false,
                };
                if part.consarray || first_cons {
                    result.consarray = true;
                }
                out.push(part);
            }
            result.t = T::Block(out);
            result
        })
    }

    #[inline(never)]
    fn dot(&mut self, lhs: Node, rhs: Node, pos: usize) -> R<Node> {
        let lstep = self.process(lhs)?;
        let parent_slot = if let T::Parent(s) = lstep.t { Some(s) } else { None };
        let mut result = if matches!(lstep.t, T::Path { .. }) { lstep } else { path(vec![lstep], pos) };
        if let Some(s) = parent_slot {
            result.seeking_parent = Some(vec![s]);
        }
        let mut rest = self.process(rhs)?;
        if let T::Path { steps } = rest.t {
            steps_mut(&mut result).extend(steps);
        } else {
            if let Some(pred) = rest.predicate.take() {
                rest.stages = Some(pred.into_iter().map(StageN::Filter).collect());
            }
            steps_mut(&mut result).push(rest);
        }
        let steps = steps_mut(&mut result);
        for step in steps.iter_mut() {
            match &step.t {
                T::Num(n) => {
                    return Err(SynErr::new(Code::S0213, step.pos).value(format!("{n}")));
                }
                T::Bool(b) => return Err(SynErr::new(Code::S0213, step.pos).value(b.to_string())),
                T::Null => return Err(SynErr::new(Code::S0213, step.pos).value("null")),
                T::Str(s) => step.t = T::Name(s.clone()),
                _ => {}
            }
        }
        let keep = steps.iter().any(|s| s.keep_array);
        if let Some(first) = steps.first_mut()
            && matches!(first.t, T::Array(_))
        {
            first.consarray = true;
        }
        if let Some(last) = steps.last_mut()
            && matches!(last.t, T::Array(_))
        {
            last.consarray = true;
        }
        if keep {
            result.keep_singleton_array = true;
        }
        self.resolve_ancestry(&mut result)?;
        Ok(result)
    }

    fn seek_parent(&mut self, node: &mut Node, slot: usize) -> R<()> {
        match &mut node.t {
            T::Name(_) | T::Wildcard => {
                self.slots[slot].level -= 1;
                if self.slots[slot].level == 0 {
                    if let Some(existing) = node.ancestor {
                        // reuse the label already bound by this step
                        self.slots[slot].label = self.slots[existing].label;
                    }
                    node.ancestor = Some(slot);
                    node.tuple = true;
                }
            }
            T::Parent(_) => self.slots[slot].level += 1,
            T::Block(exprs) => {
                if let Some(last) = exprs.last_mut() {
                    node.tuple = true;
                    self.seek_parent(last, slot)?;
                }
            }
            T::Path { steps } => {
                node.tuple = true;
                let mut index = steps.len() as isize - 1;
                self.seek_parent(&mut steps[index as usize], slot)?;
                index -= 1;
                while self.slots[slot].level > 0 && index >= 0 {
                    self.seek_parent(&mut steps[index as usize], slot)?;
                    index -= 1;
                }
            }
            _ => return Err(SynErr::new(Code::S0217, node.pos).token(node.type_name())),
        }
        Ok(())
    }

    fn resolve_ancestry(&mut self, path: &mut Node) -> R<()> {
        let T::Path { steps } = &mut path.t else {
            return Ok(());
        };
        let Some(last) = steps.last() else {
            return Ok(());
        };
        let mut slots = last.seeking_parent.clone().unwrap_or_default();
        if let T::Parent(s) = last.t {
            slots.push(s);
        }
        for slot in slots {
            let mut index = steps.len() as isize - 2;
            while self.slots[slot].level > 0 {
                if index < 0 {
                    path.seeking_parent.get_or_insert_with(Vec::new).push(slot);
                    break;
                }
                let mut i = index as usize;
                index -= 1;
                // contiguous steps that bind the focus are skipped together
                while index >= 0 && steps[i].focus.is_some() && steps[index as usize].focus.is_some() {
                    i = index as usize;
                    index -= 1;
                }
                self.seek_parent(&mut steps[i], slot)?;
            }
        }
        Ok(())
    }
}

fn path(steps: Vec<Node>, pos: usize) -> Node {
    Node::new(T::Path { steps }, pos)
}

fn steps_mut(path: &mut Node) -> &mut Vec<Node> {
    match &mut path.t {
        T::Path { steps } => steps,
        _ => unreachable!("a path"),
    }
}

/// The step that predicates and bindings attach to: the last step of a path, or the node itself.
fn last_step(node: &mut Node) -> &mut Node {
    if matches!(node.t, T::Path { .. }) { steps_mut(node).last_mut().expect("paths have steps") } else { node }
}

/// The parent slots a processed node is still looking for (`seekingParent`, plus its own slot
/// if it is a `%`), or `None` when it looks for none.
fn ancestry_of(value: &Node) -> Option<Vec<usize>> {
    let parent = if let T::Parent(s) = value.t { Some(s) } else { None };
    if value.seeking_parent.is_none() && parent.is_none() {
        return None;
    }
    let mut slots = value.seeking_parent.clone().unwrap_or_default();
    slots.extend(parent);
    Some(slots)
}

fn push_ancestry(target: &mut Option<Vec<usize>>, slots: Option<Vec<usize>>) {
    if let Some(slots) = slots {
        target.get_or_insert_with(Vec::new).extend(slots);
    }
}

/// Wraps a call in tail position of a lambda body in a thunk that the evaluator trampolines.
fn tail_call_optimize(expr: Node) -> Node {
    match expr.t {
        T::Call { partial: false, .. } if expr.predicate.is_none() => {
            let pos = expr.pos;
            Node::new(T::Lambda { params: vec![], signature: None, body: Box::new(expr), thunk: true }, pos)
        }
        T::Condition { cond, then, otherwise } => {
            let then = Box::new(tail_call_optimize(*then));
            let otherwise = otherwise.map(|e| Box::new(tail_call_optimize(*e)));
            Node { t: T::Condition { cond, then, otherwise }, ..expr }
        }
        T::Block(mut exprs) => {
            if let Some(last) = exprs.pop() {
                exprs.push(tail_call_optimize(last));
            }
            Node { t: T::Block(exprs), ..expr }
        }
        _ => expr,
    }
}
