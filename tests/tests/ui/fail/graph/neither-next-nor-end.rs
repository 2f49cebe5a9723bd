asl_runtime::asl!("neither-next-nor-end.json");

fn main() {}
