//! The data-flow fields shared by most state types.

use super::{Obj, Parser};
use crate::json::JsonValue;
use crate::model::{Io, PathField, QueryLanguage, ResultPath};

impl Parser<'_> {
    /// `state_type`: a Pass state's `Parameters` may be any JSON value (AWS runs arrays and
    /// literals there; other states take an object).
    pub(super) fn io(&mut self, obj: &mut Obj, ql: QueryLanguage, state_type: &str) -> Io {
        let mut io = Io { input_path: self.path_field(obj, "InputPath"), output_path: self.path_field(obj, "OutputPath"), result_path: self.result_path(obj, "ResultPath"), ..Io::default() };
        for key in ["Parameters", "Arguments"] {
            if let Some(m) = obj.take(key) {
                let ptr = obj.ptr(key);
                if key == "Arguments" && !matches!(m.value.value, JsonValue::Object(_) | JsonValue::String(_)) {
                    self.d.error(&ptr, m.value.span, format!("`Arguments` must be an object or a JSONata expression, found {}", m.value.type_name()));
                    continue;
                }
                if key == "Parameters" && state_type != "Pass" && !matches!(m.value.value, JsonValue::Object(_)) {
                    self.d.error(&ptr, m.value.span, format!("`Parameters` must be an object, found {}", m.value.type_name()));
                    continue;
                }
                io.parameters = self.template(&m.value, &ptr, ql);
            }
        }
        if let Some(m) = obj.take("ResultSelector") {
            let ptr = obj.ptr("ResultSelector");
            if m.value.members().is_none() {
                self.d.error(&ptr, m.value.span, format!("`ResultSelector` must be an object, found {}", m.value.type_name()));
            } else {
                io.result_selector = self.template(&m.value, &ptr, ql);
            }
        }
        if let Some(m) = obj.take("Output") {
            io.output = self.template(&m.value, &obj.ptr("Output"), ql);
        }
        io
    }

    fn path_field(&mut self, obj: &mut Obj, key: &str) -> PathField {
        let Some(m) = obj.take(key) else { return PathField::Whole };
        match &m.value.value {
            JsonValue::Null => PathField::Null,
            _ => match self.path(&m.value, &obj.ptr(key), key) {
                Some(p) => PathField::Path(p),
                None => PathField::Whole,
            },
        }
    }

    pub(super) fn result_path(&mut self, obj: &mut Obj, key: &str) -> ResultPath {
        let Some(m) = obj.take(key) else { return ResultPath::Replace };
        let ptr = obj.ptr(key);
        match &m.value.value {
            JsonValue::Null => ResultPath::Discard,
            JsonValue::String(s) if s == "$" => ResultPath::Replace,
            JsonValue::String(_) => match self.reference_path(&m.value, &ptr, key) {
                Some(p) if p.root != asl_syntax::path::Root::Input => {
                    self.d.error_help(
                        &ptr,
                        m.value.span,
                        format!("`{key}` must be a path into the state's data, starting with `$.` or `$[`"),
                        "the result is written into the state's input; the context object (`$$`) and variables (`$name`) cannot be written",
                    );
                    ResultPath::Replace
                }
                Some(p) => ResultPath::Merge(p),
                None => ResultPath::Replace,
            },
            _ => {
                self.d.error(&ptr, m.value.span, format!("`{key}` must be a reference path string or null, found {}", m.value.type_name()));
                ResultPath::Replace
            }
        }
    }
}
