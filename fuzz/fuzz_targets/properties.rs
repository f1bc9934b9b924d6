//! `cargo +nightly fuzz run properties`: the check is `kubectl_dp::fuzzing::properties`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubectl_dp::fuzzing::properties(data));
