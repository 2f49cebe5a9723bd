asl_runtime::asl!("states-all-not-alone.json");

fn main() {}
