//! Pod Security Standards, "restricted" profile, on the platform's pod
//! templates: each gap is a warning naming the field to set.

use k8s_openapi::api::core::v1::{Container, PodSpec};

use crate::findings::{Component, Finding, Severity};
use crate::snapshot::Snapshot;

use super::workloads;

/// The fields a pod spec lacks for the restricted profile, as `path=value` to set.
pub(crate) fn restricted_gaps(spec: &PodSpec) -> Vec<String> {
    let mut gaps = Vec::new();
    let pod = spec.security_context.as_ref();
    for (flag, field) in [
        (spec.host_network, "hostNetwork"),
        (spec.host_pid, "hostPID"),
        (spec.host_ipc, "hostIPC"),
    ] {
        if flag == Some(true) {
            gaps.push(format!("spec.{field}=false"));
        }
    }
    for volume in spec.volumes.iter().flatten() {
        if volume.host_path.is_some() {
            gaps.push(format!(
                "volume {}: replace hostPath (not allowed)",
                volume.name
            ));
        }
    }
    let pod_non_root = pod.and_then(|p| p.run_as_non_root);
    let pod_seccomp = pod
        .and_then(|p| p.seccomp_profile.as_ref())
        .map(|s| s.type_.as_str());
    if pod.and_then(|p| p.run_as_user) == Some(0) {
        gaps.push("spec.securityContext.runAsUser: not 0".into());
    }
    let containers = spec
        .init_containers
        .iter()
        .flatten()
        .chain(spec.containers.iter());
    let mut pod_non_root_needed = false;
    let mut pod_seccomp_needed = false;
    for c in containers {
        gaps.extend(container_gaps(c));
        let sc = c.security_context.as_ref();
        if sc.and_then(|s| s.run_as_non_root).or(pod_non_root) != Some(true) {
            pod_non_root_needed = true;
        }
        let seccomp = sc
            .and_then(|s| s.seccomp_profile.as_ref())
            .map(|s| s.type_.as_str())
            .or(pod_seccomp);
        if !matches!(seccomp, Some("RuntimeDefault" | "Localhost")) {
            pod_seccomp_needed = true;
        }
    }
    if pod_non_root_needed {
        gaps.push("spec.securityContext.runAsNonRoot=true".into());
    }
    if pod_seccomp_needed {
        gaps.push("spec.securityContext.seccompProfile.type=RuntimeDefault".into());
    }
    gaps
}

fn container_gaps(c: &Container) -> Vec<String> {
    let mut gaps = Vec::new();
    let sc = c.security_context.as_ref();
    let at = |field: &str| format!("container {}: securityContext.{field}", c.name);
    if sc.and_then(|s| s.privileged) == Some(true) {
        gaps.push(at("privileged=false"));
    }
    if sc.and_then(|s| s.allow_privilege_escalation) != Some(false) {
        gaps.push(at("allowPrivilegeEscalation=false"));
    }
    let caps = sc.and_then(|s| s.capabilities.as_ref());
    if !caps
        .and_then(|c| c.drop.as_ref())
        .is_some_and(|d| d.iter().any(|x| x == "ALL"))
    {
        gaps.push(at("capabilities.drop=[ALL]"));
    }
    if let Some(added) = caps.and_then(|c| c.add.as_ref()) {
        let extra: Vec<&String> = added.iter().filter(|a| *a != "NET_BIND_SERVICE").collect();
        if !extra.is_empty() {
            gaps.push(at(&format!(
                "capabilities.add: remove {}",
                extra
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    if sc.and_then(|s| s.run_as_user) == Some(0) {
        gaps.push(at("runAsUser: not 0"));
    }
    for port in c.ports.iter().flatten() {
        if port.host_port.is_some_and(|p| p != 0) {
            gaps.push(format!("container {}: remove hostPort", c.name));
        }
    }
    gaps
}

/// One warning per platform workload that does not meet "restricted".
pub fn findings(snapshot: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    for w in workloads::named(snapshot, &["trino", "nessie", "postgresql", "postgres"]) {
        let Some(spec) = &w.template.spec else {
            continue;
        };
        let gaps = restricted_gaps(spec);
        if gaps.is_empty() {
            continue;
        }
        out.push(Finding::new(
            "security.pss-restricted",
            Severity::Warning,
            Component::Compliance,
            w.object(),
            format!(
                "pods do not meet the Pod Security Standard \"restricted\": {}",
                gaps.join("; ")
            ),
            format!(
                "set in the pod template of {} {}: {}",
                w.kind,
                w.name(),
                gaps.join(", ")
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn restricted_names_every_field_to_set() {
        let spec: PodSpec = serde_json::from_value(json!({
            "securityContext": {"runAsUser": 1000},
            "containers": [{"name": "trino", "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}]
        }))
        .unwrap();
        let gaps = restricted_gaps(&spec);
        assert_eq!(
            gaps,
            [
                "container trino: securityContext.allowPrivilegeEscalation=false",
                "container trino: securityContext.capabilities.drop=[ALL]",
                "container trino: securityContext.capabilities.add: remove SYS_ADMIN",
                "spec.securityContext.runAsNonRoot=true",
                "spec.securityContext.seccompProfile.type=RuntimeDefault",
            ]
        );
        let good: PodSpec = serde_json::from_value(json!({
            "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{"name": "trino", "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]
        }))
        .unwrap();
        assert!(restricted_gaps(&good).is_empty());
    }
}
