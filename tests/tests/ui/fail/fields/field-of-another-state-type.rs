asl_runtime::asl!("field-of-another-state-type.json");

fn main() {}
