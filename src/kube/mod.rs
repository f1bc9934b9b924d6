//! All access to the Kubernetes API lives here, organised by verb as kube-rs is:
//!
//! - connecting ([`ConnectOptions`] → [`Cluster::connect`]: kubectl's flags as
//!   plain data, exec credential plugins under the timeout, response size caps);
//! - reading one object ([`Cluster::get_opt`], [`Cluster::get`],
//!   [`Cluster::fetch`]: one policy for 404 and 403, in `get.rs`);
//! - listing ([`Cluster::list`] and friends: pagination with caps, each item
//!   decoded on its own, a forbidden list an [`Availability`], never "none");
//! - writing ([`Cluster::apply`], `create`, `replace`, `patch_merge`, `delete`
//!   with one [`WriteMode`] and one policy for conflicts, in `write.rs`);
//! - the few sub-resources the suite uses: logs, port-forwards, metrics.
//!
//! Everything else in the crate works on the values these functions return.
//! Nothing here knows which command asks.

mod connect;
mod dry_run;
mod exec;
mod forward;
mod get;
mod kinds;
pub mod limits;
mod list;
pub mod logs;
pub mod metrics;
mod options;
mod pages;
mod protobuf;
pub mod resources;
mod scoped;
mod secret_keys;
pub mod trace;
mod undo;
mod write;

#[cfg(any(fuzzing, test))] // only the fuzz hooks (src/fuzzing.rs) use it
pub(crate) use connect::not_utf8 as kubeconfig_not_utf8;
pub use connect::{Cluster, set_command_name};
pub use dry_run::DryRun;
pub use forward::PortForward;
pub use get::Fetched;
pub use kinds::{Kind, Namespaced};
pub use list::reason_without_values as list_reason_without_values;
pub use list::{Availability, Listing, Scope, Undecodable};
pub use options::{
    ConnectOptions, DEFAULT_REQUEST_TIMEOUT, context_name, is_dns_label, is_dns_name,
};
pub use undo::{Undo, Undone};
pub use write::{Deleted, Precondition, WriteMode, conflict};

/// The field manager of every write the suite makes (server-side apply).
pub(crate) const FIELD_MANAGER: &str = "kubectl-dp";

/// The label that marks `tune apply`'s backup ConfigMaps (status knows them
/// as the suite's own, not hand-written configuration).
pub(crate) const TUNE_BACKUP_LABEL: &str = "kubectl-dp.io/tune-backup";

/// Pods that hold resources: the API server filters out finished ones
/// (a field selector, so no command lists every pod to drop them itself).
pub fn active_pods() -> kube::api::ListParams {
    kube::api::ListParams::default().fields("status.phase!=Succeeded,status.phase!=Failed")
}
