//! Talking to Trino itself over its HTTP client protocol: the [`Client`]
//! (`POST /v1/statement`, then `GET nextUri` until it is absent) that `perf`
//! benchmarks with, and the [`probe`] `status --probe` asks the coordinator with.
//! Nothing here talks to the Kubernetes API (a port-forward to a coordinator
//! pod is `crate::kube`'s).

mod client;
pub mod probe;

pub use client::{Client, Info, Outcome, QueryStats, TrinoError};
