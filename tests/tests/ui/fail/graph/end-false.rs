asl_runtime::asl!("end-false.json");

fn main() {}
