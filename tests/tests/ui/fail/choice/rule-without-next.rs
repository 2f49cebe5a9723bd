asl_runtime::asl!("rule-without-next.json");

fn main() {}
