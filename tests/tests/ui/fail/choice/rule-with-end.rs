asl_runtime::asl!("rule-with-end.json");

fn main() {}
