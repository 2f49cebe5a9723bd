use super::Io;
use crate::Lit;

/// A Pass state: the input, or `Result`, or `Parameters`, placed by ResultPath.
#[derive(Clone, Debug, PartialEq)]
pub struct PassSpec {
    pub io: Io,
    pub result: Option<Lit>,
}
