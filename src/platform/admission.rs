//! What admission does to a pod before it exists, as the API server's plugins
//! do it: LimitRanger fills each container's unset requests and limits from the
//! namespace's LimitRange defaults, then refuses a container or a pod outside a
//! LimitRange's `min`, `max` or `maxLimitRequestRatio`; ResourceQuota then
//! refuses a pod whose containers leave unset a resource a quota constrains
//! (`must specify limits.cpu`). `status`, `tune plan` and `quota check` all ask
//! this module, so a pod one of them sees refused, all of them do.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Container, LimitRange, PodSpec, ResourceQuota, ResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

use crate::platform::quantity::{Quantity, parse_map};
use crate::platform::resources;

/// The policy object that refuses.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Policy {
    /// A LimitRange, by name.
    LimitRange(String),
    /// A ResourceQuota, by name.
    ResourceQuota(String),
}

impl Policy {
    /// `LimitRange/limits`.
    pub fn describe(&self) -> String {
        match self {
            Policy::LimitRange(n) => format!("LimitRange {n}"),
            Policy::ResourceQuota(n) => format!("ResourceQuota {n}"),
        }
    }

    /// The policy's name.
    pub fn name(&self) -> &str {
        match self {
            Policy::LimitRange(n) | Policy::ResourceQuota(n) => n,
        }
    }
}

/// Why admission refuses a pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The container, or `None` for a bound on the whole pod.
    pub container: Option<String>,
    /// The LimitRange or ResourceQuota.
    pub policy: Policy,
    /// The bound, as the policy names it (`max limits.memory`, `limits.cpu`).
    pub bound: String,
    /// What is wrong, with the numbers.
    pub message: String,
}

/// A pod spec after admission's defaults, and what admission refuses.
#[derive(Debug, Clone, Default)]
pub struct Admission {
    /// The spec with LimitRange defaults filled in.
    pub spec: PodSpec,
    /// Each default applied: `container trino: limits.cpu=2 from LimitRange limits`.
    pub defaults: Vec<String>,
    /// Everything that refuses the pod; empty when it is admitted.
    pub refusals: Vec<Refusal>,
}

fn to_k8s(map: &BTreeMap<String, Quantity>) -> Option<BTreeMap<String, K8sQuantity>> {
    (!map.is_empty()).then(|| {
        map.iter()
            .map(|(k, v)| (k.clone(), K8sQuantity(v.to_string())))
            .collect()
    })
}

/// Admits a pod `spec` into a namespace with `ranges` and `quotas`.
pub fn admit(spec: &PodSpec, ranges: &[LimitRange], quotas: &[ResourceQuota]) -> Admission {
    let mut admission = Admission {
        spec: spec.clone(),
        ..Admission::default()
    };
    let containers = admission
        .spec
        .init_containers
        .iter_mut()
        .flatten()
        .chain(admission.spec.containers.iter_mut());
    for container in containers {
        container_bounds(
            container,
            ranges,
            &mut admission.defaults,
            &mut admission.refusals,
        );
    }
    admission
        .refusals
        .extend(pod_bounds(&admission.spec, ranges));
    admission
        .refusals
        .extend(quota_requirements(&admission.spec, quotas));
    admission
}

/// The `Container` items of the LimitRanges, with their LimitRange's name.
fn items<'a>(
    ranges: &'a [LimitRange],
    type_: &'a str,
) -> impl Iterator<Item = (String, &'a k8s_openapi::api::core::v1::LimitRangeItem)> + 'a {
    ranges.iter().flat_map(move |range| {
        let name = range.metadata.name.clone().unwrap_or_default();
        range
            .spec
            .iter()
            .flat_map(|s| s.limits.iter())
            .filter(move |i| i.type_ == type_)
            .map(move |i| (name.clone(), i))
    })
}

/// LimitRanger on one container: defaults first (after the API server copied
/// limits into unset requests), then min, max and maxLimitRequestRatio.
fn container_bounds(
    container: &mut Container,
    ranges: &[LimitRange],
    defaults: &mut Vec<String>,
    refusals: &mut Vec<Refusal>,
) {
    let resources = container
        .resources
        .get_or_insert_with(ResourceRequirements::default);
    let mut requests = parse_map(resources.requests.as_ref());
    let mut limits = parse_map(resources.limits.as_ref());
    for (k, v) in &limits {
        requests.entry(k.clone()).or_insert(*v);
    }
    for (range, item) in items(ranges, "Container") {
        let mut fill = |set: &mut BTreeMap<String, Quantity>, field: &str, values| {
            for (k, v) in parse_map(values) {
                if !set.contains_key(&k) {
                    set.insert(k.clone(), v);
                    defaults.push(format!(
                        "container {}: {field}.{k}={} from LimitRange {range}",
                        container.name,
                        v.display_for(&k)
                    ));
                }
            }
        };
        let (default, default_request) = container_defaults(item);
        fill(&mut limits, "limits", Some(&default));
        fill(&mut requests, "requests", Some(&default_request));
        let bounds = Bounds {
            max: parse_map(item.max.as_ref()),
            min: parse_map(item.min.as_ref()),
            ratio: parse_map(item.max_limit_request_ratio.as_ref()),
        };
        for (bound, message) in bounds.check(&requests, &limits) {
            refusals.push(Refusal {
                container: Some(container.name.clone()),
                policy: Policy::LimitRange(range.clone()),
                bound,
                message,
            });
        }
    }
    // A defaulted limit below the container's request makes the pod invalid.
    for (k, request) in &requests {
        if let Some(limit) = limits.get(k)
            && request > limit
        {
            refusals.push(Refusal {
                container: Some(container.name.clone()),
                policy: Policy::LimitRange(ranges.first().and_then(|r| r.metadata.name.clone()).unwrap_or_default()),
                bound: format!("limits.{k}"),
                message: format!(
                    "requests.{k} {} is above limits.{k} {}: the API server rejects the pod; set the limit explicitly",
                    request.display_for(k),
                    limit.display_for(k)
                ),
            });
        }
    }
    resources.requests = to_k8s(&requests);
    resources.limits = to_k8s(&limits);
}

/// A `Container` item's `default` and `defaultRequest` as the API server stores
/// them (`SetDefaults_LimitRangeItem`): a resource with a `max` but no `default`
/// defaults its limit to the max; a `default` without a `defaultRequest` defaults
/// the request to it; a `min` without either defaults the request to the min.
/// A LimitRange read from a manifest (`quota check -f`) has not been through
/// the API server yet; one read from the cluster already holds these values.
fn container_defaults(
    item: &k8s_openapi::api::core::v1::LimitRangeItem,
) -> (BTreeMap<String, K8sQuantity>, BTreeMap<String, K8sQuantity>) {
    let mut default = item.default.clone().unwrap_or_default();
    let mut request = item.default_request.clone().unwrap_or_default();
    for (k, v) in item.max.iter().flatten() {
        default.entry(k.clone()).or_insert_with(|| v.clone());
    }
    for (k, v) in default.iter().chain(item.min.iter().flatten()) {
        request.entry(k.clone()).or_insert_with(|| v.clone());
    }
    (default, request)
}

/// A LimitRange item's bounds.
struct Bounds {
    max: BTreeMap<String, Quantity>,
    min: BTreeMap<String, Quantity>,
    ratio: BTreeMap<String, Quantity>,
}

impl Bounds {
    /// `(bound, message)` for each bound the requests and limits break.
    fn check(
        &self,
        requests: &BTreeMap<String, Quantity>,
        limits: &BTreeMap<String, Quantity>,
    ) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (k, max) in &self.max {
            match limits.get(k) {
                Some(limit) if limit > max => out.push((
                    format!("max limits.{k}"),
                    format!(
                        "limits.{k} {} is above the LimitRange maximum {} (by {})",
                        limit.display_for(k),
                        max.display_for(k),
                        (*limit - *max).display_for(k)
                    ),
                )),
                None => out.push((
                    format!("max {k}"),
                    format!(
                        "no limits.{k}, but the LimitRange has a maximum of {}",
                        max.display_for(k)
                    ),
                )),
                _ => {}
            }
            if let Some(request) = requests.get(k)
                && request > max
                && limits.get(k).is_none_or(|l| l <= max)
            {
                out.push((
                    format!("max requests.{k}"),
                    format!(
                        "requests.{k} {} is above the LimitRange maximum {}",
                        request.display_for(k),
                        max.display_for(k)
                    ),
                ));
            }
        }
        for (k, min) in &self.min {
            match requests.get(k) {
                Some(request) if request < min => out.push((
                    format!("min requests.{k}"),
                    format!(
                        "requests.{k} {} is below the LimitRange minimum {}",
                        request.display_for(k),
                        min.display_for(k)
                    ),
                )),
                None => out.push((
                    format!("min {k}"),
                    format!(
                        "no requests.{k}, but the LimitRange has a minimum of {}",
                        min.display_for(k)
                    ),
                )),
                _ => {}
            }
        }
        for (k, ratio) in &self.ratio {
            if let (Some(limit), Some(request)) = (limits.get(k), requests.get(k))
                && !request.is_zero()
                && limit
                    .ratio(*request)
                    .is_some_and(|r| r > ratio.ratio(Quantity::from_units(1)).unwrap_or(f64::MAX))
            {
                out.push((
                    format!("maxLimitRequestRatio {k}"),
                    format!(
                        "limits.{k}/requests.{k} = {}/{} exceeds the LimitRange maxLimitRequestRatio {ratio}",
                        limit.display_for(k),
                        request.display_for(k)
                    ),
                ));
            }
        }
        out
    }
}

/// LimitRanger's `Pod` items: the pod's requests and limits (the sum of its
/// containers, or its largest init container when that is more) within bounds.
fn pod_bounds(spec: &PodSpec, ranges: &[LimitRange]) -> Vec<Refusal> {
    let pod = resources::pod_resources(spec);
    let requests: BTreeMap<String, Quantity> =
        pod.requests.iter().map(|(k, v)| (k.clone(), *v)).collect();
    let limits: BTreeMap<String, Quantity> =
        pod.limits.iter().map(|(k, v)| (k.clone(), *v)).collect();
    let mut out = Vec::new();
    for (range, item) in items(ranges, "Pod") {
        let bounds = Bounds {
            max: parse_map(item.max.as_ref()),
            min: parse_map(item.min.as_ref()),
            ratio: parse_map(item.max_limit_request_ratio.as_ref()),
        };
        for (bound, message) in bounds.check(&requests, &limits) {
            out.push(Refusal {
                container: None,
                policy: Policy::LimitRange(range.clone()),
                bound: format!("pod {bound}"),
                message: format!("the pod's {message}"),
            });
        }
    }
    out
}

/// The compute resources a quota can make mandatory, as `(quota key, resource, limits?)`.
fn required_resource(key: &str) -> Option<(&str, bool)> {
    match key {
        "cpu" | "memory" | "ephemeral-storage" => Some((key, false)),
        _ => {
            if let Some(rest) = key.strip_prefix("requests.") {
                Some((rest, false))
            } else {
                key.strip_prefix("limits.").map(|rest| (rest, true))
            }
        }
    }
    .filter(|(name, _)| {
        matches!(*name, "cpu" | "memory" | "ephemeral-storage") || name.starts_with("hugepages-")
    })
}

/// ResourceQuota's rule: a quota on `limits.cpu` (or any compute resource)
/// refuses a pod with a container that does not set it, after LimitRange defaults.
fn quota_requirements(spec: &PodSpec, quotas: &[ResourceQuota]) -> Vec<Refusal> {
    let mut out = Vec::new();
    for quota in quotas {
        if resources::matches_scopes(quota, spec) == Some(false) {
            continue;
        }
        let name = quota.metadata.name.clone().unwrap_or_default();
        let hard = quota.spec.as_ref().and_then(|s| s.hard.as_ref());
        for key in hard.into_iter().flat_map(|h| h.keys()) {
            let Some((resource, limits)) = required_resource(key) else {
                continue;
            };
            for container in spec
                .init_containers
                .iter()
                .flatten()
                .chain(&spec.containers)
            {
                let set = container.resources.as_ref().and_then(|r| {
                    if limits {
                        r.limits.as_ref()
                    } else {
                        r.requests.as_ref()
                    }
                });
                if set.is_none_or(|m| !m.contains_key(resource)) {
                    out.push(Refusal {
                        container: Some(container.name.clone()),
                        policy: Policy::ResourceQuota(name.clone()),
                        bound: key.clone(),
                        message: format!(
                            "ResourceQuota {name} constrains {key}, which container {} does not set and no LimitRange defaults: the quota refuses the pod (must specify {key})",
                            container.name
                        ),
                    });
                }
            }
        }
    }
    out
}

/// A quota refusal's overrun, from the API server's message
/// (`exceeded quota: q, requested: limits.memory=28Gi, used: limits.memory=70Gi,
/// limited: limits.memory=80Gi`): `limits.memory: 70Gi used + 28Gi requested is
/// 18Gi over the 80Gi of ResourceQuota q`.
pub(crate) fn quota_overrun(message: &str) -> Option<String> {
    let rest = message.split("exceeded quota: ").nth(1)?;
    let quota = rest.split(',').next()?.trim();
    let field = |label: &str| -> Vec<(String, Quantity)> {
        rest.split(label)
            .nth(1)
            .map(|v| v.split(", ").next().unwrap_or(v))
            .into_iter()
            .flat_map(|v| v.split(','))
            .filter_map(|pair| {
                let (k, q) = pair.trim().split_once('=')?;
                // Quoted inside a longer message (spark-submit's): `92Gi. Received …`.
                let q = q.split_whitespace().next()?.trim_end_matches('.');
                Some((k.to_string(), q.parse().ok()?))
            })
            .collect()
    };
    let requested = field("requested: ");
    let used = field("used: ");
    let limited = field("limited: ");
    let parts: Vec<String> = requested
        .iter()
        .filter_map(|(k, req)| {
            let used = used
                .iter()
                .find(|(u, _)| u == k)
                .map_or(Quantity::ZERO, |u| u.1);
            let (_, hard) = limited.iter().find(|(l, _)| l == k)?;
            let over = (used + *req).saturating_sub(*hard);
            Some(format!(
                "{k}: {} used + {} requested is {} over the {} of ResourceQuota {quota}",
                used.display_for(k),
                req.display_for(k),
                over.display_for(k),
                hard.display_for(k)
            ))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
        serde_json::from_value(value).unwrap()
    }

    fn pod(resources: serde_json::Value) -> PodSpec {
        from(serde_json::json!({"containers": [{"name": "c", "resources": resources}]}))
    }

    fn range(items: serde_json::Value) -> LimitRange {
        from(serde_json::json!({"metadata": {"name": "limits"}, "spec": {"limits": items}}))
    }

    fn quota(hard: serde_json::Value) -> ResourceQuota {
        from(serde_json::json!({"metadata": {"name": "compute"}, "spec": {"hard": hard}}))
    }

    #[test]
    fn container_max_and_defaults() {
        let ranges = [range(serde_json::json!([{"type": "Container",
            "max": {"memory": "16Gi"}, "default": {"cpu": "1"}, "defaultRequest": {"cpu": "500m"}}]))];
        // Spark's executor: 15g + 10% overhead = 16.5Gi, above 16Gi.
        let admitted = admit(
            &pod(serde_json::json!({"limits": {"memory": "16896Mi"}})),
            &ranges,
            &[],
        );
        assert_eq!(admitted.refusals.len(), 1, "{:?}", admitted.refusals);
        assert_eq!(admitted.refusals[0].bound, "max limits.memory");
        assert!(
            admitted.refusals[0].message.contains("by 512Mi"),
            "{}",
            admitted.refusals[0].message
        );
        assert_eq!(admitted.defaults.len(), 2);
        let admitted = admit(
            &pod(serde_json::json!({"limits": {"memory": "16Gi"}})),
            &ranges,
            &[],
        );
        assert!(admitted.refusals.is_empty());
    }

    /// The API server stores a `max` without a `default` as the default limit
    /// (and a default as the default request): a LimitRange from a manifest
    /// defaults a container exactly as the stored one does.
    #[test]
    fn a_max_is_the_default_limit_as_the_api_server_stores_it() {
        let ranges = [range(
            serde_json::json!([{"type": "Container", "max": {"cpu": "8"}, "min": {"memory": "64Mi"}}]),
        )];
        let quotas = [quota(serde_json::json!({"limits.cpu": "80"}))];
        let admitted = admit(
            &pod(serde_json::json!({"requests": {"cpu": "250m"}})),
            &ranges,
            &quotas,
        );
        assert!(admitted.refusals.is_empty(), "{:?}", admitted.refusals);
        let resources = admitted.spec.containers[0].resources.clone().unwrap();
        assert_eq!(resources.limits.unwrap()["cpu"].0, "8");
        // min without defaultRequest: the request defaults to the min.
        assert_eq!(
            resources.requests.unwrap()["memory"].0.parse::<Quantity>(),
            "64Mi".parse::<Quantity>()
        );
        // Without the max, the quota on limits.cpu refuses the pod.
        let bare = [range(
            serde_json::json!([{"type": "Container", "max": {"memory": "16Gi"}}]),
        )];
        let refused = admit(
            &pod(serde_json::json!({"requests": {"cpu": "250m"}})),
            &bare,
            &quotas,
        );
        assert_eq!(refused.refusals.len(), 1, "{:?}", refused.refusals);
        assert_eq!(refused.refusals[0].bound, "limits.cpu");
    }

    #[test]
    fn pod_bounds_count_every_container() {
        let ranges = [range(
            serde_json::json!([{"type": "Pod", "max": {"memory": "8Gi"}}]),
        )];
        let spec: PodSpec = from(serde_json::json!({"containers": [
            {"name": "a", "resources": {"limits": {"memory": "5Gi"}}},
            {"name": "b", "resources": {"limits": {"memory": "4Gi"}}}]}));
        let admitted = admit(&spec, &ranges, &[]);
        assert_eq!(admitted.refusals.len(), 1, "{:?}", admitted.refusals);
        assert_eq!(admitted.refusals[0].container, None);
    }

    #[test]
    fn a_quota_on_limits_needs_every_container_to_set_them() {
        let quotas = [quota(
            serde_json::json!({"limits.cpu": "30", "requests.memory": "80Gi", "pods": "50"}),
        )];
        let admitted = admit(
            &pod(serde_json::json!({"requests": {"memory": "1Gi", "cpu": "1"}})),
            &[],
            &quotas,
        );
        let bounds: Vec<&str> = admitted.refusals.iter().map(|r| r.bound.as_str()).collect();
        assert_eq!(bounds, ["limits.cpu"]);
        // A LimitRange default for the CPU limit admits it.
        let ranges = [range(
            serde_json::json!([{"type": "Container", "default": {"cpu": "2"}}]),
        )];
        let admitted = admit(
            &pod(serde_json::json!({"requests": {"memory": "1Gi", "cpu": "1"}})),
            &ranges,
            &quotas,
        );
        assert!(admitted.refusals.is_empty(), "{:?}", admitted.refusals);
    }

    #[test]
    fn min_and_ratio() {
        let ranges = [range(serde_json::json!([{"type": "Container",
            "min": {"memory": "256Mi"}, "maxLimitRequestRatio": {"cpu": "2"}}]))];
        let admitted = admit(
            &pod(
                serde_json::json!({"requests": {"memory": "128Mi", "cpu": "1"}, "limits": {"cpu": "4"}}),
            ),
            &ranges,
            &[],
        );
        let bounds: Vec<&str> = admitted.refusals.iter().map(|r| r.bound.as_str()).collect();
        assert_eq!(bounds, ["min requests.memory", "maxLimitRequestRatio cpu"]);
    }

    #[test]
    fn quota_messages_say_by_how_much() {
        let message = "pods \"trino-worker-7d-x\" is forbidden: exceeded quota: platform, requested: limits.memory=28Gi, used: limits.memory=70Gi, limited: limits.memory=80Gi";
        assert_eq!(
            quota_overrun(message).as_deref(),
            Some(
                "limits.memory: 70Gi used + 28Gi requested is 18Gi over the 80Gi of ResourceQuota platform"
            )
        );
        assert_eq!(
            quota_overrun("failed quota: platform: must specify limits.cpu"),
            None
        );
    }
}
