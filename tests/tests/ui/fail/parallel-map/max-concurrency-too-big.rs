asl_runtime::asl!("max-concurrency-too-big.json");

fn main() {}
