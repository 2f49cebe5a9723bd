asl_runtime::asl!("state-name-too-long.json");

fn main() {}
