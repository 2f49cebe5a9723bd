asl_runtime::asl!("next-out-of-map-processor.json");

fn main() {}
