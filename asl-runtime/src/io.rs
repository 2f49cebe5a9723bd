//! A state's data flow, resolved at build time: which paths and templates apply, in AWS's order
//! (InputPath → Parameters → work → ResultSelector → ResultPath → OutputPath for JSONPath;
//! Arguments → work → Output for JSONata; Assign in both).

use std::borrow::Cow;

use asl_syntax::template::Template;
use serde_json::{Map, Value};

use crate::cx::Cx;
use crate::env::Env;
use crate::error::Failure;
use crate::{path, payload, template};

pub use asl_syntax::spec::{Io, PathField, ResultPath};

/// What the runtime does with a state's [`Io`]: the data-flow steps, in AWS's order.
pub trait DataFlow {
    /// Runs `f` with the environment of this state over `input` (`$` / `$states.input`).
    fn with_env<R>(&self, cx: &Cx, input: &Value, result: Option<&Value>, f: impl FnOnce(&Env) -> R) -> R;

    /// InputPath: the state's effective input, borrowed where possible.
    fn effective_input<'v>(&self, input: &'v Value, cx: &'v Cx) -> Result<Cow<'v, Value>, Failure>;

    /// InputPath then Parameters (or Arguments): what the state's work receives.
    fn arguments(&self, input: &Value, cx: &Cx) -> Result<Value, Failure>;

    /// Like [`arguments`](Self::arguments), consuming the input (no copy when there is neither
    /// InputPath nor Parameters).
    fn arguments_owned(&self, input: Value, cx: &Cx) -> Result<Value, Failure>;

    /// From the state's result to its output: ResultSelector, Assign, ResultPath, OutputPath
    /// (JSONPath) or Assign and Output (JSONata).
    fn output(&self, input: Value, result: Value, cx: &mut Cx) -> Result<Value, Failure>;

    /// OutputPath (JSONPath), on the input with the result placed.
    fn apply_output_path(&self, merged: Value, cx: &Cx) -> Result<Value, Failure>;

    /// For states without work (Choice, Wait, Succeed): the effective input becomes the
    /// output, through OutputPath (JSONPath) or Output (JSONata).
    fn passthrough(&self, input: Value, cx: &mut Cx) -> Result<Value, Failure>;

    /// Evaluates `Assign` against the values from before the state and sets the variables
    /// afterwards, so all assignments of one state see the same old values.
    fn assign(&self, cx: &mut Cx, input: &Value, result: Option<&Value>) -> Result<(), Failure>;

    /// Evaluates an `Assign` template (the state's, or a Choice rule's) and sets the variables.
    fn assign_template(&self, t: &Template, cx: &mut Cx, input: &Value, result: Option<&Value>) -> Result<(), Failure>;
}

impl DataFlow for Io {
    fn with_env<R>(&self, cx: &Cx, input: &Value, result: Option<&Value>, f: impl FnOnce(&Env) -> R) -> R {
        if self.context != 0 {
            let ctx = cx.context_object_with(self.context, None);
            let mut env = cx.env(input);
            env.context = &ctx;
            env.result = result;
            f(&env)
        } else {
            let mut env = cx.env(input);
            env.result = result;
            f(&env)
        }
    }

    fn effective_input<'v>(&self, input: &'v Value, cx: &'v Cx) -> Result<Cow<'v, Value>, Failure> {
        apply_path_field(&self.input_path, input, cx, self.context, "InputPath")
    }

    fn arguments(&self, input: &Value, cx: &Cx) -> Result<Value, Failure> {
        if self.jsonata {
            return match &self.parameters {
                Some(t) => self.with_env(cx, input, None, |env| template::eval_jsonata(t, env, "Arguments")),
                None => Ok(input.clone()),
            };
        }
        let effective = self.effective_input(input, cx)?;
        match &self.parameters {
            Some(t) => self.with_env(cx, &effective, None, |env| payload::eval(t, env)),
            None => Ok(effective.into_owned()),
        }
    }

    fn arguments_owned(&self, input: Value, cx: &Cx) -> Result<Value, Failure> {
        if self.parameters.is_none() && matches!(self.input_path, PathField::Whole) {
            return Ok(input);
        }
        self.arguments(&input, cx)
    }

    fn output(&self, input: Value, result: Value, cx: &mut Cx) -> Result<Value, Failure> {
        if self.jsonata {
            let out = match &self.output {
                Some(t) => self.with_env(cx, &input, Some(&result), |env| template::eval_jsonata(t, env, "Output"))?,
                None if self.assign.is_none() => return Ok(result),
                None => result.clone(),
            };
            self.assign(cx, &input, Some(&result))?;
            return Ok(out);
        }
        let result = match &self.result_selector {
            Some(t) => self.with_env(cx, &result, None, |env| payload::eval(t, env))?,
            None => result,
        };
        // Assign sees the selected result; the variables change only after OutputPath, which
        // (as AWS records it) still reads their values from before the state.
        let assigned = match &self.assign {
            Some(t) => Some(assignments(self, t, cx, &result, None)?),
            None => None,
        };
        let merged = match &self.result_path {
            ResultPath::Replace => result,
            ResultPath::Discard => input,
            ResultPath::Merge(p) => path::insert(input, p, result)?,
        };
        let out = self.apply_output_path(merged, cx)?;
        if let Some(values) = assigned {
            set_vars(cx, values);
        }
        Ok(out)
    }

    fn apply_output_path(&self, merged: Value, cx: &Cx) -> Result<Value, Failure> {
        match &self.output_path {
            PathField::Whole => Ok(merged),
            _ => Ok(apply_path_field(&self.output_path, &merged, cx, self.context, "OutputPath")?.into_owned()),
        }
    }

    fn passthrough(&self, input: Value, cx: &mut Cx) -> Result<Value, Failure> {
        if self.jsonata {
            if self.output.is_none() && self.assign.is_none() {
                return Ok(input);
            }
            let result = input.clone();
            return self.output(input, result, cx);
        }
        let effective = match &self.input_path {
            PathField::Whole => input,
            _ => self.effective_input(&input, cx)?.into_owned(),
        };
        self.output(Value::Null, effective, cx)
    }

    fn assign(&self, cx: &mut Cx, input: &Value, result: Option<&Value>) -> Result<(), Failure> {
        match &self.assign {
            Some(t) => self.assign_template(t, cx, input, result),
            None => Ok(()),
        }
    }

    fn assign_template(&self, t: &Template, cx: &mut Cx, input: &Value, result: Option<&Value>) -> Result<(), Failure> {
        let values = assignments(self, t, cx, input, result)?;
        set_vars(cx, values);
        Ok(())
    }
}

/// The values an `Assign` template gives, checked against the payload limit (not set yet).
fn assignments(io: &Io, t: &Template, cx: &Cx, input: &Value, result: Option<&Value>) -> Result<Value, Failure> {
    {
        let values = if io.jsonata { io.with_env(cx, input, result, |env| template::eval_jsonata(t, env, "Assign"))? } else { io.with_env(cx, input, None, |env| payload::eval(t, env))? };
        if cx.too_large(&values) {
            return Err(Failure::new(
                crate::error::names::DATA_LIMIT_EXCEEDED,
                format!("The variables assigned by the state '{}' exceed the maximum number of bytes service limit (262144).", cx.state_name()),
            ));
        }
        Ok(values)
    }
}

/// Sets the variables an `Assign` gave.
fn set_vars(cx: &mut Cx, values: Value) {
    if let Value::Object(m) = values {
        for (k, v) in m {
            cx.vars.set(k, v);
        }
    }
}

pub(crate) fn apply_path_field<'v>(field: &PathField, value: &'v Value, cx: &'v Cx, context: u8, name: &str) -> Result<Cow<'v, Value>, Failure> {
    match field {
        PathField::Whole => Ok(Cow::Borrowed(value)),
        PathField::Null => Ok(Cow::Owned(Value::Object(Map::new()))),
        PathField::Path(p) => {
            let _ = name;
            if context != 0 {
                let ctx = cx.context_object_with(context, None);
                let mut env = cx.env(value);
                env.context = &ctx;
                path::input_path(p, &env).map(|c| Cow::Owned(c.into_owned()))
            } else {
                path::input_path(p, &cx.env(value))
            }
        }
    }
}
