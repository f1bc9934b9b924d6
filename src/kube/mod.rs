//! All access to the Kubernetes API lives here: connecting with kubectl's flags,
//! paginated lists, and the few writes the suite makes. Everything else in the
//! crate works on the values these functions return.

mod apply;
mod buckets;
mod connect;
mod dry_run;
pub mod engine;
mod exec;
mod forward;
pub mod limits;
mod list;
pub mod logs;
pub mod metrics;
mod objects;
mod pages;
pub mod perf;
mod protobuf;
pub mod resources;
mod scoped;
mod secret_keys;
pub mod trace;
pub mod tune;

pub(crate) use connect::not_utf8 as kubeconfig_not_utf8;
pub use connect::{Cluster, set_command_name};
pub use dry_run::DryRun;
pub use forward::PortForward;

/// The field manager of every write the suite makes (server-side apply).
pub const FIELD_MANAGER: &str = "kubectl-dp";
pub use list::reason_without_values as list_reason_without_values;
pub use list::{Availability, Listing, Scope, Undecodable};
pub use scoped::Fetched;

/// A built-in namespaced kind the suite can list, read and apply (Pod, ConfigMap...).
pub trait Namespaced:
    ::kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
    + Clone
    + serde::de::DeserializeOwned
    + std::fmt::Debug
{
}

impl<K> Namespaced for K where
    K: ::kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug
{
}

/// Pods that hold resources: the API server filters out finished ones
/// (a field selector, so no command lists every pod to drop them itself).
pub fn active_pods() -> kube::api::ListParams {
    kube::api::ListParams::default().fields("status.phase!=Succeeded,status.phase!=Failed")
}
