asl_runtime::asl!("duplicate-json-key.json");

fn main() {}
