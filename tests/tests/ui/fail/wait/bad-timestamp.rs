asl_runtime::asl!("bad-timestamp.json");

fn main() {}
