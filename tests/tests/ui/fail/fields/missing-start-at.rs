asl_runtime::asl!("missing-start-at.json");

fn main() {}
