asl_runtime::asl!("resource-not-an-arn.json");

fn main() {}
