//! Compiles the fan-out workflow with the build-script front end (the other examples use `asl!`).
fn main() {
    // The error is the rendered diagnostics: print them once and fail the build.
    if let Err(e) = asl_codegen::Builder::new().compile("fanout/fanout.json") {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
