//! `cargo +nightly fuzz run object_size`: the check is `kubectl_dp::fuzzing::object_size`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubectl_dp::fuzzing::object_size(data));
