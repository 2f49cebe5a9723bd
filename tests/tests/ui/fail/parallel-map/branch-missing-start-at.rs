asl_runtime::asl!("branch-missing-start-at.json");

fn main() {}
