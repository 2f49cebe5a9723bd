//! Criterion benches of the runtime's hot paths: `cargo bench -p asl-bench`.
//!
//! Each bench builds its syntax trees once (as generated code does: they are `static`s parsed at
//! build time) and measures only the run-time work.

use std::sync::Arc;

use asl_runtime::__private::{Cx, Io, PassSpec, PathField, ResultPath, choice, intrinsics, pass, path};
use asl_runtime::__private::{Env, Vars};
use asl_runtime::{ExecutionOptions, Value, json};
use asl_syntax::Lit;
use asl_syntax::intrinsic::parse_call;
use asl_syntax::path::{parse_path, parse_reference_path};
use asl_syntax::template::Template;
use criterion::{Criterion, black_box, criterion_group, criterion_main};

fn input() -> Value {
    json!({"v": 42, "i": 7, "payload": {"a": [1, 2, 3], "b": "hello"}, "items": [{"price": 5}, {"price": 12}, {"price": 8}]})
}

fn paths(c: &mut Criterion) {
    let input = input();
    let vars = Vars::new();
    let env = Env::of(&input, &vars);
    for text in ["$.v", "$.payload.a[1]", "$.items[?(@.price < 10)].price", "$..price"] {
        let p = parse_path(text).unwrap();
        c.bench_function(&format!("path select {text}"), |b| b.iter(|| black_box(path::select(black_box(&p), &env)).is_some()));
    }
    let rp = parse_reference_path("$.last").unwrap();
    c.bench_function("ResultPath $.last (insert)", |b| b.iter_batched(|| input.clone(), |v| path::insert(v, &rp, json!(1)).unwrap(), criterion::BatchSize::SmallInput));
}

fn intrinsic_calls(c: &mut Criterion) {
    let input = input();
    let vars = Vars::new();
    let env = Env::of(&input, &vars);
    for text in ["States.MathAdd($.i, 1)", "States.Format('v={} b={}', $.v, $.payload.b)", "States.ArrayLength($.payload.a)"] {
        let call = parse_call(text).unwrap();
        c.bench_function(&format!("intrinsic {text}"), |b| b.iter(|| intrinsics::call_in_field(black_box(&call), &env, "x.$").unwrap()));
    }
}

fn choice_rule(c: &mut Criterion) {
    let input = input();
    let vars = Vars::new();
    let env = Env::of(&input, &vars);
    let p = parse_path("$.i").unwrap();
    // What the generated code of `{"Variable": "$.i", "NumericLessThan": 100000}` does.
    c.bench_function("choice $.i NumericLessThan 100000", |b| b.iter(|| choice::numeric_less_than(&choice::variable(black_box(&p), &env).unwrap(), 100000.0)));
}

fn pass_transition(c: &mut Criterion) {
    // A pass_chain state: Parameters {"v.$": "$.v", "step": 1}, ResultPath $.last.
    let spec = PassSpec {
        io: Io {
            parameters: Some(Template::Object(vec![("v".into(), Template::Path(parse_path("$.v").unwrap())), ("step".into(), Template::Lit(Lit::Int(1)))].into())),
            result_path: ResultPath::Merge(parse_reference_path("$.last").unwrap()),
            input_path: PathField::Whole,
            ..Io::PLAIN
        },
        result: None,
    };
    let mut cx = Cx::new(Arc::new(ExecutionOptions::default().info("bench", Value::Null, asl_runtime::__private::ctx::ALL)));
    let mut state = Some(input());
    c.bench_function("Pass state (Parameters + ResultPath)", |b| {
        b.iter(|| {
            let out = pass::run(&spec, state.take().unwrap(), &mut cx).unwrap();
            state = Some(out);
        })
    });
}

criterion_group!(benches, paths, intrinsic_calls, choice_rule, pass_transition);
criterion_main!(benches);
