//! The HTTP Task (`arn:aws:states:::http:invoke`): the real HTTP call, with AWS's arguments
//! (`ApiEndpoint`, `Method`, `Headers`, `QueryParameters`, `RequestBody`, `Transform`) and result
//! (`ResponseBody`, `StatusCode`, `StatusText`, `Headers`); a status outside 2xx fails the task
//! with `States.Http.StatusCode.NNN`.
//!
//! Local limits, on purpose: plain `http://` only (no TLS client is built in, as for
//! `--lambda-endpoint`; an `https://` endpoint fails the task saying so), and
//! `Authentication.ConnectionArn` is accepted and not resolved (AWS reads credentials from an
//! EventBridge connection; this server has none, so no authorization header is added: put it in
//! `Headers` for a local endpoint). Assumed where AWS does not spell it out: the failure's cause
//! is the response in the result's shape, as JSON; response headers are lists of values.

use asl_runtime::{BoxFuture, Failure, TaskContext, Value};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use serde_json::{Map, json};

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"];

fn runtime(message: impl Into<String>) -> Failure {
    Failure::new("States.Runtime", message)
}

/// Percent-encodes a query key or value (RFC 3986 unreserved characters kept).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `key=value` pairs of an object, arrays spelled as `ArrayFormat` says (AWS's default: INDICES).
fn form_pairs(prefix: &str, v: &Value, format: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}[{k}]") };
                form_pairs(&key, v, format, out);
            }
        }
        Value::Array(items) => match format {
            "COMMAS" => out.push((prefix.to_string(), items.iter().map(scalar).collect::<Vec<_>>().join(","))),
            _ => {
                for (i, item) in items.iter().enumerate() {
                    let key = match format {
                        "REPEAT" => prefix.to_string(),
                        "BRACKETS" => format!("{prefix}[]"),
                        _ => format!("{prefix}[{i}]"),
                    };
                    form_pairs(&key, item, format, out);
                }
            }
        },
        other => out.push((prefix.to_string(), scalar(other))),
    }
}

fn join(pairs: &[(String, String)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

/// The request the arguments describe: method, path and query, headers, body.
struct Request {
    method: String,
    host: String,
    port: u16,
    authority: String,
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

fn request(args: &Value) -> Result<Request, Failure> {
    let endpoint = args.get("ApiEndpoint").and_then(Value::as_str).ok_or_else(|| runtime("the HTTP Task needs an ApiEndpoint string in its Parameters (or Arguments)"))?;
    let method = args.get("Method").and_then(Value::as_str).ok_or_else(|| runtime("the HTTP Task needs a Method string in its Parameters (or Arguments)"))?.to_uppercase();
    if !METHODS.contains(&method.as_str()) {
        return Err(runtime(format!("the HTTP Task's Method '{method}' is not one of {}", METHODS.join(", "))));
    }
    let uri: hyper::Uri = endpoint.parse().map_err(|e| runtime(format!("the HTTP Task's ApiEndpoint '{endpoint}' is not a URL: {e}")))?;
    match uri.scheme_str() {
        Some("http") => {}
        Some("https") => {
            return Err(runtime(format!("asl-server's HTTP Task (arn:aws:states:::http:invoke) calls plain http:// endpoints only: it has no TLS client, so not '{endpoint}'")));
        }
        _ => return Err(runtime(format!("the HTTP Task's ApiEndpoint '{endpoint}' is not an http:// URL"))),
    }
    let host = uri.host().unwrap_or_default().to_string();
    let port = uri.port_u16().unwrap_or(80);
    let format = args.pointer("/Transform/RequestEncodingOptions/ArrayFormat").and_then(Value::as_str).unwrap_or("INDICES").to_string();
    let mut query: Vec<(String, String)> = Vec::new();
    if let Some(q) = args.get("QueryParameters") {
        if !q.is_object() {
            return Err(runtime("the HTTP Task's QueryParameters must be an object"));
        }
        form_pairs("", q, &format, &mut query);
    }
    let mut path = uri.path().to_string();
    let existing = uri.query().map(str::to_string);
    let added = join(&query);
    match (existing, added.is_empty()) {
        (Some(e), true) => path = format!("{path}?{e}"),
        (Some(e), false) => path = format!("{path}?{e}&{added}"),
        (None, false) => path = format!("{path}?{added}"),
        (None, true) => {}
    }
    let mut headers: Vec<(String, String)> = Vec::new();
    if let Some(h) = args.get("Headers") {
        let Some(h) = h.as_object() else { return Err(runtime("the HTTP Task's Headers must be an object")) };
        headers.extend(h.iter().map(|(k, v)| (k.clone(), scalar(v))));
    }
    let has = |headers: &[(String, String)], name: &str| headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
    let url_encoded = args.pointer("/Transform/RequestBodyEncoding").and_then(Value::as_str) == Some("URL_ENCODED");
    let body = match args.get("RequestBody") {
        None | Some(Value::Null) => String::new(),
        Some(b) if url_encoded => {
            let mut pairs = Vec::new();
            form_pairs("", b, &format, &mut pairs);
            if !has(&headers, "content-type") {
                headers.push(("Content-Type".into(), "application/x-www-form-urlencoded".into()));
            }
            join(&pairs)
        }
        Some(Value::String(s)) => s.clone(),
        Some(b) => {
            if !has(&headers, "content-type") {
                headers.push(("Content-Type".into(), "application/json; charset=UTF-8".into()));
            }
            b.to_string()
        }
    };
    let authority = uri.authority().map(|a| a.as_str().to_string()).unwrap_or_else(|| host.clone());
    Ok(Request { method, host, port, authority, path, headers, body })
}

/// Makes the call and answers AWS's result shape, or the task's failure.
pub(crate) async fn invoke(args: &Value) -> Result<Value, Failure> {
    let r = request(args)?;
    let target = format!("http://{}{}", r.authority, r.path);
    let stream = tokio::net::TcpStream::connect((r.host.as_str(), r.port)).await.map_err(|e| runtime(format!("cannot reach {target}: {e}")))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.map_err(|e| runtime(format!("{target}: {e}")))?;
    tokio::spawn(conn);
    let mut builder = hyper::Request::builder().method(r.method.as_str()).uri(r.path.as_str()).header(hyper::header::HOST, r.authority.as_str());
    for (k, v) in &r.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    let request = builder.body(Full::new(Bytes::from(r.body))).map_err(|e| runtime(format!("cannot make the request to {target}: {e}")))?;
    let response = sender.send_request(request).await.map_err(|e| runtime(format!("{target}: {e}")))?;
    let status = response.status();
    let mut headers = Map::new();
    for (name, value) in response.headers() {
        let list = headers.entry(name.as_str().to_string()).or_insert_with(|| json!([]));
        if let Some(list) = list.as_array_mut() {
            list.push(json!(String::from_utf8_lossy(value.as_bytes())));
        }
    }
    let body = response.into_body().collect().await.map_err(|e| runtime(format!("{target}: {e}")))?.to_bytes();
    let text = String::from_utf8_lossy(&body).into_owned();
    let response_body = serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text));
    let result = json!({
        "Headers": headers,
        "ResponseBody": response_body,
        "StatusCode": status.as_u16(),
        "StatusText": status.canonical_reason().unwrap_or(""),
    });
    if status.is_success() { Ok(result) } else { Err(Failure::new(format!("States.Http.StatusCode.{}", status.as_u16()), result.to_string())) }
}

pub(crate) fn handler() -> impl Fn(Value, TaskContext) -> BoxFuture<'static, Result<Value, Failure>> + Send + Sync + 'static {
    |args: Value, _ctx: TaskContext| Box::pin(async move { invoke(&args).await })
}

/// TestState's TRACE view of the request the arguments make.
pub(crate) fn trace_request(args: &Value) -> Option<crate::model::InspectionDataRequest> {
    let r = request(args).ok()?;
    let headers: Map<String, Value> = r.headers.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    Some(crate::model::InspectionDataRequest {
        protocol: Some("http".into()),
        method: Some(r.method),
        url: Some(format!("http://{}{}", r.authority, r.path)),
        headers: Some(Value::Object(headers).to_string()),
        body: Some(r.body),
    })
}

/// TestState's TRACE view of a response, from the task's result (or its failure's cause).
pub(crate) fn trace_response(result: &Value) -> Option<crate::model::InspectionDataResponse> {
    let code = result.get("StatusCode")?.as_u64()?;
    let body = match result.get("ResponseBody") {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    Some(crate::model::InspectionDataResponse {
        protocol: Some("http".into()),
        status_code: Some(code.to_string()),
        status_message: result.get("StatusText").and_then(Value::as_str).map(str::to_string),
        headers: result.get("Headers").map(Value::to_string),
        body: Some(body),
    })
}
