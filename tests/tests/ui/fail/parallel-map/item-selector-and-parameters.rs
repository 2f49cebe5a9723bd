asl_runtime::asl!("item-selector-and-parameters.json");

fn main() {}
