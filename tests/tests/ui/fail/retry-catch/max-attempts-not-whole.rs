asl_runtime::asl!("max-attempts-not-whole.json");

fn main() {}
