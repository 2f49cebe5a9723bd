asl_runtime::asl!("unknown-operator.json");

fn main() {}
