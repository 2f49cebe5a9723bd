//! Which fields each state type accepts, per query language: the table behind "unknown field"
//! and "not allowed here" diagnostics.

use crate::model::QueryLanguage;

pub const COMMON: &[&str] = &["Type", "Comment", "QueryLanguage"];

/// Fields only JSONPath states take.
pub const JSONPATH_ONLY: &[&str] = &[
    "InputPath",
    "OutputPath",
    "Parameters",
    "ResultSelector",
    "ResultPath",
    "Result",
    "ItemsPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "SecondsPath",
    "TimestampPath",
    "ErrorPath",
    "CausePath",
    "MaxConcurrencyPath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
    "Iterator",
];

/// Fields only JSONata states take.
pub const JSONATA_ONLY: &[&str] = &["Arguments", "Output", "Items"];

/// Every field a state of `type_name` may have, in either query language.
pub fn state_fields(type_name: &str) -> Option<&'static [&'static str]> {
    Some(match type_name {
        "Pass" => &["Next", "End", "InputPath", "OutputPath", "Parameters", "ResultPath", "Result", "Assign", "Output"],
        "Task" => &[
            "Next",
            "End",
            "Resource",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Arguments",
            "Output",
            "Assign",
            "Retry",
            "Catch",
            "TimeoutSeconds",
            "TimeoutSecondsPath",
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
            "Credentials",
        ],
        "Choice" => &["Choices", "Default", "InputPath", "OutputPath", "Assign", "Output"],
        "Wait" => &["Next", "End", "Seconds", "Timestamp", "SecondsPath", "TimestampPath", "InputPath", "OutputPath", "Assign", "Output"],
        "Succeed" => &["InputPath", "OutputPath", "Output"],
        "Fail" => &["Error", "ErrorPath", "Cause", "CausePath"],
        "Parallel" => &["Next", "End", "Branches", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Arguments", "Output", "Assign", "Retry", "Catch"],
        "Map" => &[
            "Next",
            "End",
            "ItemProcessor",
            "Iterator",
            "ItemsPath",
            "Items",
            "ItemSelector",
            "Parameters",
            "MaxConcurrency",
            "MaxConcurrencyPath",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            "Label",
            "InputPath",
            "OutputPath",
            "ResultSelector",
            "ResultPath",
            "Output",
            "Assign",
            "Retry",
            "Catch",
        ],
        _ => return None,
    })
}

pub const STATE_TYPES: &[&str] = &["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"];

/// Whether `field` belongs to the other query language than `ql`.
pub fn wrong_language(field: &str, ql: QueryLanguage) -> bool {
    match ql {
        QueryLanguage::JsonPath => JSONATA_ONLY.contains(&field),
        QueryLanguage::Jsonata => JSONPATH_ONLY.contains(&field),
    }
}
