asl_runtime::asl!("missing-resource.json");

fn main() {}
