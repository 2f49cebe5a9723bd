asl_runtime::asl!("/flows/order.json");

fn main() {}
