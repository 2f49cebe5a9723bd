asl_runtime::asl!("unassigned-jsonata-variable.json");

fn main() {}
