//! The reads behind [`super::Snapshot::gather_selected`]: the small kinds
//! that find the platform, the kinds read only in its namespaces, and the
//! Services it names elsewhere.

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, Event, LimitRange, PersistentVolumeClaim, Pod, ResourceQuota, Secret, Service,
};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use kube::api::ListParams;

use crate::error::Result;
use crate::kube::{Availability, Cluster, Fetched, Listing, Scope, resources};
use crate::platform::crds::{
    ExternalSecret, ObjectBucketClaim, PrometheusRule, SecretStore, SparkApplication,
};

use super::coverage::{self, Coverage};
use super::{POD_PAGE, references};

/// The small kinds that tell where the platform is, read in the whole scope.
pub(super) struct Found {
    pub(super) deployments: Listing<Deployment>,
    pub(super) stateful_sets: Listing<StatefulSet>,
    pub(super) bucket_claims: Listing<ObjectBucketClaim>,
    pub(super) spark_applications: Listing<SparkApplication>,
}

impl Found {
    pub(super) async fn read(cluster: &Cluster, scope: &Scope) -> Result<Found> {
        let all = ListParams::default();
        let (claims, apps) = (
            resources::object_bucket_claim(),
            resources::spark_application(),
        );
        let (deployments, stateful_sets, bucket_claims, spark_applications) = tokio::try_join!(
            cluster.list::<Deployment>(scope, &all),
            cluster.list::<StatefulSet>(scope, &all),
            cluster.list_custom(&claims, Some(scope), &all),
            cluster.list_custom(&apps, Some(scope), &all),
        )?;
        Ok(Found {
            deployments,
            stateful_sets,
            bucket_claims,
            spark_applications,
        })
    }

    /// Only the objects of the covered namespaces.
    pub(super) fn within(mut self, coverage: &Coverage) -> Found {
        let keep = |meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta| {
            meta.namespace
                .as_deref()
                .is_some_and(|ns| coverage.includes(ns))
        };
        self.deployments.items.retain(|o| keep(&o.metadata));
        self.stateful_sets.items.retain(|o| keep(&o.metadata));
        self.bucket_claims.items.retain(|o| keep(&o.metadata));
        self.spark_applications.items.retain(|o| keep(&o.metadata));
        let undecodable_in = |u: &crate::kube::Undecodable| {
            u.namespace
                .as_deref()
                .is_none_or(|ns| coverage.includes(ns))
        };
        self.bucket_claims.undecodable.retain(undecodable_in);
        self.spark_applications.undecodable.retain(undecodable_in);
        self.deployments.undecodable.retain(undecodable_in);
        self.stateful_sets.undecodable.retain(undecodable_in);
        self
    }
}

/// The kinds read only in the covered namespaces.
pub(super) struct Inside {
    pub(super) pods: Listing<Pod>,
    pub(super) config_maps: Listing<ConfigMap>,
    pub(super) secrets: Listing<Secret>,
    pub(super) services: Listing<Service>,
    pub(super) jobs: Listing<Job>,
    pub(super) cron_jobs: Listing<CronJob>,
    pub(super) resource_quotas: Listing<ResourceQuota>,
    pub(super) limit_ranges: Listing<LimitRange>,
    pub(super) network_policies: Listing<NetworkPolicy>,
    pub(super) volume_claims: Listing<PersistentVolumeClaim>,
    pub(super) events: Listing<Event>,
    pub(super) external_secrets: Listing<ExternalSecret>,
    pub(super) secret_stores: Listing<SecretStore>,
}

impl Inside {
    /// Every list marked as not read, for `availability`'s reason.
    pub(super) fn unread(availability: &Availability) -> Inside {
        fn none<T>(availability: &Availability) -> Listing<T> {
            Listing {
                items: Vec::new(),
                availability: availability.clone(),
                undecodable: Vec::new(),
            }
        }
        Inside {
            pods: none(availability),
            config_maps: none(availability),
            secrets: none(availability),
            services: none(availability),
            jobs: none(availability),
            cron_jobs: none(availability),
            resource_quotas: none(availability),
            limit_ranges: none(availability),
            network_policies: none(availability),
            volume_claims: none(availability),
            events: none(availability),
            external_secrets: none(availability),
            secret_stores: none(availability),
        }
    }

    pub(super) async fn read(cluster: &Cluster, namespaces: &[String]) -> Result<Inside> {
        let all = ListParams::default();
        let pods = ListParams::default().limit(POD_PAGE);
        let warnings = ListParams::default().fields("type=Warning");
        // Helm's release records are the largest Secrets and never a finding.
        let secrets = ListParams::default().fields("type!=helm.sh/release.v1");
        let (externals, stores) = (resources::external_secret(), resources::secret_store());
        let (
            (pods, config_maps, secrets, services, jobs, resource_quotas),
            (
                limit_ranges,
                network_policies,
                volume_claims,
                events,
                external_secrets,
                secret_stores,
                cron_jobs,
            ),
        ) = tokio::try_join!(
            async {
                tokio::try_join!(
                    cluster.list_in::<Pod>(namespaces, &pods),
                    cluster.list_in::<ConfigMap>(namespaces, &all),
                    cluster.list_secret_keys_in(namespaces, &secrets),
                    cluster.list_in::<Service>(namespaces, &all),
                    cluster.list_in::<Job>(namespaces, &all),
                    cluster.list_in::<ResourceQuota>(namespaces, &all),
                )
            },
            async {
                tokio::try_join!(
                    cluster.list_in::<LimitRange>(namespaces, &all),
                    cluster.list_in::<NetworkPolicy>(namespaces, &all),
                    cluster.list_in::<PersistentVolumeClaim>(namespaces, &all),
                    cluster.list_in::<Event>(namespaces, &warnings),
                    cluster.list_custom_in(&externals, namespaces, &all),
                    cluster.list_custom_in(&stores, namespaces, &all),
                    cluster.list_in::<CronJob>(namespaces, &all),
                )
            },
        )?;
        Ok(Inside {
            pods,
            config_maps,
            secrets,
            services,
            jobs,
            cron_jobs,
            resource_quotas,
            limit_ranges,
            network_policies,
            volume_claims,
            events,
            external_secrets,
            secret_stores,
        })
    }
}

/// Reads each referenced Service by name (at most [`references::MAX_REFERENCES`]).
pub(super) async fn read_references(
    cluster: &Cluster,
    wanted: std::collections::BTreeMap<(String, String), String>,
) -> Result<Vec<coverage::Reference>> {
    use coverage::{Reference, ReferenceState};
    use futures::StreamExt;
    let total = wanted.len();
    let answers: Vec<Result<Reference>> = futures::stream::iter(wanted.into_iter().enumerate())
        .map(|(i, ((namespace, name), referenced_by))| async move {
            let (state, reason) = if i >= references::MAX_REFERENCES {
                (
                    ReferenceState::NotChecked,
                    Some(format!(
                        "{total} Services in other namespaces are referenced; only the first {} are read",
                        references::MAX_REFERENCES
                    )),
                )
            } else {
                match cluster.fetch::<Service>(&namespace, &name).await? {
                    Fetched::Found(_) => (ReferenceState::Found, None),
                    Fetched::Absent => (ReferenceState::Absent, None),
                    Fetched::Unknown(why) => (ReferenceState::NotChecked, Some(why)),
                }
            };
            Ok(Reference {
                kind: "Service".into(),
                namespace,
                name,
                referenced_by,
                state,
                reason,
            })
        })
        .buffered(8)
        .collect()
        .await;
    answers.into_iter().collect()
}

/// A PrometheusRule in a covered namespace, or one about Trino, Nessie or Spark
/// wherever it lives (the monitoring stack's namespace).
pub(super) fn is_platform_rule(rule: &PrometheusRule, coverage: &Coverage) -> bool {
    if rule
        .metadata
        .namespace
        .as_deref()
        .is_some_and(|ns| coverage.includes(ns))
    {
        return true;
    }
    let text = serde_json::to_string(&rule.spec)
        .unwrap_or_default()
        .to_lowercase();
    ["trino", "nessie", "spark"]
        .iter()
        .any(|c| text.contains(c))
}
