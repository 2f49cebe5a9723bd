//! `GET /console/events/{arn}[?after=ID]`: an execution's history as server-sent events, live.
//!
//! The backend has no subscription, so this reads it through the same actions as the wire
//! protocol: each tick, DescribeExecution and then the events newer than the last one sent
//! (GetExecutionHistory in reverse order, page by page until it reaches what was sent, so a tick
//! costs the new events, not the whole history). Messages:
//! - `history`: a JSON array of new history events, oldest first; the SSE id is the last event's
//!   id, so a reconnecting `EventSource` resumes after it (`Last-Event-ID`).
//! - `end`: the execution has stopped and every event was sent; data: DescribeExecution's answer.
//! - `failure`: the execution cannot be read; data: `{"error","message"}`. The stream ends.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use serde_json::{Value, json};

use super::call;
use crate::protocol::App;

/// How often a running execution is looked at.
const TICK: Duration = Duration::from_millis(200);
/// Events in the first GetExecutionHistory page of a tick: a running execution usually has a
/// few new events, so a tick reads few; the pages grow fourfold up to AWS's most (1000) when more came.
const FIRST_PAGE: u64 = 25;
const MAX_PAGE: u64 = 1000;

pub(crate) async fn handle(State(app): State<Arc<App>>, Path(arn): Path<String>, RawQuery(query): RawQuery, headers: HeaderMap) -> impl IntoResponse {
    let after = headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok()).or_else(|| query.as_deref().and_then(after_param)).unwrap_or(0);
    let start = Watch { app, arn, last: after, done: false, first: true };
    let stream = futures_util::stream::unfold(start, |mut w| async move {
        if w.done {
            return None;
        }
        let event = w.next().await;
        Some((Ok::<_, Infallible>(event), w))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn after_param(query: &str) -> Option<i64> {
    query.split('&').find_map(|kv| kv.strip_prefix("after=")).and_then(|v| v.parse().ok())
}

struct Watch {
    app: Arc<App>,
    arn: String,
    /// The id of the last event sent.
    last: i64,
    done: bool,
    first: bool,
}

impl Watch {
    /// The next message: waits while the execution runs without new events.
    async fn next(&mut self) -> Event {
        loop {
            if !self.first {
                tokio::time::sleep(TICK).await;
            }
            self.first = false;
            // The status first: events read after a stopped status are all the events there are.
            let described = match call(&self.app, "DescribeExecution", json!({ "executionArn": self.arn })).await {
                Ok(d) => d,
                Err(e) => return self.fail(e),
            };
            let new = match self.newer_events().await {
                Ok(new) => new,
                Err(e) => return self.fail(e),
            };
            if let Some(last) = new.last().and_then(|e| e["id"].as_i64()) {
                self.last = last;
                return Event::default().event("history").id(last.to_string()).data(Value::Array(new).to_string());
            }
            if described["status"].as_str() != Some("RUNNING") {
                self.done = true;
                return Event::default().event("end").data(described.to_string());
            }
        }
    }

    /// Events with ids above `last`, oldest first.
    async fn newer_events(&self) -> Result<Vec<Value>, crate::ApiError> {
        let mut newer = Vec::new();
        let mut token: Option<String> = None;
        let mut page_size = FIRST_PAGE;
        loop {
            let mut req = json!({ "executionArn": self.arn, "reverseOrder": true, "maxResults": page_size, "includeExecutionData": true });
            if let Some(t) = &token {
                req["nextToken"] = Value::String(t.clone());
            }
            let page = call(&self.app, "GetExecutionHistory", req).await?;
            let events = page["events"].as_array().cloned().unwrap_or_default();
            let mut reached = false;
            for e in events {
                if e["id"].as_i64().unwrap_or(0) > self.last {
                    newer.push(e);
                } else {
                    reached = true;
                }
            }
            token = page["nextToken"].as_str().map(str::to_string);
            page_size = (page_size * 4).min(MAX_PAGE);
            if reached || token.is_none() {
                break;
            }
        }
        newer.reverse();
        Ok(newer)
    }

    fn fail(&mut self, e: crate::ApiError) -> Event {
        self.done = true;
        Event::default().event("failure").data(json!({ "error": e.code.as_str(), "message": e.message }).to_string())
    }
}
