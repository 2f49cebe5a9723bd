//! Evaluating parsed JSONPath paths against the input, the context object or a variable, and
//! writing results into the input (`ResultPath`).
//!
//! [`select`] is the plain read. The `fields` functions wrap it for each ASL field that reads a
//! path and turn "found nothing" into AWS's error for that field. The causes they return are the
//! part of AWS's text after the state prefix ("An error occurred while executing the state 'X'
//! (entered at the event id #N). "), which the state machine loop adds.

mod explain;
pub(crate) mod fields;
mod filter;
mod insert;
mod select;
#[cfg(test)]
mod tests;

pub use fields::{field_path, float_path, input_path, integer_path, items_path, seconds_path, timestamp_path, value_text};
pub(crate) use filter::num_cmp;
pub use insert::{REFERENCE_PATH_CONFLICT, insert, slot_mut};
pub use select::{select, select_in};

/// Compact JSON, as AWS quotes inputs in error causes (key order preserved).
pub(crate) fn compact(v: &serde_json::Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
