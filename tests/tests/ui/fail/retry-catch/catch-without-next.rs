asl_runtime::asl!("catch-without-next.json");

fn main() {}
