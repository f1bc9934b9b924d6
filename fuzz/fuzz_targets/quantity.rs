//! `cargo +nightly fuzz run quantity`: the check is `kubectl_dp::fuzzing::quantity`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubectl_dp::fuzzing::quantity(data));
