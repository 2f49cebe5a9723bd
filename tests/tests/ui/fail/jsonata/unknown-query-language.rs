asl_runtime::asl!("unknown-query-language.json");

fn main() {}
