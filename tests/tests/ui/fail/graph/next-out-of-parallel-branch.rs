asl_runtime::asl!("next-out-of-parallel-branch.json");

fn main() {}
