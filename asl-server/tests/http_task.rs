//! The HTTP Task (`arn:aws:states:::http:invoke`) against a local axum server: the request as the
//! arguments describe it, AWS's result shape, `States.Http.StatusCode.NNN` failures.

#[path = "support/test_state_calls.rs"]
mod calls;
#[path = "support/wire.rs"]
#[allow(dead_code)]
mod wire;

use std::net::SocketAddr;

use calls::{parsed, serve, test};
use serde_json::{Value, json};

/// Answers with what it received, as JSON; `/missing` answers 404.
async fn echo_server() -> SocketAddr {
    use axum::body::Bytes;
    use axum::http::{HeaderMap, Method, StatusCode, Uri};
    async fn echo(method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> (StatusCode, [(&'static str, &'static str); 1], String) {
        let status = if uri.path() == "/missing" { StatusCode::NOT_FOUND } else { StatusCode::OK };
        let seen = json!({
            "method": method.as_str(),
            "path": uri.path(),
            "query": uri.query(),
            "auth": headers.get("x-api-key").and_then(|v| v.to_str().ok()),
            "type": headers.get("content-type").and_then(|v| v.to_str().ok()),
            "body": String::from_utf8_lossy(&body),
        });
        (status, [("x-echo", "yes")], seen.to_string())
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, axum::Router::new().fallback(echo)).await.unwrap() });
    addr
}

#[tokio::test]
async fn http_task_makes_the_call() {
    let (addr, echo) = (serve().await, echo_server().await);
    let state = json!({"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "End": true, "Parameters": {
        "ApiEndpoint": format!("http://{echo}/orders"), "Method": "POST",
        "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/c/1"},
        "Headers": {"x-api-key": "k1"}, "QueryParameters": {"ids": [1, 2], "q": "a b"},
        "RequestBody": {"n.$": "$.n"}}});
    let out = test(addr, json!({"definition": state.to_string(), "input": r#"{"n":5}"#})).await;
    assert_eq!(out["status"], "SUCCEEDED", "{out}");
    let result = parsed(&out["output"]);
    assert_eq!((result["StatusCode"].as_u64(), result["StatusText"].as_str()), (Some(200), Some("OK")), "{result}");
    assert_eq!(result["Headers"]["x-echo"], json!(["yes"]));
    let seen = &result["ResponseBody"];
    assert_eq!(seen["method"], "POST");
    assert_eq!(seen["path"], "/orders");
    assert_eq!(seen["query"], "ids%5B0%5D=1&ids%5B1%5D=2&q=a%20b");
    assert_eq!(seen["auth"], "k1");
    assert_eq!(seen["type"], "application/json; charset=UTF-8");
    assert_eq!(serde_json::from_str::<Value>(seen["body"].as_str().unwrap()).unwrap(), json!({"n": 5}));

    // TRACE shows the request made and the response.
    let out = test(addr, json!({"definition": state.to_string(), "input": r#"{"n":5}"#, "inspectionLevel": "TRACE"})).await;
    let d = &out["inspectionData"];
    assert_eq!(d["request"]["method"], "POST", "{out}");
    assert_eq!(d["request"]["url"], format!("http://{echo}/orders?ids%5B0%5D=1&ids%5B1%5D=2&q=a%20b"));
    assert_eq!(d["request"]["body"], r#"{"n":5}"#);
    assert_eq!((d["response"]["statusCode"].as_str(), d["response"]["statusMessage"].as_str()), (Some("200"), Some("OK")), "{out}");
    assert_eq!(parsed(&d["response"]["body"])["path"], "/orders");

    // URL-encoded body with repeated array keys.
    let form = json!({"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "End": true, "Parameters": {
        "ApiEndpoint": format!("http://{echo}/form"), "Method": "PUT", "RequestBody": {"a": [1, 2]},
        "Transform": {"RequestBodyEncoding": "URL_ENCODED", "RequestEncodingOptions": {"ArrayFormat": "REPEAT"}}}});
    let seen = parsed(&test(addr, json!({"definition": form.to_string()})).await["output"])["ResponseBody"].clone();
    assert_eq!((seen["method"].as_str(), seen["body"].as_str(), seen["type"].as_str()), (Some("PUT"), Some("a=1&a=2"), Some("application/x-www-form-urlencoded")));

    let missing = json!({"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "End": true, "Parameters": {"ApiEndpoint": format!("http://{echo}/missing"), "Method": "GET"}});
    let out = test(addr, json!({"definition": missing.to_string()})).await;
    assert_eq!((out["status"].as_str(), out["error"].as_str()), (Some("FAILED"), Some("States.Http.StatusCode.404")), "{out}");
    assert_eq!(serde_json::from_str::<Value>(out["cause"].as_str().unwrap()).unwrap()["StatusCode"], 404);

    let tls = json!({"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "End": true, "Parameters": {"ApiEndpoint": "https://example.com/", "Method": "GET"}});
    let out = test(addr, json!({"definition": tls.to_string()})).await;
    assert_eq!(out["error"], "States.Runtime", "{out}");
    assert!(out["cause"].as_str().unwrap().contains("no TLS client"), "{out}");
}
