asl_runtime::asl!("missing-states.json");

fn main() {}
