asl_runtime::asl!("backoff-rate-below-one.json");

fn main() {}
