//! Pod templates and pods: what they mount, reference and ask for.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{Container, PodSpec};

use super::quantity::Quantity;

/// ConfigMaps a pod spec mounts as volumes or reads through env.
pub fn config_maps(spec: &PodSpec) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for volume in spec.volumes.iter().flatten() {
        if let Some(cm) = &volume.config_map {
            names.insert(cm.name.clone());
        }
        for source in volume
            .projected
            .iter()
            .flat_map(|p| p.sources.iter().flatten())
        {
            if let Some(cm) = &source.config_map {
                names.insert(cm.name.clone());
            }
        }
    }
    for container in all_containers(spec) {
        for from in container.env_from.iter().flatten() {
            if let Some(cm) = &from.config_map_ref {
                names.insert(cm.name.clone());
            }
        }
        for env in container.env.iter().flatten() {
            if let Some(cm) = env
                .value_from
                .as_ref()
                .and_then(|v| v.config_map_key_ref.as_ref())
            {
                names.insert(cm.name.clone());
            }
        }
    }
    names
}

/// Secrets a pod spec mounts or reads through env, each marked optional or not.
pub fn secrets(spec: &PodSpec) -> Vec<(String, bool)> {
    let mut refs: Vec<(String, bool)> = Vec::new();
    for volume in spec.volumes.iter().flatten() {
        if let Some(s) = &volume.secret
            && let Some(name) = &s.secret_name
        {
            refs.push((name.clone(), s.optional.unwrap_or(false)));
        }
        for source in volume
            .projected
            .iter()
            .flat_map(|p| p.sources.iter().flatten())
        {
            if let Some(s) = &source.secret {
                refs.push((s.name.clone(), s.optional.unwrap_or(false)));
            }
        }
    }
    for container in all_containers(spec) {
        for from in container.env_from.iter().flatten() {
            if let Some(s) = &from.secret_ref {
                refs.push((s.name.clone(), s.optional.unwrap_or(false)));
            }
        }
        for env in container.env.iter().flatten() {
            if let Some(s) = env
                .value_from
                .as_ref()
                .and_then(|v| v.secret_key_ref.as_ref())
            {
                refs.push((s.name.clone(), s.optional.unwrap_or(false)));
            }
        }
    }
    refs.sort();
    refs.dedup();
    refs
}

/// Init and regular containers of a pod spec.
pub fn all_containers(spec: &PodSpec) -> impl Iterator<Item = &Container> {
    spec.init_containers
        .iter()
        .flatten()
        .chain(spec.containers.iter())
}

/// A container's memory limit.
pub fn memory_limit(container: &Container) -> Option<Quantity> {
    resource(container, "limits", "memory")
}

/// `resources.<kind>.<name>` of a container, parsed.
pub fn resource(container: &Container, kind: &str, name: &str) -> Option<Quantity> {
    let resources = container.resources.as_ref()?;
    let map = match kind {
        "limits" => resources.limits.as_ref()?,
        _ => resources.requests.as_ref()?,
    };
    map.get(name).and_then(|q| q.0.parse().ok())
}

/// The value of an env var set literally on a container.
pub fn env_value<'a>(container: &'a Container, name: &str) -> Option<&'a str> {
    container
        .env
        .iter()
        .flatten()
        .find(|e| e.name == name)
        .and_then(|e| e.value.as_deref())
}

/// The Secret an env var is read from, when it is.
pub fn env_secret<'a>(container: &'a Container, name: &str) -> Option<&'a str> {
    container
        .env
        .iter()
        .flatten()
        .find(|e| e.name == name)
        .and_then(|e| e.value_from.as_ref()?.secret_key_ref.as_ref())
        .map(|s| s.name.as_str())
}

/// The tag of an image reference (`trinodb/trino:476` → `476`), or `latest`.
pub fn image_tag(image: &str) -> &str {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split_once(':').map_or("latest", |(_, tag)| tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        assert_eq!(image_tag("trinodb/trino:476"), "476");
        assert_eq!(image_tag("localhost:5000/trino"), "latest");
        assert_eq!(
            image_tag("ghcr.io/projectnessie/nessie:0.104.2@sha256:abc"),
            "0.104.2"
        );
    }
}
