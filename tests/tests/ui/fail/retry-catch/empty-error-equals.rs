asl_runtime::asl!("empty-error-equals.json");

fn main() {}
