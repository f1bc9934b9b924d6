//! `cargo +nightly fuzz run tune_backup`: the check is `kubectl_dp::fuzzing::tune_backup`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubectl_dp::fuzzing::tune_backup(data));
