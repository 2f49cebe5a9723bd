asl_runtime::asl!("type-test-with-string.json");

fn main() {}
