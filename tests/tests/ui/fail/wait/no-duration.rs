asl_runtime::asl!("no-duration.json");

fn main() {}
