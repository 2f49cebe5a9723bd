//! A server on a memory store and TestState calls to it (shared by the TestState and HTTP Task
//! tests).
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use asl_engine::EngineOptions;
use asl_engine::store::MemoryStore;
use asl_server::{EngineBackend, Server, Settings};
use serde_json::Value;

use crate::wire::Conn;

pub async fn serve() -> SocketAddr {
    let backend = EngineBackend::with_store(Settings::default(), Arc::new(MemoryStore::new()), EngineOptions::default()).await.unwrap();
    let bound = Server::builder().backend(backend).bind(([127, 0, 0, 1], 0).into()).await.unwrap();
    let addr = bound.local_addr();
    tokio::spawn(bound.serve());
    addr
}

/// One TestState call: (status, body).
pub async fn call(addr: SocketAddr, body: Value) -> (u16, Value) {
    Conn::open(addr).await.call("TestState", &body.to_string()).await
}

/// A TestState call that must succeed.
pub async fn test(addr: SocketAddr, body: Value) -> Value {
    let (status, out) = call(addr, body).await;
    assert_eq!(status, 200, "{out}");
    out
}

/// A JSON string field, parsed.
pub fn parsed(v: &Value) -> Value {
    serde_json::from_str(v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))).unwrap()
}
