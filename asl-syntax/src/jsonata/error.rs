//! Static (parse-time) errors with jsonata-js's codes and message templates.

use crate::SyntaxError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(clippy::upper_case_acronyms)]
pub enum Code {
    S0101,
    S0102,
    S0103,
    S0104,
    S0105,
    S0106,
    S0201,
    S0202,
    S0203,
    S0204,
    S0207,
    S0208,
    S0209,
    S0210,
    S0211,
    S0212,
    S0213,
    S0214,
    S0215,
    S0216,
    S0217,
    S0301,
    S0302,
    S0401,
    S0402,
}

#[derive(Clone, Debug)]
pub struct SynErr {
    pub code: Code,
    pub pos: usize,
    pub token: Option<String>,
    pub value: Option<String>,
}

impl SynErr {
    pub fn new(code: Code, pos: usize) -> Self {
        SynErr { code, pos, token: None, value: None }
    }
    pub fn token(mut self, t: impl Into<String>) -> Self {
        self.token = Some(t.into());
        self
    }
    pub fn value(mut self, v: impl Into<String>) -> Self {
        self.value = Some(v.into());
        self
    }

    /// jsonata-js's message: `{{x}}` inserts are JSON strings.
    pub fn message(&self) -> String {
        let t = quote(self.token.as_deref());
        let v = quote(self.value.as_deref());
        let raw_v = self.value.clone().unwrap_or_default();
        match self.code {
            Code::S0101 => "String literal must be terminated by a matching quote".into(),
            Code::S0102 => format!("Number out of range: {t}"),
            Code::S0103 => format!("Unsupported escape sequence: \\{t}"),
            Code::S0104 => "The escape sequence \\u must be followed by 4 hex digits".into(),
            Code::S0105 => "Quoted property name must be terminated with a backquote (`)".into(),
            Code::S0106 => "Comment has no closing tag".into(),
            Code::S0201 => format!("Syntax error: {t}"),
            Code::S0202 => format!("Expected {v}, got {t}"),
            Code::S0203 => format!("Expected {v} before end of expression"),
            Code::S0204 => format!("Unknown operator: {t}"),
            Code::S0207 => "Unexpected end of expression".into(),
            Code::S0208 => format!("Parameter {raw_v} of function definition must be a variable name (start with $)"),
            Code::S0209 => "A predicate cannot follow a grouping expression in a step".into(),
            Code::S0210 => "Each step can only have one grouping expression".into(),
            Code::S0211 => format!("The symbol {t} cannot be used as a unary operator"),
            Code::S0212 => "The left side of := must be a variable name (start with $)".into(),
            Code::S0213 => format!("The literal value {raw_v} cannot be used as a step within a path expression"),
            Code::S0214 => format!("The right side of {t} must be a variable name (start with $)"),
            Code::S0215 => "A context variable binding must precede any predicates on a step".into(),
            Code::S0216 => "A context variable binding must precede the 'order-by' clause on a step".into(),
            Code::S0217 => "The object representing the 'parent' cannot be derived from this expression".to_string(),
            Code::S0301 => "Empty regular expressions are not allowed".into(),
            Code::S0302 => "No terminating / in regular expression".into(),
            Code::S0401 => "Type parameters can only be applied to functions and arrays".into(),
            Code::S0402 => "Choice groups containing parameterized types are not supported".into(),
        }
    }
}

fn quote(s: Option<&str>) -> String {
    match s {
        None => "undefined".into(),
        Some(s) => {
            let mut out = String::from("\"");
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
    }
}

impl From<SynErr> for SyntaxError {
    fn from(e: SynErr) -> Self {
        SyntaxError::new(e.pos, format!("{:?}: {}", e.code, e.message()))
    }
}
