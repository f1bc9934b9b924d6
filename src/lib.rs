//! kubectl-dp: kubectl plugins for running a Trino/Iceberg/Spark data platform.
//!
//! Every command follows the same three stages: gather a [`snapshot`] from the
//! cluster (all API access is in [`kube`]), analyse it with pure functions, and
//! render a report. The binaries in `src/bin/` only parse flags and call [`cli::execute`].

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod buckets;
pub mod cli;
pub mod error;
pub mod findings;
/// Checks for the cargo-fuzz targets in `fuzz/` (not an API: see the module).
/// Compiled only for the fuzzer (`cargo fuzz` builds with `--cfg fuzzing`) and for
/// the unit test that replays the committed corpus.
#[cfg(any(fuzzing, test))]
#[doc(hidden)]
pub mod fuzzing;
pub mod http;
pub mod kube;
pub mod manifests;
pub mod perf;
pub mod platform;
pub mod quota;
pub mod redact;
pub mod render;
pub mod s3;
#[cfg(test)]
mod sizes_in_messages;
pub(crate) mod snapshot;
pub mod status;
pub mod suite;
pub mod trino;
pub mod tune;

pub use error::{Error, Exit, Result};
