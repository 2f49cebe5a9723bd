asl_runtime::asl!("bad-timestamp-operand.json");

fn main() {}
