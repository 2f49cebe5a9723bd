//! Retry and Catch: the runtime's own types; a catcher names its `Next` as written.

pub use asl_syntax::spec::{Jitter, Retrier};

use super::Located;

/// A catcher whose `Next` is the state name as written (with where it was written).
pub type Catcher = asl_syntax::spec::Catcher<Located<String>>;
