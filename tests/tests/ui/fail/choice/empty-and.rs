asl_runtime::asl!("empty-and.json");

fn main() {}
