asl_runtime::asl!("several-mistakes-reported-together.json");

fn main() {}
