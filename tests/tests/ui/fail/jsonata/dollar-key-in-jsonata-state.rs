asl_runtime::asl!("dollar-key-in-jsonata-state.json");

fn main() {}
