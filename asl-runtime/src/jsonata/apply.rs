//! Function calls: evaluating the callee and arguments, signature validation, lambdas with the
//! tail-call trampoline, partial application, chains and transforms.

use std::rc::Rc;

use asl_syntax::jsonata::signature::Signature;
use asl_syntax::jsonata::{Expr, Kind};

use super::error::{JError, JResult};
use super::eval::{Ev, Res};
use super::functions::{self, Args};
use super::value::{Arr, Closure, Func, Val};

impl<'a> Ev<'a> {
    /// `procedure(args)`; with `context` (from `~>`) the context is the first argument.
    #[inline(never)]
    pub(crate) fn call(&self, procedure: &'a Expr, args: &'a [Expr], pos: usize, input: &Option<Val<'a>>, frame: usize, context: Option<Option<Val<'a>>>) -> Res<'a> {
        let proc = self.eval(procedure, input, frame)?;
        let name = proc_name(procedure);
        if proc.is_none()
            && let Kind::Path { steps, .. } = &procedure.kind
            && let Kind::Name(n) = &steps[0].kind
            && self.lookup(frame, n).is_some()
        {
            return Err(JError::new("T1005").token(&**n).at(pos));
        }
        let mut evaluated = Vec::with_capacity(args.len() + 1);
        if let Some(c) = context {
            evaluated.push(c);
        }
        for a in args {
            evaluated.push(self.eval(a, input, frame)?);
        }
        let proc = proc.unwrap_or(Val::Null);
        self.apply(&proc, evaluated, input, frame, name).map_err(|e| e.or_token(name.unwrap_or("")).at(pos))
    }

    /// Applies a function value, running the trampoline for tail calls.
    #[inline(never)]
    pub fn apply(&self, proc: &Val<'a>, args: Vec<Option<Val<'a>>>, input: &Option<Val<'a>>, frame: usize, name: Option<&'a str>) -> Res<'a> {
        let mut result = self.apply_inner(proc, args, input, frame, name)?;
        loop {
            let Some(Val::Func(f)) = &result else { break };
            let Func::Lambda(c) = &**f else { break };
            if !c.def.thunk {
                break;
            }
            let Kind::Call { procedure, args, .. } = &c.def.body.kind else {
                break;
            };
            let next = self.eval(procedure, &c.input, c.frame)?.unwrap_or(Val::Null);
            let mut evaluated = Vec::with_capacity(args.len());
            for a in args.iter() {
                evaluated.push(self.eval(a, &c.input, c.frame)?);
            }
            let next_name = proc_name(procedure);
            result = self.apply_inner(&next, evaluated, input, frame, next_name).map_err(|e| e.or_token(next_name.unwrap_or("")))?;
        }
        Ok(result)
    }

    #[inline(never)]
    fn apply_inner(&self, proc: &Val<'a>, args: Vec<Option<Val<'a>>>, input: &Option<Val<'a>>, frame: usize, name: Option<&'a str>) -> Res<'a> {
        let Val::Func(f) = proc else {
            return Err(JError::new("T1006"));
        };
        match &**f {
            Func::Builtin(b) => {
                let args = validate(functions::signature(b), args, input)?;
                (b.f)(self, Args { v: args, input: input.clone(), frame })
            }
            Func::Lambda(c) => {
                let args = match &c.def.signature {
                    Some(sig) => match Signature::parse(sig) {
                        Ok(s) => validate(&s, args, input)?,
                        Err(_) => args,
                    },
                    None => args,
                };
                let env = self.new_frame(c.frame);
                for (i, p) in c.params.iter().enumerate() {
                    self.bind(env, p, args.get(i).cloned().flatten());
                }
                self.eval(&c.def.body, &c.input, env)
            }
            Func::PartialBuiltin(b, bound) => {
                let mut supplied = args.into_iter();
                let full: Vec<Option<Val<'a>>> = bound.iter().map(|a| a.clone().unwrap_or_else(|| supplied.next().flatten())).collect();
                let full = validate(functions::signature(b), full, &None)?;
                (b.f)(self, Args { v: full, input: None, frame })
            }
            Func::Regex(r) => {
                let s = args.first().cloned().flatten();
                let Some(s) = s.as_ref().and_then(|v| v.as_str()) else {
                    return Ok(None);
                };
                let re = super::regex::compile(r)?;
                Ok(super::regex::first_match(&re, s, 0).map(|m| m.to_val()))
            }
            Func::Transform(e, tframe) => {
                let obj = args.into_iter().next().flatten();
                self.transform(e, obj, *tframe)
            }
            Func::Chain(first, second) => {
                let mid = self.apply(first, args, input, frame, name)?;
                self.apply(second, vec![mid], input, frame, name)
            }
        }
    }

    /// `f(?, x)`: binds the supplied arguments and returns a function of the `?` ones.
    #[inline(never)]
    pub(crate) fn partial(&self, procedure: &'a Expr, args: &'a [Expr], pos: usize, input: &Option<Val<'a>>, frame: usize) -> Res<'a> {
        let mut evaluated: Vec<Option<Option<Val<'a>>>> = Vec::with_capacity(args.len());
        for a in args {
            evaluated.push(match a.kind {
                Kind::Placeholder => None,
                _ => Some(self.eval(a, input, frame)?),
            });
        }
        let proc = self.eval(procedure, input, frame)?;
        let name = proc_name(procedure).unwrap_or("");
        match &proc {
            Some(Val::Func(f)) => Ok(Some(Val::Func(Rc::new(match &**f {
                Func::Lambda(c) => {
                    let env = self.new_frame(c.frame);
                    let mut unbound = vec![];
                    for (i, p) in c.params.iter().enumerate() {
                        match evaluated.get(i) {
                            Some(None) => unbound.push(*p),
                            Some(Some(v)) => self.bind(env, p, v.clone()),
                            None => self.bind(env, p, None),
                        }
                    }
                    Func::Lambda(Closure { def: c.def, params: unbound, input: c.input.clone(), frame: env })
                }
                Func::Builtin(b) => Func::PartialBuiltin(b, evaluated),
                Func::PartialBuiltin(b, bound) => {
                    let mut supplied = evaluated.into_iter();
                    let merged = bound.iter().map(|a| a.clone().or_else(|| supplied.next().flatten_placeholder())).collect();
                    Func::PartialBuiltin(b, merged)
                }
                _ => return Err(JError::new("T1008").token(name).at(pos)),
            })))),
            None => {
                if let Kind::Path { steps, .. } = &procedure.kind
                    && let Kind::Name(n) = &steps[0].kind
                    && self.lookup(frame, n).is_some()
                {
                    return Err(JError::new("T1007").token(&**n).at(pos));
                }
                Err(JError::new("T1008").token(name).at(pos))
            }
            Some(_) => Err(JError::new("T1008").token(name).at(pos)),
        }
    }

    /// Calls a function value from a built-in (higher-order functions), passing as many of
    /// `args` as the function takes.
    pub fn call_hof(&self, f: &Val<'a>, args: Vec<Option<Val<'a>>>, frame: usize) -> Res<'a> {
        let arity = match f {
            Val::Func(func) => func.arity(),
            _ => 0,
        };
        let mut args = args;
        args.truncate(arity.max(1));
        self.apply(f, args, &None, frame, None)
    }
}

trait FlattenPlaceholder<'a> {
    fn flatten_placeholder(self) -> Option<Option<Val<'a>>>;
}

impl<'a> FlattenPlaceholder<'a> for Option<Option<Option<Val<'a>>>> {
    /// A new argument for a bound placeholder: itself a placeholder, a value, or missing.
    fn flatten_placeholder(self) -> Option<Option<Val<'a>>> {
        match self {
            None => Some(None),
            Some(x) => x,
        }
    }
}

/// The name a call reports in errors: the variable or field naming the function.
fn proc_name(procedure: &Expr) -> Option<&str> {
    match &procedure.kind {
        Kind::Variable(v) => Some(v),
        Kind::Path { steps, .. } => match &steps[0].kind {
            Kind::Name(n) | Kind::Variable(n) => Some(n),
            _ => None,
        },
        _ => None,
    }
}

/// Checks the arguments against a signature, substituting the context for a missing `-`
/// argument and wrapping non-arrays given for `a` parameters (jsonata-js's `validate`).
pub fn validate<'a>(sig: &Signature, args: Vec<Option<Val<'a>>>, context: &Option<Val<'a>>) -> JResult<Vec<Option<Val<'a>>>> {
    let syms: Vec<u8> = args.iter().map(|a| a.as_ref().map_or(b'm', |v| v.sym())).collect();
    let Some(spans) = sig.match_args(&syms) else {
        let at = sig.failing_arg(&syms);
        return Err(JError::new("T0410").index(at).value(args.get(at - 1).cloned().flatten().as_ref()));
    };
    let mut out = Vec::with_capacity(sig.params.len());
    let mut idx = 0;
    for (param, span) in sig.params.iter().zip(spans) {
        if span.is_empty() {
            if param.context {
                let sym = context.as_ref().map_or(b'm', |v| v.sym());
                if param.accepts.as_bytes().contains(&sym) {
                    out.push(context.clone());
                } else {
                    return Err(JError::new("T0411").value(context.as_ref()).index(idx + 1));
                }
            } else {
                out.push(args.get(idx).cloned().flatten());
                idx += 1;
            }
            continue;
        }
        for &s in &syms[span] {
            let arg = args.get(idx).cloned().flatten();
            if param.ty == "a" {
                if s == b'm' {
                    out.push(None);
                } else {
                    let arg = arg.expect("a defined argument");
                    if let Some(sub) = &param.subtype {
                        let ok = if s != b'a' {
                            (s as char).to_string() == *sub
                        } else {
                            let items = arg.items();
                            items.first().is_none_or(|first| {
                                let t = first.sym();
                                sub.as_bytes().first() == Some(&t) && items.iter().all(|i| i.sym() == t)
                            })
                        };
                        if !ok {
                            let ty = match sub.as_str() {
                                "a" => "arrays",
                                "b" => "booleans",
                                "f" => "functions",
                                "n" => "numbers",
                                "o" => "objects",
                                "s" => "strings",
                                _ => "values",
                            };
                            return Err(JError::new("T0412").value(Some(&arg)).index(idx + 1).message(ty));
                        }
                    }
                    out.push(Some(if s == b'a' { arg } else { Val::Arr(Rc::new(Arr { depth: 1 + arg.depth(), items: vec![arg], ..Arr::default() })) }));
                }
            } else {
                out.push(arg);
            }
            idx += 1;
        }
    }
    Ok(out)
}
