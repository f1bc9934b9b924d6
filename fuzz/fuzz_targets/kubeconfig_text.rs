//! `cargo +nightly fuzz run kubeconfig_text`: the check is `kubectl_dp::fuzzing::kubeconfig_text`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubectl_dp::fuzzing::kubeconfig_text(data));
