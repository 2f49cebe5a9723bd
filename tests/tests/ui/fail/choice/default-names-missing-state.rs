asl_runtime::asl!("default-names-missing-state.json");

fn main() {}
