//! Choice rules as data, for workflows loaded at run time: each comparison calls the same
//! operator function that compiled code calls.

use asl_syntax::spec::{Compare, Op, Operand, Rule};
use serde_json::Value;

use super::*;
use crate::template;

/// Whether `rule` holds in `env`.
pub fn holds(rule: &Rule, env: &Env) -> Result<bool, Failure> {
    Ok(match rule {
        Rule::And(rs) => {
            for r in rs.iter() {
                if !holds(r, env)? {
                    return Ok(false);
                }
            }
            true
        }
        Rule::Or(rs) => {
            for r in rs.iter() {
                if holds(r, env)? {
                    return Ok(true);
                }
            }
            false
        }
        Rule::Not(r) => !holds(r, env)?,
        Rule::Condition(q) => template::condition(q, env)?,
        Rule::Compare(c) => compare(c, env)?,
    })
}

/// The index of the first rule that holds.
pub fn pick(rules: &[Rule], env: &Env) -> Result<Option<usize>, Failure> {
    for (i, r) in rules.iter().enumerate() {
        if holds(r, env)? {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

fn compare(c: &Compare, env: &Env) -> Result<bool, Failure> {
    if let (Op::IsPresent, Operand::Bool(b)) = (c.op, &c.operand) {
        return Ok(is_present(&c.variable, env) == *b);
    }
    let value = variable(&c.variable, env)?;
    let v: &Value = &value;
    Ok(match &c.operand {
        Operand::Bool(b) => match c.op {
            Op::IsNull => is_null(v) == *b,
            Op::IsNumeric => is_numeric(v) == *b,
            Op::IsString => is_string(v) == *b,
            Op::IsBoolean => is_boolean(v) == *b,
            Op::IsTimestamp => is_timestamp(v) == *b,
            _ => boolean_equals(v, *b),
        },
        Operand::Str(s) => match c.op {
            Op::StringEquals => string_equals(v, s),
            Op::StringLessThan => string_less_than(v, s),
            Op::StringGreaterThan => string_greater_than(v, s),
            Op::StringLessThanEquals => string_less_than_equals(v, s),
            Op::StringGreaterThanEquals => string_greater_than_equals(v, s),
            _ => string_matches(v, s),
        },
        Operand::Number(n) => match c.op {
            Op::NumericEquals => numeric_equals(v, *n),
            Op::NumericLessThan => numeric_less_than(v, *n),
            Op::NumericGreaterThan => numeric_greater_than(v, *n),
            Op::NumericLessThanEquals => numeric_less_than_equals(v, *n),
            _ => numeric_greater_than_equals(v, *n),
        },
        Operand::Timestamp { at, .. } => match c.op {
            Op::TimestampEquals => timestamp_equals(v, at),
            Op::TimestampLessThan => timestamp_less_than(v, at),
            Op::TimestampGreaterThan => timestamp_greater_than(v, at),
            Op::TimestampLessThanEquals => timestamp_less_than_equals(v, at),
            _ => timestamp_greater_than_equals(v, at),
        },
        Operand::Path(p) => {
            let other = operand(p, env)?;
            let o: &Value = &other;
            match c.op {
                Op::StringEqualsPath => string_equals_path(v, o),
                Op::StringLessThanPath => string_less_than_path(v, o),
                Op::StringGreaterThanPath => string_greater_than_path(v, o),
                Op::StringLessThanEqualsPath => string_less_than_equals_path(v, o),
                Op::StringGreaterThanEqualsPath => string_greater_than_equals_path(v, o),
                Op::NumericEqualsPath => numeric_equals_path(v, o),
                Op::NumericLessThanPath => numeric_less_than_path(v, o),
                Op::NumericGreaterThanPath => numeric_greater_than_path(v, o),
                Op::NumericLessThanEqualsPath => numeric_less_than_equals_path(v, o),
                Op::NumericGreaterThanEqualsPath => numeric_greater_than_equals_path(v, o),
                Op::BooleanEqualsPath => boolean_equals_path(v, o),
                Op::TimestampEqualsPath => timestamp_equals_path(v, o),
                Op::TimestampLessThanPath => timestamp_less_than_path(v, o),
                Op::TimestampGreaterThanPath => timestamp_greater_than_path(v, o),
                Op::TimestampLessThanEqualsPath => timestamp_less_than_equals_path(v, o),
                _ => timestamp_greater_than_equals_path(v, o),
            }
        }
    })
}
