//! `cargo +nightly fuzz run duration`: the check is `kubectl_dp::fuzzing::duration`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubectl_dp::fuzzing::duration(data));
