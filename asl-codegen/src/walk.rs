//! One walk over everything a state evaluates at run time: its paths (data-flow fields, Choice
//! rules, `…Path` fields, intrinsic arguments) and its JSONata expressions. The variable check
//! and the context-object analysis both read states through it.

use asl_syntax::intrinsic::{Arg, Call};
use asl_syntax::path::Path;
use asl_syntax::spec::{Dynamic, Items, Text, WaitFor};
use asl_syntax::template::{Query, Template};

use crate::model::*;

/// A path or a JSONata expression found in a state.
pub enum Expr<'a> {
    Path(&'a Path),
    Query(&'a Query),
}

/// Calls `f` on every path and JSONata expression of `st` (not of its nested scopes).
pub fn expressions<'a>(st: &'a State, f: &mut dyn FnMut(Expr<'a>)) {
    let io = &st.io;
    for p in [&io.input_path, &io.output_path] {
        if let PathField::Path(p) = p {
            f(Expr::Path(p));
        }
    }
    if let ResultPath::Merge(p) = &io.result_path {
        f(Expr::Path(p));
    }
    for t in [&io.parameters, &io.result_selector, &io.output, &st.assign].into_iter().flatten() {
        template(t, f);
    }
    match &st.kind {
        Kind::Task(t) => {
            for d in [&t.timeout_seconds, &t.heartbeat_seconds].into_iter().flatten() {
                dynamic(d, f);
            }
            if let Some(c) = &t.credentials {
                template(c, f);
            }
            catchers(&t.catch, f);
        }
        Kind::Choice(c) => {
            for b in &c.choices {
                rule(&b.rule, f);
                for t in [&b.assign, &b.output].into_iter().flatten() {
                    template(t, f);
                }
            }
        }
        Kind::Wait(w) => match w {
            WaitFor::SecondsPath(p) | WaitFor::TimestampPath(p) => f(Expr::Path(p)),
            WaitFor::SecondsQuery(q) | WaitFor::TimestampQuery(q) => f(Expr::Query(q)),
            WaitFor::Seconds(_) | WaitFor::Timestamp(_) => {}
        },
        Kind::Fail(fail) => {
            for t in [&fail.error, &fail.cause].into_iter().flatten() {
                match t {
                    Text::Lit(_) => {}
                    Text::Dynamic(t) => template(t, f),
                    Text::Query(q) => f(Expr::Query(q)),
                }
            }
        }
        Kind::Parallel(p) => catchers(&p.catch, f),
        Kind::Map(m) => {
            match &m.items {
                Items::Path(p) => f(Expr::Path(p)),
                Items::Query(q) => f(Expr::Query(q)),
                Items::Template(t) => template(t, f),
                Items::Input | Items::Lit(_) => {}
            }
            if let Some(t) = &m.item_selector {
                template(t, f);
            }
            for d in [&m.max_concurrency, &m.tolerated_failure_count].into_iter().flatten() {
                dynamic(d, f);
            }
            if let Some(d) = &m.tolerated_failure_percentage {
                dynamic(d, f);
            }
            if let Some(r) = &m.item_reader {
                template(&r.parameters, f);
                if let Some(d) = &r.max_items {
                    dynamic(d, f);
                }
            }
            if let Some(b) = &m.item_batcher {
                for d in [&b.max_items, &b.max_bytes].into_iter().flatten() {
                    dynamic(d, f);
                }
                if let Some(t) = &b.batch_input {
                    template(t, f);
                }
            }
            if let Some(t) = m.result_writer.as_ref().and_then(|w| w.parameters.as_ref()) {
                template(t, f);
            }
            catchers(&m.catch, f);
        }
        Kind::Pass(_) | Kind::Succeed => {}
    }
}

fn dynamic<'a, T>(d: &'a Dynamic<T>, f: &mut dyn FnMut(Expr<'a>)) {
    match d {
        Dynamic::Path(p) => f(Expr::Path(p)),
        Dynamic::Query(q) => f(Expr::Query(q)),
        Dynamic::Lit(_) => {}
    }
}

fn catchers<'a>(cs: &'a [Catcher], f: &mut dyn FnMut(Expr<'a>)) {
    for c in cs {
        if let ResultPath::Merge(p) = &c.result_path {
            f(Expr::Path(p));
        }
        for t in [&c.output, &c.assign].into_iter().flatten() {
            template(t, f);
        }
    }
}

fn rule<'a>(r: &'a Rule, f: &mut dyn FnMut(Expr<'a>)) {
    match r {
        Rule::And(rs) | Rule::Or(rs) => rs.iter().for_each(|r| rule(r, f)),
        Rule::Not(r) => rule(r, f),
        Rule::Compare(c) => {
            f(Expr::Path(&c.variable));
            if let Operand::Path(p) = &c.operand {
                f(Expr::Path(p));
            }
        }
        Rule::Condition(q) => f(Expr::Query(q)),
    }
}

/// Every path and expression inside a payload template.
pub fn template<'a>(t: &'a Template, f: &mut dyn FnMut(Expr<'a>)) {
    match t {
        Template::Lit(_) => {}
        Template::Object(m) => m.iter().for_each(|(_, t)| template(t, f)),
        Template::Array(a) => a.iter().for_each(|t| template(t, f)),
        Template::Path(p) => f(Expr::Path(p)),
        Template::Call(c) => call(c, f),
        Template::Jsonata(q) => f(Expr::Query(q)),
    }
}

fn call<'a>(c: &'a Call, f: &mut dyn FnMut(Expr<'a>)) {
    for a in c.args.iter() {
        match a {
            Arg::Path(p) => f(Expr::Path(p)),
            Arg::Call(c) => call(c, f),
            _ => {}
        }
    }
}
