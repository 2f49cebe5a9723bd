asl_runtime::asl!("expression-syntax-error.json");

fn main() {}
