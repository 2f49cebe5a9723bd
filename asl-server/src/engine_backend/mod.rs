//! [`EngineBackend`]: the API on asl-engine. Executions run on the engine and live in its store
//! (SQLite, PostgreSQL or memory), with their history, activity tasks and task tokens; state
//! machines and activities are saved to the same store ([`records`]), so a server restarted on
//! the same database sees them all, loads every machine again and resumes the executions that
//! were running ([`asl_engine::Engine::recover`]).
//!
//! The state machine, version, alias, activity and tag actions keep [`MemoryBackend`]'s logic;
//! each change it makes is written to the store before the call answers.

mod convert;
mod express;
mod handlers;
mod hosted;
mod http_task;
mod lambda;
mod machines;
mod mocked;
mod records;
mod revisions;
mod test_state;
mod test_state_map;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use asl_engine::store::{MemoryStore, PostgresStore, SqliteStore, Store};
use asl_engine::{Engine, EngineOptions};
use asl_runtime::{Handlers, Value};
use tokio::task::JoinHandle;

use crate::arn::{self, Resource};
use crate::error::{ApiError, ErrorCode};
use crate::model::*;
use crate::{Backend, DbUrl, MemoryBackend, Settings};
use convert::engine_error;
pub use handlers::loader_definition_check;
pub use hosted::{Compiled, Hosted};
use revisions::RunKey;

/// How often a server on PostgreSQL counts the open executions again (other processes start and
/// end them too): the open-executions quota is exact to within what they did in this time.
const OPEN_RECOUNT: Duration = Duration::from_secs(2);

/// How long GetActivityTask waits for a task (AWS's long poll: 60 seconds).
pub const ACTIVITY_POLL: Duration = Duration::from_secs(60);

pub struct EngineBackend {
    memory: MemoryBackend,
    /// Revisions no longer current nor a version that running executions still run.
    retired: revisions::Retired,
    engine: Engine,
    handlers: Handlers,
    /// The host's compiled machines, by ARN.
    compiled: hosted::CompiledByArn,
    settings: Settings,
    /// One change of a machine or activity at a time, so that what is saved is what memory
    /// holds; starts share it, so that a change sees the executions started before it.
    changes: tokio::sync::RwLock<()>,
    recovery: JoinHandle<()>,
    activity_poll: Duration,
}

impl Drop for EngineBackend {
    fn drop(&mut self) {
        self.recovery.abort();
    }
}

/// Why a change was not saved.
enum Conflict {
    /// Another process inserted the same record first.
    Taken,
    Api(ApiError),
}

impl From<ApiError> for Conflict {
    fn from(e: ApiError) -> Self {
        Conflict::Api(e)
    }
}

/// Which saved record an ARN or name changes.
enum Target {
    Machine(String),
    Activity(String),
    None,
}

fn target_of(arn: &str) -> Target {
    match arn::parse(arn).map(|a| a.resource) {
        Ok(Resource::StateMachine { name, .. }) => Target::Machine(name),
        Ok(Resource::Activity { name }) => Target::Activity(name),
        _ => Target::None,
    }
}

impl EngineBackend {
    /// Opens the database `settings.db` names and starts the engine on it (within tokio).
    pub async fn open(settings: Settings) -> Result<Self, String> {
        Self::open_hosting(settings, Hosted::default()).await
    }

    /// [`open`](Self::open), serving a host's compiled machines and task handlers too.
    pub async fn open_hosting(settings: Settings, hosted: Hosted) -> Result<Self, String> {
        let (store, lease_ms, open_recount): (Arc<dyn Store>, i64, _) = match &settings.db {
            // One process owns a SQLite file or a memory store: a dead one's executions are
            // taken over soon after a restart, and the open executions are counted once. PostgreSQL
            // is shared: AWS-like 30 s leases, and the open executions (started and ended by
            // every process) counted again every few seconds.
            DbUrl::Sqlite(path) => (Arc::new(SqliteStore::open(path).map_err(|e| format!("cannot open the database {}: {e}", path.display()))?), 5_000, None),
            DbUrl::Postgres(url) => (Arc::new(PostgresStore::connect(url).await.map_err(|e| format!("cannot connect to {url}: {e}"))?), 30_000, Some(OPEN_RECOUNT)),
            DbUrl::Memory => (Arc::new(MemoryStore::new()), 5_000, None),
        };
        Self::with_store_hosting(settings, store, EngineOptions { lease_ms, open_recount, ..Default::default() }, hosted).await
    }

    /// A backend on a store of the caller's.
    pub async fn with_store(settings: Settings, store: Arc<dyn Store>, options: EngineOptions) -> Result<Self, String> {
        Self::with_store_hosting(settings, store, options, Hosted::default()).await
    }

    /// [`with_store`](Self::with_store), serving a host's compiled machines and task handlers too.
    pub async fn with_store_hosting(settings: Settings, store: Arc<dyn Store>, options: EngineOptions, hosted: Hosted) -> Result<Self, String> {
        let owner = format!("asl-server-{}-{}", std::process::id(), crate::ids::new_id());
        // The open-executions quota is the engine's: a counter checked at each start.
        let options = EngineOptions { max_open_executions: Some(settings.limits.max_open_executions), ..options };
        let every = Duration::from_millis((options.lease_ms / 3).clamp(100, 10_000) as u64);
        let engine = Engine::with_options(store.clone(), owner, options);
        let memory = MemoryBackend::new(settings.clone()).with_definition_check(Arc::new(loader_definition_check));
        let mut handlers = handlers::server_handlers(settings.lambda_endpoint.as_deref());
        for (arn, h) in hosted.handlers {
            handlers.insert(arn, h);
        }
        let prefix = format!("arn:aws:states:{}:{}:stateMachine:", settings.region, settings.account);
        let compiled: hosted::CompiledByArn = Arc::new(hosted.machines.iter().map(|c| (format!("{prefix}{}", c.name), c.clone())).collect());
        let retired = revisions::Retired::default();
        let loaded = records::load(&store, &memory).await?;
        for m in &loaded {
            let r = revisions::retired_of(&m.attributes);
            if !r.is_empty() {
                retired.lock().unwrap_or_else(|p| p.into_inner()).insert(m.name.clone(), r);
            }
        }
        engine.set_resolver(revisions::resolver(
            memory.clone(),
            retired.clone(),
            compiled.clone(),
            &engine,
            handlers.clone(),
            settings.mock_config.clone(),
            settings.region.clone(),
            settings.account.clone(),
        ));
        let mut backend =
            EngineBackend { memory, retired, engine, handlers, compiled, settings, changes: tokio::sync::RwLock::new(()), recovery: tokio::spawn(async {}), activity_poll: ACTIVITY_POLL };
        for m in loaded {
            if let Err(e) = backend.register_machine(&m.arn, &m.name, &m.definition, &m.role_arn) {
                eprintln!("asl-server: state machine {} does not load any more, its executions cannot run: {e}", m.arn);
            }
        }
        for c in hosted.machines {
            backend.host(c).await?;
        }
        backend.engine.recover().await.map_err(|e| format!("cannot resume the running executions: {e}"))?;
        backend.recovery = backend.engine.spawn_recovery(every);
        Ok(backend)
    }

    /// Saves a compiled machine as a state machine: created, or updated when its definition
    /// changed since the record was made (a new revision; running executions keep theirs).
    async fn host(&self, c: Compiled) -> Result<(), String> {
        let fail = |e: ApiError| format!("compiled state machine '{}': {}", c.name, e.message);
        let arn = self.arn_of("stateMachine", &c.name);
        match self.memory.export_machine(&c.name) {
            None => {
                // Assumed: a compiled machine's role is the account's `asl-server` role (it is
                // not assumed; only `$$.Execution.RoleArn` shows it).
                let role_arn = format!("arn:aws:iam::{}:role/asl-server", self.settings.account);
                let input = CreateStateMachineInput { name: c.name.clone(), definition: c.definition.clone(), role_arn, ..Default::default() };
                self.changing(Target::Machine(c.name.clone()), || self.memory.create_state_machine(input.clone())).await.map_err(fail)?;
            }
            Some(saved) if saved["config"]["definition"].as_str() != Some(c.definition.as_str()) => {
                let input = UpdateStateMachineInput { state_machine_arn: arn.clone(), definition: Some(c.definition.clone()), ..Default::default() };
                self.changing(Target::Machine(c.name.clone()), || self.memory.update_state_machine(input.clone())).await.map_err(fail)?;
            }
            Some(saved) => {
                let role = saved["config"]["role_arn"].as_str().unwrap_or_default().to_string();
                self.register_machine(&arn, &c.name, &c.definition, &role)?;
            }
        }
        Ok(())
    }

    /// Registers what runs a machine's current definition under its ARN: the host's compiled
    /// machine when it is that definition, else the definition loaded.
    fn register_machine(&self, arn: &str, name: &str, definition: &str, role_arn: &str) -> Result<(), String> {
        match hosted::compiled_for(&self.compiled, arn, definition) {
            Some(machine) => {
                self.engine.register(arn, Arc::new(machines::Placed { machine, place: self.place(role_arn) }));
                Ok(())
            }
            None => machines::register(&self.engine, arn, name, definition, &self.handlers, self.place(role_arn)),
        }
    }

    /// How long GetActivityTask waits (tests shorten it).
    pub fn with_activity_poll(mut self, wait: Duration) -> Self {
        self.activity_poll = wait;
        self
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Runs a machine or activity action of the memory backend and saves what it changed. The
    /// record is first read again from the store, which other processes may share: a change
    /// answers as AWS would given what they did (the same CreateStateMachine twice is
    /// idempotent, a different one `StateMachineAlreadyExists`). Two processes inserting the
    /// same name at once: the loser reads the winner's record and runs the action again.
    async fn changing<T, F: Future<Output = Result<T, ApiError>>>(&self, target: Target, action: impl Fn() -> F) -> Result<T, ApiError> {
        let _one = self.changes.write().await;
        let mut tries = 0;
        loop {
            tries += 1;
            let r = match &target {
                Target::Machine(name) => {
                    self.sync_machine(name).await?;
                    self.change_machine(name, action()).await
                }
                Target::Activity(name) => {
                    self.sync_activity(name).await?;
                    let before = self.memory.export_activity(name);
                    let out = action().await?;
                    let after = self.memory.export_activity(name);
                    let writes = records::activity_write(name, &before, &after);
                    self.save(writes, || drop(self.memory.import_activity(name, before))).await.map(|()| out)
                }
                Target::None => return action().await,
            };
            match r {
                Err(Conflict::Taken) if tries < 3 => continue,
                Err(Conflict::Taken) => return Err(ApiError::new(ErrorCode::InternalFailure, "the change was not saved: another process kept changing the same record")),
                Err(Conflict::Api(e)) => return Err(e),
                Ok(out) => return Ok(out),
            }
        }
    }

    /// Commits a change; on failure puts `undo` back.
    async fn save(&self, writes: Vec<asl_engine::store::Write>, undo: impl FnOnce()) -> Result<(), Conflict> {
        if writes.is_empty() {
            return Ok(());
        }
        match self.engine.store().apply(writes).await {
            Ok(()) => Ok(()),
            Err(e) => {
                undo();
                match e {
                    asl_engine::store::StoreError::AlreadyExists { .. } => Err(Conflict::Taken),
                    e => Err(Conflict::Api(ApiError::new(ErrorCode::InternalFailure, format!("the change was not saved: {e}")))),
                }
            }
        }
    }

    async fn change_machine<T>(&self, name: &str, action: impl Future<Output = Result<T, ApiError>>) -> Result<T, Conflict> {
        let before = self.memory.export_machine(name);
        let out = action.await?;
        let after = self.memory.export_machine(name);
        let was_retired = self.retired.lock().unwrap_or_else(|p| p.into_inner()).get(name).cloned().unwrap_or_default();
        let retired = match self.to_retire(&before, &after, &was_retired).await {
            Ok(r) => r,
            Err(e) => {
                let _ = self.memory.import_machine(name, before);
                return Err(e.into());
            }
        };
        let (saved_before, saved_after) = (revisions::with_retired(&before, &was_retired), revisions::with_retired(&after, &retired));
        let writes: Vec<_> = records::machine_write(name, &saved_before, &saved_after).into_iter().collect();
        let undo = before.clone();
        self.save(writes, || drop(self.memory.import_machine(name, undo))).await?;
        self.set_retired(name, retired);
        self.register_current(name, &before, &after)?;
        Ok(out)
    }

    fn set_retired(&self, name: &str, retired: std::collections::BTreeMap<String, Value>) {
        let mut all = self.retired.lock().unwrap_or_else(|p| p.into_inner());
        if retired.is_empty() {
            all.remove(name);
        } else {
            all.insert(name.to_string(), retired);
        }
    }

    /// Registers a machine's current definition under its ARN (what executions that recorded no
    /// revision run) when it changed.
    fn register_current(&self, name: &str, before: &Option<Value>, after: &Option<Value>) -> Result<(), ApiError> {
        let config = |v: &Option<Value>| v.as_ref().map(|v| (v["config"]["definition"].clone(), v["config"]["role_arn"].clone()));
        if let Some(a) = after
            && config(before) != config(after)
        {
            let row = records::machine_row(name, a);
            // The definition passed the same loader's check, and every resource has a
            // handler (the fallback): this fails only if the loader contradicts itself.
            if let Err(e) = self.register_machine(&row.arn, name, &row.definition, &row.role_arn) {
                return Err(ApiError::new(ErrorCode::InternalFailure, format!("the state machine was saved but does not load for execution: {e}")));
            }
        }
        Ok(())
    }

    fn arn_of(&self, kind: &str, name: &str) -> String {
        format!("arn:aws:states:{}:{}:{kind}:{name}", self.settings.region, self.settings.account)
    }

    /// Makes memory hold what the store holds of a machine (another process may have changed it).
    async fn sync_machine(&self, name: &str) -> Result<(), ApiError> {
        let row = self.engine.store().get_machine(&self.arn_of("stateMachine", name)).await.map_err(convert::store_error)?;
        let ours = self.memory.export_machine(name);
        let was_retired = self.retired.lock().unwrap_or_else(|p| p.into_inner()).get(name).cloned().unwrap_or_default();
        let stored = row.as_ref().map(|r| r.attributes.clone());
        if stored == revisions::with_retired(&ours, &was_retired) {
            return Ok(());
        }
        let theirs = stored.map(|mut v| {
            let retired = revisions::retired_of(&v);
            if let Some(o) = v.as_object_mut() {
                o.remove("retired");
            }
            (v, retired)
        });
        self.memory.import_machine(name, theirs.as_ref().map(|(v, _)| v.clone())).map_err(|e| ApiError::new(ErrorCode::InternalFailure, e))?;
        self.set_retired(name, theirs.as_ref().map(|(_, r)| r.clone()).unwrap_or_default());
        self.register_current(name, &ours, &theirs.map(|(v, _)| v))
    }

    async fn sync_activity(&self, name: &str) -> Result<(), ApiError> {
        let row = self.engine.store().get_activity(&self.arn_of("activity", name)).await.map_err(convert::store_error)?;
        let stored = row.map(|a| a.tags);
        if stored != self.memory.export_activity(name) {
            self.memory.import_activity(name, stored).map_err(|e| ApiError::new(ErrorCode::InternalFailure, e))?;
        }
        Ok(())
    }

    /// The revisions of a machine that a change leaves neither current nor a version and that
    /// running executions still run (with those retired before that still are).
    async fn to_retire(&self, before: &Option<Value>, after: &Option<Value>, was: &std::collections::BTreeMap<String, Value>) -> Result<std::collections::BTreeMap<String, Value>, ApiError> {
        // A deleted machine's record goes; its running executions go on in this process.
        let Some(after) = after else { return Ok(Default::default()) };
        let live = revisions::live_revisions(after);
        let mut candidates = was.clone();
        if let Some(b) = before {
            candidates.extend(revisions::live_revisions(b));
        }
        candidates.retain(|rev, _| !live.contains_key(rev));
        let arn = after["arn"].as_str().unwrap_or_default();
        revisions::still_running(&self.engine, arn, &candidates).await.map_err(engine_error)
    }

    fn place(&self, role_arn: &str) -> machines::Place {
        machines::Place { region: self.settings.region.clone(), account: self.settings.account.clone(), role_arn: role_arn.to_string() }
    }

    fn execution_arn(arn: &str) -> Result<(), ApiError> {
        match arn::parse(arn)?.resource {
            Resource::Execution { .. } => Ok(()),
            Resource::Express { .. } => Err(ApiError::new(ErrorCode::ExecutionDoesNotExist, format!("Execution Does Not Exist: '{arn}' (express executions keep no record)"))),
            _ => Err(ApiError::new(ErrorCode::InvalidArn, format!("Invalid Arn: 'Resource type not valid in this context: {arn}' (expected an execution)"))),
        }
    }

    async fn execution(&self, arn: &str) -> Result<asl_engine::store::Execution, ApiError> {
        Self::execution_arn(arn)?;
        self.engine.describe(arn).await.map_err(engine_error)
    }

    /// AWS's error for a SendTask* that failed. A task cancelled because its execution failed on
    /// the task's own deadline (the engine may end the execution before it marks the task) is
    /// AWS's `TaskTimedOut`, as a task marked timed out is.
    async fn task_error(&self, token: &str, e: asl_engine::EngineError) -> ApiError {
        use asl_engine::store::{StoreError, TaskStatus};
        if let asl_engine::EngineError::Store(StoreError::TaskFinished { status: TaskStatus::Cancelled, .. }) = &e
            && let Ok(Some(t)) = self.engine.store().get_task(token).await
        {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
            if t.timeout_deadline.into_iter().chain(t.heartbeat_deadline).any(|d| d <= now) {
                return convert::store_error(StoreError::TaskTimedOut(token.to_string()));
            }
        }
        engine_error(e)
    }

    /// Every event of an execution, oldest first (for the resources of its Task events).
    async fn whole_history(&self, arn: &str) -> Result<Vec<asl_engine::store::HistoryEvent>, ApiError> {
        let (mut all, mut token) = (Vec::new(), None);
        loop {
            let page = self.engine.history(arn, false, 1000, token).await.map_err(engine_error)?;
            all.extend(page.items);
            token = page.next_token;
            if token.is_none() {
                return Ok(all);
            }
        }
    }
}

fn parse_input(input: Option<&str>) -> Result<Value, ApiError> {
    serde_json::from_str(input.unwrap_or("{}")).map_err(|e| ApiError::new(ErrorCode::InvalidExecutionInput, format!("Invalid State Machine Execution Input: '{e}'")))
}

fn page_size(max_results: Option<i32>) -> usize {
    match max_results {
        None | Some(0) => 100,
        Some(n) => n.clamp(1, 1000) as usize,
    }
}

#[async_trait::async_trait]
impl Backend for EngineBackend {
    crate::forward_backend_methods!(memory:
        list_state_machines, describe_state_machine_alias, list_state_machine_aliases,
        list_state_machine_versions, validate_state_machine_definition, list_activities,
        list_tags_for_resource, describe_map_run, list_map_runs, update_map_run,
    );

    // A describe reads the record from the database first: another server sharing it may have
    // made, changed or deleted the machine (or activity) since this one last looked.
    async fn describe_state_machine(&self, input: DescribeStateMachineInput) -> Result<DescribeStateMachineOutput, ApiError> {
        if let Target::Machine(name) = target_of(&input.state_machine_arn) {
            let _reading = self.changes.read().await;
            self.sync_machine(&name).await?;
        }
        self.memory.describe_state_machine(input).await
    }

    async fn describe_activity(&self, input: DescribeActivityInput) -> Result<DescribeActivityOutput, ApiError> {
        if let Target::Activity(name) = target_of(&input.activity_arn) {
            let _reading = self.changes.read().await;
            self.sync_activity(&name).await?;
        }
        self.memory.describe_activity(input).await
    }

    async fn create_state_machine(&self, input: CreateStateMachineInput) -> Result<CreateStateMachineOutput, ApiError> {
        self.changing(Target::Machine(input.name.clone()), || self.memory.create_state_machine(input.clone())).await
    }

    async fn update_state_machine(&self, input: UpdateStateMachineInput) -> Result<UpdateStateMachineOutput, ApiError> {
        self.changing(target_of(&input.state_machine_arn), || self.memory.update_state_machine(input.clone())).await
    }

    async fn delete_state_machine(&self, input: DeleteStateMachineInput) -> Result<DeleteStateMachineOutput, ApiError> {
        // Running executions go on (the engine keeps the machine), as AWS lets them finish.
        self.changing(target_of(&input.state_machine_arn), || self.memory.delete_state_machine(input.clone())).await
    }

    async fn publish_state_machine_version(&self, input: PublishStateMachineVersionInput) -> Result<PublishStateMachineVersionOutput, ApiError> {
        self.changing(target_of(&input.state_machine_arn), || self.memory.publish_state_machine_version(input.clone())).await
    }

    async fn delete_state_machine_version(&self, input: DeleteStateMachineVersionInput) -> Result<DeleteStateMachineVersionOutput, ApiError> {
        self.changing(target_of(&input.state_machine_version_arn), || self.memory.delete_state_machine_version(input.clone())).await
    }

    async fn create_state_machine_alias(&self, input: CreateStateMachineAliasInput) -> Result<CreateStateMachineAliasOutput, ApiError> {
        let target = input.routing_configuration.first().map_or(Target::None, |r| target_of(&r.state_machine_version_arn));
        self.changing(target, || self.memory.create_state_machine_alias(input.clone())).await
    }

    async fn update_state_machine_alias(&self, input: UpdateStateMachineAliasInput) -> Result<UpdateStateMachineAliasOutput, ApiError> {
        self.changing(target_of(&input.state_machine_alias_arn), || self.memory.update_state_machine_alias(input.clone())).await
    }

    async fn delete_state_machine_alias(&self, input: DeleteStateMachineAliasInput) -> Result<DeleteStateMachineAliasOutput, ApiError> {
        self.changing(target_of(&input.state_machine_alias_arn), || self.memory.delete_state_machine_alias(input.clone())).await
    }

    async fn tag_resource(&self, input: TagResourceInput) -> Result<TagResourceOutput, ApiError> {
        self.changing(target_of(&input.resource_arn), || self.memory.tag_resource(input.clone())).await
    }

    async fn untag_resource(&self, input: UntagResourceInput) -> Result<UntagResourceOutput, ApiError> {
        self.changing(target_of(&input.resource_arn), || self.memory.untag_resource(input.clone())).await
    }

    async fn create_activity(&self, input: CreateActivityInput) -> Result<CreateActivityOutput, ApiError> {
        self.changing(Target::Activity(input.name.clone()), || self.memory.create_activity(input.clone())).await
    }

    async fn delete_activity(&self, input: DeleteActivityInput) -> Result<DeleteActivityOutput, ApiError> {
        self.changing(target_of(&input.activity_arn), || self.memory.delete_activity(input.clone())).await
    }

    async fn test_state(&self, input: TestStateInput) -> Result<TestStateOutput, ApiError> {
        let place = self.place(input.role_arn.as_deref().unwrap_or("arn:aws:iam::123456789012:role/TestState"));
        test_state::run(input, &self.handlers, place).await
    }

    // ---- Executions, on the engine ----

    async fn start_execution(&self, input: StartExecutionInput) -> Result<StartExecutionOutput, ApiError> {
        if let Some(name) = &input.name {
            arn::check_name(name)?;
        }
        let value = parse_input(input.input.as_deref())?;
        let _started = self.changes.read().await;
        let m = match self.memory.resolve_state_machine(&input.state_machine_arn) {
            // Another process sharing the store may have made it.
            Err(e) if e.code == ErrorCode::StateMachineDoesNotExist => match target_of(&input.state_machine_arn) {
                Target::Machine(name) => {
                    self.sync_machine(&name).await?;
                    self.memory.resolve_state_machine(&input.state_machine_arn)?
                }
                _ => return Err(e),
            },
            r => r?,
        };
        crate::memory::check_test_case(&self.settings, &m)?;
        // What it runs is pinned now: this revision (or version) until it ends, as on AWS, and
        // the test case (its ARN is the machine's, without `#TestCase`, as Step Functions Local's).
        let runs = RunKey { machine_arn: m.state_machine_arn.clone(), revision: m.revision_id, version_arn: m.version_arn, alias_arn: m.alias_arn, test_case: m.test_case }.encode();
        // The engine checks the open-executions quota (a repeated start of a running execution
        // is not a new one).
        let (arn, start_date) = self.engine.start_with(&m.state_machine_arn, Some(runs), input.name, value).await.map_err(engine_error)?;
        Ok(StartExecutionOutput { execution_arn: arn, start_date: convert::timestamp(start_date) })
    }

    async fn start_sync_execution(&self, input: StartSyncExecutionInput) -> Result<StartSyncExecutionOutput, ApiError> {
        if let Some(name) = &input.name {
            arn::check_name(name)?;
        }
        let value = parse_input(input.input.as_deref())?;
        let m = self.memory.resolve_state_machine(&input.state_machine_arn)?;
        if m.kind != StateMachineType::Express {
            return Err(ApiError::new(ErrorCode::StateMachineTypeNotSupported, "StartSyncExecution runs EXPRESS state machines only"));
        }
        crate::memory::check_test_case(&self.settings, &m)?;
        let handlers = match &m.test_case {
            Some(case) => match mocked::sync_handlers(self.settings.mock_config.as_ref(), &m.name, case, self.handlers.clone()) {
                Some(h) => h,
                None => return Err(ApiError::new(ErrorCode::InternalFailure, "the test case was checked but is not in the mock configuration")),
            },
            None => self.handlers.clone(),
        };
        Ok(express::run(&m.state_machine_arn, &m.name, input.name, &m.definition, value, &handlers, self.place(&m.role_arn)).await)
    }

    async fn describe_execution(&self, input: DescribeExecutionInput) -> Result<DescribeExecutionOutput, ApiError> {
        let e = self.execution(&input.execution_arn).await?;
        let redrive = self.engine.redrive_status(&e.arn).await.ok();
        Ok(convert::describe(&e, redrive))
    }

    async fn describe_state_machine_for_execution(&self, input: DescribeStateMachineForExecutionInput) -> Result<DescribeStateMachineForExecutionOutput, ApiError> {
        let e = self.execution(&input.execution_arn).await?;
        // The revision it runs (an execution started before revisions were recorded runs the current one).
        let pinned = e.runs.as_deref().and_then(RunKey::decode).and_then(|k| revisions::config_of(&self.memory, &self.retired, &k).map(|(_, c)| (k.revision, c)));
        let m = match self.memory.describe_state_machine(DescribeStateMachineInput { state_machine_arn: e.machine_arn.clone(), included_data: None }).await {
            Ok(m) => Some(m),
            Err(err) if pinned.is_none() => return Err(err),
            Err(_) => None,
        };
        let name = match arn::parse(&e.machine_arn).map(|a| a.resource) {
            Ok(Resource::StateMachine { name, .. }) => name,
            _ => String::new(),
        };
        fn member<T: serde::de::DeserializeOwned>(c: &Value, k: &str) -> Option<T> {
            serde_json::from_value(c[k].clone()).ok()
        }
        Ok(match (pinned, m) {
            (Some((revision, c)), m) => DescribeStateMachineForExecutionOutput {
                state_machine_arn: e.machine_arn.clone(),
                name,
                definition: c["definition"].as_str().unwrap_or_default().to_string(),
                role_arn: c["role_arn"].as_str().unwrap_or_default().to_string(),
                update_date: m.as_ref().map_or_else(|| convert::timestamp(e.start_date), |m| m.creation_date),
                logging_configuration: member(&c, "logging"),
                tracing_configuration: member(&c, "tracing"),
                map_run_arn: None,
                label: None,
                revision_id: Some(revision),
                encryption_configuration: member(&c, "encryption"),
                variable_references: None,
            },
            (None, Some(m)) => DescribeStateMachineForExecutionOutput {
                state_machine_arn: m.state_machine_arn,
                name: m.name,
                definition: m.definition,
                role_arn: m.role_arn,
                update_date: m.creation_date,
                logging_configuration: m.logging_configuration,
                tracing_configuration: m.tracing_configuration,
                map_run_arn: None,
                label: None,
                revision_id: m.revision_id,
                encryption_configuration: m.encryption_configuration,
                variable_references: None,
            },
            (None, None) => unreachable!("answered above"),
        })
    }

    async fn list_executions(&self, input: ListExecutionsInput) -> Result<ListExecutionsOutput, ApiError> {
        let machine = match (&input.state_machine_arn, &input.map_run_arn) {
            (Some(arn), None) => self.memory.resolve_state_machine(arn)?.state_machine_arn,
            (None, Some(_)) => return Err(ApiError::not_wired("ListExecutions", "Distributed Map runs on the execution engine")),
            _ => {
                return Err(ApiError::new(ErrorCode::ValidationException, "Exactly one of stateMachineArn and mapRunArn must be given")
                    .with("reason", ValidationExceptionReason::MissingRequiredParameter.as_str()));
            }
        };
        let status = input.status_filter.map(convert::store_status);
        let page = self.engine.list(Some(&machine), status, page_size(input.max_results), input.next_token).await.map_err(engine_error)?;
        // redriveFilter narrows the page (its size may come out under maxResults; the token still goes on).
        // A version or alias ARN lists the executions started through it (AWS), narrowing the page too.
        let through = match input.state_machine_arn.as_deref().map(arn::parse) {
            Some(Ok(arn::Arn { resource: Resource::StateMachine { qualifier: Some(q), .. }, .. })) => {
                Some((matches!(q, arn::Qualifier::Alias(_)), input.state_machine_arn.clone().unwrap_or_default()))
            }
            _ => None,
        };
        let started_through = |e: &asl_engine::store::Execution| match &through {
            None => true,
            Some((alias, arn)) => e.runs.as_deref().and_then(RunKey::decode).is_some_and(|k| if *alias { k.alias_arn.as_ref() == Some(arn) } else { k.version_arn.as_ref() == Some(arn) }),
        };
        let wanted = |e: &&asl_engine::store::Execution| {
            started_through(e)
                && match input.redrive_filter {
                    Some(ExecutionRedriveFilter::Redriven) => e.redrive_count > 0,
                    Some(ExecutionRedriveFilter::NotRedriven) => e.redrive_count == 0,
                    None => true,
                }
        };
        Ok(ListExecutionsOutput { executions: page.items.iter().filter(wanted).map(convert::list_item).collect(), next_token: page.next_token })
    }

    async fn stop_execution(&self, input: StopExecutionInput) -> Result<StopExecutionOutput, ApiError> {
        Self::execution_arn(&input.execution_arn)?;
        let e = self.engine.stop(&input.execution_arn, input.error, input.cause).await.map_err(engine_error)?;
        Ok(StopExecutionOutput { stop_date: convert::timestamp(e.stop_date.unwrap_or(e.start_date)) })
    }

    async fn get_execution_history(&self, input: GetExecutionHistoryInput) -> Result<GetExecutionHistoryOutput, ApiError> {
        self.execution(&input.execution_arn).await?;
        let page = self.engine.history(&input.execution_arn, input.reverse_order.unwrap_or(false), page_size(input.max_results), input.next_token).await.map_err(engine_error)?;
        let include = input.include_execution_data.unwrap_or(true);
        let resources = if page.items.iter().any(|h| convert::is_task_event(&h.event_type)) { convert::task_resources(&self.whole_history(&input.execution_arn).await?) } else { Default::default() };
        let region = &self.settings.region;
        let events = page.items.iter().filter_map(|h| convert::history_event(h, resources.get(&h.id).map(String::as_str), region, include)).collect();
        Ok(GetExecutionHistoryOutput { events, next_token: page.next_token })
    }

    async fn redrive_execution(&self, input: RedriveExecutionInput) -> Result<RedriveExecutionOutput, ApiError> {
        Self::execution_arn(&input.execution_arn)?;
        let e = self.engine.redrive(&input.execution_arn).await.map_err(engine_error)?;
        Ok(RedriveExecutionOutput { redrive_date: convert::timestamp(e.redrive_date.unwrap_or(e.start_date)) })
    }

    async fn get_activity_task(&self, input: GetActivityTaskInput) -> Result<GetActivityTaskOutput, ApiError> {
        self.memory.check_activity(&input.activity_arn)?;
        let worker = input.worker_name.unwrap_or_default();
        match self.engine.get_activity_task(&input.activity_arn, &worker, self.activity_poll).await.map_err(engine_error)? {
            Some(t) => Ok(GetActivityTaskOutput { task_token: Some(t.token), input: Some(t.input.to_string()) }),
            None => Ok(GetActivityTaskOutput { task_token: None, input: None }),
        }
    }

    async fn send_task_success(&self, input: SendTaskSuccessInput) -> Result<SendTaskSuccessOutput, ApiError> {
        let output: Value = serde_json::from_str(&input.output).map_err(|e| ApiError::new(ErrorCode::InvalidOutput, format!("Invalid Output: the task output is not JSON: {e}")))?;
        let r = self.engine.send_task_success(&input.task_token, output).await;
        if let Err(e) = r {
            return Err(self.task_error(&input.task_token, e).await);
        }
        Ok(SendTaskSuccessOutput {})
    }

    async fn send_task_failure(&self, input: SendTaskFailureInput) -> Result<SendTaskFailureOutput, ApiError> {
        let r = self.engine.send_task_failure(&input.task_token, input.error, input.cause).await;
        if let Err(e) = r {
            return Err(self.task_error(&input.task_token, e).await);
        }
        Ok(SendTaskFailureOutput {})
    }

    async fn send_task_heartbeat(&self, input: SendTaskHeartbeatInput) -> Result<SendTaskHeartbeatOutput, ApiError> {
        let r = self.engine.send_task_heartbeat(&input.task_token).await;
        if let Err(e) = r {
            return Err(self.task_error(&input.task_token, e).await);
        }
        Ok(SendTaskHeartbeatOutput {})
    }
}
