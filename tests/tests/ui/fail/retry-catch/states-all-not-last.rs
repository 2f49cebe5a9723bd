asl_runtime::asl!("states-all-not-last.json");

fn main() {}
