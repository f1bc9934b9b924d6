//! The change's own fences: ResourceQuotas and LimitRanges in the manifests
//! are applied with the workloads, so they fence the pods those workloads
//! create. `quota check` judges "the namespace after this change": a fence
//! in the manifests replaces the live one of the same name, or is added.

use k8s_openapi::api::core::v1::{LimitRange, ResourceQuota};
use serde::de::DeserializeOwned;

use crate::manifests::Manifest;

use super::evaluate::Live;

/// Puts the manifests' quotas and LimitRanges of the checked namespaces into
/// `live`, and notes each one counted. Fences of other namespaces fence no
/// pod of this change and are left out.
pub(super) fn overlay(live: &mut Live, found: &[Manifest], default_ns: &str) {
    for manifest in found {
        let kind = manifest.value.get("kind").and_then(|k| k.as_str());
        let namespace = manifest
            .value
            .pointer("/metadata/namespace")
            .and_then(|n| n.as_str())
            .unwrap_or(default_ns)
            .to_string();
        let Some(state) = live.namespaces.get_mut(&namespace) else {
            continue;
        };
        let counted = match kind {
            Some("ResourceQuota") => {
                parsed::<ResourceQuota>(manifest).map(|q| replace(&mut state.quotas, q))
            }
            Some("LimitRange") => {
                parsed::<LimitRange>(manifest).map(|r| replace(&mut state.limit_ranges, r))
            }
            _ => continue,
        };
        if let Some((name, replaced)) = counted {
            live.notes.push(format!(
                "{} {namespace}/{name} from the manifests is counted as applied{}",
                kind.unwrap_or_default(),
                if replaced {
                    " (it replaces the live one)"
                } else {
                    ""
                }
            ));
        }
    }
}

fn parsed<T: DeserializeOwned>(manifest: &Manifest) -> Option<T> {
    serde_json::from_value(manifest.value.clone()).ok()
}

/// Replaces the object of the same name in `objects`, or adds it: its name and
/// whether one was replaced.
fn replace<
    T: k8s_openapi::Metadata<Ty = k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta>,
>(
    objects: &mut Vec<T>,
    object: T,
) -> (String, bool) {
    let name = object.metadata().name.clone().unwrap_or_default();
    let before = objects.len();
    objects.retain(|o| o.metadata().name.as_deref() != Some(name.as_str()));
    let replaced = objects.len() != before;
    objects.push(object);
    (name, replaced)
}
