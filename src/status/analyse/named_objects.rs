//! Objects a pod template or a claim names by name must exist, or nothing
//! runs: the ReplicaSet or StatefulSet controller cannot create a pod whose
//! ServiceAccount or PriorityClass is missing (`FailedCreate`), a pod whose
//! claim is missing stays Pending, and a claim whose StorageClass is missing
//! (or that names none when the cluster has no default class) is never bound.
//! Built-in names (`default`, `system-*-critical`) always exist.

use k8s_openapi::api::core::v1::{PersistentVolumeClaim, PodSpec};

use crate::findings::{Component, Finding, ObjectRef, Severity};
use crate::kube::Listing;
use crate::platform::workload::{Workload, WorkloadKind};
use crate::snapshot::Snapshot;

use super::workloads;

/// PriorityClasses every cluster has.
const BUILT_IN_PRIORITY_CLASSES: [&str; 2] = ["system-cluster-critical", "system-node-critical"];

/// The StorageClass annotation that makes a class the default.
const DEFAULT_CLASS: &str = "storageclass.kubernetes.io/is-default-class";

/// Whether `name` is in a listing that was read (`None`: not known).
fn listed<K: kube::Resource>(
    list: Option<&Listing<K>>,
    namespace: Option<&str>,
    name: &str,
) -> Option<bool> {
    let list = list.filter(|l| l.is_available())?;
    Some(list.items.iter().any(|o| {
        o.meta().name.as_deref() == Some(name)
            && (namespace.is_none() || o.meta().namespace.as_deref() == namespace)
    }))
}

/// A claim's StorageClass problem: a named class that is not there, or no
/// class when the cluster has no default. `None` when fine or not known.
fn class_problem(snapshot: &Snapshot, class: Option<&str>) -> Option<String> {
    let classes = snapshot.named.storage_classes.as_ref()?;
    match class {
        // "" asks explicitly for no class (a pre-bound volume).
        Some("") => None,
        Some(name) => (listed(Some(classes), None, name) == Some(false))
            .then(|| format!("StorageClass {name}, which does not exist")),
        None => {
            let has_default = classes.items.iter().any(|c| {
                c.metadata
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get(DEFAULT_CLASS))
                    .is_some_and(|v| v == "true")
            });
            (classes.is_available() && !has_default)
                .then(|| "no StorageClass, and the cluster has no default class".to_string())
        }
    }
}

fn missing(object: ObjectRef, component: Component, what: String, fix: String) -> Finding {
    Finding::new(
        "references.object-missing",
        Severity::Critical,
        component,
        object,
        what,
        fix,
    )
}

fn template_findings(snapshot: &Snapshot, w: &Workload<'_>, spec: &PodSpec) -> Vec<Finding> {
    let ns = w.namespace();
    let mut out = Vec::new();
    let account = spec
        .service_account_name
        .as_deref()
        .or(spec.service_account.as_deref())
        .filter(|a| !a.is_empty() && *a != "default");
    if let Some(account) = account
        && snapshot.covers(ns)
        && listed(snapshot.named.service_accounts.as_ref(), Some(ns), account) == Some(false)
    {
        out.push(missing(
            w.object(),
            Component::of_app(w.app_name(), Component::Compliance),
            format!("{}: its pods run as ServiceAccount {account}, which does not exist in namespace {ns}: the controller cannot create them", w.object()),
            format!("create ServiceAccount {account} in namespace {ns}, or fix serviceAccountName"),
        ));
    }
    if let Some(class) = spec
        .priority_class_name
        .as_deref()
        .filter(|c| !c.is_empty() && !BUILT_IN_PRIORITY_CLASSES.contains(c))
        && listed(snapshot.named.priority_classes.as_ref(), None, class) == Some(false)
    {
        out.push(missing(
            w.object(),
            Component::of_app(w.app_name(), Component::Compliance),
            format!("{}: its pods ask for PriorityClass {class}, which does not exist: the controller cannot create them", w.object()),
            format!("create PriorityClass {class}, or fix priorityClassName (kubectl get priorityclasses)"),
        ));
    }
    if snapshot.claims.is_available() && snapshot.covers(ns) {
        for volume in spec.volumes.iter().flatten() {
            let Some(claim) = &volume.persistent_volume_claim else {
                continue;
            };
            let name = &claim.claim_name;
            if listed(Some(&snapshot.claims), Some(ns), name) == Some(false) {
                out.push(missing(
                    w.object(),
                    Component::of_app(w.app_name(), Component::Compliance),
                    format!("{}: volume {} mounts PersistentVolumeClaim {name}, which does not exist in namespace {ns}: its pods stay Pending", w.object(), volume.name),
                    format!("create PersistentVolumeClaim {name} in namespace {ns}, or fix claimName"),
                ));
            }
        }
    }
    out
}

/// A StatefulSet's claim templates must name a StorageClass that exists.
fn claim_template_findings(
    snapshot: &Snapshot,
    w: &Workload<'_>,
    templates: &[PersistentVolumeClaim],
) -> Vec<Finding> {
    templates
        .iter()
        .filter_map(|t| {
            // No class: whether a default class or a static volume binds the
            // claims is for the claims themselves to show (claim_findings).
            let class = t.spec.as_ref().and_then(|s| s.storage_class_name.as_deref())?;
            let problem = class_problem(snapshot, Some(class))?;
            let name = t.metadata.name.as_deref().unwrap_or_default();
            Some(missing(
                w.object(),
                Component::of_app(w.app_name(), Component::Compliance),
                format!("{}: volumeClaimTemplate {name} asks for {problem}: its claims are never bound and its pods stay Pending", w.object()),
                "set storageClassName to a class of `kubectl get storageclasses` (or mark one the default)".into(),
            ))
        })
        .collect()
}

/// Claims not bound yet whose StorageClass leads nowhere.
fn claim_findings(snapshot: &Snapshot) -> Vec<Finding> {
    snapshot
        .claims
        .items
        .iter()
        .filter(|c| c.status.as_ref().and_then(|s| s.phase.as_deref()) != Some("Bound"))
        .filter(|c| snapshot.covers(c.metadata.namespace.as_deref().unwrap_or_default()))
        .filter_map(|c| {
            let spec = c.spec.as_ref()?;
            // A claim for a named volume is bound by name, not by class.
            if spec.volume_name.as_deref().is_some_and(|v| !v.is_empty()) {
                return None;
            }
            let problem = class_problem(snapshot, spec.storage_class_name.as_deref())?;
            Some(missing(
                ObjectRef::from_meta("PersistentVolumeClaim", &c.metadata),
                Component::Compliance,
                format!("asks for {problem}: it is never bound, and pods that mount it stay Pending"),
                "set storageClassName to a class of `kubectl get storageclasses` (claims are immutable: recreate it), or mark a class the default".into(),
            ))
        })
        .collect()
}

/// Every ServiceAccount, PriorityClass, claim and StorageClass named that is not there.
pub fn findings(snapshot: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    for w in workloads::with_cron_jobs(snapshot) {
        if let Some(spec) = w.pod_spec() {
            out.extend(template_findings(snapshot, &w, spec));
        }
        if w.kind == WorkloadKind::StatefulSet
            && let Some(sts) = snapshot.stateful_sets.items.iter().find(|s| {
                s.metadata.name.as_deref() == Some(w.name())
                    && s.metadata.namespace.as_deref() == Some(w.namespace())
            })
            && let Some(templates) = sts
                .spec
                .as_ref()
                .and_then(|s| s.volume_claim_templates.as_ref())
        {
            out.extend(claim_template_findings(snapshot, &w, templates));
        }
    }
    out.extend(claim_findings(snapshot));
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::codes;
    use super::*;
    use crate::kube::Scope;
    use crate::snapshot::Named;

    fn from<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
        serde_json::from_value(v).unwrap()
    }

    fn snapshot(
        template: serde_json::Value,
        claim_class: Option<&str>,
        default_class: bool,
    ) -> Snapshot {
        let sts = from(serde_json::json!({
            "metadata": {"name": "postgres", "namespace": "dp"},
            "spec": {"selector": {"matchLabels": {"app": "postgres"}}, "serviceName": "postgres",
                "template": {"metadata": {"labels": {"app": "postgres", "app.kubernetes.io/name": "postgres"}}, "spec": template},
                "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"storageClassName": claim_class}}]}
        }));
        let annotations = if default_class {
            serde_json::json!({DEFAULT_CLASS: "true"})
        } else {
            serde_json::json!({})
        };
        Snapshot {
            scope: Some(Scope::Namespace("dp".into())),
            stateful_sets: Listing::available(vec![sts]),
            claims: Listing::available(vec![from(serde_json::json!({
                "metadata": {"name": "scratch", "namespace": "dp"}, "spec": {}, "status": {"phase": "Pending"}
            }))]),
            named: Named {
                service_accounts: Some(Listing::available(vec![from(
                    serde_json::json!({"metadata": {"name": "postgres", "namespace": "dp"}}),
                )])),
                storage_classes: Some(Listing::available(vec![from(serde_json::json!({
                    "metadata": {"name": "ceph-block", "annotations": annotations}, "provisioner": "rook-ceph.rbd.csi.ceph.com"
                }))])),
                priority_classes: Some(Listing::available(vec![from(
                    serde_json::json!({"metadata": {"name": "data-platform"}, "value": 1000}),
                )])),
            },
            ..Snapshot::default()
        }
    }

    #[test]
    fn names_that_exist_or_are_built_in_are_fine() {
        let template = serde_json::json!({"serviceAccountName": "postgres", "priorityClassName": "system-node-critical",
            "containers": [{"name": "pg"}]});
        assert!(findings(&snapshot(template.clone(), Some("ceph-block"), true)).is_empty());
        let template = serde_json::json!({"serviceAccountName": "default", "priorityClassName": "data-platform",
            "containers": [{"name": "pg"}]});
        assert!(findings(&snapshot(template, None, true)).is_empty());
    }

    #[test]
    fn every_missing_name_is_a_finding() {
        let template = serde_json::json!({"serviceAccountName": "postgress", "priorityClassName": "platform",
            "volumes": [{"name": "extra", "persistentVolumeClaim": {"claimName": "pg-extra"}}],
            "containers": [{"name": "pg"}]});
        let found = findings(&snapshot(template, Some("ceph-blok"), true));
        assert_eq!(
            codes(&found),
            ["references.object-missing"; 4],
            "{found:#?}"
        );
        let said: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
        assert!(
            said[0].contains("ServiceAccount postgress, which does not exist"),
            "{said:?}"
        );
        assert!(said[1].contains("PriorityClass platform"), "{said:?}");
        assert!(
            said[2].contains("PersistentVolumeClaim pg-extra"),
            "{said:?}"
        );
        assert!(
            said[3].contains("StorageClass ceph-blok, which does not exist"),
            "{said:?}"
        );
    }

    #[test]
    fn no_class_needs_a_default_class() {
        let template = serde_json::json!({"containers": [{"name": "pg"}]});
        let found = findings(&snapshot(template, None, false));
        // The Pending claim asks for no class (the template's claims may bind
        // to static volumes: they are judged as claims).
        assert_eq!(codes(&found), ["references.object-missing"]);
        assert_eq!(found[0].object.kind, "PersistentVolumeClaim");
        assert!(
            found[0]
                .message
                .contains("the cluster has no default class")
        );
        // Classes not read: not judged.
        let mut s = snapshot(
            serde_json::json!({"containers": [{"name": "pg"}]}),
            Some("x"),
            false,
        );
        s.named.storage_classes = None;
        assert!(findings(&s).is_empty());
    }
}
