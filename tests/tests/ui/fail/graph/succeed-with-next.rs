asl_runtime::asl!("succeed-with-next.json");

fn main() {}
