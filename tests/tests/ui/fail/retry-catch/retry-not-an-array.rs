asl_runtime::asl!("retry-not-an-array.json");

fn main() {}
