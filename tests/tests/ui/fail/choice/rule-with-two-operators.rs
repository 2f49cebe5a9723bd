asl_runtime::asl!("rule-with-two-operators.json");

fn main() {}
