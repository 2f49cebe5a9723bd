asl_runtime::asl!("missing-variable.json");

fn main() {}
