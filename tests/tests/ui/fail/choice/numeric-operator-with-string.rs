asl_runtime::asl!("numeric-operator-with-string.json");

fn main() {}
