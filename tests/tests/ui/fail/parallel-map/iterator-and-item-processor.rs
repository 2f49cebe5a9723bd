asl_runtime::asl!("iterator-and-item-processor.json");

fn main() {}
