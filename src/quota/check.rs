//! `kubectl dp quota check`: would applying these manifests fit the namespace
//! quotas, its LimitRange and the nodes? Meant for a GitOps pipeline: exit 1
//! when it does not fit.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;

use k8s_openapi::api::core::v1::{
    Container, LimitRange, Node, Pod, PodSpec, ResourceQuota, ResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
use kube::api::ListParams;
use serde::Serialize;

use crate::cli::{ClusterArgs, Palette};
use crate::error::{Error, Exit, Result};
use crate::kube::{Cluster, Listing, Scope};
use crate::platform::quantity::Quantity;

use super::manifests::{self, Workload};
use super::usage::{self, PodResources};
use super::{QuotaFormat, QuotaOutputArgs};

#[derive(Debug, Clone, clap::Args)]
#[command(group = clap::ArgGroup::new("input").required(true).multiple(true))]
pub struct CheckArgs {
    /// Manifest file, directory (read recursively) or - for stdin (repeatable)
    #[arg(
        short = 'f',
        long = "filename",
        value_name = "FILE|DIR|-",
        group = "input"
    )]
    pub files: Vec<PathBuf>,

    /// Kustomization directory, built with `kubectl kustomize` ($KUBECTL or kubectl on PATH)
    #[arg(short = 'k', long = "kustomize", value_name = "DIR", group = "input")]
    pub kustomize: Option<PathBuf>,
}

/// The state of one target namespace.
#[derive(Debug, Clone, Default)]
pub struct NamespaceState {
    pub quotas: Vec<ResourceQuota>,
    pub limit_ranges: Vec<LimitRange>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckReport {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub fits: bool,
    /// One line per reason it does not fit.
    pub reasons: Vec<String>,
    pub workloads: Vec<WorkloadRow>,
    pub quotas: Vec<QuotaCheck>,
    pub limit_range_violations: Vec<Violation>,
    pub defaults_applied: Vec<String>,
    pub nodes: NodeCheck,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadRow {
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub role: String,
    pub count: i64,
    /// Per pod, after LimitRange defaults.
    pub requests: BTreeMap<String, Quantity>,
    pub limits: BTreeMap<String, Quantity>,
    /// Live pods this object replaces.
    pub replaces_pods: usize,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuotaCheck {
    pub namespace: String,
    pub name: String,
    pub resources: Vec<QuotaCheckRow>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuotaCheckRow {
    pub resource: String,
    pub used: Quantity,
    pub replaced: Quantity,
    pub added: Quantity,
    pub after: Quantity,
    pub hard: Quantity,
    pub fits: bool,
    pub over_by: Quantity,
    /// The object adding most of this resource.
    pub largest_contributor: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    pub object: String,
    pub container: String,
    pub limit_range: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeCheck {
    pub largest_pod: Option<String>,
    pub largest_pod_cpu: Quantity,
    pub largest_pod_memory: Quantity,
    /// A node the largest pod fits on, if any.
    pub largest_pod_node: Option<String>,
    pub most_free_cpu: Quantity,
    pub most_free_memory: Quantity,
    pub requested_cpu: Quantity,
    pub requested_memory: Quantity,
    pub free_cpu: Quantity,
    pub free_memory: Quantity,
    pub pods: i64,
    pub unplaced: Vec<String>,
    pub fits: bool,
}

fn k8s(map: &BTreeMap<String, Quantity>) -> Option<BTreeMap<String, K8sQuantity>> {
    (!map.is_empty()).then(|| {
        map.iter()
            .map(|(k, v)| (k.clone(), K8sQuantity(v.to_string())))
            .collect()
    })
}

fn parse_map(map: Option<&BTreeMap<String, K8sQuantity>>) -> BTreeMap<String, Quantity> {
    map.into_iter()
        .flatten()
        .filter_map(|(k, v)| v.0.parse().ok().map(|q| (k.clone(), q)))
        .collect()
}

/// Applies the LimitRanges' container defaults as the LimitRanger admission
/// plugin does (after the API server copied limits into missing requests), and
/// returns the violations of min, max and maxLimitRequestRatio.
pub fn apply_limit_ranges(
    spec: &mut PodSpec,
    ranges: &[LimitRange],
    object: &str,
    applied: &mut Vec<String>,
) -> Vec<Violation> {
    let mut violations = Vec::new();
    let containers = spec
        .init_containers
        .iter_mut()
        .flatten()
        .chain(spec.containers.iter_mut());
    let containers: Vec<&mut Container> = containers.collect();
    for container in containers {
        let resources = container
            .resources
            .get_or_insert_with(ResourceRequirements::default);
        let mut requests = parse_map(resources.requests.as_ref());
        let mut limits = parse_map(resources.limits.as_ref());
        for (k, v) in &limits {
            requests.entry(k.clone()).or_insert(*v);
        }
        for range in ranges {
            let range_name = range.metadata.name.clone().unwrap_or_default();
            for item in range
                .spec
                .iter()
                .flat_map(|s| s.limits.iter())
                .filter(|i| i.type_ == "Container")
            {
                for (k, v) in parse_map(item.default.as_ref()) {
                    if !limits.contains_key(&k) {
                        limits.insert(k.clone(), v);
                        applied.push(format!(
                            "{object} container {}: limits.{k}={} from LimitRange {range_name}",
                            container.name,
                            v.display_for(&k)
                        ));
                    }
                }
                for (k, v) in parse_map(item.default_request.as_ref()) {
                    if !requests.contains_key(&k) {
                        requests.insert(k.clone(), v);
                        applied.push(format!(
                            "{object} container {}: requests.{k}={} from LimitRange {range_name}",
                            container.name,
                            v.display_for(&k)
                        ));
                    }
                }
                let mut violate = |message: String| {
                    violations.push(Violation {
                        object: object.to_string(),
                        container: container.name.clone(),
                        limit_range: range_name.clone(),
                        message,
                    })
                };
                for (k, max) in parse_map(item.max.as_ref()) {
                    match limits.get(&k) {
                        Some(limit) if *limit > max => violate(format!(
                            "limits.{k} {} is above the LimitRange maximum {} (by {})",
                            limit.display_for(&k),
                            max.display_for(&k),
                            (*limit - max).display_for(&k)
                        )),
                        None => violate(format!(
                            "no limits.{k}, but the LimitRange has a maximum of {}",
                            max.display_for(&k)
                        )),
                        _ => {}
                    }
                    if let Some(request) = requests.get(&k)
                        && *request > max
                        && limits.get(&k).is_none_or(|l| *l <= max)
                    {
                        violate(format!(
                            "requests.{k} {} is above the LimitRange maximum {}",
                            request.display_for(&k),
                            max.display_for(&k)
                        ));
                    }
                }
                for (k, min) in parse_map(item.min.as_ref()) {
                    if let Some(request) = requests.get(&k)
                        && *request < min
                    {
                        violate(format!(
                            "requests.{k} {} is below the LimitRange minimum {}",
                            request.display_for(&k),
                            min.display_for(&k)
                        ));
                    }
                }
                for (k, ratio) in parse_map(item.max_limit_request_ratio.as_ref()) {
                    if let (Some(limit), Some(request)) = (limits.get(&k), requests.get(&k))
                        && !request.is_zero()
                        && limit.ratio(*request).is_some_and(|r| {
                            r > ratio.ratio(Quantity::from_units(1)).unwrap_or(f64::MAX)
                        })
                    {
                        violate(format!(
                            "limits.{k}/requests.{k} = {}/{} exceeds the LimitRange maxLimitRequestRatio {ratio}",
                            limit.display_for(&k),
                            request.display_for(&k)
                        ));
                    }
                }
            }
        }
        // A defaulted limit below the container's request makes the pod invalid.
        for (k, request) in &requests {
            if let Some(limit) = limits.get(k)
                && request > limit
            {
                violations.push(Violation {
                    object: object.to_string(),
                    container: container.name.clone(),
                    limit_range: ranges.first().and_then(|r| r.metadata.name.clone()).unwrap_or_default(),
                    message: format!(
                        "requests.{k} {} is above limits.{k} {}: the API server rejects the pod; set the limit explicitly",
                        request.display_for(k),
                        limit.display_for(k)
                    ),
                });
            }
        }
        resources.requests = k8s(&requests);
        resources.limits = k8s(&limits);
    }
    violations
}

/// Everything `check` needs from the cluster, read once.
pub struct Live {
    pub namespaces: BTreeMap<String, NamespaceState>,
    pub pods: Vec<Pod>,
    pub nodes: Vec<Node>,
    pub notes: Vec<String>,
}

struct Placed<'a> {
    label: String,
    requests: &'a PodResources,
}

/// The analysis: workloads with their target namespace against the live state.
pub fn evaluate(
    workloads: &[(Workload, String)],
    live: &Live,
    now: jiff::Timestamp,
) -> CheckReport {
    let mut reasons = Vec::new();
    let mut rows = Vec::new();
    let mut violations = Vec::new();
    let mut applied = Vec::new();
    // Pod resources after defaults, per workload and shape.
    let mut shaped: Vec<(String, String, String, i64, PodResources)> = Vec::new(); // (object, namespace, role, count, resources)
    let replaced_keys: BTreeSet<(String, String, String)> = workloads
        .iter()
        .map(|(w, ns)| (ns.clone(), w.kind.clone(), w.name.clone()))
        .collect();
    let replaced_pods: Vec<&Pod> = live
        .pods
        .iter()
        .filter(|p| usage::is_active(p, now))
        .filter(|p| {
            let (kind, name) = manifests::owner_of(p);
            replaced_keys.contains(&(p.metadata.namespace.clone().unwrap_or_default(), kind, name))
        })
        .collect();
    for (w, ns) in workloads {
        let object = format!("{}/{}", w.kind, w.name);
        let ranges = live
            .namespaces
            .get(ns)
            .map(|s| s.limit_ranges.as_slice())
            .unwrap_or_default();
        let replaces = replaced_pods
            .iter()
            .filter(|p| {
                p.metadata.namespace.as_deref() == Some(ns.as_str())
                    && manifests::owner_of(p) == (w.kind.clone(), w.name.clone())
            })
            .count();
        for shape in &w.pods {
            let mut spec = shape.spec.clone();
            let label = if shape.role == "pod" {
                object.clone()
            } else {
                format!("{object} {}", shape.role)
            };
            violations.extend(apply_limit_ranges(&mut spec, ranges, &label, &mut applied));
            let resources = usage::pod_resources(&spec);
            rows.push(WorkloadRow {
                kind: w.kind.clone(),
                name: w.name.clone(),
                namespace: ns.clone(),
                role: shape.role.clone(),
                count: shape.count,
                requests: resources.requests.clone(),
                limits: resources.limits.clone(),
                replaces_pods: replaces,
            });
            shaped.push((object.clone(), ns.clone(), label, shape.count, resources));
        }
    }
    applied.dedup();
    for v in &violations {
        reasons.push(format!(
            "{} container {}: {} (LimitRange {})",
            v.object, v.container, v.message, v.limit_range
        ));
    }

    // Quotas: now − replaced + new, per namespace and resource.
    let mut quotas = Vec::new();
    let mut notes = live.notes.clone();
    for (ns, state) in &live.namespaces {
        let ns_pods: Vec<&Pod> = live
            .pods
            .iter()
            .filter(|p| {
                p.metadata.namespace.as_deref() == Some(ns.as_str()) && usage::is_active(p, now)
            })
            .collect();
        for quota in &state.quotas {
            let qname = quota.metadata.name.clone().unwrap_or_default();
            let hard = parse_map(quota.spec.as_ref().and_then(|s| s.hard.as_ref()));
            let mut resources = Vec::new();
            for (key, hard_value) in &hard {
                if !usage::quota_key_of_pods(key) {
                    continue;
                }
                let counts = |spec: &PodSpec| usage::matches_scopes(quota, spec);
                if ns_pods
                    .iter()
                    .filter_map(|p| p.spec.as_ref())
                    .any(|s| counts(s).is_none())
                {
                    notes.push(format!(
                        "quota {ns}/{qname} has a scopeSelector; not checked"
                    ));
                    break;
                }
                let pod_usage = |p: &&Pod| -> Quantity {
                    let Some(spec) = p.spec.as_ref() else {
                        return Quantity::ZERO;
                    };
                    if counts(spec) != Some(true) {
                        return Quantity::ZERO;
                    }
                    usage::pod_quota_usage(&usage::pod_resources(spec), key).unwrap_or_default()
                };
                let used: Quantity = ns_pods.iter().map(pod_usage).sum();
                let replaced: Quantity = replaced_pods
                    .iter()
                    .filter(|p| p.metadata.namespace.as_deref() == Some(ns.as_str()))
                    .map(pod_usage)
                    .sum();
                let mut added = Quantity::ZERO;
                let mut by_object: BTreeMap<String, Quantity> = BTreeMap::new();
                for (object, wns, _, count, resources) in &shaped {
                    if wns != ns {
                        continue;
                    }
                    let per_pod = usage::pod_quota_usage(resources, key).unwrap_or_default();
                    added += per_pod * i128::from(*count);
                    *by_object.entry(object.clone()).or_default() += per_pod * i128::from(*count);
                }
                let after = used - replaced + added;
                let fits = after <= *hard_value || added <= replaced;
                let largest = by_object
                    .iter()
                    .max_by_key(|(_, q)| **q)
                    .filter(|(_, q)| !q.is_zero());
                let row = QuotaCheckRow {
                    resource: key.clone(),
                    used,
                    replaced,
                    added,
                    after,
                    hard: *hard_value,
                    fits,
                    over_by: after.saturating_sub(*hard_value),
                    largest_contributor: largest
                        .map(|(o, q)| format!("{o} ({})", q.display_for(key))),
                };
                if !row.fits {
                    reasons.push(format!(
                        "quota {ns}/{qname}: {key} would be {} of {} (over by {}); largest contributor: {}",
                        after.display_for(key),
                        hard_value.display_for(key),
                        row.over_by.display_for(key),
                        row.largest_contributor.clone().unwrap_or_else(|| "-".into())
                    ));
                }
                resources.push(row);
            }
            quotas.push(QuotaCheck {
                namespace: ns.clone(),
                name: qname,
                resources,
            });
        }
    }

    let nodes = check_nodes(&shaped, live, &replaced_pods, now, &mut reasons);
    CheckReport {
        api_version: super::show::API_VERSION,
        kind: "QuotaCheck",
        fits: reasons.is_empty(),
        reasons,
        workloads: rows,
        quotas,
        limit_range_violations: violations,
        defaults_applied: applied,
        nodes,
        notes,
    }
}

fn check_nodes(
    shaped: &[(String, String, String, i64, PodResources)],
    live: &Live,
    replaced: &[&Pod],
    now: jiff::Timestamp,
    reasons: &mut Vec<String>,
) -> NodeCheck {
    let mut check = NodeCheck::default();
    // Free allocatable per node, the replaced pods given back.
    let replaced_names: BTreeSet<(Option<&str>, Option<&str>)> = replaced
        .iter()
        .map(|p| (p.metadata.namespace.as_deref(), p.metadata.name.as_deref()))
        .collect();
    let mut free: BTreeMap<String, (Quantity, Quantity, i64)> =
        usage::free_per_node(&live.nodes, &live.pods, now, |pod| {
            replaced_names.contains(&(
                pod.metadata.namespace.as_deref(),
                pod.metadata.name.as_deref(),
            ))
        })
        .into_iter()
        .map(|(name, c)| (name, (c.cpu, c.memory, c.pods)))
        .collect();
    check.free_cpu = free.values().map(|f| f.0.max(Quantity::ZERO)).sum();
    check.free_memory = free.values().map(|f| f.1.max(Quantity::ZERO)).sum();
    check.most_free_cpu = free.values().map(|f| f.0).max().unwrap_or_default();
    check.most_free_memory = free.values().map(|f| f.1).max().unwrap_or_default();

    let get = |r: &PodResources, k: &str| r.requests.get(k).copied().unwrap_or_default();
    let mut pods: Vec<Placed> = Vec::new();
    for (_, _, label, count, resources) in shaped {
        for _ in 0..(*count).max(0) {
            pods.push(Placed {
                label: label.clone(),
                requests: resources,
            });
        }
    }
    check.pods = pods.len() as i64;
    check.requested_cpu = pods.iter().map(|p| get(p.requests, "cpu")).sum();
    check.requested_memory = pods.iter().map(|p| get(p.requests, "memory")).sum();
    // Largest first, each onto the node with the most free memory that holds it.
    pods.sort_by(|a, b| {
        (get(b.requests, "memory"), get(b.requests, "cpu"))
            .cmp(&(get(a.requests, "memory"), get(a.requests, "cpu")))
    });
    if let Some(largest) = pods.first() {
        let (cpu, memory) = (
            get(largest.requests, "cpu"),
            get(largest.requests, "memory"),
        );
        check.largest_pod = Some(largest.label.clone());
        check.largest_pod_cpu = cpu;
        check.largest_pod_memory = memory;
        check.largest_pod_node = free
            .iter()
            .filter(|(_, f)| f.0 >= cpu && f.1 >= memory && f.2 >= 1)
            .max_by_key(|(_, f)| f.1)
            .map(|(n, _)| n.clone());
        if check.largest_pod_node.is_none() {
            reasons.push(format!(
                "nodes: the largest pod, {} ({} CPU, {} memory), fits on no node (most free: {} CPU, {} memory)",
                largest.label,
                cpu.display_cpu(),
                memory.display_bytes(),
                check.most_free_cpu.display_cpu(),
                check.most_free_memory.display_bytes()
            ));
        }
    }
    let mut unplaced: BTreeMap<String, i64> = BTreeMap::new();
    for pod in &pods {
        let (cpu, memory) = (get(pod.requests, "cpu"), get(pod.requests, "memory"));
        let target = free
            .iter_mut()
            .filter(|(_, f)| f.0 >= cpu && f.1 >= memory && f.2 >= 1)
            .max_by_key(|(_, f)| f.1);
        match target {
            Some((_, f)) => {
                f.0 = f.0 - cpu;
                f.1 = f.1 - memory;
                f.2 -= 1;
            }
            None => *unplaced.entry(pod.label.clone()).or_default() += 1,
        }
    }
    check.unplaced = unplaced
        .iter()
        .map(|(label, n)| format!("{n} × {label}"))
        .collect();
    if !unplaced.is_empty() && check.largest_pod_node.is_some() {
        reasons.push(format!(
            "nodes: {} of {} new pods do not fit the free allocatable ({} CPU, {} memory free; {} CPU, {} memory requested): {}",
            unplaced.values().sum::<i64>(),
            check.pods,
            check.free_cpu.display_cpu(),
            check.free_memory.display_bytes(),
            check.requested_cpu.display_cpu(),
            check.requested_memory.display_bytes(),
            check.unplaced.join(", ")
        ));
    }
    check.fits = check.largest_pod_node.is_some() || pods.is_empty();
    check.fits = check.fits && unplaced.is_empty();
    check
}

// ------------------------------------------------------------------ rendering ---

fn res(map: &BTreeMap<String, Quantity>, k: &str) -> String {
    map.get(k).map_or("-".into(), |q| q.display_for(k))
}

pub fn table(report: &CheckReport, palette: &Palette, out: &mut dyn Write) -> Result<()> {
    if report.fits {
        writeln!(out, "{}", palette.good("FITS: applying these manifests stays within the quotas, the LimitRange and the nodes"))?;
    } else {
        writeln!(out, "{}", palette.critical("DOES NOT FIT:"))?;
        for reason in &report.reasons {
            writeln!(out, "  - {reason}")?;
        }
    }
    writeln!(
        out,
        "\n{}",
        palette.bold("Workloads (per pod, after LimitRange defaults)")
    )?;
    let rows = report
        .workloads
        .iter()
        .map(|w| {
            vec![
                w.namespace.clone(),
                format!("{}/{}", w.kind, w.name),
                w.role.clone(),
                w.count.to_string(),
                res(&w.requests, "cpu"),
                res(&w.limits, "cpu"),
                res(&w.requests, "memory"),
                res(&w.limits, "memory"),
                w.replaces_pods.to_string(),
            ]
        })
        .collect();
    crate::render::table(
        out,
        &[
            "NAMESPACE",
            "OBJECT",
            "ROLE",
            "PODS",
            "CPU REQ",
            "CPU LIM",
            "MEM REQ",
            "MEM LIM",
            "REPLACES",
        ],
        rows,
    )?;
    for quota in &report.quotas {
        writeln!(
            out,
            "\n{}",
            palette.bold(&format!("Quota {}/{}", quota.namespace, quota.name))
        )?;
        let rows = quota
            .resources
            .iter()
            .map(|r| {
                let k = &r.resource;
                vec![
                    k.clone(),
                    r.used.display_for(k),
                    format!("-{}", r.replaced.display_for(k)),
                    format!("+{}", r.added.display_for(k)),
                    r.after.display_for(k),
                    r.hard.display_for(k),
                    if r.fits {
                        palette.good("yes")
                    } else {
                        palette.critical(&format!("no, over by {}", r.over_by.display_for(k)))
                    },
                ]
            })
            .collect();
        crate::render::table(
            out,
            &[
                "RESOURCE", "USED", "REPLACED", "NEW", "AFTER", "HARD", "FITS",
            ],
            rows,
        )?;
    }
    if !report.limit_range_violations.is_empty() {
        writeln!(out, "\n{}", palette.bold("LimitRange violations"))?;
        for v in &report.limit_range_violations {
            writeln!(
                out,
                "  {} container {}: {}",
                v.object,
                v.container,
                palette.critical(&v.message)
            )?;
        }
    }
    if !report.defaults_applied.is_empty() {
        writeln!(out, "\n{}", palette.bold("LimitRange defaults applied"))?;
        for line in &report.defaults_applied {
            writeln!(out, "  {line}")?;
        }
    }
    let n = &report.nodes;
    writeln!(out, "\n{}", palette.bold("Nodes"))?;
    if let Some(largest) = &n.largest_pod {
        let place = match &n.largest_pod_node {
            Some(node) => palette.good(&format!("fits on {node}")),
            None => palette.critical(&format!(
                "fits on no node (most free: {} CPU, {} memory)",
                n.most_free_cpu.display_cpu(),
                n.most_free_memory.display_bytes()
            )),
        };
        writeln!(
            out,
            "  largest pod: {largest} ({} CPU, {} memory): {place}",
            n.largest_pod_cpu.display_cpu(),
            n.largest_pod_memory.display_bytes()
        )?;
    }
    writeln!(
        out,
        "  {} new pods request {} CPU, {} memory; free allocatable {} CPU, {} memory",
        n.pods,
        n.requested_cpu.display_cpu(),
        n.requested_memory.display_bytes(),
        n.free_cpu.display_cpu(),
        n.free_memory.display_bytes()
    )?;
    if !n.unplaced.is_empty() {
        writeln!(
            out,
            "  {}",
            palette.critical(&format!("not placeable: {}", n.unplaced.join(", ")))
        )?;
    }
    for note in &report.notes {
        writeln!(out, "\n{}", palette.warning(&format!("note: {note}")))?;
    }
    Ok(())
}

pub fn csv(report: &CheckReport, out: &mut dyn Write) -> Result<()> {
    use super::show::csv_cell;
    writeln!(
        out,
        "namespace,quota,resource,used,replaced,new,after,hard,fits,over_by,largest_contributor"
    )?;
    for q in &report.quotas {
        for r in &q.resources {
            let cells = [
                q.namespace.clone(),
                q.name.clone(),
                r.resource.clone(),
                r.used.to_string(),
                r.replaced.to_string(),
                r.added.to_string(),
                r.after.to_string(),
                r.hard.to_string(),
                r.fits.to_string(),
                r.over_by.to_string(),
                r.largest_contributor.clone().unwrap_or_default(),
            ];
            writeln!(
                out,
                "{}",
                cells
                    .iter()
                    .map(|c| csv_cell(c))
                    .collect::<Vec<_>>()
                    .join(",")
            )?;
        }
    }
    Ok(())
}

async fn read_live(cluster: &Cluster, namespaces: &BTreeSet<String>) -> Result<Live> {
    let all = ListParams::default();
    let active = super::active_pods();
    let mut notes = Vec::new();
    let (pods, nodes) = tokio::try_join!(
        cluster.list::<Pod>(&Scope::All, &active),
        cluster.list_cluster::<Node>(&all),
    )?;
    let mut pod_items = pods.items;
    if !pods.availability.eq(&crate::kube::Availability::Available) {
        notes.push("pods of other namespaces could not be read: node free space counts only the target namespaces".into());
        pod_items.clear();
        for ns in namespaces {
            let scope = Scope::Namespace(ns.clone());
            let listing: Listing<Pod> = cluster.list(&scope, &super::active_pods()).await?;
            pod_items.extend(listing.items);
        }
    }
    if !nodes.is_available() {
        notes.push("nodes could not be read (forbidden?): the node check is skipped".into());
    }
    let mut states = BTreeMap::new();
    for ns in namespaces {
        let scope = Scope::Namespace(ns.clone());
        let (quotas, ranges) = tokio::try_join!(
            cluster.list::<ResourceQuota>(&scope, &all),
            cluster.list::<LimitRange>(&scope, &all)
        )?;
        if !quotas.is_available() {
            notes.push(format!(
                "resourcequotas in {ns} could not be read: quota not checked"
            ));
        }
        if !ranges.is_available() {
            notes.push(format!(
                "limitranges in {ns} could not be read: LimitRange not checked"
            ));
        }
        states.insert(
            ns.clone(),
            NamespaceState {
                quotas: quotas.items,
                limit_ranges: ranges.items,
            },
        );
    }
    Ok(Live {
        namespaces: states,
        pods: pod_items,
        nodes: nodes.items,
        notes,
    })
}

pub async fn run(
    cluster_args: &ClusterArgs,
    output: &QuotaOutputArgs,
    args: CheckArgs,
    palette: &Palette,
    out: &mut dyn Write,
) -> Result<Exit> {
    if cluster_args.all_namespaces {
        return Err(Error::Usage("quota check works on the manifests' namespaces; drop -A (use -n for objects without one)".into()));
    }
    // Input first: a bad file is exit 2 before any cluster access.
    let mut found = manifests::read_paths(&args.files, &mut std::io::stdin())?;
    if let Some(dir) = &args.kustomize {
        found.extend(manifests::kustomize(dir)?);
    }
    let cluster = Cluster::connect(cluster_args).await?;
    let default_ns = cluster_args
        .namespace
        .clone()
        .unwrap_or_else(|| cluster.default_namespace().to_string());
    // DaemonSets make one pod per node; count nodes only when there is one.
    let has_daemonset = found
        .iter()
        .any(|m| m.value.get("kind").and_then(|k| k.as_str()) == Some("DaemonSet"));
    let node_count = if has_daemonset {
        let nodes: Listing<Node> = cluster.list_cluster(&ListParams::default()).await?;
        nodes.items.len() as i64
    } else {
        0
    };
    let workloads = manifests::workloads(&found, node_count)?;
    if workloads.is_empty() {
        return Err(Error::Usage(
            "no workloads in the manifests (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, SparkApplication); nothing to check".into(),
        ));
    }
    let targeted: Vec<(Workload, String)> = workloads
        .into_iter()
        .map(|w| {
            let ns = w.namespace.clone().unwrap_or_else(|| default_ns.clone());
            (w, ns)
        })
        .collect();
    let namespaces: BTreeSet<String> = targeted.iter().map(|(_, ns)| ns.clone()).collect();
    let live = read_live(&cluster, &namespaces).await?;
    let report = evaluate(&targeted, &live, jiff::Timestamp::now());
    match output.format {
        QuotaFormat::Table | QuotaFormat::Wide => table(&report, palette, out)?,
        QuotaFormat::Json => crate::render::json(out, &report)?,
        QuotaFormat::Yaml => crate::render::yaml(out, &report)?,
        QuotaFormat::Csv => csv(&report, out)?,
    }
    Ok(if report.fits {
        Exit::Ok
    } else {
        Exit::Problems
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quota::manifests::parse_documents;
    use crate::quota::usage::tests::{container, q};
    use k8s_openapi::api::core::v1::{
        LimitRangeItem, LimitRangeSpec, NodeStatus, PodStatus, ResourceQuotaSpec,
    };
    use std::path::Path;

    fn k8s_map(pairs: &[(&str, &str)]) -> BTreeMap<String, K8sQuantity> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), K8sQuantity(v.to_string())))
            .collect()
    }

    fn limit_range() -> LimitRange {
        let mut lr = LimitRange::default();
        lr.metadata.name = Some("limits".into());
        lr.spec = Some(LimitRangeSpec {
            limits: vec![LimitRangeItem {
                type_: "Container".into(),
                default: Some(k8s_map(&[("cpu", "1"), ("memory", "2Gi")])),
                default_request: Some(k8s_map(&[("cpu", "250m"), ("memory", "512Mi")])),
                max: Some(k8s_map(&[("memory", "16Gi")])),
                ..Default::default()
            }],
        });
        lr
    }

    fn live(pods: Vec<Pod>) -> Live {
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
        let mut quota = ResourceQuota::default();
        quota.metadata.name = Some("compute".into());
        quota.spec = Some(ResourceQuotaSpec {
            hard: Some(k8s_map(&[
                ("requests.memory", "10Gi"),
                ("limits.memory", "20Gi"),
            ])),
            ..Default::default()
        });
        Live {
            namespaces: [(
                "ns".to_string(),
                NamespaceState {
                    quotas: vec![quota],
                    limit_ranges: vec![limit_range()],
                },
            )]
            .into(),
            pods,
            nodes: vec![node],
            notes: vec![],
        }
    }

    fn deployment(name: &str, replicas: i64, memory: &str) -> Vec<(Workload, String)> {
        let yaml = format!(
            "kind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: {replicas}\n  template:\n    spec:\n      containers:\n      - name: app\n        resources: {{requests: {{memory: {memory}}}, limits: {{memory: {memory}}}}}\n"
        );
        let m = parse_documents(Path::new("t.yaml"), &yaml).unwrap();
        manifests::workloads(&m, 1)
            .unwrap()
            .into_iter()
            .map(|w| (w, "ns".to_string()))
            .collect()
    }

    fn live_pod(name: &str, owner_rs: Option<(&str, &str)>, memory: &str) -> Pod {
        let mut p = Pod::default();
        p.metadata.namespace = Some("ns".into());
        p.metadata.name = Some(name.into());
        if let Some((rs, hash)) = owner_rs {
            p.metadata.labels = Some([("pod-template-hash".to_string(), hash.to_string())].into());
            p.metadata.owner_references = Some(vec![
                k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference {
                    kind: "ReplicaSet".into(),
                    name: rs.into(),
                    controller: Some(true),
                    ..Default::default()
                },
            ]);
        }
        p.spec = Some(PodSpec {
            node_name: Some("n1".into()),
            containers: vec![container(
                "app",
                &[("memory", memory)],
                &[("memory", memory)],
            )],
            ..Default::default()
        });
        p.status = Some(PodStatus {
            phase: Some("Running".into()),
            ..Default::default()
        });
        p
    }

    #[test]
    fn fits_and_replaces_same_named_objects() {
        // 2 × 3Gi live in web; the new web is 3 × 3Gi: 9Gi − 6Gi + 9Gi... only if replaced.
        let pods = vec![
            live_pod("web-1", Some(("web-abc", "abc")), "3Gi"),
            live_pod("web-2", Some(("web-abc", "abc")), "3Gi"),
        ];
        let report = evaluate(
            &deployment("web", 3, "3Gi"),
            &live(pods),
            jiff::Timestamp::now(),
        );
        assert!(report.fits, "{:?}", report.reasons);
        let row = &report.quotas[0]
            .resources
            .iter()
            .find(|r| r.resource == "requests.memory")
            .unwrap();
        assert_eq!(row.used, q("6Gi"));
        assert_eq!(row.replaced, q("6Gi"));
        assert_eq!(row.after, q("9Gi"));
        // As an addition it would not fit: another name.
        let pods = vec![
            live_pod("web-1", Some(("web-abc", "abc")), "3Gi"),
            live_pod("web-2", Some(("web-abc", "abc")), "3Gi"),
        ];
        let report = evaluate(
            &deployment("api", 3, "3Gi"),
            &live(pods),
            jiff::Timestamp::now(),
        );
        assert!(!report.fits);
        let row = report.quotas[0]
            .resources
            .iter()
            .find(|r| r.resource == "requests.memory")
            .unwrap();
        assert_eq!(row.after, q("15Gi"));
        assert_eq!(row.over_by, q("5Gi"));
        assert_eq!(
            row.largest_contributor.as_deref(),
            Some("Deployment/api (9Gi)")
        );
    }

    #[test]
    fn a_defaulted_limit_below_the_request_is_a_violation() {
        // A Spark executor with 4 cores and no coreLimit gets the default limit of 1 CPU.
        let mut spec = PodSpec {
            containers: vec![container("exec", &[("cpu", "4")], &[])],
            ..Default::default()
        };
        let v = apply_limit_ranges(
            &mut spec,
            &[limit_range()],
            "SparkApplication/x executor",
            &mut Vec::new(),
        );
        assert_eq!(v.len(), 1);
        assert!(
            v[0].message
                .starts_with("requests.cpu 4 is above limits.cpu 1"),
            "{}",
            v[0].message
        );
    }

    #[test]
    fn limit_range_defaults_and_max() {
        let mut spec = PodSpec {
            containers: vec![
                container("a", &[], &[]),
                container("b", &[], &[("memory", "20Gi")]),
            ],
            ..Default::default()
        };
        let mut applied = Vec::new();
        let v = apply_limit_ranges(&mut spec, &[limit_range()], "Deployment/x", &mut applied);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].container, "b");
        assert!(
            v[0].message
                .contains("limits.memory 20Gi is above the LimitRange maximum 16Gi (by 4Gi)"),
            "{}",
            v[0].message
        );
        let r = usage::pod_resources(&spec);
        // a: defaults 512Mi request; b: request copied from its limit.
        assert_eq!(r.requests["memory"], q("512Mi") + q("20Gi"));
        assert_eq!(r.limits["cpu"], q("2"));
        assert!(applied.iter().any(|l| l.contains("requests.memory=512Mi")));
    }

    #[test]
    fn a_pod_larger_than_any_node_does_not_fit() {
        let report = evaluate(
            &deployment("big", 1, "40Gi"),
            &live(vec![]),
            jiff::Timestamp::now(),
        );
        assert!(!report.fits);
        assert!(report.nodes.largest_pod_node.is_none());
        assert!(
            report.reasons.iter().any(|r| r.contains("fits on no node")),
            "{:?}",
            report.reasons
        );
    }
}
