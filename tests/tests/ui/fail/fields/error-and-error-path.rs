asl_runtime::asl!("error-and-error-path.json");

fn main() {}
