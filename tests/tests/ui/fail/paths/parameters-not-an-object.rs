asl_runtime::asl!("parameters-not-an-object.json");

fn main() {}
