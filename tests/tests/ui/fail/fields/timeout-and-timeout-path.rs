asl_runtime::asl!("timeout-and-timeout-path.json");

fn main() {}
