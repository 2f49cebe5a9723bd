asl_runtime::asl!("tolerated-failure-count-in-inline-map.json");

fn main() {}
