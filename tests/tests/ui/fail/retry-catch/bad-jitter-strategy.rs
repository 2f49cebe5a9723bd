asl_runtime::asl!("bad-jitter-strategy.json");

fn main() {}
