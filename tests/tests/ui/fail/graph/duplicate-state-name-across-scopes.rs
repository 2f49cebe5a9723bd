asl_runtime::asl!("duplicate-state-name-across-scopes.json");

fn main() {}
