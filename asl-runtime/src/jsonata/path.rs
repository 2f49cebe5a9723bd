//! Location paths: steps over sequences, tuple streams (for `@`, `#` and `%`), predicates,
//! order-by and group-by — jsonata-js's `evaluatePath`, `evaluateStep`, `evaluateTupleStep`,
//! `evaluateFilter`, `evaluateSortExpression` and `evaluateGroupExpression`.

use std::rc::Rc;

use indexmap::IndexMap;

use asl_syntax::jsonata::{Expr, Kind, Stage};

use super::error::{JError, JResult};
use super::eval::{Ev, Res, truthy};
use super::ops::append;
use super::value::{Obj, Tuple, Val};

/// The input of a group-by: plain items, or tuples carrying bindings.
enum Items<'a> {
    Plain(Vec<Option<Val<'a>>>),
    Tuples(Vec<Tuple<'a>>),
}

impl<'a> Ev<'a> {
    #[inline(never)]
    pub(crate) fn path(&self, e: &'a Expr, input: &Option<Val<'a>>, frame: usize) -> Res<'a> {
        let Kind::Path { steps, keep_singleton_array } = &e.kind else { unreachable!() };
        let first_is_var = matches!(steps[0].kind, Kind::Variable(_));
        let mut inputs: Vec<Option<Val<'a>>> = match input {
            Some(v) if v.is_array() && !first_is_var => v.items().into_iter().map(Some).collect(),
            other => vec![other.clone()],
        };
        let mut result: Option<Val<'a>> = None;
        let mut tuples: Option<Vec<Tuple<'a>>> = None;
        let mut is_tuple = false;
        let last = steps.len() - 1;
        for (ii, step) in steps.iter().enumerate() {
            if step.tuple {
                is_tuple = true;
            }
            if ii == 0 && step.consarray {
                let seq = Val::seq(inputs.iter().flatten().cloned().collect());
                result = self.eval(step, &Some(seq), frame)?;
            } else if is_tuple {
                tuples = Some(self.tuple_step(step, &inputs, tuples.take(), frame)?);
            } else {
                result = Some(self.step(step, &inputs, frame, ii == last)?);
            }
            if !is_tuple && result.as_ref().is_none_or(|r| r.is_array() && r.len() == 0) {
                break;
            }
            if step.focus.is_none() {
                inputs = match &result {
                    Some(r) if r.is_array() => r.items().into_iter().map(Some).collect(),
                    Some(r) => vec![Some(r.clone())],
                    None => vec![],
                };
            }
        }
        let mut tuple_stream = None;
        if is_tuple {
            let t = Rc::new(tuples.unwrap_or_default());
            result = Some(if e.tuple { Val::Tuples(t.clone()) } else { Val::seq(t.iter().map(|t| t.at.clone()).collect()) });
            tuple_stream = Some(Val::Tuples(t));
        }
        if *keep_singleton_array {
            if let Some(Val::Arr(a)) = &result
                && a.cons
                && !a.seq
            {
                result = Some(Val::seq(vec![Val::Arr(a.clone())]));
            }
            if let Some(Val::Arr(a)) = &mut result {
                Rc::make_mut(a).keep_singleton = true;
            }
        }
        if let Some(g) = &e.group {
            result = Some(self.group(&g.pairs, g.pos, tuple_stream.or(result), frame)?);
        }
        Ok(result)
    }

    #[inline(never)]
    fn step(&self, step: &'a Expr, inputs: &[Option<Val<'a>>], frame: usize, last: bool) -> JResult<Val<'a>> {
        if matches!(step.kind, Kind::Sort(_)) {
            let mut r = self.sort(step, Val::seq(inputs.iter().flatten().cloned().collect()), frame)?;
            for stage in step.stages.iter() {
                if let Stage::Filter(f) = stage {
                    r = self.filter(f, Some(r), frame)?;
                }
            }
            return Ok(r);
        }
        let mut results = Vec::with_capacity(inputs.len());
        for item in inputs {
            let mut res = self.eval(step, item, frame)?;
            for stage in step.stages.iter() {
                if let Stage::Filter(f) = stage {
                    res = Some(self.filter(f, res, frame)?);
                }
            }
            if let Some(r) = res {
                results.push(r);
            }
        }
        if last && results.len() == 1 && results[0].is_array() && !results[0].is_seq() {
            return Ok(results.pop().expect("one result"));
        }
        let mut out = Vec::with_capacity(results.len());
        for r in results {
            if !r.is_array() || r.arr().is_some_and(|a| a.cons) {
                out.push(r);
            } else {
                out.extend(r.items());
            }
        }
        Ok(Val::seq(out))
    }

    fn frame_from_tuple(&self, frame: usize, t: &Tuple<'a>) -> usize {
        let f = self.new_frame(frame);
        for (name, v) in &t.binds {
            self.bind(f, name, Some(v.clone()));
        }
        f
    }

    #[inline(never)]
    fn tuple_step(&self, step: &'a Expr, inputs: &[Option<Val<'a>>], tuples: Option<Vec<Tuple<'a>>>, frame: usize) -> JResult<Vec<Tuple<'a>>> {
        if matches!(step.kind, Kind::Sort(_)) {
            let mut result = match tuples {
                Some(t) => self.sort_tuples(step, t, frame)?,
                None => {
                    let sorted = self.sort(step, Val::seq(inputs.iter().flatten().cloned().collect()), frame)?;
                    let mut out = vec![];
                    for (i, v) in sorted.items().into_iter().enumerate() {
                        let mut t = Tuple { at: v, binds: vec![] };
                        if let Some(ix) = &step.index {
                            t.set(ix, Val::Num(i as f64));
                        }
                        out.push(t);
                    }
                    out
                }
            };
            if !step.stages.is_empty() {
                result = self.stages(&step.stages, result, frame)?;
            }
            return Ok(result);
        }
        let tuples = match tuples {
            Some(t) => t,
            None => inputs.iter().flatten().map(|v| Tuple { at: v.clone(), binds: vec![] }).collect(),
        };
        let mut result = vec![];
        for tuple in &tuples {
            let f = self.frame_from_tuple(frame, tuple);
            let Some(res) = self.eval(step, &Some(tuple.at.clone()), f)? else {
                continue;
            };
            if let Val::Tuples(ts) = &res {
                for r in ts.iter() {
                    let mut t = tuple.clone();
                    t.at = r.at.clone();
                    for (n, v) in &r.binds {
                        t.set(n, v.clone());
                    }
                    result.push(t);
                }
                continue;
            }
            let items = if res.is_array() { res.items() } else { vec![res] };
            for (bb, r) in items.into_iter().enumerate() {
                let mut t = tuple.clone();
                match &step.focus {
                    Some(focus) => t.set(focus, r),
                    None => t.at = r,
                }
                if let Some(ix) = &step.index {
                    t.set(ix, Val::Num(bb as f64));
                }
                if let Some(anc) = &step.ancestor {
                    t.set(anc, tuple.at.clone());
                }
                result.push(t);
            }
        }
        if !step.stages.is_empty() {
            result = self.stages(&step.stages, result, frame)?;
        }
        Ok(result)
    }

    fn stages(&self, stages: &'a [Stage], mut tuples: Vec<Tuple<'a>>, frame: usize) -> JResult<Vec<Tuple<'a>>> {
        for stage in stages {
            match stage {
                Stage::Filter(f) => tuples = self.filter_tuples(f, tuples, frame)?,
                Stage::Index(name) => {
                    for (i, t) in tuples.iter_mut().enumerate() {
                        t.set(name, Val::Num(i as f64));
                    }
                }
            }
        }
        Ok(tuples)
    }

    /// A predicate `[…]` over a value: an index (numbers count from the end when negative) or a
    /// condition per item. Always returns an array (usually a sequence).
    #[inline(never)]
    pub(crate) fn filter(&self, pred: &'a Expr, input: Option<Val<'a>>, frame: usize) -> JResult<Val<'a>> {
        if let Some(Val::Tuples(t)) = &input {
            let t = self.filter_tuples(pred, (**t).clone(), frame)?;
            return Ok(Val::Tuples(Rc::new(t)));
        }
        let items = match &input {
            None => vec![],
            Some(v) if v.is_array() => v.items(),
            Some(v) => vec![v.clone()],
        };
        let mut results = vec![];
        if let Kind::Num(n) = pred.kind {
            if let Some(i) = resolve_index(n, items.len()) {
                let item = &items[i];
                if item.is_array() {
                    return Ok(item.clone());
                }
                results.push(item.clone());
            }
            return Ok(Val::seq(results));
        }
        for (index, item) in items.iter().enumerate() {
            let res = self.eval(pred, &Some(item.clone()), frame)?;
            for _ in 0..keep_item(res.as_ref(), index, items.len()) {
                results.push(item.clone());
            }
        }
        Ok(Val::seq(results))
    }

    fn filter_tuples(&self, pred: &'a Expr, tuples: Vec<Tuple<'a>>, frame: usize) -> JResult<Vec<Tuple<'a>>> {
        if let Kind::Num(n) = pred.kind {
            return Ok(resolve_index(n, tuples.len()).map(|i| vec![tuples[i].clone()]).unwrap_or_default());
        }
        let mut out = vec![];
        let len = tuples.len();
        for (index, t) in tuples.into_iter().enumerate() {
            let f = self.frame_from_tuple(frame, &t);
            let res = self.eval(pred, &Some(t.at.clone()), f)?;
            for _ in 0..keep_item(res.as_ref(), index, len) {
                out.push(t.clone());
            }
        }
        Ok(out)
    }

    /// Order-by `^(…)` over a sequence.
    pub(crate) fn sort(&self, step: &'a Expr, input: Val<'a>, frame: usize) -> JResult<Val<'a>> {
        let items = input.items();
        let keys = self.sort_keys(step, items.iter().map(|v| (Some(v.clone()), frame)).collect())?;
        let order = sorted_order(step, &keys)?;
        Ok(Val::seq(order.into_iter().map(|i| items[i].clone()).collect()))
    }

    fn sort_tuples(&self, step: &'a Expr, tuples: Vec<Tuple<'a>>, frame: usize) -> JResult<Vec<Tuple<'a>>> {
        let ctx = tuples.iter().map(|t| (Some(t.at.clone()), self.frame_from_tuple(frame, t))).collect();
        let keys = self.sort_keys(step, ctx)?;
        let order = sorted_order(step, &keys)?;
        Ok(order.into_iter().map(|i| tuples[i].clone()).collect())
    }

    /// The value of each sort term for each item (jsonata-js evaluates them per comparison; the
    /// results are the same).
    fn sort_keys(&self, step: &'a Expr, ctx: Vec<(Option<Val<'a>>, usize)>) -> JResult<Vec<Vec<Option<Val<'a>>>>> {
        let Kind::Sort(terms) = &step.kind else { unreachable!() };
        let mut keys = Vec::with_capacity(ctx.len());
        for (input, frame) in &ctx {
            let mut k = Vec::with_capacity(terms.len());
            for term in terms.iter() {
                k.push(self.eval(&term.expr, input, *frame)?);
            }
            keys.push(k);
        }
        Ok(keys)
    }

    /// Group-by (and object constructors): evaluates the key expressions per item, then each
    /// value expression once per key over the items grouped under it.
    #[inline(never)]
    pub(crate) fn group(&self, pairs: &'a [(Expr, Expr)], pos: usize, input: Option<Val<'a>>, frame: usize) -> JResult<Val<'a>> {
        let mut items = match input {
            Some(Val::Tuples(t)) => Items::Tuples((*t).clone()),
            Some(v) if v.is_array() => Items::Plain(v.items().into_iter().map(Some).collect()),
            other => Items::Plain(vec![other]),
        };
        if let Items::Plain(p) = &mut items
            && p.is_empty()
        {
            p.push(None);
        }
        // key -> (items grouped under it, index of the pair that produced the key)
        let mut groups: IndexMap<String, (Items<'a>, usize)> = IndexMap::new();
        let count = match &items {
            Items::Plain(p) => p.len(),
            Items::Tuples(t) => t.len(),
        };
        for i in 0..count {
            let (ctx, env) = match &items {
                Items::Plain(p) => (p[i].clone(), frame),
                Items::Tuples(t) => (Some(t[i].at.clone()), self.frame_from_tuple(frame, &t[i])),
            };
            for (pi, (k, _)) in pairs.iter().enumerate() {
                let key = self.eval(k, &ctx, env)?;
                let key = match &key {
                    None => continue,
                    Some(v) => match v.as_str() {
                        Some(s) => s.to_string(),
                        None => return Err(JError::new("T1003").value(Some(v)).at(pos)),
                    },
                };
                match groups.get_mut(&key) {
                    Some((data, idx)) => {
                        if *idx != pi {
                            return Err(JError::new("D1009").value(Some(&Val::str(key.as_str()))).at(pos));
                        }
                        match (data, &items) {
                            (Items::Plain(d), Items::Plain(p)) => d.push(p[i].clone()),
                            (Items::Tuples(d), Items::Tuples(t)) => d.push(t[i].clone()),
                            _ => unreachable!(),
                        }
                    }
                    None => {
                        let data = match &items {
                            Items::Plain(p) => Items::Plain(vec![p[i].clone()]),
                            Items::Tuples(t) => Items::Tuples(vec![t[i].clone()]),
                        };
                        groups.insert(key, (data, pi));
                    }
                }
            }
        }
        let mut result = Obj::with_capacity(groups.len());
        for (key, (data, pi)) in groups {
            let (ctx, env) = match data {
                Items::Plain(d) => (d.into_iter().fold(None, append), frame),
                Items::Tuples(t) => {
                    let (at, binds) = reduce_tuples(t);
                    let f = self.new_frame(frame);
                    for (n, v) in binds {
                        self.bind(f, n, v);
                    }
                    (at, f)
                }
            };
            if let Some(v) = self.eval(&pairs[pi].1, &ctx, env)? {
                result.insert(key, v);
            }
        }
        Ok(Val::object(result))
    }
}

/// `reduceTupleStream`: the bindings of several tuples, each appended across them.
fn reduce_tuples<'a>(tuples: Vec<Tuple<'a>>) -> (Option<Val<'a>>, Vec<(&'a str, Option<Val<'a>>)>) {
    let mut at: Option<Val<'a>> = None;
    let mut binds: Vec<(&'a str, Option<Val<'a>>)> = vec![];
    for (i, t) in tuples.into_iter().enumerate() {
        at = if i == 0 { Some(t.at) } else { append(at, Some(t.at)) };
        for (n, v) in t.binds {
            match binds.iter_mut().find(|(m, _)| *m == n) {
                Some(slot) => slot.1 = append(slot.1.take(), Some(v)),
                None => binds.push((n, Some(v))),
            }
        }
    }
    (at, binds)
}

/// A numeric index into a sequence of `len` (negative counts from the end).
fn resolve_index(n: f64, len: usize) -> Option<usize> {
    let mut i = n.floor();
    if i < 0.0 {
        i += len as f64;
    }
    (i >= 0.0 && i < len as f64).then_some(i as usize)
}

/// How many times a predicate result selects the item at `index`: numbers select positions
/// (each matching number once), anything else by its boolean value.
fn keep_item(res: Option<&Val>, index: usize, len: usize) -> usize {
    let Some(res) = res else { return 0 };
    let numbers: Option<Vec<f64>> = match res {
        Val::Num(n) => Some(vec![*n]),
        v if v.is_array() => v.items().iter().map(|x| x.as_num()).collect(),
        _ => None,
    };
    match numbers {
        Some(ns) => ns.into_iter().filter(|&n| resolve_index(n, len) == Some(index)).count(),
        None => usize::from(truthy(Some(res)) == Some(true)),
    }
}

/// A stable merge sort of item positions by the sort keys (undefined last), checking the key
/// types as jsonata-js does when it compares them.
fn sorted_order<'a>(step: &Expr, keys: &[Vec<Option<Val<'a>>>]) -> JResult<Vec<usize>> {
    let Kind::Sort(terms) = &step.kind else { unreachable!() };
    let mut order: Vec<usize> = (0..keys.len()).collect();
    if keys.len() <= 1 {
        return Ok(order);
    }
    for t in 0..terms.len() {
        let mut kind = None;
        for k in keys {
            let Some(v) = &k[t] else { continue };
            let this = match v {
                Val::Num(_) => "n",
                v if v.is_str() => "s",
                v => return Err(JError::new("T2008").value(Some(v)).at(step.pos)),
            };
            match kind {
                None => kind = Some((this, v.clone())),
                Some((k0, ref v0)) if k0 != this => {
                    return Err(JError::new("T2007").value(Some(v0)).value2(Some(v)).at(step.pos));
                }
                _ => {}
            }
        }
    }
    order.sort_by(|&a, &b| {
        use std::cmp::Ordering;
        for (t, term) in terms.iter().enumerate() {
            let c = match (&keys[a][t], &keys[b][t]) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => return Ordering::Greater,
                (Some(_), None) => return Ordering::Less,
                (Some(x), Some(y)) => match (x, y) {
                    (Val::Num(p), Val::Num(q)) => p.partial_cmp(q).unwrap_or(Ordering::Equal),
                    _ => x.as_str().cmp(&y.as_str()),
                },
            };
            let c = if term.descending { c.reverse() } else { c };
            if c != Ordering::Equal {
                return c;
            }
        }
        Ordering::Equal
    });
    Ok(order)
}
