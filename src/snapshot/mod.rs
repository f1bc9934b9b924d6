//! The platform as one snapshot: every list the analysis needs, read
//! concurrently, one paginated call per kind and namespace, no per-object
//! requests but the few Services the platform names in other namespaces.

pub mod coverage;
pub mod offline;
mod read;
pub mod references;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::ServiceAccount;
use k8s_openapi::api::core::v1::{
    ConfigMap, Event, LimitRange, Node, PersistentVolumeClaim, Pod, ResourceQuota, Secret, Service,
};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::api::storage::v1::StorageClass;
use kube::api::ListParams;

use crate::error::{Error, Result};
use crate::kube::{Availability, Cluster, Listing, Scope, resources};
use crate::platform::crds::{
    ExternalSecret, ObjectBucketClaim, PrometheusRule, SecretStore, SparkApplication,
};

pub use coverage::Coverage;
use read::{Found, Inside, is_platform_rule, read_references};

/// Pods per page: pods are the largest list, and fewer, larger pages save
/// round trips (each page of 2,000 pods is a few MB).
const POD_PAGE: u32 = 2000;

/// Objects that pod templates and claims name by name: read so that a name
/// leading nowhere is a finding (`references.object-missing`). `None`: not
/// read (a snapshot of manifests, a test), so not judged.
#[derive(Debug, Clone, Default)]
pub struct Named {
    /// ServiceAccounts of the covered namespaces.
    pub service_accounts: Option<Listing<ServiceAccount>>,
    /// StorageClasses (cluster-scoped).
    pub storage_classes: Option<Listing<StorageClass>>,
    /// PriorityClasses (cluster-scoped).
    pub priority_classes: Option<Listing<PriorityClass>>,
}

#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub scope: Option<Scope>,
    /// Which namespaces were read and why, and the Services read in others.
    pub coverage: Coverage,
    pub taken_at: Option<jiff::Timestamp>,
    pub pods: Listing<Pod>,
    pub deployments: Listing<Deployment>,
    pub stateful_sets: Listing<StatefulSet>,
    pub config_maps: Listing<ConfigMap>,
    pub secrets: Listing<Secret>,
    pub services: Listing<Service>,
    pub jobs: Listing<Job>,
    /// CronJobs: their job template's pods are judged as a workload's.
    pub cron_jobs: Listing<CronJob>,
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
    /// What pod templates and claims name that the platform does not own.
    pub named: Named,
    pub scheduled_pods: Option<Listing<Pod>>,
    /// The last lines of crashed containers' previous runs, read after a first
    /// analysis for the crash loops and OOM kills it explains (see
    /// `status::analyse::crash_logs`).
    pub previous_runs: std::collections::BTreeMap<crate::kube::logs::ContainerRef, String>,
    /// What the Trino coordinator itself said (`status --probe`).
    pub engine: Option<crate::trino::probe::EngineProbe>,
    /// Rook's operator settings (which `additionalConfig` fields it accepts), when readable.
    pub rook_operator_config: Option<ConfigMap>,
}

/// Rook's operator settings ConfigMap.
pub(crate) const ROOK_OPERATOR_CONFIG: &str = "rook-ceph-operator-config";

impl Snapshot {
    /// Reads everything in `scope` at once; [`Snapshot::gather_selected`] with no selector.
    /// `rook_namespace` is where Rook's operator keeps `rook-ceph-operator-config`.
    pub async fn gather(
        cluster: &Cluster,
        scope: &Scope,
        rook_namespace: &str,
    ) -> Result<Snapshot> {
        Snapshot::gather_selected(cluster, scope, rook_namespace, None).await
    }

    /// Reads the platform. With `-n` every list is of that namespace. With
    /// `-A` the small kinds (namespaces, Deployments, StatefulSets, claims,
    /// SparkApplications) are listed first to find the platform's namespaces
    /// ([`coverage::discover`]), or `selector`'s namespaces are taken; the
    /// other kinds (pods, ConfigMaps, Secrets…) are then listed only there.
    /// Services the platform names in other namespaces are read by name
    /// ([`references::outside`], at most [`references::MAX_REFERENCES`]).
    /// Fails only when the cluster cannot be reached or nothing at all may be
    /// read; a missing CRD or one forbidden kind is recorded in its listing.
    pub(crate) async fn gather_selected(
        cluster: &Cluster,
        scope: &Scope,
        rook_namespace: &str,
        selector: Option<&str>,
    ) -> Result<Snapshot> {
        let started = std::time::Instant::now();
        let (found, coverage, inside) =
            read_platform(cluster, scope, rook_namespace, selector).await?;
        let all = ListParams::default();
        let (stores, rules) = (
            resources::cluster_secret_store(),
            resources::prometheus_rule(),
        );
        let names = coverage.names();
        let (
            cluster_secret_stores,
            mut prometheus_rules,
            rook_operator_config,
            (service_accounts, storage_classes, priority_classes),
        ) = tokio::try_join!(
            cluster.list_custom(&stores, None, &all),
            // Alerting rules often live in the monitoring stack's namespace: with
            // -A they are read everywhere and those about the platform kept.
            cluster.list_custom::<PrometheusRule>(&rules, Some(scope), &all),
            cluster.fetch::<ConfigMap>(rook_namespace, ROOK_OPERATOR_CONFIG),
            async {
                tokio::try_join!(
                    cluster.list_in::<ServiceAccount>(&names, &all),
                    cluster.list_cluster::<StorageClass>(&all),
                    cluster.list_cluster::<PriorityClass>(&all),
                )
            },
        )?;
        prometheus_rules
            .items
            .retain(|r| is_platform_rule(r, &coverage));
        let mut coverage = coverage;
        coverage.references = read_references(
            cluster,
            references::outside(
                &coverage,
                &inside.config_maps.items,
                &found.deployments.items,
                &found.stateful_sets.items,
            ),
        )
        .await?;
        let (nodes, scheduled_pods) = read_nodes_if_needed(cluster, &inside.pods.items).await?;
        let mut snapshot = Snapshot {
            scope: Some(scope.clone()),
            coverage,
            taken_at: Some(jiff::Timestamp::now()),
            pods: inside.pods,
            deployments: found.deployments,
            stateful_sets: found.stateful_sets,
            config_maps: inside.config_maps,
            secrets: inside.secrets,
            services: inside.services,
            jobs: inside.jobs,
            cron_jobs: inside.cron_jobs,
            resource_quotas: inside.resource_quotas,
            limit_ranges: inside.limit_ranges,
            network_policies: inside.network_policies,
            bucket_claims: found.bucket_claims,
            spark_applications: found.spark_applications,
            external_secrets: inside.external_secrets,
            secret_stores: inside.secret_stores,
            cluster_secret_stores,
            prometheus_rules,
            claims: inside.volume_claims,
            events: inside.events,
            nodes,
            named: Named {
                service_accounts: Some(service_accounts),
                storage_classes: Some(storage_classes),
                priority_classes: Some(priority_classes),
            },
            scheduled_pods,
            previous_runs: Default::default(),
            engine: None,
            rook_operator_config: rook_operator_config.found(),
        };
        snapshot.keep_attachable_events();
        snapshot.log_what_was_read(scope, started);
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

    /// Keeps only the events the analysis can attach to a pod, workload or claim.
    fn keep_attachable_events(&mut self) {
        self.events.items.retain(|e| {
            matches!(
                e.involved_object.kind.as_deref(),
                Some("Pod" | "Deployment" | "StatefulSet" | "ReplicaSet" | "PersistentVolumeClaim")
            )
        });
    }

    /// Logs (at info) how much was read from where, and what could not be read.
    fn log_what_was_read(&self, scope: &Scope, started: std::time::Instant) {
        tracing::info!(
            "read {} pods, {} deployments, {} statefulsets, {} configmaps, {} secrets, {} claims, {} spark applications from {} namespace(s) of {} ({} skipped) and {} referenced service(s) in {} ms",
            self.pods.items.len(),
            self.deployments.items.len(),
            self.stateful_sets.items.len(),
            self.config_maps.items.len(),
            self.secrets.items.len(),
            self.bucket_claims.items.len(),
            self.spark_applications.items.len(),
            self.coverage.namespaces.len(),
            scope.describe(),
            self.coverage.skipped,
            self.coverage.references.len(),
            started.elapsed().as_millis()
        );
        for (kind, availability) in self.availabilities() {
            if *availability != Availability::Available {
                tracing::info!("{kind}: {availability:?}");
            }
        }
    }

    /// Each list's plural and whether it could be read.
    fn availabilities(&self) -> [(&'static str, &Availability); 19] {
        [
            ("pods", &self.pods.availability),
            ("deployments", &self.deployments.availability),
            ("statefulsets", &self.stateful_sets.availability),
            ("configmaps", &self.config_maps.availability),
            ("secrets", &self.secrets.availability),
            ("services", &self.services.availability),
            ("jobs", &self.jobs.availability),
            ("cronjobs", &self.cron_jobs.availability),
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
            &self.cron_jobs.undecodable,
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

    /// Whether Service `namespace/name` exists: `None` when that is not known
    /// (its namespace was not read and it was not among the referenced Services read by name).
    pub(crate) fn service_exists(&self, namespace: &str, name: &str) -> Option<bool> {
        if self.covers(namespace) {
            return self
                .services
                .is_available()
                .then(|| self.service(namespace, name).is_some());
        }
        self.coverage.referenced_service(namespace, name)
    }

    pub fn service(&self, namespace: &str, name: &str) -> Option<&Service> {
        self.services.items.iter().find(|s| {
            s.metadata.namespace.as_deref() == Some(namespace)
                && s.metadata.name.as_deref() == Some(name)
        })
    }

    /// Whether objects of `namespace` were read (so that "absent" means absent).
    pub fn covers(&self, namespace: &str) -> bool {
        if !self.coverage.namespaces.is_empty() {
            return self.coverage.includes(namespace);
        }
        self.scope.as_ref().is_some_and(|s| s.includes(namespace))
    }

    /// Namespaces that need the platform's fences (quota, limits, default-deny):
    /// the covered ones but system namespaces, else those holding platform workloads.
    pub fn namespaces(&self) -> std::collections::BTreeSet<String> {
        if !self.coverage.namespaces.is_empty() {
            return self
                .coverage
                .namespaces
                .iter()
                .filter(|n| !self.coverage.is_system(&n.name))
                .map(|n| n.name.clone())
                .collect();
        }
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

/// The platform's objects in scope: with `-n`, that namespace; with `-A`, the
/// small kinds listed everywhere to find the platform's namespaces (or
/// `selector`'s), then the other kinds listed only there.
async fn read_platform(
    cluster: &Cluster,
    scope: &Scope,
    rook_namespace: &str,
    selector: Option<&str>,
) -> Result<(Found, Coverage, Inside)> {
    Ok(match scope {
        Scope::Namespace(ns) => {
            let coverage = Coverage::named(ns);
            let names = coverage.names();
            let (found, inside) =
                tokio::try_join!(Found::read(cluster, scope), Inside::read(cluster, &names))?;
            (found, coverage, inside)
        }
        Scope::All => {
            let (found, namespaces, all_namespaces) = tokio::try_join!(
                Found::read(cluster, scope),
                cluster.namespaces(selector),
                async {
                    // The selector's namespaces are counted against all of them.
                    match selector {
                        Some(_) => cluster.namespaces(None).await.map(Some),
                        None => Ok(None),
                    }
                },
            )?;
            let coverage = match selector {
                Some(selector) => {
                    if !namespaces.is_available() {
                        return Err(Error::Usage(format!(
                            "--namespace-selector needs to list namespaces: {}",
                            namespaces.availability.describe()
                        )));
                    }
                    let total = all_namespaces
                        .filter(|l| l.is_available())
                        .map_or(namespaces.items.len(), |l| l.items.len());
                    coverage::selected(&namespaces.items, selector, total, rook_namespace)
                }
                None => coverage::discover(&coverage::Discovery {
                    namespaces: namespaces
                        .is_available()
                        .then_some(namespaces.items.as_slice()),
                    deployments: &found.deployments.items,
                    stateful_sets: &found.stateful_sets.items,
                    bucket_claims: &found.bucket_claims.items,
                    spark_applications: &found.spark_applications.items,
                    operator_namespace: rook_namespace,
                }),
            };
            // Nothing found because nothing could be read: say so rather
            // than report an empty, healthy platform.
            let discovery = &found.deployments.availability;
            let inside = if coverage.namespaces.is_empty() && *discovery != Availability::Available
            {
                Inside::unread(discovery)
            } else {
                Inside::read(cluster, &coverage.names()).await?
            };
            (found.within(&coverage), coverage, inside)
        }
    })
}

/// The nodes, when a pod is unschedulable, and every scheduled pod, when one
/// lacks cpu or memory; `None` for what is not needed.
async fn read_nodes_if_needed(
    cluster: &Cluster,
    pods: &[Pod],
) -> Result<(Option<Listing<Node>>, Option<Listing<Pod>>)> {
    let all = ListParams::default();
    // Only an unschedulable pod needs the nodes (which label, taint or how
    // much is missing), and only a shortfall of cpu or memory every pod.
    let active = crate::kube::active_pods();
    Ok(if pods.iter().any(lacks_cpu_or_memory) {
        let (nodes, scheduled) = tokio::try_join!(
            cluster.list_cluster::<Node>(&all),
            cluster.list_pod_resources(&Scope::All, &active),
        )?;
        (Some(nodes), Some(scheduled))
    } else if pods.iter().any(is_unschedulable) {
        (Some(cluster.list_cluster::<Node>(&all).await?), None)
    } else {
        (None, None)
    })
}

/// Whether the scheduler found no node for the pod, for any reason.
pub(crate) fn is_unschedulable(pod: &Pod) -> bool {
    pod.status
        .iter()
        .flat_map(|s| s.conditions.iter().flatten())
        .any(|c| {
            c.type_ == "PodScheduled"
                && c.status == "False"
                && c.reason.as_deref() == Some("Unschedulable")
        })
}

/// Whether the scheduler could not place a pod for lack of cpu or memory.
pub(crate) fn lacks_cpu_or_memory(pod: &Pod) -> bool {
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
