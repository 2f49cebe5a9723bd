//! `asl run`: a workflow from the shell, its tasks served by shell commands.

mod common;

use common::*;

const ORDER: &str = "examples/order/order.json";
const INPUT: &str = r#"{"order":{"sku":"KB-42","quantity":2,"total":99.5},"customer":{"card":"4242","address":"1 Main St"}}"#;

#[test]
fn runs_the_readme_example_with_shell_script_tasks() {
    let o = asl(&[
        "run",
        ORDER,
        "--input",
        INPUT,
        "--task",
        r#"*:function:CheckStock=echo '{"available": true, "onHand": 5}'"#,
        // The task's input arrives on stdin.
        "--task",
        r#"*:function:ChargeCard=read input; echo "{\"charged\": $(echo "$input" | sed 's/.*"amount":\([0-9.]*\).*/\1/')}""#,
        "--task",
        r#"*:function:BookCourier=echo '"booked"'"#,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(out["fulfilment"], serde_json::json!([{"charged": 99.5}, "booked"]));
    assert_eq!(out["stock"]["onHand"], 5);
}

#[test]
fn a_failing_command_fails_the_task_with_the_error_it_printed() {
    let o = asl(&[
        "run",
        ORDER,
        "--input",
        INPUT,
        "--task",
        r#"*:function:CheckStock=echo '{"available": true}'"#,
        "--task",
        r#"*:function:ChargeCard=echo '{"error": "Payment.Declined", "cause": "card declined"}'; exit 1"#,
        "--task",
        "*:function:BookCourier=echo '{}'",
    ]);
    // Payment.Declined is caught and leads to the PaymentDeclined Fail state.
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("the execution failed with PaymentDeclined: card declined"), "{}", stderr(&o));
    let plain = asl(&["run", ORDER, "--input", INPUT, "--task", "*=echo oops; exit 4"]);
    assert_eq!(plain.status.code(), Some(1));
    assert!(stderr(&plain).contains("States.TaskFailed: oops"), "{}", stderr(&plain));
}

#[test]
fn tasks_without_a_command_fail_the_run_before_it_starts() {
    let o = asl(&["run", ORDER, "--task", "*:function:ChargeCard=echo 1"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("needs a handler for 2 Task resources"), "{err}");
    assert!(err.contains("arn:aws:lambda:us-east-1:111111111111:function:CheckStock") && err.contains("function:BookCourier"), "{err}");
}

#[test]
fn virtual_time_skips_waits_and_reports_the_time_taken() {
    let dir = std::env::temp_dir().join(format!("asl-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let flow = dir.join("wait.json");
    std::fs::write(&flow, r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":86400,"Next":"P"},"P":{"Type":"Pass","Result":"done","End":true}}}"#).unwrap();
    let started = std::time::Instant::now();
    let o = asl(&["run", flow.to_str().unwrap(), "--virtual-time", "--history", "--format", "json"]);
    assert!(started.elapsed().as_secs() < 30);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.last().unwrap(), &serde_json::json!("done"));
    let kinds: Vec<&str> = lines[..lines.len() - 1].iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["ExecutionStarted", "WaitStateEntered", "WaitStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]);
    assert!(stderr(&o).contains("virtual time: 86400.0"), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_invalid_workflow_prints_the_build_s_diagnostics() {
    let o = asl(&["run", "asl-cli/tests/flows/invalid.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("is not a valid workflow"), "{}", stderr(&o));
}

#[test]
fn a_step_functions_local_mock_file_answers_the_tasks() {
    let mock = "examples/order/MockConfigFile.json";
    let ok = asl(&["run", ORDER, "--input", INPUT, "--mock", mock, "--test-case", "HappyPath"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let out: serde_json::Value = serde_json::from_str(stdout(&ok).trim()).unwrap();
    assert_eq!(out["fulfilment"], serde_json::json!([{"charged": 99.5, "receipt": "R-1"}, {"courier": "FastShip"}]));
    // Invocation 0 throws Warehouse.Busy (retried after 1 s), invocation 1 returns; then the
    // mocked Payment.Declined is caught.
    let declined = asl(&["run", ORDER, "--input", INPUT, "--mock", mock, "--test-case", "Declined", "--virtual-time"]);
    assert_eq!(declined.status.code(), Some(1));
    let err = stderr(&declined);
    assert!(err.contains("failed with PaymentDeclined: card declined by issuer") && err.contains("virtual time: 1.000 s"), "{err}");
    let unknown = asl(&["run", ORDER, "--mock", mock, "--test-case", "Nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("no test case `Nope` for the state machine `order`"), "{}", stderr(&unknown));
}
