//! A number written literally, read from the input by a path, or computed by JSONata.

use crate::path::Path;
use crate::template::Query;

/// `TimeoutSeconds` / `TimeoutSecondsPath`, `MaxConcurrency(Path)`, `MaxItems(Path)`,
/// `ToleratedFailurePercentage(Path)`, … or `"{% … %}"`.
#[derive(Clone, Debug, PartialEq)]
pub enum Dynamic<T> {
    Lit(T),
    Path(Path),
    /// JSONata `"{% … %}"`.
    Query(Query),
}
