asl_runtime::asl!("next-and-end.json");

fn main() {}
