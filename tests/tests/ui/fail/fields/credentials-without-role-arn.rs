asl_runtime::asl!("credentials-without-role-arn.json");

fn main() {}
