//! LimitRange defaults and bounds, and the quota's required resources, applied
//! as the admission plugins do ([`crate::platform::admission`]), reported in
//! `quota check`'s terms.

use k8s_openapi::api::core::v1::{LimitRange, PodSpec, ResourceQuota};

use crate::platform::admission::{self, Policy};

use super::Violation;

/// Applies the LimitRanges' defaults to `spec` and returns what admission
/// refuses: LimitRange min, max and maxLimitRequestRatio (containers and pods),
/// and a quota's compute resources a container leaves unset.
pub fn apply_limit_ranges(
    spec: &mut PodSpec,
    ranges: &[LimitRange],
    quotas: &[ResourceQuota],
    object: &str,
    applied: &mut Vec<String>,
) -> Vec<Violation> {
    let admitted = admission::admit(spec, ranges, quotas);
    *spec = admitted.spec;
    applied.extend(
        admitted
            .defaults
            .into_iter()
            .map(|d| format!("{object} {d}")),
    );
    admitted
        .refusals
        .into_iter()
        .map(|r| Violation {
            object: object.to_string(),
            container: r.container.unwrap_or_else(|| "(pod)".into()),
            limit_range: match &r.policy {
                Policy::LimitRange(name) => name.clone(),
                Policy::ResourceQuota(name) => format!("ResourceQuota {name}"),
            },
            message: r.message,
        })
        .collect()
}
