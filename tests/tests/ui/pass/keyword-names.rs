//! State names and Task resources Rust cannot spell as identifiers (`Self`, `self`, keywords,
//! `_`, letters outside ASCII (kept), names that collide once converted, the machine's own method names) and a file
//! named `self.json`: all compile under escaped names and run; the names stay as written.

use asl_runtime::{json, Failure, Machine, StateId, TaskContext, Value};

asl_runtime::asl!("self.json");
// a module named by a raw identifier
asl_runtime::asl!("self.json", module = r#type, machine = Typed);

struct Keywords;

impl self_::Tasks for Keywords {
    // `function:self`
    async fn self_(&self, _input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        Ok(json!({ "n": 1 }))
    }

    // `function:Self`, which converts to the same name
    async fn self_2(&self, _input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        Ok(json!("Self"))
    }
}

impl r#type::Tasks for Keywords {
    async fn self_(&self, _input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        Ok(json!({ "n": 1 }))
    }

    async fn self_2(&self, _input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        Ok(json!("Self"))
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    use self_::State;
    let flow = self_::Self_::new(Keywords);
    let output = flow.start(json!({})).await.expect("succeeds");
    assert_eq!(output, json!({ "trail": ["Self"], "self": { "n": 1 }, "Self": "Self", "branches": [{ "trail": ["Self"], "self": { "n": 1 }, "Self": "Self" }] }));

    // Escaped variants; the names are as written.
    let named = [
        (State::Self_, "Self"),
        (State::Self2, "self"),
        (State::Crate, "crate"),
        (State::Super, "super"),
        (State::Type, "type"),
        (State::Async, "async"),
        (State::S, "_"),
        (State::Café, "Café"),
        (State::Cafe, "Cafe"),
        (State::日本, "日本"),
        (State::中国, "中国"),
        (State::AB, "a b"),
        (State::AB2, "a-b"),
        (State::AB3, "A_B"),
        (State::New, "new"),
        (State::Start, "start"),
        (State::RMatch, "r#match"),
        (State::Self22, "Self2"),
        (State::Fn, "fn"),
        (State::Loop, "loop"),
    ];
    for (state, name) in named {
        assert_eq!(state.name(), name);
        assert_eq!(State::from_name(name), Some(state));
    }

    // The raw-identifier module runs the same, named `type`.
    let typed = r#type::Typed::new(Keywords);
    assert_eq!(typed.machine_name(), "type");
    assert_eq!(typed.start(json!({})).await.expect("succeeds"), output);

    // Entered at a renamed state.
    let output = flow.start_at(State::Café, json!({ "self": { "n": 2 } })).await.expect("succeeds");
    assert_eq!(output, json!({ "self": { "n": 2 } }));
}
