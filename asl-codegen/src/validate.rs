//! Checks across states: that every transition names a state of its own scope, that every
//! state can be reached, and that each scope can end.
//!
//! Runs after [`parse`](crate::parse), whose diagnostics are already in `d`. Those are read to
//! avoid follow-on errors: a state that failed to parse still exists (its name is recovered from
//! the JSON pointers of its errors), and a scope whose transitions are not all known (a misspelt
//! `Next`, a broken catcher or Choice rule, a state that failed to parse) gets no reachability
//! report, since it would only repeat the first error in other words.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Diagnostics, closest};
use crate::model::{Located, Machine, Scope, State};

pub fn machine(m: &Machine, d: &mut Diagnostics) {
    // Which scope each state lives in, to tell "does not exist" from "is in another scope".
    let mut home: HashMap<&str, &str> = HashMap::new();
    collect_homes(&m.scope, &mut home);
    let parse_errors: Vec<String> = d.list.iter().map(|e| e.pointer.clone()).collect();
    scope(&m.scope, &home, &parse_errors, d);
}

fn collect_homes<'m>(s: &'m Scope, home: &mut HashMap<&'m str, &'m str>) {
    for st in &s.states {
        home.insert(&st.name, &s.pointer);
        for inner in st.scopes() {
            collect_homes(inner, home);
        }
    }
}

/// Names of the states of scope `s` that the parser rejected: every such state has at least
/// one error at or below its pointer, `<scope>/States/<name>`.
fn unparsed_states(s: &Scope, parse_errors: &[String]) -> HashSet<String> {
    let prefix = format!("{}/States/", s.pointer);
    parse_errors
        .iter()
        .filter_map(|p| p.strip_prefix(&prefix))
        .map(|rest| unescape_pointer(rest.split('/').next().unwrap_or(rest)))
        .filter(|name| !s.states.iter().any(|st| &st.name == name))
        .collect()
}

fn unescape_pointer(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Whether the parser dropped a transition of `st`: an error in its `Next`, a catcher or a
/// Choice rule means some target may be missing from the model.
fn lost_transitions(st: &State, parse_errors: &[String]) -> bool {
    ["Next", "Default", "Catch", "Choices"].iter().any(|field| {
        let at = format!("{}/{field}", st.pointer);
        parse_errors.iter().any(|p| p == &at || p.starts_with(&format!("{at}/")))
    })
}

/// How a transition is described in messages, from where it is written.
fn transition_label(target: &Located<String>) -> &'static str {
    if target.pointer.contains("/Catch/") {
        "catcher `Next`"
    } else if target.pointer.contains("/Choices/") {
        "Choice rule `Next`"
    } else if target.pointer.ends_with("/Default") {
        "`Default`"
    } else {
        "`Next`"
    }
}

fn scope(s: &Scope, home: &HashMap<&str, &str>, parse_errors: &[String], d: &mut Diagnostics) {
    let unparsed = unparsed_states(s, parse_errors);
    let mut names: HashSet<&str> = s.states.iter().map(|st| st.name.as_str()).collect();
    names.extend(unparsed.iter().map(String::as_str));
    let mut complete = unparsed.is_empty();
    let check = |target: &Located<String>, what: &str, d: &mut Diagnostics| -> bool {
        if names.contains(target.value.as_str()) {
            return true;
        }
        if home.contains_key(target.value.as_str()) {
            d.error_help(
                &target.pointer,
                target.span,
                format!("{what} names `{}`, which is in another scope", target.value),
                "transitions cannot cross into or out of a Parallel branch or a Map processor",
            );
        } else {
            match closest(&target.value, names.iter().copied()) {
                Some(c) => d.error_help(&target.pointer, target.span, format!("{what} names `{}`, which is not a state", target.value), format!("did you mean `{c}`?")),
                None => d.error(&target.pointer, target.span, format!("{what} names `{}`, which is not a state", target.value)),
            }
        }
        false
    };
    // With no state at all, the parser has already said that `States` is missing or empty.
    if !names.is_empty() {
        complete &= check(&s.start_at, "`StartAt`", d);
    } else {
        complete = false;
    }
    for st in &s.states {
        for t in st.targets() {
            complete &= check(t, &format!("state `{}`: {}", st.name, transition_label(t)), d);
        }
        complete &= !lost_transitions(st, parse_errors);
        for inner in st.scopes() {
            scope(inner, home, parse_errors, d);
        }
    }
    if !complete {
        return;
    }
    // Reachability from StartAt.
    let by_name: HashMap<&str, &State> = s.states.iter().map(|st| (st.name.as_str(), st)).collect();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut stack = vec![s.start_at.value.as_str()];
    let mut can_end = false;
    while let Some(n) = stack.pop() {
        let Some(st) = by_name.get(n) else { continue };
        if !seen.insert(n) {
            continue;
        }
        can_end |= st.is_terminal();
        stack.extend(st.targets().into_iter().map(|t| t.value.as_str()));
    }
    for st in &s.states {
        if !seen.contains(st.name.as_str()) {
            d.error_help(
                &st.pointer,
                st.name_span,
                format!("state `{}` is unreachable", st.name),
                format!("no transition leads to it from `StartAt` (`{}`); remove it or add a `Next` to it", s.start_at.value),
            );
        }
    }
    if !can_end {
        d.error_help(&s.pointer, s.start_at.span, "no state reachable from `StartAt` ends the execution", "add a state with `\"End\": true`, a Succeed state or a Fail state");
    }
}

#[cfg(test)]
mod tests {
    fn messages(text: &str) -> Vec<String> {
        match crate::check(text) {
            Ok(_) => vec![],
            Err(ds) => ds.into_iter().map(|d| d.message).collect(),
        }
    }

    #[test]
    fn a_misspelt_next_is_the_only_error() {
        let m = messages(
            r#"{"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Next": "Bb"},
            "B": {"Type": "Succeed"}}}"#,
        );
        assert_eq!(m, ["state `A`: `Next` names `Bb`, which is not a state"]);
    }

    #[test]
    fn a_state_that_failed_to_parse_still_exists() {
        let m = messages(
            r#"{"StartAt": "A", "States": {
            "A": {"Type": "Wait", "Next": "B"},
            "B": {"Type": "Succeed"}}}"#,
        );
        assert_eq!(m, ["a Wait state needs exactly one of `Seconds`, `Timestamp`, `SecondsPath` or `TimestampPath`"]);
        let m = messages(r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "End": true}}}"#);
        assert_eq!(m.len(), 1, "{m:?}");
    }

    #[test]
    fn a_broken_catcher_or_rule_hides_reachability() {
        let m = messages(
            r#"{"StartAt": "A", "States": {
            "A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:F",
                  "Catch": [{"ErrorEquals": ["States.ALL"]}], "End": true},
            "B": {"Type": "Fail"}}}"#,
        );
        assert_eq!(m, ["a catcher needs `Next`"]);
        let m = messages(
            r#"{"StartAt": "A", "States": {
            "A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "StringEquals": 1, "Next": "B"}], "Default": "C"},
            "B": {"Type": "Succeed"}, "C": {"Type": "Succeed"}}}"#,
        );
        assert_eq!(m, ["`StringEquals` takes a string, found a number"]);
    }

    #[test]
    fn unrelated_errors_keep_reachability() {
        let m = messages(
            r#"{"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Comment": 1, "End": true},
            "B": {"Type": "Succeed"}}}"#,
        );
        assert_eq!(m, ["`Comment` must be a string, found a number", "state `B` is unreachable"]);
    }

    #[test]
    fn transitions_are_named_by_kind() {
        let m = messages(
            r#"{"StartAt": "A", "States": {
            "A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:F",
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Oops"}], "Next": "C"},
            "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "Nope"}], "Default": "Nah"}}}"#,
        );
        assert_eq!(
            m,
            [
                "state `A`: catcher `Next` names `Oops`, which is not a state",
                "state `C`: Choice rule `Next` names `Nope`, which is not a state",
                "state `C`: `Default` names `Nah`, which is not a state",
            ]
        );
    }

    #[test]
    fn an_unnamed_scope_is_reported_once() {
        let m = messages(r#"{"StartAt": "A", "States": {}}"#);
        assert_eq!(m, ["`States` must contain at least one state"]);
        let m = messages(r#"{"StartAt": "A"}"#);
        assert_eq!(m, ["missing required field `States`"]);
    }
}
