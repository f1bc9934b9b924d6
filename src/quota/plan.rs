//! `kubectl dp quota plan`: a ResourceQuota and LimitRange for a namespace,
//! sized from the given totals and from what runs there now.

use std::collections::BTreeMap;
use std::io::Write;

use k8s_openapi::api::core::v1::{
    LimitRange, LimitRangeItem, LimitRangeSpec, Node, Pod, ResourceQuota, ResourceQuotaSpec,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
use kube::api::ListParams;

use crate::cli::ClusterArgs;
use crate::error::{Error, Exit, Result};
use crate::kube::{Cluster, Listing, Scope};
use crate::platform::quantity::Quantity;

use crate::cli::{FormatKind, OutputFormat};
use crate::platform::resources::{self, Capacity};
use crate::render::Output;

/// `--dry-run`: how `--apply` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DryRun {
    /// Apply for real (with --apply)
    None,
    /// Only print the YAML (the default without --apply)
    Client,
    /// Send to the API server as a dry run: validation and admission, no change
    Server,
}

/// Flags of `quota plan`.
#[derive(Debug, Clone, clap::Args)]
pub struct PlanArgs {
    /// The namespace's memory budget (quota requests.memory and limits.memory)
    #[arg(long, default_value = "80Gi", value_parser = crate::platform::quantity::parse_positive)]
    pub memory: Quantity,

    /// The namespace's CPU budget (quota requests.cpu and limits.cpu)
    #[arg(long, default_value = "30", value_parser = crate::platform::quantity::parse_positive)]
    pub cpu: Quantity,

    /// Headroom in percent over the largest container now, for the LimitRange maximum and the pod count
    #[arg(long, default_value_t = 20, value_name = "PERCENT", value_parser = clap::value_parser!(u32).range(0..=1000))]
    pub headroom: u32,

    /// Server-side apply the proposal (field manager kubectl-dp) after showing the diff
    #[arg(long)]
    pub apply: bool,

    /// server: ask the API server what it would do, without changing anything
    #[arg(long, value_enum, value_name = "MODE", num_args = 0..=1, default_missing_value = "server")]
    pub dry_run: Option<DryRun>,

    /// With --apply: do not ask for confirmation (needed without a terminal)
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// With --apply: take fields another field manager (Flux, Argo CD, kubectl) owns
    #[arg(long)]
    pub force_conflicts: bool,

    /// With --apply: apply even when quotas, LimitRanges or nodes could not be read (RBAC)
    #[arg(long)]
    pub unchecked: bool,
}

/// The namespace's totals and the headroom asked for.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// CPU for the whole namespace.
    pub cpu: Quantity,
    /// Memory for the whole namespace.
    pub memory: Quantity,
    /// Percent.
    pub headroom: u32,
}

/// The proposal and the numbers behind it.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The proposed ResourceQuota.
    pub quota: ResourceQuota,
    /// The proposed LimitRange.
    pub limit_range: LimitRange,
    /// The numbers behind them, one line each (printed as comments).
    pub summary: Vec<String>,
}

fn round_up(q: Quantity, step: Quantity) -> Quantity {
    if step.is_zero() {
        return q;
    }
    let n = q.nanos();
    let s = step.nanos();
    let steps = n.div_euclid(s) + i128::from(n.rem_euclid(s) != 0);
    Quantity::from_units(0) + step * steps
}

fn lower_quartile(mut values: Vec<Quantity>) -> Option<Quantity> {
    values.sort();
    values.get(values.len().checked_sub(1)? / 4).copied()
}

fn k8s(pairs: &[(&str, Quantity)]) -> BTreeMap<String, K8sQuantity> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), K8sQuantity(v.display_for(k))))
        .collect()
}

/// Sizes a quota from the totals and a LimitRange from the containers that run
/// now: defaults at the median container, maximum at the largest plus headroom,
/// capped by the largest node and the totals.
pub fn propose(
    namespace: &str,
    pods: &[&Pod],
    largest_node: &Capacity,
    budget: &Budget,
    names: (String, String),
    now: jiff::Timestamp,
) -> Plan {
    let running = what_runs(pods, now);
    let bounds = container_bounds(&running, largest_node, budget);
    // Pods: what runs now plus headroom, or as many default-sized pods as the
    // memory budget holds (Spark drivers and executors come and go), in tens.
    let pods_now = i128::from(running.used.pods);
    let by_headroom = (pods_now * i128::from(100 + budget.headroom) + 99) / 100;
    let by_budget = budget.memory.nanos() / bounds.default_request[1].1.nanos().max(1);
    let pods_hard = (by_headroom.max(by_budget).max(10) + 9) / 10 * 10;
    Plan {
        quota: quota_object(namespace, names.0, budget, pods_hard),
        limit_range: limit_range_object(namespace, names.1, &bounds),
        summary: summary(namespace, &running.used, budget),
    }
}

/// The active pods' totals and every container's CPU and memory requests and limits.
struct Running {
    used: resources::Totals,
    requests: BTreeMap<&'static str, Vec<Quantity>>,
    limits: BTreeMap<&'static str, Vec<Quantity>>,
}

fn what_runs(pods: &[&Pod], now: jiff::Timestamp) -> Running {
    let mut running = Running {
        used: resources::Totals::default(),
        requests: BTreeMap::new(),
        limits: BTreeMap::new(),
    };
    for pod in pods.iter().filter(|p| resources::is_active(p, now)) {
        let Some(spec) = pod.spec.as_ref() else {
            continue;
        };
        running.used.add_pod(&resources::pod_resources(spec));
        for container in &spec.containers {
            for name in ["cpu", "memory"] {
                if let Some(q) = crate::platform::workload::resource(container, "requests", name) {
                    running.requests.entry(name).or_default().push(q);
                }
                if let Some(q) = crate::platform::workload::resource(container, "limits", name) {
                    running.limits.entry(name).or_default().push(q);
                }
            }
        }
    }
    running
}

/// The LimitRange's per-container values, each a list of (resource, value) for cpu then memory.
struct ContainerBounds {
    default_request: Vec<(&'static str, Quantity)>,
    default_limit: Vec<(&'static str, Quantity)>,
    max: Vec<(&'static str, Quantity)>,
}

/// The rounding step per resource: small for defaults, big for the maximum.
fn step(name: &str, big: bool) -> Quantity {
    match (name, big) {
        ("cpu", false) => Quantity::from_millis(50),
        ("cpu", true) => Quantity::from_units(1),
        (_, false) => Quantity::from_bytes(64 << 20),
        (_, true) => Quantity::from_bytes(1 << 30),
    }
}

fn container_bounds(
    running: &Running,
    largest_node: &Capacity,
    budget: &Budget,
) -> ContainerBounds {
    let scale = |q: Quantity| {
        Quantity::from_millis((q.millis_ceil() * i128::from(100 + budget.headroom) + 99) / 100)
    };
    let (requests, limits) = (&running.requests, &running.limits);
    let mut bounds = ContainerBounds {
        default_request: Vec::new(),
        default_limit: Vec::new(),
        max: Vec::new(),
    };
    // Defaults are for containers that declare nothing (sidecars, small jobs):
    // the lower quartile of what runs, capped at 500m/1Gi requests and 1 CPU/2Gi limits.
    for (name, fallback, request_cap, limit_cap, total, node) in [
        (
            "cpu",
            Quantity::from_millis(250),
            Quantity::from_millis(500),
            Quantity::from_units(1),
            budget.cpu,
            largest_node.cpu,
        ),
        (
            "memory",
            Quantity::from_bytes(512 << 20),
            Quantity::from_bytes(1 << 30),
            Quantity::from_bytes(2 << 30),
            budget.memory,
            largest_node.memory,
        ),
    ] {
        let dr = lower_quartile(requests.get(name).cloned().unwrap_or_default())
            .map_or(fallback, |m| round_up(m, step(name, false)))
            .min(request_cap);
        let dl = lower_quartile(limits.get(name).cloned().unwrap_or_default())
            .map_or(limit_cap, |m| round_up(m, step(name, false)))
            .min(limit_cap)
            .max(dr);
        let largest = limits
            .get(name)
            .into_iter()
            .chain(requests.get(name))
            .flatten()
            .copied()
            .max()
            .unwrap_or(dl);
        let mut cap = total;
        if !node.is_zero() {
            cap = cap.min(node);
        }
        let mx = round_up(scale(largest), step(name, true)).min(cap).max(dl);
        bounds.default_request.push((name, dr));
        bounds.default_limit.push((name, dl));
        bounds.max.push((name, mx));
    }
    bounds
}

fn quota_object(namespace: &str, name: String, budget: &Budget, pods_hard: i128) -> ResourceQuota {
    let mut quota = ResourceQuota::default();
    quota.metadata.name = Some(name);
    quota.metadata.namespace = Some(namespace.to_string());
    let mut hard = k8s(&[
        ("requests.cpu", budget.cpu),
        ("limits.cpu", budget.cpu),
        ("requests.memory", budget.memory),
        ("limits.memory", budget.memory),
    ]);
    hard.insert("pods".into(), K8sQuantity(pods_hard.to_string()));
    quota.spec = Some(ResourceQuotaSpec {
        hard: Some(hard),
        ..Default::default()
    });
    quota
}

fn limit_range_object(namespace: &str, name: String, bounds: &ContainerBounds) -> LimitRange {
    let mut limit_range = LimitRange::default();
    limit_range.metadata.name = Some(name);
    limit_range.metadata.namespace = Some(namespace.to_string());
    limit_range.spec = Some(LimitRangeSpec {
        limits: vec![LimitRangeItem {
            type_: "Container".into(),
            default_request: Some(k8s(&bounds.default_request)),
            default: Some(k8s(&bounds.default_limit)),
            max: Some(k8s(&bounds.max)),
            ..Default::default()
        }],
    });
    limit_range
}

/// What runs now against the budget: one line of totals, then one per quota
/// resource with its headroom and a warning when it is short.
fn summary(namespace: &str, used: &resources::Totals, budget: &Budget) -> Vec<String> {
    let Budget {
        cpu: cpu_total,
        memory: memory_total,
        headroom,
    } = *budget;
    let mut summary = vec![format!(
        "{namespace} now: {} pods requesting {} CPU / {} memory, limits {} CPU / {} memory",
        used.pods,
        used.cpu_requests.display_cpu(),
        used.memory_requests.display_bytes(),
        used.cpu_limits.display_cpu(),
        used.memory_limits.display_bytes()
    )];
    for (what, now_used, total, name) in [
        (
            "requests.memory",
            used.memory_requests,
            memory_total,
            "memory",
        ),
        ("limits.memory", used.memory_limits, memory_total, "memory"),
        ("requests.cpu", used.cpu_requests, cpu_total, "cpu"),
        ("limits.cpu", used.cpu_limits, cpu_total, "cpu"),
    ] {
        let left = total - now_used;
        let pct = resources::percent(left, total).unwrap_or(0.0);
        let mut line = format!(
            "{what}: {} of {} used, headroom {} ({pct:.0}%)",
            now_used.display_for(name),
            total.display_for(name),
            left.display_for(name)
        );
        if left < Quantity::ZERO {
            line.push_str(" - ALREADY OVER: existing pods keep running, new ones will be rejected");
        } else if pct < f64::from(headroom) {
            line.push_str(&format!(" - less than the {headroom}% asked for"));
        }
        summary.push(line);
    }
    summary
}

/// Only what the plan sets, so the diff shows the fields it would change.
pub(super) fn comparable_quota(q: &ResourceQuota) -> ResourceQuota {
    let mut out = ResourceQuota::default();
    out.metadata.name = q.metadata.name.clone();
    out.metadata.namespace = q.metadata.namespace.clone();
    out.spec = q.spec.clone();
    out
}

pub(super) fn comparable_limit_range(l: &LimitRange) -> LimitRange {
    let mut out = LimitRange::default();
    out.metadata.name = l.metadata.name.clone();
    out.metadata.namespace = l.metadata.namespace.clone();
    out.spec = l.spec.clone();
    out
}

/// What the proposal could not see (pure): each of `nodes`, `quotas` and
/// `ranges` that was not read in full, with why.
pub fn not_checked(
    nodes: &Listing<Node>,
    quotas: &Listing<ResourceQuota>,
    ranges: &Listing<LimitRange>,
) -> Vec<String> {
    [
        ("nodes", &nodes.availability),
        ("resourcequotas", &quotas.availability),
        ("limitranges", &ranges.availability),
    ]
    .into_iter()
    .filter(|(_, a)| **a != crate::kube::Availability::Available)
    .map(|(what, a)| format!("{what} ({})", a.describe()))
    .collect()
}

/// Runs `quota plan`: prints the proposal, or applies it with `--apply`.
/// Its flags were checked by `quota::check_flags`.
pub async fn run(
    cluster_args: &ClusterArgs,
    output: &Output,
    args: PlanArgs,
    out: &mut dyn Write,
) -> Result<Exit> {
    let cluster = Cluster::connect(cluster_args).await?;
    let namespace = cluster.namespace().to_string();
    let scope = Scope::Namespace(namespace.clone());
    crate::cli::namespace::require_existing(&cluster, &scope).await?;
    let all = ListParams::default();
    let active = super::active_pods();
    let (pods, nodes, quotas, ranges): (
        Listing<Pod>,
        Listing<Node>,
        Listing<ResourceQuota>,
        Listing<LimitRange>,
    ) = tokio::try_join!(
        cluster.list_pod_resources(&scope, &active),
        cluster.list_cluster::<Node>(&all),
        cluster.list::<ResourceQuota>(&scope, &all),
        cluster.list::<LimitRange>(&scope, &all),
    )?;
    // Sizing the defaults needs the pods that run now.
    let pods = pods.require("pods", &scope)?;
    let largest_node = nodes
        .items
        .iter()
        .map(resources::node_allocatable)
        .max_by_key(|c| (c.memory, c.cpu))
        .unwrap_or_default();
    let names = (
        match quotas.items.as_slice() {
            [one] => one.metadata.name.clone().unwrap_or_default(),
            _ => format!("{namespace}-quota"),
        },
        match ranges.items.as_slice() {
            [one] => one.metadata.name.clone().unwrap_or_default(),
            _ => format!("{namespace}-limits"),
        },
    );
    let not_checked = not_checked(&nodes, &quotas, &ranges);
    let pod_refs: Vec<&Pod> = pods.iter().collect();
    let mut plan = propose(
        &namespace,
        &pod_refs,
        &largest_node,
        &Budget {
            cpu: args.cpu,
            memory: args.memory,
            headroom: args.headroom,
        },
        names,
        jiff::Timestamp::now(),
    );
    plan.summary.extend(not_checked.iter().map(|what| {
        format!("not checked: {what}; the proposal cannot see it (bind deploy/rbac/kubectl-dp-read.yaml)")
    }));

    let server_dry_run = args.dry_run == Some(DryRun::Server);
    if !args.apply && !server_dry_run {
        return print_plan(&plan, &output.format, out).map(|_| Exit::Ok);
    }
    if args.apply && args.dry_run == Some(DryRun::Client) {
        return print_plan(&plan, &output.format, out).map(|_| Exit::Ok);
    }
    // Not read is never "nothing there": a quota this cannot see may exist, and
    // this one would stand beside it.
    if !not_checked.is_empty() && !args.unchecked {
        return Err(Error::Config(format!(
            "not checked: {}; a ResourceQuota or LimitRange may already exist that the proposal would stand beside; nothing written; bind deploy/rbac/kubectl-dp-read.yaml, or pass --unchecked to apply anyway",
            not_checked.join(", ")
        )));
    }
    super::apply::apply(&cluster, &namespace, &plan, &args, &output.palette, out).await
}

/// The `-o` values of `quota plan`: the manifests as YAML (`table`, the default, and
/// `yaml`), as a JSON `List`, or their names.
pub(crate) const FORMATS: [FormatKind; 4] = [
    FormatKind::Table,
    FormatKind::Yaml,
    FormatKind::Json,
    FormatKind::Name,
];

fn print_plan(plan: &Plan, format: &OutputFormat, out: &mut dyn Write) -> Result<()> {
    match format {
        OutputFormat::Name => {
            for (kind, meta) in [
                ("resourcequota", &plan.quota.metadata),
                ("limitrange", &plan.limit_range.metadata),
            ] {
                writeln!(out, "{kind}/{}", meta.name.as_deref().unwrap_or_default())?;
            }
            Ok(())
        }
        OutputFormat::Json => {
            let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": [plan.quota, plan.limit_range]});
            crate::render::json(out, &list)
        }
        _ => {
            writeln!(out, "# Proposed by kubectl dp quota plan")?;
            for line in &plan.summary {
                writeln!(out, "# {line}")?;
            }
            out.write_all(crate::render::yaml_string(&plan.quota)?.as_bytes())?;
            writeln!(out, "---")?;
            out.write_all(crate::render::yaml_string(&plan.limit_range)?.as_bytes())?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::resources::fixtures::{container, q};
    use k8s_openapi::api::core::v1::{PodSpec, PodStatus};

    fn pod(requests: &[(&str, &str)], limits: &[(&str, &str)]) -> Pod {
        let mut p = Pod::default();
        p.metadata.namespace = Some("ns".into());
        p.spec = Some(PodSpec {
            containers: vec![container("c", requests, limits)],
            ..Default::default()
        });
        p.status = Some(PodStatus {
            phase: Some("Running".into()),
            ..Default::default()
        });
        p
    }

    /// A node of this CPU and memory (110 pods).
    fn node(cpu: &str, memory: &str) -> Capacity {
        Capacity {
            cpu: q(cpu),
            memory: q(memory),
            pods: 110,
        }
    }

    /// The plan for namespace `ns` running `pods` on `node`, under a budget of
    /// 30 CPU and 80Gi with 20% headroom.
    fn propose_on(pods: &[&Pod], node: Capacity) -> Plan {
        let budget = Budget {
            cpu: q("30"),
            memory: q("80Gi"),
            headroom: 20,
        };
        let names = ("a".into(), "b".into());
        propose("ns", pods, &node, &budget, names, jiff::Timestamp::now())
    }

    fn item(plan: &Plan) -> &LimitRangeItem {
        &plan.limit_range.spec.as_ref().unwrap().limits[0]
    }

    #[test]
    fn sized_from_what_runs() {
        let pods = [
            pod(
                &[("cpu", "4"), ("memory", "16Gi")],
                &[("cpu", "6"), ("memory", "16Gi")],
            ),
            pod(
                &[("cpu", "500m"), ("memory", "1Gi")],
                &[("cpu", "1"), ("memory", "2Gi")],
            ),
            pod(
                &[("cpu", "300m"), ("memory", "1000Mi")],
                &[("cpu", "1"), ("memory", "2Gi")],
            ),
        ];
        let refs: Vec<&Pod> = pods.iter().collect();
        let plan = propose_on(&refs, node("16", "32Gi"));
        let i = item(&plan);
        assert_eq!(i.default_request.as_ref().unwrap()["memory"].0, "1Gi");
        assert_eq!(i.default_request.as_ref().unwrap()["cpu"].0, "300m");
        assert_eq!(i.default.as_ref().unwrap()["cpu"].0, "1");
        assert_eq!(i.default.as_ref().unwrap()["memory"].0, "2Gi");
        // 16Gi + 20% = 19.2Gi → 20Gi; 6 + 20% = 7.2 → 8.
        assert_eq!(i.max.as_ref().unwrap()["memory"].0, "20Gi");
        assert_eq!(i.max.as_ref().unwrap()["cpu"].0, "8");
        let hard = plan.quota.spec.as_ref().unwrap().hard.as_ref().unwrap();
        assert_eq!(hard["requests.memory"].0, "80Gi");
        // 80Gi of 1Gi default pods.
        assert_eq!(hard["pods"].0, "80");
        assert!(
            plan.summary[1].starts_with("requests.memory: 17.9"),
            "{:?}",
            plan.summary
        );
    }

    #[test]
    fn empty_namespace_gets_sensible_defaults_capped_by_the_node() {
        let plan = propose_on(&[], node("4", "8Gi"));
        let i = item(&plan);
        assert_eq!(i.default_request.as_ref().unwrap()["memory"].0, "512Mi");
        assert_eq!(i.default.as_ref().unwrap()["cpu"].0, "1");
        assert_eq!(i.max.as_ref().unwrap()["memory"].0, "3Gi");
    }
}
