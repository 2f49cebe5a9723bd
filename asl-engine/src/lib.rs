//! The durable execution engine for aslc workflows: [`engine::Engine`] runs executions that
//! outlive the process, on the storage layer in [`store`].
pub mod engine;
pub mod store;

pub use engine::{Engine, EngineError, EngineOptions, RedriveStatus, WeakEngine};
