asl_runtime::asl!("heartbeat-not-below-timeout.json");

fn main() {}
