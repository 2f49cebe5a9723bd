asl_runtime::asl!("result-path-with-wildcard.json");

fn main() {}
