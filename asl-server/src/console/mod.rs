//! The web console: a page served at `/` that watches and drives machines, executions and
//! activities in the browser. The page's data comes from the wire protocol itself (its script
//! POSTs `AWSStepFunctions.*` actions to `/`, as the SDKs do); the console adds only what the
//! protocol lacks: a machine's graph as SVG ([`graph`]) and live history as server-sent events
//! ([`events`]). The assets are files of this crate compiled into the binary: no build step and
//! nothing fetched from elsewhere.

pub mod events;
pub mod graph;

use std::sync::Arc;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::protocol::App;

const INDEX: &str = include_str!("../../console/index.html");
const CSS: &str = include_str!("../../console/console.css");
const JS: &str = include_str!("../../console/console.js");

/// The console's routes under `/console/`; `/` itself is [`index`] (GET) beside the protocol (POST).
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/console/console.css", get(|| async { asset("text/css; charset=utf-8", CSS) }))
        .route("/console/console.js", get(|| async { asset("text/javascript; charset=utf-8", JS) }))
        .route("/console/graph/{arn}", get(graph::handle))
        .route("/console/events/{arn}", get(events::handle))
}

/// `GET /`: the page (a single page; the fragment after `#` picks the view).
pub(crate) async fn index() -> Response {
    asset("text/html; charset=utf-8", INDEX)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
            // Everything the page uses comes from this server.
            (header::CONTENT_SECURITY_POLICY, "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'"),
        ],
        body,
    )
        .into_response()
}

/// An error of a console endpoint as plain text, with the protocol error's status.
fn failure(status: u16, message: impl Into<String>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message.into()).into_response()
}

/// Calls one action through the same dispatch as `POST /`, with a JSON body, answering JSON.
pub(crate) async fn call(app: &App, action: &str, body: serde_json::Value) -> Result<serde_json::Value, crate::ApiError> {
    let bytes = serde_json::to_vec(&body).expect("a JSON value serializes");
    match crate::backend::dispatch(&*app.backend, action, &bytes).await {
        Some(Ok(out)) => Ok(serde_json::from_slice(&out).unwrap_or(serde_json::Value::Null)),
        Some(Err(e)) => Err(e),
        None => Err(crate::ApiError::new(crate::ErrorCode::UnknownOperationException, format!("unknown action {action}"))),
    }
}
