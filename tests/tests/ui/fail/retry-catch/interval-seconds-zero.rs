asl_runtime::asl!("interval-seconds-zero.json");

fn main() {}
