asl_runtime::asl!("catch-next-names-missing-state.json");

fn main() {}
