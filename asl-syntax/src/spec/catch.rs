//! Catchers: `S` is where a catcher leads (a generated `State`, or a state's index when loaded).

use super::ResultPath;
use crate::template::Template;
use crate::{List, Str};

#[derive(Clone, Debug, PartialEq)]
pub struct Catcher<S> {
    pub errors: List<Str>,
    pub next: S,
    pub result_path: ResultPath,
    /// JSONata `Output`.
    pub output: Option<Template>,
    pub assign: Option<Template>,
    pub jsonata: bool,
}

impl<S> Catcher<S> {
    /// The same catcher leading to `f(next)`.
    pub fn map_next<T>(self, f: impl FnOnce(S) -> T) -> Catcher<T> {
        let Catcher { errors, next, result_path, output, assign, jsonata } = self;
        Catcher { errors, next: f(next), result_path, output, assign, jsonata }
    }
}
