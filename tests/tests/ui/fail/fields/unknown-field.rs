asl_runtime::asl!("unknown-field.json");

fn main() {}
