asl_runtime::asl!("rule-without-operator.json");

fn main() {}
