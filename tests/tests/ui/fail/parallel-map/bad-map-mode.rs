asl_runtime::asl!("bad-map-mode.json");

fn main() {}
