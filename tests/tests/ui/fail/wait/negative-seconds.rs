asl_runtime::asl!("negative-seconds.json");

fn main() {}
