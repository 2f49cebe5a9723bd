asl_runtime::asl!("variable-rule-in-jsonata-choice.json");

fn main() {}
