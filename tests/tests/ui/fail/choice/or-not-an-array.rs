asl_runtime::asl!("or-not-an-array.json");

fn main() {}
