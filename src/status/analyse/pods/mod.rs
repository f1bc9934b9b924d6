//! Why a workload's pods are not ready, one level below "0/2 ready": the
//! scheduler's own message (and, for cpu or memory, how much is missing on the
//! best node, by the arithmetic `quota check` uses), image pulls, crash loops,
//! OOM kills with the limit and the JVM heap, missing Secrets/ConfigMaps/keys,
//! evictions, unbound claims, and the Warning events that fill in what the
//! conditions do not say. Pure functions on the snapshot.

use k8s_openapi::api::core::v1::{ContainerStatus, Pod, PodSpec};

use crate::findings::{ChainLink, Finding, ObjectRef, PreviousRun};
use crate::kube::logs::ContainerRef;
use crate::platform::workload::all_containers;
use crate::snapshot::Snapshot;

use super::workloads::Workload;

mod events;
mod references;
mod resources;
#[cfg(test)]
mod tests;

use events::{describe_event, first_line, latest_event};
pub use references::missing_reference;
use references::{config_hint, not_created, unbound_claim};
pub(in crate::status::analyse) use references::{is_admission_refusal, refusal_fix};
pub use resources::jvm_heap;
use resources::{memory_context, missing_capacity};

/// Every cause code, for the docs test and the table in docs/findings.md.
#[cfg(test)] // only the tests use it
pub(crate) const CODES: [&str; 10] = [
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
pub(crate) struct Cause {
    /// The stable `pod.*` code of the cause.
    pub code: &'static str,
    /// Root first: the claim or Secret when there is one, then the pod.
    pub links: Vec<ChainLink>,
    /// One line for the finding's message.
    pub summary: String,
    /// What to do about it.
    pub hint: String,
    /// The container that crashed or was OOM-killed: its previous run's last
    /// lines say why.
    pub crashed: Option<ContainerRef>,
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
    finding.previous_run = cause.crashed.map(|c| {
        let lines = snapshot
            .previous_runs
            .get(&c)
            .map(|text| super::crash_logs::excerpt(text, usize::MAX))
            .unwrap_or_default();
        PreviousRun {
            pod: c.pod,
            container: c.container,
            previous: c.previous,
            lines,
        }
    });
    finding.chain = cause.links;
    finding.chain.push(ChainLink {
        object: w.object(),
        problem: format!("{} ready", w.readiness()),
    });
}

/// The critical finding of a workload short of ready replicas, with its
/// pod-level cause ([`explain`]); `message` says what that breaks.
pub fn not_ready(
    snapshot: &Snapshot,
    w: &Workload,
    code: &'static str,
    component: crate::findings::Component,
    message: String,
) -> Finding {
    let mut finding = Finding::new(
        code,
        crate::findings::Severity::Critical,
        component,
        w.object(),
        message,
        format!(
            "kubectl describe {} {} -n {}",
            w.kind.as_str().to_lowercase(),
            w.name(),
            w.namespace()
        ),
    );
    explain(&mut finding, snapshot, w);
    finding
}

/// The cause shared by most of the workload's not-ready pods (the first pod by
/// name speaks for the others), or why no pod exists.
pub(crate) fn workload_cause(snapshot: &Snapshot, w: &Workload) -> Option<Cause> {
    let mut pods = w.pods(&snapshot.pods.items);
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
pub(crate) fn pod_cause(snapshot: &Snapshot, pod: &Pod) -> Option<Cause> {
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
        return Some(unschedulable_cause(snapshot, pod, spec, message));
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
            crashed: None,
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

/// An unschedulable pod: a label, affinity or taint no node satisfies is named
/// with its own fix; otherwise the scheduler's message with the shortfall.
fn unschedulable_cause(
    snapshot: &Snapshot,
    pod: &Pod,
    spec: Option<&PodSpec>,
    message: &str,
) -> Cause {
    let name = pod_name(pod);
    let nodes = snapshot
        .nodes
        .as_ref()
        .filter(|n| n.is_available())
        .map(|n| n.items.as_slice())
        .unwrap_or_default();
    if let Some(unplaceable) = spec.and_then(|s| crate::platform::placement::no_node_for(s, nodes))
    {
        return single(
            "pod.unschedulable",
            pod,
            format!("pod {name} is unschedulable: {}", unplaceable.detail()),
            unplaceable.fix(),
        );
    }
    let mut summary = format!("pod {name} is unschedulable: {}", first_line(message));
    if let Some(spec) = spec {
        summary.push_str(&missing_capacity(snapshot, spec, message));
    }
    let hint = if message.contains("Insufficient") {
        "lower the pod's requests to fit a node, or add nodes large enough; `kubectl dp quota check` does the arithmetic"
    } else if message.contains("taint") {
        "add a toleration for the node's taint, or remove the taint from a node meant for it"
    } else if message.contains("affinity") || message.contains("selector") {
        "fix the pod's nodeSelector or node affinity, or label the nodes meant for it; lowering requests does not help"
    } else {
        "kubectl describe pod shows the scheduler's reasons per node"
    };
    single("pod.unschedulable", pod, summary, hint.into())
}

fn with_crashed(container: ContainerRef, cause: Cause) -> Cause {
    Cause {
        crashed: Some(container),
        ..cause
    }
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
        crashed: None,
    }
}

/// Why one container of the pod does not run: from its waiting reason, or from
/// how its last run ended.
fn container_cause(
    snapshot: &Snapshot,
    pod: &Pod,
    spec: Option<&PodSpec>,
    c: &ContainerStatus,
) -> Option<Cause> {
    let waiting = c.state.as_ref().and_then(|s| s.waiting.as_ref());
    let reason = waiting.and_then(|w| w.reason.as_deref()).unwrap_or("");
    let message = waiting.and_then(|w| w.message.as_deref()).unwrap_or("");
    match reason {
        "ErrImagePull" | "ImagePullBackOff" | "InvalidImageName" | "ErrImageNeverPull" => {
            Some(image_pull_cause(snapshot, pod, spec, c, reason, message))
        }
        "CreateContainerConfigError" => Some(config_missing_cause(snapshot, pod, spec, c, message)),
        _ => exit_cause(snapshot, pod, c, reason)
            .or_else(|| container_error_cause(pod, c, reason, message)),
    }
}

/// `pod.image-pull-failed`: the image the spec names, with the kubelet's
/// message (or the pod's latest event when the status has none).
fn image_pull_cause(
    snapshot: &Snapshot,
    pod: &Pod,
    spec: Option<&PodSpec>,
    c: &ContainerStatus,
    reason: &str,
    message: &str,
) -> Cause {
    let name = pod_name(pod);
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
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
    single(
        "pod.image-pull-failed",
        pod,
        summary,
        format!("fix the image reference {image} (tag, registry) or the imagePullSecrets"),
    )
}

/// `pod.config-missing`: the Secret or ConfigMap (or key) the container reads
/// that does not exist, linked before the pod in the chain when it is found.
fn config_missing_cause(
    snapshot: &Snapshot,
    pod: &Pod,
    spec: Option<&PodSpec>,
    c: &ContainerStatus,
    message: &str,
) -> Cause {
    let name = pod_name(pod);
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
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
    Cause {
        code: "pod.config-missing",
        links,
        summary,
        hint,
        crashed: None,
    }
}

/// `pod.oom-killed` or `pod.crash-loop` for a container that keeps exiting
/// (or has exited and is not ready), naming the run whose logs say why.
fn exit_cause(snapshot: &Snapshot, pod: &Pod, c: &ContainerStatus, reason: &str) -> Option<Cause> {
    let name = pod_name(pod);
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
    let last = c.last_state.as_ref().and_then(|s| s.terminated.as_ref());
    let current = c.state.as_ref().and_then(|s| s.terminated.as_ref());
    let terminated = last.or(current);
    let crashing = reason == "CrashLoopBackOff" || (current.is_some() && !c.ready);
    let t = terminated.filter(|_| crashing || reason.is_empty() && !c.ready)?;
    let why = t.reason.as_deref().unwrap_or("Error");
    // The run that ended: the previous one when the container was
    // restarted, else the current (terminated) one.
    let crashed = ContainerRef {
        namespace: ns.to_string(),
        pod: name.to_string(),
        container: c.name.clone(),
        previous: last.is_some(),
    };
    if why == "OOMKilled" {
        return Some(with_crashed(
            crashed,
            single(
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
            ),
        ));
    }
    let detail = t
        .message
        .as_deref()
        .map(|m| format!(": {}", first_line(m)))
        .unwrap_or_default();
    Some(with_crashed(
        crashed,
        single(
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
                "read why it exits: kubectl logs {name} -c {} -n {ns}{}",
                c.name,
                if last.is_some() { " --previous" } else { "" }
            ),
        ),
    ))
}

/// `pod.container-error`: the runtime could not create or start the container.
fn container_error_cause(
    pod: &Pod,
    c: &ContainerStatus,
    reason: &str,
    message: &str,
) -> Option<Cause> {
    if !matches!(
        reason,
        "CreateContainerError" | "RunContainerError" | "PreCreateHookError" | "PostStartHookError"
    ) {
        return None;
    }
    let name = pod_name(pod);
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
    Some(single(
        "pod.container-error",
        pod,
        format!(
            "pod {name}: container {} {reason}: {}",
            c.name,
            first_line(message)
        ),
        format!("kubectl describe pod {name} -n {ns}"),
    ))
}
