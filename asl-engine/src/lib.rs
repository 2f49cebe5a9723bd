//! The durable execution engine for aslc workflows. For now this crate holds the storage layer
//! ([`store`]) that the engine sits on; see that module for the data model.
pub mod store;
