asl_runtime::asl!("unassigned-variable.json");

fn main() {}
