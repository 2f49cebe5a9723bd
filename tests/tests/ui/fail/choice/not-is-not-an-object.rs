asl_runtime::asl!("not-is-not-an-object.json");

fn main() {}
