//! What a pod reads that is not there: an unbound claim, a missing Secret,
//! ConfigMap or key, or no pod at all (the controller's FailedCreate).

use k8s_openapi::api::core::v1::{Pod, PodSpec};

use crate::findings::{ChainLink, ObjectRef};
use crate::platform::workload::{self as spec_refs, all_containers};
use crate::snapshot::Snapshot;

use super::super::workloads::Workload;
use super::events::{describe_event, latest_event};
use super::{Cause, pod_name, pod_object};

/// A PersistentVolumeClaim of the pod that is not Bound, with what its events say.
pub(super) fn unbound_claim(snapshot: &Snapshot, pod: &Pod, spec: &PodSpec) -> Option<Cause> {
    if !snapshot.claims.is_available() {
        return None;
    }
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
    let scheduled = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .is_some_and(|n| !n.is_empty());
    for volume in spec.volumes.iter().flatten() {
        let Some(claim_name) = volume
            .persistent_volume_claim
            .as_ref()
            .map(|c| &c.claim_name)
        else {
            continue;
        };
        let claim = snapshot.claims.items.iter().find(|c| {
            c.metadata.namespace.as_deref() == Some(ns)
                && c.metadata.name.as_deref() == Some(claim_name)
        });
        let (phase, class) = match claim {
            Some(c) => (
                c.status
                    .as_ref()
                    .and_then(|s| s.phase.clone())
                    .unwrap_or_else(|| "Pending".into()),
                c.spec.as_ref().and_then(|s| s.storage_class_name.clone()),
            ),
            None => ("missing".into(), None),
        };
        if phase == "Bound" || (scheduled && claim.is_some()) {
            continue;
        }
        let object = ObjectRef::namespaced("PersistentVolumeClaim", ns, claim_name);
        let mut problem = match (&claim, &class) {
            (None, _) => "does not exist".to_string(),
            (Some(_), Some(class)) => format!("is {phase} (storageClassName {class})"),
            (Some(_), None) => format!("is {phase} (no storageClassName)"),
        };
        if let Some(e) = latest_event(snapshot, "PersistentVolumeClaim", ns, |n| n == claim_name) {
            problem.push_str(&format!(": {}", describe_event(e)));
        }
        let name = pod_name(pod);
        return Some(Cause {
            code: "pod.claim-unbound",
            crashed: None,
            summary: format!("pod {name} waits for {object}, which {problem}"),
            hint: match class {
                Some(class) => format!(
                    "make StorageClass {class} exist and provision (kubectl get storageclass), or set the claim's storageClassName to one that does"
                ),
                None => "give the claim a storageClassName that provisions, or create a PersistentVolume for it".into(),
            },
            links: vec![
                ChainLink { object, problem },
                ChainLink {
                    object: pod_object(pod),
                    problem: "cannot be scheduled until the claim is Bound".into(),
                },
            ],
        });
    }
    None
}

/// A non-optional Secret, ConfigMap or key the spec reads that is not there.
pub fn missing_reference(
    snapshot: &Snapshot,
    namespace: &str,
    spec: &PodSpec,
) -> Option<(ObjectRef, String)> {
    for c in all_containers(spec) {
        for env in c.env.iter().flatten() {
            let Some(from) = env.value_from.as_ref() else {
                continue;
            };
            // Each reference: the object's kind and name, the key, and whether
            // the object exists and holds the key (`None`: no such object).
            let secret = from
                .secret_key_ref
                .as_ref()
                .filter(|r| !r.optional.unwrap_or(false) && snapshot.secrets.is_available())
                .map(|r| {
                    let has = snapshot.secret(namespace, &r.name).map(|s| {
                        s.data.as_ref().is_some_and(|d| d.contains_key(&r.key))
                            || s.string_data
                                .as_ref()
                                .is_some_and(|d| d.contains_key(&r.key))
                    });
                    ("Secret", &r.name, &r.key, has)
                });
            let config_map = from
                .config_map_key_ref
                .as_ref()
                .filter(|r| !r.optional.unwrap_or(false) && snapshot.config_maps.is_available())
                .map(|r| {
                    let has = snapshot.config_map(namespace, &r.name).map(|cm| {
                        cm.data.as_ref().is_some_and(|d| d.contains_key(&r.key))
                            || cm
                                .binary_data
                                .as_ref()
                                .is_some_and(|d| d.contains_key(&r.key))
                    });
                    ("ConfigMap", &r.name, &r.key, has)
                });
            for (kind, name, key, has) in secret.into_iter().chain(config_map) {
                let object = ObjectRef::namespaced(kind, namespace, name);
                match has {
                    None => return Some((object, "does not exist".into())),
                    Some(false) => {
                        return Some((
                            object,
                            format!(
                                "has no key {key} (env {} of container {})",
                                env.name, c.name
                            ),
                        ));
                    }
                    Some(true) => {}
                }
            }
        }
    }
    for (secret, optional) in spec_refs::secrets(spec) {
        if !optional
            && snapshot.secrets.is_available()
            && snapshot.secret(namespace, &secret).is_none()
        {
            return Some((
                ObjectRef::namespaced("Secret", namespace, &secret),
                "does not exist".into(),
            ));
        }
    }
    None
}

pub(super) fn config_hint(object: &ObjectRef) -> String {
    format!(
        "create {} {} in namespace {} with the key the pod reads (through its ExternalSecret when it is a credential), or fix the reference",
        object.kind,
        object.name,
        object.namespace.as_deref().unwrap_or_default()
    )
}

/// Fewer pods than desired: the controller's FailedCreate event says why
/// (quota, LimitRange, Pod Security, a webhook), and the hint fixes that cause.
pub(super) fn not_created(snapshot: &Snapshot, w: &Workload) -> Option<Cause> {
    let existing = w
        .pods(&snapshot.pods.items)
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .count();
    let existing = i32::try_from(existing).unwrap_or(i32::MAX);
    if w.desired <= existing {
        return None;
    }
    let ns = w.namespace();
    let name = w.name();
    let event = if w.kind == crate::platform::workload::WorkloadKind::Deployment {
        let prefix = format!("{name}-");
        latest_event(snapshot, "ReplicaSet", ns, |n| n.starts_with(&prefix))
            .or_else(|| latest_event(snapshot, "Deployment", ns, |n| n == name))
    } else {
        latest_event(snapshot, w.kind.as_str(), ns, |n| n == name)
    }?;
    let object = ObjectRef::namespaced(
        event
            .involved_object
            .kind
            .as_deref()
            .unwrap_or(w.kind.as_str()),
        ns,
        event.involved_object.name.as_deref().unwrap_or(name),
    );
    let problem = describe_event(event);
    let missing = w.desired - existing;
    let summary = if existing == 0 {
        format!("no pod exists: {object}: {problem}")
    } else {
        format!(
            "{missing} of {} pods not created: {object}: {problem}",
            w.desired
        )
    };
    Some(Cause {
        code: "pod.not-created",
        summary,
        hint: refusal_fix(event.message.as_deref().unwrap_or_default()),
        links: vec![ChainLink { object, problem }],
        crashed: None,
    })
}

/// Whether a controller's or operator's message is an admission refusal
/// (quota, LimitRange, Pod Security, a webhook) that [`refusal_fix`] explains.
pub(in crate::status::analyse) fn is_admission_refusal(message: &str) -> bool {
    crate::platform::admission::quota_overrun(message).is_some()
        || message.contains("must specify ")
        || message.contains("per Container is")
        || message.contains("per Pod is")
        || crate::platform::refusal::pod_security(message).is_some()
        || crate::platform::refusal::policy(message).is_some()
}

/// The fix for an admission refusal, from the controller's message.
pub(in crate::status::analyse) fn refusal_fix(message: &str) -> String {
    if let Some(over) = crate::platform::admission::quota_overrun(message) {
        return format!(
            "{over}: raise the quota, lower the pods' {} or run fewer of them",
            over.split(':').next().unwrap_or("requests")
        );
    }
    if let Some(rest) = message.split("must specify ").nth(1) {
        return format!(
            "set {} on every container, or give the namespace a LimitRange default for it (the quota makes it mandatory)",
            rest.trim()
        );
    }
    if message.contains("per Container is") || message.contains("per Pod is") {
        return "bring the pod's resources within the LimitRange bound quoted above, or change the LimitRange".into();
    }
    if let Some(fix) = crate::platform::refusal::fix(message) {
        return fix;
    }
    "fix what the controller reports (quota, LimitRange, admission policy); it retries by itself"
        .into()
}
