//! AWS's error codes and their wire form: `{"__type": "<namespace>#<Code>", "message": "…"}` with
//! an HTTP status. botocore (and the AWS CLI) take the code from `__type` after the last `#`.

use serde_json::{Map, Value};

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $status:literal, $ns:expr;)*) => {
        /// Every error code this server answers with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $($(#[$doc])* $name,)* }

        impl ErrorCode {
            /// The code as clients see it (`e.response["Error"]["Code"]` in boto3).
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$name => stringify!($name),)* }
            }
            pub fn http_status(self) -> u16 {
                match self { $(Self::$name => $status,)* }
            }
            /// The namespace AWS puts before `#` in `__type`.
            pub fn namespace(self) -> &'static str {
                match self { $(Self::$name => $ns,)* }
            }
            pub const ALL: &'static [ErrorCode] = &[$(Self::$name,)*];
        }
    };
}

const SFN: &str = "com.amazonaws.swf.service.v2.model";

codes! {
    ActivityAlreadyExists = 400, SFN;
    ActivityDoesNotExist = 400, SFN;
    ActivityLimitExceeded = 400, SFN;
    ActivityWorkerLimitExceeded = 400, SFN;
    ConflictException = 400, SFN;
    ExecutionAlreadyExists = 400, SFN;
    ExecutionDoesNotExist = 400, SFN;
    ExecutionLimitExceeded = 400, SFN;
    ExecutionNotRedrivable = 400, SFN;
    InvalidArn = 400, SFN;
    InvalidDefinition = 400, SFN;
    InvalidEncryptionConfiguration = 400, SFN;
    InvalidExecutionInput = 400, SFN;
    InvalidLoggingConfiguration = 400, SFN;
    InvalidName = 400, SFN;
    InvalidOutput = 400, SFN;
    InvalidToken = 400, SFN;
    InvalidTracingConfiguration = 400, SFN;
    KmsAccessDeniedException = 400, SFN;
    KmsInvalidStateException = 400, SFN;
    KmsThrottlingException = 400, SFN;
    MissingRequiredParameter = 400, SFN;
    ResourceNotFound = 400, SFN;
    ServiceQuotaExceededException = 400, SFN;
    StateMachineAlreadyExists = 400, SFN;
    StateMachineDeleting = 400, SFN;
    StateMachineDoesNotExist = 400, SFN;
    StateMachineLimitExceeded = 400, SFN;
    StateMachineTypeNotSupported = 400, SFN;
    TaskDoesNotExist = 400, SFN;
    TaskTimedOut = 400, SFN;
    TooManyTags = 400, SFN;
    ValidationException = 400, SFN;
    /// The request body is not JSON, not an object, or a member has the wrong JSON type.
    SerializationException = 400, "com.amazon.coral.service";
    /// No such action in `X-Amz-Target` (or no `X-Amz-Target`).
    UnknownOperationException = 400, "com.amazon.coral.service";
    /// Over the configured API call rate. botocore retries this code with back-off.
    ThrottlingException = 400, "com.amazon.coral.availability";
    /// The body is over the configured size limit.
    RequestEntityTooLargeException = 413, "com.amazon.coral.service";
    InternalFailure = 500, "com.amazon.coral.service";
    /// Not an AWS code: the action exists in the API but this server's backend does not serve it
    /// (the execution engine is not wired in yet). 501 so that SDKs do not retry it.
    NotImplemented = 501, "com.amazon.coral.service";
}

/// An AWS error: the code, its message, and the extra members some codes carry.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// Extra members of the error shape: `reason` (ValidationException), `resourceName`
    /// (ResourceNotFound, TooManyTags), `kmsKeyState`.
    pub extra: Map<String, Value>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into(), extra: Map::new() }
    }

    pub fn with(mut self, member: &str, value: impl Into<String>) -> Self {
        self.extra.insert(member.to_string(), Value::String(value.into()));
        self
    }

    /// The answer of an action whose backend part is missing, naming what is missing.
    pub fn not_wired(action: &str, needs: &str) -> Self {
        ApiError::new(ErrorCode::NotImplemented, format!("{action} is not available yet: it needs {needs}, which is not wired into this asl-server"))
    }

    pub fn status(&self) -> u16 {
        self.code.http_status()
    }

    /// The JSON body AWS sends for this error.
    pub fn body(&self) -> Vec<u8> {
        let mut m = Map::new();
        m.insert("__type".into(), Value::String(format!("{}#{}", self.code.namespace(), self.code.as_str())));
        m.insert("message".into(), Value::String(self.message.clone()));
        for (k, v) in &self.extra {
            m.insert(k.clone(), v.clone());
        }
        serde_json::to_vec(&Value::Object(m)).expect("a JSON object always serializes")
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for ApiError {}
