asl_runtime::asl!("string-operator-with-number.json");

fn main() {}
