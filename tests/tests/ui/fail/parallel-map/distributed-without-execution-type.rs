asl_runtime::asl!("distributed-without-execution-type.json");

fn main() {}
