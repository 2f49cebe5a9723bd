asl_runtime::asl!("duplicate-key-in-payload.json");

fn main() {}
