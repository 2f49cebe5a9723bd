asl_runtime::asl!("result-path-into-context.json");

fn main() {}
