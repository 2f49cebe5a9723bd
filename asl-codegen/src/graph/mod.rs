//! Pictures of a workflow: the state graph, drawn as Mermaid, Graphviz DOT or a self-laid-out SVG.
//!
//! [`Graph::build`] turns the typed [`model`](crate::model) into a format-neutral graph (every
//! scope with its own start and end markers, Choice edges labelled by their rule, Catch edges by
//! their error names, Parallel branches and Map processors as nested scopes). Each renderer lives
//! in its own module: [`mermaid`], [`dot`] and [`svg`] (which uses the layered layout of
//! [`layout`]; no Graphviz needed).

#[allow(clippy::module_inception)]
mod graph;
pub mod dot;
pub mod layout;
pub mod mermaid;
pub mod svg;

pub use graph::{rule_text, Edge, EdgeKind, Graph, Node, NodeKind, Scope, StateType};
