//! Unit tests of the evaluator, plus a runner for jsonata-js's reference test suite
//! (`JSONATA_SUITE=<dir with groups/ and datasets/> cargo test -p asl-runtime suite -- --ignored`).

mod suite;
