asl_runtime::asl!("duplicate-state-name.json");

fn main() {}
