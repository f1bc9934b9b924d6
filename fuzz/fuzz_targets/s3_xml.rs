//! `cargo +nightly fuzz run s3_xml`: the check is `kubectl_dp::fuzzing::s3_xml`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubectl_dp::fuzzing::s3_xml(data));
