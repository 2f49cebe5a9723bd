//! Step Functions Local mock configuration files (`MockConfigFile.json`), read as Step Functions
//! Local reads them:
//!
//! ```json
//! { "StateMachines":   { "<machine name>": { "TestCases": { "<test case>": { "<state name>": "<mocked response>" } } } },
//!   "MockedResponses": { "<mocked response>": { "0": { "Return": <result> },
//!                                               "1-2": { "Throw": { "Error": "…", "Cause": "…" } } } } }
//! ```
//!
//! Invocations of a mocked state are numbered from 0 (retries count); a key is one number or an
//! inclusive range `"N-M"`. A state of the test case with no entry for its invocation number
//! fails the execution; a state not in the test case is not mocked (it makes its real call).
//! Executions pick a test case with `StartExecution` on `<stateMachineArn>#<TestCase>`;
//! [`crate::handler`] runs one.
//! The file is named by the [`ENV_VAR`] environment variable, else [`DEFAULT_FILE`] in the
//! working directory is used when it exists.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// The environment variable naming the mock configuration file (Step Functions Local's).
pub const ENV_VAR: &str = "SFN_MOCK_CONFIG";
/// The file read from the working directory when [`ENV_VAR`] is not set.
pub const DEFAULT_FILE: &str = "MockConfigFile.json";

/// What one invocation of a mocked state answers.
#[derive(Debug, Clone, PartialEq)]
pub enum MockResult {
    /// `Return`: the task's result.
    Return(Value),
    /// `Throw`: the task fails with this error and cause.
    Throw { error: String, cause: String },
}

/// A named entry of `MockedResponses`: invocation ranges (inclusive, sorted, disjoint) and their results.
#[derive(Debug, Clone, PartialEq)]
pub struct MockedResponse {
    pub ranges: Vec<(u64, u64, MockResult)>,
}

impl MockedResponse {
    /// The result of invocation `n` (0 for the first), if the response has one.
    pub fn invocation(&self, n: u64) -> Option<&MockResult> {
        self.ranges.iter().find(|(lo, hi, _)| (*lo..=*hi).contains(&n)).map(|(_, _, r)| r)
    }
}

/// A test case: state name → mocked response name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TestCase {
    pub states: BTreeMap<String, String>,
}

/// What a state gets on one invocation under a test case.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup<'a> {
    /// The test case does not mock this state: it makes its real call.
    NotMocked,
    /// The mocked result for this invocation.
    Mocked(&'a MockResult),
    /// The state is mocked, but its response has no entry for this invocation number: the
    /// execution fails (Step Functions Local's rule).
    NoEntry { response: &'a str, invocation: u64 },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct MockConfig {
    /// Machine name → test case name → test case.
    pub state_machines: BTreeMap<String, BTreeMap<String, TestCase>>,
    pub mocked_responses: BTreeMap<String, MockedResponse>,
}

/// A mistake in a mock configuration, with where it is: the file (when read from one) and the
/// path of keys inside it, such as `MockedResponses.MockedLambdaRetry."1-2".Throw`.
#[derive(Debug, Clone, PartialEq)]
pub struct MockError {
    pub file: Option<PathBuf>,
    pub at: String,
    pub message: String,
}

impl fmt::Display for MockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}: ", file.display())?;
        }
        if self.at.is_empty() { write!(f, "{}", self.message) } else { write!(f, "at {}: {}", self.at, self.message) }
    }
}

impl std::error::Error for MockError {}

fn err(at: &str, message: impl Into<String>) -> MockError {
    MockError { file: None, at: at.to_string(), message: message.into() }
}

/// `a.b`, quoting keys that are not plain identifiers (`"1-2"`, names with spaces).
fn child(at: &str, key: &str) -> String {
    let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let key = if plain && !key.starts_with(|c: char| c.is_ascii_digit()) { key.to_string() } else { format!("{key:?}") };
    if at.is_empty() { key } else { format!("{at}.{key}") }
}

fn object<'v>(v: &'v Value, at: &str) -> Result<&'v Map<String, Value>, MockError> {
    v.as_object().ok_or_else(|| err(at, format!("expected an object, found {}", kind(v))))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn only_keys(m: &Map<String, Value>, allowed: &[&str], at: &str) -> Result<(), MockError> {
    match m.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(err(&child(at, k), format!("unknown field: expected {}", allowed.join(" or ")))),
        None => Ok(()),
    }
}

/// `"3"` → (3, 3); `"1-2"` → (1, 2).
fn parse_range(key: &str) -> Option<(u64, u64)> {
    let num = |s: &str| if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) { s.parse().ok() } else { None };
    match key.split_once('-') {
        None => num(key).map(|n| (n, n)),
        Some((a, b)) => match (num(a), num(b)) {
            (Some(a), Some(b)) if a <= b => Some((a, b)),
            _ => None,
        },
    }
}

impl MockConfig {
    /// Parses and checks a mock configuration's text.
    pub fn parse(text: &str) -> Result<Self, MockError> {
        let v: Value = serde_json::from_str(text).map_err(|e| err("", format!("not valid JSON: {e}")))?;
        Self::from_value(&v)
    }

    /// Reads, parses and checks a mock configuration file.
    pub fn load(path: &Path) -> Result<Self, MockError> {
        let with_file = |mut e: MockError| {
            e.file = Some(path.to_path_buf());
            e
        };
        let text = std::fs::read_to_string(path).map_err(|e| with_file(err("", format!("cannot read: {e}"))))?;
        Self::parse(&text).map_err(with_file)
    }

    /// The configuration Step Functions Local would use: the file named by `SFN_MOCK_CONFIG`
    /// (which must exist), else `MockConfigFile.json` in `dir` if there is one, else none.
    pub fn discover(dir: &Path) -> Result<Option<(PathBuf, Self)>, MockError> {
        let path = match std::env::var_os(ENV_VAR) {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => {
                let p = dir.join(DEFAULT_FILE);
                if !p.is_file() {
                    return Ok(None);
                }
                p
            }
        };
        Self::load(&path).map(|c| Some((path, c)))
    }

    pub fn from_value(v: &Value) -> Result<Self, MockError> {
        let top = object(v, "")?;
        only_keys(top, &["StateMachines", "MockedResponses"], "")?;
        let mut config = MockConfig::default();

        let responses = top.get("MockedResponses").ok_or_else(|| err("", "missing field MockedResponses"))?;
        for (name, resp) in object(responses, "MockedResponses")? {
            let at = child("MockedResponses", name);
            config.mocked_responses.insert(name.clone(), parse_response(resp, &at)?);
        }

        let machines = top.get("StateMachines").ok_or_else(|| err("", "missing field StateMachines"))?;
        for (machine, mv) in object(machines, "StateMachines")? {
            let at = child("StateMachines", machine);
            let m = object(mv, &at)?;
            only_keys(m, &["TestCases"], &at)?;
            let cases_at = child(&at, "TestCases");
            let cases = m.get("TestCases").ok_or_else(|| err(&at, "missing field TestCases"))?;
            let mut out = BTreeMap::new();
            for (case, cv) in object(cases, &cases_at)? {
                let case_at = child(&cases_at, case);
                let mut tc = TestCase::default();
                for (state, rv) in object(cv, &case_at)? {
                    let state_at = child(&case_at, state);
                    let response = rv.as_str().ok_or_else(|| err(&state_at, format!("expected the name of a mocked response, found {}", kind(rv))))?;
                    if !config.mocked_responses.contains_key(response) {
                        return Err(err(&state_at, format!("mocked response '{response}' is not defined in MockedResponses")));
                    }
                    tc.states.insert(state.clone(), response.to_string());
                }
                out.insert(case.clone(), tc);
            }
            config.state_machines.insert(machine.clone(), out);
        }
        Ok(config)
    }

    pub fn test_case(&self, machine: &str, case: &str) -> Option<&TestCase> {
        self.state_machines.get(machine)?.get(case)
    }

    /// What invocation `invocation` (0 for the first, retries included) of `state` answers under
    /// `machine`'s test case `case`. `None` when the configuration has no such test case.
    pub fn lookup(&self, machine: &str, case: &str, state: &str, invocation: u64) -> Option<Lookup<'_>> {
        let tc = self.test_case(machine, case)?;
        let Some(name) = tc.states.get(state) else { return Some(Lookup::NotMocked) };
        let resp = &self.mocked_responses[name];
        Some(match resp.invocation(invocation) {
            Some(r) => Lookup::Mocked(r),
            None => Lookup::NoEntry { response: name, invocation },
        })
    }
}

fn parse_response(v: &Value, at: &str) -> Result<MockedResponse, MockError> {
    let m = object(v, at)?;
    if m.is_empty() {
        return Err(err(at, "a mocked response needs at least one invocation entry such as \"0\""));
    }
    let mut ranges: Vec<(u64, u64, MockResult, String)> = Vec::new();
    for (key, entry) in m {
        let entry_at = child(at, key);
        let (lo, hi) = parse_range(key).ok_or_else(|| err(&entry_at, "an invocation key is a number (\"0\") or an inclusive range (\"1-3\") from low to high"))?;
        if let Some((_, _, _, other)) = ranges.iter().find(|(a, b, _, _)| lo <= *b && *a <= hi) {
            return Err(err(&entry_at, format!("invocations {lo}-{hi} overlap the entry \"{other}\"")));
        }
        let e = object(entry, &entry_at)?;
        let result = match (e.get("Return"), e.get("Throw")) {
            (Some(_), Some(_)) => return Err(err(&entry_at, "has both Return and Throw: an entry has exactly one")),
            (Some(r), None) if e.len() == 1 => MockResult::Return(r.clone()),
            (None, Some(t)) if e.len() == 1 => parse_throw(t, &child(&entry_at, "Throw"))?,
            (None, None) => return Err(err(&entry_at, "needs a Return or a Throw field")),
            _ => {
                only_keys(e, &["Return", "Throw"], &entry_at)?;
                unreachable!("an entry with one of Return/Throw and more fields has an unknown field")
            }
        };
        ranges.push((lo, hi, result, key.clone()));
    }
    ranges.sort_by_key(|r| r.0);
    Ok(MockedResponse { ranges: ranges.into_iter().map(|(a, b, r, _)| (a, b, r)).collect() })
}

fn parse_throw(v: &Value, at: &str) -> Result<MockResult, MockError> {
    let t = object(v, at)?;
    only_keys(t, &["Error", "Cause"], at)?;
    let field = |name: &str| match t.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(err(&child(at, name), format!("expected a string, found {}", kind(other)))),
        None => Err(err(at, format!("missing field {name} (a Throw has an Error and a Cause, both strings)"))),
    };
    Ok(MockResult::Throw { error: field("Error")?, cause: field("Cause")? })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The example from AWS's "Configuration file for mocked service integrations" page.
    const DOC_EXAMPLE: &str = r#"{
      "StateMachines":{
        "LambdaSQSIntegration":{
          "TestCases":{
            "HappyPath":{ "LambdaState":"MockedLambdaSuccess", "SQSState":"MockedSQSSuccess" },
            "RetryPath":{ "LambdaState":"MockedLambdaRetry", "SQSState":"MockedSQSSuccess" },
            "HybridPath":{ "LambdaState":"MockedLambdaSuccess" }
          }
        }
      },
      "MockedResponses":{
        "MockedLambdaSuccess":{
          "0":{ "Return":{ "StatusCode":200, "Payload":{ "StatusCode":200, "body":"Hello from Lambda!" } } }
        },
        "LambdaMockedResourceNotReady":{
          "0":{ "Throw":{ "Error":"Lambda.ResourceNotReadyException", "Cause":"Lambda resource is not ready." } }
        },
        "MockedSQSSuccess":{
          "0":{ "Return":{ "MD5OfMessageBody":"3bcb6e8e-7h85-4375-b0bc-1a59812c6e51", "MessageId":"3bcb6e8e-8b51-4375-b0bc-1a59812c6e51" } }
        },
        "MockedLambdaRetry":{
          "0":{ "Throw":{ "Error":"Lambda.ResourceNotReadyException", "Cause":"Lambda resource is not ready." } },
          "1-2":{ "Throw":{ "Error":"Lambda.TimeoutException", "Cause":"Lambda timed out." } },
          "3":{ "Return":{ "StatusCode":200, "Payload":{ "StatusCode":200, "body":"Hello from Lambda!" } } }
        }
      }
    }"#;

    fn throw(e: &str, c: &str) -> MockResult {
        MockResult::Throw { error: e.into(), cause: c.into() }
    }

    #[test]
    fn documented_example_answers_each_invocation() {
        let c = MockConfig::parse(DOC_EXAMPLE).unwrap();
        let m = "LambdaSQSIntegration";
        let hello = MockResult::Return(json!({"StatusCode":200,"Payload":{"StatusCode":200,"body":"Hello from Lambda!"}}));
        assert_eq!(c.lookup(m, "HappyPath", "LambdaState", 0), Some(Lookup::Mocked(&hello)));
        // RetryPath: a ResourceNotReady, two timeouts, then success; a fifth call has no entry.
        let not_ready = throw("Lambda.ResourceNotReadyException", "Lambda resource is not ready.");
        let timeout = throw("Lambda.TimeoutException", "Lambda timed out.");
        assert_eq!(c.lookup(m, "RetryPath", "LambdaState", 0), Some(Lookup::Mocked(&not_ready)));
        assert_eq!(c.lookup(m, "RetryPath", "LambdaState", 1), Some(Lookup::Mocked(&timeout)));
        assert_eq!(c.lookup(m, "RetryPath", "LambdaState", 2), Some(Lookup::Mocked(&timeout)));
        assert_eq!(c.lookup(m, "RetryPath", "LambdaState", 3), Some(Lookup::Mocked(&hello)));
        assert_eq!(c.lookup(m, "RetryPath", "LambdaState", 4), Some(Lookup::NoEntry { response: "MockedLambdaRetry", invocation: 4 }));
        // HybridPath mocks LambdaState only: SQSState makes its real call.
        assert_eq!(c.lookup(m, "HybridPath", "SQSState", 0), Some(Lookup::NotMocked));
        assert_eq!(c.lookup(m, "NoSuchCase", "SQSState", 0), None);
        assert_eq!(c.lookup("OtherMachine", "HappyPath", "LambdaState", 0), None);
        assert_eq!(c.test_case(m, "HybridPath").unwrap().states.len(), 1);
        // A response no test case uses is still parsed and checked.
        assert!(c.mocked_responses.contains_key("LambdaMockedResourceNotReady"));
    }

    #[test]
    fn a_run_counts_invocations_per_state() {
        let c = MockConfig::parse(DOC_EXAMPLE).unwrap();
        let counts = crate::handler::Counted::default();
        let mut invoke = |state: &str| c.lookup("LambdaSQSIntegration", "RetryPath", state, counts.take("exec-1", state)).unwrap();
        let errors: Vec<String> = (0..4)
            .map(|_| match invoke("LambdaState") {
                Lookup::Mocked(MockResult::Throw { error, .. }) => error.clone(),
                Lookup::Mocked(MockResult::Return(_)) => "ok".into(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(errors, ["Lambda.ResourceNotReadyException", "Lambda.TimeoutException", "Lambda.TimeoutException", "ok"]);
        // SQSState has its own count.
        assert!(matches!(invoke("SQSState"), Lookup::Mocked(MockResult::Return(_))));
        assert!(matches!(invoke("SQSState"), Lookup::NoEntry { invocation: 1, .. }));
        // And another execution its own.
        assert_eq!(counts.take("exec-2", "SQSState"), 0);
    }

    fn error_of(v: Value) -> String {
        MockConfig::from_value(&v).unwrap_err().to_string()
    }

    #[test]
    fn mistakes_are_named_with_their_place() {
        let base = |responses: Value| json!({"StateMachines": {}, "MockedResponses": responses});
        assert_eq!(error_of(base(json!({"R": {"1-2": {"Throw": {"Error": "E"}}}}))), "at MockedResponses.R.\"1-2\".Throw: missing field Cause (a Throw has an Error and a Cause, both strings)");
        assert_eq!(error_of(base(json!({"R": {"0": {"Throw": {"Error": "E", "Cause": 3}}}}))), "at MockedResponses.R.\"0\".Throw.Cause: expected a string, found a number");
        assert_eq!(error_of(base(json!({"R": {"0-2": {"Return": 1}, "2": {"Return": 2}}}))), "at MockedResponses.R.\"2\": invocations 2-2 overlap the entry \"0-2\"");
        assert!(error_of(base(json!({"R": {"3-1": {"Return": 1}}}))).starts_with("at MockedResponses.R.\"3-1\": an invocation key"));
        assert!(error_of(base(json!({"R": {"first": {"Return": 1}}}))).starts_with("at MockedResponses.R.first: an invocation key"));
        assert_eq!(error_of(base(json!({"R": {"0": {"Return": 1, "Throw": {}}}}))), "at MockedResponses.R.\"0\": has both Return and Throw: an entry has exactly one");
        assert_eq!(error_of(base(json!({"R": {"0": {}}}))), "at MockedResponses.R.\"0\": needs a Return or a Throw field");
        assert_eq!(error_of(base(json!({"R": {"0": {"Return": 1, "Retrun": 2}}}))), "at MockedResponses.R.\"0\".Retrun: unknown field: expected Return or Throw");
        assert_eq!(error_of(base(json!({"R": {}}))), "at MockedResponses.R: a mocked response needs at least one invocation entry such as \"0\"");
        assert_eq!(
            error_of(json!({"StateMachines": {"M": {"TestCases": {"T": {"S": "Missing"}}}}, "MockedResponses": {}})),
            "at StateMachines.M.TestCases.T.S: mocked response 'Missing' is not defined in MockedResponses"
        );
        assert_eq!(error_of(json!({"StateMachines": {"M": {"TestCase": {}}}, "MockedResponses": {}})), "at StateMachines.M.TestCase: unknown field: expected TestCases");
        assert_eq!(error_of(json!({"StateMachines": {}, "MockedResponse": {}})), "at MockedResponse: unknown field: expected StateMachines or MockedResponses");
        assert_eq!(error_of(json!({"StateMachines": {}})), "missing field MockedResponses");
        assert_eq!(error_of(json!([])), "expected an object, found an array");
        assert!(MockConfig::parse("{").unwrap_err().to_string().starts_with("not valid JSON"));
    }

    #[test]
    fn files_name_themselves_in_errors_and_discovery_follows_sfn_local() {
        let dir = std::env::temp_dir().join(format!("asl-mock-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // No env variable and no MockConfigFile.json: no configuration. (The env variable is
        // not set by this test suite; discover() with it set is the same path as load().)
        if std::env::var_os(ENV_VAR).is_none() {
            assert_eq!(MockConfig::discover(&dir).unwrap(), None);
            std::fs::write(dir.join(DEFAULT_FILE), DOC_EXAMPLE).unwrap();
            let (path, c) = MockConfig::discover(&dir).unwrap().unwrap();
            assert_eq!(path, dir.join(DEFAULT_FILE));
            assert!(c.test_case("LambdaSQSIntegration", "RetryPath").is_some());
        }
        let bad = dir.join("bad.json");
        std::fs::write(&bad, r#"{"StateMachines":{},"MockedResponses":{"R":{"x":{}}}}"#).unwrap();
        let e = MockConfig::load(&bad).unwrap_err();
        assert_eq!(e.file.as_deref(), Some(bad.as_path()));
        assert!(e.to_string().starts_with(&format!("{}: at MockedResponses.R.x:", bad.display())), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
