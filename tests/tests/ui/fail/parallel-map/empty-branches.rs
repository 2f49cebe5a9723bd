asl_runtime::asl!("empty-branches.json");

fn main() {}
