//! The body of each state's method: a `static` spec and one runtime call.

use asl_syntax::path::{Path, Root};
use asl_syntax::template::Template;
use asl_syntax::ToRust;
use proc_macro2::TokenStream;
use quote::quote;

use super::{choice, Ctx};
use crate::model::*;
use crate::parse;

pub(super) fn body(cx: &Ctx, st: &State) -> TokenStream {
    let k = &cx.k;
    let io = io(cx, st);
    let next = next_tokens(cx, st);
    match &st.kind {
        Kind::Pass(p) => {
            let result = match &p.result {
                Some(v) => {
                    let l = parse::lit_value(v).to_rust(k);
                    quote!(Some(#l))
                }
                None => quote!(None),
            };
            quote! {
                static SPEC: rt::PassSpec = rt::PassSpec { io: #io, result: #result };
                let output = rt::pass::run(&SPEC, input, cx)?;
                Ok(rt::Flow::Done(output).then(#next))
            }
        }
        Kind::Task(t) => {
            let resource = &t.resource.value;
            let method = &cx.tasks[resource];
            let timeout = seconds(k, &t.timeout_seconds);
            let heartbeat = seconds(k, &t.heartbeat_seconds);
            let retry = retriers(&t.retry);
            let (catch_ty, catch) = catchers(cx, st, &t.catch);
            quote! {
                static SPEC: rt::TaskSpec = rt::TaskSpec {
                    io: #io,
                    resource: #resource,
                    timeout: #timeout,
                    heartbeat: #heartbeat,
                    retry: &[#(#retry),*],
                };
                static CATCH: #catch_ty = #catch;
                let run = rt::task::run(&SPEC, &CATCH, input, cx, |input, ctx| self.tasks.#method(input, ctx));
                rt::then_next(run, #next)
            }
        }
        Kind::Choice(c) => choice::body(cx, st, c, io),
        Kind::Wait(w) => {
            let wait = match w {
                Wait::Seconds(Dynamic::Lit(n)) => quote!(rt::WaitFor::Seconds(#n)),
                Wait::Seconds(Dynamic::Path(p)) => {
                    let p = p.to_rust(k);
                    quote!(rt::WaitFor::SecondsPath(#p))
                }
                Wait::Timestamp(Dynamic::Lit(s)) => {
                    let t = asl_syntax::timestamp::parse(s).expect("validated at parse time").to_rust(k);
                    quote!(rt::WaitFor::Timestamp(#t))
                }
                Wait::Timestamp(Dynamic::Path(p)) => {
                    let p = p.to_rust(k);
                    quote!(rt::WaitFor::TimestampPath(#p))
                }
                Wait::Seconds(Dynamic::Jsonata(q)) => {
                    let q = q.to_rust(k);
                    quote!(rt::WaitFor::SecondsQuery(#q))
                }
                Wait::Timestamp(Dynamic::Jsonata(q)) => {
                    let q = q.to_rust(k);
                    quote!(rt::WaitFor::TimestampQuery(#q))
                }
                Wait::Seconds(Dynamic::Call(_)) | Wait::Timestamp(Dynamic::Call(_)) => unreachable!("the parser makes no intrinsic calls here"),
            };
            quote! {
                static SPEC: rt::WaitSpec = rt::WaitSpec { io: #io, wait: #wait };
                let run = rt::wait::run(&SPEC, input, cx);
                rt::output_then_next(run, #next)
            }
        }
        Kind::Succeed => quote! {
            static IO: rt::Io = #io;
            Ok(rt::Next::End(IO.passthrough(input, cx)?))
        },
        Kind::Fail(f) => {
            let text = |t: &Option<Dynamic<String>>| match t {
                None => quote!(None),
                Some(Dynamic::Lit(s)) => quote!(Some(rt::Text::Lit(#s))),
                Some(Dynamic::Path(p)) => {
                    let t = Template::Path(p.clone()).to_rust(k);
                    quote!(Some(rt::Text::Dynamic(#t)))
                }
                Some(Dynamic::Call(c)) => {
                    let t = Template::Call(c.clone()).to_rust(k);
                    quote!(Some(rt::Text::Dynamic(#t)))
                }
                Some(Dynamic::Jsonata(q)) => {
                    let q = q.to_rust(k);
                    quote!(Some(rt::Text::Query(#q)))
                }
            };
            let error = text(&f.error);
            let cause = text(&f.cause);
            let context = reads_context(st, None);
            quote! {
                static SPEC: rt::FailSpec = rt::FailSpec { error: #error, cause: #cause, context: #context };
                Err(rt::fail::run(&SPEC, &input, cx))
            }
        }
        Kind::Parallel(p) => {
            let retry = retriers(&p.retry);
            let (catch_ty, catch) = catchers(cx, st, &p.catch);
            let starts = p.branches.iter().map(|b| cx.state_path(&b.start_at.value));
            quote! {
                static SPEC: rt::ParallelSpec = rt::ParallelSpec { io: #io, retry: &[#(#retry),*] };
                static CATCH: #catch_ty = #catch;
                let run = rt::parallel::run(&SPEC, &CATCH, &[#(#starts),*], input, cx, |start, input, cx| rt::start_scope(self, start, input, cx));
                rt::then_next(run, #next)
            }
        }
        Kind::Map(m) => {
            let retry = retriers(&m.retry);
            let (catch_ty, catch) = catchers(cx, st, &m.catch);
            let start = cx.state_path(&m.processor.start_at.value);
            let items = match &m.items {
                None => quote!(rt::Items::Input),
                Some(Dynamic::Path(p)) => {
                    let p = p.to_rust(k);
                    quote!(rt::Items::Path(#p))
                }
                Some(Dynamic::Jsonata(q)) => {
                    let q = q.to_rust(k);
                    quote!(rt::Items::Query(#q))
                }
                Some(Dynamic::Lit(Template::Lit(l))) => {
                    let l = l.to_rust(k);
                    quote!(rt::Items::Lit(#l))
                }
                Some(Dynamic::Lit(t)) => {
                    let t = t.to_rust(k);
                    quote!(rt::Items::Template(#t))
                }
                Some(Dynamic::Call(_)) => unreachable!("the parser makes no intrinsic calls here"),
            };
            let concurrency = dynamic(k, &m.max_concurrency, quote!(rt::Concurrency));
            let distributed = m.mode == MapMode::Distributed;
            let tolerance = |t: Option<Dynamic<f64>>| dynamic(k, &t, quote!(rt::Tolerance));
            let count = tolerance(m.tolerated_failure_count.clone().map(|d| match d {
                Dynamic::Lit(n) => Dynamic::Lit(n as f64),
                Dynamic::Path(p) => Dynamic::Path(p),
                Dynamic::Call(c) => Dynamic::Call(c),
                Dynamic::Jsonata(e) => Dynamic::Jsonata(e),
            }));
            let percentage = tolerance(m.tolerated_failure_percentage.clone());
            let reader = item_reader(k, &m.item_reader);
            let batcher = item_batcher(k, &m.item_batcher);
            let writer = result_writer(k, &m.result_writer);
            let label = match &m.label {
                Some(l) => quote!(Some(#l)),
                None => quote!(None),
            };
            quote! {
                static SPEC: rt::MapSpec = rt::MapSpec {
                    io: #io,
                    items: #items,
                    max_concurrency: #concurrency,
                    distributed: #distributed,
                    tolerated_failure_count: #count,
                    tolerated_failure_percentage: #percentage,
                    reader: #reader,
                    batcher: #batcher,
                    writer: #writer,
                    label: #label,
                    retry: &[#(#retry),*],
                };
                static CATCH: #catch_ty = #catch;
                let run = rt::map::run(&SPEC, &CATCH, #start, input, cx, |start, input, cx| rt::start_scope(self, start, input, cx));
                rt::then_next(run, #next)
            }
        }
    }
}

/// `Some(rt::Count::…)` for an integer field of the distributed Map's reader or batcher.
fn count(k: &TokenStream, c: &Option<Dynamic<u64>>) -> TokenStream {
    dynamic(k, c, quote!(rt::Count))
}

/// `Some(#ty::Lit(..) | #ty::Path(..) | #ty::Query(..))` or `None`: the runtime's enums for a
/// number given literally, by a path or by a JSONata expression share these variant names.
fn dynamic<T: quote::ToTokens>(k: &TokenStream, d: &Option<Dynamic<T>>, ty: TokenStream) -> TokenStream {
    match d {
        None => quote!(None),
        Some(Dynamic::Lit(n)) => quote!(Some(#ty::Lit(#n))),
        Some(Dynamic::Path(p)) => {
            let p = p.to_rust(k);
            quote!(Some(#ty::Path(#p)))
        }
        Some(Dynamic::Jsonata(q)) => {
            let q = q.to_rust(k);
            quote!(Some(#ty::Query(#q)))
        }
        Some(Dynamic::Call(_)) => unreachable!("the parser makes no intrinsic calls in number fields"),
    }
}

fn item_reader(k: &TokenStream, r: &Option<ItemReader>) -> TokenStream {
    let Some(r) = r else { return quote!(None) };
    let source = match &r.source {
        ReaderSource::ListObjects => quote!(rt::Source::ListObjects),
        ReaderSource::GetObject(InputFormat::Json { items_pointer }) => {
            let p = match items_pointer {
                Some(p) => quote!(Some(#p)),
                None => quote!(None),
            };
            quote!(rt::Source::GetObject(rt::Format::Json { items_pointer: #p }))
        }
        ReaderSource::GetObject(InputFormat::Jsonl) => quote!(rt::Source::GetObject(rt::Format::Jsonl)),
        ReaderSource::GetObject(InputFormat::Csv { headers, delimiter }) => {
            let h = match headers {
                Some(h) => quote!(Some(&[#(#h),*])),
                None => quote!(None),
            };
            quote!(rt::Source::GetObject(rt::Format::Csv { headers: #h, delimiter: #delimiter }))
        }
    };
    let parameters = r.parameters.to_rust(k);
    let max_items = count(k, &r.max_items);
    quote!(Some(rt::ReaderSpec { source: #source, parameters: #parameters, max_items: #max_items }))
}

fn item_batcher(k: &TokenStream, b: &Option<ItemBatcher>) -> TokenStream {
    let Some(b) = b else { return quote!(None) };
    let max_items = count(k, &b.max_items_per_batch);
    let max_bytes = count(k, &b.max_input_bytes_per_batch);
    let batch_input = opt(k, &b.batch_input);
    quote!(Some(rt::BatcherSpec { max_items: #max_items, max_bytes: #max_bytes, batch_input: #batch_input }))
}

fn result_writer(k: &TokenStream, w: &Option<ResultWriter>) -> TokenStream {
    let Some(w) = w else { return quote!(None) };
    let parameters = opt(k, &w.parameters);
    let output_type = match w.output_type {
        OutputType::Json => quote!(rt::OutputType::Json),
        OutputType::Jsonl => quote!(rt::OutputType::Jsonl),
    };
    let transformation = match w.transformation {
        None => quote!(None),
        Some(Transformation::None) => quote!(Some(rt::Transformation::None)),
        Some(Transformation::Compact) => quote!(Some(rt::Transformation::Compact)),
        Some(Transformation::Flatten) => quote!(Some(rt::Transformation::Flatten)),
    };
    quote!(Some(rt::WriterSpec { parameters: #parameters, output_type: #output_type, transformation: #transformation }))
}

/// `Some(State::X)` for `Next`, `None` for `End` (as `Flow::then` takes it).
fn next_tokens(cx: &Ctx, st: &State) -> TokenStream {
    match &st.next {
        Some(n) => {
            let s = cx.state_path(&n.value);
            quote!(Some(#s))
        }
        None => quote!(None),
    }
}

fn opt<T: ToRust>(k: &TokenStream, v: &Option<T>) -> TokenStream {
    v.to_rust(k)
}

fn path_field(k: &TokenStream, f: &PathField) -> TokenStream {
    match f {
        PathField::Whole => quote!(rt::PathField::Whole),
        PathField::Null => quote!(rt::PathField::Null),
        PathField::Path(p) => {
            let p = p.to_rust(k);
            quote!(rt::PathField::Path(#p))
        }
    }
}

pub(super) fn result_path(k: &TokenStream, r: &ResultPath) -> TokenStream {
    match r {
        ResultPath::Replace => quote!(rt::ResultPath::Replace),
        ResultPath::Discard => quote!(rt::ResultPath::Discard),
        ResultPath::Merge(p) => {
            let p = p.to_rust(k);
            quote!(rt::ResultPath::Merge(#p))
        }
    }
}

/// The state's `rt::Io`. For a Map, `parameters` carries the ItemSelector.
pub(super) fn io(cx: &Ctx, st: &State) -> TokenStream {
    let k = &cx.k;
    let jsonata = st.query_language == QueryLanguage::Jsonata;
    let parameters = match &st.kind {
        Kind::Map(m) => m.item_selector.clone(),
        _ => st.io.parameters.clone(),
    };
    let context = reads_context(st, parameters.as_ref());
    let input_path = path_field(k, &st.io.input_path);
    let output_path = path_field(k, &st.io.output_path);
    let result_path = result_path(k, &st.io.result_path);
    let parameters = opt(k, &parameters);
    let result_selector = opt(k, &st.io.result_selector);
    let output = opt(k, &st.io.output);
    // A Choice state's `Assign` goes with its `Default` (see `choice::body`).
    let assign = if matches!(st.kind, Kind::Choice(_)) { quote!(None) } else { opt(k, &st.assign) };
    quote! {
        rt::Io {
            jsonata: #jsonata,
            input_path: #input_path,
            parameters: #parameters,
            result_selector: #result_selector,
            result_path: #result_path,
            output_path: #output_path,
            output: #output,
            assign: #assign,
            context: #context,
        }
    }
}

/// The parts of the context object anything in the state reads at run time: its share of the
/// machine-wide `Machine::CONTEXT`. A distributed Map's reader, batcher and writer templates
/// see the whole context object.
pub(super) fn machine_reads(st: &State) -> u8 {
    match &st.kind {
        Kind::Map(m) if m.item_reader.is_some() || m.item_batcher.is_some() || m.result_writer.is_some() => CONTEXT_ALL,
        Kind::Map(m) => reads_context(st, m.item_selector.as_ref()),
        _ => reads_context(st, st.io.parameters.as_ref()),
    }
}

/// The parts of the context object the state's expressions read (a `ctx` bit set), so the
/// runtime builds only those, and only for the states that need them.
/// Every part of the context object (the runtime's `ctx::ALL`).
const CONTEXT_ALL: u8 = 31;

fn reads_context(st: &State, parameters: Option<&Template>) -> u8 {
    const ALL: u8 = CONTEXT_ALL;
    fn part(text: &str) -> u8 {
        let rest = text.strip_prefix("$$").unwrap_or(text);
        match rest.strip_prefix('.').map(|r| r.split(['.', '[']).next().unwrap_or("")) {
            Some("Execution") => 1,
            Some("State") => 2,
            Some("StateMachine") => 4,
            Some("Task") => 8,
            Some("Map") => 16,
            _ => ALL,
        }
    }
    fn path(p: &Path) -> u8 {
        if p.root == Root::Context { part(&p.text) } else { 0 }
    }
    fn template(t: &Template) -> u8 {
        match t {
            Template::Lit(_) => 0,
            Template::Object(m) => m.iter().fold(0, |acc, (_, t)| acc | template(t)),
            Template::Array(a) => a.iter().fold(0, |acc, t| acc | template(t)),
            Template::Path(p) => path(p),
            // Context paths inside intrinsic arguments: read from the call's text form.
            Template::Call(c) => if format!("{c:?}").contains("Context") { ALL } else { 0 },
            Template::Jsonata(q) => if asl_syntax::jsonata::reads_context(&q.expr) { ALL } else { 0 },
        }
    }
    fn rule(r: &Rule) -> u8 {
        match r {
            Rule::And(rs) | Rule::Or(rs) => rs.iter().fold(0, |acc, r| acc | rule(r)),
            Rule::Not(r) => rule(r),
            Rule::Compare(c) => path(&c.variable) | if let Operand::Path(p) = &c.operand { path(p) } else { 0 },
            Rule::Condition(_) => ALL,
        }
    }
    let field = |f: &PathField| if let PathField::Path(p) = f { path(p) } else { 0 };
    let mut bits = field(&st.io.input_path) | field(&st.io.output_path);
    match &st.kind {
        Kind::Choice(c) => {
            for b in &c.choices {
                bits |= rule(&b.rule) | b.assign.as_ref().map_or(0, template) | b.output.as_ref().map_or(0, template);
            }
        }
        Kind::Fail(f) => {
            for t in [&f.error, &f.cause].into_iter().flatten() {
                bits |= match t {
                    Dynamic::Path(p) => path(p),
                    Dynamic::Call(c) => template(&Template::Call(c.clone())),
                    Dynamic::Jsonata(_) => ALL,
                    Dynamic::Lit(_) => 0,
                };
            }
        }
        _ => {}
    }
    for t in [parameters, st.io.result_selector.as_ref(), st.io.output.as_ref(), st.assign.as_ref()].into_iter().flatten() {
        bits |= template(t);
    }
    // JSONata expressions outside templates (Condition, Seconds, Items, …): conservative.
    if st.query_language == QueryLanguage::Jsonata && !matches!(st.kind, Kind::Pass(_)) {
        bits = ALL;
    }
    bits
}

fn seconds(k: &TokenStream, s: &Option<Dynamic<u64>>) -> TokenStream {
    dynamic(k, s, quote!(rt::Seconds))
}

fn retriers(rs: &[Retrier]) -> Vec<TokenStream> {
    rs.iter()
        .map(|r| {
            let errors = &r.errors;
            let interval = r.interval_seconds;
            let attempts = r.max_attempts;
            let backoff = r.backoff_rate;
            let max_delay = match r.max_delay_seconds {
                Some(m) => quote!(Some(#m)),
                None => quote!(None),
            };
            let jitter = match r.jitter {
                Jitter::Full => quote!(rt::Jitter::Full),
                Jitter::None => quote!(rt::Jitter::None),
            };
            quote! {
                rt::Retrier {
                    errors: &[#(#errors),*],
                    interval_seconds: #interval,
                    max_attempts: #attempts,
                    backoff_rate: #backoff,
                    max_delay_seconds: #max_delay,
                    jitter: #jitter,
                }
            }
        })
        .collect()
}

/// The catchers' static type and value.
fn catchers(cx: &Ctx, st: &State, cs: &[Catcher]) -> (TokenStream, TokenStream) {
    let k = &cx.k;
    let n = cs.len();
    let jsonata = st.query_language == QueryLanguage::Jsonata;
    let items = cs.iter().map(|c| {
        let errors = &c.errors;
        let next = cx.state_path(&c.next.value);
        let rp = result_path(k, &c.result_path);
        let output = opt(k, &c.output);
        let assign = opt(k, &c.assign);
        quote! {
            rt::Catcher { errors: &[#(#errors),*], next: #next, result_path: #rp, output: #output, assign: #assign, jsonata: #jsonata }
        }
    });
    (quote!([rt::Catcher<State>; #n]), quote!([#(#items),*]))
}
