asl_runtime::asl!("input-path-without-dollar.json");

fn main() {}
