//! Knowledge of the platform's parts, as pure types and functions: quantities,
//! Trino's config files, bucket lifecycles, who manages what.

pub mod admission;
pub(crate) mod alert_rules;
pub mod alerts;
pub mod bucket;
pub mod crds;
pub mod credentials;
pub mod endpoint;
pub mod jvm;
pub mod mounts;
pub mod netpol;
pub mod ownership;
pub mod placement;
pub mod properties;
pub mod quantity;
pub mod resources;
pub mod rules;
pub mod spark;
pub(crate) mod spark_conf;
pub mod trino;
pub mod urls;
pub mod workload;
