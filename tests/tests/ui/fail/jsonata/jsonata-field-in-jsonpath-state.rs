asl_runtime::asl!("jsonata-field-in-jsonpath-state.json");

fn main() {}
