asl_runtime::asl!("malformed-json.json");

fn main() {}
