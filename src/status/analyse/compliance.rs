//! GitOps and security compliance: who manages the objects, and the fences
//! (quota, limits, network policy, alerts) every platform namespace needs.

use std::collections::BTreeSet;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::findings::{Component, Finding, ObjectRef, Severity};
use crate::kube::Availability;
use crate::platform::ownership::{SecretSource, gitops_manager, is_owned, secret_source};
use crate::platform::workload;
use crate::snapshot::Snapshot;
use crate::status::report::{ComponentStatus, state_of};

use super::Section;
use super::workloads;

pub(crate) fn analyse(snapshot: &Snapshot) -> Section {
    let mut findings = Vec::new();
    findings.extend(unmanaged_objects(snapshot));
    findings.extend(orphan_jobs(snapshot));
    findings.extend(missing_fences(snapshot));
    findings.extend(missing_alerts(snapshot));
    findings.extend(alert_quality(snapshot));
    findings.extend(super::alert_rules::findings(snapshot));
    findings.extend(missing_resources(snapshot));
    findings.extend(super::pss::findings(snapshot));
    let problems = findings.len();
    Section {
        status: ComponentStatus {
            component: Component::Compliance,
            state: state_of(Component::Compliance, true, &findings, &[]),
            summary: if problems == 0
                && !super::coverage::unchecked(snapshot, Component::Compliance).is_empty()
            {
                // Never "in place" for what could not be read (coverage names it).
                "no findings in what could be read".into()
            } else if problems == 0 {
                "all objects managed by GitOps; quota, limits, default-deny and alerts in place"
                    .into()
            } else {
                crate::render::count(problems, "finding", "findings")
            },
            details: Vec::new(),
        },
        findings,
    }
}

/// `gitops.unmanaged` for every object that neither Flux nor Argo CD manages,
/// in the order of [`workload_objects`] then [`fence_and_platform_objects`].
fn unmanaged_objects(snapshot: &Snapshot) -> Vec<Finding> {
    let mut objects = workload_objects(snapshot);
    objects.extend(fence_and_platform_objects(snapshot));
    objects
        .into_iter()
        // Objects another object owns are generated; their owner is what Git holds.
        .filter(|(_, meta)| !is_owned(meta) && gitops_manager(meta).is_none())
        .map(|(kind, meta)| {
            Finding::new(
                "gitops.unmanaged",
                Severity::Warning,
                Component::Compliance,
                ObjectRef::from_meta(kind, meta),
                "not managed by Flux or Argo CD: a change made by hand here drifts from Git",
                "add it to the GitOps repository (or remove it if it is left over)",
            )
        })
        .collect()
}

/// The workloads and what they read: Deployments, StatefulSets, Services,
/// ConfigMaps and hand-written Secrets (not the generated ones).
fn workload_objects(snapshot: &Snapshot) -> Vec<(&'static str, &ObjectMeta)> {
    let mut objects: Vec<(&str, &ObjectMeta)> = Vec::new();
    objects.extend(
        snapshot
            .deployments
            .items
            .iter()
            .map(|o| ("Deployment", &o.metadata)),
    );
    objects.extend(
        snapshot
            .stateful_sets
            .items
            .iter()
            .map(|o| ("StatefulSet", &o.metadata)),
    );
    objects.extend(
        snapshot
            .services
            .items
            .iter()
            .map(|o| ("Service", &o.metadata)),
    );
    objects.extend(
        snapshot
            .config_maps
            .items
            .iter()
            .filter(|c| c.metadata.name.as_deref() != Some("kube-root-ca.crt"))
            // The suite's own objects: `tune apply`'s backups.
            .filter(|c| {
                c.metadata
                    .labels
                    .as_ref()
                    .is_none_or(|l| !l.contains_key(crate::kube::TUNE_BACKUP_LABEL))
            })
            .map(|o| ("ConfigMap", &o.metadata)),
    );
    objects.extend(
        snapshot
            .secrets
            .items
            .iter()
            .filter(|s| secret_source(s) == SecretSource::HandWritten)
            .map(|o| ("Secret", &o.metadata)),
    );
    objects
}

/// The fences (quota, limits, network policy) and the platform's custom
/// resources (bucket claims, Spark applications, ExternalSecrets, alert rules).
fn fence_and_platform_objects(snapshot: &Snapshot) -> Vec<(&'static str, &ObjectMeta)> {
    let mut objects: Vec<(&str, &ObjectMeta)> = Vec::new();
    objects.extend(
        snapshot
            .resource_quotas
            .items
            .iter()
            .map(|o| ("ResourceQuota", &o.metadata)),
    );
    objects.extend(
        snapshot
            .limit_ranges
            .items
            .iter()
            .map(|o| ("LimitRange", &o.metadata)),
    );
    objects.extend(
        snapshot
            .network_policies
            .items
            .iter()
            .map(|o| ("NetworkPolicy", &o.metadata)),
    );
    objects.extend(
        snapshot
            .bucket_claims
            .items
            .iter()
            .map(|o| ("ObjectBucketClaim", &o.metadata)),
    );
    objects.extend(
        snapshot
            .spark_applications
            .items
            .iter()
            .map(|o| ("SparkApplication", &o.metadata)),
    );
    objects.extend(
        snapshot
            .external_secrets
            .items
            .iter()
            .map(|o| ("ExternalSecret", &o.metadata)),
    );
    objects.extend(
        snapshot
            .prometheus_rules
            .items
            .iter()
            .map(|o| ("PrometheusRule", &o.metadata)),
    );
    objects
}

fn orphan_jobs(snapshot: &Snapshot) -> Vec<Finding> {
    snapshot
        .jobs
        .items
        .iter()
        .filter(|j| !is_owned(&j.metadata) && gitops_manager(&j.metadata).is_none())
        .map(|j| {
            Finding::new(
                "gitops.orphan-job",
                Severity::Warning,
                Component::Compliance,
                ObjectRef::from_meta("Job", &j.metadata),
                "a Job that no CronJob, operator or GitOps tool owns: someone ran it by hand",
                "run it from a CronJob or the GitOps repo, and delete this one when done",
            )
        })
        .collect()
}

fn missing_fences(snapshot: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    for ns in snapshot.namespaces() {
        let in_ns = |meta: &ObjectMeta| meta.namespace.as_deref() == Some(ns.as_str());
        let namespace = ObjectRef::new("Namespace", None, &ns);
        if snapshot.resource_quotas.is_available()
            && !snapshot
                .resource_quotas
                .items
                .iter()
                .any(|q| in_ns(&q.metadata))
        {
            out.push(Finding::new(
                "policy.no-resource-quota",
                Severity::Warning,
                Component::Compliance,
                namespace.clone(),
                "no ResourceQuota: one job can take the whole cluster",
                format!("`kubectl dp quota plan -n {ns}` proposes one"),
            ));
        }
        if snapshot.limit_ranges.is_available()
            && !snapshot
                .limit_ranges
                .items
                .iter()
                .any(|l| in_ns(&l.metadata))
        {
            out.push(Finding::new(
                "policy.no-limit-range",
                Severity::Warning,
                Component::Compliance,
                namespace.clone(),
                "no LimitRange: pods without requests get no defaults and are rejected under a quota",
                format!("`kubectl dp quota plan -n {ns}` proposes one"),
            ));
        }
        let default_deny = snapshot
            .network_policies
            .items
            .iter()
            .filter(|p| in_ns(&p.metadata))
            .any(|p| {
                let Some(spec) = &p.spec else { return false };
                let selects_all = spec.pod_selector.as_ref().is_none_or(|s| {
                    s.match_labels.as_ref().is_none_or(|l| l.is_empty())
                        && s.match_expressions.as_ref().is_none_or(|e| e.is_empty())
                });
                let types = spec
                    .policy_types
                    .clone()
                    .unwrap_or_else(|| vec!["Ingress".into()]);
                selects_all
                    && types.iter().any(|t| t == "Ingress")
                    && spec.ingress.as_ref().is_none_or(|i| i.is_empty())
            });
        if snapshot.network_policies.is_available() && !default_deny {
            out.push(Finding::new(
                "policy.no-default-deny",
                Severity::Warning,
                Component::Compliance,
                namespace,
                "no default-deny NetworkPolicy: every pod in the cluster can reach the database",
                "add a NetworkPolicy with an empty podSelector and policyTypes [Ingress, Egress], then allow what is needed",
            ));
        }
    }
    out
}

/// Whether a PrometheusRule is about `component` (by its name, a group's name,
/// or an expression that names it).
fn rule_covers(rule: &crate::platform::crds::PrometheusRule, component: &str) -> bool {
    let name = rule.metadata.name.as_deref().unwrap_or_default();
    name.contains(component)
        || rule.spec.groups.iter().any(|g| {
            g.name.to_lowercase().contains(component)
                || g.rules
                    .iter()
                    .any(|r| r.expr.to_string().to_lowercase().contains(component))
        })
}

fn expr_text(expr: &serde_json::Value) -> String {
    expr.as_str()
        .map_or_else(|| expr.to_string(), str::to_string)
}

/// Expressions parse (promql-parser), and each component's rules watch query
/// latency, memory, failures and resource exhaustion.
fn alert_quality(snapshot: &Snapshot) -> Vec<Finding> {
    use crate::platform::alerts::{self, Kind};
    let rules = &snapshot.prometheus_rules;
    if !rules.is_available() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for rule in &rules.items {
        for group in &rule.spec.groups {
            for r in &group.rules {
                let text = expr_text(&r.expr);
                if let Err(error) = alerts::parse(&text) {
                    let name = r
                        .alert
                        .as_deref()
                        .or(r.record.as_deref())
                        .unwrap_or("(unnamed)");
                    out.push(Finding::new(
                        "monitoring.rule-unparsable",
                        Severity::Warning,
                        Component::Compliance,
                        ObjectRef::from_meta("PrometheusRule", &rule.metadata),
                        format!(
                            "group {} rule {name}: the expression does not parse: {}",
                            group.name,
                            error.lines().next().unwrap_or_default()
                        ),
                        "fix the PromQL (Prometheus rejects the whole rule group, so none of its alerts fire)",
                    ));
                }
            }
        }
    }
    let components = [
        ("trino", !workloads::named(snapshot, &["trino"]).is_empty()),
        (
            "nessie",
            !workloads::named(snapshot, &["nessie"]).is_empty(),
        ),
        ("spark", !snapshot.spark_applications.items.is_empty()),
    ];
    for (component, present) in components {
        if !present {
            continue;
        }
        let mine: Vec<_> = rules
            .items
            .iter()
            .filter(|r| rule_covers(r, component))
            .collect();
        if mine.is_empty() {
            continue; // monitoring.missing-rules says so
        }
        let mut covered = BTreeSet::new();
        for rule in &mine {
            for r in rule.spec.groups.iter().flat_map(|g| &g.rules) {
                if let Ok(selected) = alerts::parse(&expr_text(&r.expr)) {
                    covered.extend(alerts::kinds(&selected));
                }
            }
        }
        let missing: Vec<&str> = Kind::ALL
            .iter()
            .filter(|k| !covered.contains(k))
            .map(|k| k.label())
            .collect();
        if !missing.is_empty() {
            let object = ObjectRef::from_meta("PrometheusRule", &mine[0].metadata);
            out.push(Finding::new(
                "monitoring.coverage-gap",
                Severity::Warning,
                Component::Compliance,
                object,
                format!("the {component} alerts do not watch {}", missing.join(", ")),
                format!("add alerts on {} for {component}", missing.join(", ")),
            ));
        }
    }
    out
}

fn missing_alerts(snapshot: &Snapshot) -> Vec<Finding> {
    let rules = &snapshot.prometheus_rules;
    let present: BTreeSet<&str> = [
        ("trino", &["trino"][..]),
        ("nessie", &["nessie"]),
        ("spark", &[]),
    ]
    .into_iter()
    .filter(|(component, names)| {
        if *component == "spark" {
            !snapshot.spark_applications.items.is_empty()
        } else {
            !workloads::named(snapshot, names).is_empty()
        }
    })
    .map(|(c, _)| c)
    .collect();
    if present.is_empty() {
        return Vec::new();
    }
    if rules.availability == Availability::NotInstalled {
        return vec![Finding::new(
            "monitoring.not-installed",
            Severity::Warning,
            Component::Compliance,
            ObjectRef::new(
                "CustomResourceDefinition",
                None,
                "prometheusrules.monitoring.coreos.com",
            ),
            "the Prometheus Operator is not installed: nothing alerts on OOM kills or failed jobs",
            "install the Prometheus Operator (kube-prometheus-stack) and add PrometheusRules",
        )];
    }
    if !rules.is_available() {
        return Vec::new();
    }
    present
        .into_iter()
        .filter(|component| !rules.items.iter().any(|rule| rule_covers(rule, component)))
        .map(|component| {
            Finding::new(
                "monitoring.missing-rules",
                Severity::Warning,
                Component::Compliance,
                ObjectRef::new("PrometheusRule", None, &format!("({component})")),
                format!("no PrometheusRule covers {component}: its failures page nobody"),
                format!("add a PrometheusRule with alerts for {component} (OOM kills, not ready, failed jobs)"),
            )
        })
        .collect()
}

fn missing_resources(snapshot: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    for w in workloads::with_cron_jobs(snapshot) {
        let Some(spec) = &w.template.spec else {
            continue;
        };
        let missing: Vec<String> = spec
            .containers
            .iter()
            .filter_map(|c| {
                let lacks: Vec<&str> = [
                    ("requests", "cpu"),
                    ("requests", "memory"),
                    ("limits", "memory"),
                ]
                .into_iter()
                .filter(|(kind, name)| workload::resource(c, kind, name).is_none())
                .map(|(kind, name)| {
                    if kind == "requests" {
                        if name == "cpu" {
                            "cpu request"
                        } else {
                            "memory request"
                        }
                    } else {
                        "memory limit"
                    }
                })
                .collect();
                (!lacks.is_empty()).then(|| format!("{} ({})", c.name, lacks.join(", ")))
            })
            .collect();
        if !missing.is_empty() {
            out.push(Finding::new(
                "resources.missing",
                Severity::Warning,
                Component::Compliance,
                w.object(),
                format!("containers without requests or limits: {}", missing.join("; ")),
                "set resources.requests (cpu, memory) and resources.limits.memory on every container",
            ));
        }
    }
    out
}
