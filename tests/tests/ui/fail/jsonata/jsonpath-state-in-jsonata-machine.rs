asl_runtime::asl!("jsonpath-state-in-jsonata-machine.json");

fn main() {}
