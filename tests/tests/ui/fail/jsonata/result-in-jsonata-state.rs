asl_runtime::asl!("result-in-jsonata-state.json");

fn main() {}
