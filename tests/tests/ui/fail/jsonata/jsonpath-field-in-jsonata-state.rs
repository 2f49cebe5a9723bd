asl_runtime::asl!("jsonpath-field-in-jsonata-state.json");

fn main() {}
