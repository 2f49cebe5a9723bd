//! Lambda Task resources sent to a Lambda-compatible endpoint (`--lambda-endpoint URL`, as Step
//! Functions Local's LAMBDA_ENDPOINT): the Lambda Invoke wire API, `POST
//! /2015-03-31/functions/{FunctionName}/invocations` with the payload as body; a function error
//! comes back as the `X-Amz-Function-Error` header with an `{errorType, errorMessage}` body.
//! Plain `http://` endpoints (SAM local, LocalStack, a test double): no TLS client is built in.

use asl_runtime::{BoxFuture, Failure, TaskContext, Value};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use serde_json::json;

/// What an invocation answered.
struct Reply {
    status: u16,
    function_error: Option<String>,
    body: String,
}

/// Percent-encodes a function name or ARN for the URL path (`:` is kept, as the AWS SDKs do).
fn encode(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn invoke(endpoint: &str, function: &str, payload: &Value) -> Result<Reply, String> {
    let uri: hyper::Uri = endpoint.parse().map_err(|e| format!("the Lambda endpoint '{endpoint}' is not a URL: {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err(format!("the Lambda endpoint '{endpoint}' is not http://: asl-server has no TLS client"));
    }
    let host = uri.host().unwrap_or("127.0.0.1").to_string();
    let port = uri.port_u16().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((host.as_str(), port)).await.map_err(|e| format!("cannot reach the Lambda endpoint {endpoint}: {e}"))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.map_err(|e| format!("Lambda endpoint {endpoint}: {e}"))?;
    tokio::spawn(conn);
    let path = format!("{}/2015-03-31/functions/{}/invocations", uri.path().trim_end_matches('/'), encode(function));
    let request = hyper::Request::post(path)
        .header(hyper::header::HOST, uri.authority().map(|a| a.as_str()).unwrap_or(host.as_str()))
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .header("X-Amz-Invocation-Type", "RequestResponse")
        .body(Full::new(Bytes::from(payload.to_string())))
        .map_err(|e| format!("cannot make the Lambda request: {e}"))?;
    let response = sender.send_request(request).await.map_err(|e| format!("Lambda endpoint {endpoint}: {e}"))?;
    let status = response.status().as_u16();
    let function_error = response.headers().get("x-amz-function-error").and_then(|v| v.to_str().ok()).map(str::to_string);
    let body = response.into_body().collect().await.map_err(|e| format!("Lambda endpoint {endpoint}: {e}"))?.to_bytes();
    Ok(Reply { status, function_error, body: String::from_utf8_lossy(&body).into_owned() })
}

/// The task's failure for an invocation that did not return a result.
fn failure(reply: &Reply, function: &str) -> Failure {
    if reply.function_error.is_some() {
        // AWS: the function's errorType is the error, the whole error payload the cause.
        let error_type = serde_json::from_str::<Value>(&reply.body).ok().and_then(|v| v.get("errorType").and_then(Value::as_str).map(str::to_string));
        return Failure::new(error_type.unwrap_or_else(|| "Lambda.Unknown".into()), reply.body.clone());
    }
    let error = match reply.status {
        404 => "Lambda.ResourceNotFoundException",
        429 => "Lambda.TooManyRequestsException",
        400..=499 => "Lambda.InvalidRequestContentException",
        _ => "Lambda.ServiceException",
    };
    Failure::new(error, format!("Lambda function '{function}' answered HTTP {}: {}", reply.status, reply.body))
}

fn parse_payload(body: &str) -> Value {
    if body.trim().is_empty() { Value::Null } else { serde_json::from_str(body).unwrap_or_else(|_| Value::String(body.to_string())) }
}

async fn call(endpoint: &str, function: &str, payload: &Value) -> Result<Value, Failure> {
    let reply = invoke(endpoint, function, payload).await.map_err(|e| Failure::new("Lambda.ServiceException", e))?;
    if reply.function_error.is_some() || !(200..300).contains(&reply.status) {
        return Err(failure(&reply, function));
    }
    Ok(parse_payload(&reply.body))
}

/// A Lambda function called by its ARN: the state's input is the payload, the result its answer.
pub(crate) fn function_handler(endpoint: String) -> impl Fn(Value, TaskContext) -> BoxFuture<'static, Result<Value, Failure>> + Send + Sync + 'static {
    move |input: Value, ctx: TaskContext| {
        let endpoint = endpoint.clone();
        Box::pin(async move { call(&endpoint, ctx.resource, &input).await })
    }
}

/// `arn:aws:states:::lambda:invoke` (and `.waitForTaskToken`): `FunctionName` and `Payload` from
/// the arguments; the result in the Lambda API's response shape.
pub(crate) fn invoke_handler(endpoint: String) -> impl Fn(Value, TaskContext) -> BoxFuture<'static, Result<Value, Failure>> + Send + Sync + 'static {
    move |args: Value, _ctx: TaskContext| {
        let endpoint = endpoint.clone();
        Box::pin(async move {
            let Some(function) = args.get("FunctionName").and_then(Value::as_str).map(str::to_string) else {
                return Err(Failure::new("States.Runtime", "lambda:invoke needs a FunctionName in its Parameters (or Arguments)"));
            };
            let payload = args.get("Payload").cloned().unwrap_or(Value::Null);
            let result = call(&endpoint, &function, &payload).await?;
            Ok(json!({
                "ExecutedVersion": "$LATEST",
                "Payload": result,
                "SdkHttpMetadata": {"HttpStatusCode": 200},
                "SdkResponseMetadata": {"RequestId": crate::ids::new_id()},
                "StatusCode": 200,
            }))
        })
    }
}
