//! All access to the Kubernetes API lives here: connecting with kubectl's flags,
//! paginated lists, and the few writes the suite makes. Everything else in the
//! crate works on the values these functions return.

mod buckets;
mod connect;
mod list;
mod objects;
pub mod resources;
pub mod tune;

pub use connect::{Cluster, set_command_name};

/// The field manager of every write the suite makes (server-side apply).
pub const FIELD_MANAGER: &str = "kubectl-dp";
pub use list::{Availability, Listing, Scope};
