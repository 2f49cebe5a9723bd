//! Payload templates (interim: paths and literals, until the full evaluator lands).
use asl_syntax::template::Template;
use asl_syntax::Lit;
use serde_json::{Map, Value};

use crate::{Env, Failure};

pub fn lit(l: &Lit) -> Value {
    match l {
        Lit::Null => Value::Null,
        Lit::Bool(b) => Value::Bool(*b),
        Lit::Int(i) => (*i).into(),
        Lit::UInt(u) => (*u).into(),
        Lit::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Lit::Str(s) => Value::String(s.to_string()),
        Lit::Array(a) => Value::Array(a.iter().map(lit).collect()),
        Lit::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.to_string(), lit(v))).collect()),
    }
}

pub fn eval(t: &Template, env: &Env) -> Result<Value, Failure> {
    Ok(match t {
        Template::Lit(l) => lit(l),
        Template::Object(m) => {
            let mut out = Map::with_capacity(m.len());
            for (k, v) in m.iter() {
                out.insert(k.to_string(), eval(v, env)?);
            }
            Value::Object(out)
        }
        Template::Array(a) => Value::Array(a.iter().map(|t| eval(t, env)).collect::<Result<_, _>>()?),
        Template::Path(p) => crate::path::select(p, env).map(|c| c.into_owned()).ok_or_else(|| Failure::new(crate::error::names::PARAMETER_PATH_FAILURE, format!("The JSONPath '{}' could not be found", p.text)))?,
        Template::Call(_) | Template::Jsonata(_) => return Err(Failure::runtime("not yet supported")),
    })
}
