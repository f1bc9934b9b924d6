//! The platform as one snapshot: every list the analysis needs, read
//! concurrently, one paginated call per kind and scope, no per-object requests.

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{
    ConfigMap, Event, LimitRange, Node, PersistentVolumeClaim, Pod, ResourceQuota, Secret, Service,
};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use kube::api::ListParams;

use crate::error::{Error, Result};
use crate::kube::{Availability, Cluster, Listing, Scope, resources};
use crate::platform::crds::{
    ExternalSecret, ObjectBucketClaim, PrometheusRule, SecretStore, SparkApplication,
};

#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub scope: Option<Scope>,
    pub taken_at: Option<jiff::Timestamp>,
    pub pods: Listing<Pod>,
    pub deployments: Listing<Deployment>,
    pub stateful_sets: Listing<StatefulSet>,
    pub config_maps: Listing<ConfigMap>,
    pub secrets: Listing<Secret>,
    pub services: Listing<Service>,
    pub jobs: Listing<Job>,
    pub resource_quotas: Listing<ResourceQuota>,
    pub limit_ranges: Listing<LimitRange>,
    pub network_policies: Listing<NetworkPolicy>,
    pub bucket_claims: Listing<ObjectBucketClaim>,
    pub spark_applications: Listing<SparkApplication>,
    pub external_secrets: Listing<ExternalSecret>,
    pub secret_stores: Listing<SecretStore>,
    pub cluster_secret_stores: Listing<SecretStore>,
    pub prometheus_rules: Listing<PrometheusRule>,
    pub claims: Listing<PersistentVolumeClaim>,
    /// Warning events in the scope (one list, `type=Warning`); the analysis
    /// keeps those of platform objects.
    pub events: Listing<Event>,
    /// Nodes and every active pod, read only when a platform pod is
    /// unschedulable for cpu or memory (to say how much is missing).
    pub nodes: Option<Listing<Node>>,
    pub scheduled_pods: Option<Listing<Pod>>,
    /// The last lines of crashed containers' previous runs, read after a first
    /// analysis for the crash loops and OOM kills it explains (see
    /// `status::analyse::crash_logs`).
    pub previous_runs: std::collections::BTreeMap<crate::kube::logs::ContainerRef, String>,
    /// What the Trino coordinator itself said (`status --probe`).
    pub engine: Option<crate::kube::engine::EngineProbe>,
    /// Rook's operator settings (which `additionalConfig` fields it accepts), when readable.
    pub rook_operator_config: Option<ConfigMap>,
}

/// Rook's operator settings ConfigMap.
pub const ROOK_OPERATOR_CONFIG: &str = "rook-ceph-operator-config";

impl Snapshot {
    /// Reads everything in `scope` at once. Fails only when the cluster cannot be
    /// reached or nothing at all may be read; a missing CRD or one forbidden kind
    /// is recorded in its listing.
    /// `rook_namespace` is where Rook's operator keeps `rook-ceph-operator-config`.
    pub async fn gather(
        cluster: &Cluster,
        scope: &Scope,
        rook_namespace: &str,
    ) -> Result<Snapshot> {
        let started = std::time::Instant::now();
        let all = ListParams::default();
        let warnings = ListParams::default().fields("type=Warning");
        let (
            pods,
            deployments,
            stateful_sets,
            config_maps,
            secrets,
            services,
            jobs,
            resource_quotas,
            limit_ranges,
            network_policies,
            volume_claims,
            events,
        ) = tokio::try_join!(
            cluster.list::<Pod>(scope, &all),
            cluster.list::<Deployment>(scope, &all),
            cluster.list::<StatefulSet>(scope, &all),
            cluster.list::<ConfigMap>(scope, &all),
            cluster.list::<Secret>(scope, &all),
            cluster.list::<Service>(scope, &all),
            cluster.list::<Job>(scope, &all),
            cluster.list::<ResourceQuota>(scope, &all),
            cluster.list::<LimitRange>(scope, &all),
            cluster.list::<NetworkPolicy>(scope, &all),
            cluster.list::<PersistentVolumeClaim>(scope, &all),
            cluster.list::<Event>(scope, &warnings),
        )?;
        let (claims, apps, externals, stores, cluster_stores, rules) = (
            resources::object_bucket_claim(),
            resources::spark_application(),
            resources::external_secret(),
            resources::secret_store(),
            resources::cluster_secret_store(),
            resources::prometheus_rule(),
        );
        let (
            bucket_claims,
            spark_applications,
            external_secrets,
            secret_stores,
            cluster_secret_stores,
            prometheus_rules,
            rook_operator_config,
        ) = tokio::try_join!(
            cluster.list_custom(&claims, Some(scope), &all),
            cluster.list_custom(&apps, Some(scope), &all),
            cluster.list_custom(&externals, Some(scope), &all),
            cluster.list_custom(&stores, Some(scope), &all),
            cluster.list_custom(&cluster_stores, None, &all),
            cluster.list_custom(&rules, Some(scope), &all),
            cluster.get_if_readable::<ConfigMap>(rook_namespace, ROOK_OPERATOR_CONFIG),
        )?;
        // Only an unschedulable pod needs the nodes: how much is missing.
        let (nodes, scheduled_pods) = if pods.items.iter().any(lacks_cpu_or_memory) {
            let active = crate::quota::active_pods();
            let (nodes, scheduled) = tokio::try_join!(
                cluster.list_cluster::<Node>(&all),
                cluster.list::<Pod>(&Scope::All, &active),
            )?;
            (Some(nodes), Some(scheduled))
        } else {
            (None, None)
        };
        let mut snapshot = Snapshot {
            scope: Some(scope.clone()),
            taken_at: Some(jiff::Timestamp::now()),
            pods,
            deployments,
            stateful_sets,
            config_maps,
            secrets,
            services,
            jobs,
            resource_quotas,
            limit_ranges,
            network_policies,
            bucket_claims,
            spark_applications,
            external_secrets,
            secret_stores,
            cluster_secret_stores,
            prometheus_rules,
            claims: volume_claims,
            events,
            nodes,
            scheduled_pods,
            previous_runs: Default::default(),
            engine: None,
            rook_operator_config,
        };
        snapshot.events.items.retain(|e| {
            // Only what the analysis can attach to a pod, workload or claim.
            matches!(
                e.involved_object.kind.as_deref(),
                Some("Pod" | "Deployment" | "StatefulSet" | "ReplicaSet" | "PersistentVolumeClaim")
            )
        });
        tracing::info!(
            "read {} pods, {} deployments, {} statefulsets, {} configmaps, {} secrets, {} claims, {} spark applications from {} in {} ms (18 lists and 1 get, concurrent)",
            snapshot.pods.items.len(),
            snapshot.deployments.items.len(),
            snapshot.stateful_sets.items.len(),
            snapshot.config_maps.items.len(),
            snapshot.secrets.items.len(),
            snapshot.bucket_claims.items.len(),
            snapshot.spark_applications.items.len(),
            scope.describe(),
            started.elapsed().as_millis()
        );
        for (kind, availability) in snapshot.availabilities() {
            if *availability != Availability::Available {
                tracing::info!("{kind}: {availability:?}");
            }
        }
        if snapshot.forbidden_everywhere() {
            return Err(Error::Forbidden {
                user: cluster.user_name().to_string(),
                verb: "list".into(),
                resource: "pods, deployments, configmaps or any other platform object".into(),
                scope: format!(" in {}", scope.describe()),
            });
        }
        Ok(snapshot)
    }

    /// Each list's plural and whether it could be read.
    fn availabilities(&self) -> [(&'static str, &Availability); 18] {
        [
            ("pods", &self.pods.availability),
            ("deployments", &self.deployments.availability),
            ("statefulsets", &self.stateful_sets.availability),
            ("configmaps", &self.config_maps.availability),
            ("secrets", &self.secrets.availability),
            ("services", &self.services.availability),
            ("jobs", &self.jobs.availability),
            ("resourcequotas", &self.resource_quotas.availability),
            ("limitranges", &self.limit_ranges.availability),
            ("networkpolicies", &self.network_policies.availability),
            ("objectbucketclaims", &self.bucket_claims.availability),
            ("sparkapplications", &self.spark_applications.availability),
            ("externalsecrets", &self.external_secrets.availability),
            ("secretstores", &self.secret_stores.availability),
            (
                "clustersecretstores",
                &self.cluster_secret_stores.availability,
            ),
            ("prometheusrules", &self.prometheus_rules.availability),
            ("persistentvolumeclaims", &self.claims.availability),
            ("events", &self.events.availability),
        ]
    }

    /// Every object of every list that could not be decoded (left out of the lists).
    pub fn undecodable(&self) -> Vec<&crate::kube::Undecodable> {
        [
            &self.pods.undecodable,
            &self.deployments.undecodable,
            &self.stateful_sets.undecodable,
            &self.config_maps.undecodable,
            &self.secrets.undecodable,
            &self.services.undecodable,
            &self.jobs.undecodable,
            &self.resource_quotas.undecodable,
            &self.limit_ranges.undecodable,
            &self.network_policies.undecodable,
            &self.bucket_claims.undecodable,
            &self.spark_applications.undecodable,
            &self.external_secrets.undecodable,
            &self.secret_stores.undecodable,
            &self.cluster_secret_stores.undecodable,
            &self.prometheus_rules.undecodable,
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn forbidden_everywhere(&self) -> bool {
        self.availabilities()
            .iter()
            .all(|(_, a)| matches!(a, Availability::Forbidden(_) | Availability::NotInstalled))
    }

    pub fn config_map(&self, namespace: &str, name: &str) -> Option<&ConfigMap> {
        self.config_maps.items.iter().find(|c| {
            c.metadata.namespace.as_deref() == Some(namespace)
                && c.metadata.name.as_deref() == Some(name)
        })
    }

    pub fn secret(&self, namespace: &str, name: &str) -> Option<&Secret> {
        self.secrets.items.iter().find(|s| {
            s.metadata.namespace.as_deref() == Some(namespace)
                && s.metadata.name.as_deref() == Some(name)
        })
    }

    pub fn service(&self, namespace: &str, name: &str) -> Option<&Service> {
        self.services.items.iter().find(|s| {
            s.metadata.namespace.as_deref() == Some(namespace)
                && s.metadata.name.as_deref() == Some(name)
        })
    }

    /// Whether objects of `namespace` were read (so that "absent" means absent).
    pub fn covers(&self, namespace: &str) -> bool {
        self.scope.as_ref().is_some_and(|s| s.includes(namespace))
    }

    /// Namespaces that hold platform workloads (or the scoped namespace).
    pub fn namespaces(&self) -> std::collections::BTreeSet<String> {
        let mut set: std::collections::BTreeSet<String> = self
            .deployments
            .items
            .iter()
            .map(|d| &d.metadata)
            .chain(self.stateful_sets.items.iter().map(|s| &s.metadata))
            .filter_map(|m| m.namespace.clone())
            .collect();
        if let Some(Scope::Namespace(ns)) = &self.scope {
            set.insert(ns.clone());
        }
        set
    }
}

/// Whether the scheduler could not place a pod for lack of cpu or memory.
pub fn lacks_cpu_or_memory(pod: &Pod) -> bool {
    pod.status
        .iter()
        .flat_map(|s| s.conditions.iter().flatten())
        .any(|c| {
            c.type_ == "PodScheduled"
                && c.status == "False"
                && c.message.as_deref().is_some_and(|m| {
                    m.contains("Insufficient memory") || m.contains("Insufficient cpu")
                })
        })
}
