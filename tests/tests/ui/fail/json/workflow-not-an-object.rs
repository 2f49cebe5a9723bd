asl_runtime::asl!("workflow-not-an-object.json");

fn main() {}
