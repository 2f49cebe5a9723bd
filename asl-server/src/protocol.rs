//! The AWS JSON 1.0 wire protocol: `POST /` with `X-Amz-Target: AWSStepFunctions.<Action>`,
//! a JSON object body, a JSON answer with `Content-Type: application/x-amz-json-1.0`, and errors
//! as `{"__type", "message"}` with their HTTP status.
//!
//! SigV4 `Authorization` headers are accepted and not checked: this is a local/test endpoint,
//! and the SDKs refuse to send unsigned requests, so any credentials must do.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::backend::{Backend, dispatch};
use crate::error::{ApiError, ErrorCode};
use crate::validate::{Validate, validation_errors};

pub const TARGET_PREFIX: &str = "AWSStepFunctions.";
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

/// Decodes a request body into its input shape and checks the shape's constraints. Malformed JSON
/// and wrong JSON types are `SerializationException`s (AWS's answer); missing members, null
/// required members, unknown enum values and constraint violations are `ValidationException`s.
pub(crate) fn decode<T: DeserializeOwned + Validate>(body: &[u8]) -> Result<T, ApiError> {
    // The CLI sends `{}` for actions without parameters, but an empty body means the same.
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { body };
    let value: Value = serde_json::from_slice(body).map_err(|e| ApiError::new(ErrorCode::SerializationException, format!("The request body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::new(ErrorCode::SerializationException, "The request body must be a JSON object"));
    }
    let input: T = serde_path_to_error::deserialize(value).map_err(shape_error)?;
    input.validate()?;
    Ok(input)
}

/// Turns serde's complaint into AWS's, with the member path in AWS's notation (`tags.1.member.key`).
fn shape_error(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    use serde_path_to_error::Segment;
    let mut path = String::new();
    for seg in e.path().iter() {
        let part = match seg {
            Segment::Seq { index } => format!("{}.member", index + 1),
            Segment::Map { key } => key.clone(),
            Segment::Enum { variant } => variant.clone(),
            Segment::Unknown => continue,
        };
        path = crate::validate::join(&path, &part);
    }
    let msg = e.inner().to_string();
    let between_ticks = |s: &str| s.split('`').nth(1).map(str::to_string);
    if let Some(rest) = msg.strip_prefix("missing field ") {
        let member = between_ticks(rest).unwrap_or_default();
        let at = crate::validate::join(&path, &member);
        return validation_errors(vec![format!("Value null at '{at}' failed to satisfy constraint: Member must not be null")]);
    }
    if msg.starts_with("invalid type: null") {
        return validation_errors(vec![format!("Value null at '{path}' failed to satisfy constraint: Member must not be null")]);
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let given = between_ticks(rest).unwrap_or_default();
        let allowed: Vec<&str> = rest.split("expected ").nth(1).unwrap_or("").split('`').skip(1).step_by(2).collect();
        return validation_errors(vec![format!("Value '{given}' at '{path}' failed to satisfy constraint: Member must satisfy enum value set: [{}]", allowed.join(", "))]);
    }
    let at = if path.is_empty() { String::new() } else { format!(" at '{path}'") };
    // Say the JSON type wanted, not the Rust one.
    let msg = msg.replace("expected i32", "expected an integer").replace("expected i64", "expected an integer").replace("expected f64", "expected a number");
    ApiError::new(ErrorCode::SerializationException, format!("Cannot read the value{at}: {msg}"))
}

pub(crate) fn encode<T: Serialize>(out: &T) -> Vec<u8> {
    serde_json::to_vec(out).expect("response shapes always serialize")
}

/// A token bucket for the API call rate quota (one bucket for all actions).
pub(crate) struct Bucket {
    rate: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl Bucket {
    pub(crate) fn new(rate: f64, burst: f64) -> Self {
        Bucket { rate, burst, state: Mutex::new((burst, Instant::now())) }
    }

    fn take(&self) -> bool {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        s.0 = (s.0 + now.duration_since(s.1).as_secs_f64() * self.rate).min(self.burst);
        s.1 = now;
        if s.0 >= 1.0 {
            s.0 -= 1.0;
            true
        } else {
            false
        }
    }
}

pub(crate) struct App {
    pub backend: Arc<dyn Backend>,
    pub bucket: Option<Bucket>,
    pub max_body_bytes: usize,
}

fn request_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos() as u64;
    crate::ids::uuid_like(t, n)
}

fn respond(status: u16, body: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    if let Ok(v) = HeaderValue::from_str(&request_id()) {
        h.insert("x-amzn-RequestId", v);
    }
    r
}

fn error_response(e: &ApiError) -> Response {
    respond(e.status(), e.body())
}

pub(crate) async fn handle(State(app): State<Arc<App>>, headers: HeaderMap, body: Body) -> Response {
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or("");
    let Some(action) = target.strip_prefix(TARGET_PREFIX).map(str::to_string) else {
        let what = if target.is_empty() { "No X-Amz-Target header".to_string() } else { format!("Unknown target '{target}'") };
        return error_response(&ApiError::new(ErrorCode::UnknownOperationException, format!("{what}: expected X-Amz-Target: {TARGET_PREFIX}<Action>")));
    };
    if let Some(bucket) = &app.bucket
        && !bucket.take()
    {
        return error_response(&ApiError::new(ErrorCode::ThrottlingException, "Rate exceeded"));
    }
    let bytes = match read_body(body, app.max_body_bytes).await {
        Ok(b) => b,
        Err(size) => {
            return error_response(&ApiError::new(
                ErrorCode::RequestEntityTooLargeException,
                format!("The request body ({size} bytes{}) is over this server's limit of {} bytes", if size > DRAIN_CAP { " or more" } else { "" }, app.max_body_bytes),
            ));
        }
    };
    // The action runs in its own task so that a panic in a backend answers InternalFailure
    // instead of dropping the connection.
    let backend = app.backend.clone();
    let task = tokio::spawn(async move { dispatch(&*backend, &action, &bytes).await.ok_or(action) });
    match task.await {
        Ok(Ok(Ok(out))) => respond(200, out),
        Ok(Ok(Err(e))) => error_response(&e),
        Ok(Err(action)) => error_response(&ApiError::new(ErrorCode::UnknownOperationException, format!("Unknown operation: AWSStepFunctions.{action}"))),
        Err(_) => error_response(&ApiError::new(ErrorCode::InternalFailure, "The server failed while handling this request")),
    }
}

/// Past this many bytes an oversized body is no longer read, and the connection is closed on it.
const DRAIN_CAP: u64 = 64 << 20;

/// The body, or (when it is over `max`) how many bytes were seen. An oversized body is read to
/// its end (up to [`DRAIN_CAP`]) and dropped, not left unread: closing a socket with unread data
/// resets the connection, and the client would lose the 413 answer to a connection error.
async fn read_body(mut body: Body, max: usize) -> Result<Vec<u8>, u64> {
    use http_body_util::BodyExt;
    let mut buf = Vec::new();
    let mut seen: u64 = 0;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { break };
        let Ok(data) = frame.into_data() else { continue };
        seen += data.len() as u64;
        if seen <= max as u64 {
            buf.extend_from_slice(&data);
        } else if seen > DRAIN_CAP {
            break;
        }
    }
    if seen > max as u64 { Err(seen) } else { Ok(buf) }
}

pub(crate) async fn not_found() -> Response {
    error_response(&ApiError::new(ErrorCode::UnknownOperationException, "The Step Functions API is served as POST / with an X-Amz-Target header"))
}
