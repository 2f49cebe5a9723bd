asl_runtime::asl!("max-attempts-negative.json");

fn main() {}
