asl_runtime::asl!("unknown-top-level-field.json");

fn main() {}
