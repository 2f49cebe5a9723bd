asl_runtime::asl!("timeout-seconds-zero.json");

fn main() {}
