asl_runtime::asl!("choice-state-with-next.json");

fn main() {}
