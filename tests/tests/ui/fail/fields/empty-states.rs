asl_runtime::asl!("empty-states.json");

fn main() {}
