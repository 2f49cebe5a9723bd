//! Machines run from their lowered states (`form = table`, what `asl!` emits from
//! `TABLE_MIN_STATES` states on) behave as the same workflows compiled to one method per state:
//! every workflow here is compiled both ways and each input gives the same outcome, and the
//! table's `State` surface (names, lookup, `Debug`, entering at a state) is the same.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use asl_runtime::{ExecutionOptions, Failure, StateId, TaskContext, Value, json};

/// Compiles `$file` as `$methods` and `$table`, one each way.
macro_rules! both {
    ($file:literal, $methods:ident, $table:ident) => {
        asl_runtime::asl!($file, module = $methods, form = methods);
        asl_runtime::asl!($file, module = $table, form = table);
    };
}

both!("flows/choice.json", choice_methods, choice_table);
both!("flows/assign.json", assign_methods, assign_table);
both!("flows/choice_nomatch.json", choice_nomatch_methods, choice_nomatch_table);
both!("flows/distributed.json", distributed_methods, distributed_table);
both!("flows/fail.json", fail_methods, fail_table);
both!("flows/pass.json", pass_methods, pass_table);
both!("flows/scopes.json", scopes_methods, scopes_table);
both!("flows/wait.json", wait_methods, wait_table);
both!("flows/wrap_input.json", wrap_input_methods, wrap_input_table);
both!("flows/runtime_error.json", runtime_error_methods, runtime_error_table);
both!("flows/jsonata.json", jsonata_methods, jsonata_table);
both!("flows/map_stream.json", map_stream_methods, map_stream_table);

fn inputs() -> Vec<Value> {
    vec![
        json!({}),
        json!({"n": 50, "vip": false, "kind": "x"}),
        json!({"n": 5, "vip": true}),
        json!({"n": -3, "optional": 1}),
        json!({"kind": "gift", "items": [1, 2, 3], "delay": 5, "until": "2030-01-01T00:00:00Z"}),
        json!({"items": [{"a": 1}, {"a": 2}], "value": "text", "x": [1, 2]}),
        json!("text"),
        json!([1, 2]),
        Value::Null,
    ]
}

/// An outcome, comparable: the output, or the error and cause.
fn outcome(r: Result<Value, Failure>) -> Result<Value, (String, Option<String>)> {
    r.map_err(|f| (f.error, f.cause))
}

/// Runs every input through both forms of a workflow without Task states.
macro_rules! agree {
    ($methods:ident, $table:ident, $machine:ident) => {{
        let (m, t) = ($methods::$machine::new(()), $table::$machine::new(()));
        for input in inputs() {
            let a = outcome(m.start(input.clone()).await);
            let b = outcome(t.start(input.clone()).await);
            assert_eq!(a, b, "{} on {input}", stringify!($table));
        }
    }};
}

#[tokio::test(start_paused = true)]
async fn tables_and_methods_give_the_same_outcomes() {
    agree!(choice_methods, choice_table, Choice);
    agree!(assign_methods, assign_table, Assign);
    agree!(choice_nomatch_methods, choice_nomatch_table, ChoiceNomatch);
    agree!(distributed_methods, distributed_table, Distributed);
    agree!(fail_methods, fail_table, Fail);
    agree!(pass_methods, pass_table, Pass);
    agree!(scopes_methods, scopes_table, Scopes);
    agree!(wait_methods, wait_table, Wait);
    agree!(wrap_input_methods, wrap_input_table, WrapInput);
    agree!(runtime_error_methods, runtime_error_table, RuntimeError);
}

/// Counts calls and the iterations alive at once, as `map_stream.rs` does.
#[derive(Default)]
struct Work {
    calls: AtomicUsize,
    now: AtomicUsize,
    most: AtomicUsize,
}

impl Work {
    async fn hold(&self, n: u64) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        self.calls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(1 + n % 7)).await;
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
}

macro_rules! work {
    ($m:ident) => {
        impl $m::Tasks for Arc<Work> {
            async fn work(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
                let n = input.as_u64().unwrap_or(0);
                self.hold(n).await;
                if n == 13 { Err(Failure::new("Unlucky", "thirteen")) } else { Ok(json!(n * 2)) }
            }

            async fn batch(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
                let items = input["Items"].as_array().map_or(0, Vec::len) as u64;
                self.hold(items).await;
                Ok(json!(items))
            }
        }
    };
}
work!(map_stream_methods);
work!(map_stream_table);

struct Prices;

macro_rules! prices {
    ($m:ident) => {
        impl $m::Tasks for Prices {
            async fn price(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
                let prices: Vec<f64> = input["items"].as_array().map(|a| a.iter().filter_map(Value::as_f64).map(|q| q * 2.5).collect()).unwrap_or_default();
                Ok(json!({ "prices": prices }))
            }
        }
    };
}
prices!(jsonata_methods);
prices!(jsonata_table);

#[tokio::test(start_paused = true)]
async fn a_table_runs_jsonata_as_methods_do() {
    let (m, t) = (jsonata_methods::Jsonata::new(Prices), jsonata_table::Jsonata::new(Prices));
    for input in [json!({"basket": {"qty": [2, 4]}}), json!({"basket": {"qty": [1]}}), json!({"basket": {}})].into_iter().chain(inputs()) {
        assert_eq!(outcome(m.start(input.clone()).await), outcome(t.start(input.clone()).await), "on {input}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_table_calls_its_tasks_and_bounds_its_maps_as_methods_do() {
    for items in [vec![1u64, 2, 3], (0..500).collect(), (0..20).collect()] {
        let input = json!({ "items": items, "concurrency": 4 });
        let (wm, wt) = (Arc::new(Work::default()), Arc::new(Work::default()));
        let m = map_stream_methods::MapStream::with_options(wm.clone(), ExecutionOptions::default());
        let t = map_stream_table::MapStream::with_options(wt.clone(), ExecutionOptions::default());
        let a = outcome(m.start(input.clone()).await);
        let b = outcome(t.start(input.clone()).await);
        assert_eq!(a, b, "on {} items", items.len());
        assert_eq!(wm.calls.load(Ordering::SeqCst), wt.calls.load(Ordering::SeqCst));
        assert!(wt.most.load(Ordering::SeqCst) <= 4);
    }
}

#[test]
fn a_tables_state_surface_is_the_methods_one() {
    use map_stream_methods::State as M;
    use map_stream_table::State as T;
    let pairs = [(M::Inline, T::Inline), (M::Work, T::Work), (M::Distributed, T::Distributed), (M::WorkApart, T::WorkApart), (M::Batched, T::Batched), (M::WorkBatch, T::WorkBatch)];
    for (m, t) in pairs {
        assert_eq!(m.name(), t.name());
        assert_eq!(m.type_name(), t.type_name());
        assert_eq!(T::from_name(t.name()), Some(t));
        assert_eq!(format!("{m:?}"), format!("{t:?}"));
    }
    assert_eq!(T::from_name("Nope"), None);
}

#[tokio::test(start_paused = true)]
async fn a_table_is_entered_at_a_state() {
    let input = json!({ "items": [1, 2], "concurrency": 1 });
    let m = map_stream_methods::MapStream::new(Arc::new(Work::default()));
    let t = map_stream_table::MapStream::new(Arc::new(Work::default()));
    let a = outcome(m.start_at(map_stream_methods::State::Batched, input.clone()).await);
    let b = outcome(t.start_at(map_stream_table::State::Batched, input).await);
    assert_eq!(a, b);
    assert_eq!(b.unwrap()["batched"], json!([2]));
}
