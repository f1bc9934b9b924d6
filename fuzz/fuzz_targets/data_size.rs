//! `cargo +nightly fuzz run data_size`: the check is `kubectl_dp::fuzzing::data_size`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubectl_dp::fuzzing::data_size(data));
