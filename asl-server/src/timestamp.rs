//! AWS JSON 1.0 timestamps: seconds since the Unix epoch as a JSON number, with milliseconds
//! as the fraction (what boto3 and the CLI read as a date).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub f64);

impl Timestamp {
    /// Now, to the millisecond as AWS gives it.
    pub fn now() -> Self {
        let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_millis();
        Timestamp(ms as f64 / 1000.0)
    }
}
