//! The specs as Rust expressions valid in a `static` initializer (see [`ToRust`]).

use proc_macro2::TokenStream;
use quote::quote;

use super::*;
use crate::ToRust;

/// A literal `&'static str` (fields the runtime hands out as such).
fn lit_str(s: &str) -> TokenStream {
    quote!(#s)
}

impl ToRust for PathField {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            PathField::Whole => quote!(#k::spec::PathField::Whole),
            PathField::Null => quote!(#k::spec::PathField::Null),
            PathField::Path(p) => {
                let p = p.to_rust(k);
                quote!(#k::spec::PathField::Path(#p))
            }
        }
    }
}

impl ToRust for ResultPath {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            ResultPath::Replace => quote!(#k::spec::ResultPath::Replace),
            ResultPath::Discard => quote!(#k::spec::ResultPath::Discard),
            ResultPath::Merge(p) => {
                let p = p.to_rust(k);
                quote!(#k::spec::ResultPath::Merge(#p))
            }
        }
    }
}

impl ToRust for Io {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let Io { jsonata, input_path, parameters, result_selector, result_path, output_path, output, assign, context } = self;
        let (input_path, parameters, result_selector) = (input_path.to_rust(k), parameters.to_rust(k), result_selector.to_rust(k));
        let (result_path, output_path, output, assign) = (result_path.to_rust(k), output_path.to_rust(k), output.to_rust(k), assign.to_rust(k));
        quote! {
            #k::spec::Io {
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
}

impl<T: ToRust> ToRust for Dynamic<T> {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            Dynamic::Lit(v) => {
                let v = v.to_rust(k);
                quote!(#k::spec::Dynamic::Lit(#v))
            }
            Dynamic::Path(p) => {
                let p = p.to_rust(k);
                quote!(#k::spec::Dynamic::Path(#p))
            }
            Dynamic::Query(q) => {
                let q = q.to_rust(k);
                quote!(#k::spec::Dynamic::Query(#q))
            }
        }
    }
}

impl ToRust for Jitter {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            Jitter::None => quote!(#k::spec::Jitter::None),
            Jitter::Full => quote!(#k::spec::Jitter::Full),
        }
    }
}

impl ToRust for Retrier {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let Retrier { errors, interval_seconds, max_attempts, backoff_rate, max_delay_seconds, jitter } = self;
        let (errors, backoff_rate, max_delay_seconds, jitter) = (errors.to_rust(k), backoff_rate.to_rust(k), max_delay_seconds.to_rust(k), jitter.to_rust(k));
        quote! {
            #k::spec::Retrier {
                errors: #errors,
                interval_seconds: #interval_seconds,
                max_attempts: #max_attempts,
                backoff_rate: #backoff_rate,
                max_delay_seconds: #max_delay_seconds,
                jitter: #jitter,
            }
        }
    }
}

impl<S: ToRust> ToRust for Catcher<S> {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let Catcher { errors, next, result_path, output, assign, jsonata } = self;
        let (errors, next, result_path, output, assign) = (errors.to_rust(k), next.to_rust(k), result_path.to_rust(k), output.to_rust(k), assign.to_rust(k));
        quote! {
            #k::spec::Catcher { errors: #errors, next: #next, result_path: #result_path, output: #output, assign: #assign, jsonata: #jsonata }
        }
    }
}

impl ToRust for PassSpec {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let (io, result) = (self.io.to_rust(k), self.result.to_rust(k));
        quote!(#k::spec::PassSpec { io: #io, result: #result })
    }
}

impl ToRust for TaskSpec {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let TaskSpec { io, resource, timeout, heartbeat, retry } = self;
        let (io, resource, timeout, heartbeat, retry) = (io.to_rust(k), lit_str(resource), timeout.to_rust(k), heartbeat.to_rust(k), retry.to_rust(k));
        quote! {
            #k::spec::TaskSpec { io: #io, resource: #resource, timeout: #timeout, heartbeat: #heartbeat, retry: #retry }
        }
    }
}

impl ToRust for WaitFor {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            WaitFor::Seconds(n) => quote!(#k::spec::WaitFor::Seconds(#n)),
            WaitFor::Timestamp(t) => {
                let t = t.to_rust(k);
                quote!(#k::spec::WaitFor::Timestamp(#t))
            }
            WaitFor::SecondsPath(p) => {
                let p = p.to_rust(k);
                quote!(#k::spec::WaitFor::SecondsPath(#p))
            }
            WaitFor::TimestampPath(p) => {
                let p = p.to_rust(k);
                quote!(#k::spec::WaitFor::TimestampPath(#p))
            }
            WaitFor::SecondsQuery(q) => {
                let q = q.to_rust(k);
                quote!(#k::spec::WaitFor::SecondsQuery(#q))
            }
            WaitFor::TimestampQuery(q) => {
                let q = q.to_rust(k);
                quote!(#k::spec::WaitFor::TimestampQuery(#q))
            }
        }
    }
}

impl ToRust for WaitSpec {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let (io, wait) = (self.io.to_rust(k), self.wait.to_rust(k));
        quote!(#k::spec::WaitSpec { io: #io, wait: #wait })
    }
}

impl ToRust for Text {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            Text::Lit(s) => {
                let s = s.to_rust(k);
                quote!(#k::spec::Text::Lit(#s))
            }
            Text::Dynamic(t) => {
                let t = t.to_rust(k);
                quote!(#k::spec::Text::Dynamic(#t))
            }
            Text::Query(q) => {
                let q = q.to_rust(k);
                quote!(#k::spec::Text::Query(#q))
            }
        }
    }
}

impl ToRust for FailSpec {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let (error, cause, context) = (self.error.to_rust(k), self.cause.to_rust(k), self.context);
        quote!(#k::spec::FailSpec { error: #error, cause: #cause, context: #context })
    }
}

impl ToRust for ParallelSpec {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let (io, retry) = (self.io.to_rust(k), self.retry.to_rust(k));
        quote!(#k::spec::ParallelSpec { io: #io, retry: #retry })
    }
}

impl ToRust for Items {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            Items::Input => quote!(#k::spec::Items::Input),
            Items::Path(p) => {
                let p = p.to_rust(k);
                quote!(#k::spec::Items::Path(#p))
            }
            Items::Query(q) => {
                let q = q.to_rust(k);
                quote!(#k::spec::Items::Query(#q))
            }
            Items::Lit(l) => {
                let l = l.to_rust(k);
                quote!(#k::spec::Items::Lit(#l))
            }
            Items::Template(t) => {
                let t = t.to_rust(k);
                quote!(#k::spec::Items::Template(#t))
            }
        }
    }
}

impl ToRust for Format {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            Format::Json { items_pointer } => {
                let p = items_pointer.to_rust(k);
                quote!(#k::spec::Format::Json { items_pointer: #p })
            }
            Format::Jsonl => quote!(#k::spec::Format::Jsonl),
            Format::Csv { headers, delimiter } => {
                let h = headers.to_rust(k);
                quote!(#k::spec::Format::Csv { headers: #h, delimiter: #delimiter })
            }
        }
    }
}

impl ToRust for Source {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            Source::GetObject(f) => {
                let f = f.to_rust(k);
                quote!(#k::spec::Source::GetObject(#f))
            }
            Source::ListObjects => quote!(#k::spec::Source::ListObjects),
        }
    }
}

impl ToRust for ReaderSpec {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let (source, parameters, max_items) = (self.source.to_rust(k), self.parameters.to_rust(k), self.max_items.to_rust(k));
        quote!(#k::spec::ReaderSpec { source: #source, parameters: #parameters, max_items: #max_items })
    }
}

impl ToRust for BatcherSpec {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let (max_items, max_bytes, batch_input) = (self.max_items.to_rust(k), self.max_bytes.to_rust(k), self.batch_input.to_rust(k));
        quote!(#k::spec::BatcherSpec { max_items: #max_items, max_bytes: #max_bytes, batch_input: #batch_input })
    }
}

impl ToRust for OutputType {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            OutputType::Json => quote!(#k::spec::OutputType::Json),
            OutputType::Jsonl => quote!(#k::spec::OutputType::Jsonl),
        }
    }
}

impl ToRust for Transformation {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            Transformation::None => quote!(#k::spec::Transformation::None),
            Transformation::Compact => quote!(#k::spec::Transformation::Compact),
            Transformation::Flatten => quote!(#k::spec::Transformation::Flatten),
        }
    }
}

impl ToRust for WriterSpec {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let (parameters, output_type, transformation) = (self.parameters.to_rust(k), self.output_type.to_rust(k), self.transformation.to_rust(k));
        quote!(#k::spec::WriterSpec { parameters: #parameters, output_type: #output_type, transformation: #transformation })
    }
}

impl ToRust for MapSpec {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let MapSpec { io, items, max_concurrency, distributed, tolerated_failure_count, tolerated_failure_percentage, reader, batcher, writer, label, retry } = self;
        let (io, items, max_concurrency) = (io.to_rust(k), items.to_rust(k), max_concurrency.to_rust(k));
        let (count, percentage) = (tolerated_failure_count.to_rust(k), tolerated_failure_percentage.to_rust(k));
        let (reader, batcher, writer, label, retry) = (reader.to_rust(k), batcher.to_rust(k), writer.to_rust(k), label.to_rust(k), retry.to_rust(k));
        quote! {
            #k::spec::MapSpec {
                io: #io,
                items: #items,
                max_concurrency: #max_concurrency,
                distributed: #distributed,
                tolerated_failure_count: #count,
                tolerated_failure_percentage: #percentage,
                reader: #reader,
                batcher: #batcher,
                writer: #writer,
                label: #label,
                retry: #retry,
            }
        }
    }
}

impl ToRust for Op {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let op = proc_macro2::Ident::new(self.name(), proc_macro2::Span::call_site());
        quote!(#k::spec::Op::#op)
    }
}

impl ToRust for Operand {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            Operand::Str(s) => {
                let s = s.to_rust(k);
                quote!(#k::spec::Operand::Str(#s))
            }
            Operand::Number(n) => {
                let n = n.to_rust(k);
                quote!(#k::spec::Operand::Number(#n))
            }
            Operand::Bool(b) => quote!(#k::spec::Operand::Bool(#b)),
            Operand::Timestamp { at, text } => {
                let (at, text) = (at.to_rust(k), text.to_rust(k));
                quote!(#k::spec::Operand::Timestamp { at: #at, text: #text })
            }
            Operand::Path(p) => {
                let p = p.to_rust(k);
                quote!(#k::spec::Operand::Path(#p))
            }
        }
    }
}

impl ToRust for Rule {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            Rule::And(rs) => {
                let rs = rs.to_rust(k);
                quote!(#k::spec::Rule::And(#rs))
            }
            Rule::Or(rs) => {
                let rs = rs.to_rust(k);
                quote!(#k::spec::Rule::Or(#rs))
            }
            Rule::Not(r) => {
                let r = r.to_rust(k);
                quote!(#k::spec::Rule::Not(#r))
            }
            Rule::Compare(Compare { variable, op, operand }) => {
                let (variable, op, operand) = (variable.to_rust(k), op.to_rust(k), operand.to_rust(k));
                quote!(#k::spec::Rule::Compare(#k::spec::Compare { variable: #variable, op: #op, operand: #operand }))
            }
            Rule::Condition(q) => {
                let q = q.to_rust(k);
                quote!(#k::spec::Rule::Condition(#q))
            }
        }
    }
}

impl<S: ToRust> ToRust for ChoiceBranch<S> {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let (next, assign, output) = (self.next.to_rust(k), self.assign.to_rust(k), self.output.to_rust(k));
        quote!(#k::spec::ChoiceBranch { next: #next, assign: #assign, output: #output })
    }
}

impl<S: ToRust + Clone + 'static> ToRust for ChoiceSpec<S> {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let (io, branches, default, default_assign, name) = (self.io.to_rust(k), self.branches.to_rust(k), self.default.to_rust(k), self.default_assign.to_rust(k), self.name.to_rust(k));
        let plain = self.plain;
        quote!(#k::spec::ChoiceSpec { io: #io, branches: #branches, default: #default, default_assign: #default_assign, name: #name, plain: #plain })
    }
}
