asl_runtime::asl!("seconds-beyond-aws-maximum.json");

fn main() {}
