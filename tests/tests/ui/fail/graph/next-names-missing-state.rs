asl_runtime::asl!("next-names-missing-state.json");

fn main() {}
