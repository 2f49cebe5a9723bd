//! Evaluation errors with jsonata-js's codes and message templates. AWS reports them in causes
//! as `"<code>: <message>"`, e.g. `T1006: Attempted to invoke a non-function`.

use super::json::stringify;
use super::value::Val;

/// A JSONata error. Boxed, so that results stay small (evaluation recurses deeply).
#[derive(Clone, Debug, PartialEq)]
pub struct JError(Box<ErrorData>);

#[derive(Clone, Debug, PartialEq)]
pub struct ErrorData {
    pub code: &'static str,
    /// `{{token}}`: usually the function or operator involved.
    pub token: Option<String>,
    /// `{{value}}`, already written as JSON (`None` is `undefined`).
    pub value: Option<String>,
    pub value2: Option<String>,
    /// `{{index}}`: 1-based argument position.
    pub index: Option<usize>,
    /// `{{{message}}}` of `$error()`/`$assert()`, or free text for other inserts.
    pub message: Option<String>,
    pub position: usize,
}

pub type JResult<T> = Result<T, JError>;

impl std::ops::Deref for JError {
    type Target = ErrorData;
    fn deref(&self) -> &ErrorData {
        &self.0
    }
}

impl JError {
    /// An error with JSONata's error `code` (`T2001`, …).
    pub fn new(code: &'static str) -> Self {
        JError(Box::new(ErrorData { code, token: None, value: None, value2: None, index: None, message: None, position: 0 }))
    }

    /// The token the message names.
    pub fn token(mut self, t: impl Into<String>) -> Self {
        self.0.token = Some(t.into());
        self
    }

    /// The value the message names.
    pub fn value(mut self, v: Option<&Val>) -> Self {
        self.0.value = v.and_then(stringify);
        self
    }

    /// The value the message names, as text.
    pub fn value_text(mut self, v: impl Into<String>) -> Self {
        self.0.value = Some(v.into());
        self
    }

    /// The second value the message names.
    pub fn value2(mut self, v: Option<&Val>) -> Self {
        self.0.value2 = v.and_then(stringify);
        self
    }

    /// The argument index the message names.
    pub fn index(mut self, i: usize) -> Self {
        self.0.index = Some(i);
        self
    }

    /// A message instead of the code's own.
    pub fn message(mut self, m: impl Into<String>) -> Self {
        self.0.message = Some(m.into());
        self
    }

    /// Where in the expression it happened.
    pub fn at(mut self, pos: usize) -> Self {
        if self.0.position == 0 {
            self.0.position = pos;
        }
        self
    }

    /// Fills in the token if none was set (as jsonata-js does while an error unwinds).
    pub fn or_token(mut self, t: &str) -> Self {
        if self.0.token.is_none() {
            self.0.token = Some(t.to_string());
        }
        self
    }

    /// `CODE: message`, the text AWS puts in the cause.
    pub fn describe(&self) -> String {
        format!("{}: {}", self.code, self.text())
    }

    /// The message with its inserts filled in.
    pub fn text(&self) -> String {
        let q = |s: &Option<String>| match s {
            Some(s) => s.clone(),
            None => "undefined".to_string(),
        };
        let token = match &self.token {
            Some(t) => stringify(&Val::str(t.as_str())).unwrap_or_default(),
            None => "undefined".into(),
        };
        let value = q(&self.value);
        let value2 = q(&self.value2);
        let index = self.index.map_or("undefined".to_string(), |i| i.to_string());
        let message = self.message.clone().unwrap_or_default();
        match self.code {
            "T0410" => format!("Argument {index} of function {token} does not match function signature"),
            "T0411" => format!("Context value is not a compatible type with argument {index} of function {token}"),
            "T0412" => format!("Argument {index} of function {token} must be an array of \"{message}\""),
            "D1001" => format!("Number out of range: {value}"),
            "D1002" => format!("Cannot negate a non-numeric value: {value}"),
            "T1003" => format!("Key in object structure must evaluate to a string; got: {value}"),
            "D1004" => "Regular expression matches zero length string".into(),
            "T1005" => format!("Attempted to invoke a non-function. Did you mean ${}?", self.token.clone().unwrap_or_default()),
            "T1006" => "Attempted to invoke a non-function".into(),
            "T1007" => format!("Attempted to partially apply a non-function. Did you mean ${}?", self.token.clone().unwrap_or_default()),
            "T1008" => "Attempted to partially apply a non-function".into(),
            "D1009" => format!("Multiple key definitions evaluate to same key: {value}"),
            "T1010" => format!("The matcher function argument passed to function {token} does not return the correct object structure"),
            "T2001" => format!("The left side of the {token} operator must evaluate to a number"),
            "T2002" => format!("The right side of the {token} operator must evaluate to a number"),
            "T2003" => "The left side of the range operator (..) must evaluate to an integer".into(),
            "T2004" => "The right side of the range operator (..) must evaluate to an integer".into(),
            "T2006" => "The right side of the function application operator ~> must be a function".into(),
            "T2007" => format!("Type mismatch when comparing values {value} and {value2} in order-by clause"),
            "T2008" => "The expressions within an order-by clause must evaluate to numeric or string values".into(),
            "T2009" => format!("The values {value} and {value2} either side of operator {token} must be of the same data type"),
            "T2010" => format!("The expressions either side of operator {token} must evaluate to numeric or string values"),
            "T2011" => format!("The insert/update clause of the transform expression must evaluate to an object: {value}"),
            "T2012" => format!("The delete clause of the transform expression must evaluate to a string or array of strings: {value}"),
            "T2013" => "The transform expression clones the input object using the $clone() function.  This has been overridden in the current scope by a non-function.".into(),
            "D2014" => format!("The size of the sequence allocated by the range operator (..) must not exceed 1e6.  Attempted to allocate {value}."),
            "D3001" => "Attempting to invoke string function on Infinity or NaN".into(),
            "D3010" => "Second argument of replace function cannot be an empty string".into(),
            "D3011" => "Fourth argument of replace function must evaluate to a positive number".into(),
            "D3012" => "Attempted to replace a matched string with a non-string value".into(),
            "D3020" => "Third argument of split function must evaluate to a positive number".into(),
            "D3030" => format!("Unable to cast value to a number: {value}"),
            "D3040" => "Third argument of match function must evaluate to a positive number".into(),
            "D3050" => "The second argument of reduce function must be a function with at least two arguments".into(),
            "D3060" => format!("The sqrt function cannot be applied to a negative number: {value}"),
            "D3061" => format!("The power function has resulted in a value that cannot be represented as a JSON number: base={value}, exponent={value2}"),
            "D3070" => {
                "The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function".into()
            }
            "D3080" => "The picture string must only contain a maximum of two sub-pictures".into(),
            "D3081" => "The sub-picture must not contain more than one instance of the 'decimal-separator' character".into(),
            "D3082" => "The sub-picture must not contain more than one instance of the 'percent' character".into(),
            "D3083" => "The sub-picture must not contain more than one instance of the 'per-mille' character".into(),
            "D3084" => "The sub-picture must not contain both a 'percent' and a 'per-mille' character".into(),
            "D3085" => "The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family'".into(),
            "D3086" => "The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character".into(),
            "D3087" => "The sub-picture must not contain a 'grouping-separator' character that appears adjacent to a 'decimal-separator' character".into(),
            "D3088" => "The sub-picture must not contain a 'grouping-separator' at the end of the integer part".into(),
            "D3089" => "The sub-picture must not contain two adjacent instances of the 'grouping-separator' character".into(),
            "D3090" => "The integer part of the sub-picture must not contain a member of the 'decimal digit family' that is followed by an instance of the 'optional digit character'".into(),
            "D3091" => "The fractional part of the sub-picture must not contain an instance of the 'optional digit character' that is followed by a member of the 'decimal digit family'".into(),
            "D3092" => "A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator'".into(),
            "D3093" => "The exponent part of the sub-picture must comprise only of one or more characters that are members of the 'decimal digit family'".into(),
            "D3100" => format!("The radix of the formatBase function must be between 2 and 36.  It was given {value}"),
            "D3110" => format!("The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given {value}"),
            "D3130" => format!("Formatting or parsing an integer as a sequence starting with {value} is not supported by this implementation"),
            "D3131" => "In a decimal digit pattern, all digits must be from the same decimal group".into(),
            "D3132" => format!("Unknown component specifier {value} in date/time picture string"),
            "D3133" => format!("The 'name' modifier can only be applied to months and days in the date/time picture string, not {value}"),
            "D3134" => "The timezone integer format specifier cannot have more than four digits".into(),
            "D3135" => "No matching closing bracket ']' in date/time picture string".into(),
            "D3136" => "The date/time picture string is missing specifiers required to parse the timestamp".into(),
            "D3137" | "D3141" => message,
            "D3138" => "The $single() function expected exactly 1 matching result.  Instead it matched more.".into(),
            "D3139" => "The $single() function expected exactly 1 matching result.  Instead it matched 0.".into(),
            "D3140" => format!("Malformed URL passed to ${message}(): {value}"),
            _ => message,
        }
    }
}

impl std::fmt::Display for JError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}
