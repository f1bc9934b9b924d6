//! Why a workload's pods are not ready, one level below "0/2 ready": the
//! scheduler's own message (and, for cpu or memory, how much is missing on the
//! best node, by the arithmetic `quota check` uses), image pulls, crash loops,
//! OOM kills with the limit and the JVM heap, missing Secrets/ConfigMaps/keys,
//! evictions, unbound claims, and the Warning events that fill in what the
//! conditions do not say. Pure functions on the snapshot.

use k8s_openapi::api::core::v1::{ContainerStatus, Event, Pod, PodSpec};

use crate::findings::{ChainLink, Finding, ObjectRef};
use crate::platform::jvm::{JvmConfig, format_jvm_size};
use crate::platform::workload::{self as spec_refs, all_containers};
use crate::quota::usage;
use crate::snapshot::Snapshot;

use super::workloads::Workload;

/// Every cause code, for the docs test and the table in docs/findings.md.
pub const CODES: [&str; 10] = [
    "pod.unschedulable",
    "pod.claim-unbound",
    "pod.image-pull-failed",
    "pod.crash-loop",
    "pod.oom-killed",
    "pod.config-missing",
    "pod.container-error",
    "pod.evicted",
    "pod.not-created",
    "pod.warning-event",
];

/// The root of a workload's unreadiness, root object first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    /// The stable `pod.*` code of the cause.
    pub code: &'static str,
    /// Root first: the claim or Secret when there is one, then the pod.
    pub links: Vec<ChainLink>,
    /// One line for the finding's message.
    pub summary: String,
    /// What to do about it.
    pub hint: String,
}

/// Adds the cause of `w`'s unreadiness to its not-ready finding: the message
/// ends with it, the chain leads from it to the workload, the hint fixes it.
pub fn explain(finding: &mut Finding, snapshot: &Snapshot, w: &Workload) {
    let Some(cause) = workload_cause(snapshot, w) else {
        return;
    };
    finding.message = format!("{}: {}", finding.message, cause.summary);
    finding.hint = cause.hint;
    finding.cause = Some(cause.code);
    finding.chain = cause.links;
    finding.chain.push(ChainLink {
        object: w.object(),
        problem: format!("{} ready", w.readiness()),
    });
}

/// The cause shared by most of the workload's not-ready pods (the first pod by
/// name speaks for the others), or why no pod exists.
pub fn workload_cause(snapshot: &Snapshot, w: &Workload) -> Option<Cause> {
    let mut pods = w.pods(snapshot);
    pods.sort_by_key(|p| (is_evicted(p), p.metadata.name.clone()));
    let not_ready: Vec<&Pod> = pods.into_iter().filter(|p| !is_ready(p)).collect();
    let mut causes: Vec<Cause> = not_ready
        .iter()
        .filter_map(|p| pod_cause(snapshot, p))
        .collect();
    if causes.is_empty() {
        return not_created(snapshot, w);
    }
    let first = causes.remove(0);
    let others = causes.iter().filter(|c| c.code == first.code).count();
    let mut cause = first;
    if others > 0 {
        cause.summary = format!(
            "{} (and {others} more pod{} alike)",
            cause.summary,
            if others == 1 { "" } else { "s" }
        );
    }
    Some(cause)
}

fn is_ready(pod: &Pod) -> bool {
    pod.status
        .iter()
        .flat_map(|s| s.conditions.iter().flatten())
        .any(|c| c.type_ == "Ready" && c.status == "True")
}

fn is_evicted(pod: &Pod) -> bool {
    pod.status.as_ref().and_then(|s| s.reason.as_deref()) == Some("Evicted")
}

fn pod_name(pod: &Pod) -> &str {
    pod.metadata.name.as_deref().unwrap_or_default()
}

fn pod_object(pod: &Pod) -> ObjectRef {
    ObjectRef::from_meta("Pod", &pod.metadata)
}

/// Why one pod is not ready, most fundamental first.
pub fn pod_cause(snapshot: &Snapshot, pod: &Pod) -> Option<Cause> {
    let name = pod_name(pod);
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
    let status = pod.status.as_ref();
    let spec = pod.spec.as_ref();
    if is_evicted(pod) {
        let message = status.and_then(|s| s.message.as_deref()).unwrap_or("");
        return Some(single(
            "pod.evicted",
            pod,
            format!("pod {name} was evicted: {}", first_line(message)),
            "the node ran short (usually memory or disk): set requests equal to what the pod uses, or give the node group room".into(),
        ));
    }
    // Claims first: the scheduler's message about them says less.
    if let Some(spec) = spec
        && let Some(cause) = unbound_claim(snapshot, pod, spec)
    {
        return Some(cause);
    }
    let unschedulable = status
        .iter()
        .flat_map(|s| s.conditions.iter().flatten())
        .find(|c| {
            c.type_ == "PodScheduled"
                && c.status == "False"
                && c.reason.as_deref() == Some("Unschedulable")
        });
    if let Some(condition) = unschedulable {
        let message = condition.message.as_deref().unwrap_or("no message");
        let mut summary = format!("pod {name} is unschedulable: {}", first_line(message));
        if let Some(spec) = spec {
            summary.push_str(&missing_capacity(snapshot, spec, message));
        }
        return Some(single(
            "pod.unschedulable",
            pod,
            summary,
            "lower the pod's requests to fit a node, or add nodes large enough; `kubectl dp quota check` does the arithmetic"
                .into(),
        ));
    }
    let statuses = status.into_iter().flat_map(|s| {
        s.init_container_statuses
            .iter()
            .flatten()
            .chain(s.container_statuses.iter().flatten())
    });
    for c in statuses {
        if let Some(cause) = container_cause(snapshot, pod, spec, c) {
            return Some(cause);
        }
    }
    // A pod whose containers were never reported: the static references may
    // still say why it cannot start.
    if let Some(spec) = spec
        && let Some((object, problem)) = missing_reference(snapshot, ns, spec)
    {
        return Some(Cause {
            code: "pod.config-missing",
            summary: format!("pod {name} cannot start: {object} {problem}"),
            hint: config_hint(&object),
            links: vec![
                ChainLink { object, problem },
                ChainLink {
                    object: pod_object(pod),
                    problem: "cannot start its containers".into(),
                },
            ],
        });
    }
    latest_event(snapshot, "Pod", ns, |n| n == name).map(|e| {
        single(
            "pod.warning-event",
            pod,
            format!("pod {name}: {}", describe_event(e)),
            "kubectl describe pod shows the events in full".into(),
        )
    })
}

fn single(code: &'static str, pod: &Pod, summary: String, hint: String) -> Cause {
    // The chain names the pod already: its link says only what is wrong.
    let name = pod_name(pod);
    let problem = summary
        .strip_prefix(&format!("pod {name}: "))
        .or_else(|| summary.strip_prefix(&format!("pod {name} ")))
        .unwrap_or(&summary)
        .to_string();
    Cause {
        code,
        links: vec![ChainLink {
            object: pod_object(pod),
            problem,
        }],
        summary,
        hint,
    }
}

fn container_cause(
    snapshot: &Snapshot,
    pod: &Pod,
    spec: Option<&PodSpec>,
    c: &ContainerStatus,
) -> Option<Cause> {
    let name = pod_name(pod);
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
    let waiting = c.state.as_ref().and_then(|s| s.waiting.as_ref());
    let reason = waiting.and_then(|w| w.reason.as_deref()).unwrap_or("");
    let message = waiting.and_then(|w| w.message.as_deref()).unwrap_or("");
    let last = c.last_state.as_ref().and_then(|s| s.terminated.as_ref());
    let current = c.state.as_ref().and_then(|s| s.terminated.as_ref());
    match reason {
        "ErrImagePull" | "ImagePullBackOff" | "InvalidImageName" | "ErrImageNeverPull" => {
            let image = spec
                .and_then(|s| all_containers(s).find(|x| x.name == c.name))
                .and_then(|x| x.image.clone())
                .unwrap_or_else(|| c.image.clone());
            let detail = if message.is_empty() {
                latest_event(snapshot, "Pod", ns, |n| n == name)
                    .map(|e| first_line(e.message.as_deref().unwrap_or("")).to_string())
                    .unwrap_or_default()
            } else {
                first_line(message).to_string()
            };
            let mut summary = format!(
                "pod {name}: container {} cannot pull image {image} ({reason})",
                c.name
            );
            if !detail.is_empty() {
                summary.push_str(&format!(": {detail}"));
            }
            Some(single(
                "pod.image-pull-failed",
                pod,
                summary,
                format!("fix the image reference {image} (tag, registry) or the imagePullSecrets"),
            ))
        }
        "CreateContainerConfigError" => {
            let stated = (!message.is_empty()).then(|| first_line(message).to_string());
            let found = spec.and_then(|s| missing_reference(snapshot, ns, s));
            let (mut links, what) = match found {
                Some((object, problem)) => {
                    let what = stated.unwrap_or_else(|| format!("{object} {problem}"));
                    (vec![ChainLink { object, problem }], what)
                }
                None => (
                    Vec::new(),
                    stated.unwrap_or_else(|| "a Secret or ConfigMap it reads is missing".into()),
                ),
            };
            let hint = links
                .first()
                .map(|l| config_hint(&l.object))
                .unwrap_or_else(|| "create the Secret or ConfigMap (and key) the pod reads".into());
            let summary = format!(
                "pod {name}: container {} cannot be created (CreateContainerConfigError): {what}",
                c.name
            );
            links.push(ChainLink {
                object: pod_object(pod),
                problem: format!("container {} CreateContainerConfigError", c.name),
            });
            Some(Cause {
                code: "pod.config-missing",
                links,
                summary,
                hint,
            })
        }
        _ => {
            let terminated = last.or(current);
            let crashing = reason == "CrashLoopBackOff" || (current.is_some() && !c.ready);
            if let Some(t) = terminated.filter(|_| crashing || reason.is_empty() && !c.ready) {
                let why = t.reason.as_deref().unwrap_or("Error");
                if why == "OOMKilled" {
                    return Some(single(
                        "pod.oom-killed",
                        pod,
                        format!(
                            "pod {name}: container {} was OOMKilled (exit code {}, {} restarts){}",
                            c.name,
                            t.exit_code,
                            c.restart_count,
                            memory_context(snapshot, pod, &c.name)
                        ),
                        "the process uses more than the container may: keep -Xmx at 70-85% of the limit or raise the limit; `kubectl dp tune plan` proposes both".into(),
                    ));
                }
                let detail = t
                    .message
                    .as_deref()
                    .map(|m| format!(": {}", first_line(m)))
                    .unwrap_or_default();
                return Some(single(
                    "pod.crash-loop",
                    pod,
                    format!(
                        "pod {name}: container {} {} (last exit: {why}, exit code {}, {} restarts){detail}",
                        c.name,
                        if reason == "CrashLoopBackOff" {
                            "is in CrashLoopBackOff"
                        } else {
                            "terminated"
                        },
                        t.exit_code,
                        c.restart_count
                    ),
                    format!(
                        "read why it exits: kubectl logs {name} -c {} -n {ns} --previous",
                        c.name
                    ),
                ));
            }
            if matches!(
                reason,
                "CreateContainerError"
                    | "RunContainerError"
                    | "PreCreateHookError"
                    | "PostStartHookError"
            ) {
                return Some(single(
                    "pod.container-error",
                    pod,
                    format!(
                        "pod {name}: container {} {reason}: {}",
                        c.name,
                        first_line(message)
                    ),
                    format!("kubectl describe pod {name} -n {ns}"),
                ));
            }
            None
        }
    }
}

/// ` (needs 40Gi memory; the node with the most free memory, n1, has 3Gi: 37Gi missing)`
/// when the scheduler lacks cpu or memory and the nodes were read.
fn missing_capacity(snapshot: &Snapshot, spec: &PodSpec, message: &str) -> String {
    let (Some(nodes), Some(pods)) = (&snapshot.nodes, &snapshot.scheduled_pods) else {
        return String::new();
    };
    if !nodes.is_available() {
        return " (node capacity not readable, so the shortfall is not known)".into();
    }
    let now = snapshot.taken_at.unwrap_or_else(jiff::Timestamp::now);
    let free = usage::free_per_node(&nodes.items, &pods.items, now, |_| false);
    let requests = usage::effective(spec, false);
    let mut parts = Vec::new();
    for (resource, words) in [
        ("memory", "Insufficient memory"),
        ("cpu", "Insufficient cpu"),
    ] {
        if !message.contains(words) {
            continue;
        }
        let Some((node, has, missing)) = usage::shortfall(&free, &requests, resource) else {
            continue;
        };
        let wanted = requests.get(resource).copied().unwrap_or_default();
        parts.push(format!(
            "needs {} {resource}; the node with the most free {resource}, {node}, has {}: {} missing",
            wanted.display_for(resource),
            has.display_for(resource),
            missing.display_for(resource)
        ));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join("; "))
    }
}

/// `, memory limit 16Gi, -Xmx24G (jvm.config in ConfigMap x)` for an OOM kill.
fn memory_context(snapshot: &Snapshot, pod: &Pod, container: &str) -> String {
    let Some(spec) = pod.spec.as_ref() else {
        return String::new();
    };
    let Some(c) = all_containers(spec).find(|c| c.name == container) else {
        return String::new();
    };
    let mut out = match spec_refs::memory_limit(c) {
        Some(limit) => format!("; memory limit {}", limit.display_bytes()),
        None => "; no memory limit (the node ran out)".into(),
    };
    if let Some((heap, source)) = jvm_heap(snapshot, pod, spec, c) {
        out.push_str(&format!(
            ", JVM heap -Xmx{} ({source})",
            format_jvm_size(heap)
        ));
    }
    out
}

/// The -Xmx of a JVM container: from a mounted `jvm.config`, else from
/// JAVA_OPTS-style env vars.
pub fn jvm_heap(
    snapshot: &Snapshot,
    pod: &Pod,
    spec: &PodSpec,
    c: &k8s_openapi::api::core::v1::Container,
) -> Option<(u64, String)> {
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
    for cm_name in spec_refs::config_maps(spec) {
        let Some(text) = snapshot
            .config_map(ns, &cm_name)
            .and_then(|cm| cm.data.as_ref()?.get("jvm.config"))
        else {
            continue;
        };
        if let Some((heap, _)) = JvmConfig::parse(text).max_heap() {
            return Some((heap, format!("jvm.config in ConfigMap {cm_name}")));
        }
    }
    for var in [
        "JAVA_OPTS",
        "JAVA_TOOL_OPTIONS",
        "JDK_JAVA_OPTIONS",
        "JAVA_OPTS_APPEND",
    ] {
        if let Some(value) = spec_refs::env_value(c, var) {
            let lines = value.split_whitespace().collect::<Vec<_>>().join("\n");
            if let Some((heap, _)) = JvmConfig::parse(&lines).max_heap() {
                return Some((heap, format!("env {var}")));
            }
        }
    }
    None
}

/// A PersistentVolumeClaim of the pod that is not Bound, with what its events say.
fn unbound_claim(snapshot: &Snapshot, pod: &Pod, spec: &PodSpec) -> Option<Cause> {
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
            if let Some(r) = &from.secret_key_ref
                && !r.optional.unwrap_or(false)
                && snapshot.secrets.is_available()
            {
                let object = ObjectRef::namespaced("Secret", namespace, &r.name);
                match snapshot.secret(namespace, &r.name) {
                    None => return Some((object, "does not exist".into())),
                    Some(s) => {
                        let has = s.data.as_ref().is_some_and(|d| d.contains_key(&r.key))
                            || s.string_data
                                .as_ref()
                                .is_some_and(|d| d.contains_key(&r.key));
                        if !has {
                            return Some((
                                object,
                                format!(
                                    "has no key {} (env {} of container {})",
                                    r.key, env.name, c.name
                                ),
                            ));
                        }
                    }
                }
            }
            if let Some(r) = &from.config_map_key_ref
                && !r.optional.unwrap_or(false)
                && snapshot.config_maps.is_available()
            {
                let object = ObjectRef::namespaced("ConfigMap", namespace, &r.name);
                match snapshot.config_map(namespace, &r.name) {
                    None => return Some((object, "does not exist".into())),
                    Some(cm) => {
                        let has = cm.data.as_ref().is_some_and(|d| d.contains_key(&r.key))
                            || cm
                                .binary_data
                                .as_ref()
                                .is_some_and(|d| d.contains_key(&r.key));
                        if !has {
                            return Some((
                                object,
                                format!(
                                    "has no key {} (env {} of container {})",
                                    r.key, env.name, c.name
                                ),
                            ));
                        }
                    }
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

fn config_hint(object: &ObjectRef) -> String {
    format!(
        "create {} {} in namespace {} with the key the pod reads (through its ExternalSecret when it is a credential), or fix the reference",
        object.kind,
        object.name,
        object.namespace.as_deref().unwrap_or_default()
    )
}

/// No pod at all: the controller's FailedCreate event says why (quota, admission).
fn not_created(snapshot: &Snapshot, w: &Workload) -> Option<Cause> {
    if w.desired == 0 || !w.pods(snapshot).is_empty() {
        return None;
    }
    let ns = w.namespace();
    let name = w.name();
    let event = if w.kind == "Deployment" {
        let prefix = format!("{name}-");
        latest_event(snapshot, "ReplicaSet", ns, |n| n.starts_with(&prefix))
            .or_else(|| latest_event(snapshot, "Deployment", ns, |n| n == name))
    } else {
        latest_event(snapshot, w.kind, ns, |n| n == name)
    }?;
    let object = ObjectRef::namespaced(
        event.involved_object.kind.as_deref().unwrap_or(w.kind),
        ns,
        event.involved_object.name.as_deref().unwrap_or(name),
    );
    let problem = describe_event(event);
    Some(Cause {
        code: "pod.not-created",
        summary: format!("no pod exists: {object}: {problem}"),
        hint: "fix what the controller reports (quota, LimitRange, admission policy); it retries by itself".into(),
        links: vec![ChainLink { object, problem }],
    })
}

/// The most recent Warning event of an object of `kind` in `namespace` whose
/// name passes `name`.
fn latest_event<'s>(
    snapshot: &'s Snapshot,
    kind: &str,
    namespace: &str,
    name: impl Fn(&str) -> bool,
) -> Option<&'s Event> {
    snapshot
        .events
        .items
        .iter()
        .filter(|e| {
            e.type_.as_deref() == Some("Warning")
                && e.involved_object.kind.as_deref() == Some(kind)
                && e.involved_object
                    .namespace
                    .as_deref()
                    .or(e.metadata.namespace.as_deref())
                    == Some(namespace)
                && e.involved_object.name.as_deref().is_some_and(&name)
        })
        .max_by_key(|e| event_time(e))
}

fn event_time(e: &Event) -> Option<jiff::Timestamp> {
    e.last_timestamp
        .as_ref()
        .map(|t| t.0)
        .or_else(|| e.event_time.as_ref().map(|t| t.0))
        .or_else(|| e.first_timestamp.as_ref().map(|t| t.0))
        .or_else(|| e.metadata.creation_timestamp.as_ref().map(|t| t.0))
}

/// `FailedScheduling: 0/3 nodes ... (x12)`
fn describe_event(e: &Event) -> String {
    let count = e
        .count
        .or_else(|| e.series.as_ref().and_then(|s| s.count))
        .filter(|c| *c > 1)
        .map(|c| format!(" (x{c})"))
        .unwrap_or_default();
    format!(
        "{}: {}{count}",
        e.reason.as_deref().unwrap_or("Warning"),
        first_line(e.message.as_deref().unwrap_or(""))
    )
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::kube::{Listing, Scope};
    use crate::status::analyse::workloads;

    fn from<T: serde::de::DeserializeOwned>(value: Value) -> T {
        serde_json::from_value(value).expect("fixture")
    }

    /// A Helm-shaped Trino worker Deployment (2 replicas, 0 ready, 40Gi
    /// requested, -Xmx in its jvm.config) and its pods with `statuses`.
    fn snapshot(pod_status: Value, extra: impl FnOnce(&mut Snapshot)) -> Snapshot {
        let labels = json!({"app.kubernetes.io/name": "trino", "app.kubernetes.io/instance": "analytics", "app.kubernetes.io/component": "worker"});
        let spec = json!({
            "containers": [{
                "name": "trino-worker",
                "image": "trinodb/trino:476",
                "resources": {"requests": {"cpu": "2", "memory": "40Gi"}, "limits": {"memory": "40Gi"}},
                "env": [{"name": "S3_KEY", "valueFrom": {"secretKeyRef": {"name": "s3", "key": "access-key"}}}]
            }],
            "volumes": [{"name": "config", "configMap": {"name": "analytics-trino-worker"}}]
        });
        let mut s = Snapshot {
            scope: Some(Scope::Namespace("dp".into())),
            taken_at: Some(jiff::Timestamp::now()),
            ..Snapshot::default()
        };
        s.deployments = Listing::available(vec![from(json!({
            "metadata": {"name": "analytics-trino-worker", "namespace": "dp"},
            "spec": {"replicas": 2, "selector": {"matchLabels": labels}, "template": {"metadata": {"labels": labels}, "spec": spec}},
            "status": {"readyReplicas": 0}
        }))]);
        s.pods = Listing::available(
            ["a", "b"]
                .iter()
                .map(|suffix| {
                    from(json!({
                        "metadata": {"name": format!("analytics-trino-worker-5d9-{suffix}"), "namespace": "dp", "labels": labels},
                        "spec": spec,
                        "status": pod_status
                    }))
                })
                .collect(),
        );
        s.config_maps = Listing::available(vec![from(json!({
            "metadata": {"name": "analytics-trino-worker", "namespace": "dp"},
            "data": {"jvm.config": "-server\n-Xmx36G\n"}
        }))]);
        s.secrets = Listing::available(vec![from(json!({
            "metadata": {"name": "s3", "namespace": "dp"}, "data": {"access-key": "eA=="}
        }))]);
        s.claims = Listing::available(Vec::new());
        s.events = Listing::available(Vec::new());
        extra(&mut s);
        s
    }

    fn cause(s: &Snapshot) -> Cause {
        let ws = workloads::all(s);
        workload_cause(s, &ws[0]).expect("a cause")
    }

    fn node(name: &str, memory: &str) -> Value {
        json!({"metadata": {"name": name}, "status": {"allocatable": {"cpu": "16", "memory": memory, "pods": "110"}}})
    }

    #[test]
    fn unschedulable_states_the_scheduler_and_the_missing_memory() {
        let s = snapshot(
            json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                "message": "0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."}]}),
            |s| {
                s.nodes = Some(Listing::available(vec![
                    from(node("n1", "32Gi")),
                    from(node("n2", "32Gi")),
                ]));
                // 4Gi already requested on n1: n2 is the best node with 32Gi free.
                s.scheduled_pods = Some(Listing::available(vec![from(json!({
                    "metadata": {"name": "other", "namespace": "x"},
                    "spec": {"nodeName": "n1", "containers": [{"name": "c", "resources": {"requests": {"memory": "4Gi"}}}]},
                    "status": {"phase": "Running"}
                }))]));
            },
        );
        let c = cause(&s);
        assert_eq!(c.code, "pod.unschedulable");
        assert!(
            c.summary
                .contains("0/3 nodes are available: 3 Insufficient memory"),
            "{}",
            c.summary
        );
        assert!(
            c.summary.contains(
                "needs 40Gi memory; the node with the most free memory, n2, has 32Gi: 8Gi missing"
            ),
            "{}",
            c.summary
        );
        assert!(c.summary.contains("and 1 more pod alike"), "{}", c.summary);
    }

    #[test]
    fn image_pull_names_the_image() {
        let s = snapshot(
            json!({"phase": "Pending", "containerStatuses": [{"name": "trino-worker", "image": "trinodb/trino:476", "imageID": "", "ready": false, "restartCount": 0,
                "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image \"trinodb/trino:476\""}}}]}),
            |_| {},
        );
        let c = cause(&s);
        assert_eq!(c.code, "pod.image-pull-failed");
        assert!(
            c.summary
                .contains("cannot pull image trinodb/trino:476 (ImagePullBackOff)"),
            "{}",
            c.summary
        );
    }

    #[test]
    fn crash_loop_gives_reason_and_exit_code() {
        let s = snapshot(
            json!({"phase": "Running", "containerStatuses": [{"name": "trino-worker", "image": "x", "imageID": "", "ready": false, "restartCount": 7,
                "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                "lastState": {"terminated": {"reason": "Error", "exitCode": 100, "message": "Configuration property 'foo' was not used"}}}]}),
            |_| {},
        );
        let c = cause(&s);
        assert_eq!(c.code, "pod.crash-loop");
        assert!(
            c.summary
                .contains("last exit: Error, exit code 100, 7 restarts"),
            "{}",
            c.summary
        );
        assert!(c.summary.contains("'foo' was not used"), "{}", c.summary);
    }

    #[test]
    fn oom_kill_gives_the_limit_and_the_heap() {
        let s = snapshot(
            json!({"phase": "Running", "containerStatuses": [{"name": "trino-worker", "image": "x", "imageID": "", "ready": false, "restartCount": 3,
                "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137}}}]}),
            |_| {},
        );
        let c = cause(&s);
        assert_eq!(c.code, "pod.oom-killed");
        assert!(c.summary.contains("exit code 137"), "{}", c.summary);
        assert!(c.summary.contains("memory limit 40Gi"), "{}", c.summary);
        assert!(
            c.summary
                .contains("-Xmx36G (jvm.config in ConfigMap analytics-trino-worker)"),
            "{}",
            c.summary
        );
    }

    #[test]
    fn config_error_names_the_secret_and_key() {
        let s = snapshot(
            json!({"phase": "Pending", "containerStatuses": [{"name": "trino-worker", "image": "x", "imageID": "", "ready": false, "restartCount": 0,
                "state": {"waiting": {"reason": "CreateContainerConfigError", "message": "couldn't find key access-key in Secret dp/s3"}}}]}),
            |s| {
                s.secrets = Listing::available(vec![from(json!({
                    "metadata": {"name": "s3", "namespace": "dp"}, "data": {"secret-key": "eA=="}
                }))]);
            },
        );
        let c = cause(&s);
        assert_eq!(c.code, "pod.config-missing");
        assert!(
            c.summary
                .contains("couldn't find key access-key in Secret dp/s3"),
            "{}",
            c.summary
        );
        assert_eq!(
            c.links[0].object,
            ObjectRef::namespaced("Secret", "dp", "s3")
        );
        assert!(
            c.links[0].problem.contains("has no key access-key"),
            "{}",
            c.links[0].problem
        );
    }

    #[test]
    fn unbound_claim_comes_with_its_event() {
        let s = snapshot(
            json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                "message": "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims."}]}),
            |s| {
                let spec = s.pods.items[0].spec.as_mut().unwrap();
                spec.volumes.get_or_insert_default().push(from(
                    json!({"name": "data", "persistentVolumeClaim": {"claimName": "data-pg-0"}}),
                ));
                s.claims = Listing::available(vec![from(json!({
                    "metadata": {"name": "data-pg-0", "namespace": "dp"},
                    "spec": {"storageClassName": "fast-ssd"},
                    "status": {"phase": "Pending"}
                }))]);
                s.events = Listing::available(vec![from(json!({
                    "metadata": {"name": "data-pg-0.1", "namespace": "dp"},
                    "involvedObject": {"kind": "PersistentVolumeClaim", "namespace": "dp", "name": "data-pg-0"},
                    "type": "Warning", "reason": "ProvisioningFailed", "count": 4,
                    "message": "storageclass.storage.k8s.io \"fast-ssd\" not found"
                }))]);
            },
        );
        let c = cause(&s);
        assert_eq!(c.code, "pod.claim-unbound");
        assert!(
            c.summary.contains("is Pending (storageClassName fast-ssd): ProvisioningFailed: storageclass.storage.k8s.io \"fast-ssd\" not found (x4)"),
            "{}",
            c.summary
        );
        assert_eq!(c.links[0].object.kind, "PersistentVolumeClaim");
    }

    #[test]
    fn evicted_pods_speak_only_when_nothing_else_does() {
        let s = snapshot(
            json!({"phase": "Failed", "reason": "Evicted", "message": "The node was low on resource: memory."}),
            |_| {},
        );
        let c = cause(&s);
        assert_eq!(c.code, "pod.evicted");
        assert!(
            c.summary.contains("low on resource: memory"),
            "{}",
            c.summary
        );
    }

    #[test]
    fn a_running_pod_that_is_not_ready_is_explained_by_its_events() {
        let s = snapshot(
            json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}],
                "containerStatuses": [{"name": "trino-worker", "image": "x", "imageID": "", "ready": false, "restartCount": 0, "state": {"running": {}}}]}),
            |s| {
                s.events = Listing::available(vec![
                    from(json!({
                        "metadata": {"name": "old", "namespace": "dp"},
                        "involvedObject": {"kind": "Pod", "namespace": "dp", "name": "analytics-trino-worker-5d9-a"},
                        "type": "Warning", "reason": "FailedMount", "lastTimestamp": "2026-12-01T10:00:00Z",
                        "message": "MountVolume.SetUp failed"
                    })),
                    from(json!({
                        "metadata": {"name": "new", "namespace": "dp"},
                        "involvedObject": {"kind": "Pod", "namespace": "dp", "name": "analytics-trino-worker-5d9-a"},
                        "type": "Warning", "reason": "Unhealthy", "lastTimestamp": "2026-12-01T11:00:00Z", "count": 12,
                        "message": "Readiness probe failed: HTTP probe failed with statuscode: 503"
                    })),
                ]);
            },
        );
        let c = cause(&s);
        assert_eq!(c.code, "pod.warning-event");
        assert!(
            c.summary.contains(
                "Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503 (x12)"
            ),
            "{}",
            c.summary
        );
    }

    #[test]
    fn an_evicted_pod_gives_way_to_its_replacement() {
        let s = snapshot(
            json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                "message": "0/3 nodes are available: 3 Insufficient cpu."}]}),
            |s| {
                // The first pod by name was evicted; the second waits for a node.
                let evicted = s.pods.items[0].status.as_mut().unwrap();
                evicted.phase = Some("Failed".into());
                evicted.reason = Some("Evicted".into());
                evicted.conditions = None;
            },
        );
        assert_eq!(cause(&s).code, "pod.unschedulable");
    }

    #[test]
    fn no_pod_at_all_reads_the_replica_set_event() {
        let s = snapshot(json!({}), |s| {
            s.pods = Listing::available(Vec::new());
            s.events = Listing::available(vec![from(json!({
                "metadata": {"name": "e", "namespace": "dp"},
                "involvedObject": {"kind": "ReplicaSet", "namespace": "dp", "name": "analytics-trino-worker-5d9"},
                "type": "Warning", "reason": "FailedCreate",
                "message": "pods \"analytics-trino-worker-5d9-x\" is forbidden: exceeded quota: dp-quota, requested: requests.memory=40Gi"
            }))]);
        });
        let c = cause(&s);
        assert_eq!(c.code, "pod.not-created");
        assert!(c.summary.contains("exceeded quota"), "{}", c.summary);
    }

    #[test]
    fn the_not_ready_finding_carries_the_cause_and_chain() {
        let s = snapshot(
            json!({"phase": "Pending", "containerStatuses": [{"name": "trino-worker", "image": "x", "imageID": "", "ready": false, "restartCount": 0,
                "state": {"waiting": {"reason": "ErrImagePull"}}}]}),
            |_| {},
        );
        let section = super::super::trino::analyse(&s);
        let f = section
            .findings
            .iter()
            .find(|f| f.code == "trino.not-ready")
            .expect("not-ready finding");
        assert_eq!(f.cause, Some("pod.image-pull-failed"));
        assert!(
            f.message
                .starts_with("workers 0/2 ready: pod analytics-trino-worker-5d9-a"),
            "{}",
            f.message
        );
        assert_eq!(
            f.chain.last().unwrap().object.name,
            "analytics-trino-worker"
        );
        assert_eq!(f.chain[0].object.kind, "Pod");
    }

    #[test]
    fn every_code_is_documented() {
        let docs = include_str!("../../../docs/findings.md");
        for code in CODES {
            assert!(
                docs.contains(&format!("`{code}`")),
                "{code} is not in docs/findings.md"
            );
        }
    }
}
