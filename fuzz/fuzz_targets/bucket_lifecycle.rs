//! `cargo +nightly fuzz run bucket_lifecycle`: the check is `kubectl_dp::fuzzing::bucket_lifecycle`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubectl_dp::fuzzing::bucket_lifecycle(data));
