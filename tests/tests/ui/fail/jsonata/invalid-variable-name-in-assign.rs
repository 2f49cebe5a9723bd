asl_runtime::asl!("invalid-variable-name-in-assign.json");

fn main() {}
