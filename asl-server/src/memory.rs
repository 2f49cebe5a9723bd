//! [`MemoryBackend`]: state machines (with versions and aliases), activities and tags, kept in
//! memory until the process exits. The execution actions check their arguments (ARNs, names,
//! input, that the machine or activity exists) and then answer `NotImplemented`, saying that
//! the execution engine is not wired in: no execution is ever pretended to run.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::arn::{self, Arn, Qualifier, Resource};
use crate::error::{ApiError, ErrorCode};
use crate::model::*;
use crate::{Backend, Settings};

/// Checks a definition, answering AWS's diagnostics (empty when it is valid). The default,
/// [`basic_definition_check`], checks the top-level structure only; the run-time loader of
/// definitions replaces it with full validation.
pub type DefinitionCheck = Arc<dyn Fn(&str, StateMachineType) -> Vec<ValidateStateMachineDefinitionDiagnostic> + Send + Sync>;

/// The most tags a resource has (AWS's quota).
pub const MAX_TAGS: usize = 50;
/// Page size when a List action's `maxResults` is absent or 0 (AWS's default).
pub const DEFAULT_PAGE: usize = 100;

#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Config {
    definition: String,
    role_arn: String,
    logging: LoggingConfiguration,
    tracing: TracingConfiguration,
    encryption: Option<EncryptionConfiguration>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Version {
    config: Config,
    revision_id: String,
    description: Option<String>,
    creation_date: Timestamp,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Alias {
    description: Option<String>,
    routing: Vec<RoutingConfigurationListItem>,
    creation_date: Timestamp,
    update_date: Timestamp,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Machine {
    arn: String,
    kind: StateMachineType,
    creation_date: Timestamp,
    config: Config,
    revision_id: String,
    tags: Vec<Tag>,
    versions: BTreeMap<u64, Version>,
    /// Version numbers are never reused, even after a version is deleted.
    last_version: u64,
    aliases: BTreeMap<String, Alias>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Activity {
    arn: String,
    creation_date: Timestamp,
    encryption: Option<EncryptionConfiguration>,
    tags: Vec<Tag>,
}

#[derive(Default)]
struct State {
    /// By name: listings come out in name order, and a page token is the last name returned.
    machines: BTreeMap<String, Machine>,
    activities: BTreeMap<String, Activity>,
}

/// What a state machine, version or alias ARN resolves to when an execution starts.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedMachine {
    pub state_machine_arn: String,
    pub name: String,
    pub kind: StateMachineType,
    pub definition: String,
    pub role_arn: String,
    /// The revision of the definition and role above (a version's is the revision it published).
    pub revision_id: String,
    /// Set when the ARN named a version, or an alias that routed to one.
    pub version_arn: Option<String>,
    pub alias_arn: Option<String>,
    /// Step Functions Local's `stateMachineArn#TestCase`.
    pub test_case: Option<String>,
}

/// Clones share one state (a host keeps a handle on what it serves).
#[derive(Clone)]
pub struct MemoryBackend {
    settings: Settings,
    check: DefinitionCheck,
    state: Arc<Mutex<State>>,
}

impl MemoryBackend {
    pub fn new(settings: Settings) -> Self {
        MemoryBackend { settings, check: Arc::new(basic_definition_check), state: Arc::default() }
    }

    /// Replaces the definition check (see [`DefinitionCheck`]).
    pub fn with_definition_check(mut self, check: DefinitionCheck) -> Self {
        self.check = check;
        self
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere never leaves the maps half-changed (each change is one insert or
        // remove), so a poisoned lock is still good to use.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn prefix(&self) -> String {
        format!("arn:aws:states:{}:{}", self.settings.region, self.settings.account)
    }

    /// The state machine a (possibly qualified) ARN names, with the parsed ARN.
    fn machine<'s>(&self, st: &'s State, arn: &str) -> Result<(&'s Machine, Arn), ApiError> {
        let parsed = arn::parse(arn)?;
        let Resource::StateMachine { name, .. } = &parsed.resource else {
            return Err(wrong_kind(arn, "a state machine"));
        };
        match st.machines.get(name) {
            Some(m) if m.arn == parsed.base() => Ok((m, parsed)),
            _ => Err(ApiError::new(ErrorCode::StateMachineDoesNotExist, format!("State Machine Does Not Exist: '{arn}'"))),
        }
    }

    fn machine_name(&self, st: &State, arn: &str) -> Result<(String, Arn), ApiError> {
        self.machine(st, arn).map(|(m, a)| (name_of(&m.arn).to_string(), a))
    }

    /// Resolves a state machine, version or alias ARN (with an optional `#TestCase`) to the
    /// definition an execution started on it runs; an alias picks one of its versions by weight.
    pub fn resolve_state_machine(&self, arn: &str) -> Result<ResolvedMachine, ApiError> {
        let st = self.state();
        let (m, parsed) = self.machine(&st, arn)?;
        let Resource::StateMachine { name, qualifier, test_case } = parsed.resource else { unreachable!() };
        let mut out = ResolvedMachine {
            state_machine_arn: m.arn.clone(),
            name,
            kind: m.kind,
            definition: m.config.definition.clone(),
            role_arn: m.config.role_arn.clone(),
            revision_id: m.revision_id.clone(),
            version_arn: None,
            alias_arn: None,
            test_case,
        };
        let version = match qualifier {
            None => return Ok(out),
            Some(Qualifier::Version(v)) => v,
            Some(Qualifier::Alias(a)) => {
                let alias = m.aliases.get(&a).ok_or_else(|| resource_not_found(&format!("{}:{a}", m.arn)))?;
                out.alias_arn = Some(format!("{}:{a}", m.arn));
                pick_version(&alias.routing)
            }
        };
        let v = m.versions.get(&version).ok_or_else(|| resource_not_found(&format!("{}:{version}", m.arn)))?;
        out.definition = v.config.definition.clone();
        out.role_arn = v.config.role_arn.clone();
        out.revision_id = v.revision_id.clone();
        out.version_arn = Some(format!("{}:{version}", m.arn));
        Ok(out)
    }

    fn check_definition(&self, definition: &str, kind: StateMachineType) -> Result<(), ApiError> {
        let errors: Vec<String> = (self.check)(definition, kind)
            .into_iter()
            .filter(|d| d.severity == ValidateStateMachineDefinitionSeverity::Error)
            .map(|d| match d.location {
                Some(at) => format!("{}: {} at {at}", d.code, d.message),
                None => format!("{}: {}", d.code, d.message),
            })
            .collect();
        if errors.is_empty() { Ok(()) } else { Err(ApiError::new(ErrorCode::InvalidDefinition, format!("Invalid State Machine Definition: '{}'", errors.join(", ")))) }
    }

    fn publish(&self, m: &mut Machine, description: Option<String>) -> Result<(String, Timestamp), ApiError> {
        // Publishing an unchanged revision again answers the version that has it (AWS does).
        if let Some((n, v)) = m.versions.iter().next_back()
            && v.revision_id == m.revision_id
        {
            return Ok((format!("{}:{n}", m.arn), v.creation_date));
        }
        if m.versions.len() >= self.settings.limits.max_versions_per_state_machine {
            return Err(ApiError::new(ErrorCode::ServiceQuotaExceededException, format!("The state machine has {} versions, the most allowed: delete one first", m.versions.len())));
        }
        m.last_version += 1;
        let now = Timestamp::now();
        let v = Version { config: m.config.clone(), revision_id: m.revision_id.clone(), description, creation_date: now };
        m.versions.insert(m.last_version, v);
        Ok((format!("{}:{}", m.arn, m.last_version), now))
    }

    /// The version numbers a routing configuration names, checked against the machine.
    fn check_routing(&self, m: &Machine, routing: &[RoutingConfigurationListItem]) -> Result<(), ApiError> {
        let bad = |msg: String| ApiError::new(ErrorCode::ValidationException, msg).with("reason", ValidationExceptionReason::InvalidRoutingConfiguration.as_str());
        let mut seen = Vec::new();
        for r in routing {
            let parsed = arn::parse(&r.state_machine_version_arn)?;
            match parsed.resource {
                Resource::StateMachine { qualifier: Some(Qualifier::Version(v)), .. } if parsed.base() == m.arn => {
                    if !m.versions.contains_key(&v) {
                        return Err(resource_not_found(&r.state_machine_version_arn));
                    }
                    if seen.contains(&v) {
                        return Err(bad(format!("Version {v} appears twice in the routing configuration")));
                    }
                    seen.push(v);
                }
                _ => return Err(bad(format!("'{}' is not a version of {}", r.state_machine_version_arn, m.arn))),
            }
        }
        let total: i32 = routing.iter().map(|r| r.weight).sum();
        if total != 100 {
            return Err(bad(format!("The routing weights add up to {total}, not 100")));
        }
        Ok(())
    }

    /// The tags of a state machine or activity ARN.
    fn tags_mut<'s>(&self, st: &'s mut State, arn: &str) -> Result<&'s mut Vec<Tag>, ApiError> {
        let parsed = arn::parse(arn)?;
        let found = match &parsed.resource {
            Resource::StateMachine { name, qualifier: None, test_case: None } => st.machines.get_mut(name).filter(|m| m.arn == arn).map(|m| &mut m.tags),
            Resource::Activity { name } => st.activities.get_mut(name).filter(|a| a.arn == arn).map(|a| &mut a.tags),
            _ => return Err(wrong_kind(arn, "a state machine or an activity (versions and aliases have no tags)")),
        };
        found.ok_or_else(|| resource_not_found(arn))
    }

    /// The state machine named `name` (with its versions, aliases and tags) as JSON, for a
    /// backend that keeps it durably; None if there is none.
    pub fn export_machine(&self, name: &str) -> Option<serde_json::Value> {
        self.state().machines.get(name).and_then(|m| serde_json::to_value(m).ok())
    }

    /// Puts back a state machine [`export_machine`](Self::export_machine) gave (replacing one of
    /// the same name), or removes it for `None`.
    pub fn import_machine(&self, name: &str, saved: Option<serde_json::Value>) -> Result<(), String> {
        let mut st = self.state();
        match saved {
            Some(v) => {
                let m: Machine = serde_json::from_value(v).map_err(|e| format!("stored state machine '{name}' does not read back: {e}"))?;
                st.machines.insert(name.to_string(), m);
            }
            None => {
                st.machines.remove(name);
            }
        }
        Ok(())
    }

    /// The activity named `name` as JSON, as [`export_machine`](Self::export_machine).
    pub fn export_activity(&self, name: &str) -> Option<serde_json::Value> {
        self.state().activities.get(name).and_then(|a| serde_json::to_value(a).ok())
    }

    pub fn import_activity(&self, name: &str, saved: Option<serde_json::Value>) -> Result<(), String> {
        let mut st = self.state();
        match saved {
            Some(v) => {
                let a: Activity = serde_json::from_value(v).map_err(|e| format!("stored activity '{name}' does not read back: {e}"))?;
                st.activities.insert(name.to_string(), a);
            }
            None => {
                st.activities.remove(name);
            }
        }
        Ok(())
    }

    /// Whether the activity exists (`ActivityDoesNotExist` if not; `InvalidArn` for another kind of ARN).
    pub fn check_activity(&self, arn: &str) -> Result<(), ApiError> {
        self.activity_exists(arn)
    }

    fn not_wired(action: &str) -> ApiError {
        ApiError::not_wired(action, "the execution engine")
    }

    /// Checks an execution or express execution ARN, then says the engine is missing.
    fn execution_action<T>(action: &str, arn: &str) -> Result<T, ApiError> {
        match arn::parse(arn)?.resource {
            Resource::Execution { .. } | Resource::Express { .. } => Err(Self::not_wired(action)),
            _ => Err(wrong_kind(arn, "an execution")),
        }
    }

    fn activity_exists(&self, arn: &str) -> Result<(), ApiError> {
        let parsed = arn::parse(arn)?;
        let Resource::Activity { name } = &parsed.resource else { return Err(wrong_kind(arn, "an activity")) };
        match self.state().activities.get(name) {
            Some(a) if a.arn == arn => Ok(()),
            _ => Err(ApiError::new(ErrorCode::ActivityDoesNotExist, format!("Activity Does Not Exist: '{arn}'"))),
        }
    }
}

fn name_of(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

fn wrong_kind(arn: &str, wanted: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidArn, format!("Invalid Arn: 'Resource type not valid in this context: {arn}' (expected {wanted})"))
}

fn resource_not_found(arn: &str) -> ApiError {
    ApiError::new(ErrorCode::ResourceNotFound, format!("Resource not found: '{arn}'")).with("resourceName", arn)
}

/// Picks a version from an alias's routing by weight.
fn pick_version(routing: &[RoutingConfigurationListItem]) -> u64 {
    let roll = {
        let id = crate::ids::new_id();
        u64::from_str_radix(&id[..8], 16).unwrap_or(0) % 100
    } as i32;
    let mut acc = 0;
    let version_of = |r: &RoutingConfigurationListItem| name_of(&r.state_machine_version_arn).parse().unwrap_or(0);
    for r in routing {
        acc += r.weight;
        if roll < acc {
            return version_of(r);
        }
    }
    routing.last().map(version_of).unwrap_or(0)
}

/// AWS's defaults for a state machine created without logging or tracing configuration.
fn default_logging() -> LoggingConfiguration {
    LoggingConfiguration { level: Some(LogLevel::Off), include_execution_data: Some(false), destinations: None }
}

fn default_tracing() -> TracingConfiguration {
    TracingConfiguration { enabled: Some(false) }
}

fn check_logging(l: &LoggingConfiguration) -> Result<(), ApiError> {
    let level = l.level.unwrap_or(LogLevel::Off);
    let destinations = l.destinations.as_ref().map_or(0, Vec::len);
    if level != LogLevel::Off && destinations == 0 {
        return Err(ApiError::new(ErrorCode::InvalidLoggingConfiguration, "Invalid Logging Configuration: Must specify exactly one Log Destination if logging level is not OFF."));
    }
    if destinations > 1 {
        return Err(ApiError::new(ErrorCode::InvalidLoggingConfiguration, "Invalid Logging Configuration: Must specify exactly one Log Destination."));
    }
    Ok(())
}

/// Every tag has a key (the API model leaves `key` optional; AWS rejects a tag without one).
fn check_tag_keys(tags: &[Tag]) -> Result<(), ApiError> {
    match tags.iter().position(|t| t.key.is_none()) {
        Some(i) => Err(crate::validate::validation_errors(vec![format!("Value null at 'tags.{}.member.key' failed to satisfy constraint: Member must not be null", i + 1)])),
        None => Ok(()),
    }
}

fn merge_tags(tags: &mut Vec<Tag>, new: &[Tag], arn: &str) -> Result<(), ApiError> {
    check_tag_keys(new)?;
    let mut merged = tags.clone();
    for t in new {
        let Some(key) = &t.key else { continue };
        match merged.iter_mut().find(|o| o.key.as_ref() == Some(key)) {
            Some(o) => o.value = t.value.clone(),
            None => merged.push(Tag { key: Some(key.clone()), value: t.value.clone().or_else(|| Some(String::new())) }),
        }
    }
    if merged.len() > MAX_TAGS {
        return Err(ApiError::new(ErrorCode::TooManyTags, format!("Too many tags: a resource has at most {MAX_TAGS}")).with("resourceName", arn));
    }
    *tags = merged;
    Ok(())
}

/// One page of `items` (in listing order, each with its sort key). The page token is the key of
/// the last item returned, hex-encoded together with `listing` so that a token only works for
/// the listing that issued it.
fn paginate<T>(items: Vec<(String, T)>, listing: &str, max_results: Option<i32>, token: Option<&str>) -> Result<(Vec<T>, Option<String>), ApiError> {
    let after = match token {
        None => None,
        Some(t) => {
            let decoded = hex_decode(t).and_then(|s| s.strip_prefix(&format!("{listing}\n")).map(str::to_string));
            Some(decoded.ok_or_else(|| ApiError::new(ErrorCode::InvalidToken, format!("Invalid Token: '{t}'")))?)
        }
    };
    let size = match max_results {
        None | Some(0) => DEFAULT_PAGE,
        Some(n) => n as usize,
    };
    let mut rest = items.into_iter().filter(|(k, _)| after.as_ref().is_none_or(|a| k > a)).peekable();
    let mut page = Vec::new();
    let mut last = None;
    while page.len() < size {
        let Some((k, v)) = rest.next() else { break };
        page.push(v);
        last = Some(k);
    }
    let next = match (rest.peek(), last) {
        (Some(_), Some(k)) => Some(hex_encode(&format!("{listing}\n{k}"))),
        _ => None,
    };
    Ok((page, next))
}

fn hex_encode(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

fn hex_decode(s: &str) -> Option<String> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect();
    String::from_utf8(bytes?).ok()
}

/// Version numbers as sort keys that list newest first.
fn version_key(v: u64) -> String {
    format!("{:020}", u64::MAX - v)
}

fn diag(code: &str, message: impl Into<String>, location: Option<&str>) -> ValidateStateMachineDefinitionDiagnostic {
    ValidateStateMachineDefinitionDiagnostic { severity: ValidateStateMachineDefinitionSeverity::Error, code: code.to_string(), message: message.into(), location: location.map(str::to_string) }
}

/// The top-level structure of a definition: JSON, an object, `StartAt` naming one of `States`,
/// each state an object with a known `Type` and its `Next`/`Default` naming a state. States
/// inside Parallel branches and Map processors are not looked into: the run-time loader does
/// the full validation.
pub fn basic_definition_check(definition: &str, _kind: StateMachineType) -> Vec<ValidateStateMachineDefinitionDiagnostic> {
    const TYPES: &[&str] = &["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"];
    let mut out = Vec::new();
    let v: serde_json::Value = match serde_json::from_str(definition) {
        Ok(v) => v,
        Err(e) => return vec![diag("INVALID_JSON_DESCRIPTION", e.to_string(), None)],
    };
    let Some(top) = v.as_object() else {
        return vec![diag("SCHEMA_VALIDATION_FAILED", "Expected value of type: Object", Some("/"))];
    };
    let start = top.get("StartAt").and_then(|s| s.as_str());
    let states = top.get("States").and_then(|s| s.as_object());
    if start.is_none() {
        out.push(diag("SCHEMA_VALIDATION_FAILED", "The field 'StartAt' is required and must be a string", Some("/StartAt")));
    }
    let Some(states) = states else {
        out.push(diag("SCHEMA_VALIDATION_FAILED", "The field 'States' is required and must be an object", Some("/States")));
        return out;
    };
    if states.is_empty() {
        out.push(diag("SCHEMA_VALIDATION_FAILED", "'States' must have at least one state", Some("/States")));
    }
    if let Some(start) = start
        && !states.contains_key(start)
    {
        out.push(diag("MISSING_TRANSITION_TARGET", format!("Missing 'Next' target: {start}"), Some("/StartAt")));
    }
    for (name, state) in states {
        let at = format!("/States/{name}");
        let Some(state) = state.as_object() else {
            out.push(diag("SCHEMA_VALIDATION_FAILED", "Expected value of type: Object", Some(&at)));
            continue;
        };
        match state.get("Type").and_then(|t| t.as_str()) {
            Some(t) if TYPES.contains(&t) => {}
            Some(t) => out.push(diag("SCHEMA_VALIDATION_FAILED", format!("'{t}' is not a state type"), Some(&format!("{at}/Type")))),
            None => out.push(diag("SCHEMA_VALIDATION_FAILED", "The field 'Type' is required", Some(&format!("{at}/Type")))),
        }
        for field in ["Next", "Default"] {
            if let Some(target) = state.get(field).and_then(|n| n.as_str())
                && !states.contains_key(target)
            {
                out.push(diag("MISSING_TRANSITION_TARGET", format!("Missing 'Next' target: {target}"), Some(&format!("{at}/{field}"))));
            }
        }
    }
    out
}

#[async_trait::async_trait]
impl Backend for MemoryBackend {
    async fn create_state_machine(&self, input: CreateStateMachineInput) -> Result<CreateStateMachineOutput, ApiError> {
        arn::check_name(&input.name)?;
        arn::check_role_arn(&input.role_arn)?;
        check_tag_keys(input.tags.as_deref().unwrap_or(&[]))?;
        let kind = input.r#type.unwrap_or(StateMachineType::Standard);
        self.check_definition(&input.definition, kind)?;
        let logging = input.logging_configuration.unwrap_or_else(default_logging);
        check_logging(&logging)?;
        let config = Config {
            definition: input.definition,
            role_arn: input.role_arn,
            logging,
            tracing: input.tracing_configuration.unwrap_or_else(default_tracing),
            encryption: input.encryption_configuration,
        };
        let mut st = self.state();
        if let Some(m) = st.machines.get_mut(&input.name) {
            // Idempotent on name, definition, type and configurations; role and tags are ignored (AWS's rule).
            let c = &m.config;
            let same = c.definition == config.definition && m.kind == kind && c.logging == config.logging && c.tracing == config.tracing && c.encryption == config.encryption;
            if !same {
                return Err(ApiError::new(ErrorCode::StateMachineAlreadyExists, format!("State Machine Already Exists: '{}'", m.arn)));
            }
            let version = if input.publish == Some(true) { Some(self.publish(m, input.version_description)?.0) } else { None };
            return Ok(CreateStateMachineOutput { state_machine_arn: m.arn.clone(), creation_date: m.creation_date, state_machine_version_arn: version });
        }
        if st.machines.len() >= self.settings.limits.max_state_machines {
            return Err(ApiError::new(
                ErrorCode::StateMachineLimitExceeded,
                format!("State machine limit exceeded: this server holds at most {} state machines", self.settings.limits.max_state_machines),
            ));
        }
        let arn = format!("{}:stateMachine:{}", self.prefix(), input.name);
        let mut tags = Vec::new();
        merge_tags(&mut tags, input.tags.as_deref().unwrap_or(&[]), &arn)?;
        let now = Timestamp::now();
        let mut m = Machine { arn: arn.clone(), kind, creation_date: now, config, revision_id: crate::ids::new_id(), tags, versions: BTreeMap::new(), last_version: 0, aliases: BTreeMap::new() };
        let version = if input.publish == Some(true) { Some(self.publish(&mut m, input.version_description)?.0) } else { None };
        st.machines.insert(input.name, m);
        Ok(CreateStateMachineOutput { state_machine_arn: arn, creation_date: now, state_machine_version_arn: version })
    }

    async fn describe_state_machine(&self, input: DescribeStateMachineInput) -> Result<DescribeStateMachineOutput, ApiError> {
        let st = self.state();
        let (m, parsed) = self.machine(&st, &input.state_machine_arn)?;
        let Resource::StateMachine { name, qualifier, .. } = parsed.resource else { unreachable!() };
        let (arn, config, revision, description, created) = match qualifier {
            None => (m.arn.clone(), &m.config, &m.revision_id, None, m.creation_date),
            Some(Qualifier::Version(n)) => {
                let v = m.versions.get(&n).ok_or_else(|| ApiError::new(ErrorCode::StateMachineDoesNotExist, format!("State Machine Does Not Exist: '{}'", input.state_machine_arn)))?;
                (format!("{}:{n}", m.arn), &v.config, &v.revision_id, v.description.clone(), v.creation_date)
            }
            Some(Qualifier::Alias(_)) => {
                return Err(ApiError::new(ErrorCode::ValidationException, "DescribeStateMachine takes a state machine or version ARN, not an alias ARN: use DescribeStateMachineAlias"));
            }
        };
        Ok(DescribeStateMachineOutput {
            state_machine_arn: arn,
            name,
            status: Some(StateMachineStatus::Active),
            definition: config.definition.clone(),
            role_arn: config.role_arn.clone(),
            r#type: m.kind,
            creation_date: created,
            logging_configuration: Some(config.logging.clone()),
            tracing_configuration: Some(config.tracing.clone()),
            label: None,
            revision_id: Some(revision.clone()),
            description,
            encryption_configuration: config.encryption.clone(),
            variable_references: None,
        })
    }

    async fn update_state_machine(&self, input: UpdateStateMachineInput) -> Result<UpdateStateMachineOutput, ApiError> {
        if input.definition.is_none() && input.role_arn.is_none() && input.logging_configuration.is_none() && input.tracing_configuration.is_none() && input.encryption_configuration.is_none() {
            return Err(ApiError::new(
                ErrorCode::MissingRequiredParameter,
                "Either the definition, the roleArn, the loggingConfiguration, the tracingConfiguration or the encryptionConfiguration must be given",
            ));
        }
        if input.publish != Some(true) && input.version_description.is_some() {
            return Err(ApiError::new(ErrorCode::ValidationException, "versionDescription can only be set when publish is true"));
        }
        let kind = {
            let st = self.state();
            let (m, parsed) = self.machine(&st, &input.state_machine_arn)?;
            if !matches!(parsed.resource, Resource::StateMachine { qualifier: None, test_case: None, .. }) {
                return Err(ApiError::new(ErrorCode::ValidationException, "UpdateStateMachine takes an unqualified state machine ARN, not a version or alias ARN"));
            }
            m.kind
        };
        if let Some(r) = &input.role_arn {
            arn::check_role_arn(r)?;
        }
        if let Some(d) = &input.definition {
            self.check_definition(d, kind)?;
        }
        if let Some(l) = &input.logging_configuration {
            check_logging(l)?;
        }
        let mut st = self.state();
        let (name, _) = self.machine_name(&st, &input.state_machine_arn)?;
        let m = st.machines.get_mut(&name).expect("looked up just now");
        let before = m.config.clone();
        let c = &mut m.config;
        if let Some(d) = input.definition {
            c.definition = d;
        }
        if let Some(r) = input.role_arn {
            c.role_arn = r;
        }
        if let Some(l) = input.logging_configuration {
            c.logging = l;
        }
        if let Some(t) = input.tracing_configuration {
            c.tracing = t;
        }
        if let Some(e) = input.encryption_configuration {
            c.encryption = Some(e);
        }
        let changed = before.definition != c.definition || before.role_arn != c.role_arn || before.logging != c.logging || before.tracing != c.tracing || before.encryption != c.encryption;
        if changed {
            m.revision_id = crate::ids::new_id();
        }
        let version = if input.publish == Some(true) { Some(self.publish(m, input.version_description)?.0) } else { None };
        Ok(UpdateStateMachineOutput { update_date: Timestamp::now(), revision_id: Some(m.revision_id.clone()), state_machine_version_arn: version })
    }

    async fn delete_state_machine(&self, input: DeleteStateMachineInput) -> Result<DeleteStateMachineOutput, ApiError> {
        let parsed = arn::parse(&input.state_machine_arn)?;
        let Resource::StateMachine { name, qualifier, .. } = &parsed.resource else {
            return Err(wrong_kind(&input.state_machine_arn, "a state machine"));
        };
        if qualifier.is_some() {
            return Err(ApiError::new(
                ErrorCode::ValidationException,
                "DeleteStateMachine takes an unqualified ARN: delete versions with DeleteStateMachineVersion and aliases with DeleteStateMachineAlias",
            ));
        }
        // Deleting what does not exist succeeds, as AWS's DeleteStateMachine does.
        let mut st = self.state();
        if st.machines.get(name).is_some_and(|m| m.arn == parsed.base()) {
            st.machines.remove(name);
        }
        Ok(DeleteStateMachineOutput {})
    }

    async fn list_state_machines(&self, input: ListStateMachinesInput) -> Result<ListStateMachinesOutput, ApiError> {
        let st = self.state();
        let items =
            st.machines.iter().map(|(name, m)| (name.clone(), StateMachineListItem { state_machine_arn: m.arn.clone(), name: name.clone(), r#type: m.kind, creation_date: m.creation_date })).collect();
        let (state_machines, next_token) = paginate(items, "stateMachines", input.max_results, input.next_token.as_deref())?;
        Ok(ListStateMachinesOutput { state_machines, next_token })
    }

    async fn validate_state_machine_definition(&self, input: ValidateStateMachineDefinitionInput) -> Result<ValidateStateMachineDefinitionOutput, ApiError> {
        let kind = input.r#type.unwrap_or(StateMachineType::Standard);
        let mut diagnostics = (self.check)(&input.definition, kind);
        let failed = diagnostics.iter().any(|d| d.severity == ValidateStateMachineDefinitionSeverity::Error);
        // `severity: ERROR` (the default) leaves warnings out; `WARNING` keeps both.
        if input.severity.unwrap_or(ValidateStateMachineDefinitionSeverity::Error) == ValidateStateMachineDefinitionSeverity::Error {
            diagnostics.retain(|d| d.severity == ValidateStateMachineDefinitionSeverity::Error);
        }
        let max = match input.max_results {
            None | Some(0) => 100,
            Some(n) => n as usize,
        };
        let truncated = diagnostics.len() > max;
        diagnostics.truncate(max);
        Ok(ValidateStateMachineDefinitionOutput {
            result: if failed { ValidateStateMachineDefinitionResultCode::Fail } else { ValidateStateMachineDefinitionResultCode::Ok },
            diagnostics,
            truncated: Some(truncated),
        })
    }

    async fn publish_state_machine_version(&self, input: PublishStateMachineVersionInput) -> Result<PublishStateMachineVersionOutput, ApiError> {
        let mut st = self.state();
        let (name, parsed) = self.machine_name(&st, &input.state_machine_arn)?;
        if !matches!(parsed.resource, Resource::StateMachine { qualifier: None, .. }) {
            return Err(ApiError::new(ErrorCode::ValidationException, "PublishStateMachineVersion takes an unqualified state machine ARN"));
        }
        let m = st.machines.get_mut(&name).expect("looked up just now");
        if let Some(r) = &input.revision_id
            && *r != m.revision_id
        {
            return Err(ApiError::new(ErrorCode::ConflictException, format!("Failed to publish the State Machine version for revision {r}. The current State Machine revision is {}.", m.revision_id)));
        }
        let (arn, creation_date) = self.publish(m, input.description)?;
        Ok(PublishStateMachineVersionOutput { creation_date, state_machine_version_arn: arn })
    }

    async fn list_state_machine_versions(&self, input: ListStateMachineVersionsInput) -> Result<ListStateMachineVersionsOutput, ApiError> {
        let st = self.state();
        let (m, _) = self.machine(&st, &input.state_machine_arn)?;
        let items =
            m.versions.iter().rev().map(|(n, v)| (version_key(*n), StateMachineVersionListItem { state_machine_version_arn: format!("{}:{n}", m.arn), creation_date: v.creation_date })).collect();
        let (state_machine_versions, next_token) = paginate(items, &format!("versions {}", m.arn), input.max_results, input.next_token.as_deref())?;
        Ok(ListStateMachineVersionsOutput { state_machine_versions, next_token })
    }

    async fn delete_state_machine_version(&self, input: DeleteStateMachineVersionInput) -> Result<DeleteStateMachineVersionOutput, ApiError> {
        let parsed = arn::parse(&input.state_machine_version_arn)?;
        let Resource::StateMachine { name, qualifier: Some(Qualifier::Version(v)), .. } = &parsed.resource else {
            return Err(wrong_kind(&input.state_machine_version_arn, "a state machine version"));
        };
        let mut st = self.state();
        let Some(m) = st.machines.get_mut(name).filter(|m| m.arn == parsed.base()) else {
            return Ok(DeleteStateMachineVersionOutput {});
        };
        if let Some((alias, _)) = m.aliases.iter().find(|(_, a)| a.routing.iter().any(|r| r.state_machine_version_arn == input.state_machine_version_arn)) {
            return Err(ApiError::new(ErrorCode::ConflictException, format!("Version {v} is routed to by alias '{alias}': update or delete the alias first")));
        }
        m.versions.remove(v);
        Ok(DeleteStateMachineVersionOutput {})
    }

    async fn create_state_machine_alias(&self, input: CreateStateMachineAliasInput) -> Result<CreateStateMachineAliasOutput, ApiError> {
        if !arn::valid_alias_name(&input.name) {
            return Err(ApiError::new(ErrorCode::ValidationException, format!("Invalid alias name '{}': use 1 to 80 of A-Z a-z 0-9 _ - . with at least one that is not a digit", input.name)));
        }
        let first = input.routing_configuration.first().map(|r| r.state_machine_version_arn.clone()).unwrap_or_default();
        let machine_arn = arn::parse(&first)?.base();
        let mut st = self.state();
        let (name, _) = self.machine_name(&st, &machine_arn)?;
        let m = st.machines.get_mut(&name).expect("looked up just now");
        self.check_routing(m, &input.routing_configuration)?;
        let alias_arn = format!("{}:{}", m.arn, input.name);
        if let Some(a) = m.aliases.get(&input.name) {
            if a.routing == input.routing_configuration && a.description == input.description {
                return Ok(CreateStateMachineAliasOutput { state_machine_alias_arn: alias_arn, creation_date: a.creation_date });
            }
            return Err(ApiError::new(ErrorCode::ConflictException, format!("Alias '{alias_arn}' exists with another configuration")));
        }
        if m.aliases.len() >= self.settings.limits.max_aliases_per_state_machine {
            return Err(ApiError::new(ErrorCode::ServiceQuotaExceededException, format!("The state machine has {} aliases, the most allowed", m.aliases.len())));
        }
        let now = Timestamp::now();
        m.aliases.insert(input.name, Alias { description: input.description, routing: input.routing_configuration, creation_date: now, update_date: now });
        Ok(CreateStateMachineAliasOutput { state_machine_alias_arn: alias_arn, creation_date: now })
    }

    async fn describe_state_machine_alias(&self, input: DescribeStateMachineAliasInput) -> Result<DescribeStateMachineAliasOutput, ApiError> {
        let st = self.state();
        let (m, parsed) = self.machine(&st, &input.state_machine_alias_arn).map_err(|e| match e.code {
            ErrorCode::StateMachineDoesNotExist => resource_not_found(&input.state_machine_alias_arn),
            _ => e,
        })?;
        let Resource::StateMachine { qualifier: Some(Qualifier::Alias(name)), .. } = parsed.resource else {
            return Err(wrong_kind(&input.state_machine_alias_arn, "a state machine alias"));
        };
        let a = m.aliases.get(&name).ok_or_else(|| resource_not_found(&input.state_machine_alias_arn))?;
        Ok(DescribeStateMachineAliasOutput {
            state_machine_alias_arn: Some(format!("{}:{name}", m.arn)),
            name: Some(name),
            description: a.description.clone(),
            routing_configuration: Some(a.routing.clone()),
            creation_date: Some(a.creation_date),
            update_date: Some(a.update_date),
        })
    }

    async fn update_state_machine_alias(&self, input: UpdateStateMachineAliasInput) -> Result<UpdateStateMachineAliasOutput, ApiError> {
        if input.description.is_none() && input.routing_configuration.is_none() {
            return Err(ApiError::new(ErrorCode::MissingRequiredParameter, "Either the description or the routingConfiguration must be given"));
        }
        let mut st = self.state();
        let (name, parsed) = self.machine_name(&st, &input.state_machine_alias_arn).map_err(|e| match e.code {
            ErrorCode::StateMachineDoesNotExist => resource_not_found(&input.state_machine_alias_arn),
            _ => e,
        })?;
        let Resource::StateMachine { qualifier: Some(Qualifier::Alias(alias)), .. } = parsed.resource else {
            return Err(wrong_kind(&input.state_machine_alias_arn, "a state machine alias"));
        };
        let m = st.machines.get_mut(&name).expect("looked up just now");
        if let Some(r) = &input.routing_configuration {
            self.check_routing(m, r)?;
        }
        let a = m.aliases.get_mut(&alias).ok_or_else(|| resource_not_found(&input.state_machine_alias_arn))?;
        if let Some(r) = input.routing_configuration {
            a.routing = r;
        }
        if let Some(d) = input.description {
            a.description = Some(d);
        }
        a.update_date = Timestamp::now();
        Ok(UpdateStateMachineAliasOutput { update_date: a.update_date })
    }

    async fn delete_state_machine_alias(&self, input: DeleteStateMachineAliasInput) -> Result<DeleteStateMachineAliasOutput, ApiError> {
        let parsed = arn::parse(&input.state_machine_alias_arn)?;
        let Resource::StateMachine { name, qualifier: Some(Qualifier::Alias(alias)), .. } = &parsed.resource else {
            return Err(wrong_kind(&input.state_machine_alias_arn, "a state machine alias"));
        };
        let mut st = self.state();
        let removed = st.machines.get_mut(name).filter(|m| m.arn == parsed.base()).and_then(|m| m.aliases.remove(alias));
        match removed {
            Some(_) => Ok(DeleteStateMachineAliasOutput {}),
            None => Err(resource_not_found(&input.state_machine_alias_arn)),
        }
    }

    async fn list_state_machine_aliases(&self, input: ListStateMachineAliasesInput) -> Result<ListStateMachineAliasesOutput, ApiError> {
        let st = self.state();
        let (m, _) = self.machine(&st, &input.state_machine_arn)?;
        let items = m.aliases.iter().map(|(n, a)| (n.clone(), StateMachineAliasListItem { state_machine_alias_arn: format!("{}:{n}", m.arn), creation_date: a.creation_date })).collect();
        let (state_machine_aliases, next_token) = paginate(items, &format!("aliases {}", m.arn), input.max_results, input.next_token.as_deref())?;
        Ok(ListStateMachineAliasesOutput { state_machine_aliases, next_token })
    }

    async fn create_activity(&self, input: CreateActivityInput) -> Result<CreateActivityOutput, ApiError> {
        arn::check_name(&input.name)?;
        check_tag_keys(input.tags.as_deref().unwrap_or(&[]))?;
        let mut st = self.state();
        // Idempotent on the name; tags of a repeated call are ignored (AWS's rule).
        if let Some(a) = st.activities.get(&input.name) {
            return Ok(CreateActivityOutput { activity_arn: a.arn.clone(), creation_date: a.creation_date });
        }
        if st.activities.len() >= self.settings.limits.max_activities {
            return Err(ApiError::new(ErrorCode::ActivityLimitExceeded, format!("Activity limit exceeded: this server holds at most {} activities", self.settings.limits.max_activities)));
        }
        let arn = format!("{}:activity:{}", self.prefix(), input.name);
        let mut tags = Vec::new();
        merge_tags(&mut tags, input.tags.as_deref().unwrap_or(&[]), &arn)?;
        let now = Timestamp::now();
        st.activities.insert(input.name, Activity { arn: arn.clone(), creation_date: now, encryption: input.encryption_configuration, tags });
        Ok(CreateActivityOutput { activity_arn: arn, creation_date: now })
    }

    async fn describe_activity(&self, input: DescribeActivityInput) -> Result<DescribeActivityOutput, ApiError> {
        self.activity_exists(&input.activity_arn)?;
        let st = self.state();
        let name = name_of(&input.activity_arn);
        let a = st.activities.get(name).ok_or_else(|| ApiError::new(ErrorCode::ActivityDoesNotExist, format!("Activity Does Not Exist: '{}'", input.activity_arn)))?;
        Ok(DescribeActivityOutput { activity_arn: a.arn.clone(), name: name.to_string(), creation_date: a.creation_date, encryption_configuration: a.encryption.clone() })
    }

    async fn list_activities(&self, input: ListActivitiesInput) -> Result<ListActivitiesOutput, ApiError> {
        let st = self.state();
        let items = st.activities.iter().map(|(name, a)| (name.clone(), ActivityListItem { activity_arn: a.arn.clone(), name: name.clone(), creation_date: a.creation_date })).collect();
        let (activities, next_token) = paginate(items, "activities", input.max_results, input.next_token.as_deref())?;
        Ok(ListActivitiesOutput { activities, next_token })
    }

    async fn delete_activity(&self, input: DeleteActivityInput) -> Result<DeleteActivityOutput, ApiError> {
        let parsed = arn::parse(&input.activity_arn)?;
        let Resource::Activity { name } = &parsed.resource else {
            return Err(wrong_kind(&input.activity_arn, "an activity"));
        };
        // Deleting what does not exist succeeds, as AWS's DeleteActivity does.
        let mut st = self.state();
        if st.activities.get(name).is_some_and(|a| a.arn == input.activity_arn) {
            st.activities.remove(name);
        }
        Ok(DeleteActivityOutput {})
    }

    async fn tag_resource(&self, input: TagResourceInput) -> Result<TagResourceOutput, ApiError> {
        check_tag_keys(&input.tags)?;
        let mut st = self.state();
        let tags = self.tags_mut(&mut st, &input.resource_arn)?;
        merge_tags(tags, &input.tags, &input.resource_arn)?;
        Ok(TagResourceOutput {})
    }

    async fn untag_resource(&self, input: UntagResourceInput) -> Result<UntagResourceOutput, ApiError> {
        let mut st = self.state();
        let tags = self.tags_mut(&mut st, &input.resource_arn)?;
        tags.retain(|t| !t.key.as_ref().is_some_and(|k| input.tag_keys.contains(k)));
        Ok(UntagResourceOutput {})
    }

    async fn list_tags_for_resource(&self, input: ListTagsForResourceInput) -> Result<ListTagsForResourceOutput, ApiError> {
        let mut st = self.state();
        let tags = self.tags_mut(&mut st, &input.resource_arn)?;
        Ok(ListTagsForResourceOutput { tags: Some(tags.clone()) })
    }

    // ---- Execution actions: arguments are checked, then the missing engine is named. ----

    async fn start_execution(&self, input: StartExecutionInput) -> Result<StartExecutionOutput, ApiError> {
        if let Some(name) = &input.name {
            arn::check_name(name)?;
        }
        if let Some(i) = &input.input {
            check_execution_input(i)?;
        }
        let resolved = self.resolve_state_machine(&input.state_machine_arn)?;
        check_test_case(&self.settings, &resolved)?;
        Err(Self::not_wired("StartExecution"))
    }

    async fn start_sync_execution(&self, input: StartSyncExecutionInput) -> Result<StartSyncExecutionOutput, ApiError> {
        if let Some(name) = &input.name {
            arn::check_name(name)?;
        }
        if let Some(i) = &input.input {
            check_execution_input(i)?;
        }
        let resolved = self.resolve_state_machine(&input.state_machine_arn)?;
        if resolved.kind != StateMachineType::Express {
            return Err(ApiError::new(ErrorCode::StateMachineTypeNotSupported, "StartSyncExecution runs EXPRESS state machines only"));
        }
        check_test_case(&self.settings, &resolved)?;
        Err(Self::not_wired("StartSyncExecution"))
    }

    async fn stop_execution(&self, input: StopExecutionInput) -> Result<StopExecutionOutput, ApiError> {
        Self::execution_action("StopExecution", &input.execution_arn)
    }

    async fn describe_execution(&self, input: DescribeExecutionInput) -> Result<DescribeExecutionOutput, ApiError> {
        Self::execution_action("DescribeExecution", &input.execution_arn)
    }

    async fn describe_state_machine_for_execution(&self, input: DescribeStateMachineForExecutionInput) -> Result<DescribeStateMachineForExecutionOutput, ApiError> {
        Self::execution_action("DescribeStateMachineForExecution", &input.execution_arn)
    }

    async fn get_execution_history(&self, input: GetExecutionHistoryInput) -> Result<GetExecutionHistoryOutput, ApiError> {
        Self::execution_action("GetExecutionHistory", &input.execution_arn)
    }

    async fn redrive_execution(&self, input: RedriveExecutionInput) -> Result<RedriveExecutionOutput, ApiError> {
        Self::execution_action("RedriveExecution", &input.execution_arn)
    }

    async fn list_executions(&self, input: ListExecutionsInput) -> Result<ListExecutionsOutput, ApiError> {
        match (&input.state_machine_arn, &input.map_run_arn) {
            (Some(arn), None) => {
                let st = self.state();
                self.machine(&st, arn)?;
            }
            (None, Some(arn)) => {
                if !matches!(arn::parse(arn)?.resource, Resource::MapRun { .. }) {
                    return Err(wrong_kind(arn, "a map run"));
                }
            }
            _ => {
                return Err(ApiError::new(ErrorCode::ValidationException, "Exactly one of stateMachineArn and mapRunArn must be given")
                    .with("reason", ValidationExceptionReason::MissingRequiredParameter.as_str()));
            }
        }
        Err(Self::not_wired("ListExecutions"))
    }

    async fn describe_map_run(&self, input: DescribeMapRunInput) -> Result<DescribeMapRunOutput, ApiError> {
        match arn::parse(&input.map_run_arn)?.resource {
            Resource::MapRun { .. } => Err(Self::not_wired("DescribeMapRun")),
            _ => Err(wrong_kind(&input.map_run_arn, "a map run")),
        }
    }

    async fn list_map_runs(&self, input: ListMapRunsInput) -> Result<ListMapRunsOutput, ApiError> {
        Self::execution_action("ListMapRuns", &input.execution_arn)
    }

    async fn update_map_run(&self, input: UpdateMapRunInput) -> Result<UpdateMapRunOutput, ApiError> {
        match arn::parse(&input.map_run_arn)?.resource {
            Resource::MapRun { .. } => Err(Self::not_wired("UpdateMapRun")),
            _ => Err(wrong_kind(&input.map_run_arn, "a map run")),
        }
    }

    async fn get_activity_task(&self, input: GetActivityTaskInput) -> Result<GetActivityTaskOutput, ApiError> {
        self.activity_exists(&input.activity_arn)?;
        Err(Self::not_wired("GetActivityTask"))
    }

    async fn send_task_success(&self, input: SendTaskSuccessInput) -> Result<SendTaskSuccessOutput, ApiError> {
        if serde_json::from_str::<serde_json::Value>(&input.output).is_err() {
            return Err(ApiError::new(ErrorCode::InvalidOutput, "Invalid Output: the task output is not JSON"));
        }
        Err(Self::not_wired("SendTaskSuccess"))
    }

    async fn send_task_failure(&self, _input: SendTaskFailureInput) -> Result<SendTaskFailureOutput, ApiError> {
        Err(Self::not_wired("SendTaskFailure"))
    }

    async fn send_task_heartbeat(&self, _input: SendTaskHeartbeatInput) -> Result<SendTaskHeartbeatOutput, ApiError> {
        Err(Self::not_wired("SendTaskHeartbeat"))
    }

    async fn test_state(&self, input: TestStateInput) -> Result<TestStateOutput, ApiError> {
        if let Some(i) = &input.input {
            check_execution_input(i)?;
        }
        Err(Self::not_wired("TestState"))
    }
}

/// `InvalidExecutionInput` unless the input is JSON.
fn check_execution_input(input: &str) -> Result<(), ApiError> {
    serde_json::from_str::<serde_json::Value>(input).map(drop).map_err(|e| ApiError::new(ErrorCode::InvalidExecutionInput, format!("Invalid State Machine Execution Input: '{e}'")))
}

/// A `#TestCase` suffix needs a mock configuration that has that test case for the machine.
pub(crate) fn check_test_case(settings: &Settings, m: &ResolvedMachine) -> Result<(), ApiError> {
    let Some(case) = &m.test_case else { return Ok(()) };
    let Some(mock) = &settings.mock_config else {
        return Err(ApiError::new(ErrorCode::ValidationException, format!("Test case '{case}' asked for, but this server has no mock configuration (--mock-config FILE or SFN_MOCK_CONFIG)")));
    };
    if mock.test_case(&m.name, case).is_none() {
        return Err(ApiError::new(ErrorCode::ValidationException, format!("The mock configuration has no test case '{case}' for state machine '{}'", m.name)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_resume_after_the_last_key_and_tokens_are_tied_to_their_listing() {
        let items = |n: usize| (0..n).map(|i| (format!("k{i:02}"), i)).collect::<Vec<_>>();
        let (p1, t1) = paginate(items(5), "a", Some(2), None).unwrap();
        assert_eq!(p1, vec![0, 1]);
        let (p2, t2) = paginate(items(5), "a", Some(2), t1.as_deref()).unwrap();
        assert_eq!(p2, vec![2, 3]);
        let (p3, t3) = paginate(items(5), "a", Some(2), t2.as_deref()).unwrap();
        assert_eq!((p3, t3), (vec![4], None));
        assert_eq!(paginate(items(5), "b", Some(2), t1.as_deref()).unwrap_err().code, ErrorCode::InvalidToken);
        assert_eq!(paginate(items(5), "a", None, Some("zz")).unwrap_err().code, ErrorCode::InvalidToken);
        // An exact page leaves no token.
        assert_eq!(paginate(items(2), "a", Some(2), None).unwrap().1, None);
    }

    #[test]
    fn basic_check_finds_structural_errors() {
        let ok = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Succeed"}}}"#;
        assert!(basic_definition_check(ok, StateMachineType::Standard).is_empty());
        let codes = |d: &str| basic_definition_check(d, StateMachineType::Standard).into_iter().map(|d| (d.code, d.location)).collect::<Vec<_>>();
        assert_eq!(codes("{"), vec![("INVALID_JSON_DESCRIPTION".into(), None)]);
        assert_eq!(
            codes(r#"{"StartAt":"X","States":{"A":{"Type":"Pass","Next":"Nowhere"}}}"#),
            vec![("MISSING_TRANSITION_TARGET".into(), Some("/StartAt".into())), ("MISSING_TRANSITION_TARGET".into(), Some("/States/A/Next".into()))]
        );
        assert_eq!(codes(r#"{"StartAt":"A","States":{"A":{"Type":"Sleep"}}}"#), vec![("SCHEMA_VALIDATION_FAILED".into(), Some("/States/A/Type".into()))]);
    }
}
