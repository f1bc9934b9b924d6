//! `cargo +nightly fuzz run jvm_config`: the check is `kubectl_dp::fuzzing::jvm_config`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubectl_dp::fuzzing::jvm_config(data));
