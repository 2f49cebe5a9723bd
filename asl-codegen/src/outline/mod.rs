//! A workflow's outline: what the generated module's public items are made from (its states,
//! its Task resources). Read from a checked model for the real module, or from any text, however
//! broken, for the skeleton `asl!` emits beside a workflow's errors, so that the user's code
//! sees the same items and rustc reports only the workflow's own mistakes. Both readings go
//! through [`Outline::idents`], so the skeleton's names are the real module's names.

mod lenient;

use std::collections::{BTreeMap, HashSet};

use proc_macro2::Ident;

use crate::emit::{Names, naming};
use crate::json::Json;
use crate::model::{Kind, Machine};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outline {
    /// Every state, nested scopes included, depth-first in source order (the order of
    /// [`lower::flatten`](crate::lower::flatten)): its name and `Type`.
    pub states: Vec<(String, String)>,
    /// Each distinct Task resource with the states that call it, in order of first use.
    pub tasks: Vec<(String, Vec<String>)>,
}

/// The Rust names of an outline's items.
pub struct Idents {
    /// `State` enum variants, one per state.
    pub variants: Vec<Ident>,
    /// Methods of the machine type running each state, one per state.
    pub methods: Vec<Ident>,
    /// The `Tasks` trait's methods by resource ARN (the trait declares them in this order).
    pub tasks: BTreeMap<String, Ident>,
}

/// Inherent methods of the machine type, which no state's method may take.
const MACHINE_METHODS: &[&str] = &["new", "with_options", "tasks", "start", "start_with", "start_at", "step", "options"];

impl Outline {
    /// The outline of a checked workflow.
    pub fn of(machine: &Machine) -> Outline {
        let mut o = Outline::default();
        for st in crate::lower::flatten(machine) {
            o.states.push((st.name.clone(), st.kind.type_name().to_owned()));
            if let Kind::Task(t) = &st.kind {
                o.add_task(&t.resource.value, &st.name);
            }
        }
        o
    }

    /// The outline of any text, as far as it shows one: the states and Task resources of a
    /// workflow with mistakes, or with JSON syntax errors. Equal to [`Outline::of`] for a
    /// valid workflow.
    pub fn scan(text: &str) -> Outline {
        let root = crate::json::parse(text).unwrap_or_else(|_| lenient::parse(text));
        let mut o = Outline::default();
        let mut seen = HashSet::new();
        o.scope(&root, &mut seen, 0);
        o
    }

    fn scope(&mut self, scope: &Json, seen: &mut HashSet<String>, depth: usize) {
        // Each nested scope is three JSON levels down: no deeper than the parser reads.
        if depth > crate::json::MAX_DEPTH {
            return;
        }
        let Some(states) = scope.get("States").and_then(Json::members) else { return };
        for m in states {
            let st = &m.value;
            // a name given twice is one state (the diagnostics report the second)
            if seen.insert(m.key.clone()) {
                let ty = st.get("Type").and_then(Json::as_str).unwrap_or_default();
                self.states.push((m.key.clone(), ty.to_owned()));
            }
            // Any state with a `Resource`: one whose `Type` is misspelt is still meant as a Task.
            if let Some(arn) = st.get("Resource").and_then(Json::as_str) {
                self.add_task(arn, &m.key);
            }
            if let Some(crate::json::JsonValue::Array(branches)) = st.get("Branches").map(|b| &b.value) {
                for b in branches {
                    self.scope(b, seen, depth + 3);
                }
            }
            if let Some(p) = st.get("ItemProcessor").or_else(|| st.get("Iterator")) {
                self.scope(p, seen, depth + 3);
            }
        }
    }

    fn add_task(&mut self, arn: &str, state: &str) {
        match self.tasks.iter_mut().find(|(a, _)| a == arn) {
            Some((_, users)) => users.push(state.to_owned()),
            None => self.tasks.push((arn.to_owned(), vec![state.to_owned()])),
        }
    }

    /// The generated names: variants and methods unique after sanitising (keywords escaped,
    /// the machine type's own methods avoided), Task methods as `names` overrides them.
    pub fn idents(&self, names: &Names) -> Idents {
        let mut variants = naming::Unique::default();
        let mut methods = naming::Unique::default();
        methods.reserve(MACHINE_METHODS);
        let mut idents = Idents { variants: Vec::new(), methods: Vec::new(), tasks: BTreeMap::new() };
        for (name, _) in &self.states {
            idents.variants.push(naming::ident(&variants.get(naming::camel(name), "")));
            idents.methods.push(naming::ident(&methods.get(naming::snake(name), "_")));
        }
        let mut unique = naming::Unique::default();
        for (arn, _) in &self.tasks {
            let base = names.task_methods.get(arn).cloned().unwrap_or_else(|| naming::resource_method(arn));
            idents.tasks.insert(arn.clone(), naming::ident(&unique.get(base, "_")));
        }
        idents
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every valid workflow in the repository: its scanned outline is its model's.
    #[test]
    fn scan_agrees_with_the_model_on_valid_workflows() {
        // the deep pass cases need more than a test thread's stack (rustc gives the macro more)
        std::thread::Builder::new().stack_size(256 << 20).spawn(scan_agrees).unwrap().join().unwrap();
    }

    fn scan_agrees() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut checked = 0;
        let mut files = Vec::new();
        for dir in ["tests/flows", "tests/tests/ui/pass", "examples/order", "examples/approval", "examples/fanout", "asl-cli/tests/data"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
            files.extend(entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")));
        }
        // the AWS-recorded corpus
        if let Ok(cases) = std::fs::read_dir(root.join("tests/conformance/corpus/cases")) {
            files.extend(cases.flatten().map(|e| e.path().join("definition.json")));
        }
        {
            for path in files {
                let text = std::fs::read_to_string(&path).unwrap();
                if let Ok(m) = crate::check(&text) {
                    assert_eq!(Outline::scan(&text), Outline::of(&m), "{}", path.display());
                    checked += 1;
                }
            }
        }
        assert!(checked >= 500, "only {checked} workflows found");
    }

    #[test]
    fn scan_reads_broken_workflows() {
        // a syntax error (missing comma), a misspelt Type and a nested scope
        let text = r#"{"StartAt": "A", "States": {
            "A": {"Type": "Tsak", "Resource": "arn:aws:lambda:us-east-1:1:function:Check" "Next": "P"},
            "P": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}], "End": true},
            "A": {"Type": "Succeed"}
        }}"#;
        let o = Outline::scan(text);
        let names: Vec<&str> = o.states.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["A", "P", "B"]);
        assert_eq!(o.tasks.iter().map(|(a, _)| a.as_str()).collect::<Vec<_>>(), ["arn:aws:lambda:us-east-1:1:function:Check", "arn:aws:states:::sqs:sendMessage"]);
        let ids = o.idents(&Names::from_path("x.json"));
        assert_eq!(ids.tasks.values().map(ToString::to_string).collect::<Vec<_>>(), ["check", "sqs_send_message"]);
    }

    #[test]
    fn names_rust_cannot_spell_get_escaped_names() {
        let names = ["Self", "self", "crate", "super", "type", "r#x", "_", "Über", "über", "日本", "中国", "new", "a b", "a-b", "A_B", "Start"];
        let o = Outline { states: names.iter().map(|n| (n.to_string(), "Pass".to_owned())).collect(), tasks: vec![] };
        let ids = o.idents(&Names::from_path("x.json"));
        let variants: Vec<String> = ids.variants.iter().map(ToString::to_string).collect();
        let methods: Vec<String> = ids.methods.iter().map(ToString::to_string).collect();
        assert_eq!(variants, ["Self_", "Self2", "Crate", "Super", "Type", "RX", "S", "Über", "Über2", "日本", "中国", "New", "AB", "AB2", "AB3", "Start"]);
        assert_eq!(methods, ["self_", "self_2", "crate_", "super_", "type_", "r_x", "s_", "über", "über_2", "日本", "中国", "new_2", "a_b", "a_b_2", "a_b_3", "start_2"]);
        for s in variants.iter().chain(&methods) {
            assert!(syn::parse_str::<syn::Ident>(s).is_ok(), "{s} is not an identifier");
        }
    }
}
