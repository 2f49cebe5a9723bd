use super::Io;
use crate::path::Path;
use crate::template::Query;
use crate::timestamp::Timestamp;

#[derive(Clone, Debug, PartialEq)]
pub enum WaitFor {
    Seconds(u64),
    /// A literal timestamp, parsed at build time.
    Timestamp(Timestamp),
    SecondsPath(Path),
    TimestampPath(Path),
    /// JSONata `Seconds: "{% … %}"`.
    SecondsQuery(Query),
    /// JSONata `Timestamp: "{% … %}"`.
    TimestampQuery(Query),
}

#[derive(Clone, Debug, PartialEq)]
pub struct WaitSpec {
    pub io: Io,
    pub wait: WaitFor,
}
