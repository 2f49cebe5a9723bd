//! `asl-server`: the AWS Step Functions API (AWS JSON 1.0 over HTTP/1.1) so that the AWS CLI,
//! boto3 and the other AWS SDKs can drive aslc, as they drive Step Functions Local on port 8083.
//!
//! The protocol layer ([`protocol`]) decodes each request into its input shape ([`model`],
//! generated from the API's model with AWS's member names and constraints), and hands it to a
//! [`Backend`], one async method per action. [`EngineBackend`] (what the `asl-server` binary
//! serves) runs executions on asl-engine and keeps everything in its database (SQLite,
//! PostgreSQL or memory); [`MemoryBackend`] serves the state machine, version, alias, activity
//! and tag actions in memory and answers the execution actions `NotImplemented` (it is the
//! default of [`Server::builder`], which needs no database).
//!
//! Requests signed with SigV4 are accepted without checking the signature.

pub mod arn;
pub mod backend;
pub mod console;
pub mod engine_backend;
pub mod error;
pub mod ids;
pub mod memory;
pub mod model;
pub mod protocol;
pub mod timestamp;
pub mod validate;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

pub use asl_mock::mock::MockConfig;
pub use backend::Backend;
pub use engine_backend::EngineBackend;
pub use error::{ApiError, ErrorCode};
pub use memory::MemoryBackend;

/// Quotas. The defaults are AWS's per account and region where AWS has one; API throttling is off
/// by default because AWS's buckets (per action, e.g. StartExecution: bucket 1,300, refill 300/s
/// in the largest regions) would cap a local server far below what it can do.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// API calls per second over all actions (a token bucket refilled at this rate); `None`: no limit.
    /// Over it: `ThrottlingException`.
    pub api_calls_per_second: Option<f64>,
    /// The bucket's size: how many calls may come at once after a quiet time. Default: one second's worth.
    pub api_burst: Option<f64>,
    /// State machines (AWS: 10,000). Over it: `StateMachineLimitExceeded`.
    pub max_state_machines: usize,
    /// Activities (AWS: 10,000). Over it: `ActivityLimitExceeded`.
    pub max_activities: usize,
    /// Open (running) standard executions (AWS: 1,000,000). Over it: `ExecutionLimitExceeded`;
    /// enforced by the execution engine's backend.
    pub max_open_executions: usize,
    /// Versions kept per state machine (AWS: 1,000). Over it: `ServiceQuotaExceededException`.
    pub max_versions_per_state_machine: usize,
    /// Aliases per state machine (AWS: 100). Over it: `ServiceQuotaExceededException`.
    pub max_aliases_per_state_machine: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            api_calls_per_second: None,
            api_burst: None,
            max_state_machines: 10_000,
            max_activities: 10_000,
            max_open_executions: 1_000_000,
            max_versions_per_state_machine: 1_000,
            max_aliases_per_state_machine: 100,
        }
    }
}

/// Where durable state goes: `sqlite:PATH`, `postgres://…`, or `memory` (nothing kept after exit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbUrl {
    Sqlite(PathBuf),
    Postgres(String),
    Memory,
}

impl Default for DbUrl {
    /// A SQLite file in the working directory.
    fn default() -> Self {
        DbUrl::Sqlite(PathBuf::from("asl-server.db"))
    }
}

impl std::str::FromStr for DbUrl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if let Some(path) = s.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err("sqlite: needs a file path, as in sqlite:asl-server.db".into());
            }
            Ok(DbUrl::Sqlite(PathBuf::from(path)))
        } else if s == "memory" {
            Ok(DbUrl::Memory)
        } else if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Ok(DbUrl::Postgres(s.to_string()))
        } else {
            Err(format!("unknown database '{s}': expected sqlite:PATH, postgres://USER@HOST/DB or memory"))
        }
    }
}

impl std::fmt::Display for DbUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbUrl::Sqlite(p) => write!(f, "sqlite:{}", p.display()),
            DbUrl::Postgres(u) => f.write_str(u),
            DbUrl::Memory => f.write_str("memory"),
        }
    }
}

/// What a server is configured with; backends read what they need from it.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The region and account in the ARNs this server makes (Step Functions Local's defaults).
    pub region: String,
    pub account: String,
    pub limits: Limits,
    pub db: DbUrl,
    /// The Step Functions Local mock configuration (`--mock-config` or `SFN_MOCK_CONFIG`).
    pub mock_config: Option<Arc<MockConfig>>,
    /// A Lambda-compatible endpoint (the Lambda Invoke wire API) for Lambda task resources, as
    /// Step Functions Local's LAMBDA_ENDPOINT; for the execution engine.
    pub lambda_endpoint: Option<String>,
    /// Requests over this many bytes answer `RequestEntityTooLargeException` (HTTP 413) unread.
    /// Default 4 MiB: room for a 1 MiB definition (the most AWS takes) after JSON escaping, and
    /// for TestState's definition plus a 256 KiB input.
    pub max_body_bytes: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { region: "us-east-1".into(), account: "123456789012".into(), limits: Limits::default(), db: DbUrl::default(), mock_config: None, lambda_endpoint: None, max_body_bytes: 4 << 20 }
    }
}

/// The server: `Server::builder().limits(…).serve(addr)`; a host program adds its compiled
/// machines and task handlers with `.machine(…)` and `.handler(…)`.
pub struct Server;

impl Server {
    pub fn builder() -> ServerBuilder {
        ServerBuilder { settings: Settings::default(), backend: None, hosted: engine_backend::Hosted::default() }
    }
}

pub struct ServerBuilder {
    settings: Settings,
    backend: Option<Arc<dyn Backend>>,
    hosted: engine_backend::Hosted,
}

impl ServerBuilder {
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.settings.region = region.into();
        self
    }
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.settings.account = account.into();
        self
    }
    pub fn limits(mut self, limits: Limits) -> Self {
        self.settings.limits = limits;
        self
    }
    pub fn db(mut self, db: DbUrl) -> Self {
        self.settings.db = db;
        self
    }
    pub fn mock_config(mut self, mock: MockConfig) -> Self {
        self.settings.mock_config = Some(Arc::new(mock));
        self
    }
    pub fn lambda_endpoint(mut self, url: impl Into<String>) -> Self {
        self.settings.lambda_endpoint = Some(url.into());
        self
    }
    pub fn max_body_bytes(mut self, n: usize) -> Self {
        self.settings.max_body_bytes = n;
        self
    }
    /// Serve this backend instead of a [`MemoryBackend`] made from the settings.
    pub fn backend(mut self, backend: impl Backend) -> Self {
        self.backend = Some(Arc::new(backend));
        self
    }
    /// Serves a compiled (`asl!`) state machine as the state machine `name`, its
    /// `definition` the JSON it was compiled from (`include_str!` of the same file): it appears
    /// in ListStateMachines and DescribeStateMachine, and StartExecution runs the compiled code
    /// durably on the execution engine, in the database of [`db`](Self::db). A server with
    /// machines or handlers serves an [`EngineBackend`] (opened by [`bind`](Self::bind) or
    /// [`serve`](Self::serve)). Compiled task methods are the machine's own; an activity
    /// resource in a compiled machine is not routed to the engine's activities.
    pub fn machine(mut self, name: impl Into<String>, definition: impl Into<String>, machine: impl asl_runtime::Execute + 'static) -> Self {
        self.hosted.machines.push(engine_backend::Compiled { name: name.into(), definition: definition.into(), machine: Arc::new(machine) });
        self
    }

    /// Serves the Task resource `resource` (an ARN, or a pattern with `*`) with a Rust function,
    /// for the definitions created over the API (loaded at run time).
    pub fn handler(mut self, resource: impl Into<String>, handler: impl asl_runtime::Handler) -> Self {
        self.hosted.handlers.push((resource.into(), Arc::new(handler)));
        self
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The axum router serving the API (to mount in a larger app, or to serve by hand). Compiled
    /// machines and handlers need the database opened first: use [`into_router`](Self::into_router).
    pub fn router(self) -> axum::Router {
        if !self.hosted.machines.is_empty() || !self.hosted.handlers.is_empty() {
            eprintln!("asl-server: ServerBuilder::router() ignores .machine(…) and .handler(…); use into_router().await");
        }
        let limits = &self.settings.limits;
        let bucket = limits.api_calls_per_second.map(|rate| protocol::Bucket::new(rate, limits.api_burst.unwrap_or(rate.max(1.0))));
        let backend = match self.backend {
            Some(b) => b,
            None => Arc::new(MemoryBackend::new(self.settings.clone())),
        };
        let app = Arc::new(protocol::App { backend, bucket, max_body_bytes: self.settings.max_body_bytes });
        axum::Router::new()
            // Other methods on `/` and other paths get the same JSON error as an unknown action.
            // GET / is the web console (its assets and extras under /console/).
            .route("/", axum::routing::post(protocol::handle).get(console::index).fallback(protocol::not_found))
            .merge(console::routes())
            .fallback(protocol::not_found)
            .with_state(app)
    }

    /// [`router`](Self::router), opening the database for the compiled machines and handlers
    /// when there are any (an [`EngineBackend`] on [`db`](Self::db)).
    pub async fn into_router(mut self) -> std::io::Result<axum::Router> {
        let hosted = std::mem::take(&mut self.hosted);
        if self.backend.is_none() && (!hosted.machines.is_empty() || !hosted.handlers.is_empty()) {
            let backend = EngineBackend::open_hosting(self.settings.clone(), hosted).await.map_err(std::io::Error::other)?;
            self.backend = Some(Arc::new(backend));
        }
        Ok(self.router())
    }

    /// Binds `addr` (port 0 picks a free port) without serving yet.
    pub async fn bind(self, addr: SocketAddr) -> std::io::Result<Bound> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        Ok(Bound { addr: listener.local_addr()?, listener, router: self.into_router().await? })
    }

    pub async fn serve(self, addr: SocketAddr) -> std::io::Result<()> {
        self.bind(addr).await?.serve().await
    }
}

/// A bound, not yet serving, server.
pub struct Bound {
    addr: SocketAddr,
    listener: tokio::net::TcpListener,
    router: axum::Router,
}

impl Bound {
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }
    pub async fn serve(self) -> std::io::Result<()> {
        axum::serve(self.listener, self.router).await
    }
    pub async fn serve_with_shutdown(self, signal: impl std::future::Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        axum::serve(self.listener, self.router).with_graceful_shutdown(signal).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_urls() {
        assert_eq!("sqlite:data/x.db".parse::<DbUrl>(), Ok(DbUrl::Sqlite("data/x.db".into())));
        assert_eq!("sqlite:///abs/x.db".parse::<DbUrl>(), Ok(DbUrl::Sqlite("/abs/x.db".into())));
        assert_eq!("postgres://u@h/db".parse::<DbUrl>(), Ok(DbUrl::Postgres("postgres://u@h/db".into())));
        assert!("sqlite:".parse::<DbUrl>().is_err());
        assert!("mysql://h".parse::<DbUrl>().is_err());
        assert_eq!("memory".parse::<DbUrl>(), Ok(DbUrl::Memory));
        assert_eq!(DbUrl::default().to_string(), "sqlite:asl-server.db");
    }

    #[test]
    fn error_bodies_carry_the_namespaced_code_and_extra_members() {
        let e = ApiError::new(ErrorCode::ResourceNotFound, "gone").with("resourceName", "arn:x");
        let v: serde_json::Value = serde_json::from_slice(&e.body()).unwrap();
        assert_eq!(v, serde_json::json!({"__type": "com.amazonaws.swf.service.v2.model#ResourceNotFound", "message": "gone", "resourceName": "arn:x"}));
        assert_eq!(e.status(), 400);
        assert_eq!(ApiError::new(ErrorCode::InternalFailure, "").status(), 500);
        // Every code's status is a client error, except the server's own failures.
        for c in ErrorCode::ALL {
            let s = c.http_status();
            assert!((400..500).contains(&s) || matches!(c, ErrorCode::InternalFailure | ErrorCode::NotImplemented), "{c:?}");
        }
    }
}
