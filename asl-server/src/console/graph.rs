//! `GET /console/graph/{arn}`: the `asl graph` SVG of a state machine (or of the machine an
//! execution ran), with each state's box tagged `data-state="NAME"` so the page can colour the
//! states of an execution by the names its history events carry.

use std::sync::Arc;

use asl_codegen::graph::{Graph, NodeKind};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{call, failure};
use crate::protocol::App;

pub(crate) async fn handle(State(app): State<Arc<App>>, Path(arn): Path<String>) -> Response {
    // Execution ARNs (standard `:execution:`, express `:express:`) draw the machine they ran.
    let described = if arn.contains(":execution:") || arn.contains(":express:") {
        call(&app, "DescribeStateMachineForExecution", json!({ "executionArn": arn })).await
    } else {
        call(&app, "DescribeStateMachine", json!({ "stateMachineArn": arn })).await
    };
    let described = match described {
        Ok(d) => d,
        Err(e) => return failure(e.status(), format!("{}: {}", e.code.as_str(), e.message)),
    };
    let name = described["name"].as_str().unwrap_or("machine");
    let Some(definition) = described["definition"].as_str() else {
        return failure(500, "the machine has no definition");
    };
    match svg(name, definition) {
        Ok(svg) => ([(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], svg).into_response(),
        Err(e) => failure(422, e),
    }
}

/// Draws a definition; one with problems is drawn as far as it can be read, as `asl graph` does.
pub fn svg(name: &str, definition: &str) -> Result<String, String> {
    let root = asl_codegen::json::parse(definition).ok();
    let graph = match asl_codegen::check(definition) {
        Ok(m) => Graph::build(name, &m, root.as_ref()),
        Err(_) => {
            let mut d = asl_codegen::diagnostic::Diagnostics::default();
            match root.as_ref().and_then(|r| asl_codegen::parse::machine(r, definition, &mut d)) {
                Some(m) => Graph::build(name, &m, root.as_ref()),
                None => return Err(format!("cannot draw {name}: its definition is not a workflow")),
            }
        }
    };
    Ok(tag_states(&graph, asl_codegen::graph::svg::render(&graph)))
}

/// Adds `data-state="NAME"` beside each state's `data-node="ID"` (ids are unique and made of
/// `[A-Za-z0-9_]`, so the quoted attribute occurs once per box).
fn tag_states(graph: &Graph, mut svg: String) -> String {
    for scope in graph.scopes() {
        for node in &scope.nodes {
            if let NodeKind::State(_) = node.kind {
                let at = format!(r#"data-node="{}""#, node.id);
                let tagged = format!(r#"{at} data-state="{}" tabindex="0""#, escape(&node.name));
                svg = svg.replacen(&at, &tagged, 1);
            }
        }
    }
    svg
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_box_carries_its_name() {
        let def = r#"{"StartAt":"A \"x\"","States":{"A \"x\"":{"Type":"Pass","Next":"P"},
            "P":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}],"End":true}}}"#;
        let svg = svg("m", def).unwrap();
        for name in ["A &quot;x&quot;", "P", "B"] {
            assert_eq!(svg.matches(&format!(r#"data-state="{name}""#)).count(), 1, "{name}: {svg}");
        }
        // Start and end markers are not states.
        assert_eq!(svg.matches("data-state=").count(), 3);
    }

    #[test]
    fn a_definition_that_is_not_a_workflow_is_refused_by_name() {
        assert_eq!(svg("m", "[1]").unwrap_err(), "cannot draw m: its definition is not a workflow");
    }
}
