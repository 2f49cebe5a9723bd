asl_runtime::asl!("item-reader-in-inline-map.json");

fn main() {}
