//! The resource metrics API (`metrics.k8s.io/v1beta1`, served by metrics-server
//! through the aggregation layer): what pods use now. The API is optional: when it
//! is not registered or not answering, the listing says so and callers show usage
//! as "not available" instead of failing.

use std::collections::BTreeMap;

use kube::api::ListParams;
use kube::discovery::ApiResource;
use serde::Deserialize;

use crate::error::Result;

use super::{Availability, Cluster, Listing, Scope};

/// `PodMetrics` of `metrics.k8s.io/v1beta1`.
pub(crate) fn pod_metrics_resource() -> ApiResource {
    ApiResource {
        group: "metrics.k8s.io".into(),
        version: "v1beta1".into(),
        api_version: "metrics.k8s.io/v1beta1".into(),
        kind: "PodMetrics".into(),
        plural: "pods".into(),
    }
}

/// One pod's measured usage, as metrics-server last scraped it from the kubelet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PodUsage {
    /// Which pod.
    pub metadata: UsageMeta,
    /// When the sample was taken (RFC 3339).
    #[serde(default)]
    pub timestamp: Option<String>,
    /// Over how long CPU was averaged (`10s`, `15.02s`).
    #[serde(default)]
    pub window: Option<String>,
    /// Each container's usage.
    #[serde(default)]
    pub containers: Vec<ContainerUsage>,
}

/// The pod a sample is of.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct UsageMeta {
    /// The pod's name.
    #[serde(default)]
    pub name: String,
    /// The pod's namespace.
    #[serde(default)]
    pub namespace: String,
}

/// A container's usage: resource name (`cpu`, `memory`) → quantity as served
/// (`250123456n`, `307200Ki`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ContainerUsage {
    /// The container's name.
    pub name: String,
    /// Resource name → quantity.
    #[serde(default)]
    pub usage: BTreeMap<String, String>,
}

impl Cluster {
    /// The pods' measured usage in `scope`. A metrics API that is not registered
    /// (404) is `NotInstalled`; one registered but not answering (503 while
    /// metrics-server starts or is down) is `Failed` with the API server's reason.
    pub(crate) async fn pod_usage(&self, scope: &Scope) -> Result<Listing<PodUsage>> {
        let listing = self
            .list_custom::<PodUsage>(&pod_metrics_resource(), Some(scope), &ListParams::default())
            .await?;
        Ok(match listing.availability {
            Availability::Failed(reason) => Listing {
                items: listing.items,
                availability: Availability::Failed(format!(
                    "the metrics API (metrics.k8s.io, served by metrics-server) did not answer: {reason}"
                )),
                undecodable: listing.undecodable,
            },
            _ => listing,
        })
    }
}
