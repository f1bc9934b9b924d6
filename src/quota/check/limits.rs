//! LimitRange defaults and limits, applied as the LimitRanger admission plugin does.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, LimitRange, PodSpec, ResourceRequirements};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

use crate::platform::quantity::Quantity;

use super::Violation;

fn k8s(map: &BTreeMap<String, Quantity>) -> Option<BTreeMap<String, K8sQuantity>> {
    (!map.is_empty()).then(|| {
        map.iter()
            .map(|(k, v)| (k.clone(), K8sQuantity(v.to_string())))
            .collect()
    })
}

/// Applies the LimitRanges' container defaults as the LimitRanger admission
/// plugin does (after the API server copied limits into missing requests), and
/// returns the violations of min, max and maxLimitRequestRatio.
pub fn apply_limit_ranges(
    spec: &mut PodSpec,
    ranges: &[LimitRange],
    object: &str,
    applied: &mut Vec<String>,
) -> Vec<Violation> {
    let mut violations = Vec::new();
    let containers = spec
        .init_containers
        .iter_mut()
        .flatten()
        .chain(spec.containers.iter_mut());
    let containers: Vec<&mut Container> = containers.collect();
    for container in containers {
        let resources = container
            .resources
            .get_or_insert_with(ResourceRequirements::default);
        let mut requests = crate::platform::quantity::parse_map(resources.requests.as_ref());
        let mut limits = crate::platform::quantity::parse_map(resources.limits.as_ref());
        for (k, v) in &limits {
            requests.entry(k.clone()).or_insert(*v);
        }
        for range in ranges {
            let range_name = range.metadata.name.clone().unwrap_or_default();
            for item in range
                .spec
                .iter()
                .flat_map(|s| s.limits.iter())
                .filter(|i| i.type_ == "Container")
            {
                // A default fills only what the container leaves unset.
                let mut fill = |set: &mut BTreeMap<String, Quantity>, field: &str, defaults| {
                    for (k, v) in crate::platform::quantity::parse_map(defaults) {
                        if !set.contains_key(&k) {
                            set.insert(k.clone(), v);
                            applied.push(format!(
                                "{object} container {}: {field}.{k}={} from LimitRange {range_name}",
                                container.name,
                                v.display_for(&k)
                            ));
                        }
                    }
                };
                fill(&mut limits, "limits", item.default.as_ref());
                fill(&mut requests, "requests", item.default_request.as_ref());
                let mut violate = |message: String| {
                    violations.push(Violation {
                        object: object.to_string(),
                        container: container.name.clone(),
                        limit_range: range_name.clone(),
                        message,
                    })
                };
                for (k, max) in crate::platform::quantity::parse_map(item.max.as_ref()) {
                    match limits.get(&k) {
                        Some(limit) if *limit > max => violate(format!(
                            "limits.{k} {} is above the LimitRange maximum {} (by {})",
                            limit.display_for(&k),
                            max.display_for(&k),
                            (*limit - max).display_for(&k)
                        )),
                        None => violate(format!(
                            "no limits.{k}, but the LimitRange has a maximum of {}",
                            max.display_for(&k)
                        )),
                        _ => {}
                    }
                    if let Some(request) = requests.get(&k)
                        && *request > max
                        && limits.get(&k).is_none_or(|l| *l <= max)
                    {
                        violate(format!(
                            "requests.{k} {} is above the LimitRange maximum {}",
                            request.display_for(&k),
                            max.display_for(&k)
                        ));
                    }
                }
                for (k, min) in crate::platform::quantity::parse_map(item.min.as_ref()) {
                    if let Some(request) = requests.get(&k)
                        && *request < min
                    {
                        violate(format!(
                            "requests.{k} {} is below the LimitRange minimum {}",
                            request.display_for(&k),
                            min.display_for(&k)
                        ));
                    }
                }
                for (k, ratio) in
                    crate::platform::quantity::parse_map(item.max_limit_request_ratio.as_ref())
                {
                    if let (Some(limit), Some(request)) = (limits.get(&k), requests.get(&k))
                        && !request.is_zero()
                        && limit.ratio(*request).is_some_and(|r| {
                            r > ratio.ratio(Quantity::from_units(1)).unwrap_or(f64::MAX)
                        })
                    {
                        violate(format!(
                            "limits.{k}/requests.{k} = {}/{} exceeds the LimitRange maxLimitRequestRatio {ratio}",
                            limit.display_for(&k),
                            request.display_for(&k)
                        ));
                    }
                }
            }
        }
        // A defaulted limit below the container's request makes the pod invalid.
        for (k, request) in &requests {
            if let Some(limit) = limits.get(k)
                && request > limit
            {
                violations.push(Violation {
                    object: object.to_string(),
                    container: container.name.clone(),
                    limit_range: ranges.first().and_then(|r| r.metadata.name.clone()).unwrap_or_default(),
                    message: format!(
                        "requests.{k} {} is above limits.{k} {}: the API server rejects the pod; set the limit explicitly",
                        request.display_for(k),
                        limit.display_for(k)
                    ),
                });
            }
        }
        resources.requests = k8s(&requests);
        resources.limits = k8s(&limits);
    }
    violations
}
