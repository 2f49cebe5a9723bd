//! Task stubs: every generated `Tasks` method forwards here with its resource ARN.
//!
//! Lambda functions are stubbed by behaviour, not per case: a case's `meta.json` lists its
//! functions (`lambda_stubs`: `function_arn`, `handler`), and the handler's file name says what
//! the function does. The dispatcher finds the function being called (a direct
//! `arn:aws:lambda:…:function:NAME` resource, or `FunctionName` in the arguments of
//! `arn:aws:states:::lambda:invoke`), matches it against the case's stubs and acts as the handler
//! did when AWS recorded the case: the same results, response shapes and error causes.

use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use asl_runtime::{Failure, TaskContext, Value};
use serde_json::json;

/// What a recorded Lambda handler does.
#[derive(Clone, Debug, PartialEq)]
pub enum Handler {
    /// `id_function.py`: returns its event.
    Identity,
    /// `raise_exception.py`: `raise Exception("Some exception was raised.")`.
    RaiseException,
    /// `raise_custom_exception.py`: `raise CustomException()` (empty message).
    RaiseCustomException,
    /// `wait_60_seconds.py`: sleeps 60 s (virtual time), then returns its event.
    Wait60Seconds,
    /// `return_bytes_str.py`: returns the raw bytes `"HelloWorld!"` (a JSON string).
    ReturnBytesStr,
    /// `echo_function.py`: returns `{"Return": "HelloWorld"}`.
    Echo,
    /// `large_output_string.py`: returns 257 KiB of `a` (over the 256 KiB payload limit).
    LargeOutput,
    /// A handler this runner does not know (its path).
    Unknown(String),
}

impl Handler {
    pub fn from_path(path: &str) -> Handler {
        match path.rsplit('/').next().unwrap_or(path) {
            "id_function.py" => Handler::Identity,
            "raise_exception.py" => Handler::RaiseException,
            "raise_custom_exception.py" => Handler::RaiseCustomException,
            "wait_60_seconds.py" => Handler::Wait60Seconds,
            "return_bytes_str.py" => Handler::ReturnBytesStr,
            "echo_function.py" => Handler::Echo,
            "large_output_string.py" => Handler::LargeOutput,
            _ => Handler::Unknown(path.to_owned()),
        }
    }
}

/// One function of a case: its ARN (may hold placeholders such as `<lambda_function_name>`) and
/// its handler.
#[derive(Clone, Debug)]
pub struct LambdaStub {
    pub function_arn: String,
    pub handler: Handler,
}

/// The task set every generated `Tasks` trait is implemented for.
#[derive(Debug, Default)]
pub struct Stubs {
    functions: Vec<LambdaStub>,
    /// Calls the runner could not stub ("no stub for …"): they fail the case even when the
    /// workflow catches the error.
    problems: Mutex<Vec<String>>,
}

/// What a function invocation gave back.
enum Invocation {
    /// The raw response payload.
    Returned(String),
    /// The function raised: the Lambda error document.
    Raised(Value),
    /// There is no such function (its ARN).
    NotFound(String),
}

impl Stubs {
    pub fn new(functions: Vec<LambdaStub>) -> Self {
        Stubs { functions, problems: Mutex::new(Vec::new()) }
    }

    /// The stubs of a case from its `meta.json` (`lambda_stubs`; entries with a null
    /// `function_arn` name functions that were never created).
    pub fn from_meta(meta: &Value) -> Self {
        let functions = meta["lambda_stubs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| {
                let arn = s["function_arn"].as_str()?;
                Some(LambdaStub { function_arn: arn.to_owned(), handler: Handler::from_path(s["handler"].as_str().unwrap_or("")) })
            })
            .collect();
        Stubs::new(functions)
    }

    /// Calls that could not be stubbed so far.
    pub fn problems(&self) -> Vec<String> {
        self.problems.lock().unwrap().clone()
    }

    fn no_stub(&self, what: String) -> Failure {
        self.problems.lock().unwrap().push(what.clone());
        Failure::new("Conformance.NoStub", what)
    }

    /// The dispatcher every generated `Tasks` method calls: runs the Task `resource` with `input`.
    /// The stubs need nothing from the task context.
    pub async fn call(&self, resource: &str, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        self.dispatch(resource, input).await
    }

    /// [`call`](Self::call) without the task context.
    pub async fn dispatch(&self, resource: &str, input: Value) -> Result<Value, Failure> {
        if resource == "arn:aws:states:::lambda:invoke" {
            let Some(name) = input.get("FunctionName").and_then(Value::as_str) else {
                return Err(self.no_stub(format!("no stub for {resource} without a string FunctionName (arguments: {input})")));
            };
            let event = match input.get("Payload") {
                None => json!({}),
                // A string payload is sent as the request body itself.
                Some(Value::String(s)) => serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone())),
                Some(v) => v.clone(),
            };
            let payload = match self.invoke(&function_arn(name), event).await? {
                Invocation::Returned(raw) => parse_payload(&raw)?,
                Invocation::Raised(doc) => return Err(lambda_failure(doc, false)),
                Invocation::NotFound(arn) => return Err(not_found(&arn)),
            };
            Ok(invoke_response(payload))
        } else if is_function_arn(resource) {
            match self.invoke(&function_arn(resource), input).await? {
                Invocation::Returned(raw) => parse_payload(&raw),
                Invocation::Raised(doc) => Err(lambda_failure(doc, true)),
                Invocation::NotFound(arn) => Err(not_found(&arn)),
            }
        } else {
            Err(self.no_stub(format!("no stub for resource {resource}")))
        }
    }

    /// Runs the function `arn` (qualified or not) on `event`.
    async fn invoke(&self, arn: &str, event: Value) -> Result<Invocation, Failure> {
        let unqualified = unqualified(arn);
        let Some(stub) = self.find(unqualified) else {
            return Ok(Invocation::NotFound(arn.to_owned()));
        };
        let raised = |message: &str, error_type: &str, trace: &str| {
            Invocation::Raised(json!({
                "errorMessage": message,
                "errorType": error_type,
                "requestId": request_id(),
                "stackTrace": [trace],
            }))
        };
        Ok(match &stub.handler {
            Handler::Identity => Invocation::Returned(event.to_string()),
            Handler::Wait60Seconds => {
                tokio::time::sleep(Duration::from_secs(60)).await;
                Invocation::Returned(event.to_string())
            }
            Handler::RaiseException => raised("Some exception was raised.", "Exception", "  File \"/var/task/handler.py\", line 2, in handler\n    raise Exception(\"Some exception was raised.\")\n"),
            Handler::RaiseCustomException => raised("", "CustomException", "  File \"/var/task/handler.py\", line 9, in handler\n    raise CustomException()\n"),
            Handler::ReturnBytesStr => Invocation::Returned("\"HelloWorld!\"".into()),
            Handler::Echo => Invocation::Returned(r#"{"Return": "HelloWorld"}"#.into()),
            Handler::LargeOutput => Invocation::Returned("a".repeat(257 * 1024)),
            Handler::Unknown(path) => return Err(self.no_stub(format!("no stub for Lambda handler {path} (function {arn})"))),
        })
    }

    /// The stub for an unqualified function ARN: an exact match, else a match where each
    /// placeholder of the stub's ARN stands for text without `<`/`>` (so `no_such_<f>` does not
    /// match `<f>`: the recording's placeholder stands for one real name).
    fn find(&self, arn: &str) -> Option<&LambdaStub> {
        self.functions.iter().find(|s| s.function_arn == arn).or_else(|| self.functions.iter().find(|s| arn_matches(&s.function_arn, arn)))
    }
}

fn is_function_arn(s: &str) -> bool {
    s.starts_with("arn:") && s.split(':').nth(2) == Some("lambda") && s.split(':').nth(5) == Some("function")
}

/// A full function ARN from a `FunctionName` (a name, `ACCOUNT:function:NAME`, or an ARN,
/// possibly qualified), in us-east-1 of account 111111111111 as recorded.
pub fn function_arn(name: &str) -> String {
    if name.starts_with("arn:") {
        name.to_owned()
    } else if name.contains(":function:") {
        format!("arn:aws:lambda:us-east-1:{name}")
    } else {
        format!("arn:aws:lambda:us-east-1:111111111111:function:{name}")
    }
}

/// The ARN without a version or alias qualifier.
fn unqualified(arn: &str) -> &str {
    match arn.match_indices(':').nth(6) {
        Some((i, _)) => &arn[..i],
        None => arn,
    }
}

/// `pattern` (with `<placeholder>`s) matches `arn`.
fn arn_matches(pattern: &str, arn: &str) -> bool {
    match pattern.find('<').and_then(|i| pattern[i..].find('>').map(|j| (i, i + j + 1))) {
        None => pattern == arn,
        Some((start, end)) => {
            let (lit, token, rest) = (&pattern[..start], &pattern[start..end], &pattern[end..]);
            let Some(text) = arn.strip_prefix(lit) else { return false };
            if text.strip_prefix(token).is_some_and(|t| arn_matches(rest, t)) {
                return true;
            }
            text.char_indices().map(|(i, _)| i).skip(1).chain(std::iter::once(text.len())).take_while(|&i| !text[..i].contains(['<', '>'])).any(|i| i > 0 && arn_matches(rest, &text[i..]))
        }
    }
}

/// A returned payload as the state sees it: empty becomes `{}`; JSON is parsed; anything else
/// stays text. (An oversized payload is the runtime's to reject, with States.DataLimitExceeded.)
fn parse_payload(raw: &str) -> Result<Value, Failure> {
    if raw.trim().is_empty() {
        return Ok(json!({}));
    }
    Ok(serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_owned())))
}

/// A function error as Step Functions reports it: Error = the exception type, Cause = the error
/// document, Python-style for a direct function ARN, compact for the invoke integration.
fn lambda_failure(doc: Value, python_style: bool) -> Failure {
    let error = doc["errorType"].as_str().unwrap_or("Lambda.Unknown").to_owned();
    let cause = if python_style { python_json(&doc) } else { doc.to_string() };
    Failure::new(error, cause)
}

fn not_found(arn: &str) -> Failure {
    let qualified = if arn.match_indices(':').count() >= 7 { arn.to_owned() } else { format!("{arn}:$LATEST") };
    Failure::new(
        "Lambda.ResourceNotFoundException",
        format!("Function not found: {qualified} (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: {}; Proxy: null)", request_id()),
    )
}

/// The `arn:aws:states:::lambda:invoke` result.
fn invoke_response(payload: Value) -> Value {
    let id = request_id();
    let length = payload.to_string().len().to_string();
    // Fixed: the recordings' dates and trace ids are compared as any value, and both runs of a
    // case must see the same ones.
    let date = http_date(UNIX_EPOCH + Duration::from_secs(1_731_687_395));
    let trace = format!("Root=1-{}-{}", &uuid::Uuid::from_u128(next_id()).simple().to_string()[..8], &uuid::Uuid::from_u128(next_id()).simple().to_string()[..24]);
    json!({
        "ExecutedVersion": "$LATEST",
        "Payload": payload,
        "SdkHttpMetadata": {
            "AllHttpHeaders": {
                "X-Amz-Executed-Version": ["$LATEST"],
                "x-amzn-Remapped-Content-Length": ["0"],
                "Connection": ["keep-alive"],
                "x-amzn-RequestId": [id],
                "Content-Length": [length],
                "Date": [date],
                "X-Amzn-Trace-Id": [trace],
                "Content-Type": ["application/json"],
            },
            "HttpHeaders": {
                "Connection": "keep-alive",
                "Content-Length": length,
                "Content-Type": "application/json",
                "Date": date,
                "X-Amz-Executed-Version": "$LATEST",
                "x-amzn-Remapped-Content-Length": "0",
                "x-amzn-RequestId": id,
                "X-Amzn-Trace-Id": trace,
            },
            "HttpStatusCode": 200,
        },
        "SdkResponseMetadata": {"RequestId": id},
        "StatusCode": 200,
    })
}

/// A fresh id in the shape of a version 4 UUID. Counted per thread (each case runs on a thread
/// of its own), so the compiled and the loaded run of a case see the same ids.
fn request_id() -> String {
    uuid::Uuid::from_u128(next_id()).to_string()
}

fn next_id() -> u128 {
    thread_local!(static NEXT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) });
    let n = NEXT.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    // Version 4, variant 1 bits set, the count in the low bits.
    0x5eed_0000_0000_4000_8000_0000_0000_0000u128 | n as u128
}

/// `Tue, 15 Nov 2024 16:16:35 GMT`.
fn http_date(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = asl_runtime::clock::civil_from_days(days);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!("{}, {d:02} {} {y} {:02}:{:02}:{:02} GMT", WEEKDAYS[days.rem_euclid(7) as usize], MONTHS[m as usize - 1], rem / 3600, rem % 3600 / 60, rem % 60)
}

/// JSON as Python's `json.dumps` writes it by default: `", "` and `": "` separators, non-ASCII
/// escaped as `\uXXXX`.
pub fn python_json(v: &Value) -> String {
    let mut out = String::new();
    write_python(v, &mut out);
    out
}

fn write_python(v: &Value, out: &mut String) {
    match v {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_python(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_python_str(k, out);
                out.push_str(": ");
                write_python(item, out);
            }
            out.push('}');
        }
        Value::String(s) => write_python_str(s, out),
        other => out.push_str(&other.to_string()),
    }
}

fn write_python_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::Matcher;

    fn stubs(arn: &str, handler: &str) -> Stubs {
        Stubs::new(vec![LambdaStub { function_arn: arn.into(), handler: Handler::from_path(handler) }])
    }

    const F: &str = "arn:aws:lambda:us-east-1:111111111111:function:<lambda_function_name>";
    const INVOKE: &str = "arn:aws:states:::lambda:invoke";

    fn run<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap().block_on(f)
    }

    #[test]
    fn matching_function_arns() {
        assert!(arn_matches(F, F));
        assert!(arn_matches(F, "arn:aws:lambda:us-east-1:111111111111:function:my-fn"));
        assert!(!arn_matches(F, "arn:aws:lambda:us-east-1:111111111111:function:no_such_<lambda_function_name>"));
        assert!(!arn_matches("arn:aws:lambda:us-east-1:111111111111:function:<f_1>", "arn:aws:lambda:us-east-1:111111111111:function:<f_2>"));
        assert!(!arn_matches(F, "arn:aws:lambda:us-east-1:111111111111:function:"));
        assert_eq!(function_arn("<lambda_function_name>"), F);
        assert_eq!(function_arn("111111111111:function:x"), "arn:aws:lambda:us-east-1:111111111111:function:x");
        assert_eq!(unqualified("arn:aws:lambda:us-east-1:111111111111:function:x:$LATEST"), "arn:aws:lambda:us-east-1:111111111111:function:x");
        assert_eq!(unqualified(F), F);
    }

    #[test]
    fn identity_direct_and_invoke() {
        let s = stubs(F, "templates/services/lambdafunctions/id_function.py");
        let out = run(s.dispatch(F, json!({"a": [1, 0.0]}))).unwrap();
        assert_eq!(out, json!({"a": [1, 0.0]}));
        let out = run(s.dispatch(INVOKE, json!({"FunctionName": "<lambda_function_name>", "Payload": "0.0"}))).unwrap();
        assert_eq!(out["Payload"], json!(0.0));
        assert_eq!(out["StatusCode"], json!(200));
        assert_eq!(out["ExecutedVersion"], json!("$LATEST"));
        let id = out["SdkResponseMetadata"]["RequestId"].clone();
        assert_eq!(out["SdkHttpMetadata"]["HttpHeaders"]["x-amzn-RequestId"], id);
        let out = run(s.dispatch(INVOKE, json!({"FunctionName": F}))).unwrap();
        assert_eq!(out["Payload"], json!({}), "no Payload: the function gets {{}}");
    }

    #[test]
    fn raise_exception_causes() {
        let s = stubs(F, "templates/errorhandling/lambdafunctions/raise_exception.py");
        let f = run(s.dispatch(F, json!(null))).unwrap_err();
        assert_eq!(f.error, "Exception");
        let expected = r#"{"errorMessage": "Some exception was raised.", "errorType": "Exception", "requestId": "<uuid:1>", "stackTrace": ["  File \"/var/task/handler.py\", line 2, in handler\n    raise Exception(\"Some exception was raised.\")\n"]}"#;
        assert!(Matcher::new().text(expected, f.cause.as_deref().unwrap()), "{:?}", f.cause);
        let f = run(s.dispatch(INVOKE, json!({"FunctionName": "<lambda_function_name>", "Payload": null}))).unwrap_err();
        let expected = r#"{"errorMessage":"Some exception was raised.","errorType":"Exception","requestId":"<uuid:1>","stackTrace":["  File \"/var/task/handler.py\", line 2, in handler\n    raise Exception(\"Some exception was raised.\")\n"]}"#;
        assert!(Matcher::new().text(expected, f.cause.as_deref().unwrap()), "{:?}", f.cause);
    }

    #[test]
    fn raise_custom_exception() {
        let s = stubs(F, "raise_custom_exception.py");
        let f = run(s.dispatch(F, json!({}))).unwrap_err();
        assert_eq!(f.error, "CustomException");
        let expected =
            r#"{"errorMessage": "", "errorType": "CustomException", "requestId": "<uuid:1>", "stackTrace": ["  File \"/var/task/handler.py\", line 9, in handler\n    raise CustomException()\n"]}"#;
        assert!(Matcher::new().text(expected, f.cause.as_deref().unwrap()), "{:?}", f.cause);
    }

    #[test]
    fn function_not_found() {
        let s = stubs(F, "raise_exception.py");
        let f = run(s.dispatch(INVOKE, json!({"FunctionName": "no_such_<lambda_function_name>", "Payload": null}))).unwrap_err();
        assert_eq!(f.error, "Lambda.ResourceNotFoundException");
        let expected = "Function not found: arn:<partition>:lambda:<region>:111111111111:function:no_such_<lambda_function_name>:$LATEST (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: <request_id>; Proxy: null)";
        assert!(Matcher::new().text(expected, f.cause.as_deref().unwrap()), "{:?}", f.cause);
    }

    #[test]
    fn bytes_echo_and_large_output() {
        let s = stubs(F, "return_bytes_str.py");
        let out = run(s.dispatch(INVOKE, json!({"FunctionName": F, "Payload": "\"'{'Hello':'World'}'\""}))).unwrap();
        assert_eq!(out["Payload"], json!("HelloWorld!"));
        assert_eq!(run(stubs(F, "echo_function.py").dispatch(F, json!(1))).unwrap(), json!({"Return": "HelloWorld"}));
        let out = run(stubs(F, "large_output_string.py").dispatch(INVOKE, json!({"FunctionName": F}))).unwrap();
        assert!(out["Payload"].as_str().unwrap().len() > 256 * 1024);
    }

    #[test]
    fn wait_60_seconds_on_virtual_time() {
        let s = stubs(F, "wait_60_seconds.py");
        let (out, waited) = run(async {
            let start = tokio::time::Instant::now();
            let out = s.dispatch(F, json!({"x": 1})).await;
            (out, start.elapsed())
        });
        assert_eq!(out.unwrap(), json!({"x": 1}));
        assert_eq!(waited.as_secs(), 60);
    }

    #[test]
    fn unknown_resources_and_handlers_are_reported() {
        let s = stubs(F, "mystery.py");
        let f = run(s.dispatch("arn:aws:states:::sqs:sendMessage", json!({}))).unwrap_err();
        assert_eq!(f.cause.unwrap(), "no stub for resource arn:aws:states:::sqs:sendMessage");
        assert!(run(s.dispatch(F, json!({}))).is_err());
        assert_eq!(s.problems().len(), 2);
        assert!(s.problems()[1].starts_with("no stub for Lambda handler mystery.py"));
    }

    #[test]
    fn python_style_json() {
        assert_eq!(python_json(&json!({"a": [1, "é\"\n"], "b": null})), r#"{"a": [1, "\u00e9\"\n"], "b": null}"#);
    }

    #[test]
    fn http_dates() {
        assert_eq!(http_date(UNIX_EPOCH + Duration::from_secs(1_731_687_395)), "Fri, 15 Nov 2024 16:16:35 GMT");
    }
}
