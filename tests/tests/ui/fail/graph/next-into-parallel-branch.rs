asl_runtime::asl!("next-into-parallel-branch.json");

fn main() {}
