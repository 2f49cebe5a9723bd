//! The `asl-server` binary: its options, the endpoint line it prints, and the mock configuration
//! it reads (`--mock-config FILE` or `SFN_MOCK_CONFIG`), checked before it listens.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_asl-server");

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("asl-server-binary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Starts the binary and answers the endpoint it printed; the process is killed at the end.
fn endpoint_of(cmd: &mut Command) -> String {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    line
}

#[test]
fn prints_the_endpoint_it_listens_on() {
    let line = endpoint_of(Command::new(BIN).args(["--port", "0", "--db", &format!("sqlite:{}", tmp("db.sqlite").display())]).env_remove("SFN_MOCK_CONFIG"));
    let endpoint = line.trim().strip_prefix("asl-server listening on http://127.0.0.1:").unwrap_or_else(|| panic!("{line:?}"));
    assert!(endpoint.parse::<u16>().unwrap() > 0);
}

#[test]
fn bad_options_exit_2_with_the_reason() {
    for (args, says) in [
        (vec!["--db", "mysql://x"], "expected sqlite:PATH or postgres://"),
        (vec!["--port", "http"], "--port: 'http' is not a port number"),
        (vec!["--frobnicate", "1"], "unknown option --frobnicate"),
        (vec!["--port"], "--port needs a value"),
        (vec!["--lambda-endpoint", "localhost:3001"], "--lambda-endpoint: 'localhost:3001' is not an http:// or https:// URL"),
    ] {
        let out = Command::new(BIN).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says) && err.contains("usage: asl-server"), "{args:?}: {err}");
    }
}

#[test]
fn a_broken_mock_configuration_stops_the_server_naming_the_place() {
    let file = tmp("BrokenMock.json");
    std::fs::write(&file, r#"{"StateMachines":{"M":{"TestCases":{"T":{"S":"R"}}}},"MockedResponses":{"R":{"0":{"Throw":{"Error":"E"}}}}}"#).unwrap();
    let out = Command::new(BIN).args(["--port", "0", "--mock-config"]).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{}: at MockedResponses.R.\"0\".Throw: missing field Cause", file.display())), "{err}");

    // The same through Step Functions Local's environment variable.
    let out = Command::new(BIN).args(["--port", "0"]).env("SFN_MOCK_CONFIG", &file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_good_mock_configuration_is_announced() {
    let file = tmp("MockConfigFile.json");
    std::fs::write(&file, r#"{"StateMachines":{"M":{"TestCases":{"T":{"S":"R"}}}},"MockedResponses":{"R":{"0-1":{"Return":{"ok":true}}}}}"#).unwrap();
    let mut child = Command::new(BIN).args(["--port", "0"]).env("SFN_MOCK_CONFIG", &file).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap()).read_line(&mut line).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(line.contains(&format!("mock configuration {} (1 state machines)", file.display())), "{line}");
}
