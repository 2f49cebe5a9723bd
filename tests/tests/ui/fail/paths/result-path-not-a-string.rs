asl_runtime::asl!("result-path-not-a-string.json");

fn main() {}
