//! The tuning rules: pure functions from parsed settings (and the numbers they
//! depend on) to [`Proposal`](super::model::Proposal)s, each with its reason.

pub mod catalog;
pub mod jvm;
pub mod server;
pub mod spark;

/// Rounds down to a whole GiB at 4GiB and above, else to a whole MiB.
pub fn round_size(bytes: u64) -> u64 {
    let unit = if bytes >= 4 << 30 { 1 << 30 } else { 1 << 20 };
    bytes / unit * unit
}

/// Bytes as a Kubernetes quantity in whole GiB (`23Gi`).
pub fn gib(bytes: u64) -> String {
    crate::platform::quantity::Quantity::from_bytes(bytes as i128).display_bytes()
}
