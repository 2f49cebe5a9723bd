//! Map states (inline, and distributed run locally): the processor runs once per item, at most `MaxConcurrency` at a time;
//! the output is the array of iteration outputs in item order.

use std::borrow::Cow;

use asl_syntax::path::Path;
use asl_syntax::template::Query;
use asl_syntax::Lit;
use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::{json, Value};

use crate::catch::{self, Catcher};
use crate::cx::Cx;
use crate::error::{names, Failure};
use crate::execution::failure_details;
use crate::io::Io;
use crate::machine::{BoxFuture, Flow};
use crate::retry::{Retrier, RetryState};
use crate::{path, payload, template};

/// Iterations in flight when `MaxConcurrency` is 0 ("no limit"): bounds memory for huge arrays.
pub const UNBOUNDED_CONCURRENCY: usize = 10_000;

#[derive(Debug)]
pub enum Concurrency {
    Lit(u64),
    Path(Path),
    Query(Query),
}

/// Where the items come from.
#[derive(Debug)]
pub enum Items {
    /// The effective input itself.
    Input,
    /// `ItemsPath`.
    Path(Path),
    /// JSONata `Items: "{% … %}"`.
    Query(Query),
    /// A literal `Items` array.
    Lit(Lit),
}

/// `ToleratedFailureCount(Path)` / `ToleratedFailurePercentage(Path)`.
#[derive(Debug)]
pub enum Tolerance {
    Lit(f64),
    Path(Path),
    Query(Query),
}

#[derive(Debug)]
pub struct MapSpec {
    /// `parameters` holds the ItemSelector.
    pub io: Io,
    pub items: Items,
    pub max_concurrency: Option<Concurrency>,
    /// DISTRIBUTED mode: run here like inline iterations, with a Map Run's events and failure
    /// tolerance.
    pub distributed: bool,
    pub tolerated_failure_count: Option<Tolerance>,
    pub tolerated_failure_percentage: Option<Tolerance>,
    pub retry: &'static [Retrier],
}

pub async fn run<'m, S, F>(spec: &MapSpec, catchers: &[Catcher<S>], start: S, input: Value, cx: &mut Cx, iteration: F) -> Result<Flow<S>, Failure>
where
    S: Copy,
    F: Fn(S, Value, Cx) -> BoxFuture<'m, Result<Value, Failure>>,
{
    let mut retry = RetryState::new(spec.retry);
    let outcome = loop {
        match iterate(spec, start, &input, cx, &iteration).await {
            Ok(v) => {
                cx.event("MapStateSucceeded", || Value::Object(Default::default()));
                break Ok(v);
            }
            Err(f) => match retry.next_delay(spec.retry, &f) {
                None => {
                    cx.event("MapStateFailed", || failure_details(&f));
                    break Err(f);
                }
                Some(d) => {
                    cx.clock().sleep(d).await;
                    cx.retry_count += 1;
                }
            },
        }
    };
    match outcome {
        Ok(result) => spec.io.output(input, result, cx).map(Flow::Done),
        Err(f) => catch::handle(catchers, f, input, cx),
    }
}

async fn iterate<'m, S, F>(spec: &MapSpec, start: S, input: &Value, cx: &mut Cx, iteration: &F) -> Result<Value, Failure>
where
    S: Copy,
    F: Fn(S, Value, Cx) -> BoxFuture<'m, Result<Value, Failure>>,
{
    let effective = if spec.io.jsonata { Cow::Borrowed(input) } else { spec.io.effective_input(input, cx)? };
    let items: Cow<Value> = match &spec.items {
        Items::Input => effective.clone(),
        Items::Path(p) => path::items_path(p, &cx.env(&effective))?,
        Items::Query(q) => Cow::Owned(spec.io.with_env(cx, input, None, |env| template::query_typed(q, env, "Items", "array", Value::is_array))?),
        Items::Lit(l) => Cow::Owned(payload::lit(l)),
    };
    let Value::Array(items) = items.as_ref() else {
        if spec.io.jsonata {
            return Err(Failure::new(names::QUERY_EVALUATION_ERROR, format!("Map state input must be an array but was: {}", items.as_ref())));
        }
        let path = match &spec.items { Items::Path(p) => &*p.text, _ => "$" };
        return Err(Failure::runtime(format!("Item path {path} in the input '{}' did not resolve to a JSON array", effective)));
    };
    let limit = match &spec.max_concurrency {
        None | Some(Concurrency::Lit(0)) => UNBOUNDED_CONCURRENCY,
        Some(Concurrency::Lit(n)) => (*n as usize).min(UNBOUNDED_CONCURRENCY),
        Some(Concurrency::Path(p)) => match path::integer_path(p, &cx.env(&effective), "MaxConcurrencyPath")? {
            n if n <= 0 => UNBOUNDED_CONCURRENCY,
            n => (n as usize).min(UNBOUNDED_CONCURRENCY),
        },
        Some(Concurrency::Query(q)) => {
            let v = spec.io.with_env(cx, input, None, |env| template::query_typed(q, env, "MaxConcurrency", "integer", |v| v.as_u64().is_some()))?;
            match v.as_u64().unwrap_or(0) {
                0 => UNBOUNDED_CONCURRENCY,
                n => (n as usize).min(UNBOUNDED_CONCURRENCY),
            }
        }
    };
    let (tolerated_count, tolerated_percentage) = tolerance(spec, &effective, cx)?;
    cx.event("MapStateStarted", || json!({"length": items.len()}));
    if spec.distributed {
        cx.event("MapRunStarted", || Value::Object(Default::default()));
    }
    let mut failures = 0usize;
    let mut outputs = vec![Value::Null; items.len()];
    let mut running = FuturesUnordered::new();
    let mut next = 0;
    loop {
        while running.len() < limit && next < items.len() {
            let i = next;
            next += 1;
            let item_input = match &spec.io.parameters {
                None => items[i].clone(),
                Some(selector) => {
                    let ctx = cx.context_object_with(spec.io.context, Some((i, &items[i])));
                    let mut env = cx.env(&effective);
                    env.context = &ctx;
                    if spec.io.jsonata {
                        template::eval_jsonata(selector, &env, "ItemSelector")?
                    } else {
                        payload::eval(selector, &env)?
                    }
                }
            };
            if !spec.distributed {
                cx.event("MapIterationStarted", || json!({"index": i}));
            }
            let fut = iteration(start, item_input, cx.nested());
            running.push(async move { (i, fut.await) });
        }
        match running.next().await {
            Some((i, Ok(v))) => {
                if !spec.distributed {
                    cx.event("MapIterationSucceeded", || json!({"index": i}));
                }
                outputs[i] = v;
            }
            Some((i, Err(f))) if spec.distributed || tolerated_count.is_some() || tolerated_percentage.is_some() => {
                failures += 1;
                let over_count = tolerated_count.is_none_or(|t| failures as u64 > t);
                let over_percentage = tolerated_percentage.is_none_or(|p| failures as f64 * 100.0 / items.len() as f64 > p);
                if over_count && over_percentage {
                    cx.event("MapRunFailed", || Value::Object(Default::default()));
                    return Err(Failure::new(names::EXCEED_TOLERATED_FAILURE_THRESHOLD, "The specified tolerated failure threshold was exceeded"));
                }
                outputs[i] = f.to_error_output();
            }
            Some((i, Err(f))) => {
                cx.event("MapIterationFailed", || json!({"index": i}));
                return Err(f);
            }
            None => break,
        }
    }
    if spec.distributed {
        cx.event("MapRunSucceeded", || Value::Object(Default::default()));
    }
    Ok(Value::Array(outputs))
}

/// The failure tolerance of a distributed Map: (count, percentage), each `None` when unset.
/// AWS checks the values at run time, with these causes.
fn tolerance(spec: &MapSpec, effective: &Value, cx: &Cx) -> Result<(Option<u64>, Option<f64>), Failure> {
    let count = match &spec.tolerated_failure_count {
        None => None,
        Some(Tolerance::Lit(n)) => Some(*n),
        Some(Tolerance::Path(p)) => Some(path::integer_path(p, &cx.env(effective), "ToleratedFailureCountPath")? as f64),
        Some(Tolerance::Query(q)) => template::query_typed(q, &cx.env(effective), "ToleratedFailureCount", "integer", |v| v.is_i64())?.as_f64(),
    };
    if count.is_some_and(|c| c < 0.0) {
        return Err(Failure::runtime("ToleratedFailureCount cannot be negative."));
    }
    let percentage = match &spec.tolerated_failure_percentage {
        None => None,
        Some(Tolerance::Lit(n)) => Some(*n),
        Some(Tolerance::Path(p)) => Some(path::float_path(p, &cx.env(effective), "ToleratedFailurePercentagePath")?),
        Some(Tolerance::Query(q)) => template::query_typed(q, &cx.env(effective), "ToleratedFailurePercentage", "number", Value::is_number)?.as_f64(),
    };
    if percentage.is_some_and(|p| !(0.0..=100.0).contains(&p)) {
        return Err(Failure::runtime("ToleratedFailurePercentage must be between 0 and 100."));
    }
    Ok((count.map(|c| c as u64), percentage))
}
