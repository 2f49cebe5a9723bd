//! Inline Map states: the processor runs once per item, at most `MaxConcurrency` at a time;
//! the output is the array of iteration outputs in item order.

use std::borrow::Cow;

use asl_syntax::path::Path;
use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::{json, Value};

use crate::catch::{self, Catcher};
use crate::cx::Cx;
use crate::error::Failure;
use crate::execution::failure_details;
use crate::io::Io;
use crate::machine::{BoxFuture, Flow};
use crate::retry::{Retrier, RetryState};
use crate::{path, payload};

/// Iterations in flight when `MaxConcurrency` is 0 ("no limit"): bounds memory for huge arrays.
pub const UNBOUNDED_CONCURRENCY: usize = 10_000;

#[derive(Debug)]
pub enum Concurrency {
    Lit(u64),
    Path(Path),
}

#[derive(Debug)]
pub struct MapSpec {
    /// `parameters` holds the ItemSelector.
    pub io: Io,
    pub items_path: Option<Path>,
    pub max_concurrency: Option<Concurrency>,
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
    let effective = spec.io.effective_input(input, cx)?;
    let items: Cow<Value> = match &spec.items_path {
        None => effective.clone(),
        Some(p) => path::items_path(p, &cx.env(&effective))?,
    };
    let Value::Array(items) = items.as_ref() else {
        return Err(Failure::runtime(format!("Item path {} in the input '{}' did not resolve to a JSON array", spec.items_path.as_ref().map_or("$", |p| &p.text), effective)));
    };
    let limit = match &spec.max_concurrency {
        None | Some(Concurrency::Lit(0)) => UNBOUNDED_CONCURRENCY,
        Some(Concurrency::Lit(n)) => (*n as usize).min(UNBOUNDED_CONCURRENCY),
        Some(Concurrency::Path(p)) => match path::integer_path(p, &cx.env(&effective), "MaxConcurrencyPath")? {
            n if n <= 0 => UNBOUNDED_CONCURRENCY,
            n => (n as usize).min(UNBOUNDED_CONCURRENCY),
        },
    };
    cx.event("MapStateStarted", || json!({"length": items.len()}));
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
                    payload::eval(selector, &env)?
                }
            };
            cx.event("MapIterationStarted", || json!({"index": i}));
            let fut = iteration(start, item_input, cx.nested());
            running.push(async move { (i, fut.await) });
        }
        match running.next().await {
            Some((i, Ok(v))) => {
                cx.event("MapIterationSucceeded", || json!({"index": i}));
                outputs[i] = v;
            }
            Some((i, Err(f))) => {
                cx.event("MapIterationFailed", || json!({"index": i}));
                return Err(f);
            }
            None => break,
        }
    }
    Ok(Value::Array(outputs))
}
