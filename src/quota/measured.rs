//! `quota --usage`: what the pods use now (the metrics API) against what they
//! request and may use at most, per pod, per namespace and per node, as
//! kubectl-view-allocations' `-u` shows it. Pure arithmetic and rendering; the
//! metrics are read in `crate::kube::metrics`.

use std::collections::BTreeMap;
use std::io::Write;

use k8s_openapi::api::core::v1::{Node, Pod};
use serde::Serialize;

use crate::cli::Palette;
use crate::error::Result;
use crate::kube::metrics::PodUsage;
use crate::kube::{Availability, Scope};
use crate::platform::quantity::Quantity;

use crate::platform::resources::{self, Totals};

/// The usage section of the report.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageView {
    /// Whether the metrics API answered; when not, `reason` says why and the rows
    /// are empty.
    pub available: bool,
    /// Why there are no figures, when the metrics API did not answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The newest sample time among the pods' metrics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sampled_at: Option<String>,
    /// One row per node.
    pub nodes: Vec<UsageRow>,
    /// One row per namespace.
    pub namespaces: Vec<UsageRow>,
    /// One row per pod.
    pub pods: Vec<UsageRow>,
}

/// One node, namespace or pod (`namespace/name`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageRow {
    /// The node, namespace or `namespace/pod`.
    pub name: String,
    /// Running pods counted in the row.
    pub pods: i64,
    /// How many of them have metrics yet.
    pub measured_pods: i64,
    /// CPU used against requests, limits and allocatable.
    pub cpu: Measured,
    /// Memory used against requests, limits and allocatable.
    pub memory: Measured,
}

/// One resource of a row. `used` sums the pods that have metrics; `None` when
/// none has. The percentages are of `used` in the requests, limits and (nodes
/// only) the allocatable.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Measured {
    /// What the measured pods use.
    pub used: Option<Quantity>,
    /// The pods' requests.
    pub requests: Quantity,
    /// The pods' limits.
    pub limits: Quantity,
    /// The node's allocatable (node rows only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allocatable: Option<Quantity>,
    /// `used` as a percentage of the requests.
    pub percent_of_requests: Option<f64>,
    /// `used` as a percentage of the limits.
    pub percent_of_limits: Option<f64>,
    /// `used` as a percentage of the allocatable (nodes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent_of_allocatable: Option<f64>,
}

impl Measured {
    fn new(used: Option<Quantity>, requests: Quantity, limits: Quantity) -> Measured {
        let of = |whole| used.and_then(|u| resources::percent(u, whole));
        Measured {
            used,
            requests,
            limits,
            allocatable: None,
            percent_of_requests: of(requests),
            percent_of_limits: of(limits),
            percent_of_allocatable: None,
        }
    }

    fn with_allocatable(mut self, allocatable: Quantity) -> Measured {
        self.allocatable = Some(allocatable);
        self.percent_of_allocatable = self.used.and_then(|u| resources::percent(u, allocatable));
        self
    }
}

/// CPU and memory one pod uses now: the sum over its containers. Quantities the
/// metrics API should never send (unparsable) count as zero.
pub(crate) fn pod_usage(metrics: &PodUsage) -> (Quantity, Quantity) {
    let mut cpu = Quantity::ZERO;
    let mut memory = Quantity::ZERO;
    for container in &metrics.containers {
        let get = |name: &str| {
            container
                .usage
                .get(name)
                .and_then(|v| v.parse::<Quantity>().ok())
                .unwrap_or_default()
        };
        cpu += get("cpu");
        memory += get("memory");
    }
    (cpu, memory)
}

/// Sums of requests, limits and measured usage for one group of pods.
#[derive(Debug, Clone, Default)]
struct Accumulator {
    totals: Totals,
    measured: i64,
    cpu: Quantity,
    memory: Quantity,
}

impl Accumulator {
    fn add(&mut self, pod: &Pod, used: Option<(Quantity, Quantity)>) {
        if let Some(spec) = pod.spec.as_ref() {
            self.totals.add_pod(&resources::pod_resources(spec));
        }
        if let Some((cpu, memory)) = used {
            self.measured += 1;
            self.cpu += cpu;
            self.memory += memory;
        }
    }

    fn row(&self, name: String) -> UsageRow {
        let used = |q: Quantity| (self.measured > 0).then_some(q);
        let t = &self.totals;
        UsageRow {
            name,
            pods: t.pods,
            measured_pods: self.measured,
            cpu: Measured::new(used(self.cpu), t.cpu_requests, t.cpu_limits),
            memory: Measured::new(used(self.memory), t.memory_requests, t.memory_limits),
        }
    }
}

/// Builds the usage section. `pods` are the active pods read (cluster-wide when
/// allowed): pod and namespace rows keep those in `scope`, node rows count every
/// scheduled pod. `metrics` is what the metrics API answered.
pub fn view(
    pods: &[Pod],
    nodes: &[Node],
    metrics: &[PodUsage],
    availability: &Availability,
    scope: &Scope,
    now: jiff::Timestamp,
) -> UsageView {
    let reason = match availability {
        Availability::Available => None,
        Availability::NotInstalled => Some(
            "the metrics API (metrics.k8s.io) is not available: install metrics-server".to_string(),
        ),
        Availability::Forbidden(reason) => Some(format!("pod metrics: forbidden ({reason})")),
        Availability::Failed(reason) => Some(reason.clone()),
    };
    if let Some(reason) = reason {
        return UsageView {
            available: false,
            reason: Some(reason),
            ..Default::default()
        };
    }
    let by_pod: BTreeMap<(&str, &str), &PodUsage> = metrics
        .iter()
        .map(|m| ((m.metadata.namespace.as_str(), m.metadata.name.as_str()), m))
        .collect();
    let sampled_at = metrics.iter().filter_map(|m| m.timestamp.clone()).max();

    let mut node_groups: BTreeMap<String, Accumulator> = nodes
        .iter()
        .filter_map(|n| n.metadata.name.clone())
        .map(|name| (name, Accumulator::default()))
        .collect();
    let mut namespaces: BTreeMap<String, Accumulator> = BTreeMap::new();
    let mut pod_rows = Vec::new();
    for pod in pods {
        if !resources::is_scheduled(pod, now) {
            continue;
        }
        let namespace = pod.metadata.namespace.as_deref().unwrap_or("");
        let name = pod.metadata.name.as_deref().unwrap_or("");
        let used = by_pod.get(&(namespace, name)).map(|m| pod_usage(m));
        if let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.clone()) {
            node_groups.entry(node).or_default().add(pod, used);
        }
        if !scope.includes(namespace) {
            continue;
        }
        namespaces
            .entry(namespace.to_string())
            .or_default()
            .add(pod, used);
        let mut one = Accumulator::default();
        one.add(pod, used);
        pod_rows.push(one.row(format!("{namespace}/{name}")));
    }
    let allocatable: BTreeMap<String, resources::Capacity> = nodes
        .iter()
        .map(|n| {
            (
                n.metadata.name.clone().unwrap_or_default(),
                resources::node_allocatable(n),
            )
        })
        .collect();
    let node_rows = node_groups
        .into_iter()
        .map(|(name, acc)| {
            let mut row = acc.row(name.clone());
            if let Some(cap) = allocatable.get(&name) {
                row.cpu = row.cpu.with_allocatable(cap.cpu);
                row.memory = row.memory.with_allocatable(cap.memory);
            }
            row
        })
        .collect();
    UsageView {
        available: true,
        reason: None,
        sampled_at,
        nodes: node_rows,
        namespaces: namespaces
            .into_iter()
            .map(|(name, acc)| acc.row(name))
            .collect(),
        pods: pod_rows,
    }
}

// ------------------------------------------------------------------ rendering ---

/// CPU usage to the nearest millicore (the metrics API reports nanocores).
fn cpu_text(q: Quantity) -> String {
    let millis = (q.nanos() + 500_000).div_euclid(1_000_000);
    Quantity::from_millis(millis).display_cpu()
}

fn used_text(m: &Measured, resource: &str) -> String {
    match m.used {
        None => "-".into(),
        Some(q) if resource == "cpu" => cpu_text(q),
        Some(q) => q.display_bytes(),
    }
}

/// `500m (50%)`: the reference amount and how much of it is used.
fn of_text(palette: &Palette, whole: Quantity, percent: Option<f64>, resource: &str) -> String {
    if whole.is_zero() {
        return "-".into();
    }
    let amount = whole.display_for(resource);
    match percent {
        None => amount,
        Some(p) => {
            let text = format!("{amount} ({p:.0}%)");
            match p {
                p if p > 100.0 => palette.critical(&text),
                p if p >= 90.0 => palette.warning(&text),
                _ => text,
            }
        }
    }
}

fn cells(palette: &Palette, row: &UsageRow, nodes: bool) -> Vec<String> {
    let mut cells = vec![row.name.clone()];
    for (m, resource) in [(&row.cpu, "cpu"), (&row.memory, "memory")] {
        cells.push(used_text(m, resource));
        cells.push(of_text(
            palette,
            m.requests,
            m.percent_of_requests,
            resource,
        ));
        cells.push(of_text(palette, m.limits, m.percent_of_limits, resource));
        if nodes {
            cells.push(of_text(
                palette,
                m.allocatable.unwrap_or_default(),
                m.percent_of_allocatable,
                resource,
            ));
        }
    }
    cells
}

/// The usage tables (by node, namespace, pod) of `quota --usage`.
pub fn table(view: &UsageView, palette: &Palette, out: &mut dyn Write) -> Result<()> {
    let title = match &view.sampled_at {
        Some(at) => format!("Usage now (metrics.k8s.io, sampled {at})"),
        None => "Usage now (metrics.k8s.io)".to_string(),
    };
    writeln!(out, "\n{}", palette.bold(&title))?;
    if let Some(reason) = &view.reason {
        writeln!(out, "  not available: {reason}")?;
        return Ok(());
    }
    let groups: [(&str, &Vec<UsageRow>); 3] = [
        ("NODE", &view.nodes),
        ("NAMESPACE", &view.namespaces),
        ("POD", &view.pods),
    ];
    for (i, (first, rows)) in groups.into_iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let nodes = first == "NODE";
        let mut headers = vec![first, "CPU USED", "CPU REQ", "CPU LIM"];
        if nodes {
            headers.push("CPU ALLOC");
        }
        headers.extend(["MEM USED", "MEM REQ", "MEM LIM"]);
        if nodes {
            headers.push("MEM ALLOC");
        }
        if rows.is_empty() {
            writeln!(out, "  no running {} in scope", first.to_lowercase())?;
            continue;
        }
        let rows = rows.iter().map(|r| cells(palette, r, nodes)).collect();
        crate::render::table(out, &headers, rows)?;
    }
    writeln!(
        out,
        "(percentages: usage of the requests, limits and allocatable; '-': no metrics yet)"
    )?;
    Ok(())
}

/// CSV rows (`usage-by-node|namespace|pod`) in `quota -o csv`'s layout:
/// section, namespace, name, resource, used, limit (the reference), free, percent.
pub(crate) fn csv_rows(view: &UsageView) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let groups: [(&str, &Vec<UsageRow>); 3] = [
        ("node", &view.nodes),
        ("namespace", &view.namespaces),
        ("pod", &view.pods),
    ];
    for (group, rows) in groups {
        for row in rows {
            let (namespace, name) = match (group, row.name.split_once('/')) {
                ("pod", Some((ns, pod))) => (ns.to_string(), pod.to_string()),
                ("namespace", _) => (row.name.clone(), String::new()),
                _ => (String::new(), row.name.clone()),
            };
            for (resource, m) in [("cpu", &row.cpu), ("memory", &row.memory)] {
                let Some(used) = m.used else { continue };
                let mut refs = vec![
                    ("requests", m.requests, m.percent_of_requests),
                    ("limits", m.limits, m.percent_of_limits),
                ];
                if let Some(alloc) = m.allocatable {
                    refs.push(("allocatable", alloc, m.percent_of_allocatable));
                }
                for (what, whole, percent) in refs {
                    out.push(vec![
                        format!("usage-by-{group}"),
                        namespace.clone(),
                        name.clone(),
                        format!("{resource}/{what}"),
                        used.to_string(),
                        whole.to_string(),
                        whole.saturating_sub(used).to_string(),
                        percent.map_or(String::new(), |p| format!("{p}")),
                    ]);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::metrics::{ContainerUsage, UsageMeta};
    use crate::platform::resources::fixtures::{container, node, q};
    use k8s_openapi::api::core::v1::{PodSpec, PodStatus};

    fn pod(ns: &str, name: &str, node: &str, containers: usize) -> Pod {
        let mut p = Pod::default();
        p.metadata.namespace = Some(ns.into());
        p.metadata.name = Some(name.into());
        p.spec = Some(PodSpec {
            node_name: Some(node.into()),
            containers: (0..containers)
                .map(|i| {
                    container(
                        &format!("c{i}"),
                        &[("cpu", "500m"), ("memory", "512Mi")],
                        &[("cpu", "1"), ("memory", "1Gi")],
                    )
                })
                .collect(),
            ..Default::default()
        });
        p.status = Some(PodStatus {
            phase: Some("Running".into()),
            ..Default::default()
        });
        p
    }

    fn metrics(ns: &str, name: &str, containers: &[(&str, &str)]) -> PodUsage {
        PodUsage {
            metadata: UsageMeta {
                name: name.into(),
                namespace: ns.into(),
            },
            timestamp: Some("2026-12-01T10:00:00Z".into()),
            window: Some("10s".into()),
            containers: containers
                .iter()
                .enumerate()
                .map(|(i, (cpu, memory))| ContainerUsage {
                    name: format!("c{i}"),
                    usage: [("cpu", cpu), ("memory", memory)]
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn pod_usage_sums_containers_in_the_units_the_api_sends() {
        let m = metrics("a", "p", &[("250000000n", "307200Ki"), ("1m", "1Mi")]);
        assert_eq!(pod_usage(&m), (q("251m"), q("301Mi")));
        let broken = metrics("a", "p", &[("lots", "1Mi")]);
        assert_eq!(pod_usage(&broken), (q("0"), q("1Mi")));
    }

    #[test]
    fn rows_per_pod_namespace_and_node_against_requests_limits_and_allocatable() {
        let pods = [
            pod("a", "p1", "n1", 1),
            pod("a", "p2", "n1", 2),
            pod("b", "other", "n1", 1),
            pod("a", "new", "n2", 1),
        ];
        let samples = [
            metrics("a", "p1", &[("250m", "256Mi")]),
            metrics("a", "p2", &[("1", "1Gi"), ("500m", "512Mi")]),
            metrics("b", "other", &[("2", "2Gi")]),
        ];
        let v = view(
            &pods,
            &[node("n1"), node("n2"), node("idle")],
            &samples,
            &Availability::Available,
            &Scope::Namespace("a".into()),
            jiff::Timestamp::now(),
        );
        assert!(v.available);
        assert_eq!(v.sampled_at.as_deref(), Some("2026-12-01T10:00:00Z"));

        let names: Vec<&str> = v.pods.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["a/p1", "a/p2", "a/new"]);
        let p1 = &v.pods[0];
        assert_eq!(p1.cpu.used, Some(q("250m")));
        assert_eq!(p1.cpu.percent_of_requests, Some(50.0));
        assert_eq!(p1.cpu.percent_of_limits, Some(25.0));
        assert_eq!(p1.memory.percent_of_requests, Some(50.0));
        let p2 = &v.pods[1];
        assert_eq!(p2.cpu.used, Some(q("1500m")));
        assert_eq!(p2.cpu.requests, q("1"));
        assert_eq!(p2.cpu.percent_of_requests, Some(150.0));
        // Not measured yet: no usage, no percentages, requests still shown.
        let new = &v.pods[2];
        assert_eq!((new.cpu.used, new.cpu.percent_of_requests), (None, None));
        assert_eq!(new.memory.requests, q("512Mi"));

        // Namespace a only (the scope); its unmeasured pod counts in requests.
        assert_eq!(v.namespaces.len(), 1);
        let a = &v.namespaces[0];
        assert_eq!((a.pods, a.measured_pods), (3, 2));
        assert_eq!(a.cpu.used, Some(q("1750m")));
        assert_eq!(a.memory.used, Some(q("1792Mi")));
        assert_eq!(a.cpu.requests, q("2"));

        // Nodes count every namespace's pods; an idle node shows no usage.
        let n1 = v.nodes.iter().find(|r| r.name == "n1").unwrap();
        assert_eq!(n1.cpu.used, Some(q("3750m")));
        assert_eq!(n1.cpu.allocatable, Some(q("16")));
        assert_eq!(n1.memory.used, Some(q("3840Mi")));
        assert_eq!(n1.memory.percent_of_allocatable, Some(11.7));
        let idle = v.nodes.iter().find(|r| r.name == "idle").unwrap();
        assert_eq!((idle.pods, idle.cpu.used), (0, None));
    }

    #[test]
    fn a_missing_metrics_api_is_a_reason_not_an_error() {
        let v = view(
            &[pod("a", "p", "n", 1)],
            &[],
            &[],
            &Availability::NotInstalled,
            &Scope::All,
            jiff::Timestamp::now(),
        );
        assert!(!v.available);
        assert!(v.reason.unwrap().contains("install metrics-server"));
        assert!(v.pods.is_empty());
    }

    #[test]
    fn cpu_is_shown_to_the_nearest_millicore() {
        assert_eq!(cpu_text(q("250400000n")), "250m");
        assert_eq!(cpu_text(q("249600000n")), "250m");
        assert_eq!(cpu_text(q("2000200000n")), "2");
        let palette = Palette::new(false);
        assert_eq!(
            of_text(&palette, q("500m"), Some(50.0), "cpu"),
            "500m (50%)"
        );
        assert_eq!(of_text(&palette, q("0"), None, "cpu"), "-");
        assert_eq!(of_text(&palette, q("1Gi"), None, "memory"), "1Gi");
    }
}
