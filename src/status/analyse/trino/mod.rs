//! Trino: coordinator and workers, their JVM against the container, their memory
//! properties against the heap, and the catalogs they load.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{ConfigMap, Container};

use crate::findings::{Component, Finding, ObjectRef, Severity};
use crate::platform::jvm::{JvmConfig, format_jvm_size};
use crate::platform::properties::{MAX_DATA_SIZE, Properties, format_data_size, parse_data_size};
use crate::platform::trino::REMOVED_SERVER_PROPERTIES;
use crate::platform::workload;
use crate::snapshot::Snapshot;
use crate::status::report::{ComponentStatus, Detail, state_of};
use crate::tune::rules::server;

use super::Section;
use super::pods;
use super::workloads::{self, Workload};

mod catalog;

use catalog::catalog_findings;

/// -Xmx above about 85% of the container limit leaves too little for off-heap
/// memory (thread stacks, direct buffers, code cache) and the kernel OOM-kills.
/// 0.86 lets whole-GiB heaps at the top of the range pass: the reference
/// platform's 24G in 28Gi is 85.7%.
pub const HEAP_SHARE_MAX: f64 = 0.86;

/// Trino's state and findings from the snapshot.
pub fn analyse(snapshot: &Snapshot) -> Section {
    let trino = workloads::named(snapshot, &["trino"]);
    let mut findings = Vec::new();
    let mut details = Vec::new();
    let mut parts = Vec::new();
    let mut catalogs_seen = BTreeSet::new();
    let mut versions = BTreeSet::new();
    // For the cluster-wide rule: the coordinator's config.properties, and the
    // workers with their per-node query memory.
    let mut coordinator_config: Option<(ObjectRef, Properties)> = None;
    let mut workers: u64 = 0;
    let mut worker_per_node: Option<u64> = None;

    for w in &trino {
        let role = role_of(w);
        parts.push(format!("{role} {}", w.readiness()));
        if let Some(mut finding) = readiness_findings(w, role) {
            pods::explain(&mut finding, snapshot, w);
            findings.push(finding);
        }
        let pods = w.pods(&snapshot.pods.items);
        let (restarts, ooms) = workloads::restarts_and_oom_kills(&pods);
        if ooms > 0 {
            findings.push(Finding::new(
                "trino.oom-killed",
                Severity::Warning,
                Component::Trino,
                w.object(),
                format!("{ooms} container(s) of the {role} were OOM-killed recently ({restarts} restarts)"),
                "the heap plus off-heap memory exceeds the container limit: `kubectl dp tune plan` proposes a safe -Xmx",
            ));
        }
        let Some(container) = trino_container(w) else {
            continue;
        };
        versions.insert(
            workload::image_tag(container.image.as_deref().unwrap_or_default()).to_string(),
        );
        let limit = workload::memory_limit(container);
        details.push(Detail {
            label: format!("{role} memory limit"),
            value: limit
                .map(|l| l.display_bytes())
                .unwrap_or_else(|| "none".into()),
        });
        for cm_name in workload::config_maps(&w.template.spec.clone().unwrap_or_default()) {
            let Some(cm) = snapshot.config_map(w.namespace(), &cm_name) else {
                if snapshot.config_maps.is_available() {
                    findings.push(Finding::new(
                        "trino.configmap-missing",
                        Severity::Critical,
                        Component::Trino,
                        w.object(),
                        format!("the {role} mounts ConfigMap {cm_name}, which does not exist"),
                        format!("create ConfigMap {cm_name} in namespace {} (it holds Trino's config files)", w.namespace()),
                    ));
                }
                continue;
            };
            let data = cm.data.clone().unwrap_or_default();
            if let Some(text) = data.get("jvm.config") {
                let jvm = JvmConfig::parse(text);
                details.push(Detail {
                    label: format!("{role} heap"),
                    value: jvm
                        .max_heap()
                        .map(|h| format_jvm_size(h.0))
                        .unwrap_or_else(|| "not set".into()),
                });
                findings.extend(jvm_findings(
                    w,
                    role,
                    cm,
                    &jvm,
                    limit.map(|l| l.units_ceil() as u64),
                ));
                if let Some(text) = data.get("config.properties") {
                    let props = Properties::parse(text);
                    let heap = jvm.max_heap().map(|h| h.0);
                    findings.extend(server_findings(w, role, cm, &props, heap));
                    if role == "coordinator" {
                        coordinator_config =
                            Some((ObjectRef::from_meta("ConfigMap", &cm.metadata), props));
                    } else if let Some(heap) = heap {
                        workers += w.desired.max(0) as u64;
                        worker_per_node =
                            worker_per_node.max(Some(server::effective_per_node(&props, heap)));
                    }
                }
            } else if let Some(text) = data.get("config.properties") {
                findings.extend(server_findings(w, role, cm, &Properties::parse(text), None));
            }
            if catalogs_seen.insert((w.namespace().to_string(), cm_name.clone())) {
                findings.extend(catalog_findings(snapshot, w.namespace(), cm));
            }
        }
    }
    if let Some((object, props)) = &coordinator_config
        && workers > 0
    {
        // The rule `tune` fixes, called as is.
        for p in server::cluster_rules(props, workers, worker_per_node)
            .into_iter()
            .filter(|p| p.rule == "trino.query-max-memory")
        {
            findings.push(Finding::new(
                "trino.query-memory-above-workers",
                Severity::Warning,
                Component::Trino,
                object.clone(),
                format!("query.max-memory {}", p.reason),
                format!(
                    "set query.max-memory={} in ConfigMap {} or add workers; `kubectl dp tune plan` proposes it",
                    p.proposed.unwrap_or_default(),
                    object.name
                ),
            ));
        }
    }
    findings.extend(super::network::findings(snapshot, Component::Trino));
    let roles: Vec<(&Workload, &str)> = trino.iter().map(|w| (w, role_of(w))).collect();
    findings.extend(super::engine::findings(snapshot, &roles));
    if let Some(engine) = snapshot.engine.as_ref().and_then(super::engine::summary) {
        parts.push(engine);
    }
    if !versions.is_empty() {
        parts.push(format!(
            "trino {}",
            versions.into_iter().collect::<Vec<_>>().join(",")
        ));
    }
    let found = !trino.is_empty();
    let reads = [
        &snapshot.deployments.availability,
        &snapshot.config_maps.availability,
    ];
    Section {
        status: ComponentStatus {
            component: Component::Trino,
            state: state_of(Component::Trino, found, &findings, &reads),
            summary: if found {
                parts.join(", ")
            } else {
                "no pods labelled app.kubernetes.io/name=trino".into()
            },
            details,
        },
        findings,
    }
}

/// 80% of the container limit, rounded down to a whole GiB (MiB below 4GiB).
pub fn suggested_heap(limit_bytes: u64) -> u64 {
    let target = limit_bytes / 10 * 8;
    let unit = if target >= 4 << 30 { 1 << 30 } else { 1 << 20 };
    target / unit * unit
}

pub(crate) fn role_of(w: &Workload) -> &'static str {
    let component = w
        .label("app.kubernetes.io/component")
        .or_else(|| w.label("component"));
    match component {
        Some("coordinator") => "coordinator",
        Some("worker") => "workers",
        _ if w.name().contains("coordinator") => "coordinator",
        _ => "workers",
    }
}

pub(crate) fn trino_container<'a>(w: &Workload<'a>) -> Option<&'a Container> {
    let containers = &w.template.spec.as_ref()?.containers;
    containers
        .iter()
        .find(|c| c.name.starts_with("trino"))
        .or_else(|| containers.first())
}

fn readiness_findings(w: &Workload, role: &str) -> Option<Finding> {
    if w.ready >= w.desired {
        return None;
    }
    let (code, severity) = if role == "coordinator" || w.ready == 0 {
        ("trino.not-ready", Severity::Critical)
    } else {
        ("trino.degraded", Severity::Warning)
    };
    Some(Finding::new(
        code,
        severity,
        Component::Trino,
        w.object(),
        format!("{role} {} ready", w.readiness()),
        format!(
            "look at the pods: kubectl get pods -n {} -l app.kubernetes.io/name=trino",
            w.namespace()
        ),
    ))
}

fn jvm_findings(
    w: &Workload,
    role: &str,
    cm: &ConfigMap,
    jvm: &JvmConfig,
    limit_bytes: Option<u64>,
) -> Vec<Finding> {
    let object = ObjectRef::from_meta("ConfigMap", &cm.metadata);
    let cm_name = object.name.clone();
    let mut out = Vec::new();
    for (line, reason) in jvm.problems() {
        out.push(Finding::new(
            "trino.config-malformed",
            Severity::Critical,
            Component::Trino,
            object.clone(),
            format!("jvm.config line {line}: {reason}"),
            format!("fix jvm.config in ConfigMap {cm_name}; the JVM will not start"),
        ));
    }
    match (jvm.max_heap(), limit_bytes) {
        (Some((heap, line)), Some(limit)) => {
            let share = heap as f64 / limit as f64;
            let safe = format_jvm_size(suggested_heap(limit));
            if heap > limit {
                out.push(Finding::new(
                    "trino.heap-above-limit",
                    Severity::Critical,
                    Component::Trino,
                    w.object(),
                    format!(
                        "{role} -Xmx{} (jvm.config line {line}) exceeds its container memory limit {}: the kernel will OOM-kill it",
                        format_jvm_size(heap),
                        crate::platform::quantity::Quantity::from_bytes(limit as i128).display_bytes()
                    ),
                    format!("set -Xmx to 70-85% of the limit (about -Xmx{safe}) or raise the limit; `kubectl dp tune plan` does the arithmetic"),
                ));
            } else if share > HEAP_SHARE_MAX {
                out.push(Finding::new(
                    "trino.heap-near-limit",
                    Severity::Warning,
                    Component::Trino,
                    w.object(),
                    format!(
                        "{role} -Xmx{} is {:.0}% of its container limit {} (keep it at 70-85% for off-heap memory)",
                        format_jvm_size(heap),
                        share * 100.0,
                        crate::platform::quantity::Quantity::from_bytes(limit as i128).display_bytes()
                    ),
                    format!("lower -Xmx to about {safe} or raise the limit"),
                ));
            }
        }
        (Some(_), None) => out.push(Finding::new(
            "trino.no-memory-limit",
            Severity::Warning,
            Component::Trino,
            w.object(),
            format!("{role} has a fixed -Xmx but no container memory limit"),
            "set resources.limits.memory so the heap share can be checked and the quota can count it",
        )),
        (None, _) if jvm.max_ram_percentage().is_none() => out.push(Finding::new(
            "trino.heap-not-set",
            Severity::Warning,
            Component::Trino,
            object.clone(),
            format!("jvm.config of the {role} sets no -Xmx: the JVM picks 25% of the container memory"),
            "set -Xmx to 70-85% of the container memory limit",
        )),
        _ => {}
    }
    let legacy = jvm.legacy_flags();
    if !legacy.is_empty() {
        let list: Vec<String> = legacy
            .iter()
            .map(|(flag, why, line)| format!("{flag} (line {line}: {why})"))
            .collect();
        out.push(Finding::new(
            "trino.legacy-jvm-flag",
            Severity::Warning,
            Component::Trino,
            object.clone(),
            format!("jvm.config uses legacy JVM flags: {}", list.join("; ")),
            "remove them; `kubectl dp tune plan` proposes the documented flag set",
        ));
    }
    out
}

/// One `trino.config-malformed` finding per line of `file` that is not a
/// property; `named` is how the message names the file.
fn malformed_lines(
    props: &Properties,
    object: &ObjectRef,
    file: &str,
    named: &str,
) -> Vec<Finding> {
    props
        .problems()
        .into_iter()
        .map(|problem| {
            Finding::new(
                "trino.config-malformed",
                Severity::Critical,
                Component::Trino,
                object.clone(),
                format!("{named} line {}: {}", problem.line, problem.reason),
                format!("fix {file} in ConfigMap {}", object.name),
            )
        })
        .collect()
}

fn server_findings(
    w: &Workload,
    role: &str,
    cm: &ConfigMap,
    props: &Properties,
    heap: Option<u64>,
) -> Vec<Finding> {
    let object = ObjectRef::from_meta("ConfigMap", &cm.metadata);
    let mut out = malformed_lines(props, &object, "config.properties", "config.properties");
    for (key, why) in REMOVED_SERVER_PROPERTIES {
        if let Some(line) = props.line_of(key) {
            out.push(Finding::new(
                "trino.removed-property",
                Severity::Critical,
                Component::Trino,
                object.clone(),
                format!("config.properties line {line}: {key} is {why}; Trino refuses to start"),
                format!("remove {key} from ConfigMap {}", object.name),
            ));
        }
    }
    for key in [
        "query.max-memory-per-node",
        "memory.heap-headroom-per-node",
        "query.max-memory",
        "query.max-total-memory",
    ] {
        if let Some(value) = props.get(key)
            && parse_data_size(value).is_none()
        {
            out.push(Finding::new(
                "trino.config-invalid-size",
                Severity::Critical,
                Component::Trino,
                object.clone(),
                format!(
                    "config.properties line {}: {key} is not a data size Trino accepts (at most {}); Trino refuses to start",
                    props.line_of(key).unwrap_or_default(),
                    format_data_size(MAX_DATA_SIZE)
                ),
                format!("set {key} to a size such as 8GB in ConfigMap {}", object.name),
            ));
        }
    }
    if let Some(heap) = heap {
        // The same arithmetic as `tune` (src/tune/rules/server.rs).
        let per_node = server::effective_per_node(props, heap);
        let headroom = server::effective_headroom(props, heap);
        if server::memory_exceeds_heap(per_node, headroom, heap) {
            out.push(Finding::new(
                "trino.query-memory-exceeds-heap",
                Severity::Critical,
                Component::Trino,
                w.object(),
                format!(
                    "{role}: query.max-memory-per-node {} + memory.heap-headroom-per-node {} = {} is more than -Xmx{}; Trino refuses to start",
                    format_data_size(per_node),
                    format_data_size(headroom),
                    format_data_size(per_node.saturating_add(headroom)),
                    format_jvm_size(heap)
                ),
                "keep their sum below the heap (e.g. 30% + 30%); `kubectl dp tune plan` proposes values",
            ));
        }
    }
    let max_memory = props.get("query.max-memory").and_then(parse_data_size);
    let max_total = props
        .get("query.max-total-memory")
        .and_then(parse_data_size);
    if let (Some(max_memory), Some(max_total)) = (max_memory, max_total)
        && max_total < max_memory
    {
        out.push(Finding::new(
            "trino.query-total-below-max",
            Severity::Warning,
            Component::Trino,
            object.clone(),
            format!(
                "query.max-total-memory {} is below query.max-memory {}",
                format_data_size(max_total),
                format_data_size(max_memory)
            ),
            "query.max-total-memory must be at least query.max-memory",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    #[test]
    fn reference_sizes_are_healthy() {
        // The tuned reference platform: 8G heap in 10Gi, 24G heap in 28Gi.
        let snapshot = trino_snapshot("8G", "10Gi", "24G", "28Gi", "");
        let section = analyse(&snapshot);
        assert!(section.findings.is_empty(), "{:#?}", section.findings);
        assert_eq!(section.status.state, crate::status::report::State::Healthy);
        assert!(
            section.status.summary.contains("coordinator 1/1"),
            "{}",
            section.status.summary
        );
    }

    #[test]
    fn heap_above_limit_is_critical() {
        let section = analyse(&trino_snapshot("8G", "10Gi", "24G", "16Gi", ""));
        let finding = section
            .findings
            .iter()
            .find(|f| f.code == "trino.heap-above-limit")
            .expect("finding");
        assert_eq!(finding.severity, Severity::Critical);
        assert!(finding.message.contains("-Xmx24G"), "{}", finding.message);
        assert!(finding.message.contains("16Gi"), "{}", finding.message);
    }

    #[test]
    fn heap_near_limit_is_a_warning() {
        // 9G of 10Gi is 90%.
        let section = analyse(&trino_snapshot("9G", "10Gi", "24G", "28Gi", ""));
        assert_eq!(codes(&section.findings), ["trino.heap-near-limit"]);
    }

    #[test]
    fn query_memory_plus_headroom_must_stay_below_heap() {
        let extra = "query.max-memory-per-node=16GB\nmemory.heap-headroom-per-node=9GB\n";
        let section = analyse(&trino_snapshot("8G", "10Gi", "24G", "28Gi", extra));
        assert!(codes(&section.findings).contains(&"trino.query-memory-exceeds-heap"));
        // Equal to the heap is what Trino accepts.
        let extra = "query.max-memory-per-node=16GB\nmemory.heap-headroom-per-node=8GB\n";
        let section = analyse(&trino_snapshot("8G", "10Gi", "24G", "28Gi", extra));
        assert!(!codes(&section.findings).contains(&"trino.query-memory-exceeds-heap"));
    }

    #[test]
    fn literal_credentials_in_a_catalog_are_named_never_shown() {
        let mut snapshot = trino_snapshot("8G", "10Gi", "24G", "28Gi", "");
        let cm = &mut snapshot.config_maps.items[0];
        cm.data.get_or_insert_default().insert(
            "lake.properties".into(),
            "connector.name=iceberg\ns3.aws-secret-key=hunter2\ns3.endpoint=http://s3.x.svc\niceberg.jdbc-catalog.connection-password=${ENV:PG}\n".into(),
        );
        let findings = analyse(&snapshot).findings;
        let secret: Vec<_> = findings
            .iter()
            .filter(|f| f.code == "trino.catalog-literal-secret")
            .collect();
        assert_eq!(secret.len(), 1, "{findings:#?}");
        assert!(secret[0].message.contains("s3.aws-secret-key"));
        assert!(secret[0].hint.contains("${ENV:NAME}"));
        let all = format!("{findings:?}");
        assert!(!all.contains("hunter2"), "{all}");
    }

    #[test]
    fn absurd_sizes_are_a_finding_not_a_panic() {
        for extra in [
            "query.max-memory-per-node=99999999999999PB\n",
            "memory.heap-headroom-per-node=99999999999999PB\nquery.max-memory=1e400GB\n",
            "query.max-memory=99999999999999PB\nquery.max-total-memory=99999999999999PB\n",
        ] {
            let section = analyse(&trino_snapshot("8G", "10Gi", "24G", "28Gi", extra));
            let finding = section
                .findings
                .iter()
                .find(|f| f.code == "trino.config-invalid-size")
                .unwrap_or_else(|| panic!("{extra}: {:#?}", section.findings));
            assert!(
                finding.message.contains("not a data size"),
                "{}",
                finding.message
            );
        }
    }

    #[test]
    fn removed_property_and_garbage_lines_are_named() {
        let extra = "query.max-total-memory-per-node=4GB\nthis line is garbage\n";
        let section = analyse(&trino_snapshot("8G", "10Gi", "24G", "28Gi", extra));
        let codes = codes(&section.findings);
        assert!(codes.contains(&"trino.removed-property"));
        let malformed = section
            .findings
            .iter()
            .find(|f| f.code == "trino.config-malformed")
            .unwrap();
        assert!(malformed.message.contains("line"), "{}", malformed.message);
    }
}
