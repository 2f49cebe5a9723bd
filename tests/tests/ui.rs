//! Compile-fail and pass cases for the `asl!` macro: every validation rule has a workflow that
//! breaks it and a blessed `.stderr` with the message a user sees. Bless with
//! `TRYBUILD=overwrite cargo test -p asl-tests --test ui`, then read every changed `.stderr`.
//!
//! Each case's `.rs` names its `.json` by file name alone: trybuild points `CARGO_MANIFEST_DIR`
//! at its scratch crate, so `asl!` finds the file next to the calling source file instead.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/**/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
