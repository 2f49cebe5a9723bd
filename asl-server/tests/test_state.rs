//! TestState on the engine backend: one state run through the runtime, with AWS's statuses
//! (SUCCEEDED, FAILED, RETRIABLE, CAUGHT_ERROR), next state, variables and inspection data.

#[path = "support/test_state_calls.rs"]
mod calls;
#[path = "support/wire.rs"]
#[allow(dead_code)]
mod wire;

use calls::{call, parsed, serve, test};
use serde_json::json;

#[tokio::test]
async fn pass_with_debug_shows_each_step() {
    let addr = serve().await;
    let state = json!({"Type": "Pass", "InputPath": "$.a", "Parameters": {"x.$": "$.b"}, "ResultPath": "$.r", "Next": "After"});
    let out = test(addr, json!({"definition": state.to_string(), "input": r#"{"a":{"b":7}}"#, "inspectionLevel": "DEBUG"})).await;
    assert_eq!(out["status"], "SUCCEEDED", "{out}");
    assert_eq!(out["nextState"], "After");
    let d = &out["inspectionData"];
    assert_eq!(parsed(&d["input"]), json!({"a": {"b": 7}}));
    assert_eq!(parsed(&d["afterInputPath"]), json!({"b": 7}));
    assert_eq!(parsed(&d["afterParameters"]), json!({"x": 7}));
    assert_eq!(parsed(&out["output"]), json!({"a": {"b": 7}, "r": {"x": 7}}));
}

#[tokio::test]
async fn task_with_mock_result_and_info_level() {
    let addr = serve().await;
    let state = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"p.$": "$.v"}, "ResultSelector": {"got.$": "$.Payload"}, "ResultPath": "$.out", "End": true});
    let body = json!({"definition": state.to_string(), "input": r#"{"v":1}"#, "mock": {"result": r#"{"Payload":"hi"}"#}});
    let out = test(addr, body.clone()).await;
    assert_eq!(out["status"], "SUCCEEDED", "{out}");
    assert_eq!(parsed(&out["output"]), json!({"v": 1, "out": {"got": "hi"}}));
    assert!(out.get("nextState").is_none(), "an End state has no next state: {out}");
    assert!(out.get("inspectionData").is_none(), "INFO has no inspection data");

    let mut debug = body;
    debug["inspectionLevel"] = json!("DEBUG");
    let d = test(addr, debug).await["inspectionData"].clone();
    assert_eq!(parsed(&d["afterParameters"]), json!({"p": 1}));
    assert_eq!(parsed(&d["result"]), json!({"Payload": "hi"}));
    assert_eq!(parsed(&d["afterResultSelector"]), json!({"got": "hi"}));
    assert_eq!(parsed(&d["afterResultPath"]), json!({"v": 1, "out": {"got": "hi"}}));
}

#[tokio::test]
async fn retry_then_catch() {
    let addr = serve().await;
    let state = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
        "Retry": [{"ErrorEquals": ["Other"]}, {"ErrorEquals": ["Boom"], "MaxAttempts": 2, "IntervalSeconds": 3, "BackoffRate": 2}],
        "Catch": [{"ErrorEquals": ["Nope"], "Next": "X"}, {"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Handler"}]});
    let mock = json!({"errorOutput": {"error": "Boom", "cause": "it broke"}});
    let body = |count: i32| json!({"definition": state.to_string(), "input": r#"{"k":1}"#, "mock": mock, "inspectionLevel": "DEBUG", "stateConfiguration": {"retrierRetryCount": count}});
    let out = test(addr, body(1)).await;
    assert_eq!(out["status"], "RETRIABLE", "{out}");
    assert_eq!(out["error"], "Boom");
    assert_eq!(out["inspectionData"]["errorDetails"], json!({"retryIndex": 1, "retryBackoffIntervalSeconds": 6}));
    // Retries used up: the Catch takes it.
    let out = test(addr, body(2)).await;
    assert_eq!(out["status"], "CAUGHT_ERROR", "{out}");
    assert_eq!(out["nextState"], "Handler");
    assert_eq!(out["error"], "Boom");
    assert_eq!(out["cause"], "it broke");
    assert_eq!(parsed(&out["output"]), json!({"k": 1, "err": {"Error": "Boom", "Cause": "it broke"}}));
    assert_eq!(out["inspectionData"]["errorDetails"], json!({"catchIndex": 1}));
}

#[tokio::test]
async fn fail_choice_wait_and_uncaught() {
    let addr = serve().await;
    let out = test(addr, json!({"definition": r#"{"Type":"Fail","Error":"E","Cause":"C"}"#})).await;
    assert_eq!((out["status"].as_str(), out["error"].as_str(), out["cause"].as_str()), (Some("FAILED"), Some("E"), Some("C")), "{out}");

    let choice = json!({"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 5, "Next": "Big"}], "Default": "Small"});
    let out = test(addr, json!({"definition": choice.to_string(), "input": r#"{"n":9}"#})).await;
    assert_eq!((out["status"].as_str(), out["nextState"].as_str()), (Some("SUCCEEDED"), Some("Big")), "{out}");
    let out = test(addr, json!({"definition": choice.to_string(), "input": r#"{"n":1}"#})).await;
    assert_eq!(out["nextState"], "Small");

    let wait = json!({"Type": "Wait", "Seconds": 3600, "OutputPath": "$.a", "Next": "Then"});
    let started = std::time::Instant::now();
    let out = test(addr, json!({"definition": wait.to_string(), "input": r#"{"a":[1]}"#})).await;
    assert_eq!((out["status"].as_str(), out["nextState"].as_str()), (Some("SUCCEEDED"), Some("Then")), "{out}");
    assert_eq!(parsed(&out["output"]), json!([1]));
    assert!(started.elapsed().as_secs() < 60, "TestState does not wait");

    let task = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true});
    let out = test(addr, json!({"definition": task.to_string(), "mock": {"errorOutput": {"error": "Bad"}}})).await;
    assert_eq!((out["status"].as_str(), out["error"].as_str()), (Some("FAILED"), Some("Bad")), "{out}");
    // Without a mock, the server's own handlers answer (here: no Lambda endpoint configured).
    let out = test(addr, json!({"definition": task.to_string()})).await;
    assert_eq!(out["status"], "FAILED", "{out}");
    assert!(out["cause"].as_str().unwrap().contains("--lambda-endpoint"), "{out}");
}

#[tokio::test]
async fn variables_jsonata_and_state_name() {
    let addr = serve().await;
    let machine = json!({"QueryLanguage": "JSONata", "StartAt": "First", "States": {
        "First": {"Type": "Pass", "Next": "Second"},
        "Second": {"Type": "Pass", "Assign": {"total": "{% $base + $states.input.n %}"}, "Output": "{% {'doubled': $states.input.n * 2} %}", "Next": "Third"},
        "Third": {"Type": "Succeed"}}});
    let out = test(addr, json!({"definition": machine.to_string(), "stateName": "Second", "input": r#"{"n":4}"#, "variables": r#"{"base":10}"#, "inspectionLevel": "DEBUG"})).await;
    assert_eq!(out["status"], "SUCCEEDED", "{out}");
    assert_eq!(out["nextState"], "Third");
    assert_eq!(parsed(&out["output"]), json!({"doubled": 8}));
    assert_eq!(parsed(&out["inspectionData"]["variables"]), json!({"base": 10, "total": 14}));

    let (status, e) = call(addr, json!({"definition": machine.to_string(), "stateName": "Missing"})).await;
    assert_eq!(status, 400);
    assert!(e["__type"].as_str().unwrap().ends_with("ValidationException"), "{e}");
    let (status, e) = call(addr, json!({"definition": machine.to_string()})).await;
    assert_eq!(status, 400, "a machine without stateName: {e}");
    let (status, e) = call(addr, json!({"definition": "{not json"})).await;
    assert_eq!(status, 400);
    assert!(e["__type"].as_str().unwrap().ends_with("InvalidDefinition"), "{e}");
    let (status, e) = call(addr, json!({"definition": r#"{"Type":"Pass","Next":"A","ResultPath":7}"#})).await;
    assert_eq!(status, 400, "{e}");
    assert!(e["__type"].as_str().unwrap().ends_with("InvalidDefinition"), "{e}");
}

#[tokio::test]
async fn jsonata_task_with_mock_shows_arguments_and_result() {
    let addr = serve().await;
    let state = json!({"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"Payload": "{% $states.input.id & '-x' %}"}, "Output": "{% $states.result.Payload.n + 1 %}", "Next": "Done"});
    let out = test(addr, json!({"definition": state.to_string(), "input": r#"{"id":"a"}"#, "mock": {"result": r#"{"Payload":{"n":41}}"#}, "inspectionLevel": "DEBUG"})).await;
    assert_eq!((out["status"].as_str(), out["nextState"].as_str()), (Some("SUCCEEDED"), Some("Done")), "{out}");
    assert_eq!(parsed(&out["output"]), json!(42));
    assert_eq!(parsed(&out["inspectionData"]["afterArguments"]), json!({"Payload": "a-x"}));
    assert_eq!(parsed(&out["inspectionData"]["result"]), json!({"Payload": {"n": 41}}));
    // A mock on a state that is not a Task, and an activity without a mock, are refused.
    let (status, _) = call(addr, json!({"definition": r#"{"Type":"Pass","End":true}"#, "mock": {"result": "1"}})).await;
    assert_eq!(status, 400);
    let activity = json!({"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:a", "End": true});
    let (status, e) = call(addr, json!({"definition": activity.to_string()})).await;
    assert_eq!(status, 400, "{e}");
}

/// `context` (with a mock, as AWS requires) replaces the context object's fields it gives, in
/// the arguments and in DEBUG's data; the other fields stay the runtime's.
#[tokio::test]
async fn a_given_context_object_is_what_the_state_reads() {
    let addr = serve().await;
    let state = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
        "Parameters": {"exec.$": "$$.Execution.Name", "token.$": "$$.Task.Token", "item.$": "$$.Map.Item.Index", "state.$": "$$.State.Name"}});
    let context = json!({"Execution": {"Name": "given-run"}, "Task": {"Token": "tok-1"}, "Map": {"Item": {"Index": 4, "Value": "x"}}});
    let body = json!({"definition": state.to_string(), "input": "{}", "inspectionLevel": "DEBUG", "mock": {"result": "{}"}, "context": context.to_string()});
    let out = test(addr, body.clone()).await;
    assert_eq!(out["status"], "SUCCEEDED", "{out}");
    assert_eq!(parsed(&out["inspectionData"]["afterParameters"]), json!({"exec": "given-run", "token": "tok-1", "item": 4, "state": "TestState"}));

    // JSONata reads it as $states.context.
    let jsonata = json!({"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
        "Arguments": {"exec": "{% $states.context.Execution.Name %}"}, "Output": "{% $states.context.Execution %}"});
    let out = test(addr, json!({"definition": jsonata.to_string(), "mock": {"result": "{}"}, "context": context.to_string()})).await;
    assert_eq!(parsed(&out["output"])["Name"], "given-run", "{out}");
    assert!(parsed(&out["output"])["Id"].as_str().is_some_and(|id| id.contains(":execution:")), "{out}");

    // Without a mock, or not an object: AWS's ValidationException.
    let mut no_mock = body.clone();
    no_mock.as_object_mut().unwrap().remove("mock");
    let (status, out) = call(addr, no_mock).await;
    assert_eq!((status, out["__type"].as_str().unwrap().rsplit('#').next().unwrap()), (400, "ValidationException"), "{out}");
    let mut not_object = body;
    not_object["context"] = json!("[1]");
    assert_eq!(call(addr, not_object).await.0, 400);
}

/// Mocked Parallel and Map states: the mock answers the whole state, its data flow applies;
/// mapIterationFailureCount against the Map's tolerance, mapItemReaderData as its items,
/// errorCausedByState checked against its inner states.
#[tokio::test]
async fn mocked_parallel_and_map_states_with_their_configuration() {
    let addr = serve().await;
    let parallel = json!({"Type": "Parallel", "Parameters": {"v.$": "$.v"}, "ResultSelector": {"first.$": "$[0]"}, "ResultPath": "$.r", "Next": "After",
        "Branches": [{"StartAt": "Inner", "States": {"Inner": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}],
        "Catch": [{"ErrorEquals": ["Boom"], "Next": "Handler"}]});
    let out = test(addr, json!({"definition": parallel.to_string(), "input": r#"{"v":1}"#, "mock": {"result": "[\"a\",\"b\"]"}, "inspectionLevel": "DEBUG"})).await;
    assert_eq!((out["status"].as_str(), out["nextState"].as_str()), (Some("SUCCEEDED"), Some("After")), "{out}");
    assert_eq!(parsed(&out["output"]), json!({"v": 1, "r": {"first": "a"}}));
    assert_eq!(parsed(&out["inspectionData"]["afterParameters"]), json!({"v": 1}));
    // A mocked error, from a state inside.
    let error = json!({"errorOutput": {"error": "Boom", "cause": "inner failed"}});
    let out = test(addr, json!({"definition": parallel.to_string(), "input": r#"{"v":1}"#, "mock": error, "stateConfiguration": {"errorCausedByState": "Inner"}})).await;
    assert_eq!((out["status"].as_str(), out["nextState"].as_str()), (Some("CAUGHT_ERROR"), Some("Handler")), "{out}");
    let (status, out) = call(addr, json!({"definition": parallel.to_string(), "mock": error, "stateConfiguration": {"errorCausedByState": "Nowhere"}})).await;
    assert_eq!(status, 400, "{out}");
    assert!(out["message"].as_str().unwrap().contains("'Nowhere' is not a state"), "{out}");

    let map = json!({"Type": "Map", "ItemsPath": "$.xs", "ToleratedFailureCount": 1, "MaxConcurrency": 2, "End": true,
        "ItemProcessor": {"StartAt": "Each", "States": {"Each": {"Type": "Pass", "End": true}}},
        "Catch": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "ResultPath": "$.err", "Next": "TooMany"}]});
    let body = |failures: i32| {
        json!({"definition": map.to_string(), "input": r#"{"xs":[1,2,3]}"#, "mock": {"result": "[1,2,3]"}, "inspectionLevel": "DEBUG",
        "stateConfiguration": {"mapIterationFailureCount": failures}})
    };
    let out = test(addr, body(1)).await;
    assert_eq!(out["status"], "SUCCEEDED", "{out}");
    assert_eq!(parsed(&out["output"]), json!([1, 2, 3]));
    let d = &out["inspectionData"];
    assert_eq!((parsed(&d["afterItemsPath"]), d["toleratedFailureCount"].as_i64(), d["maxConcurrency"].as_i64()), (json!([1, 2, 3]), Some(1), Some(2)));
    let out = test(addr, body(2)).await;
    assert_eq!((out["status"].as_str(), out["error"].as_str(), out["nextState"].as_str()), (Some("CAUGHT_ERROR"), Some("States.ExceedToleratedFailureThreshold"), Some("TooMany")), "{out}");

    // A percentage counts the items; a distributed Map's come from mapItemReaderData.
    let distributed = json!({"Type": "Map", "ToleratedFailurePercentage": 50, "End": true,
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"}, "Parameters": {"Bucket": "b", "Key": "k"}},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Each", "States": {"Each": {"Type": "Pass", "End": true}}}});
    let body = |failures: i32| {
        json!({"definition": distributed.to_string(), "mock": {"result": "[]"}, "inspectionLevel": "DEBUG",
        "stateConfiguration": {"mapIterationFailureCount": failures, "mapItemReaderData": "[{\"a\":1},{\"a\":2},{\"a\":3},{\"a\":4}]"}})
    };
    let out = test(addr, body(2)).await;
    assert_eq!(out["status"], "SUCCEEDED", "{out}");
    assert_eq!(parsed(&out["inspectionData"]["afterItemsPath"]).as_array().map(Vec::len), Some(4));
    assert_eq!(test(addr, body(3)).await["status"], "FAILED");

    // A CSV reader's data, read as the Map would read it.
    let mut csv = distributed.clone();
    csv["ItemReader"]["ReaderConfig"] = json!({"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"});
    let out = test(addr, json!({"definition": csv.to_string(), "mock": {"result": "[]"}, "inspectionLevel": "DEBUG", "stateConfiguration": {"mapItemReaderData": "id\n1\n2\n"}})).await;
    assert_eq!(parsed(&out["inspectionData"]["afterItemsPath"]), json!([{"id": "1"}, {"id": "2"}]), "{out}");

    // Refused: a Map or Parallel without a mock (as AWS), a mock on a Pass state, Map fields on
    // a Task, an S3 listing's data (not read yet).
    for unmocked in [&parallel, &map] {
        let (status, out) = call(addr, json!({"definition": unmocked.to_string(), "input": r#"{"v":1,"xs":[]}"#})).await;
        assert_eq!(status, 400, "{out}");
    }
    let code = |out: &serde_json::Value| out["__type"].as_str().unwrap().rsplit('#').next().unwrap().to_string();
    let (status, out) = call(addr, json!({"definition": r#"{"Type":"Pass","End":true}"#, "mock": {"result": "{}"}})).await;
    assert_eq!((status, code(&out)), (400, "ValidationException".into()), "{out}");
    let task = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true});
    let (status, out) = call(addr, json!({"definition": task.to_string(), "mock": {"result": "{}"}, "stateConfiguration": {"mapIterationFailureCount": 1}})).await;
    assert_eq!((status, code(&out)), (400, "ValidationException".into()), "{out}");
    let mut listing = distributed.clone();
    listing["ItemReader"] = json!({"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b"}});
    let (status, out) = call(addr, json!({"definition": listing.to_string(), "mock": {"result": "[]"}, "stateConfiguration": {"mapItemReaderData": "[]"}})).await;
    assert_eq!((status, code(&out)), (501, "NotImplemented".into()), "{out}");
}
