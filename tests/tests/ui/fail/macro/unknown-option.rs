asl_runtime::asl!("unknown-option.json", modul = hello);

fn main() {}
