//! What the Trino coordinator says (`status --probe`) against what the cluster
//! says: still starting, fewer workers registered than Ready worker pods,
//! catalogs in the catalog ConfigMap that did not load.

use std::collections::BTreeSet;

use crate::findings::{Component, Finding, ObjectRef, Severity};
use crate::platform::properties::Properties;
use crate::platform::trino::{Role, TrinoLayout};
use crate::snapshot::Snapshot;
use crate::trino::probe::EngineProbe;

/// Findings from the probe, for the Trino installation `layout`.
pub fn findings(snapshot: &Snapshot, layout: &TrinoLayout) -> Vec<Finding> {
    let Some(probe) = &snapshot.engine else {
        return Vec::new();
    };
    let coordinator = layout.with_role(Role::Coordinator).next();
    let object = coordinator
        .map(|n| n.workload.object())
        .unwrap_or_else(|| ObjectRef::new("Service", None, &probe.url));
    let mut out = Vec::new();
    if let Some(error) = &probe.error
        && probe.version.is_none()
    {
        out.push(Finding::new(
            "trino.probe-skipped",
            Severity::Info,
            Component::Trino,
            object,
            format!("the coordinator was not asked: {error}"),
            "pass --trino-url (e.g. after kubectl port-forward svc/<trino> 8080), or check that the coordinator pod serves HTTP",
        ));
        return out;
    }
    if probe.starting == Some(true) {
        out.push(Finding::new(
            "trino.engine-starting",
            Severity::Critical,
            Component::Trino,
            object.clone(),
            format!(
                "the coordinator at {} (Trino {}) answers but is still starting: it accepts no queries",
                probe.url,
                probe.version.as_deref().unwrap_or("?")
            ),
            "wait for start-up to finish; if it never does, read the coordinator's log (plugins and catalogs load last)",
        ));
    }
    if let Some(nodes) = &probe.nodes {
        let registered = nodes
            .iter()
            .filter(|n| !n.coordinator && n.state == "active")
            .count() as i32;
        let ready: i32 = layout
            .with_role(Role::Worker)
            .map(|n| n.workload.ready)
            .sum();
        if registered < ready {
            out.push(Finding::new(
                "trino.workers-not-registered",
                Severity::Warning,
                Component::Trino,
                object.clone(),
                format!(
                    "{ready} worker pod(s) Ready but {registered} worker(s) registered with the coordinator: queries run on fewer nodes than you pay for"
                ),
                "check the workers' discovery.uri and node.environment against the coordinator's, and their logs for announcement errors",
            ));
        }
    }
    if let (Some(loaded), Some(node)) = (&probe.catalogs, coordinator) {
        let loaded: BTreeSet<&str> = loaded.iter().map(String::as_str).collect();
        for file in &node.files.catalogs {
            let catalog = file.catalog_name();
            let declared = file
                .text
                .as_deref()
                .is_some_and(|t| Properties::parse(t).get("connector.name").is_some());
            if declared && !loaded.contains(catalog) {
                let cm_name = &file.source.config_map;
                out.push(Finding::new(
                    "trino.catalog-not-loaded",
                    Severity::Critical,
                    Component::Trino,
                    ObjectRef::namespaced("ConfigMap", node.workload.namespace(), cm_name),
                    format!(
                        "catalog {catalog} ({}) is in ConfigMap {cm_name}, but the coordinator did not load it (loaded: {})",
                        file.source.key,
                        loaded.iter().copied().collect::<Vec<_>>().join(", ")
                    ),
                    format!("read the coordinator's log for catalog {catalog}: a wrong property or a missing plugin fails it"),
                ));
            }
        }
    }
    out
}

/// The pod `--probe` forwards to when no `--trino-url` is given: a Ready
/// coordinator pod (else any), and its HTTP port (named `http`, else the first,
/// else 8080).
pub(crate) fn coordinator_target(snapshot: &Snapshot) -> Option<(String, String, u16)> {
    let layout = super::trino::layout(snapshot);
    let coordinator = &layout.with_role(Role::Coordinator).next()?.workload;
    let pods = coordinator.pods(&snapshot.pods.items);
    let ready = |p: &&&k8s_openapi::api::core::v1::Pod| {
        p.status
            .iter()
            .flat_map(|s| s.conditions.iter().flatten())
            .any(|c| c.type_ == "Ready" && c.status == "True")
    };
    let pod = pods.iter().find(ready).or(pods.first())?;
    let ports: Vec<_> = coordinator
        .template
        .spec
        .iter()
        .flat_map(|s| s.containers.iter())
        .flat_map(|c| c.ports.iter().flatten())
        .collect();
    let port = ports
        .iter()
        .find(|p| p.name.as_deref() == Some("http"))
        .or(ports.first())
        .map_or(8080, |p| p.container_port);
    Some((
        coordinator.namespace().to_string(),
        pod.metadata.name.clone()?,
        u16::try_from(port).ok()?,
    ))
}

/// `trino 476 (probed)` for the summary.
pub fn summary(probe: &EngineProbe) -> Option<String> {
    let version = probe.version.as_deref()?;
    Some(match probe.starting {
        Some(true) => format!("engine {version} starting"),
        _ => format!("engine {version} answering"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::analyse::fixtures::trino_snapshot;
    use crate::trino::probe::EngineNode;

    fn run(probe: EngineProbe) -> Vec<Finding> {
        let mut s = trino_snapshot("8G", "10Gi", "24G", "28Gi", "");
        s.engine = Some(probe);
        findings(&s, &crate::status::analyse::trino::layout(&s))
    }

    #[test]
    fn registered_workers_and_loaded_catalogs_are_compared() {
        let found = run(EngineProbe {
            url: "http://127.0.0.1:8080".into(),
            version: Some("476".into()),
            starting: Some(false),
            nodes: Some(vec![
                EngineNode {
                    id: "c".into(),
                    coordinator: true,
                    state: "active".into(),
                },
                EngineNode {
                    id: "w1".into(),
                    coordinator: false,
                    state: "active".into(),
                },
                EngineNode {
                    id: "w2".into(),
                    coordinator: false,
                    state: "shutting_down".into(),
                },
            ]),
            catalogs: Some(vec!["system".into(), "tpch".into()]),
            ..EngineProbe::default()
        });
        let codes: Vec<&str> = found.iter().map(|f| f.code).collect();
        assert_eq!(
            codes,
            ["trino.workers-not-registered", "trino.catalog-not-loaded"]
        );
        assert!(
            found[0]
                .message
                .starts_with("3 worker pod(s) Ready but 1 worker(s) registered"),
            "{}",
            found[0].message
        );
        assert!(
            found[1]
                .message
                .contains("catalog iceberg (iceberg.properties)"),
            "{}",
            found[1].message
        );
    }

    #[test]
    fn starting_and_unreachable() {
        let found = run(EngineProbe {
            url: "http://x".into(),
            version: Some("476".into()),
            starting: Some(true),
            ..EngineProbe::default()
        });
        assert_eq!(found[0].code, "trino.engine-starting");
        let found = run(EngineProbe::skipped("http://x", "connection refused"));
        assert_eq!(found[0].code, "trino.probe-skipped");
        assert_eq!(found[0].severity, Severity::Info);
    }
}
