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
fn a_workload_short_of_pods_says_which_quota_and_by_how_much() {
    // 2 of 3 pods run and are ready; the third was refused by the quota.
    let s = snapshot(
        json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}),
        |s| {
            s.deployments.items[0].spec.as_mut().unwrap().replicas = Some(3);
            s.events = Listing::available(vec![from(json!({
                "metadata": {"name": "e", "namespace": "dp"},
                "involvedObject": {"kind": "ReplicaSet", "namespace": "dp", "name": "analytics-trino-worker-5d9"},
                "type": "Warning", "reason": "FailedCreate",
                "message": "pods \"analytics-trino-worker-5d9-z\" is forbidden: exceeded quota: platform, requested: limits.memory=40Gi,requests.memory=40Gi, used: limits.memory=80Gi,requests.memory=80Gi, limited: limits.memory=100Gi,requests.memory=100Gi"
            }))]);
        },
    );
    let c = cause(&s);
    assert_eq!(c.code, "pod.not-created");
    assert!(
        c.summary.starts_with("1 of 3 pods not created"),
        "{}",
        c.summary
    );
    assert!(
        c.hint.starts_with("limits.memory: 80Gi used + 40Gi requested is 20Gi over the 100Gi of ResourceQuota platform"),
        "{}",
        c.hint
    );
}

#[test]
fn a_selector_no_node_matches_is_not_a_shortage() {
    let s = snapshot(
        json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
            "message": "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector."}]}),
        |s| {
            for pod in &mut s.pods.items {
                pod.spec.as_mut().unwrap().node_selector =
                    Some([("pool".to_string(), "trino".to_string())].into());
            }
            s.nodes = Some(Listing::available(vec![
                from(json!({"metadata": {"name": "n1", "labels": {"pool": "spark"}}})),
                from(json!({"metadata": {"name": "n2", "labels": {"pool": "general"}}})),
            ]));
        },
    );
    let c = cause(&s);
    assert_eq!(c.code, "pod.unschedulable");
    assert!(
        c.summary.contains("no node has the label pool=trino its nodeSelector asks for (nodes have pool=general,spark)"),
        "{}",
        c.summary
    );
    assert!(c.hint.contains("label the nodes"), "{}", c.hint);
    assert!(
        !c.hint.contains("lower the pod's requests to fit"),
        "{}",
        c.hint
    );
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
    let docs = include_str!("../../../../docs/findings.md");
    for code in CODES {
        assert!(
            docs.contains(&format!("`{code}`")),
            "{code} is not in docs/findings.md"
        );
    }
}
