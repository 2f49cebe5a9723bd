asl_runtime::asl!("lambda-arn-bad-qualifier.json");

fn main() {}
