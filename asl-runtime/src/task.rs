//! Task states: call the user's handler with the state's arguments, under its timeout and
//! heartbeat, retrying and catching as the state says.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use asl_syntax::spec::Dynamic;
use futures_util::future::Either;
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::catch::{self, Catcher};
use crate::cx::{Cx, ExecutionInfo};
use crate::durable::Waiting;
use crate::error::{Failure, names};
use crate::execution::failure_details;
use crate::io::DataFlow;
use crate::machine::Flow;
use crate::retry::RetryState;
use crate::{path, template};

pub use asl_syntax::spec::TaskSpec;

/// What a task handler gets besides its input.
#[derive(Clone)]
pub struct TaskContext {
    /// The Task's `Resource` ARN.
    pub resource: &'static str,
    /// The Task state's name.
    pub state_name: &'static str,
    /// The execution (its ARN: [`execution_id`](Self::execution_id)).
    exec: Arc<ExecutionInfo>,
    /// 0 on the first attempt, then 1, 2, … on retries.
    pub retry_count: u32,
    /// The task token (`$$.Task.Token`) of a `.waitForTaskToken` resource.
    pub token: Option<Arc<str>>,
    /// Present when the state has a `HeartbeatSeconds`: only then is anyone listening.
    beat: Option<Arc<Notify>>,
    /// The attempt's `TimeoutSeconds` (a durable engine keeps it as a due time with the token).
    pub timeout: Option<Duration>,
    /// The attempt's `HeartbeatSeconds`.
    pub heartbeat: Option<Duration>,
    /// The event this attempt's later events follow (its `…Scheduled` event).
    previous_event: u64,
    /// The id of the event [`record_event`](Self::record_event) recorded last, if it is watched
    /// (an activity under a journal): the attempt's closing event follows it.
    recorded: Option<Arc<std::sync::atomic::AtomicU64>>,
}

impl TaskContext {
    /// The execution's ARN.
    pub fn execution_id(&self) -> &str {
        self.exec.id()
    }

    /// The execution's name (the last part of its ARN).
    pub fn execution_name(&self) -> &str {
        self.exec.name()
    }

    /// Tells the runtime the task is alive, resetting its `HeartbeatSeconds` timer.
    pub fn heartbeat(&self) {
        if let Some(b) = &self.beat {
            b.notify_one();
        }
    }

    /// Records an event of this attempt that happens outside the runtime, numbered after the
    /// execution's last event and following the attempt's `…Scheduled` event: a durable engine's
    /// `TaskStarted` of an activity when a worker takes the task (AWS's `ActivityStarted`). The
    /// future resolves when it is durable (at once without a journal).
    pub fn record_event(&self, kind: &'static str, timestamp: std::time::SystemTime, details: Value) -> crate::BoxFuture<'static, Result<(), Failure>> {
        let e = &self.exec;
        let id = e.events.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if let Some(o) = &e.observer {
            o.event(&crate::Event { execution: e.id().clone(), id, previous_event_id: self.previous_event, timestamp, kind, details });
        }
        if let Some(r) = &self.recorded {
            r.store(id, std::sync::atomic::Ordering::Relaxed);
        }
        match &e.journal {
            Some(j) => j.sync(),
            None => Box::pin(std::future::ready(Ok(()))),
        }
    }
}

/// Runs a Task state. `call` invokes the user's handler.
#[inline(always)]
pub fn run<'a, S, F, Fut>(spec: &'a TaskSpec, catchers: &'a [Catcher<S>], input: Value, cx: &'a mut Cx, call: F) -> impl Future<Output = Result<Flow<S>, Failure>> + 'a
where
    S: Copy + 'a,
    F: Fn(Value, TaskContext) -> Fut + 'a,
    Fut: Future<Output = Result<Value, Failure>> + 'a,
{
    // Most Tasks are one call: no retrier, no timer, no token. They take a lean path (no retry
    // loop, no supervision). The general path's future, with its timers, is boxed: inline it
    // would size every execution's future that holds a Task (moved on each `.await`, and
    // held by each parked execution), even where only the lean path runs.
    let plain = spec.retry.is_empty() && spec.timeout.is_none() && spec.heartbeat.is_none() && !spec.uses_token();
    if plain { Either::Left(run_once(spec, catchers, input, cx, call)) } else { Either::Right(Box::pin(run_general(spec, catchers, input, cx, call))) }
}

/// A Task with one attempt, no timeout, no heartbeat and no task token.
async fn run_once<S, F, Fut>(spec: &TaskSpec, catchers: &[Catcher<S>], input: Value, cx: &mut Cx, call: F) -> Result<Flow<S>, Failure>
where
    S: Copy,
    F: Fn(Value, TaskContext) -> Fut,
    Fut: Future<Output = Result<Value, Failure>>,
{
    let consume = catch::input_unread_after(&spec.io, catchers);
    let (args, input) = if consume { (spec.io.arguments_owned(input, cx), Value::Null) } else { (spec.io.arguments(&input, cx), input) };
    let args = match args {
        Ok(args) => args,
        Err(f) => return catch::handle(catchers, f, input, cx),
    };
    let ev = Events::for_resource(spec.resource);
    let scheduled = cx.event(ev.scheduled, || json!({"resource": spec.resource, "parameters": args.to_string()}));
    let tcx = TaskContext {
        resource: spec.resource,
        state_name: cx.state_name(),
        exec: cx.exec.clone(),
        retry_count: 0,
        token: None,
        beat: None,
        timeout: None,
        heartbeat: None,
        previous_event: scheduled,
        recorded: None,
    };
    cx.event(ev.started, || json!({"resource": spec.resource}));
    let r = call(args, tcx).await;
    finish(spec, ev, r, input, catchers, cx)
}

/// After the last attempt: the result checked against the payload limit and recorded, then
/// placed in the output, or the failure recorded and caught.
fn finish<S: Copy>(spec: &TaskSpec, ev: &Events, r: Result<Value, Failure>, input: Value, catchers: &[Catcher<S>], cx: &mut Cx) -> Result<Flow<S>, Failure> {
    let r = checked(spec, r, cx);
    record(ev, spec, &r, cx);
    place(spec, r, input, catchers, cx)
}

/// The result placed in the output, or the failure caught (or not).
fn place<S: Copy>(spec: &TaskSpec, r: Result<Value, Failure>, input: Value, catchers: &[Catcher<S>], cx: &mut Cx) -> Result<Flow<S>, Failure> {
    match r {
        Ok(result) => spec.io.output(input, result, cx).map(Flow::Done),
        Err(f) => catch::handle(catchers, f, input, cx),
    }
}

/// A result over the payload limit is the task's failure.
fn checked(spec: &TaskSpec, r: Result<Value, Failure>, cx: &Cx) -> Result<Value, Failure> {
    r.and_then(|v| {
        if cx.too_large(&v) {
            Err(Failure::new(names::DATA_LIMIT_EXCEEDED, format!("The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.", service(spec.resource))))
        } else {
            Ok(v)
        }
    })
}

/// The attempt's closing event: succeeded, timed out or failed.
fn record(ev: &Events, spec: &TaskSpec, r: &Result<Value, Failure>, cx: &Cx) {
    match r {
        Ok(v) => cx.event(ev.succeeded, || json!({"resource": spec.resource, "output": v.to_string()})),
        Err(f) if f.error == names::TIMEOUT || f.error == names::HEARTBEAT_TIMEOUT => cx.event(ev.timed_out, || failure_details(f)),
        Err(f) => cx.event(ev.failed, || failure_details(f)),
    };
}

/// Any Task: attempts under the state's timeout and heartbeat, retried as its Retry says.
async fn run_general<S, F, Fut>(spec: &TaskSpec, catchers: &[Catcher<S>], input: Value, cx: &mut Cx, call: F) -> Result<Flow<S>, Failure>
where
    S: Copy,
    F: Fn(Value, TaskContext) -> Fut,
    Fut: Future<Output = Result<Value, Failure>>,
{
    let mut retry = RetryState::new(&spec.retry);
    retry.parks = true;
    // A retry makes the arguments again, and the timeouts' paths read the input.
    let consume =
        spec.retry.is_empty() && matches!(spec.timeout, None | Some(Dynamic::Lit(_))) && matches!(spec.heartbeat, None | Some(Dynamic::Lit(_))) && catch::input_unread_after(&spec.io, catchers);
    let mut input = input;
    // A restart into this state: the attempts made, the backoff under way, the token out.
    let mut handed_out = None;
    if let Some(w) = cx.resumed_wait.take() {
        if w.token.is_some() || w.due.is_some() {
            cx.follow_last_recorded();
        }
        retry.resume(&w, cx).await;
        handed_out = w.token;
    }
    let outcome = loop {
        if spec.uses_token() {
            cx.task_token = Some(handed_out.clone().unwrap_or_else(crate::ids::uuid_v4));
        }
        let token: Option<Arc<str>> = cx.task_token.as_deref().map(Into::into);
        let attempts = retry.attempts.clone();
        let handed_out = handed_out.take();
        let attempt = async {
            let args = if consume { spec.io.arguments_owned(std::mem::take(&mut input), cx)? } else { spec.io.arguments(&input, cx)? };
            let timeout = seconds(&spec.timeout, &input, cx, "TimeoutSecondsPath")?;
            let heartbeat = seconds(&spec.heartbeat, &input, cx, "HeartbeatSecondsPath")?;
            let beat = heartbeat.map(|_| Arc::new(Notify::new()));
            let ev = Events::for_resource(spec.resource);
            // Restarted with the token handed out: its events were recorded with it.
            let scheduled = match &handed_out {
                Some(_) => cx.last_event(),
                None => cx.event(ev.scheduled, || json!({"resource": spec.resource, "parameters": args.to_string()})),
            };
            // A durable engine records an activity's start when a worker takes the task (AWS's
            // `ActivityStarted`, with the worker's name), through `TaskContext::record_event`.
            let started_later = spec.is_activity() && cx.journal().is_some();
            if handed_out.is_none() && !started_later {
                cx.event(ev.started, || json!({"resource": spec.resource}));
            }
            let recorded = started_later.then(|| Arc::new(std::sync::atomic::AtomicU64::new(0)));
            let tcx = TaskContext {
                resource: spec.resource,
                state_name: cx.state_name(),
                exec: cx.exec.clone(),
                retry_count: cx.retry_count,
                token: token.clone(),
                beat: beat.clone(),
                timeout,
                heartbeat,
                previous_event: scheduled,
                recorded: recorded.clone(),
            };
            // A durable engine holds the token: the task ends with the answer it gets
            // (SendTaskSuccess / SendTaskFailure), not with the handler's result.
            let answer = match (cx.journal(), &token) {
                (Some(j), Some(t)) => j.answer(t, &tcx).map(|a| (j.clone(), a)),
                _ => None,
            };
            let r = match answer {
                Some((j, answer)) => {
                    let deliver = async {
                        // Not handed out yet: recorded and durable before anyone outside sees it.
                        if handed_out.is_none() {
                            let t = token.as_deref().unwrap_or_default().to_owned();
                            j.waiting(&cx.scope, &Waiting { due: None, token: Some(t), attempts, retry_count: cx.retry_count, last_event: 0 });
                            j.sync().await?;
                            call(args, tcx).await?;
                        }
                        // Only the answer moves the execution on: a durable engine may park it.
                        if cx.scope.is_empty() {
                            j.parked(None);
                        }
                        answer.await
                    };
                    checked(spec, supervise(deliver, timeout, heartbeat.zip(beat.as_deref())).await, cx)
                }
                None => checked(spec, supervise(call(args, tcx), timeout, heartbeat.zip(beat.as_deref())).await, cx),
            };
            // The engine recorded the activity's start meanwhile: the result follows it.
            if let Some(id) = recorded.map(|r| r.load(std::sync::atomic::Ordering::Relaxed)).filter(|id| *id > 0) {
                cx.set_last_event(id);
            }
            record(ev, spec, &r, cx);
            r
        };
        match attempt.await {
            Ok(v) => break Ok(v),
            Err(f) => {
                if let Some(f) = retry.retry_or_give_up(&spec.retry, f, cx).await {
                    break Err(f);
                }
            }
        }
    };
    place(spec, outcome, input, catchers, cx)
}

fn seconds(s: &Option<Dynamic<u64>>, input: &Value, cx: &Cx, field: &str) -> Result<Option<Duration>, Failure> {
    match s {
        None => Ok(None),
        Some(Dynamic::Lit(n)) => Ok(Some(Duration::from_secs(*n))),
        Some(Dynamic::Path(p)) => match path::integer_path(p, &cx.env(input), field)? {
            n if n > 0 => Ok(Some(Duration::from_secs(n as u64))),
            n => Err(Failure::runtime(format!("The {field} field refers to value \"{n}\" which is not a positive integer: {}", p.text))),
        },
        Some(Dynamic::Query(q)) => {
            let field = field.trim_end_matches("Path");
            let v = template::query_typed(q, &cx.env(input), field, "integer", |v| v.as_u64().is_some_and(|n| n > 0))?;
            Ok(v.as_u64().map(Duration::from_secs))
        }
    }
}

/// What AWS's causes name a resource by: a Lambda function called by its ARN is named by that
/// ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`), an integration by its service
/// (`lambda` for `arn:aws:states:::lambda:invoke`, as recorded in
/// `states_errors__test_service_task_lambada_catch_state_all_data_limit_exceeded_…`).
fn service(resource: &str) -> &str {
    let parts: Vec<&str> = resource.split(':').collect();
    match parts.as_slice() {
        [_, _, "lambda", _, _, "function", _name] => resource,
        [_, _, "lambda", _, _, "function", ..] => {
            // A qualified ARN (`:alias` or `:version`): the function's own ARN.
            let end = parts[..7].iter().map(|p| p.len() + 1).sum::<usize>() - 1;
            &resource[..end]
        }
        [_, _, "lambda", ..] => "lambda",
        [_, _, "states", "", "", svc, ..] => svc,
        [_, _, "states", _, _, kind, ..] => kind,
        _ => resource,
    }
}

/// The event types of a resource: Lambda functions called by ARN have their own.
struct Events {
    scheduled: &'static str,
    started: &'static str,
    succeeded: &'static str,
    failed: &'static str,
    timed_out: &'static str,
}

impl Events {
    const LAMBDA: Events =
        Events { scheduled: "LambdaFunctionScheduled", started: "LambdaFunctionStarted", succeeded: "LambdaFunctionSucceeded", failed: "LambdaFunctionFailed", timed_out: "LambdaFunctionTimedOut" };
    const TASK: Events = Events { scheduled: "TaskScheduled", started: "TaskStarted", succeeded: "TaskSucceeded", failed: "TaskFailed", timed_out: "TaskTimedOut" };

    /// A reference, not a copy: it is held across the handler's `.await`.
    fn for_resource(resource: &str) -> &'static Events {
        if resource.starts_with("arn:aws:lambda:") { &Self::LAMBDA } else { &Self::TASK }
    }
}

/// Awaits the handler, failing with `States.Timeout` after `timeout` and with
/// `States.HeartbeatTimeout` when no heartbeat arrives within `heartbeat`.
async fn supervise(fut: impl Future<Output = Result<Value, Failure>>, timeout: Option<Duration>, heartbeat: Option<(Duration, &Notify)>) -> Result<Value, Failure> {
    if timeout.is_none() && heartbeat.is_none() {
        return fut.await;
    }
    let deadline = timeout.map(|t| tokio::time::Instant::now() + t);
    tokio::pin!(fut);
    loop {
        let beat_window = async {
            match heartbeat {
                Some((h, beat)) => tokio::time::timeout(h, beat.notified()).await.is_err(),
                None => std::future::pending().await,
            }
        };
        let overall = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            r = &mut fut => return r,
            // AWS reports task timeouts with an empty cause (`task_service_lambda__test_invoke_timeout`).
            () = overall => return Err(Failure::new(names::TIMEOUT, "")),
            expired = beat_window => if expired { return Err(Failure::new(names::HEARTBEAT_TIMEOUT, "")) },
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ExecutionOptions;
    use crate::io::{Io, ResultPath};

    const SPEC: TaskSpec = TaskSpec { io: Io::PLAIN, resource: "arn:aws:lambda:us-east-1:1:function:F", timeout: None, heartbeat: None, retry: std::borrow::Cow::Borrowed(&[]) };

    fn catcher(result_path: ResultPath) -> Catcher<u8> {
        Catcher { errors: std::borrow::Cow::Borrowed(&[std::borrow::Cow::Borrowed("States.ALL")]), next: 7, result_path, output: None, assign: None, jsonata: false }
    }

    fn run_with(catchers: &[Catcher<u8>], fail: bool) -> Result<Flow<u8>, Failure> {
        let mut cx = Cx::new(Arc::new(ExecutionOptions::default().info("t", Value::Null, 0)));
        let input = json!({"big": [1, 2, 3]});
        let call = |args: Value, _| async move { if fail { Err(Failure::new("E", "c")) } else { Ok(json!({"done": args["big"][2]})) } };
        futures_util::FutureExt::now_or_never(run(&SPEC, catchers, input, &mut cx, call)).expect("ready at once")
    }

    #[test]
    fn data_limit_causes_name_a_lambda_function_by_its_arn_and_an_integration_by_its_service() {
        assert_eq!(service("arn:aws:lambda:us-east-1:111111111111:function:Big"), "arn:aws:lambda:us-east-1:111111111111:function:Big");
        assert_eq!(service("arn:aws:lambda:us-east-1:111111111111:function:Big:live"), "arn:aws:lambda:us-east-1:111111111111:function:Big");
        assert_eq!(service("arn:aws:states:::lambda:invoke"), "lambda");
        assert_eq!(service("arn:aws:states:::sqs:sendMessage"), "sqs");
    }

    #[test]
    fn catchers_that_replace_the_input_let_it_move_into_the_arguments() {
        let replace = [catcher(ResultPath::Replace)];
        let ok = run_with(&replace, false);
        assert!(matches!(ok, Ok(Flow::Done(v)) if v == json!({"done": 3})));
        let caught = run_with(&replace, true);
        assert!(matches!(caught, Ok(Flow::Caught(7, v)) if v == json!({"Error": "E", "Cause": "c"})));
        // A catcher that keeps the input still has it to merge the error into.
        let merge = [catcher(ResultPath::Merge(asl_syntax::path::parse_reference_path("$.error").unwrap()))];
        let caught = run_with(&merge, true);
        assert!(matches!(caught, Ok(Flow::Caught(7, v)) if v == json!({"big": [1, 2, 3], "error": {"Error": "E", "Cause": "c"}})));
        assert!(catch::input_unread_after(&SPEC.io, &replace) && !catch::input_unread_after(&SPEC.io, &merge));
    }
}
