asl_runtime::asl!("tolerated-failure-percentage-over-100.json");

fn main() {}
