//! JSONata templates (`Arguments`, `Output`, `Assign` of JSONata states): literals with
//! `{% … %}` expressions anywhere inside.

use asl_syntax::template::Template;
use serde_json::{Map, Value};

use crate::error::{names, Failure};
use crate::{jsonata, payload, Env};

/// Evaluates a JSONata template; `field` names the field in AWS's error causes
/// (`Output`, `Output/result`, `Arguments/FunctionName`, …).
pub fn eval_jsonata(t: &Template, env: &Env, field: &str) -> Result<Value, Failure> {
    match t {
        Template::Jsonata(e) => match jsonata::eval(e, env)? {
            Some(v) => Ok(v),
            None => Err(Failure::new(names::QUERY_EVALUATION_ERROR, format!("The JSONata expression specified for the field '{field}' returned nothing (undefined)."))),
        },
        Template::Object(m) => {
            let mut out = Map::with_capacity(m.len());
            for (k, v) in m.iter() {
                let sub = format!("{field}/{k}");
                out.insert(k.to_string(), eval_jsonata(v, env, &sub)?);
            }
            Ok(Value::Object(out))
        }
        Template::Array(a) => a.iter().map(|t| eval_jsonata(t, env, field)).collect::<Result<Vec<_>, _>>().map(Value::Array),
        Template::Lit(l) => Ok(payload::lit(l)),
        Template::Path(_) | Template::Call(_) => payload::eval(t, env),
    }
}
