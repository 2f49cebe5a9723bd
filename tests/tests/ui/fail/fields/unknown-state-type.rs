asl_runtime::asl!("unknown-state-type.json");

fn main() {}
