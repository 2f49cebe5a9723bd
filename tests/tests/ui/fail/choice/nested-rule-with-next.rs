asl_runtime::asl!("nested-rule-with-next.json");

fn main() {}
