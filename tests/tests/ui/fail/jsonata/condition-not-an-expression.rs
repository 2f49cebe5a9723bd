asl_runtime::asl!("condition-not-an-expression.json");

fn main() {}
