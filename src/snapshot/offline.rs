//! A snapshot from manifests alone (`status -f/-k`), and the platform after
//! a change (`--cluster-state`: the manifests replace the applied objects of
//! the same identity). The analysis then runs unchanged, with the same codes.
//!
//! What controllers would write once the manifests are applied is written
//! here as they would write it, so that its absence is not read as a fault:
//! the Secret an ExternalSecret syncs (owned by it, with the keys it maps),
//! and the Secret and ConfigMap Rook gives a bucket claim. Nothing else is
//! invented: no pod, no status, no event. The rules that need those are the
//! catalogue's `live_only` ones, listed once as not checked offline.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Snapshot;
use super::coverage::{
    Coverage, CoveredNamespace, Mode, Reference, ReferenceState, is_system_namespace,
};
use crate::kube::{Listing, Scope, Undecodable};
use crate::manifests::Manifest;

/// Kinds without a namespace (the rest get the default namespace when a
/// manifest leaves it out, as `kubectl apply` does).
const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "ClusterSecretStore",
    "StorageClass",
    "ObjectBucket",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PersistentVolume",
    "PriorityClass",
    "Node",
];

/// The kinds the analysis reads and how many objects of each the manifests held.
#[derive(Debug, Clone, Default)]
pub(crate) struct Counted {
    /// Objects of a kind the analysis judges.
    pub judged: usize,
    /// Objects of other kinds (RBAC, StorageClasses, ...): read, not judged.
    pub other: usize,
}

/// Builds the snapshot of `manifests`; objects without a namespace go to
/// `default_namespace`. `operator_namespace` is where Rook's settings live.
pub(crate) fn snapshot(
    manifests: &[Manifest],
    default_namespace: &str,
    operator_namespace: &str,
) -> (Snapshot, Counted) {
    let mut s = Snapshot::default();
    let mut counted = Counted::default();
    // The keys each ExternalSecret maps, read before its typed form drops them.
    let mut synced_keys = BTreeMap::new();
    for manifest in manifests {
        let mut value = manifest.value.clone();
        let kind = value["kind"].as_str().unwrap_or_default().to_string();
        if !CLUSTER_SCOPED.contains(&kind.as_str())
            && value
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .is_none()
            && let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut)
        {
            meta.insert("namespace".into(), default_namespace.into());
        }
        if kind == "ExternalSecret" {
            let id = |p: &str| value.pointer(p).and_then(Value::as_str).map(String::from);
            let key = (id("/metadata/namespace"), id("/metadata/name"));
            synced_keys.insert(key, external_secret_keys(&value));
        }
        if add(&mut s, &kind, value) {
            counted.judged += 1;
        } else {
            counted.other += 1;
        }
    }
    s.rook_operator_config = s
        .config_maps
        .items
        .iter()
        .find(|c| {
            c.metadata.namespace.as_deref() == Some(operator_namespace)
                && c.metadata.name.as_deref() == Some(super::ROOK_OPERATOR_CONFIG)
        })
        .cloned();
    write_controller_outputs(&mut s, &synced_keys);
    let namespaces = namespaces_of(&s);
    let mut s = s.scoped(namespaces, operator_namespace);
    s.coverage.references = unresolved_references(&s);
    (s, counted)
}

/// The Services the manifests name in namespaces they do not hold (a catalog's
/// S3 endpoint in `rook-ceph`): whether they exist only the cluster can tell,
/// so each is listed as not checked, never judged absent.
fn unresolved_references(s: &Snapshot) -> Vec<Reference> {
    super::references::outside(
        &s.coverage,
        &s.config_maps.items,
        &s.deployments.items,
        &s.stateful_sets.items,
    )
    .into_iter()
    .map(|((namespace, name), referenced_by)| Reference {
        kind: "Service".into(),
        namespace,
        name,
        referenced_by,
        state: ReferenceState::NotChecked,
        reason: Some(
            "its namespace is not in the manifests; --cluster-state reads it from the cluster"
                .into(),
        ),
    })
    .collect()
}

/// Puts one object in its list; `false` for a kind the analysis does not read.
fn add(s: &mut Snapshot, kind: &str, value: Value) -> bool {
    match kind {
        "Pod" => push(&mut s.pods, "pods", value),
        "Deployment" => push(&mut s.deployments, "deployments", value),
        "StatefulSet" => push(&mut s.stateful_sets, "statefulsets", value),
        "ConfigMap" => push(&mut s.config_maps, "configmaps", value),
        "Secret" => push(&mut s.secrets, "secrets", value),
        "Service" => push(&mut s.services, "services", value),
        "Job" => push(&mut s.jobs, "jobs", value),
        "CronJob" => push(&mut s.cron_jobs, "cronjobs", value),
        "ResourceQuota" => push(&mut s.resource_quotas, "resourcequotas", value),
        "LimitRange" => push(&mut s.limit_ranges, "limitranges", value),
        "NetworkPolicy" => push(&mut s.network_policies, "networkpolicies", value),
        "ObjectBucketClaim" => push(&mut s.bucket_claims, "objectbucketclaims", value),
        "SparkApplication" => push(&mut s.spark_applications, "sparkapplications", value),
        "ExternalSecret" => push(&mut s.external_secrets, "externalsecrets", value),
        "SecretStore" => push(&mut s.secret_stores, "secretstores", value),
        "ClusterSecretStore" => push(&mut s.cluster_secret_stores, "clustersecretstores", value),
        "PrometheusRule" => push(&mut s.prometheus_rules, "prometheusrules", value),
        "PersistentVolumeClaim" => push(&mut s.claims, "persistentvolumeclaims", value),
        _ => return false,
    }
    true
}

/// Decodes `value` into `list`, or names it among the undecodable (as a read does).
fn push<T: DeserializeOwned>(list: &mut Listing<T>, resource: &str, value: Value) {
    let text = |pointer: &str| {
        value
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(String::from)
    };
    let (namespace, name) = (text("/metadata/namespace"), text("/metadata/name"));
    match serde_json::from_value::<T>(value) {
        Ok(item) => list.items.push(item),
        Err(e) => list.undecodable.push(Undecodable {
            resource: resource.into(),
            namespace,
            name: name.unwrap_or_else(|| "?".into()),
            reason: crate::kube::list_reason_without_values(&e.to_string()),
        }),
    }
}

fn owned_by(kind: &str, api_version: &str, meta: &ObjectMeta) -> OwnerReference {
    OwnerReference {
        api_version: api_version.into(),
        kind: kind.into(),
        name: meta.name.clone().unwrap_or_default(),
        uid: String::new(),
        controller: Some(true),
        block_owner_deletion: None,
    }
}

fn has_secret(s: &Snapshot, namespace: &str, name: &str) -> bool {
    s.secret(namespace, name).is_some()
}

/// The keys each ExternalSecret (by namespace and name) maps.
type SyncedKeys = BTreeMap<(Option<String>, Option<String>), Vec<String>>;

/// The Secrets External Secrets and Rook write, and the ConfigMaps Rook writes.
fn write_controller_outputs(s: &mut Snapshot, synced_keys: &SyncedKeys) {
    let mut secrets = Vec::new();
    for es in &s.external_secrets.items {
        let namespace = es.metadata.namespace.clone().unwrap_or_default();
        let name = es
            .spec
            .target
            .name
            .clone()
            .or_else(|| es.metadata.name.clone())
            .unwrap_or_default();
        if has_secret(s, &namespace, &name) {
            continue;
        }
        let id = (es.metadata.namespace.clone(), es.metadata.name.clone());
        let keys: BTreeMap<String, ByteString> = synced_keys
            .get(&id)
            .into_iter()
            .flatten()
            .map(|k| (k.clone(), ByteString(Vec::new())))
            .collect();
        secrets.push(Secret {
            metadata: ObjectMeta {
                name: Some(name),
                namespace: Some(namespace),
                labels: Some(BTreeMap::from([(
                    "reconcile.external-secrets.io/managed".to_string(),
                    "true".to_string(),
                )])),
                owner_references: Some(vec![owned_by(
                    "ExternalSecret",
                    "external-secrets.io/v1",
                    &es.metadata,
                )]),
                ..ObjectMeta::default()
            },
            data: Some(keys),
            ..Secret::default()
        });
    }
    let mut config_maps = Vec::new();
    for claim in &s.bucket_claims.items {
        let namespace = claim.metadata.namespace.clone().unwrap_or_default();
        let name = claim.metadata.name.clone().unwrap_or_default();
        let meta = ObjectMeta {
            name: Some(name.clone()),
            namespace: Some(namespace.clone()),
            labels: Some(BTreeMap::from([(
                "bucket-provisioner".to_string(),
                "rook-ceph.ceph.rook.io-bucket".to_string(),
            )])),
            owner_references: Some(vec![owned_by(
                "ObjectBucketClaim",
                "objectbucket.io/v1alpha1",
                &claim.metadata,
            )]),
            ..ObjectMeta::default()
        };
        if !has_secret(s, &namespace, &name) {
            let keys = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
                .map(|k| (k.to_string(), ByteString(Vec::new())));
            secrets.push(Secret {
                metadata: meta.clone(),
                data: Some(BTreeMap::from(keys)),
                ..Secret::default()
            });
        }
        if s.config_map(&namespace, &name).is_none() {
            let keys = [
                "BUCKET_HOST",
                "BUCKET_PORT",
                "BUCKET_NAME",
                "BUCKET_REGION",
                "BUCKET_SUBREGION",
            ]
            .map(|k| (k.to_string(), String::new()));
            config_maps.push(ConfigMap {
                metadata: meta,
                data: Some(BTreeMap::from(keys)),
                ..ConfigMap::default()
            });
        }
    }
    s.secrets.items.extend(secrets);
    s.config_maps.items.extend(config_maps);
}

/// The keys an ExternalSecret writes: `spec.data[].secretKey` and its
/// template's keys (what `dataFrom` brings is known only to the vault).
fn external_secret_keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .pointer("/spec/data")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| d.get("secretKey").and_then(Value::as_str).map(String::from))
        .collect();
    if let Some(template) = value
        .pointer("/spec/target/template/data")
        .and_then(Value::as_object)
    {
        keys.extend(template.keys().cloned());
    }
    keys
}

/// Every namespace an object of the manifests is in.
fn namespaces_of(s: &Snapshot) -> Vec<String> {
    let mut set = std::collections::BTreeSet::new();
    let mut add = |meta: &ObjectMeta| {
        if let Some(ns) = &meta.namespace {
            set.insert(ns.clone());
        }
    };
    s.deployments.items.iter().for_each(|o| add(&o.metadata));
    s.stateful_sets.items.iter().for_each(|o| add(&o.metadata));
    s.config_maps.items.iter().for_each(|o| add(&o.metadata));
    s.secrets.items.iter().for_each(|o| add(&o.metadata));
    s.services.items.iter().for_each(|o| add(&o.metadata));
    s.resource_quotas
        .items
        .iter()
        .for_each(|o| add(&o.metadata));
    s.limit_ranges.items.iter().for_each(|o| add(&o.metadata));
    s.network_policies
        .items
        .iter()
        .for_each(|o| add(&o.metadata));
    s.bucket_claims.items.iter().for_each(|o| add(&o.metadata));
    s.spark_applications
        .items
        .iter()
        .for_each(|o| add(&o.metadata));
    s.external_secrets
        .items
        .iter()
        .for_each(|o| add(&o.metadata));
    s.secret_stores.items.iter().for_each(|o| add(&o.metadata));
    s.prometheus_rules
        .items
        .iter()
        .for_each(|o| add(&o.metadata));
    s.pods.items.iter().for_each(|o| add(&o.metadata));
    s.jobs.items.iter().for_each(|o| add(&o.metadata));
    s.cron_jobs.items.iter().for_each(|o| add(&o.metadata));
    s.claims.items.iter().for_each(|o| add(&o.metadata));
    set.into_iter().collect()
}

impl Snapshot {
    /// Sets the scope and coverage for the namespaces the manifests fill: one
    /// namespace is judged as `-n` judges it; several as `-A` judges the
    /// platform's (operators' namespaces without compliance findings).
    fn scoped(mut self, namespaces: Vec<String>, operator_namespace: &str) -> Snapshot {
        let reason = "in the manifests".to_string();
        if let [only] = namespaces.as_slice() {
            self.scope = Some(Scope::Namespace(only.clone()));
            self.coverage = Coverage::named(only);
            self.coverage.namespaces[0].reasons = vec![reason];
        } else {
            self.scope = Some(Scope::All);
            self.coverage = Coverage {
                mode: Mode::Platform,
                namespaces: namespaces
                    .iter()
                    .map(|n| CoveredNamespace {
                        name: n.clone(),
                        reasons: vec![reason.clone()],
                        system: is_system_namespace(n, operator_namespace),
                    })
                    .collect(),
                skipped: 0,
                references: Vec::new(),
            };
        }
        self
    }

    /// The platform after a change: every object of `offline` replaces the
    /// applied object of the same kind, namespace and name, or is added; the
    /// live state (pods, statuses, events) is kept. The covered namespaces
    /// are the live snapshot's and the manifests'. Counts what was replaced
    /// and what added, as `quota check` counts replacements.
    pub(crate) fn with_manifests(mut self, offline: Snapshot) -> (Snapshot, Applied) {
        let mut n = Applied::default();
        replace(&mut n, &mut self.deployments, offline.deployments, |o| {
            &o.metadata
        });
        replace(
            &mut n,
            &mut self.stateful_sets,
            offline.stateful_sets,
            |o| &o.metadata,
        );
        replace(&mut n, &mut self.config_maps, offline.config_maps, |o| {
            &o.metadata
        });
        replace(&mut n, &mut self.secrets, offline.secrets, |o| &o.metadata);
        replace(&mut n, &mut self.services, offline.services, |o| {
            &o.metadata
        });
        replace(&mut n, &mut self.jobs, offline.jobs, |o| &o.metadata);
        replace(&mut n, &mut self.cron_jobs, offline.cron_jobs, |o| {
            &o.metadata
        });
        replace(
            &mut n,
            &mut self.resource_quotas,
            offline.resource_quotas,
            |o| &o.metadata,
        );
        replace(&mut n, &mut self.limit_ranges, offline.limit_ranges, |o| {
            &o.metadata
        });
        replace(
            &mut n,
            &mut self.network_policies,
            offline.network_policies,
            |o| &o.metadata,
        );
        replace(
            &mut n,
            &mut self.bucket_claims,
            offline.bucket_claims,
            |o| &o.metadata,
        );
        replace(
            &mut n,
            &mut self.spark_applications,
            offline.spark_applications,
            |o| &o.metadata,
        );
        replace(
            &mut n,
            &mut self.external_secrets,
            offline.external_secrets,
            |o| &o.metadata,
        );
        replace(
            &mut n,
            &mut self.secret_stores,
            offline.secret_stores,
            |o| &o.metadata,
        );
        replace(
            &mut n,
            &mut self.cluster_secret_stores,
            offline.cluster_secret_stores,
            |o| &o.metadata,
        );
        replace(
            &mut n,
            &mut self.prometheus_rules,
            offline.prometheus_rules,
            |o| &o.metadata,
        );
        replace(&mut n, &mut self.claims, offline.claims, |o| &o.metadata);
        for ns in offline.coverage.namespaces {
            if !self.coverage.includes(&ns.name) {
                self.coverage.namespaces.push(ns);
            }
        }
        if offline.rook_operator_config.is_some() {
            self.rook_operator_config = offline.rook_operator_config;
        }
        (self, n)
    }
}

/// How the manifests changed the live platform under `--cluster-state`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// Objects that replace an applied one of the same identity.
    pub replaced: usize,
    /// Objects the cluster does not have yet.
    pub added: usize,
}

/// `live` with each of `manifests`' objects in place of the one with its identity.
fn replace<T>(
    n: &mut Applied,
    live: &mut Listing<T>,
    manifests: Listing<T>,
    meta: fn(&T) -> &ObjectMeta,
) {
    for object in manifests.items {
        let id = |o: &T| (meta(o).namespace.clone(), meta(o).name.clone());
        let wanted = id(&object);
        match live.items.iter_mut().find(|o| id(o) == wanted) {
            Some(slot) => {
                *slot = object;
                n.replaced += 1;
            }
            None => {
                live.items.push(object);
                n.added += 1;
            }
        }
    }
    live.undecodable.extend(manifests.undecodable);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifests::parse_documents;

    const MANIFESTS: &str = "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: db, namespace: dp}\nspec:\n  secretStoreRef: {name: vault, kind: ClusterSecretStore}\n  target: {name: db-credentials}\n  data:\n  - secretKey: password\n    remoteRef: {key: db}\n---\napiVersion: objectbucket.io/v1alpha1\nkind: ObjectBucketClaim\nmetadata: {name: lake}\nspec: {storageClassName: rook-ceph-bucket}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: rook-ceph-operator-config, namespace: rook-ceph}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: broken, namespace: dp}\nspec: {replicas: \"three\"}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: dp}\n";

    #[test]
    fn controllers_outputs_are_written_and_nothing_else() {
        let manifests = parse_documents(std::path::Path::new("m.yaml"), MANIFESTS).unwrap();
        let (s, counted) = snapshot(&manifests, "dp", "rook-ceph");
        assert_eq!((counted.judged, counted.other), (4, 1));
        let synced = s.secret("dp", "db-credentials").unwrap();
        assert_eq!(
            crate::platform::ownership::secret_source(synced),
            crate::platform::ownership::SecretSource::ExternalSecrets
        );
        assert!(synced.data.as_ref().unwrap().contains_key("password"));
        // The claim went to the default namespace; Rook's Secret and ConfigMap with it.
        assert!(s.secret("dp", "lake").is_some());
        assert!(s.config_map("dp", "lake").is_some());
        assert!(s.rook_operator_config.is_some());
        assert_eq!(s.deployments.undecodable[0].name, "broken");
        assert!(s.pods.items.is_empty());
        assert!(s.coverage.is_system("rook-ceph"));
        assert_eq!(s.scope, Some(Scope::All));
    }
}
