asl_runtime::asl!("no-such-workflow.json");

fn main() {}
