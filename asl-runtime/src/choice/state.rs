//! Running a Choice state: the rules pick a branch, then the state's data flow applies. Compiled
//! code tests the rules in straight-line Rust; a loaded workflow walks them ([`super::rule`]);
//! both hand the picked branch's index to [`run`].

use asl_syntax::spec::ChoiceSpec;
use serde_json::Value;

use crate::cx::Cx;
use crate::env::Env;
use crate::error::{Failure, names};
use crate::io::DataFlow;
use crate::machine::{Next, Step};
use crate::template;

/// Runs a Choice state. `pick` tests the rules in order against the state's environment and
/// gives the index of the first that holds, or None for `Default`.
#[inline]
pub fn run<S: Copy>(spec: &ChoiceSpec<S>, input: Value, cx: &mut Cx, pick: impl FnOnce(&Env) -> Result<Option<usize>, Failure>) -> Step<S> {
    if spec.plain {
        let picked = spec.io.with_env(cx, &input, None, pick)?;
        let next = match picked {
            Some(i) => spec.branches[i].next,
            None => spec.default.ok_or_else(|| no_match(spec))?,
        };
        return Ok(Next::Go(next, input));
    }
    let picked = {
        let effective = spec.io.effective_input(&input, cx)?;
        spec.io.with_env(cx, &effective, None, pick)?
    };
    let (next, assign, output) = match picked {
        Some(i) => {
            let b = &spec.branches[i];
            (b.next, b.assign.as_ref(), b.output.as_ref())
        }
        None => (spec.default.ok_or_else(|| no_match(spec))?, spec.default_assign.as_ref(), None),
    };
    // Output and Assign both see the variables from before the state.
    let assign_input = match assign {
        Some(_) => Some(spec.io.effective_input(&input, cx)?.into_owned()),
        None => None,
    };
    let output = match output {
        Some(t) => spec.io.with_env(cx, &input, None, |env| template::eval_jsonata(t, env, "Output"))?,
        None => spec.io.passthrough(input, cx)?,
    };
    if let (Some(t), Some(v)) = (assign, assign_input) {
        spec.io.assign_template(t, cx, &v, None)?;
    }
    Ok(Next::Go(next, output))
}

/// No rule matched and there is no `Default`.
fn no_match<S: Clone>(spec: &ChoiceSpec<S>) -> Failure {
    Failure::new(names::NO_CHOICE_MATCHED, format!("An error occurred while executing the state '{}'. No Choice rule matched and no Default state was specified.", spec.name))
}
