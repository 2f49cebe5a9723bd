asl_runtime::asl!("trailing-comma.json");

fn main() {}
