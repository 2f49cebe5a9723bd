asl_runtime::asl!("no-reachable-end.json");

fn main() {}
