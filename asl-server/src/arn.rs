//! Step Functions ARNs: `arn:PARTITION:states:REGION:ACCOUNT:TYPE:…` for state machines
//! (optionally `:VERSION` or `:ALIAS`, and `#TestCase` as Step Functions Local reads it),
//! activities, executions, express executions and map runs; and AWS's rules for names.

use crate::error::{ApiError, ErrorCode};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Qualifier {
    Version(u64),
    Alias(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    /// `stateMachine:NAME[:VERSION|:ALIAS][#TEST_CASE]`
    StateMachine { name: String, qualifier: Option<Qualifier>, test_case: Option<String> },
    /// `activity:NAME`
    Activity { name: String },
    /// `execution:MACHINE[:QUALIFIER]:NAME`
    Execution { machine: String, name: String },
    /// `express:MACHINE:NAME:ID`
    Express { machine: String, name: String, id: String },
    /// `mapRun:MACHINE/LABEL:ID`
    MapRun { machine: String, rest: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn {
    pub partition: String,
    pub region: String,
    pub account: String,
    pub resource: Resource,
}

impl Arn {
    /// The ARN of the unqualified state machine, activity, … this one names, without `#TestCase`.
    pub fn base(&self) -> String {
        let p = format!("arn:{}:states:{}:{}", self.partition, self.region, self.account);
        match &self.resource {
            Resource::StateMachine { name, .. } => format!("{p}:stateMachine:{name}"),
            Resource::Activity { name } => format!("{p}:activity:{name}"),
            Resource::Execution { machine, name } => format!("{p}:execution:{machine}:{name}"),
            Resource::Express { machine, name, id } => format!("{p}:express:{machine}:{name}:{id}"),
            Resource::MapRun { machine, rest } => format!("{p}:mapRun:{machine}/{rest}"),
        }
    }
}

fn invalid(arn: &str, why: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidArn, format!("Invalid Arn: '{why}: {arn}'"))
}

/// Parses any Step Functions ARN; `InvalidArn` when it is not one.
pub fn parse(arn: &str) -> Result<Arn, ApiError> {
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    if parts.len() < 7 || parts[0] != "arn" || parts[2] != "states" {
        return Err(invalid(arn, "Not a Step Functions ARN (arn:PARTITION:states:REGION:ACCOUNT:TYPE:NAME)"));
    }
    let (partition, region, account, kind, rest) = (parts[1], parts[3], parts[4], parts[5], parts[6]);
    if !partition.starts_with("aws") || region.is_empty() || !(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())) {
        return Err(invalid(arn, "Bad partition, region or account"));
    }
    let name_ok = |n: &str| valid_name(n);
    let resource = match kind {
        "stateMachine" => {
            let (rest, test_case) = match rest.split_once('#') {
                Some((r, t)) if !t.is_empty() => (r, Some(t.to_string())),
                Some(_) => return Err(invalid(arn, "Empty test case name after '#'")),
                None => (rest, None),
            };
            let mut it = rest.split(':');
            let name = it.next().unwrap_or("");
            let qualifier = match it.next() {
                None => None,
                Some(q) if !q.is_empty() && q.bytes().all(|b| b.is_ascii_digit()) => Some(Qualifier::Version(q.parse().map_err(|_| invalid(arn, "Version number out of range"))?)),
                Some(q) if valid_alias_name(q) => Some(Qualifier::Alias(q.to_string())),
                Some(_) => return Err(invalid(arn, "Bad version or alias qualifier")),
            };
            if it.next().is_some() || !name_ok(name) {
                return Err(invalid(arn, "Bad state machine name"));
            }
            Resource::StateMachine { name: name.to_string(), qualifier, test_case }
        }
        "activity" if name_ok(rest) => Resource::Activity { name: rest.to_string() },
        "execution" => {
            let segs: Vec<&str> = rest.split(':').collect();
            match segs.as_slice() {
                [m, n] | [m, _, n] if name_ok(m) && name_ok(n) => Resource::Execution { machine: m.to_string(), name: n.to_string() },
                _ => return Err(invalid(arn, "Bad execution ARN (execution:MACHINE:NAME)")),
            }
        }
        "express" => match rest.split(':').collect::<Vec<_>>().as_slice() {
            [m, n, id] if name_ok(m) && name_ok(n) && !id.is_empty() => Resource::Express { machine: m.to_string(), name: n.to_string(), id: id.to_string() },
            _ => return Err(invalid(arn, "Bad express execution ARN")),
        },
        "mapRun" => match rest.split_once('/') {
            Some((m, r)) if name_ok(m) && !r.is_empty() => Resource::MapRun { machine: m.to_string(), rest: r.to_string() },
            _ => return Err(invalid(arn, "Bad map run ARN")),
        },
        _ => return Err(invalid(arn, "Unknown resource type or bad name")),
    };
    Ok(Arn { partition: partition.into(), region: region.into(), account: account.into(), resource })
}

/// `InvalidArn` unless `arn` is an IAM role ARN (`arn:PARTITION:iam::ACCOUNT:role/NAME`), as
/// a state machine's `roleArn` must be. The role is not assumed or looked up.
pub fn check_role_arn(arn: &str) -> Result<(), ApiError> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "iam"
        && parts[3].is_empty()
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && parts[5].strip_prefix("role/").is_some_and(|r| !r.is_empty());
    if ok { Ok(()) } else { Err(invalid(arn, "Not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)")) }
}

/// AWS's rule for state machine, execution and activity names: 1–80 characters, none of them
/// whitespace, `< > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /`, or control characters.
pub fn valid_name(name: &str) -> bool {
    let n = name.chars().count();
    (1..=80).contains(&n) && !name.chars().any(|c| c.is_whitespace() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c) || (c as u32) <= 0x1f || (0x7f..=0x9f).contains(&(c as u32)))
}

/// Alias names (AWS's CharacterRestrictedName): `[a-zA-Z0-9_.-]`, 1–80 long, not all digits
/// (an all-digit qualifier is a version).
pub fn valid_alias_name(name: &str) -> bool {
    (1..=80).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.') && name.bytes().any(|b| !b.is_ascii_digit())
}

/// `InvalidName` unless `name` follows [`valid_name`].
pub fn check_name(name: &str) -> Result<(), ApiError> {
    if valid_name(name) { Ok(()) } else { Err(ApiError::new(ErrorCode::InvalidName, format!("Invalid Name: '{name}'"))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_kind() {
        let a = parse("arn:aws:states:us-east-1:123456789012:stateMachine:Flow").unwrap();
        assert_eq!(a.resource, Resource::StateMachine { name: "Flow".into(), qualifier: None, test_case: None });
        let a = parse("arn:aws:states:us-east-1:123456789012:stateMachine:Flow:3").unwrap();
        assert!(matches!(a.resource, Resource::StateMachine { qualifier: Some(Qualifier::Version(3)), .. }));
        let a = parse("arn:aws:states:us-east-1:123456789012:stateMachine:Flow:prod#HappyPath").unwrap();
        assert_eq!(a.resource, Resource::StateMachine { name: "Flow".into(), qualifier: Some(Qualifier::Alias("prod".into())), test_case: Some("HappyPath".into()) });
        assert_eq!(a.base(), "arn:aws:states:us-east-1:123456789012:stateMachine:Flow");
        let a = parse("arn:aws:states:eu-west-1:123456789012:execution:Flow:run-1").unwrap();
        assert_eq!(a.resource, Resource::Execution { machine: "Flow".into(), name: "run-1".into() });
        assert!(matches!(parse("arn:aws:states:us-east-1:123456789012:activity:Approve").unwrap().resource, Resource::Activity { .. }));
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "Flow",
            "arn:aws:lambda:us-east-1:123456789012:function:f",
            "arn:aws:states:us-east-1:12345:stateMachine:Flow",
            "arn:aws:states:us-east-1:123456789012:stateMachine:",
            "arn:aws:states:us-east-1:123456789012:stateMachine:a b",
            "arn:aws:states:us-east-1:123456789012:stateMachine:Flow:1:2",
            "arn:aws:states:us-east-1:123456789012:widget:Flow",
            "arn:aws:states:us-east-1:123456789012:stateMachine:Flow#",
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidArn, "{bad}");
        }
    }

    #[test]
    fn role_arns() {
        assert!(check_role_arn("arn:aws:iam::123456789012:role/service-role/StepFunctions").is_ok());
        for bad in ["r", "arn:aws:iam::123456789012:user/u", "arn:aws:iam::1234:role/r", "arn:aws:sts::123456789012:role/r", "arn:aws:iam::123456789012:role/"] {
            assert_eq!(check_role_arn(bad).unwrap_err().code, ErrorCode::InvalidArn, "{bad}");
        }
    }

    #[test]
    fn names() {
        assert!(valid_name("Order-Flow_2.v1"));
        for bad in ["", "a b", "a#b", "a:b", "a/b", "a\u{7}", "a\u{85}", &"x".repeat(81)] {
            assert!(!valid_name(bad), "{bad:?}");
        }
        assert!(valid_alias_name("prod-1"));
        assert!(!valid_alias_name("123"));
        assert!(!valid_alias_name("a@b"));
    }
}
