asl_runtime::asl!("unknown-retrier-field.json");

fn main() {}
