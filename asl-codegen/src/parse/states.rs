//! The fields specific to each state type.

use asl_syntax::spec::{Items, Text};
use asl_syntax::template::Template;

use super::template::jsonata_body;
use super::{Obj, Parser};
use crate::diagnostic::closest;
use crate::json::{Json, JsonValue, Member};
use crate::model::*;

impl Parser<'_> {
    /// A number field that may also be given as `<Field>Path` (JSONPath) or as a `{% %}`
    /// expression (JSONata). Reports both forms together as an error.
    fn dynamic_int(&mut self, obj: &mut Obj, key: &str, min: u64, what: &str, ql: QueryLanguage) -> Option<Dynamic<u64>> {
        let path_key = format!("{key}Path");
        let lit = obj.take(key);
        let path = obj.take(&path_key);
        if let (Some(_), Some(p)) = (lit, path) {
            self.d.error_help(
                &obj.ptr(&path_key),
                p.key_span,
                format!("`{key}` and `{path_key}` cannot both be set"),
                format!("keep `{key}` for a fixed value or `{path_key}` to read it from the input"),
            );
            return None;
        }
        if let Some(p) = path {
            return self.path(&p.value, &obj.ptr(&path_key), &path_key).map(Dynamic::Path);
        }
        let m = lit?;
        let ptr = obj.ptr(key);
        if let (QueryLanguage::Jsonata, Some(s)) = (ql, m.value.as_str()) {
            if let Some(body) = jsonata_body(s) {
                return self.jsonata(&m.value, body, &ptr).map(Dynamic::Query);
            }
            if self.malformed_jsonata(&m.value, &ptr) {
                return None;
            }
        }
        self.int(m, &ptr, min, what).map(Dynamic::Lit)
    }

    /// `Credentials`: `{"RoleArn": "arn:…"}`, or the role from a path (`RoleArn.$`, JSONPath) or
    /// an expression (`"RoleArn": "{% … %}"`, JSONata), as LocalStack's grammar of AWS's has it.
    fn credentials(&mut self, m: &crate::json::Member, ptr: &str, ql: QueryLanguage) -> Option<Template> {
        let help = match ql {
            QueryLanguage::JsonPath => "write `\"Credentials\": {\"RoleArn\": \"arn:aws:iam::<account>:role/<name>\"}` (or `\"RoleArn.$\": \"$.role\"`)",
            QueryLanguage::Jsonata => "write `\"Credentials\": {\"RoleArn\": \"arn:aws:iam::<account>:role/<name>\"}` (or `\"RoleArn\": \"{% … %}\"`)",
        };
        let Some(members) = m.value.members() else {
            self.d.error_help(ptr, m.value.span, format!("`Credentials` must be an object with `RoleArn`, found {}", m.value.type_name()), help);
            return None;
        };
        let role = |k: &str| k == "RoleArn" || (ql == QueryLanguage::JsonPath && k == "RoleArn.$");
        let mut ok = true;
        for mm in members.iter().filter(|mm| !role(&mm.key)) {
            ok = false;
            self.d.error_help(&format!("{ptr}/{}", super::escape_pointer(&mm.key)), mm.key_span, format!("unknown field `{}` in `Credentials`", crate::diagnostic::shorten(&mm.key)), help);
        }
        match members.iter().filter(|mm| role(&mm.key)).count() {
            0 if ok => {
                self.d.error_help(ptr, m.value.span, "`Credentials` needs `RoleArn`", help);
                return None;
            }
            0 => return None,
            1 => {}
            _ => {
                self.d.error_help(ptr, m.value.span, "`Credentials` names the role twice", "keep one of `RoleArn` and `RoleArn.$`");
                return None;
            }
        }
        for mm in members.iter().filter(|mm| mm.key == "RoleArn") {
            if mm.value.as_str().is_none() {
                ok = false;
                self.d.error_help(&format!("{ptr}/RoleArn"), mm.value.span, format!("`RoleArn` must be a string, found {}", mm.value.type_name()), help);
            }
        }
        let t = self.template(&m.value, ptr, ql)?;
        ok.then_some(t)
    }

    pub(super) fn task(&mut self, obj: &mut Obj, ql: QueryLanguage) -> Option<Task> {
        let resource = self.located_string(obj, "Resource");
        if resource.is_none() && !obj.has("Resource") {
            self.d.error_help(&obj.pointer, obj.span, "a Task state needs `Resource`", "`Resource` is the ARN of the work to run, e.g. `arn:aws:lambda:<region>:<account>:function:<name>`");
        }
        if let Some(r) = &resource {
            if !r.value.starts_with("arn:") {
                self.d.error_help(
                    &r.pointer,
                    r.span,
                    format!("invalid resource `{}`", r.value),
                    "a Task resource is an ARN: `arn:aws:states:::lambda:invoke`, `arn:aws:lambda:<region>:<account>:function:<name>`, `arn:aws:states:<region>:<account>:activity:<name>`, …",
                );
            }
            if let Some(problem) = lambda_function_problem(&r.value) {
                self.d.error_help(
                    &r.pointer,
                    r.span,
                    format!("invalid Lambda function ARN `{}`: {problem}", r.value),
                    "a function ARN is `arn:aws:lambda:<region>:<account>:function:<name>`, optionally followed by `:<version>` (`:1`, `:$LATEST`) or `:<alias>` (letters, digits, `-` and `_`)",
                );
            }
        }
        let timeout_seconds = self.dynamic_int(obj, "TimeoutSeconds", 1, "a positive integer", ql);
        let heartbeat_seconds = self.dynamic_int(obj, "HeartbeatSeconds", 1, "a positive integer", ql);
        if let (Some(Dynamic::Lit(t)), Some(Dynamic::Lit(h))) = (&timeout_seconds, &heartbeat_seconds) {
            if h >= t {
                let m = obj.members.iter().find(|m| m.key == "HeartbeatSeconds").expect("taken above");
                self.d.error(&obj.ptr("HeartbeatSeconds"), m.value.span, format!("`HeartbeatSeconds` ({h}) must be smaller than `TimeoutSeconds` ({t})"));
            }
        }
        let credentials = obj.take("Credentials").and_then(|m| self.credentials(m, &obj.ptr("Credentials"), ql));
        let retry = self.retriers(obj);
        let catch = self.catchers(obj, ql);
        Some(Task { resource: resource?, timeout_seconds, heartbeat_seconds, credentials, retry, catch })
    }

    pub(super) fn wait(&mut self, obj: &mut Obj, ql: QueryLanguage) -> Option<Wait> {
        let present: Vec<&str> = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"].into_iter().filter(|k| obj.has(k)).collect();
        if present.len() != 1 {
            let msg = if present.is_empty() {
                "a Wait state needs exactly one of `Seconds`, `Timestamp`, `SecondsPath` or `TimestampPath`".to_owned()
            } else {
                format!(
                    "a Wait state takes exactly one of `Seconds`, `Timestamp`, `SecondsPath` or `TimestampPath`, found {}",
                    present.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(" and ")
                )
            };
            // Point at the second field when there are two or more, else at the state.
            match present.get(1).and_then(|k| obj.members.iter().find(|m| m.key == *k)) {
                Some(m) => self.d.error_help(&obj.ptr(&m.key), m.key_span, msg, "keep one of them"),
                None => self.d.error_help(&obj.pointer, obj.span, msg, "e.g. `\"Seconds\": 10` or `\"Timestamp\": \"2026-03-14T01:59:00Z\"`"),
            }
            for k in present {
                obj.take(k);
            }
            return None;
        }
        if obj.has("Seconds") || obj.has("SecondsPath") {
            return self.dynamic_int(obj, "Seconds", 0, "a non-negative integer", ql).map(|d| match d {
                Dynamic::Lit(n) => Wait::Seconds(n),
                Dynamic::Path(p) => Wait::SecondsPath(p),
                Dynamic::Query(q) => Wait::SecondsQuery(q),
            });
        }
        if let Some(p) = obj.take("TimestampPath") {
            return self.path(&p.value, &obj.ptr("TimestampPath"), "TimestampPath").map(Wait::TimestampPath);
        }
        let m = obj.take("Timestamp")?;
        let ptr = obj.ptr("Timestamp");
        let s = self.string(m, &ptr)?;
        if ql == QueryLanguage::Jsonata {
            if let Some(body) = jsonata_body(s) {
                return self.jsonata(&m.value, body, &ptr).map(Wait::TimestampQuery);
            }
        }
        let Some(at) = asl_syntax::timestamp::parse(s) else {
            self.d.error_help(
                &ptr,
                m.value.span,
                format!("`Timestamp` must be an RFC 3339 timestamp, found `{s}`"),
                "write it like `2026-03-14T01:59:00Z` (uppercase `T`, and `Z` or a numeric offset)",
            );
            return None;
        };
        Some(Wait::Timestamp(at))
    }

    pub(super) fn fail(&mut self, obj: &mut Obj, ql: QueryLanguage) -> Fail {
        let mut field = |p: &mut Self, key: &str| -> Option<Text> {
            let path_key = format!("{key}Path");
            let lit = obj.take(key);
            let path = obj.take(&path_key);
            if let (Some(_), Some(pm)) = (lit, path) {
                p.d.error_help(
                    &obj.ptr(&path_key),
                    pm.key_span,
                    format!("`{key}` and `{path_key}` cannot both be set"),
                    format!("keep `{key}` for a fixed value or `{path_key}` to read it from the input"),
                );
                return None;
            }
            if let Some(pm) = path {
                return p.path_or_call(&pm.value, &obj.ptr(&path_key), &path_key).map(Text::Dynamic);
            }
            let m = lit?;
            let ptr = obj.ptr(key);
            let s = p.string(m, &ptr)?;
            if ql == QueryLanguage::Jsonata {
                if let Some(body) = jsonata_body(s) {
                    return p.jsonata(&m.value, body, &ptr).map(Text::Query);
                }
                if p.malformed_jsonata(&m.value, &ptr) {
                    return None;
                }
            }
            Some(Text::Lit(s.to_owned().into()))
        };
        let error = field(self, "Error");
        let cause = field(self, "Cause");
        Fail { error, cause }
    }

    pub(super) fn choice(&mut self, obj: &mut Obj, ql: QueryLanguage) -> Option<Choice> {
        let default = self.located_string(obj, "Default");
        let Some(m) = obj.take("Choices") else {
            self.d.error(&obj.pointer, obj.span, "a Choice state needs `Choices`");
            return None;
        };
        let ptr = obj.ptr("Choices");
        let JsonValue::Array(items) = &m.value.value else {
            self.d.error(&ptr, m.value.span, format!("`Choices` must be an array of rules, found {}", m.value.type_name()));
            return None;
        };
        if items.is_empty() {
            self.d.error(&ptr, m.value.span, "`Choices` must contain at least one rule");
        }
        let mut choices = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if let Some(b) = self.choice_branch(item, &format!("{ptr}/{i}"), ql) {
                choices.push(b);
            }
        }
        Some(Choice { choices, default })
    }

    fn choice_branch(&mut self, j: &Json, ptr: &str, ql: QueryLanguage) -> Option<ChoiceBranch> {
        let mut obj = self.object(j, ptr)?;
        let next = self.located_string(&mut obj, "Next");
        if next.is_none() && !obj.has("Next") {
            self.d.error_help(ptr, j.span, "a Choice rule needs `Next`", "name the state to go to when the rule matches");
        }
        if let Some(e) = obj.take("End") {
            self.d.error(&obj.ptr("End"), e.key_span, "a Choice rule cannot have `End`; use `Next`");
        }
        let assign = obj.take("Assign").and_then(|a| self.assign(a, &obj.ptr("Assign"), ql));
        let output = match obj.take("Output") {
            Some(o) if ql == QueryLanguage::Jsonata => self.template(&o.value, &obj.ptr("Output"), ql),
            Some(o) => {
                self.d.error(&obj.ptr("Output"), o.key_span, "field `Output` is not allowed in a JSONPath Choice rule");
                None
            }
            None => None,
        };
        let rule = self.rule(&mut obj, ql, true)?;
        Some(ChoiceBranch { rule, next: next?, assign, output })
    }

    /// A rule's condition (the object's remaining fields). `top` rules may carry Next/Assign.
    fn rule(&mut self, obj: &mut Obj, ql: QueryLanguage, top: bool) -> Option<Rule> {
        let _ = obj.take("Comment");
        let allowed: &[&str] = if top { &["Next", "Assign", "Output", "Comment"] } else { &["Comment"] };
        if ql == QueryLanguage::Jsonata {
            let rule = match obj.take("Condition") {
                // A JSONPath rule in a JSONata state: one error for the rule, not one per field.
                None if obj.has("Variable") || obj.members.iter().any(|m| Op::from_name(&m.key).is_some() || ["And", "Or", "Not"].contains(&m.key.as_str())) => {
                    let first = obj.members.iter().find(|m| m.key == "Variable" || Op::from_name(&m.key).is_some() || ["And", "Or", "Not"].contains(&m.key.as_str())).expect("checked");
                    self.d.error_help(
                        &obj.ptr(&first.key),
                        first.key_span,
                        format!("`{}` is not used in a JSONata Choice rule", first.key),
                        "a JSONata rule tests `\"Condition\": \"{% … %}\"`; or set `\"QueryLanguage\": \"JSONPath\"` on the state to keep JSONPath rules",
                    );
                    let keys: Vec<String> =
                        obj.members.iter().filter(|m| m.key == "Variable" || Op::from_name(&m.key).is_some() || ["And", "Or", "Not"].contains(&m.key.as_str())).map(|m| m.key.clone()).collect();
                    for k in keys {
                        obj.take(&k);
                    }
                    None
                }
                None => {
                    self.d.error_help(&obj.pointer, obj.span, "a JSONata Choice rule needs `Condition`", "e.g. `\"Condition\": \"{% $states.input.total > 100 %}\"`");
                    None
                }
                Some(c) => {
                    let ptr = obj.ptr("Condition");
                    // AWS also takes a constant `true`/`false` (conformance case
                    // `base_scenarios__test_choice_condition_constant_jsonata`).
                    let constant = match &c.value.value {
                        JsonValue::Bool(true) => Some("true"),
                        JsonValue::Bool(false) => Some("false"),
                        _ => None,
                    };
                    match c.value.as_str().and_then(jsonata_body).or(constant) {
                        Some(body) => self.jsonata(&c.value, body, &ptr).map(Rule::Condition),
                        None if self.malformed_jsonata(&c.value, &ptr) => None,
                        None => {
                            self.d.error(&ptr, c.value.span, "`Condition` must be a JSONata expression string `{% … %}`");
                            None
                        }
                    }
                }
            };
            let mut known = allowed.to_vec();
            known.push("Condition");
            self.unknown_fields(obj, &known, "a Choice rule");
            return rule;
        }
        for combinator in ["And", "Or", "Not"] {
            if let Some(m) = obj.take(combinator) {
                let ptr = obj.ptr(combinator);
                let others: Vec<&Member> =
                    obj.members.iter().filter(|mm| Op::from_name(&mm.key).is_some() || mm.key == "Variable" || ["And", "Or", "Not"].contains(&mm.key.as_str()) && mm.key != combinator).collect();
                if let Some(o) = others.first() {
                    self.d.error(&obj.ptr(&o.key), o.key_span, format!("a Choice rule with `{combinator}` cannot also have `{}`", o.key));
                }
                for o in others {
                    obj.take(&o.key);
                }
                let rule = if combinator == "Not" {
                    if m.value.members().is_none() {
                        let help = if matches!(m.value.value, JsonValue::Array(_)) {
                            "`Not` negates one rule; to combine several, wrap them: `\"Not\": {\"Or\": [...]}`"
                        } else {
                            "write `\"Not\": {\"Variable\": ..., \"<operator>\": ...}`"
                        };
                        self.d.error_help(&ptr, m.value.span, format!("`Not` must be a single rule object, found {}", m.value.type_name()), help);
                        return None;
                    }
                    let mut inner = self.object(&m.value, &ptr)?;
                    self.nested_rule_next(&mut inner);
                    self.rule(&mut inner, ql, false).map(|r| Rule::Not(asl_syntax::Ptr::new(r)))
                } else {
                    let JsonValue::Array(items) = &m.value.value else {
                        self.d.error(&ptr, m.value.span, format!("`{combinator}` must be a non-empty array of rules, found {}", m.value.type_name()));
                        return None;
                    };
                    if items.is_empty() {
                        self.d.error(&ptr, m.value.span, format!("`{combinator}` must be a non-empty array of rules"));
                        return None;
                    }
                    let mut rules = Vec::new();
                    for (i, it) in items.iter().enumerate() {
                        let iptr = format!("{ptr}/{i}");
                        let Some(mut inner) = self.object(it, &iptr) else { continue };
                        self.nested_rule_next(&mut inner);
                        if let Some(r) = self.rule(&mut inner, ql, false) {
                            rules.push(r);
                        }
                    }
                    (rules.len() == items.len()).then(|| if combinator == "And" { Rule::And(rules.into()) } else { Rule::Or(rules.into()) })
                };
                self.unknown_fields(obj, allowed, "a Choice rule");
                return rule;
            }
        }
        // A comparison: `Variable` and exactly one operator.
        let ops: Vec<(Op, &Member)> = obj.members.iter().filter_map(|m| Op::from_name(&m.key).map(|op| (op, m))).collect();
        let variable = obj.take("Variable");
        for (_, m) in &ops {
            obj.take(&m.key);
        }
        let mut known = allowed.to_vec();
        known.extend(["Variable", "And", "Or", "Not"]);
        known.extend(Op::ALL.iter().map(|o| o.name()));
        self.unknown_fields(obj, &known, "a Choice rule");
        // A misspelt operator was just reported with a suggestion; "no operator" would repeat it.
        let misspelt_op = obj.members.iter().zip(&obj.taken).any(|(m, t)| !*t && closest(&m.key, Op::ALL.iter().map(|o| o.name())).is_some());
        let (op, opm) = match ops.as_slice() {
            [] if misspelt_op => return None,
            [] => {
                self.d.error_help(
                    &obj.pointer,
                    obj.span,
                    "a Choice rule needs a comparison operator (or `And`, `Or`, `Not`)",
                    "for example `\"StringEquals\": \"done\"` or `\"NumericGreaterThan\": 10`",
                );
                return None;
            }
            [one] => *one,
            [_, second, ..] => {
                self.d.error(&obj.ptr(&second.1.key), second.1.key_span, format!("a Choice rule takes exactly one comparison operator, found `{}` and `{}`", ops[0].1.key, second.1.key));
                return None;
            }
        };
        let Some(vm) = variable else {
            self.d.error_help(&obj.pointer, obj.span, format!("a Choice rule with `{}` needs `Variable`", op.name()), "add `\"Variable\": \"$.field\"`, the path of the value to compare");
            return None;
        };
        let variable = self.path(&vm.value, &obj.ptr("Variable"), "Variable");
        let optr = obj.ptr(op.name());
        let v = &opm.value;
        let bad = |p: &mut Self, want: &str| {
            let msg = format!("`{}` takes {want}, found {}", op.name(), v.type_name());
            match operand_help(op, v) {
                Some(help) => p.d.error_help(&optr, v.span, msg, help),
                None => p.d.error(&optr, v.span, msg),
            }
            None
        };
        let operand = match op.operand() {
            OperandKind::Str => match v.as_str() {
                Some(s) => Some(Operand::Str(s.to_owned().into())),
                None => bad(self, "a string"),
            },
            OperandKind::Number => match &v.value {
                JsonValue::Number(n) => Some(Operand::Number(n.as_f64().unwrap_or(0.0))),
                _ => bad(self, "a number"),
            },
            OperandKind::Bool | OperandKind::TypeTest => match &v.value {
                JsonValue::Bool(b) => Some(Operand::Bool(*b)),
                _ => bad(self, "a boolean"),
            },
            OperandKind::Timestamp => match v.as_str() {
                Some(s) if let Some(at) = asl_syntax::timestamp::parse(s) => Some(Operand::Timestamp { at, text: s.to_owned().into() }),
                Some(s) => {
                    self.d.error_help(
                        &optr,
                        v.span,
                        format!("`{}` takes an RFC 3339 timestamp, found `{s}`", op.name()),
                        "write it like `2026-03-14T01:59:00Z` (uppercase `T`, and `Z` or a numeric offset)",
                    );
                    None
                }
                None => bad(self, "a timestamp string"),
            },
            OperandKind::Path => match v.as_str() {
                Some(_) => self.path(v, &optr, op.name()).map(Operand::Path),
                None => bad(self, "a path string"),
            },
        };
        Some(Rule::Compare(Compare { variable: variable?, op, operand: operand? }))
    }

    fn nested_rule_next(&mut self, inner: &mut Obj) {
        for key in ["Next", "Assign", "Output"] {
            if let Some(n) = inner.take(key) {
                self.d.error_help(&inner.ptr(key), n.key_span, format!("a rule nested in `And`, `Or` or `Not` cannot have `{key}`"), format!("only top-level Choice rules have `{key}`"));
            }
        }
    }

    pub(super) fn parallel(&mut self, obj: &mut Obj, ql: QueryLanguage) -> Option<Parallel> {
        let Some(m) = obj.take("Branches") else {
            self.d.error(&obj.pointer, obj.span, "a Parallel state needs `Branches`");
            return None;
        };
        let ptr = obj.ptr("Branches");
        let JsonValue::Array(items) = &m.value.value else {
            self.d.error(&ptr, m.value.span, format!("`Branches` must be an array, found {}", m.value.type_name()));
            return None;
        };
        if items.is_empty() {
            self.d.error(&ptr, m.value.span, "`Branches` must contain at least one branch");
        }
        let mut branches = Vec::new();
        for (i, b) in items.iter().enumerate() {
            let bptr = format!("{ptr}/{i}");
            let Some(mut bo) = self.object(b, &bptr) else { continue };
            let bql = self.query_language(&mut bo, Some(ql)).unwrap_or(ql);
            let comment = self.string_opt(&mut bo, "Comment");
            if let Some(mut s) = self.scope_fields(&mut bo, bql, "a Parallel branch") {
                s.comment = comment;
                branches.push(s);
            }
            self.unknown_fields(&bo, &["StartAt", "States", "Comment", "QueryLanguage"], "a Parallel branch");
        }
        let retry = self.retriers(obj);
        let catch = self.catchers(obj, ql);
        (branches.len() == items.len()).then_some(Parallel { branches, retry, catch })
    }

    pub(super) fn map(&mut self, obj: &mut Obj, ql: QueryLanguage) -> Option<Map> {
        let (key, m) = match (obj.take("ItemProcessor"), obj.take("Iterator")) {
            (Some(_), Some(it)) => {
                self.d.error_help(&obj.ptr("Iterator"), it.key_span, "`ItemProcessor` and `Iterator` cannot both be set", "`Iterator` is the older name of `ItemProcessor`; keep `ItemProcessor`");
                return None;
            }
            (Some(p), None) => ("ItemProcessor", p),
            (None, Some(it)) => ("Iterator", it),
            (None, None) => {
                self.d.error(&obj.pointer, obj.span, "a Map state needs `ItemProcessor` (or the older `Iterator`)");
                return None;
            }
        };
        let pptr = obj.ptr(key);
        let mut po = self.object(&m.value, &pptr)?;
        let mut mode = MapMode::Inline;
        if let Some(pc) = po.take("ProcessorConfig") {
            let cptr = po.ptr("ProcessorConfig");
            if let Some(mut co) = self.object(&pc.value, &cptr) {
                if let Some(mm) = co.take("Mode") {
                    match self.string(mm, &co.ptr("Mode")) {
                        Some("INLINE") => {}
                        Some("DISTRIBUTED") => mode = MapMode::Distributed,
                        Some(other) => {
                            let help = match closest(other, ["INLINE", "DISTRIBUTED"]) {
                                Some(s) => format!("did you mean `{s}`?"),
                                None => "use `INLINE` or `DISTRIBUTED`".to_owned(),
                            };
                            self.d.error_help(&co.ptr("Mode"), mm.value.span, format!("unknown Map mode `{}`", crate::diagnostic::shorten(other)), help);
                        }
                        None => {}
                    }
                }
                match co.take("ExecutionType") {
                    Some(et) => match self.string(et, &co.ptr("ExecutionType")) {
                        Some("STANDARD" | "EXPRESS") | None => {}
                        Some(other) => {
                            self.d.error_help(&co.ptr("ExecutionType"), et.value.span, format!("unknown execution type `{}`", crate::diagnostic::shorten(other)), "use `STANDARD` or `EXPRESS`")
                        }
                    },
                    None if mode == MapMode::Distributed => {
                        self.d.error_help(
                            &cptr,
                            pc.value.span,
                            "a DISTRIBUTED Map needs `ExecutionType` in `ProcessorConfig`",
                            "add `\"ExecutionType\": \"STANDARD\"` or `\"ExecutionType\": \"EXPRESS\"`",
                        );
                    }
                    None => {}
                }
                self.unknown_fields(&co, &["Mode", "ExecutionType"], "`ProcessorConfig`");
            }
        }
        let pql = self.query_language(&mut po, Some(ql)).unwrap_or(ql);
        let comment = self.string_opt(&mut po, "Comment");
        let processor = self.scope_fields(&mut po, pql, &format!("`{key}`"));
        self.unknown_fields(&po, &["StartAt", "States", "Comment", "ProcessorConfig", "QueryLanguage"], &format!("`{key}`"));

        // After an error (reported) the items are the input: the workflow is refused anyway.
        let items = if let Some(ip) = obj.take("ItemsPath") {
            self.path(&ip.value, &obj.ptr("ItemsPath"), "ItemsPath").map_or(Items::Input, Items::Path)
        } else if let Some(it) = obj.take("Items") {
            let iptr = obj.ptr("Items");
            match &it.value.value {
                // AWS evaluates the `{% %}` strings inside the array (at any depth).
                JsonValue::Array(_) => match self.template(&it.value, &iptr, ql) {
                    Some(Template::Lit(l)) => Items::Lit(l),
                    Some(t) => Items::Template(t),
                    None => Items::Input,
                },
                JsonValue::String(s) if jsonata_body(s).is_some() => self.jsonata(&it.value, jsonata_body(s).unwrap_or(""), &iptr).map_or(Items::Input, Items::Query),
                _ => {
                    self.d.error(&iptr, it.value.span, "`Items` must be an array or a JSONata expression `{% … %}`");
                    Items::Input
                }
            }
        } else {
            Items::Input
        };
        let item_selector = match (obj.take("ItemSelector"), obj.take("Parameters")) {
            (Some(_), Some(p)) => {
                self.d.error_help(
                    &obj.ptr("Parameters"),
                    p.key_span,
                    "`ItemSelector` and `Parameters` cannot both be set",
                    "`Parameters` is the older name of `ItemSelector` in a Map state; keep `ItemSelector`",
                );
                None
            }
            (Some(s), None) => self.template(&s.value, &obj.ptr("ItemSelector"), ql),
            (None, Some(p)) => self.template(&p.value, &obj.ptr("Parameters"), ql),
            (None, None) => None,
        };
        let max_concurrency = self.dynamic_int(obj, "MaxConcurrency", 0, "a non-negative integer", ql);
        let tolerated_failure_count = self.dynamic_int(obj, "ToleratedFailureCount", 0, "a non-negative integer", ql);
        let tolerated_failure_percentage = match (obj.take("ToleratedFailurePercentage"), obj.take("ToleratedFailurePercentagePath")) {
            (Some(_), Some(p)) => {
                self.d.error_help(
                    &obj.ptr("ToleratedFailurePercentagePath"),
                    p.key_span,
                    "`ToleratedFailurePercentage` and `ToleratedFailurePercentagePath` cannot both be set",
                    "keep `ToleratedFailurePercentage` for a fixed value or `ToleratedFailurePercentagePath` to read it from the input",
                );
                None
            }
            (None, Some(p)) => self.path(&p.value, &obj.ptr("ToleratedFailurePercentagePath"), "ToleratedFailurePercentagePath").map(Dynamic::Path),
            (Some(l), None) => {
                let ptr = obj.ptr("ToleratedFailurePercentage");
                match l.value.as_str().and_then(jsonata_body) {
                    Some(body) if ql == QueryLanguage::Jsonata => self.jsonata(&l.value, body, &ptr).map(Dynamic::Query),
                    _ => match self.number(l, &ptr) {
                        Some(p) if (0.0..=100.0).contains(&p) => Some(Dynamic::Lit(p)),
                        Some(_) => {
                            self.d.error(&ptr, l.value.span, format!("`ToleratedFailurePercentage` must be between 0 and 100, found {}", super::describe(&l.value)));
                            None
                        }
                        None => None,
                    },
                }
            }
            (None, None) => None,
        };
        // Inline Maps report these fields below, without reading them.
        let (item_reader, item_batcher, result_writer) = if mode == MapMode::Distributed {
            let reader = obj.take("ItemReader").and_then(|m| self.item_reader(m, &obj.ptr("ItemReader"), ql));
            let batcher = obj.take("ItemBatcher").and_then(|m| self.item_batcher(m, &obj.ptr("ItemBatcher"), ql));
            let writer = obj.take("ResultWriter").and_then(|m| self.result_writer(m, &obj.ptr("ResultWriter"), ql));
            (reader, batcher, writer)
        } else {
            (None, None, None)
        };
        if obj.has("ItemReader") && mode == MapMode::Distributed {
            for k in ["ItemsPath", "Items"] {
                if let Some(m) = obj.members.iter().find(|m| m.key == k) {
                    self.d.error_help(
                        &obj.ptr(k),
                        m.key_span,
                        format!("`{k}` cannot be used with `ItemReader`"),
                        format!("the items come from the `ItemReader`; remove `{k}` (use `ItemSelector` to reshape each item)"),
                    );
                }
            }
        }
        let label = self.label(obj);
        if mode == MapMode::Inline {
            // AWS documents ToleratedFailure* as distributed-only but runs them in inline Maps too
            // (`base_evaluate_expressions__test_base_map_TOLERATED_FAILURE_COUNT`).
            const DISTRIBUTED_ONLY: &[&str] = &["ItemReader", "ItemBatcher", "ResultWriter"];
            for m in obj.members.iter().filter(|m| DISTRIBUTED_ONLY.contains(&m.key.as_str())) {
                self.d.error_help(
                    &obj.ptr(&m.key),
                    m.key_span,
                    format!("`{}` is only allowed in a DISTRIBUTED Map", m.key),
                    format!("set `\"ProcessorConfig\": {{\"Mode\": \"DISTRIBUTED\", \"ExecutionType\": \"STANDARD\"}}` in `{key}`"),
                );
            }
        }
        let retry = self.retriers(obj);
        let catch = self.catchers(obj, ql);
        let mut processor = processor?;
        processor.comment = comment;
        Some(Map { processor, mode, items, item_selector, max_concurrency, tolerated_failure_count, tolerated_failure_percentage, item_reader, item_batcher, result_writer, label, retry, catch })
    }

    fn error_equals(&mut self, obj: &mut Obj, is_last: bool, what: &str) -> Vec<String> {
        let Some(m) = obj.take("ErrorEquals") else {
            self.d.error(&obj.pointer, obj.span, format!("a {what} needs `ErrorEquals`"));
            return vec![];
        };
        let ptr = obj.ptr("ErrorEquals");
        let JsonValue::Array(items) = &m.value.value else {
            self.d.error(&ptr, m.value.span, format!("`ErrorEquals` must be a non-empty array of error names, found {}", m.value.type_name()));
            return vec![];
        };
        if items.is_empty() {
            self.d.error(&ptr, m.value.span, "`ErrorEquals` must name at least one error");
        }
        let mut out = Vec::new();
        for (i, it) in items.iter().enumerate() {
            match it.as_str() {
                Some(s) => {
                    if s == "States.ALL" && items.len() > 1 {
                        self.d.error_help(
                            &format!("{ptr}/{i}"),
                            it.span,
                            "`States.ALL` must appear alone in `ErrorEquals`",
                            "`States.ALL` already matches every error: remove the other names, or give them their own retrier or catcher before this one",
                        );
                    }
                    if s == "States.ALL" && !is_last {
                        self.d.error_help(
                            &format!("{ptr}/{i}"),
                            it.span,
                            format!("a {what} with `States.ALL` must be the last one"),
                            format!("move this {what} to the end: later ones can never match"),
                        );
                    }
                    out.push(s.to_owned());
                }
                None => self.d.error(&format!("{ptr}/{i}"), it.span, format!("an error name must be a string, found {}", it.type_name())),
            }
        }
        out
    }

    fn list<'j>(&mut self, obj: &mut Obj<'j>, key: &str) -> Vec<(String, &'j Json)> {
        let Some(m) = obj.take(key) else { return vec![] };
        let ptr = obj.ptr(key);
        match &m.value.value {
            JsonValue::Array(items) => items.iter().enumerate().map(|(i, it)| (format!("{ptr}/{i}"), it)).collect(),
            _ => {
                self.d.error(&ptr, m.value.span, format!("`{key}` must be an array, found {}", m.value.type_name()));
                vec![]
            }
        }
    }

    fn retriers(&mut self, obj: &mut Obj) -> Vec<Retrier> {
        let items = self.list(obj, "Retry");
        let n = items.len();
        let mut out = Vec::new();
        for (i, (ptr, j)) in items.into_iter().enumerate() {
            let Some(mut r) = self.object(j, &ptr) else { continue };
            let errors = self.error_equals(&mut r, i + 1 == n, "retrier");
            // AWS documents a positive integer but runs 0 (an immediate retry); so do we.
            let interval_seconds = r.take("IntervalSeconds").map_or(Some(1), |m| self.int(m, &r.ptr("IntervalSeconds"), 0, "a non-negative integer"));
            let max_attempts = r.take("MaxAttempts").map_or(Some(3), |m| self.int(m, &r.ptr("MaxAttempts"), 0, "a non-negative integer"));
            let backoff_rate = match r.take("BackoffRate") {
                None => Some(2.0),
                Some(m) => match self.number(m, &r.ptr("BackoffRate")) {
                    Some(b) if b >= 1.0 => Some(b),
                    Some(b) => {
                        self.d.error(&r.ptr("BackoffRate"), m.value.span, format!("`BackoffRate` must be at least 1.0, found `{b}`"));
                        None
                    }
                    None => None,
                },
            };
            let max_delay_seconds = match r.take("MaxDelaySeconds") {
                None => None,
                // at most 31622400 (366 days): checked with the other integers' bounds
                Some(m) => self.positive_int(m, &r.ptr("MaxDelaySeconds")),
            };
            let jitter = match r.take("JitterStrategy") {
                None => Some(Jitter::None),
                Some(m) => match self.string(m, &r.ptr("JitterStrategy")) {
                    Some("FULL") => Some(Jitter::Full),
                    Some("NONE") => Some(Jitter::None),
                    Some(other) => {
                        self.d.error_help(&r.ptr("JitterStrategy"), m.value.span, format!("unknown jitter strategy `{}`", crate::diagnostic::shorten(other)), "use `FULL` or `NONE`");
                        None
                    }
                    None => None,
                },
            };
            let _ = r.take("Comment");
            self.unknown_fields(&r, &["ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"], "a retrier");
            if let (Some(interval_seconds), Some(max_attempts), Some(backoff_rate), Some(jitter)) = (interval_seconds, max_attempts, backoff_rate, jitter) {
                out.push(Retrier { errors: errors.into_iter().map(Into::into).collect(), interval_seconds, max_attempts, backoff_rate, max_delay_seconds, jitter });
            }
        }
        out
    }

    fn catchers(&mut self, obj: &mut Obj, ql: QueryLanguage) -> Vec<Catcher> {
        let items = self.list(obj, "Catch");
        let n = items.len();
        let mut out = Vec::new();
        for (i, (ptr, j)) in items.into_iter().enumerate() {
            let Some(mut c) = self.object(j, &ptr) else { continue };
            let errors = self.error_equals(&mut c, i + 1 == n, "catcher");
            let next = self.located_string(&mut c, "Next");
            if next.is_none() && !c.has("Next") {
                self.d.error_help(&ptr, j.span, "a catcher needs `Next`", "name the state to go to when the catcher matches");
            }
            let result_path = if ql == QueryLanguage::Jsonata && c.has("ResultPath") {
                let m = c.take("ResultPath").expect("checked");
                self.d.error(&c.ptr("ResultPath"), m.key_span, "field `ResultPath` is not allowed in a JSONata catcher; use `Output`");
                ResultPath::Replace
            } else {
                self.result_path(&mut c, "ResultPath")
            };
            let output = match c.take("Output") {
                Some(o) if ql == QueryLanguage::Jsonata => self.template(&o.value, &c.ptr("Output"), ql),
                Some(o) => {
                    self.d.error(&c.ptr("Output"), o.key_span, "field `Output` is not allowed in a JSONPath catcher; use `ResultPath`");
                    None
                }
                None => None,
            };
            let assign = c.take("Assign").and_then(|a| self.assign(a, &c.ptr("Assign"), ql));
            let _ = c.take("Comment");
            self.unknown_fields(&c, &["ErrorEquals", "Next", "ResultPath", "Output", "Assign", "Comment"], "a catcher");
            if let Some(next) = next {
                let errors = errors.into_iter().map(Into::into).collect();
                out.push(Catcher { errors, next, result_path, output, assign, jsonata: ql == QueryLanguage::Jsonata });
            }
        }
        out
    }
}

/// The help for a Choice operand of the wrong type: which operators take such a value (the
/// operator of the same comparison in the family of the value's type), or the quotes to drop.
fn operand_help(op: Op, v: &Json) -> Option<String> {
    let name = op.name();
    if let Some(test) = name.strip_prefix("Is") {
        let holds = match test {
            "Present" => "the `Variable` path selects a value",
            "Null" => "the value is null",
            "Numeric" => "the value is a number",
            "String" => "the value is a string",
            "Boolean" => "the value is a boolean",
            "Timestamp" => "the value is an RFC 3339 timestamp string",
            _ => return None,
        };
        let mut help = format!("`\"{name}\": true` matches when {holds}, `false` when it does not");
        if let Some(t @ ("true" | "false")) = v.as_str().map(str::trim) {
            help.push_str(&format!(": write the value without quotes, `\"{name}\": {t}`"));
        }
        return Some(help);
    }
    let (family, comparison) = ["String", "Numeric", "Boolean", "Timestamp"].iter().find_map(|f| name.strip_prefix(f).map(|rest| (*f, rest)))?;
    let sibling = |f: &str| Op::from_name(&format!("{f}{comparison}")).map(|o| o.name());
    let takes = match family {
        "String" => "strings",
        "Numeric" => "numbers",
        "Boolean" => "`true` or `false`",
        _ => "RFC 3339 timestamp strings",
    };
    let text = v.as_str();
    let (value_family, shown) = match &v.value {
        JsonValue::Number(n) => ("Numeric", n.to_string()),
        JsonValue::Bool(b) => ("Boolean", b.to_string()),
        JsonValue::String(s) if asl_syntax::timestamp::parse(s).is_some() => ("Timestamp", format!("{s:?}")),
        JsonValue::String(s) => ("String", format!("{s:?}")),
        _ => return Some(format!("`{name}` compares {takes}")),
    };
    // `"5"` for a number, `"true"` for a boolean: the quotes are the mistake.
    let unquoted = match (family, text) {
        ("Numeric", Some(t)) if t.trim().parse::<f64>().is_ok() => Some(t.trim().to_owned()),
        ("Boolean", Some(t @ ("true" | "false"))) => Some(t.to_owned()),
        _ => None,
    };
    let mut help = format!("`{name}` compares {takes}");
    if let Some(u) = unquoted {
        help.push_str(&format!(": write the value without quotes, `\"{name}\": {u}`"));
    }
    match sibling(value_family) {
        Some(other) if other != name => help.push_str(&format!(
            "; to compare {}, use `\"{other}\": {shown}`",
            match value_family {
                "String" => "strings",
                "Numeric" => "numbers",
                "Boolean" => "booleans",
                _ => "timestamps",
            }
        )),
        _ => {}
    }
    Some(help)
}

/// What is wrong with a Lambda function ARN's name or qualifier, as AWS (Lambda's ARN pattern
/// `function:<name>(:($LATEST|[a-zA-Z0-9-_]+))?`) rejects it; `None` for other resources.
fn lambda_function_problem(arn: &str) -> Option<String> {
    let parts: Vec<&str> = arn.split(':').collect();
    if parts.len() < 6 || parts[2] != "lambda" || parts[5] != "function" {
        return None;
    }
    match parts.get(6..).unwrap_or(&[]) {
        [] | [""] | ["", ..] => Some("it names no function".to_owned()),
        [_] => None,
        [_, ""] => Some("the version or alias after the last `:` is empty".to_owned()),
        [_, q] if *q == "$LATEST" || q.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') => None,
        [_, q] => Some(format!("`{q}` is not a version or an alias name")),
        _ => Some("a function ARN has at most one qualifier (`:<version>` or `:<alias>`)".to_owned()),
    }
}

/// The S3 API of an `arn:<partition>:states:::s3:<api>` resource.
fn s3_api(resource: &str) -> Option<&str> {
    let rest = resource.strip_prefix("arn:")?;
    let (_partition, rest) = rest.split_once(':')?;
    rest.strip_prefix("states:::s3:")
}

/// AWS's limits on `MaxItems` and `MaxInputBytesPerBatch`.
const MAX_READER_ITEMS: u64 = 100_000_000;
const MAX_BATCH_BYTES: u64 = 262_144;

/// The Distributed Map's data sources and sinks: `ItemReader`, `ItemBatcher`, `ResultWriter`,
/// `Label`.
impl Parser<'_> {
    fn item_reader(&mut self, m: &Member, ptr: &str, ql: QueryLanguage) -> Option<ItemReader> {
        let mut o = self.object(&m.value, ptr)?;
        const RESOURCES: &str =
            "`arn:aws:states:::s3:getObject` (the items are in one JSON, JSON Lines or CSV object) or `arn:aws:states:::s3:listObjectsV2` (the items are the objects under a prefix)";
        let resource = self.located_string(&mut o, "Resource");
        let api = match &resource {
            None => {
                if !o.has("Resource") {
                    self.d.error_help(ptr, m.key_span, "an `ItemReader` needs `Resource`", format!("use {RESOURCES}"));
                }
                None
            }
            Some(r) => match s3_api(&r.value) {
                Some(api @ ("getObject" | "listObjectsV2")) => Some(api),
                _ => {
                    self.d.error_help(&r.pointer, r.span, format!("unsupported `ItemReader` resource `{}`", r.value), format!("aslc reads items with {RESOURCES}"));
                    None
                }
            },
        };
        let get = api == Some("getObject");
        let parameters = match api {
            Some(_) => {
                let (allowed, required): (&[&str], &[&str]) = if get { (&["Bucket", "Key", "VersionId"], &["Bucket", "Key"]) } else { (&["Bucket", "Prefix"], &["Bucket"]) };
                self.s3_parameters(&mut o, m, "ItemReader", allowed, required, ql)
            }
            None => {
                o.take("Parameters");
                o.take("Arguments");
                None
            }
        };
        let mut format = None;
        let mut max_items = None;
        let mut config_ok = true;
        match o.take("ReaderConfig") {
            Some(c) => {
                let cptr = o.ptr("ReaderConfig");
                match self.object(&c.value, &cptr) {
                    Some(mut co) => {
                        if ql == QueryLanguage::Jsonata {
                            self.no_path_forms(&mut co, &["MaxItemsPath"]);
                        }
                        max_items = self.dynamic_int(&mut co, "MaxItems", 1, "a positive integer", ql);
                        if let Some(Dynamic::Lit(n)) = max_items {
                            if n > MAX_READER_ITEMS {
                                let mm = co.members.iter().find(|mm| mm.key == "MaxItems").expect("taken above");
                                self.d.error(&co.ptr("MaxItems"), mm.value.span, format!("`MaxItems` must be at most {MAX_READER_ITEMS}, found `{n}`"));
                            }
                        }
                        if co.has("MaxItems") && co.has("MaxItemsPath") || (co.has("MaxItems") || co.has("MaxItemsPath")) && max_items.is_none() {
                            config_ok = false;
                        }
                        match api {
                            Some("getObject") => format = self.input_format(&mut co, c, &cptr),
                            Some(_) => {
                                for k in ["InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "ItemsPointer"] {
                                    if let Some(mm) = co.take(k) {
                                        self.d.error_help(
                                            &co.ptr(k),
                                            mm.key_span,
                                            format!("`{k}` is not used with `s3:listObjectsV2`"),
                                            "the items are the objects under the prefix; `ReaderConfig` takes only `MaxItems` here",
                                        );
                                    }
                                }
                            }
                            None => {}
                        }
                        const KNOWN: &[&str] = &["InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "ItemsPointer", "MaxItems", "MaxItemsPath"];
                        // Known fields left unread after an error above are not "unknown".
                        for k in KNOWN {
                            co.take(k);
                        }
                        self.unknown_fields(&co, KNOWN, "`ReaderConfig`");
                    }
                    None => config_ok = false,
                }
            }
            None if get => self.d.error_help(
                ptr,
                m.key_span,
                "an `ItemReader` with `s3:getObject` needs `ReaderConfig` with `InputType`",
                "add `\"ReaderConfig\": {\"InputType\": \"JSON\"}` (or `JSONL`, or `CSV` with `\"CSVHeaderLocation\": \"FIRST_ROW\"`)",
            ),
            None => {}
        }
        self.unknown_fields(&o, &["Resource", "Parameters", "Arguments", "ReaderConfig"], "`ItemReader`");
        let source = match api? {
            "getObject" => ReaderSource::GetObject(format?),
            _ => ReaderSource::ListObjects,
        };
        config_ok.then_some(ItemReader { source, parameters: parameters?, max_items })
    }

    /// `ReaderConfig`'s `InputType` and its CSV / JSON options, for `s3:getObject`.
    fn input_format(&mut self, co: &mut Obj, c: &Member, cptr: &str) -> Option<InputFormat> {
        let Some(it) = co.take("InputType") else {
            self.d.error_help(cptr, c.key_span, "`ReaderConfig` needs `InputType` with `s3:getObject`", "use `JSON`, `JSONL` or `CSV`");
            return None;
        };
        let iptr = co.ptr("InputType");
        let input_type = match self.string(it, &iptr)? {
            t @ ("JSON" | "JSONL" | "CSV") => t,
            t @ ("PARQUET" | "MANIFEST") => {
                self.d.error_help(
                    &iptr,
                    it.value.span,
                    format!("`InputType` `{t}` is not supported by aslc"),
                    "aslc reads `JSON`, `JSONL` and `CSV` objects from a local directory; see the support table in aslc's README",
                );
                return None;
            }
            other => {
                let help = match closest(other, ["JSON", "JSONL", "CSV", "PARQUET", "MANIFEST"]) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "use `JSON`, `JSONL` or `CSV`".to_owned(),
                };
                self.d.error_help(&iptr, it.value.span, format!("unknown `InputType` `{}`", crate::diagnostic::shorten(other)), help);
                return None;
            }
        };
        let csv_only = |p: &mut Self, co: &mut Obj, k: &str| {
            if input_type != "CSV" {
                if let Some(mm) = co.take(k) {
                    p.d.error_help(&co.ptr(k), mm.key_span, format!("`{k}` is only used with `\"InputType\": \"CSV\"`"), format!("remove `{k}`, or read the object as CSV"));
                }
            }
        };
        for k in ["CSVHeaderLocation", "CSVHeaders", "CSVDelimiter"] {
            csv_only(self, co, k);
        }
        let items_pointer = match co.take("ItemsPointer") {
            None => None,
            Some(_) if input_type != "JSON" => {
                let mm = co.members.iter().find(|mm| mm.key == "ItemsPointer").expect("taken above");
                self.d.error_help(&co.ptr("ItemsPointer"), mm.key_span, "`ItemsPointer` is only used with `\"InputType\": \"JSON\"`", "remove `ItemsPointer`, or read the object as JSON");
                return None;
            }
            Some(p) => {
                let pp = co.ptr("ItemsPointer");
                let s = self.string(p, &pp)?;
                if !(s.is_empty() || s.starts_with('/')) {
                    self.d.error_help(&pp, p.value.span, format!("`ItemsPointer` must be a JSON pointer, found `{s}`"), "a JSON pointer starts with `/`, e.g. `/data/items`");
                    return None;
                }
                Some(s.to_owned())
            }
        };
        match input_type {
            "JSON" => Some(InputFormat::Json { items_pointer: items_pointer.map(Into::into) }),
            "JSONL" => Some(InputFormat::Jsonl),
            _ => {
                let location = match co.take("CSVHeaderLocation") {
                    None => Some("FIRST_ROW"),
                    Some(l) => match self.string(l, &co.ptr("CSVHeaderLocation")) {
                        Some(v @ ("FIRST_ROW" | "GIVEN")) => Some(v),
                        Some(other) => {
                            let help = match closest(other, ["FIRST_ROW", "GIVEN"]) {
                                Some(s) => format!("did you mean `{s}`?"),
                                None => "use `FIRST_ROW` (the first row holds the column names) or `GIVEN` (with `CSVHeaders`)".to_owned(),
                            };
                            self.d.error_help(&co.ptr("CSVHeaderLocation"), l.value.span, format!("unknown `CSVHeaderLocation` `{}`", crate::diagnostic::shorten(other)), help);
                            None
                        }
                        None => None,
                    },
                };
                // `Err(())`: reported; the delimiter is still checked below.
                let headers: Result<Option<Vec<String>>, ()> = match (location, co.take("CSVHeaders")) {
                    (Some("GIVEN"), None) => {
                        self.d.error_help(cptr, c.key_span, "`\"CSVHeaderLocation\": \"GIVEN\"` needs `CSVHeaders`", "list the column names: `\"CSVHeaders\": [\"id\", \"name\"]`");
                        Err(())
                    }
                    (Some("GIVEN"), Some(h)) => {
                        let names: Option<Vec<String>> = match &h.value.value {
                            JsonValue::Array(items) if !items.is_empty() => items.iter().map(|i| i.as_str().map(str::to_owned)).collect(),
                            _ => None,
                        };
                        names.map(Some).ok_or_else(|| {
                            self.d.error(&co.ptr("CSVHeaders"), h.value.span, format!("`CSVHeaders` must be a non-empty array of strings, found {}", h.value.type_name()));
                        })
                    }
                    (Some(_), Some(h)) => {
                        self.d.error_help(
                            &co.ptr("CSVHeaders"),
                            h.key_span,
                            "`CSVHeaders` is only used with `\"CSVHeaderLocation\": \"GIVEN\"`",
                            "set `\"CSVHeaderLocation\": \"GIVEN\"`, or remove `CSVHeaders` to read the names from the first row",
                        );
                        Err(())
                    }
                    (None, _) => Err(()),
                    (_, None) => Ok(None),
                };
                let delimiter = match co.take("CSVDelimiter") {
                    None => Some(b','),
                    Some(dm) => match self.string(dm, &co.ptr("CSVDelimiter")) {
                        Some("COMMA") => Some(b','),
                        Some("PIPE") => Some(b'|'),
                        Some("SEMICOLON") => Some(b';'),
                        Some("SPACE") => Some(b' '),
                        Some("TAB") => Some(b'\t'),
                        Some(other) => {
                            let help = match closest(other, ["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"]) {
                                Some(s) => format!("did you mean `{s}`?"),
                                None => "use `COMMA`, `PIPE`, `SEMICOLON`, `SPACE` or `TAB`".to_owned(),
                            };
                            self.d.error_help(&co.ptr("CSVDelimiter"), dm.value.span, format!("unknown `CSVDelimiter` `{}`", crate::diagnostic::shorten(other)), help);
                            None
                        }
                        None => None,
                    },
                };
                Some(InputFormat::Csv { headers: headers.ok()?.map(|h| h.into_iter().map(Into::into).collect()), delimiter: delimiter? })
            }
        }
    }

    /// `Parameters` (JSONPath) or `Arguments` (JSONata) of an S3 reader or writer: an object
    /// with the `allowed` keys (`.$` forms too) and at least the `required` ones.
    fn s3_parameters(&mut self, o: &mut Obj, owner: &Member, what: &str, allowed: &[&str], required: &[&str], ql: QueryLanguage) -> Option<Template> {
        let (key, other) = if ql == QueryLanguage::Jsonata { ("Arguments", "Parameters") } else { ("Parameters", "Arguments") };
        if let Some(om) = o.take(other) {
            let lang = if ql == QueryLanguage::Jsonata { "JSONata" } else { "JSONPath" };
            self.d.error_help(&o.ptr(other), om.key_span, format!("field `{other}` is not allowed in the `{what}` of a {lang} state"), format!("use `{key}`"));
            return None;
        }
        let need = required.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(" and ");
        let Some(p) = o.take(key) else {
            self.d.error_help(
                &o.pointer,
                owner.key_span,
                format!("`{what}` needs `{key}` with {need}"),
                format!("e.g. `\"{key}\": {{\"Bucket\": \"my-bucket\", \"{}\": \"…\"}}`", required.get(1).or(allowed.get(1)).unwrap_or(&"Key")),
            );
            return None;
        };
        let pptr = o.ptr(key);
        match &p.value.value {
            JsonValue::Object(members) => {
                let mut ok = true;
                for mm in members {
                    let name = match ql {
                        QueryLanguage::JsonPath => mm.key.strip_suffix(".$").unwrap_or(&mm.key),
                        QueryLanguage::Jsonata => &mm.key,
                    };
                    if !allowed.contains(&name) {
                        ok = false;
                        let fptr = format!("{pptr}/{}", super::escape_pointer(&mm.key));
                        let list = allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
                        match closest(name, allowed.iter().copied()) {
                            Some(s) => {
                                self.d.error_help(&fptr, mm.key_span, format!("unknown field `{}` in the `{key}` of `{what}`", crate::diagnostic::shorten(&mm.key)), format!("did you mean `{s}`?"))
                            }
                            None => {
                                self.d.error_help(&fptr, mm.key_span, format!("unknown field `{}` in the `{key}` of `{what}`", crate::diagnostic::shorten(&mm.key)), format!("`{key}` takes {list}"))
                            }
                        }
                    }
                }
                for r in required {
                    let present = members.iter().any(|mm| mm.key == *r || (ql == QueryLanguage::JsonPath && mm.key.strip_suffix(".$") == Some(r)));
                    // A misspelling of it was just reported with a suggestion.
                    let misspelt = members.iter().any(|mm| !allowed.contains(&mm.key.trim_end_matches(".$")) && closest(mm.key.trim_end_matches(".$"), allowed.iter().copied()) == Some(*r));
                    if !present && !misspelt {
                        ok = false;
                        let help = match ql {
                            QueryLanguage::JsonPath => format!("add `\"{r}\": \"…\"`, or `\"{r}.$\": \"$.path\"` to read it from the input"),
                            QueryLanguage::Jsonata => format!("add `\"{r}\": \"…\"` (or a `{{% … %}}` expression)"),
                        };
                        self.d.error_help(&pptr, p.value.span, format!("`{key}` of `{what}` needs `{r}`"), help);
                    }
                }
                let t = self.template(&p.value, &pptr, ql);
                if ok { t } else { None }
            }
            JsonValue::String(s) if ql == QueryLanguage::Jsonata && jsonata_body(s).is_some() => self.template(&p.value, &pptr, ql),
            _ => {
                self.d.error_help(&pptr, p.value.span, format!("`{key}` of `{what}` must be an object, found {}", p.value.type_name()), format!("e.g. `\"{key}\": {{\"Bucket\": \"my-bucket\", …}}`"));
                None
            }
        }
    }

    /// `…Path` forms are JSONPath-only.
    fn no_path_forms(&mut self, o: &mut Obj, keys: &[&str]) {
        for k in keys {
            if let Some(mm) = o.take(k) {
                let base = k.trim_end_matches("Path");
                self.d.error_help(&o.ptr(k), mm.key_span, format!("field `{k}` is not allowed in a JSONata state"), format!("use `\"{base}\": \"{{% … %}}\"` to compute the value"));
            }
        }
    }

    fn item_batcher(&mut self, m: &Member, ptr: &str, ql: QueryLanguage) -> Option<ItemBatcher> {
        let mut o = self.object(&m.value, ptr)?;
        if ql == QueryLanguage::Jsonata {
            self.no_path_forms(&mut o, &["MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath"]);
        }
        let has = |o: &Obj, k: &str| o.has(k) || o.has(&format!("{k}Path"));
        let (has_items, has_bytes) = (has(&o, "MaxItemsPerBatch"), has(&o, "MaxInputBytesPerBatch"));
        let mut ok = true;
        if !has_items && !has_bytes {
            ok = false;
            self.d.error_help(
                ptr,
                m.key_span,
                "an `ItemBatcher` needs `MaxItemsPerBatch` or `MaxInputBytesPerBatch`",
                "e.g. `\"ItemBatcher\": {\"MaxItemsPerBatch\": 100}`; the `…Path` forms read the value from the input",
            );
        }
        let max_items_per_batch = self.dynamic_int(&mut o, "MaxItemsPerBatch", 1, "a positive integer", ql);
        ok &= !has_items || max_items_per_batch.is_some();
        let max_input_bytes_per_batch = self.dynamic_int(&mut o, "MaxInputBytesPerBatch", 1, "a positive integer", ql);
        ok &= !has_bytes || max_input_bytes_per_batch.is_some();
        if let Some(Dynamic::Lit(n)) = max_input_bytes_per_batch {
            if n > MAX_BATCH_BYTES {
                ok = false;
                let mm = o.members.iter().find(|mm| mm.key == "MaxInputBytesPerBatch").expect("taken above");
                self.d.error_help(
                    &o.ptr("MaxInputBytesPerBatch"),
                    mm.value.span,
                    format!("`MaxInputBytesPerBatch` must be at most {MAX_BATCH_BYTES} (256 KiB), found `{n}`"),
                    "a batch is one child execution's input, which is limited to 256 KiB",
                );
            }
        }
        let batch_input = match o.take("BatchInput") {
            None => None,
            Some(b) => {
                let bptr = o.ptr("BatchInput");
                let is_expr = ql == QueryLanguage::Jsonata && b.value.as_str().and_then(jsonata_body).is_some();
                if b.value.members().is_none() && !is_expr {
                    self.d.error_help(
                        &bptr,
                        b.value.span,
                        format!("`BatchInput` must be an object, found {}", b.value.type_name()),
                        "`BatchInput` is added to every batch as `\"BatchInput\": {…}` next to `\"Items\"`",
                    );
                    ok = false;
                    None
                } else {
                    let t = self.template(&b.value, &bptr, ql);
                    ok &= t.is_some();
                    t
                }
            }
        };
        self.unknown_fields(&o, &["MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", "BatchInput"], "`ItemBatcher`");
        ok.then_some(ItemBatcher { max_items: max_items_per_batch, max_bytes: max_input_bytes_per_batch, batch_input })
    }

    fn result_writer(&mut self, m: &Member, ptr: &str, ql: QueryLanguage) -> Option<ResultWriter> {
        let mut o = self.object(&m.value, ptr)?;
        let mut ok = true;
        let resource = self.located_string(&mut o, "Resource");
        let params_key = if ql == QueryLanguage::Jsonata { "Arguments" } else { "Parameters" };
        if let Some(r) = &resource {
            if s3_api(&r.value) != Some("putObject") {
                ok = false;
                self.d.error_help(&r.pointer, r.span, format!("unsupported `ResultWriter` resource `{}`", r.value), "a `ResultWriter` exports the results with `arn:aws:states:::s3:putObject`");
            }
        }
        let has_params = o.has("Parameters") || o.has("Arguments");
        let parameters = if resource.is_some() || has_params {
            if resource.is_none() && !o.has("Resource") {
                ok = false;
                self.d.error_help(ptr, m.key_span, format!("a `ResultWriter` with `{params_key}` needs `Resource`"), "add `\"Resource\": \"arn:aws:states:::s3:putObject\"`");
            }
            self.s3_parameters(&mut o, m, "ResultWriter", &["Bucket", "Prefix"], &["Bucket"], ql)
        } else {
            None
        };
        if (resource.is_some() || has_params) && parameters.is_none() {
            ok = false;
        }
        let mut output_type = OutputType::Json;
        let mut transformation = None;
        let config = o.take("WriterConfig");
        if let Some(c) = config {
            let cptr = o.ptr("WriterConfig");
            match self.object(&c.value, &cptr) {
                Some(mut co) => {
                    if let Some(t) = co.take("OutputType") {
                        match self.string(t, &co.ptr("OutputType")) {
                            Some("JSON") => {}
                            Some("JSONL") => output_type = OutputType::Jsonl,
                            Some(other) => {
                                ok = false;
                                self.d.error_help(
                                    &co.ptr("OutputType"),
                                    t.value.span,
                                    format!("unknown `OutputType` `{}`", crate::diagnostic::shorten(other)),
                                    "use `JSON` (a JSON array) or `JSONL` (JSON Lines)",
                                );
                            }
                            None => ok = false,
                        }
                    }
                    if let Some(t) = co.take("Transformation") {
                        match self.string(t, &co.ptr("Transformation")) {
                            Some("NONE") => transformation = Some(Transformation::None),
                            Some("COMPACT") => transformation = Some(Transformation::Compact),
                            Some("FLATTEN") => transformation = Some(Transformation::Flatten),
                            Some(other) => {
                                ok = false;
                                let help = match closest(other, ["NONE", "COMPACT", "FLATTEN"]) {
                                    Some(s) => format!("did you mean `{s}`?"),
                                    None => "use `NONE`, `COMPACT` or `FLATTEN`".to_owned(),
                                };
                                self.d.error_help(&co.ptr("Transformation"), t.value.span, format!("unknown `Transformation` `{}`", crate::diagnostic::shorten(other)), help);
                            }
                            None => ok = false,
                        }
                    }
                    self.unknown_fields(&co, &["OutputType", "Transformation"], "`WriterConfig`");
                }
                None => ok = false,
            }
        }
        if resource.is_none() && !has_params && config.is_none() && !o.has("Resource") {
            ok = false;
            self.d.error_help(ptr, m.key_span, "a `ResultWriter` cannot be empty", format!("export the results with `\"Resource\": \"arn:aws:states:::s3:putObject\"` and `\"{params_key}\": {{\"Bucket\": …, \"Prefix\": …}}`, or shape them with `\"WriterConfig\": {{\"Transformation\": \"FLATTEN\"}}`"));
        }
        self.unknown_fields(&o, &["Resource", "Parameters", "Arguments", "WriterConfig"], "`ResultWriter`");
        ok.then_some(ResultWriter { parameters, output_type, transformation })
    }

    /// `Label`: at most 40 characters, none of those AWS forbids in names.
    fn label(&mut self, obj: &mut Obj) -> Option<String> {
        let m = obj.take("Label")?;
        let ptr = obj.ptr("Label");
        let s = self.string(m, &ptr)?;
        let bad = s.chars().find(|c| c.is_whitespace() || c.is_control() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(*c));
        if s.is_empty() || s.chars().count() > 40 {
            self.d.error(&ptr, m.value.span, format!("`Label` must be 1 to 40 characters long, found {}", s.chars().count()));
            return None;
        }
        if let Some(c) = bad {
            self.d.error_help(&ptr, m.value.span, format!("`Label` cannot contain `{}`", c.escape_default()), "a label names the Map Run in ARNs: use letters, digits, `-` and `_`");
            return None;
        }
        Some(s.to_owned())
    }
}

#[cfg(test)]
mod distributed_tests {
    /// `(pointer, message)` of every diagnostic of a DISTRIBUTED Map with `fields`.
    fn report(fields: &str, ql: &str) -> Vec<(String, String)> {
        let text = format!(
            r#"{{"QueryLanguage": "{ql}", "StartAt": "M", "States": {{"M": {{"Type": "Map", "End": true, {fields}
            "ItemProcessor": {{"ProcessorConfig": {{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}}, "StartAt": "P", "States": {{"P": {{"Type": "Pass", "End": true}}}}}}}}}}}}"#
        );
        match crate::check(&text) {
            Ok(_) => vec![],
            Err(ds) => ds.into_iter().map(|d| (d.pointer, d.message)).collect(),
        }
    }

    fn messages(fields: &str) -> Vec<String> {
        report(fields, "JSONPath").into_iter().map(|(_, m)| m).collect()
    }

    #[test]
    fn valid_readers_batchers_writers() {
        for ok in [
            r#""ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": "SEMICOLON", "MaxItems": 10}, "Parameters": {"Bucket": "b", "Key.$": "$.key"}},"#,
            r#""ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", "b"], "MaxItemsPath": "$.max"}, "Parameters": {"Bucket": "b", "Key": "k.csv"}},"#,
            r#""ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON", "ItemsPointer": "/data"}, "Parameters": {"Bucket": "b", "Key": "k.json", "VersionId": "v1"}},"#,
            r#""ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b", "Prefix": "logs/"}},"#,
            r#""ItemBatcher": {"MaxItemsPerBatch": 10, "MaxInputBytesPerBatchPath": "$.bytes", "BatchInput": {"run.$": "$$.Execution.Name"}},"#,
            r#""ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "out", "Prefix": "p"}},"#,
            r#""ResultWriter": {"WriterConfig": {"Transformation": "FLATTEN", "OutputType": "JSONL"}},"#,
            r#""Label": "my-run_1","#,
        ] {
            assert_eq!(messages(ok), Vec::<String>::new(), "{ok}");
        }
        let jsonata = r#""ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSONL", "MaxItems": "{% 3 %}"}, "Arguments": {"Bucket": "b", "Key": "{% $states.input.key %}"}},
            "ItemBatcher": {"MaxItemsPerBatch": "{% 2 %}", "BatchInput": "{% {'a': 1} %}"},
            "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Arguments": "{% {'Bucket': 'out'} %}"},"#;
        assert_eq!(report(jsonata, "JSONata"), vec![]);
    }

    #[test]
    fn unsupported_and_unknown_reader_settings() {
        let r = |config: &str| messages(&format!(r#""ItemReader": {{"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {config}, "Parameters": {{"Bucket": "b", "Key": "k"}}}},"#));
        assert_eq!(r(r#"{"InputType": "PARQUET"}"#), ["`InputType` `PARQUET` is not supported by aslc"]);
        assert_eq!(r(r#"{"InputType": "MANIFEST"}"#), ["`InputType` `MANIFEST` is not supported by aslc"]);
        assert_eq!(r(r#"{"InputType": "JSONLINES"}"#), ["unknown `InputType` `JSONLINES`"]);
        assert_eq!(r(r#"{"InputType": "CSV", "CSVDelimiter": "COLON"}"#), ["unknown `CSVDelimiter` `COLON`"]);
        assert_eq!(r(r#"{"InputType": "CSV", "CSVHeaderLocation": "GIVEN"}"#), ["`\"CSVHeaderLocation\": \"GIVEN\"` needs `CSVHeaders`"]);
        assert_eq!(r(r#"{"InputType": "CSV", "CSVHeaders": ["a"]}"#), ["`CSVHeaders` is only used with `\"CSVHeaderLocation\": \"GIVEN\"`"]);
        assert_eq!(r(r#"{"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": [1]}"#), ["`CSVHeaders` must be a non-empty array of strings, found an array"]);
        assert_eq!(r(r#"{"InputType": "JSON", "CSVDelimiter": "TAB"}"#), ["`CSVDelimiter` is only used with `\"InputType\": \"CSV\"`"]);
        assert_eq!(r(r#"{"InputType": "JSON", "MaxItems": 0}"#), ["`MaxItems` must be a positive integer, found `0`"]);
        assert_eq!(r(r#"{"InputType": "JSON", "MaxItems": "5"}"#), ["`MaxItems` must be a positive integer, found a string"]);
        assert_eq!(r(r#"{"InputType": "JSON", "MaxItem": 5}"#), ["unknown field `MaxItem` in `ReaderConfig`"]);
        assert_eq!(r(r#"{}"#), ["`ReaderConfig` needs `InputType` with `s3:getObject`"]);
        // Every problem once, none reported as an unknown field.
        assert_eq!(r(r#"{"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVDelimiter": "PIPES"}"#), ["`\"CSVHeaderLocation\": \"GIVEN\"` needs `CSVHeaders`", "unknown `CSVDelimiter` `PIPES`"]);
        assert_eq!(r(r#"{"InputType": "PARQUET", "CSVDelimiter": "PIPE"}"#), ["`InputType` `PARQUET` is not supported by aslc"]);
        assert_eq!(
            messages(r#""ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"}, "Parameters": {"Bucket": "b", "Keys": "k"}},"#),
            ["unknown field `Keys` in the `Parameters` of `ItemReader`"]
        );
        let m = report(r#""ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "PARQUET"}, "Parameters": {"Bucket": "b", "Key": "k"}},"#, "JSONPath");
        assert_eq!(m[0].0, "/States/M/ItemReader/ReaderConfig/InputType");
    }

    #[test]
    fn reader_resource_and_parameters() {
        assert_eq!(messages(r#""ItemReader": {"Resource": "arn:aws:states:::s3:getObjects", "Parameters": {"Bucket": "b"}},"#), ["unsupported `ItemReader` resource `arn:aws:states:::s3:getObjects`"]);
        assert_eq!(messages(r#""ItemReader": {"Parameters": {"Bucket": "b"}},"#), ["an `ItemReader` needs `Resource`"]);
        assert_eq!(
            messages(r#""ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b", "Key": "k"}},"#),
            ["unknown field `Key` in the `Parameters` of `ItemReader`"]
        );
        assert_eq!(
            messages(r#""ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"}, "Parameters": {"Bucket": "b"}},"#),
            ["`Parameters` of `ItemReader` needs `Key`"]
        );
        assert_eq!(
            messages(r#""ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"}, "Parameters": {"Bucket": "b", "Key.$": "oops"}},"#),
            ["the value of `Key.$` must be a path (starting with `$`) or an intrinsic function call, found `oops`"]
        );
        assert_eq!(
            messages(r#""ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "Arguments": {"Bucket": "b"}},"#),
            ["field `Arguments` is not allowed in the `ItemReader` of a JSONPath state"]
        );
        assert_eq!(
            messages(r#""ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "ReaderConfig": {"InputType": "CSV"}, "Parameters": {"Bucket": "b"}},"#),
            ["`InputType` is not used with `s3:listObjectsV2`"]
        );
        assert_eq!(
            messages(r#""ItemsPath": "$.x", "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b"}},"#),
            ["`ItemsPath` cannot be used with `ItemReader`"]
        );
        assert_eq!(messages(r#""ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b"}, "Extra": 1},"#), ["unknown field `Extra` in `ItemReader`"]);
    }

    #[test]
    fn batcher_and_writer_checks() {
        assert_eq!(messages(r#""ItemBatcher": {},"#), ["an `ItemBatcher` needs `MaxItemsPerBatch` or `MaxInputBytesPerBatch`"]);
        assert_eq!(messages(r#""ItemBatcher": {"MaxInputBytesPerBatch": 300000},"#), ["`MaxInputBytesPerBatch` must be at most 262144 (256 KiB), found `300000`"]);
        assert_eq!(messages(r#""ItemBatcher": {"MaxItemsPerBatch": 2, "BatchInput": [1]},"#), ["`BatchInput` must be an object, found an array"]);
        assert_eq!(messages(r#""ItemBatcher": {"MaxItemsPerBatch": 2, "MaxItemsPerBatchPath": "$.n"},"#), ["`MaxItemsPerBatch` and `MaxItemsPerBatchPath` cannot both be set"]);
        assert_eq!(
            report(r#""ItemBatcher": {"MaxItemsPerBatchPath": "$.n"},"#, "JSONata").into_iter().map(|(_, m)| m).collect::<Vec<_>>(),
            ["field `MaxItemsPerBatchPath` is not allowed in a JSONata state"]
        );
        assert_eq!(messages(r#""ResultWriter": {},"#), ["a `ResultWriter` cannot be empty"]);
        assert_eq!(messages(r#""ResultWriter": {"Resource": "arn:aws:states:::s3:putObject"},"#), ["`ResultWriter` needs `Parameters` with `Bucket`"]);
        assert_eq!(messages(r#""ResultWriter": {"Parameters": {"Bucket": "b"}},"#), ["a `ResultWriter` with `Parameters` needs `Resource`"]);
        assert_eq!(
            messages(r#""ResultWriter": {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "b"}},"#),
            ["unsupported `ResultWriter` resource `arn:aws:states:::s3:getObject`"]
        );
        assert_eq!(messages(r#""ResultWriter": {"WriterConfig": {"Transformation": "FLAT"}},"#), ["unknown `Transformation` `FLAT`"]);
        assert_eq!(messages(r#""ResultWriter": {"WriterConfig": {"OutputType": "CSV"}},"#), ["unknown `OutputType` `CSV`"]);
        assert_eq!(messages(r#""Label": "has space","#), ["`Label` cannot contain ` `"]);
        assert_eq!(messages(r#""Label": "a-very-long-label-that-goes-on-and-on-forever","#), ["`Label` must be 1 to 40 characters long, found 45"]);
    }
}

#[cfg(test)]
mod task_tests {
    #[test]
    fn lambda_function_arns_need_a_valid_qualifier() {
        use super::lambda_function_problem as p;
        assert_eq!(p("arn:aws:lambda:us-east-1:111111111111:function:F"), None);
        assert_eq!(p("arn:aws:lambda:us-east-1:111111111111:function:F:1"), None);
        assert_eq!(p("arn:aws:lambda:us-east-1:111111111111:function:F:$LATEST"), None);
        assert_eq!(p("arn:aws:lambda:us-east-1:111111111111:function:F:live-v_2"), None);
        assert_eq!(p("arn:aws:states:::lambda:invoke"), None);
        assert_eq!(p("arn:aws:lambda:us-east-1:111111111111:function:F:").as_deref(), Some("the version or alias after the last `:` is empty"));
        assert_eq!(p("arn:aws:lambda:us-east-1:111111111111:function:F:$*#$7485").as_deref(), Some("`$*#$7485` is not a version or an alias name"));
        assert_eq!(p("arn:aws:lambda:us-east-1:111111111111:function:").as_deref(), Some("it names no function"));
        assert!(p("arn:aws:lambda:us-east-1:111111111111:function:F:1:2").is_some());
    }

    fn messages(task_fields: &str) -> Vec<String> {
        let text = format!(r#"{{"StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", {task_fields} "End": true}}}}}}"#);
        match crate::check(&text) {
            Ok(_) => vec![],
            Err(ds) => ds.into_iter().map(|d| d.message).collect(),
        }
    }

    #[test]
    fn credentials_name_a_role() {
        assert!(messages(r#""Credentials": {"RoleArn": "arn:aws:iam::111111111111:role/R"},"#).is_empty());
        assert!(messages(r#""Credentials": {"RoleArn.$": "$.role"},"#).is_empty());
        assert_eq!(messages(r#""Credentials": "arn:aws:iam::111111111111:role/R","#), ["`Credentials` must be an object with `RoleArn`, found a string"]);
        assert_eq!(messages(r#""Credentials": {},"#), ["`Credentials` needs `RoleArn`"]);
        assert_eq!(messages(r#""Credentials": {"RoleArn": 1},"#), ["`RoleArn` must be a string, found a number"]);
        assert_eq!(messages(r#""Credentials": {"Role": "r"},"#), ["unknown field `Role` in `Credentials`"]);
    }
}

#[cfg(test)]
mod jsonata_marker_tests {
    fn messages(output: &str) -> Vec<String> {
        let text = format!(r#"{{"QueryLanguage": "JSONata", "StartAt": "P", "States": {{"P": {{"Type": "Pass", "Output": {output}, "End": true}}}}}}"#);
        match crate::check(&text) {
            Ok(_) => vec![],
            Err(ds) => ds.into_iter().map(|d| d.message).collect(),
        }
    }

    #[test]
    fn strings_that_open_or_close_only_one_marker_are_rejected() {
        assert_eq!(messages(r#""{% $states.input""#), ["malformed JSONata expression: the string starts with `{%` but does not end with `%}`"]);
        assert_eq!(messages(r#"{"a": ["$states.input %}"]}"#), ["malformed JSONata expression: the string ends with `%}` but does not start with `{%`"]);
        assert_eq!(messages(r#""{%}""#), ["malformed JSONata expression: the string is too short to hold both `{%` and `%}`"]);
    }

    #[test]
    fn markers_need_no_spaces_and_text_around_them_is_a_literal() {
        // AWS's console templates write `"{%$states.context.Execution.Input.TaskToken %}"`.
        assert!(messages(r#""{%$states.input%}""#).is_empty());
        // Recorded by AWS (output__test_base_cases_BASE_LITERALS): kept as literal text.
        assert!(messages(r#"" {% states.input %} ""#).is_empty());
        assert!(messages(r#""100%""#).is_empty());
    }
}

#[cfg(test)]
mod operand_tests {
    fn help(rule: &str) -> Vec<(String, Option<String>)> {
        let text = format!(r#"{{"StartAt": "C", "States": {{"C": {{"Type": "Choice", "Default": "D", "Choices": [{{"Variable": "$.x", {rule}, "Next": "D"}}]}}, "D": {{"Type": "Succeed"}}}}}}"#);
        crate::check(&text).unwrap_err().into_iter().map(|d| (d.message, d.help)).collect()
    }

    #[test]
    fn a_wrong_operand_type_names_the_operator_for_that_type() {
        assert_eq!(
            help(r#""StringEquals": 200"#),
            [("`StringEquals` takes a string, found a number".to_owned(), Some("`StringEquals` compares strings; to compare numbers, use `\"NumericEquals\": 200`".to_owned()))]
        );
        let r = help(r#""IsPresent": "true""#);
        assert_eq!(
            r,
            [(
                "`IsPresent` takes a boolean, found a string".to_owned(),
                Some("`\"IsPresent\": true` matches when the `Variable` path selects a value, `false` when it does not: write the value without quotes, `\"IsPresent\": true`".to_owned())
            )]
        );
        assert_eq!(
            help(r#""NumericLessThan": "5""#)[0].1.as_deref(),
            Some("`NumericLessThan` compares numbers: write the value without quotes, `\"NumericLessThan\": 5`; to compare strings, use `\"StringLessThan\": \"5\"`")
        );
        assert_eq!(
            help(r#""NumericGreaterThan": "2026-03-14T01:59:00Z""#)[0].1.as_deref(),
            Some("`NumericGreaterThan` compares numbers; to compare timestamps, use `\"TimestampGreaterThan\": \"2026-03-14T01:59:00Z\"`")
        );
        assert_eq!(
            help(r#""BooleanEquals": "true""#)[0].1.as_deref(),
            Some("`BooleanEquals` compares `true` or `false`: write the value without quotes, `\"BooleanEquals\": true`; to compare strings, use `\"StringEquals\": \"true\"`")
        );
        // No `BooleanLessThan`: only the operator's own type is named.
        assert_eq!(help(r#""NumericLessThan": true"#)[0].1.as_deref(), Some("`NumericLessThan` compares numbers"));
    }
}
