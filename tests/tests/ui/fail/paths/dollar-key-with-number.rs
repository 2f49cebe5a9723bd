asl_runtime::asl!("dollar-key-with-number.json");

fn main() {}
