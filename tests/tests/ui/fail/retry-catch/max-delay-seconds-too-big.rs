asl_runtime::asl!("max-delay-seconds-too-big.json");

fn main() {}
