//! The `asl!` proc-macro: compiles an Amazon States Language file to typed async Rust at build
//! time. A thin shell: it reads the arguments, finds the file and hands it to `asl-codegen`.
//!
//! ```ignore
//! asl_runtime::asl!("flows/order.json");
//! asl_runtime::asl!("flows/order.json", module = orders, machine = OrderFlow,
//!                   task("arn:aws:lambda:us-east-1:111111111111:function:CheckStock") = check);
//! ```
//! `form = table` (or `methods`) chooses how the states are emitted, instead of their number
//! (`asl_codegen::TABLE_MIN_STATES`).
//!
//! The path is relative to the crate root (`CARGO_MANIFEST_DIR`); when no file is there, it is
//! looked up next to the source file that calls the macro.

use std::path::PathBuf;

use proc_macro::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

struct Args {
    path: LitStr,
    module: Option<Ident>,
    machine: Option<Ident>,
    tasks: Vec<(LitStr, Ident)>,
    form: Option<Ident>,
}

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let path: LitStr = input.parse()?;
        let mut args = Args { path, module: None, machine: None, tasks: Vec::new(), form: None };
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let key: Ident = input.parse()?;
            match key.to_string().as_str() {
                "module" => {
                    input.parse::<Token![=]>()?;
                    args.module = Some(input.parse()?);
                }
                "machine" => {
                    input.parse::<Token![=]>()?;
                    args.machine = Some(input.parse()?);
                }
                "form" => {
                    input.parse::<Token![=]>()?;
                    let form: Ident = input.parse()?;
                    if !matches!(form.to_string().as_str(), "methods" | "table") {
                        return Err(syn::Error::new(form.span(), "expected `form = methods` or `form = table`"));
                    }
                    args.form = Some(form);
                }
                "task" => {
                    let content;
                    syn::parenthesized!(content in input);
                    let arn: LitStr = content.parse()?;
                    input.parse::<Token![=]>()?;
                    args.tasks.push((arn, input.parse()?));
                }
                other => {
                    return Err(syn::Error::new(key.span(), format!("unknown `asl!` option `{other}`; expected `module = name`, `machine = Name`, `form = table` or `task(\"arn\") = method`")));
                }
            }
        }
        Ok(args)
    }
}

/// Compiles an ASL workflow file into a module of typed async Rust. See the crate docs.
#[proc_macro]
pub fn asl(input: TokenStream) -> TokenStream {
    let args = syn::parse_macro_input!(input as Args);
    expand(args).unwrap_or_else(|e| e.to_compile_error()).into()
}

fn expand(args: Args) -> syn::Result<proc_macro2::TokenStream> {
    let written = args.path.value();
    let file = resolve(&args.path)?;
    let text = asl_codegen::json::read_definition(&file)
        // no absolute path in the message: it differs between machines
        .map_err(|e| syn::Error::new(args.path.span(), format!("cannot read `{written}`: {e}")))?;
    let mut names = asl_codegen::Names::from_path(&written);
    if let Some(m) = &args.module {
        names.module = m.to_string();
    }
    if let Some(m) = &args.machine {
        names.machine = m.to_string();
    }
    if let Some(f) = &args.form {
        names.form = if f == "table" { asl_codegen::Form::Table } else { asl_codegen::Form::Methods };
    }
    for (arn, method) in &args.tasks {
        names.task_methods.insert(arn.value(), method.to_string());
    }
    let track = file.to_string_lossy().into_owned();
    match asl_codegen::generate(&written, &text, &names, Some(&track)) {
        Ok(tokens) => Ok(tokens),
        Err(rendered) => {
            let err = syn::Error::new(args.path.span(), format!("invalid workflow `{written}`:\n{rendered}")).to_compile_error();
            // The module's public items as far as the file shows them: the user's code meets
            // the `State`, `Tasks` and machine it expects, so rustc reports the workflow alone.
            let skeleton = asl_codegen::skeleton(&written, &text, &names, Some(&track));
            Ok(quote! {
                #err
                #skeleton
            })
        }
    }
}

fn resolve(lit: &LitStr) -> syn::Result<PathBuf> {
    let written = PathBuf::from(lit.value());
    if written.is_absolute() {
        return Err(syn::Error::new(lit.span(), "absolute paths only work on this machine; give the path relative to the crate root"));
    }
    let root = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_default();
    let in_crate = root.join(&written);
    if in_crate.exists() {
        return Ok(in_crate);
    }
    let beside_caller = proc_macro::Span::call_site().local_file().and_then(|f| f.parent().map(|d| d.join(&written)));
    match beside_caller {
        Some(p) if p.exists() => Ok(p),
        // No absolute directory in the message: it would differ between machines (and break
        // the UI test's blessed output).
        _ => Err(syn::Error::new(
            lit.span(),
            format!("workflow file `{}` not found; the path is relative to the crate root (where Cargo.toml is) or to the directory of the file calling `asl!`", lit.value()),
        )),
    }
}
