asl_runtime::asl!("unexpected-character-in-path.json");

fn main() {}
