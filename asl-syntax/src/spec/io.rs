//! A state's data flow: which paths and templates apply, in AWS's order (InputPath →
//! Parameters → work → ResultSelector → ResultPath → OutputPath for JSONPath; Arguments → work →
//! Output for JSONata; Assign in both).

use crate::path::Path;
use crate::template::Template;

/// `InputPath` / `OutputPath`.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum PathField {
    /// Absent (or `$`): the whole value.
    #[default]
    Whole,
    /// `null`: an empty object.
    Null,
    Path(Path),
}

/// `ResultPath`.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum ResultPath {
    /// Absent or `$`: the result replaces the input.
    #[default]
    Replace,
    /// `null`: the input passes through, the result is dropped.
    Discard,
    /// The result is put into the input at this reference path.
    Merge(Path),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Io {
    /// The state's query language is JSONata (`Arguments`/`Output`).
    pub jsonata: bool,
    pub input_path: PathField,
    /// `Parameters` (JSONPath) or `Arguments` (JSONata); `ItemSelector` for Map.
    pub parameters: Option<Template>,
    pub result_selector: Option<Template>,
    pub result_path: ResultPath,
    pub output_path: PathField,
    /// JSONata `Output`.
    pub output: Option<Template>,
    pub assign: Option<Template>,
    /// The parts of the context object this state's expressions read (a
    /// [`ctx`](super::ctx) bit set; 0 when none).
    pub context: u8,
}

impl Io {
    /// A state with no data-flow fields.
    pub const PLAIN: Io = Io {
        jsonata: false,
        input_path: PathField::Whole,
        parameters: None,
        result_selector: None,
        result_path: ResultPath::Replace,
        output_path: PathField::Whole,
        output: None,
        assign: None,
        context: 0,
    };
}

impl Default for Io {
    fn default() -> Self {
        Io::PLAIN
    }
}
