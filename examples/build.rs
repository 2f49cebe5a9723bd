//! Compiles the fan-out workflow with the build-script front end (the other examples use `asl!`).
fn main() {
    if let Err(e) = asl_codegen::Builder::new().compile("fanout/fanout.json") {
        panic!("{e}");
    }
}
