//! `cargo +nightly fuzz run redact`: the check is `kubectl_dp::fuzzing::redact`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubectl_dp::fuzzing::redact(data));
