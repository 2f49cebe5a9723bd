asl_runtime::asl!("unreachable-state.json");

fn main() {}
