asl_runtime::asl!("missing-type.json");

fn main() {}
