//! Map states (inline, and distributed run locally): the processor runs once per item, at most `MaxConcurrency` at a time;
//! the output is the array of iteration outputs in item order.
//!
//! A distributed Map may read its items with an `ItemReader` ([`reader`]), group them with an
//! `ItemBatcher` ([`batcher`]) and export its results with a `ResultWriter` ([`writer`]); S3 is
//! a local directory (see [`reader::s3_root`]).

pub mod batcher;
pub mod reader;
pub mod writer;

use std::borrow::Cow;

use asl_syntax::template::Template;

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::{Value, json};

use crate::catch::{self, Catcher};
use crate::cx::{Cx, ctx};
use crate::durable::{self, Ended, Resume};
use crate::error::{Failure, names};
use crate::execution::failure_details;
use crate::io::DataFlow;
use crate::machine::{Flow, Machine, Started, start_scope};
use crate::retry::RetryState;
use crate::{path, payload, template};

/// Iterations in flight when `MaxConcurrency` is 0 ("no limit"): bounds memory for huge arrays.
pub const UNBOUNDED_CONCURRENCY: usize = 10_000;

use asl_syntax::spec::Dynamic;
pub use asl_syntax::spec::{BatcherSpec, Format, Items, MapSpec, OutputType, ReaderSpec, Source, Transformation, WriterSpec};

/// Runs a Map state: `iteration` starts the processor on each item.
pub async fn run<M: Machine>(spec: &MapSpec, catchers: &[Catcher<M::State>], start: M::State, input: Value, cx: &mut Cx, m: &M) -> Result<Flow<M::State>, Failure> {
    let mut retry = RetryState::new(&spec.retry);
    retry.parks = true;
    // On a restart into this state, the iterations go on from where they were (once: a retry
    // starts them afresh), or, restarted in a retry's backoff, the rest of it is waited out.
    let mut resuming = match cx.resumed_wait.take() {
        Some(w) => crate::parallel::resume_retry(&mut retry, &w, cx).await,
        None => false,
    };
    // Without an ItemSelector each iteration's input is its item: when nothing reads the
    // state's input afterwards (and no retry runs the Map again), the items move out of it
    // instead of being copied.
    let take_items = spec.retry.is_empty() && catch::input_unread_after(&spec.io, catchers) && items_can_move(spec);
    let mut input = input;
    let outcome = loop {
        let resume = if std::mem::take(&mut resuming) { cx.exec.resume.clone() } else { None };
        if resume.is_none() {
            retry.attempt_begins(cx);
        }
        match iterate(spec, start, &mut input, take_items, cx, m, resume.as_deref()).await {
            Ok(v) => {
                cx.event("MapStateSucceeded", || Value::Object(Default::default()));
                break Ok(v);
            }
            Err(f) => {
                if let Some(f) = retry.retry_or_give_up(&spec.retry, f, cx).await {
                    // As AWS records it: an evaluation error first (EvaluationFailed), then
                    // MapStateFailed; configuration errors (MaxConcurrencyPath,
                    // ToleratedFailure*) fail the execution without a MapStateFailed.
                    let f = cx.locate(f);
                    if f.error != names::RUNTIME {
                        cx.event("MapStateFailed", || failure_details(&f));
                    }
                    break Err(f);
                }
            }
        }
    };
    if let Some(j) = cx.journal() {
        j.children_done(&cx.scope, cx.state_name());
    }
    match outcome {
        Ok(result) => spec.io.output(input, result, cx).map(Flow::Done),
        Err(f) => catch::handle(catchers, f, input, cx),
    }
}

/// Whether the items can move out of the input into the iterations (see `run`): each item is
/// an iteration's whole input (no ItemSelector, batcher, reader or writer), the items are at a
/// path of object members of the input itself, and nothing read from the input after they are
/// taken (a `…Path` for the concurrency or the tolerated failures) could see them gone.
fn items_can_move(spec: &MapSpec) -> bool {
    let at_members = match &spec.items {
        Items::Input => true,
        Items::Path(p) => matches!(p.root, asl_syntax::path::Root::Input) && p.segs.iter().all(|s| matches!(s, asl_syntax::path::Seg::Field(_))),
        _ => false,
    };
    at_members
        && spec.io.parameters.is_none()
        && spec.reader.is_none()
        && spec.batcher.is_none()
        && spec.writer.is_none()
        && !spec.distributed
        && matches!(spec.io.input_path, crate::io::PathField::Whole)
        && matches!(spec.max_concurrency, None | Some(Dynamic::Lit(_)))
        && matches!(spec.tolerated_failure_count, None | Some(Dynamic::Lit(_)))
        && matches!(spec.tolerated_failure_percentage, None | Some(Dynamic::Lit(_)))
}

async fn iterate<M: Machine>(spec: &MapSpec, start: M::State, input: &mut Value, take_items: bool, cx: &mut Cx, m: &M, resume: Option<&Resume>) -> Result<Value, Failure> {
    // The items themselves, taken out of the input (see `items_can_move`); else they are read
    // from it below, and each iteration gets a copy.
    let mut taken: Option<Vec<Value>> = None;
    if take_items {
        let slot = match &spec.items {
            Items::Path(p) => path::slot_mut(input, p),
            _ => Some(&mut *input),
        };
        if let Some(Value::Array(a)) = slot {
            taken = Some(std::mem::take(a));
        }
    }
    let input: &Value = input;
    let effective = if spec.io.jsonata { Cow::Borrowed(input) } else { spec.io.effective_input(input, cx)? };
    let items: Cow<Value> = match (&spec.reader, &spec.items) {
        _ if taken.is_some() => Cow::Owned(Value::Array(Vec::new())),
        (Some(r), _) => Cow::Owned(Value::Array(reader::read(r, spec, input, &effective, cx)?)),
        (None, Items::Input) => effective.clone(),
        (None, Items::Path(p)) => path::items_path(p, &cx.env(&effective))?,
        (None, Items::Query(q)) => Cow::Owned(spec.io.with_env(cx, input, None, |env| template::query_typed(q, env, "Items", "array", Value::is_array))?),
        (None, Items::Lit(l)) => Cow::Owned(payload::lit(l)),
        (None, Items::Template(t)) => Cow::Owned(spec.io.with_env(cx, input, None, |env| template::eval_jsonata(t, env, "Items"))?),
    };
    let Value::Array(items) = items.as_ref() else {
        if spec.io.jsonata {
            return Err(Failure::new(names::QUERY_EVALUATION_ERROR, format!("Map state input must be an array but was: {}", items.as_ref())));
        }
        let path = match &spec.items {
            Items::Path(p) => &*p.text,
            _ => "$",
        };
        return Err(Failure::runtime(format!("Item path {path} in the input '{}' did not resolve to a JSON array", effective)));
    };
    let limit = match &spec.max_concurrency {
        None | Some(Dynamic::Lit(0)) => UNBOUNDED_CONCURRENCY,
        Some(Dynamic::Lit(n)) => (*n as usize).min(UNBOUNDED_CONCURRENCY),
        Some(Dynamic::Path(p)) => match path::integer_path(p, &cx.env(&effective), "MaxConcurrencyPath")? {
            n if n <= 0 => UNBOUNDED_CONCURRENCY,
            n => (n as usize).min(UNBOUNDED_CONCURRENCY),
        },
        Some(Dynamic::Query(q)) => {
            let v = spec.io.with_env(cx, input, None, |env| template::query_typed(q, env, "MaxConcurrency", "integer", |v| v.as_u64().is_some()))?;
            match v.as_u64().unwrap_or(0) {
                0 => UNBOUNDED_CONCURRENCY,
                n => (n as usize).min(UNBOUNDED_CONCURRENCY),
            }
        }
    };
    // With an ItemBatcher every item is selected up front, then grouped: the children's inputs.
    let mut batched = match &spec.batcher {
        Some(b) => {
            let selected = items.iter().enumerate().map(|(i, item)| select(spec, cx, &effective, i, item)).collect::<Result<Vec<_>, _>>()?;
            Some(batcher::run(b, spec, selected, input, &effective, cx)?)
        }
        None => None,
    };
    let item_count = taken.as_ref().map_or(items.len(), Vec::len);
    let n = batched.as_ref().map_or(item_count, Vec::len);
    // Failures are counted in items: a failed batch fails all of its items.
    let batch_sizes: Vec<usize> = batched.as_ref().map_or_else(Vec::new, |b| b.iter().map(|x| x["Items"].as_array().map_or(1, Vec::len)).collect());
    // With a ResultWriter each child's record is kept for the result files.
    let run = spec.writer.as_ref().map(|_| writer::MapRun::new(&cx.exec.state_machine_id, spec.label.as_deref().unwrap_or(cx.state_name()), crate::ids::uuid_v4()));
    let mut children: Vec<writer::Child> = match run {
        Some(_) => (0..n).map(|_| writer::Child { name: String::new(), input: Value::Null, start: None, stop: None, outcome: writer::Outcome::Pending }).collect(),
        None => Vec::new(),
    };
    let recording = run.is_some();
    // A restart into the state goes on with the run it records as started already.
    if resume.is_none() {
        cx.event("MapStateStarted", || json!({"length": n}));
    }
    let (tolerated_count, tolerated_percentage) = tolerance(spec, &effective, cx)?;
    if spec.distributed && resume.is_none() {
        cx.event("MapRunStarted", || Value::Object(Default::default()));
    }
    let mut failures = 0usize;
    let mut outputs = if recording { Vec::new() } else { vec![Value::Null; n] };
    let mut running = FuturesUnordered::new();
    let mut next = 0;
    let mut ran_now = 0u32;
    // One snapshot of the variables for all iterations: they read the values from the Map's start.
    let outer_vars = std::sync::Arc::new(cx.vars.clone());
    loop {
        // An iteration that met no state that waits is finished as soon as it starts.
        let mut finished = None;
        while finished.is_none() && running.len() < limit && next < n {
            let i = next;
            next += 1;
            let child_input = match (&mut batched, &mut taken) {
                (Some(b), _) => std::mem::take(&mut b[i]),
                (None, Some(t)) => std::mem::take(&mut t[i]),
                (None, None) => select(spec, cx, &effective, i, &items[i])?,
            };
            if recording {
                let c = &mut children[i];
                c.name = crate::ids::uuid_v4();
                c.input = child_input.clone();
                c.start = Some(cx.clock().now());
            }
            let key = durable::child_key(&cx.scope, cx.state_name(), i);
            let (from, child_input, resumed) = match durable::resume_child(resume, &key, m) {
                // Ended before the restart: its outcome, without running it again.
                Some(durable::Child::Ended(e)) => {
                    let r = match e {
                        Ended::Succeeded(v) => Ok(v),
                        Ended::Failed(f) => Err(f),
                    };
                    finished = Some((i, r, None));
                    continue;
                }
                Some(durable::Child::At(state, p)) => (state, p.input.clone(), Some(p)),
                None => (start, child_input, None),
            };
            if !spec.distributed && resumed.is_none() {
                cx.event("MapIterationStarted", || json!({"index": i}));
            }
            // A distributed Map's children are executions of their own: their events are not in
            // this history and they see none of this scope's variables.
            let mut child = if spec.distributed { cx.detached(child_input.clone(), key.clone()) } else { cx.nested_in(outer_vars.clone(), key.clone()) };
            if let Some(p) = &resumed {
                child.resume_at(p);
            }
            match start_scope(m, from, child_input, child) {
                Started::Done(r) => finished = Some((i, r, Some(key))),
                Started::Running(fut) => running.push(async move { (i, key, fut.await) }),
            }
        }
        let finished = match finished {
            Some(f) => {
                // Many iterations in a row without waiting: give the rest of the process a turn.
                ran_now += 1;
                if ran_now % crate::machine::NOW_BUDGET == 0 {
                    tokio::task::yield_now().await;
                }
                Some(f)
            }
            None => running.next().await.map(|(i, key, r)| (i, r, Some(key))),
        };
        // The iteration's event goes with the record of its end (one checkpoint); one that ended
        // before a restart was recorded with its event, so neither is written again.
        let tolerating = spec.distributed || tolerated_count.is_some() || tolerated_percentage.is_some();
        let finished = finished.map(|(i, r, key)| match key {
            Some(key) => {
                match &r {
                    Ok(_) if !spec.distributed => {
                        cx.event("MapIterationSucceeded", || json!({"index": i}));
                    }
                    Err(_) if !tolerating => {
                        cx.event("MapIterationFailed", || json!({"index": i}));
                    }
                    _ => {}
                }
                (i, durable::ended(cx, &key, r))
            }
            None => (i, r),
        });
        match finished {
            Some((i, Ok(v))) => {
                if recording {
                    children[i].stop = Some(cx.clock().now());
                    children[i].outcome = writer::Outcome::Succeeded(v);
                } else {
                    outputs[i] = v;
                }
            }
            Some((i, Err(f))) if tolerating => {
                failures += batch_sizes.get(i).copied().unwrap_or(1);
                let over_count = tolerated_count.is_none_or(|t| failures as u64 > t);
                let over_percentage = tolerated_percentage.is_none_or(|p| failures as f64 * 100.0 / item_count as f64 > p);
                if recording {
                    children[i].stop = Some(cx.clock().now());
                    children[i].outcome = writer::Outcome::Failed(f.clone());
                } else {
                    outputs[i] = f.to_error_output();
                }
                if over_count && over_percentage {
                    cx.event("MapRunFailed", || Value::Object(Default::default()));
                    if let (Some(w), Some(run)) = (&spec.writer, &run) {
                        // The results so far are exported too; the children not yet started
                        // are PENDING with their unselected item (or batch) as input.
                        for (j, c) in children.iter_mut().enumerate().skip(next) {
                            c.input = match &batched {
                                Some(b) => b[j].clone(),
                                None => items[j].clone(),
                            };
                        }
                        for c in children.iter_mut().filter(|c| matches!(c.outcome, writer::Outcome::Pending)) {
                            c.start = None;
                        }
                        writer::finish(w, spec, &children, run, input, &effective, cx)?;
                    }
                    return Err(Failure::new(names::EXCEED_TOLERATED_FAILURE_THRESHOLD, "The specified tolerated failure threshold was exceeded"));
                }
            }
            Some((_, Err(f))) => return Err(f),
            None => break,
        }
    }
    if spec.distributed {
        cx.event("MapRunSucceeded", || Value::Object(Default::default()));
    }
    match (&spec.writer, &run) {
        (Some(w), Some(run)) => writer::finish(w, spec, &children, run, input, &effective, cx),
        _ => Ok(Value::Array(outputs)),
    }
}

/// A child's input: the item through the ItemSelector (with `$$.Map.Item`).
fn select(spec: &MapSpec, cx: &Cx, effective: &Value, i: usize, item: &Value) -> Result<Value, Failure> {
    let Some(selector) = &spec.io.parameters else { return Ok(item.clone()) };
    // JSONPath names the parts of `$$` it reads (unless it reads all of it): `$$.Map…` paths
    // then read the item through the environment, and the other parts are built only if read.
    let by_env = !spec.io.jsonata && spec.io.context != ctx::ALL;
    let ctx = match by_env {
        true if spec.io.context & !ctx::MAP == 0 => Value::Null,
        true => cx.context_object_with(spec.io.context & !ctx::MAP, None),
        false => cx.context_object_with(spec.io.context, Some((i, item))),
    };
    let mut env = cx.env(effective);
    env.context = &ctx;
    if by_env {
        env.map_item = Some((i, item));
    }
    if spec.io.jsonata { template::eval_jsonata(selector, &env, "ItemSelector") } else { payload::eval(selector, &env) }
}

/// Evaluates a reader's, batcher's or writer's template with the state's input (JSONPath: the
/// effective input; JSONata: `$states.input`) and the whole context object.
pub(crate) fn eval_field(spec: &MapSpec, t: &Template, input: &Value, effective: &Value, cx: &Cx, field: &str) -> Result<Value, Failure> {
    let ctx = cx.context_object_with(ctx::ALL, None);
    if spec.io.jsonata {
        let mut env = cx.env(input);
        env.context = &ctx;
        template::eval_jsonata(t, &env, field)
    } else {
        let mut env = cx.env(effective);
        env.context = &ctx;
        payload::eval(t, &env)
    }
}

/// The value of a [`Count`] field; `field` names it in causes (`MaxItems` → `MaxItemsPath`).
pub(crate) fn eval_count(c: &Dynamic<u64>, input: &Value, effective: &Value, cx: &Cx, field: &str) -> Result<i64, Failure> {
    match c {
        Dynamic::Lit(n) => Ok(*n as i64),
        Dynamic::Path(p) => path::integer_path(p, &cx.env(effective), &format!("{field}Path")),
        Dynamic::Query(q) => {
            let ctx = cx.context_object_with(ctx::ALL, None);
            let mut env = cx.env(input);
            env.context = &ctx;
            let v = template::query_typed(q, &env, field, "integer", |v| v.is_i64())?;
            Ok(v.as_i64().unwrap_or(0))
        }
    }
}

/// The failure tolerance of a distributed Map: (count, percentage), each `None` when unset.
/// AWS checks the values at run time, with these causes.
fn tolerance(spec: &MapSpec, effective: &Value, cx: &Cx) -> Result<(Option<u64>, Option<f64>), Failure> {
    let count = match &spec.tolerated_failure_count {
        None => None,
        Some(Dynamic::Lit(n)) => Some(*n),
        Some(Dynamic::Path(p)) => Some(path::integer_path(p, &cx.env(effective), "ToleratedFailureCountPath")? as f64),
        Some(Dynamic::Query(q)) => template::query_typed(q, &cx.env(effective), "ToleratedFailureCount", "integer", |v| v.is_i64())?.as_f64(),
    };
    if count.is_some_and(|c| c < 0.0) {
        return Err(Failure::runtime("ToleratedFailureCount cannot be negative."));
    }
    let percentage = match &spec.tolerated_failure_percentage {
        None => None,
        Some(Dynamic::Lit(n)) => Some(*n),
        Some(Dynamic::Path(p)) => Some(path::float_path(p, &cx.env(effective), "ToleratedFailurePercentagePath")?),
        Some(Dynamic::Query(q)) => template::query_typed(q, &cx.env(effective), "ToleratedFailurePercentage", "number", Value::is_number)?.as_f64(),
    };
    if percentage.is_some_and(|p| !(0.0..=100.0).contains(&p)) {
        return Err(Failure::runtime("ToleratedFailurePercentage must be between 0 and 100."));
    }
    Ok((count.map(|c| c as u64), percentage))
}
