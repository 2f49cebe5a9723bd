asl_runtime::asl!("field-of-wrong-type.json");

fn main() {}
