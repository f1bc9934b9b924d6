//! `cargo +nightly fuzz run spark_size`: the check is `kubectl_dp::fuzzing::spark_size`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubectl_dp::fuzzing::spark_size(data));
