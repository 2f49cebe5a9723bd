asl_runtime::asl!("malformed-markers.json");

fn main() {}
