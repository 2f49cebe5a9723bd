asl_runtime::asl!("assign-outer-variable-in-branch.json");

fn main() {}
