//! A path that names a file that is not JSON (as `../../etc/passwd` would): refused without
//! quoting any of it.

asl_runtime::asl!("not-json-file.txt");

fn main() {}
