//! Executions pinned to the definition they started on, as on AWS: an execution runs the
//! revision (definition and role) current when it started, or the version its ARN or alias
//! named, until it ends, also across UpdateStateMachine and restarts.
//!
//! Each execution records the engine key of what it runs ([`RunKey`], the engine's
//! `Execution::runs`): `MACHINE_ARN@REVISION`, then `|VERSION_ARN` and `|ALIAS_ARN` when it was
//! started through them (DescribeExecution gives those back), then `#TEST_CASE` when it runs a
//! mock configuration's test case ([`super::mocked`]). The engine asks the [`resolver`]
//! for a key it has not seen (the first start on a revision, or a resumption after a restart),
//! which loads that revision's definition from the machine's record: its current configuration,
//! a version's, or a retired one. A revision that stops being current or a version while
//! executions still run it is kept in the record as retired (`"retired": {REVISION: config}`
//! beside what [`MemoryBackend`] saves) until none does.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use asl_engine::Engine;
use asl_runtime::{Execute, Handlers};
use serde_json::Value;

use super::hosted::{CompiledByArn, compiled_for};
use super::machines::{self, Place};
use super::mocked;
use crate::MemoryBackend;
use crate::MockConfig;
use crate::arn::{self, Resource};

/// What an execution runs, as recorded in the engine's `runs` column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RunKey {
    pub machine_arn: String,
    pub revision: String,
    pub version_arn: Option<String>,
    pub alias_arn: Option<String>,
    /// The mock configuration's test case it runs (`<stateMachineArn>#<TestCase>`).
    pub test_case: Option<String>,
}

impl RunKey {
    pub(crate) fn encode(&self) -> String {
        let mut s = format!("{}@{}", self.machine_arn, self.revision);
        if let Some(v) = &self.version_arn {
            s.push('|');
            s.push_str(v);
            if let Some(a) = &self.alias_arn {
                s.push('|');
                s.push_str(a);
            }
        }
        if let Some(c) = &self.test_case {
            s.push('#');
            s.push_str(c);
        }
        s
    }

    /// `None` for an execution that recorded no key (started before keys existed: it runs the
    /// machine's current definition) or a key this server did not write.
    pub(crate) fn decode(s: &str) -> Option<RunKey> {
        // ARNs hold no '#': the first one starts the test case, whatever it holds.
        let (s, test_case) = match s.split_once('#') {
            Some((s, c)) => (s, Some(c.to_string())),
            None => (s, None),
        };
        let mut parts = s.split('|');
        let (machine_arn, revision) = parts.next()?.rsplit_once('@')?;
        Some(RunKey { machine_arn: machine_arn.into(), revision: revision.into(), version_arn: parts.next().map(str::to_string), alias_arn: parts.next().map(str::to_string), test_case })
    }
}

/// A revision's configuration, as the machine's record holds it (`definition`, `role_arn`, …).
pub(crate) type Config = Value;

/// Every revision `saved` (a [`MemoryBackend::export_machine`] record) can run: its current one
/// and its versions'.
pub(crate) fn live_revisions(saved: &Value) -> BTreeMap<String, Config> {
    let mut out = BTreeMap::new();
    if let Some(rev) = saved["revision_id"].as_str() {
        out.insert(rev.to_string(), saved["config"].clone());
    }
    for v in saved["versions"].as_object().into_iter().flat_map(|m| m.values()) {
        if let Some(rev) = v["revision_id"].as_str() {
            out.insert(rev.to_string(), v["config"].clone());
        }
    }
    out
}

/// The retired revisions a stored record carries.
pub(crate) fn retired_of(attributes: &Value) -> BTreeMap<String, Config> {
    attributes["retired"].as_object().map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default()
}

/// The record to store: the memory backend's, with the retired revisions beside it.
pub(crate) fn with_retired(saved: &Option<Value>, retired: &BTreeMap<String, Config>) -> Option<Value> {
    let mut v = saved.clone()?;
    if !retired.is_empty()
        && let Some(o) = v.as_object_mut()
    {
        o.insert("retired".into(), serde_json::to_value(retired).unwrap_or_default());
    }
    Some(v)
}

/// Retired revisions of each machine (by name), shared with the resolver.
pub(crate) type Retired = Arc<Mutex<HashMap<String, BTreeMap<String, Config>>>>;

/// The revisions among `candidates` that RUNNING executions of `machine_arn` still run.
pub(crate) async fn still_running(engine: &Engine, machine_arn: &str, candidates: &BTreeMap<String, Config>) -> Result<BTreeMap<String, Config>, asl_engine::EngineError> {
    if candidates.is_empty() {
        return Ok(BTreeMap::new());
    }
    let (mut used, mut token) = (HashSet::new(), None);
    loop {
        let page = engine.list(Some(machine_arn), Some(asl_engine::store::ExecutionStatus::Running), 1000, token).await?;
        used.extend(page.items.iter().filter_map(|e| e.runs.as_deref().and_then(RunKey::decode)).map(|k| k.revision));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    Ok(candidates.iter().filter(|(rev, _)| used.contains(*rev)).map(|(k, v)| (k.clone(), v.clone())).collect())
}

/// The configuration of `key`'s revision: the machine's current one, a version's or a retired one.
pub(crate) fn config_of(memory: &MemoryBackend, retired: &Retired, key: &RunKey) -> Option<(String, Config)> {
    let Ok(Resource::StateMachine { name, .. }) = arn::parse(&key.machine_arn).map(|a| a.resource) else { return None };
    if let Some(saved) = memory.export_machine(&name).filter(|m| m["arn"] == key.machine_arn.as_str())
        && let Some(c) = live_revisions(&saved).remove(&key.revision)
    {
        return Some((name, c));
    }
    let c = retired.lock().unwrap_or_else(|p| p.into_inner()).get(&name)?.get(&key.revision)?.clone();
    Some((name, c))
}

/// The engine's resolver: loads the revision a key names (the host's compiled machine when it
/// is that machine's definition).
#[allow(clippy::too_many_arguments)]
pub(crate) fn resolver(
    memory: MemoryBackend,
    retired: Retired,
    compiled: CompiledByArn,
    engine: &Engine,
    handlers: Handlers,
    mock: Option<Arc<MockConfig>>,
    region: String,
    account: String,
) -> impl Fn(&str) -> Option<Arc<dyn Execute>> + Send + Sync + 'static {
    let handlers = handlers.on("arn:aws:states:*:*:activity:*", engine.activity_handler());
    let ledger = mocked::Durable::new(engine);
    // Recovery asks again at each round for what does not load: said once per key.
    let said: Mutex<HashSet<String>> = Mutex::default();
    let say = move |key: &str, message: String| {
        if said.lock().unwrap_or_else(|p| p.into_inner()).insert(key.to_string()) {
            eprintln!("asl-server: {message}");
        }
    };
    move |s| {
        let key = RunKey::decode(s)?;
        let (name, config) = config_of(&memory, &retired, &key)?;
        let place = Place { region: region.clone(), account: account.clone(), role_arn: config["role_arn"].as_str().unwrap_or_default().to_string() };
        let definition = config["definition"].as_str().unwrap_or_default();
        // A test case runs the definition loaded with its mocks (a compiled machine has its own handlers).
        let handlers = match &key.test_case {
            None => {
                if let Some(machine) = compiled_for(&compiled, &key.machine_arn, definition) {
                    return Some(Arc::new(machines::Placed { machine, place }));
                }
                handlers.clone()
            }
            Some(case) => match mocked::durable_handlers(mock.as_ref(), &name, case, handlers.clone(), ledger.clone()) {
                Some(h) => h,
                None => {
                    say(s, format!("the mock configuration has no test case '{case}' for {} any more, its executions cannot run", key.machine_arn));
                    return None;
                }
            },
        };
        match machines::placed(definition, &name, &handlers, place) {
            Ok(m) => Some(m),
            Err(e) => {
                say(s, format!("revision {} of {} does not load, its executions cannot run: {e}", key.revision, key.machine_arn));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back() {
        let m = "arn:aws:states:us-east-1:123456789012:stateMachine:M";
        for k in [
            RunKey { machine_arn: m.into(), revision: "r1".into(), version_arn: None, alias_arn: None, test_case: None },
            RunKey { machine_arn: m.into(), revision: "r1".into(), version_arn: Some(format!("{m}:3")), alias_arn: None, test_case: None },
            RunKey { machine_arn: m.into(), revision: "r1".into(), version_arn: Some(format!("{m}:3")), alias_arn: Some(format!("{m}:prod")), test_case: None },
            RunKey { machine_arn: m.into(), revision: "r1".into(), version_arn: None, alias_arn: None, test_case: Some("Happy Path #2|x@y".into()) },
            RunKey { machine_arn: m.into(), revision: "r1".into(), version_arn: Some(format!("{m}:3")), alias_arn: Some(format!("{m}:prod")), test_case: Some("RetryPath".into()) },
        ] {
            assert_eq!(RunKey::decode(&k.encode()), Some(k));
        }
        assert_eq!(RunKey::decode(m), None);
    }
}
