//! Checks across states: that every transition names a state of its own scope, that every
//! state can be reached, and that each scope can end.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{closest, Diagnostics};
use crate::model::{Located, Machine, Scope};

pub fn machine(m: &Machine, d: &mut Diagnostics) {
    // Which scope each state lives in, to tell "does not exist" from "is in another scope".
    let mut home: HashMap<&str, &str> = HashMap::new();
    collect_homes(&m.scope, &mut home);
    scope(&m.scope, &home, d);
}

fn collect_homes<'m>(s: &'m Scope, home: &mut HashMap<&'m str, &'m str>) {
    for st in &s.states {
        home.insert(&st.name, &s.pointer);
        for inner in st.scopes() {
            collect_homes(inner, home);
        }
    }
}

fn scope(s: &Scope, home: &HashMap<&str, &str>, d: &mut Diagnostics) {
    let names: HashSet<&str> = s.states.iter().map(|st| st.name.as_str()).collect();
    let check = |target: &Located<String>, what: &str, d: &mut Diagnostics| -> bool {
        if names.contains(target.value.as_str()) {
            return true;
        }
        if home.contains_key(target.value.as_str()) {
            d.error_help(&target.pointer, target.span, format!("{what} names `{}`, which is in another scope", target.value), "transitions cannot cross into or out of a Parallel branch or a Map processor");
        } else {
            match closest(&target.value, names.iter().copied()) {
                Some(c) => d.error_help(&target.pointer, target.span, format!("{what} names `{}`, which is not a state", target.value), format!("did you mean `{c}`?")),
                None => d.error(&target.pointer, target.span, format!("{what} names `{}`, which is not a state", target.value)),
            }
        }
        false
    };
    let start_ok = check(&s.start_at, "`StartAt`", d);
    for st in &s.states {
        for t in st.targets() {
            let field = t.pointer.rsplit('/').next().unwrap_or("Next");
            check(t, &format!("state `{}`: `{field}`", st.name), d);
        }
        for inner in st.scopes() {
            scope(inner, home, d);
        }
    }
    if !start_ok {
        return;
    }
    // Reachability from StartAt.
    let by_name: HashMap<&str, &crate::model::State> = s.states.iter().map(|st| (st.name.as_str(), st)).collect();
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
            d.error_help(&st.pointer, st.name_span, format!("state `{}` is unreachable", st.name), format!("no transition leads to it from `StartAt` (`{}`); remove it or add a `Next` to it", s.start_at.value));
        }
    }
    if !can_end {
        d.error_help(&s.pointer, s.start_at.span, "no state reachable from `StartAt` ends the execution", "add a state with `\"End\": true`, a Succeed state or a Fail state");
    }
}
