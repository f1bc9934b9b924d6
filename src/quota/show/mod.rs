//! `kubectl dp quota` (show): quota usage, LimitRanges, pods without requests or
//! limits, and the nodes' allocatable against what the scheduled pods ask for.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{LimitRange, Node, Pod, ResourceQuota};
use serde::Serialize;

use crate::kube::{Availability, Listing, Scope};
use crate::platform::quantity::Quantity;

use super::By;
use crate::cli::FormatKind;
use crate::platform::resources::{self, Capacity, Totals};

mod render;

pub use render::{csv, table};

/// The `kind` of `kubectl dp quota -o json`.
pub(crate) const KIND: &str = "QuotaReport";

/// The `-o` values `kubectl dp quota` can write.
pub(crate) const FORMATS: [FormatKind; 7] = super::TABLE_FORMATS;

/// Everything `quota show` read from the cluster.
pub struct Gathered {
    /// The namespaces read.
    pub scope: Scope,
    /// The quotas of the scope.
    pub quotas: Listing<ResourceQuota>,
    /// The LimitRanges of the scope.
    pub limit_ranges: Listing<LimitRange>,
    /// Active pods of the whole cluster when readable, else only of the scope.
    pub pods: Listing<Pod>,
    /// `pods` holds every namespace's pods.
    pub pods_cluster_wide: bool,
    /// The nodes (only those `node_selector` matches, when given).
    pub nodes: Listing<Node>,
    /// `-l`: the quotas and LimitRanges were listed with this label selector.
    pub selector: Option<String>,
    /// `--node-selector`: the node view is of those nodes and their pods.
    pub node_selector: Option<String>,
}

/// What `kubectl dp quota` reports (kind `QuotaReport`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuotaReport {
    /// The namespaces the quota view covers.
    pub scope: Scope,
    /// Each quota with its usage.
    pub quotas: Vec<QuotaView>,
    /// Each LimitRange, one row per type and resource.
    pub limit_ranges: Vec<LimitRangeRow>,
    /// Containers without requests or limits.
    pub pods_without_resources: Vec<PodWithout>,
    /// The nodes' allocatable against what pods ask for.
    pub cluster: ClusterView,
    /// Sections that could not be read, and why.
    pub unavailable: Vec<String>,
    /// The lists that could not be read (`nodes`, `resourcequotas`, ...): their
    /// sections are "not checked", never zero or none (`cluster.allocatable` is
    /// `null` when `nodes` is here).
    pub not_checked: Vec<String>,
    /// `--usage`: measured usage against requests and limits (see `measured`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<super::measured::UsageView>,
    /// `-l`: the label selector the quotas and LimitRanges were listed with.
    #[serde(skip)]
    pub selector: Option<String>,
    /// The namespaces whose pods were read (for "holds nothing": where to look instead).
    #[serde(skip)]
    pub pod_namespaces: Vec<String>,
    /// The scope holds pods (readable and present).
    #[serde(skip)]
    pub scope_has_pods: bool,
}

/// One quota with its usage.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuotaView {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// One row per resource it limits.
    pub resources: Vec<QuotaRow>,
}

/// One resource of a quota.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuotaRow {
    /// The resource (`requests.cpu`).
    pub resource: String,
    /// Computed from the namespace's pods where possible, else `status.used`.
    pub used: Quantity,
    /// What the API server's quota controller last wrote in `status.used`.
    pub reported_used: Option<Quantity>,
    /// Its hard limit.
    pub hard: Quantity,
    /// What is left.
    pub free: Quantity,
    /// Used as a percentage of hard.
    pub percent: Option<f64>,
}

/// One LimitRange entry.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LimitRangeRow {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// `Container`, `Pod` or `PersistentVolumeClaim`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The resource.
    pub resource: String,
    /// `defaultRequest`.
    pub default_request: Option<Quantity>,
    /// `default` (the default limit).
    pub default: Option<Quantity>,
    /// `min`.
    pub min: Option<Quantity>,
    /// `max`.
    pub max: Option<Quantity>,
    /// `maxLimitRequestRatio`.
    pub max_limit_request_ratio: Option<Quantity>,
}

/// A container without requests or limits.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodWithout {
    /// Its namespace.
    pub namespace: String,
    /// Its pod.
    pub pod: String,
    /// The container.
    pub container: String,
    /// What it lacks (`requests.memory`).
    pub missing: Vec<String>,
}

/// The node view.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterView {
    /// How rows are grouped (`--by`); none: the cluster as a whole.
    pub by: Option<By>,
    /// All nodes' allocatable; `null` when the nodes could not be read (never
    /// zero).
    pub allocatable: Option<Capacity>,
    /// What all pods ask for.
    pub total: Totals,
    /// One row per group.
    pub rows: Vec<GroupRow>,
    /// `--node-selector`: only the nodes it matches, and the pods on them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_selector: Option<String>,
}

/// One row of the node view.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupRow {
    /// The node, namespace, component or pod.
    pub name: String,
    /// The node's allocatable (`--by node` only); otherwise the cluster's is the reference.
    pub allocatable: Option<Capacity>,
    /// What its pods ask for.
    #[serde(flatten)]
    pub totals: Totals,
}

/// Usage of every resource of one quota, computed from the pods of its namespace.
pub(crate) fn quota_view(quota: &ResourceQuota, pods: &[&Pod], now: jiff::Timestamp) -> QuotaView {
    let namespace = quota.metadata.namespace.clone().unwrap_or_default();
    let hard =
        crate::platform::quantity::parse_map(quota.spec.as_ref().and_then(|s| s.hard.as_ref()));
    let reported =
        crate::platform::quantity::parse_map(quota.status.as_ref().and_then(|s| s.used.as_ref()));
    let mut resources = Vec::new();
    for (key, hard_value) in &hard {
        let mut computed: Option<Quantity> = None;
        if resources::quota_key_of_pods(key) {
            let mut sum = Quantity::ZERO;
            let mut computable = true;
            for pod in pods
                .iter()
                .filter(|p| p.metadata.namespace.as_deref() == Some(namespace.as_str()))
            {
                let Some(spec) = pod.spec.as_ref() else {
                    continue;
                };
                if !resources::is_active(pod, now) {
                    continue;
                }
                match resources::matches_scopes(quota, spec) {
                    None => {
                        computable = false;
                        break;
                    }
                    Some(false) => continue,
                    Some(true) => {}
                }
                let resources = resources::pod_resources(spec);
                sum += resources::pod_quota_usage(&resources, key).unwrap_or_default();
            }
            if computable {
                computed = Some(sum);
            }
        }
        let reported_used = reported.get(key).copied();
        let used = computed.or(reported_used).unwrap_or_default();
        resources.push(QuotaRow {
            resource: key.clone(),
            used,
            reported_used,
            hard: *hard_value,
            free: hard_value.saturating_sub(used),
            percent: resources::percent(used, *hard_value),
        });
    }
    QuotaView {
        namespace,
        name: quota.metadata.name.clone().unwrap_or_default(),
        resources,
    }
}

/// A LimitRange as rows, one per type and resource.
pub(crate) fn limit_range_rows(range: &LimitRange) -> Vec<LimitRangeRow> {
    let mut rows = Vec::new();
    for item in range.spec.iter().flat_map(|s| s.limits.iter()) {
        let maps = [
            crate::platform::quantity::parse_map(item.default_request.as_ref()),
            crate::platform::quantity::parse_map(item.default.as_ref()),
            crate::platform::quantity::parse_map(item.min.as_ref()),
            crate::platform::quantity::parse_map(item.max.as_ref()),
            crate::platform::quantity::parse_map(item.max_limit_request_ratio.as_ref()),
        ];
        let mut names: Vec<&String> = maps.iter().flat_map(|m| m.keys()).collect();
        names.sort();
        names.dedup();
        for name in names {
            rows.push(LimitRangeRow {
                namespace: range.metadata.namespace.clone().unwrap_or_default(),
                name: range.metadata.name.clone().unwrap_or_default(),
                type_: item.type_.clone(),
                resource: name.clone(),
                default_request: maps[0].get(name).copied(),
                default: maps[1].get(name).copied(),
                min: maps[2].get(name).copied(),
                max: maps[3].get(name).copied(),
                max_limit_request_ratio: maps[4].get(name).copied(),
            });
        }
    }
    rows
}

/// The nodes' allocatable against the scheduled pods, grouped as asked.
pub(crate) fn cluster_view(
    nodes: &[Node],
    pods: &[&Pod],
    scope: &Scope,
    by: Option<By>,
    now: jiff::Timestamp,
) -> ClusterView {
    let mut allocatable = Capacity::default();
    let mut per_node: BTreeMap<String, Capacity> = BTreeMap::new();
    for node in nodes {
        let capacity = resources::node_allocatable(node);
        allocatable.add(&capacity);
        per_node.insert(node.metadata.name.clone().unwrap_or_default(), capacity);
    }
    let mut total = Totals::default();
    let mut groups: BTreeMap<String, Totals> = BTreeMap::new();
    if by == Some(By::Node) {
        for name in per_node.keys() {
            groups.insert(name.clone(), Totals::default());
        }
    }
    for pod in pods {
        let Some(spec) = pod.spec.as_ref() else {
            continue;
        };
        if !resources::is_scheduled(pod, now) {
            continue;
        }
        let resources = resources::pod_resources(spec);
        total.add_pod(&resources);
        let namespace = pod.metadata.namespace.as_deref().unwrap_or("");
        let key = match by {
            None => continue,
            Some(By::Node) => spec.node_name.clone().unwrap_or_default(),
            _ if !scope.includes(namespace) => continue,
            Some(By::Namespace) => namespace.to_string(),
            Some(By::Component) => {
                let labels = pod.metadata.labels.clone().unwrap_or_default();
                resources::pod_group_of(&labels).label().to_string()
            }
            Some(By::Pod) => format!("{namespace}/{}", pod.metadata.name.as_deref().unwrap_or("")),
        };
        groups.entry(key).or_default().add_pod(&resources);
    }
    let rows = groups
        .into_iter()
        .map(|(name, totals)| GroupRow {
            allocatable: per_node
                .get(&name)
                .cloned()
                .filter(|_| by == Some(By::Node)),
            name,
            totals,
        })
        .collect();
    ClusterView {
        by,
        allocatable: Some(allocatable),
        total,
        rows,
        node_selector: None,
    }
}

fn describe(what: &str, availability: &Availability) -> Option<String> {
    match availability {
        Availability::Available => None,
        Availability::NotInstalled => Some(format!("{what}: not served by this API server")),
        Availability::Forbidden(reason) => Some(format!("{what}: forbidden ({reason})")),
        Availability::Failed(reason) => Some(format!("{what}: {reason}")),
    }
}

impl Gathered {
    /// Nothing the report needs could be read (forbidden or failed everywhere):
    /// a report of zeros would be wrong, so the command fails.
    pub(crate) fn nothing_readable(&self) -> bool {
        [
            &self.quotas.availability,
            &self.limit_ranges.availability,
            &self.pods.availability,
            &self.nodes.availability,
        ]
        .iter()
        .all(|a| matches!(a, Availability::Forbidden(_) | Availability::Failed(_)))
    }
}

/// The active containers of `pods` without requests or limits, by namespace and pod.
fn pods_without(pods: &[&Pod], now: jiff::Timestamp) -> Vec<PodWithout> {
    let mut pods_without_resources = Vec::new();
    for pod in pods {
        let Some(spec) = pod.spec.as_ref() else {
            continue;
        };
        if !resources::is_active(pod, now) {
            continue;
        }
        for (container, missing) in resources::missing_resources(spec) {
            pods_without_resources.push(PodWithout {
                namespace: pod.metadata.namespace.clone().unwrap_or_default(),
                pod: pod.metadata.name.clone().unwrap_or_default(),
                container,
                missing,
            });
        }
    }
    pods_without_resources.sort_by(|a, b| (&a.namespace, &a.pod).cmp(&(&b.namespace, &b.pod)));
    pods_without_resources
}

/// What could not be read: one line per section for people (`unavailable`) and
/// the plurals of the lists (`not_checked`).
fn unread_sections(g: &Gathered) -> (Vec<String>, Vec<String>) {
    let mut unavailable: Vec<String> = [
        describe("resourcequotas", &g.quotas.availability),
        describe("limitranges", &g.limit_ranges.availability),
        describe("pods", &g.pods.availability),
        describe("nodes", &g.nodes.availability),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !g.pods_cluster_wide && g.pods.is_available() {
        unavailable.push(
            "pods of other namespaces: forbidden, so node usage counts only this scope's pods"
                .into(),
        );
    }
    let not_checked = [
        ("resourcequotas", &g.quotas.availability),
        ("limitranges", &g.limit_ranges.availability),
        ("pods", &g.pods.availability),
        ("nodes", &g.nodes.availability),
    ]
    .into_iter()
    .filter(|(_, a)| matches!(a, Availability::Forbidden(_) | Availability::Failed(_)))
    .map(|(plural, _)| plural.to_string())
    .collect();
    (unavailable, not_checked)
}

/// The report from what was read (pure).
pub fn build(g: &Gathered, by: Option<By>, now: jiff::Timestamp) -> QuotaReport {
    let scoped_pods: Vec<&Pod> = g
        .pods
        .items
        .iter()
        .filter(|p| {
            g.scope
                .includes(p.metadata.namespace.as_deref().unwrap_or(""))
        })
        .collect();
    let mut quotas: Vec<QuotaView> = g
        .quotas
        .items
        .iter()
        .map(|q| quota_view(q, &scoped_pods, now))
        .collect();
    quotas.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    let limit_ranges = g
        .limit_ranges
        .items
        .iter()
        .flat_map(limit_range_rows)
        .collect();
    let pods_without_resources = pods_without(&scoped_pods, now);
    // A node pool: its nodes' allocatable against the pods scheduled on them.
    let pool: Option<std::collections::BTreeSet<&str>> = g.node_selector.as_ref().map(|_| {
        g.nodes
            .items
            .iter()
            .filter_map(|n| n.metadata.name.as_deref())
            .collect()
    });
    let all_pods: Vec<&Pod> = g
        .pods
        .items
        .iter()
        .filter(|p| {
            pool.as_ref().is_none_or(|pool| {
                p.spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_deref())
                    .is_some_and(|n| pool.contains(n))
            })
        })
        .collect();
    let mut cluster = cluster_view(&g.nodes.items, &all_pods, &g.scope, by, now);
    cluster.node_selector = g.node_selector.clone();
    if !g.nodes.is_available() {
        cluster.allocatable = None;
    }
    let (unavailable, not_checked) = unread_sections(g);
    let mut pod_namespaces: Vec<String> = g
        .pods
        .items
        .iter()
        .filter_map(|p| p.metadata.namespace.clone())
        .collect();
    pod_namespaces.sort();
    pod_namespaces.dedup();
    QuotaReport {
        not_checked,
        selector: g.selector.clone(),
        scope_has_pods: !scoped_pods.is_empty(),
        pod_namespaces,
        scope: g.scope.clone(),
        quotas,
        limit_ranges,
        pods_without_resources,
        cluster,
        unavailable,
        usage: None,
    }
}

#[cfg(test)]
mod tests;
