asl_runtime::asl!("start-at-names-missing-state.json");

fn main() {}
