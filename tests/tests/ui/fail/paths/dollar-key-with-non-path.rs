asl_runtime::asl!("dollar-key-with-non-path.json");

fn main() {}
