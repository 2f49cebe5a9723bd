asl_runtime::asl!("missing-item-processor.json");

fn main() {}
