asl_runtime::asl!("two-fields.json");

fn main() {}
