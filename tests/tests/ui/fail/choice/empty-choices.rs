asl_runtime::asl!("empty-choices.json");

fn main() {}
