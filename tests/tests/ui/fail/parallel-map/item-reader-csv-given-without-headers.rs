asl_runtime::asl!("item-reader-csv-given-without-headers.json");

fn main() {}
