//! `kubectl dp quota` (show): quota usage, LimitRanges, pods without requests or
//! limits, and the nodes' allocatable against what the scheduled pods ask for.

use std::collections::BTreeMap;
use std::io::Write;

use k8s_openapi::api::core::v1::{LimitRange, Node, Pod, ResourceQuota};
use serde::Serialize;

use crate::cli::Palette;
use crate::error::Result;
use crate::kube::{Availability, Listing, Scope};
use crate::platform::quantity::Quantity;

use super::usage::{self, Capacity, Totals};
use super::{By, QuotaFormat};

pub const API_VERSION: &str = "kubectl-dp.io/v1";

/// Everything `quota show` read from the cluster.
pub struct Gathered {
    pub scope: Scope,
    pub quotas: Listing<ResourceQuota>,
    pub limit_ranges: Listing<LimitRange>,
    /// Active pods of the whole cluster when readable, else only of the scope.
    pub pods: Listing<Pod>,
    pub pods_cluster_wide: bool,
    pub nodes: Listing<Node>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuotaReport {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub scope: Scope,
    pub quotas: Vec<QuotaView>,
    pub limit_ranges: Vec<LimitRangeRow>,
    pub pods_without_resources: Vec<PodWithout>,
    pub cluster: ClusterView,
    /// Sections that could not be read, and why.
    pub unavailable: Vec<String>,
    /// `--usage`: measured usage against requests and limits (see `measured`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<super::measured::UsageView>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuotaView {
    pub namespace: String,
    pub name: String,
    pub resources: Vec<QuotaRow>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuotaRow {
    pub resource: String,
    /// Computed from the namespace's pods where possible, else `status.used`.
    pub used: Quantity,
    /// What the API server's quota controller last wrote in `status.used`.
    pub reported_used: Option<Quantity>,
    pub hard: Quantity,
    pub free: Quantity,
    pub percent: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LimitRangeRow {
    pub namespace: String,
    pub name: String,
    #[serde(rename = "type")]
    pub type_: String,
    pub resource: String,
    pub default_request: Option<Quantity>,
    pub default: Option<Quantity>,
    pub min: Option<Quantity>,
    pub max: Option<Quantity>,
    pub max_limit_request_ratio: Option<Quantity>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodWithout {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterView {
    pub by: Option<By>,
    pub allocatable: Capacity,
    pub total: Totals,
    pub rows: Vec<GroupRow>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupRow {
    pub name: String,
    /// The node's allocatable (`--by node` only); otherwise the cluster's is the reference.
    pub allocatable: Option<Capacity>,
    #[serde(flatten)]
    pub totals: Totals,
}

fn parse_map(
    map: Option<&BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>,
) -> BTreeMap<String, Quantity> {
    map.into_iter()
        .flatten()
        .filter_map(|(k, v)| v.0.parse().ok().map(|q| (k.clone(), q)))
        .collect()
}

/// Usage of every resource of one quota, computed from the pods of its namespace.
pub fn quota_view(quota: &ResourceQuota, pods: &[&Pod], now: jiff::Timestamp) -> QuotaView {
    let namespace = quota.metadata.namespace.clone().unwrap_or_default();
    let hard = parse_map(quota.spec.as_ref().and_then(|s| s.hard.as_ref()));
    let reported = parse_map(quota.status.as_ref().and_then(|s| s.used.as_ref()));
    let mut resources = Vec::new();
    for (key, hard_value) in &hard {
        let mut computed: Option<Quantity> = None;
        if usage::quota_key_of_pods(key) {
            let mut sum = Quantity::ZERO;
            let mut computable = true;
            for pod in pods
                .iter()
                .filter(|p| p.metadata.namespace.as_deref() == Some(namespace.as_str()))
            {
                let Some(spec) = pod.spec.as_ref() else {
                    continue;
                };
                if !usage::is_active(pod, now) {
                    continue;
                }
                match usage::matches_scopes(quota, spec) {
                    None => {
                        computable = false;
                        break;
                    }
                    Some(false) => continue,
                    Some(true) => {}
                }
                let resources = usage::pod_resources(spec);
                sum += usage::pod_quota_usage(&resources, key).unwrap_or_default();
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
            percent: usage::percent(used, *hard_value),
        });
    }
    QuotaView {
        namespace,
        name: quota.metadata.name.clone().unwrap_or_default(),
        resources,
    }
}

pub fn limit_range_rows(range: &LimitRange) -> Vec<LimitRangeRow> {
    let mut rows = Vec::new();
    for item in range.spec.iter().flat_map(|s| s.limits.iter()) {
        let maps = [
            parse_map(item.default_request.as_ref()),
            parse_map(item.default.as_ref()),
            parse_map(item.min.as_ref()),
            parse_map(item.max.as_ref()),
            parse_map(item.max_limit_request_ratio.as_ref()),
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
pub fn cluster_view(
    nodes: &[Node],
    pods: &[&Pod],
    scope: &Scope,
    by: Option<By>,
    now: jiff::Timestamp,
) -> ClusterView {
    let mut allocatable = Capacity::default();
    let mut per_node: BTreeMap<String, Capacity> = BTreeMap::new();
    for node in nodes {
        let capacity = usage::node_allocatable(node);
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
        if !usage::is_scheduled(pod, now) {
            continue;
        }
        let resources = usage::pod_resources(spec);
        total.add_pod(&resources);
        let namespace = pod.metadata.namespace.as_deref().unwrap_or("");
        let key = match by {
            None => continue,
            Some(By::Node) => spec.node_name.clone().unwrap_or_default(),
            _ if !scope.includes(namespace) => continue,
            Some(By::Namespace) => namespace.to_string(),
            Some(By::Component) => {
                let labels = pod.metadata.labels.clone().unwrap_or_default();
                usage::component_of(&labels).label().to_string()
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
        allocatable,
        total,
        rows,
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
    let mut pods_without_resources = Vec::new();
    for pod in &scoped_pods {
        let Some(spec) = pod.spec.as_ref() else {
            continue;
        };
        if !usage::is_active(pod, now) {
            continue;
        }
        for (container, missing) in usage::missing_resources(spec) {
            pods_without_resources.push(PodWithout {
                namespace: pod.metadata.namespace.clone().unwrap_or_default(),
                pod: pod.metadata.name.clone().unwrap_or_default(),
                container,
                missing,
            });
        }
    }
    pods_without_resources.sort_by(|a, b| (&a.namespace, &a.pod).cmp(&(&b.namespace, &b.pod)));
    let all_pods: Vec<&Pod> = g.pods.items.iter().collect();
    let cluster = cluster_view(&g.nodes.items, &all_pods, &g.scope, by, now);
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
    QuotaReport {
        api_version: API_VERSION,
        kind: "QuotaReport",
        scope: g.scope.clone(),
        quotas,
        limit_ranges,
        pods_without_resources,
        cluster,
        unavailable,
        usage: None,
    }
}

// ------------------------------------------------------------------ rendering ---

/// Colour by closeness to the limit: green below 75%, yellow to 90%, red above.
fn paint_percent(palette: &Palette, percent: Option<f64>, text: &str) -> String {
    match percent {
        Some(p) if p >= 90.0 => palette.critical(text),
        Some(p) if p >= 75.0 => palette.warning(text),
        Some(_) => palette.good(text),
        None => text.to_string(),
    }
}

fn pct(percent: Option<f64>) -> String {
    percent.map_or("-".into(), |p| format!("{p:.0}%"))
}

fn opt(q: Option<Quantity>, resource: &str) -> String {
    q.map_or("-".into(), |q| q.display_for(resource))
}

fn with_pct(palette: &Palette, used: Quantity, whole: Quantity, resource: &str) -> String {
    let p = usage::percent(used, whole);
    let text = match p {
        Some(_) => format!("{} ({})", used.display_for(resource), pct(p)),
        None => used.display_for(resource),
    };
    paint_percent(palette, p, &text)
}

pub fn table(
    report: &QuotaReport,
    palette: &Palette,
    wide: bool,
    out: &mut dyn Write,
) -> Result<()> {
    writeln!(
        out,
        "{}",
        palette.bold(&format!("Resource quotas ({})", report.scope.describe()))
    )?;
    if report.quotas.is_empty() {
        writeln!(out, "  none")?;
    } else {
        let mut headers = vec![
            "NAMESPACE",
            "QUOTA",
            "RESOURCE",
            "USED",
            "HARD",
            "FREE",
            "USE",
        ];
        if wide {
            headers.push("STATUS.USED");
        }
        let mut rows = Vec::new();
        for quota in &report.quotas {
            for r in &quota.resources {
                let bar = crate::render::bar(r.percent.unwrap_or(0.0) / 100.0, 10);
                let mut row = vec![
                    quota.namespace.clone(),
                    quota.name.clone(),
                    r.resource.clone(),
                    r.used.display_for(&r.resource),
                    r.hard.display_for(&r.resource),
                    r.free.display_for(&r.resource),
                    paint_percent(palette, r.percent, &format!("{bar} {}", pct(r.percent))),
                ];
                if wide {
                    row.push(opt(r.reported_used, &r.resource));
                }
                rows.push(row);
            }
        }
        crate::render::table(out, &headers, rows)?;
    }

    writeln!(out, "\n{}", palette.bold("Limit ranges"))?;
    if report.limit_ranges.is_empty() {
        writeln!(out, "  none")?;
    } else {
        let headers = [
            "NAMESPACE",
            "LIMITRANGE",
            "TYPE",
            "RESOURCE",
            "DEFAULT REQUEST",
            "DEFAULT LIMIT",
            "MIN",
            "MAX",
            "MAX LIMIT/REQUEST",
        ];
        let rows = report
            .limit_ranges
            .iter()
            .map(|r| {
                vec![
                    r.namespace.clone(),
                    r.name.clone(),
                    r.type_.clone(),
                    r.resource.clone(),
                    opt(r.default_request, &r.resource),
                    opt(r.default, &r.resource),
                    opt(r.min, &r.resource),
                    opt(r.max, &r.resource),
                    r.max_limit_request_ratio
                        .map_or("-".into(), |q| q.to_string()),
                ]
            })
            .collect();
        crate::render::table(out, &headers, rows)?;
    }

    writeln!(out, "\n{}", palette.bold("Pods without requests or limits"))?;
    if report.pods_without_resources.is_empty() {
        writeln!(out, "  none")?;
    } else {
        let rows = report
            .pods_without_resources
            .iter()
            .map(|p| {
                vec![
                    p.namespace.clone(),
                    p.pod.clone(),
                    p.container.clone(),
                    palette.warning(&p.missing.join(",")),
                ]
            })
            .collect();
        crate::render::table(out, &["NAMESPACE", "POD", "CONTAINER", "MISSING"], rows)?;
    }

    let c = &report.cluster;
    writeln!(
        out,
        "\n{}",
        palette.bold(&format!(
            "Nodes: allocatable {} CPU, {} memory, {} pods",
            c.allocatable.cpu.display_cpu(),
            c.allocatable.memory.display_bytes(),
            c.allocatable.pods
        ))
    )?;
    let by_node = c.by == Some(By::Node);
    let mut headers = vec![match c.by {
        None => "SCOPE",
        Some(By::Node) => "NODE",
        Some(By::Namespace) => "NAMESPACE",
        Some(By::Component) => "COMPONENT",
        Some(By::Pod) => "POD",
    }];
    headers.extend(["CPU REQ", "CPU LIM", "MEM REQ", "MEM LIM", "PODS"]);
    if by_node || wide {
        headers.extend(["CPU ALLOC", "MEM ALLOC", "CPU FREE", "MEM FREE"]);
    }
    let row = |name: &str, t: &Totals, cap: &Capacity| {
        let mut row = vec![
            name.to_string(),
            with_pct(palette, t.cpu_requests, cap.cpu, "cpu"),
            with_pct(palette, t.cpu_limits, cap.cpu, "cpu"),
            with_pct(palette, t.memory_requests, cap.memory, "memory"),
            with_pct(palette, t.memory_limits, cap.memory, "memory"),
            if by_node {
                format!("{}/{}", t.pods, cap.pods)
            } else {
                t.pods.to_string()
            },
        ];
        if by_node || wide {
            row.extend([
                cap.cpu.display_cpu(),
                cap.memory.display_bytes(),
                cap.cpu.saturating_sub(t.cpu_requests).display_cpu(),
                cap.memory.saturating_sub(t.memory_requests).display_bytes(),
            ]);
        }
        row
    };
    let mut rows: Vec<Vec<String>> = c
        .rows
        .iter()
        .map(|r| {
            row(
                &r.name,
                &r.totals,
                r.allocatable.as_ref().unwrap_or(&c.allocatable),
            )
        })
        .collect();
    if c.by.is_some() && c.by != Some(By::Node) && !matches!(report.scope, Scope::All) {
        // Groups are this scope's pods; the total line is the whole cluster.
        let mut scoped = Totals::default();
        for r in &c.rows {
            scoped.add(&r.totals);
        }
        rows.push(row(
            &format!("({})", report.scope.describe()),
            &scoped,
            &c.allocatable,
        ));
    }
    rows.push(row("(cluster total)", &c.total, &c.allocatable));
    crate::render::table(out, &headers, rows)?;
    if let Some(usage) = &report.usage {
        super::measured::table(usage, palette, out)?;
    }

    for line in &report.unavailable {
        writeln!(out, "\n{}", palette.warning(&format!("not shown: {line}")))?;
    }
    Ok(())
}

/// Guards a CSV cell against formula injection (OWASP): a leading `= + - @`
/// (or tab/CR) gets a `'` in front; cells with separators or quotes are quoted.
pub fn csv_cell(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) || guarded != text {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// One long table: `section,namespace,name,resource,used,limit,free,percent`.
pub fn csv(report: &QuotaReport, out: &mut dyn Write) -> Result<()> {
    let mut write_row = |cells: Vec<String>| -> Result<()> {
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        writeln!(out, "{}", line.join(","))?;
        Ok(())
    };
    write_row(
        [
            "section",
            "namespace",
            "name",
            "resource",
            "used",
            "limit",
            "free",
            "percent",
        ]
        .map(String::from)
        .to_vec(),
    )?;
    let p = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v}"));
    for quota in &report.quotas {
        for r in &quota.resources {
            write_row(vec![
                "quota".into(),
                quota.namespace.clone(),
                quota.name.clone(),
                r.resource.clone(),
                r.used.to_string(),
                r.hard.to_string(),
                r.free.to_string(),
                p(r.percent),
            ])?;
        }
    }
    for r in &report.limit_ranges {
        for (what, value) in [
            ("defaultRequest", r.default_request),
            ("default", r.default),
            ("min", r.min),
            ("max", r.max),
        ] {
            if let Some(v) = value {
                write_row(vec![
                    format!("limitrange-{what}"),
                    r.namespace.clone(),
                    r.name.clone(),
                    format!("{}.{}", r.type_, r.resource),
                    String::new(),
                    v.to_string(),
                    String::new(),
                    String::new(),
                ])?;
            }
        }
    }
    for pw in &report.pods_without_resources {
        write_row(vec![
            "pod-without-resources".into(),
            pw.namespace.clone(),
            format!("{}/{}", pw.pod, pw.container),
            pw.missing.join(" "),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ])?;
    }
    let c = &report.cluster;
    let mut groups: Vec<(String, &Totals, &Capacity)> = c
        .rows
        .iter()
        .map(|r| {
            (
                r.name.clone(),
                &r.totals,
                r.allocatable.as_ref().unwrap_or(&c.allocatable),
            )
        })
        .collect();
    groups.push(("(cluster total)".into(), &c.total, &c.allocatable));
    for row in report.usage.iter().flat_map(super::measured::csv_rows) {
        write_row(row)?;
    }
    for (name, t, cap) in groups {
        for (resource, used, whole) in [
            ("requests.cpu", t.cpu_requests, cap.cpu),
            ("limits.cpu", t.cpu_limits, cap.cpu),
            ("requests.memory", t.memory_requests, cap.memory),
            ("limits.memory", t.memory_limits, cap.memory),
        ] {
            write_row(vec![
                format!("nodes-by-{}", c.by.map_or("cluster", By::name)),
                String::new(),
                name.clone(),
                resource.into(),
                used.to_string(),
                whole.to_string(),
                whole.saturating_sub(used).to_string(),
                p(usage::percent(used, whole)),
            ])?;
        }
    }
    Ok(())
}

pub fn render(
    report: &QuotaReport,
    format: QuotaFormat,
    palette: &Palette,
    out: &mut dyn Write,
) -> Result<()> {
    match format {
        QuotaFormat::Table => table(report, palette, false, out),
        QuotaFormat::Wide => table(report, palette, true, out),
        QuotaFormat::Json => crate::render::json(out, report),
        QuotaFormat::Yaml => crate::render::yaml(out, report),
        QuotaFormat::Csv => csv(report, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quota::usage::tests::{container, q};
    use k8s_openapi::api::core::v1::{NodeStatus, PodSpec, PodStatus, ResourceQuotaSpec};
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

    fn pod(ns: &str, name: &str, node: Option<&str>, memory: &str, phase: &str) -> Pod {
        let mut p = Pod::default();
        p.metadata.namespace = Some(ns.into());
        p.metadata.name = Some(name.into());
        p.spec = Some(PodSpec {
            node_name: node.map(String::from),
            containers: vec![container(
                "c",
                &[("memory", memory), ("cpu", "500m")],
                &[("memory", memory)],
            )],
            ..Default::default()
        });
        p.status = Some(PodStatus {
            phase: Some(phase.into()),
            ..Default::default()
        });
        p
    }

    fn k8s_map(pairs: &[(&str, &str)]) -> BTreeMap<String, K8sQuantity> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), K8sQuantity(v.to_string())))
            .collect()
    }

    #[test]
    fn quota_usage_from_pods() {
        let mut quota = ResourceQuota::default();
        quota.metadata.namespace = Some("a".into());
        quota.metadata.name = Some("compute".into());
        quota.spec = Some(ResourceQuotaSpec {
            hard: Some(k8s_map(&[
                ("requests.memory", "10Gi"),
                ("pods", "10"),
                ("count/configmaps", "5"),
            ])),
            ..Default::default()
        });
        quota.status = Some(k8s_openapi::api::core::v1::ResourceQuotaStatus {
            used: Some(k8s_map(&[("count/configmaps", "2")])),
            ..Default::default()
        });
        let pods = [
            pod("a", "p1", Some("n1"), "3Gi", "Running"),
            pod("a", "p2", None, "4.5Gi", "Pending"),
            pod("a", "done", Some("n1"), "8Gi", "Succeeded"),
            pod("b", "other", Some("n1"), "8Gi", "Running"),
        ];
        let refs: Vec<&Pod> = pods.iter().collect();
        let view = quota_view(&quota, &refs, jiff::Timestamp::now());
        let row = |k: &str| {
            view.resources
                .iter()
                .find(|r| r.resource == k)
                .unwrap()
                .clone()
        };
        assert_eq!(row("requests.memory").used, q("7.5Gi"));
        assert_eq!(row("requests.memory").free, q("2.5Gi"));
        assert_eq!(row("requests.memory").percent, Some(75.0));
        assert_eq!(row("pods").used, q("2"));
        assert_eq!(row("count/configmaps").used, q("2"));
    }

    #[test]
    fn cluster_by_node_counts_scheduled_pods_only() {
        let mut node = Node::default();
        node.metadata.name = Some("n1".into());
        node.status = Some(NodeStatus {
            allocatable: Some(k8s_map(&[
                ("cpu", "16"),
                ("memory", "32Gi"),
                ("pods", "110"),
            ])),
            ..Default::default()
        });
        let pods = [
            pod("a", "p1", Some("n1"), "3Gi", "Running"),
            pod("a", "pending", None, "4Gi", "Pending"),
            pod("b", "p2", Some("n1"), "1Gi", "Running"),
        ];
        let refs: Vec<&Pod> = pods.iter().collect();
        let view = cluster_view(
            &[node],
            &refs,
            &Scope::All,
            Some(By::Node),
            jiff::Timestamp::now(),
        );
        assert_eq!(view.total.memory_requests, q("4Gi"));
        assert_eq!(view.total.cpu_requests, q("1"));
        assert_eq!(view.rows.len(), 1);
        assert_eq!(view.rows[0].totals.pods, 2);
        assert_eq!(view.rows[0].allocatable.as_ref().unwrap().memory, q("32Gi"));
        let by_ns = cluster_view(
            &[],
            &refs,
            &Scope::Namespace("a".into()),
            Some(By::Namespace),
            jiff::Timestamp::now(),
        );
        assert_eq!(by_ns.rows.len(), 1);
        assert_eq!(by_ns.total.memory_requests, q("4Gi"));
    }

    #[test]
    fn csv_cells_cannot_be_formulas() {
        assert_eq!(csv_cell("=cmd|' /C calc'!A0"), "\"'=cmd|' /C calc'!A0\"");
        assert_eq!(csv_cell("-5"), "\"'-5\"");
        assert_eq!(csv_cell("@x"), "\"'@x\"");
        assert_eq!(csv_cell("+1"), "\"'+1\"");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("plain"), "plain");
    }
}
