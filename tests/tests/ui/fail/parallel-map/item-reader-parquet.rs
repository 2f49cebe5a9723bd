asl_runtime::asl!("item-reader-parquet.json");

fn main() {}
