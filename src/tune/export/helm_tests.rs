//! The exporter against files as the Trino chart 1.42.2 renders them.

use serde_json::{Value, json};

use super::*;
use crate::tune::model::Profile;

/// jvm.config as the chart renders it for `maxHeapSize` (and `extra` after it,
/// from `additionalJVMConfig`).
fn chart_jvm_text(heap_lines: &str, extra: &str) -> String {
    format!(
        "-server\n-agentpath:/usr/lib/trino/bin/libjvmkill.so\n{heap_lines}-XX:+UseG1GC\n-XX:G1HeapRegionSize=32M\n-XX:+ExplicitGCInvokesConcurrent\n-XX:+HeapDumpOnOutOfMemoryError\n-XX:+ExitOnOutOfMemoryError\n-XX:-OmitStackTraceInFastThrow\n-XX:ReservedCodeCacheSize=512M\n-XX:PerMethodRecompilationCutoff=10000\n-XX:PerBytecodeRecompilationCutoff=10000\n-Djdk.attach.allowAttachSelf=true\n-Djdk.nio.maxCachedBufferSize=2000000\n# Allow loading dynamic agent used by JOL\n-XX:+EnableDynamicAgentLoading\n\n# https://bugs.openjdk.org/browse/JDK-8329528\n-XX:+UnlockDiagnosticVMOptions\n-XX:G1NumCollectionsKeepPinned=10000000\n{extra}"
    )
}

fn deployment(role: &str, replicas: i32, limit: &str) -> Value {
    json!({
        "metadata": {"name": format!("trino-{role}"), "namespace": "dp"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app.kubernetes.io/name": "trino", "app.kubernetes.io/component": role}},
            "template": {
                "metadata": {"labels": {"app.kubernetes.io/name": "trino", "app.kubernetes.io/instance": "trino", "app.kubernetes.io/component": role}},
                "spec": {
                    "containers": [{
                        "name": format!("trino-{role}"),
                        "image": "trinodb/trino:476",
                        "resources": {"requests": {"cpu": "2", "memory": limit}, "limits": {"memory": limit}},
                        "volumeMounts": [
                            {"name": "config-volume", "mountPath": "/etc/trino"},
                            {"name": "catalog-volume", "mountPath": "/etc/trino/catalog"}
                        ]
                    }],
                    "volumes": [
                        {"name": "config-volume", "configMap": {"name": format!("trino-{role}")}},
                        {"name": "catalog-volume", "configMap": {"name": "trino-catalog"}}
                    ]
                }
            }
        }
    })
}

/// The faults platform as the chart renders it: a 24G worker heap with 20GB of
/// query memory per node (issue 19), `extra_worker_jvm` after the chart's flags.
fn inputs(worker_heap_lines: &str, extra_worker_jvm: &str, extra_properties: &str) -> Inputs {
    let cm = |name: &str, data: Value| -> k8s_openapi::api::core::v1::ConfigMap {
        serde_json::from_value(json!({"metadata": {"name": name, "namespace": "dp"}, "data": data}))
            .unwrap()
    };
    Inputs {
        namespace: "dp".into(),
        deployments: vec![
            serde_json::from_value(deployment("coordinator", 1, "10Gi")).unwrap(),
            serde_json::from_value(deployment("worker", 2, "28Gi")).unwrap(),
        ],
        config_maps: vec![
            cm(
                "trino-coordinator",
                json!({
                    "jvm.config": chart_jvm_text("-Xmx8G\n", ""),
                    "config.properties": format!("coordinator=true\nnode-scheduler.include-coordinator=false\nhttp-server.http.port=8080\nquery.max-memory=40GB\nquery.max-memory-per-node=4GB\ndiscovery.uri=http://localhost:8080\n{extra_properties}"),
                }),
            ),
            cm(
                "trino-worker",
                json!({
                    "jvm.config": chart_jvm_text(worker_heap_lines, extra_worker_jvm),
                    "config.properties": format!("coordinator=false\nhttp-server.http.port=8080\nquery.max-memory=40GB\nquery.max-memory-per-node=20GB\ndiscovery.uri=http://trino:8080\n{extra_properties}"),
                }),
            ),
            cm(
                "trino-catalog",
                json!({
                    "tpch.properties": "connector.name=tpch\ntpch.splits-per-node=4\n",
                    "iceberg.properties": "connector.name=iceberg\niceberg.catalog.type=nessie\niceberg.nessie-catalog.uri=http://nessie:19120/api/v2\niceberg.metadata.cache-ttl=10m\n",
                }),
            ),
        ],
        ..Inputs::default()
    }
}

fn export(inputs: &Inputs) -> (Value, String) {
    let plan = plan::build(inputs, Profile::Balanced);
    let files = helm_values(inputs, &plan).unwrap();
    let text = files[0].text.clone();
    let values: Value = serde_saphyr::from_str(&text).unwrap();
    (values, text)
}

#[test]
fn issue_19_speaks_the_charts_keys_and_repeats_nothing_it_renders() {
    let (values, text) = export(&inputs("-Xmx24G\n", "", ""));
    // The fatal fault is fixed through the chart's own keys.
    assert!(
        values["worker"]["config"]["query"]["maxMemoryPerNode"].is_string(),
        "{text}"
    );
    assert!(
        values["worker"]["config"]["memory"]["heapHeadroomPerNode"].is_string(),
        "{text}"
    );
    assert!(
        values["server"]["config"]["query"]["maxMemory"].is_string(),
        "{text}"
    );
    // Keys the chart does not have, and lists holding what it renders, never.
    assert!(
        values["worker"].get("additionalConfigProperties").is_none(),
        "{text}"
    );
    assert!(values.get("additionalConfigProperties").is_none(), "{text}");
    for role in ["coordinator", "worker"] {
        let list = values[role]["additionalJVMConfig"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for option in &list {
            let name = flag_name(option.as_str().unwrap());
            assert!(
                !CHART_JVM_FLAGS.iter().any(|f| flag_name(f) == name)
                    && !JVM_KEYS.iter().any(|(n, _, _)| *n == name),
                "{role}.additionalJVMConfig repeats {option}:\n{text}"
            );
        }
        // The heap the chart already renders is not written again.
        assert!(values[role].get("jvm").is_none(), "{text}");
    }
    // The invented catalog property goes, in the chart's catalogs map.
    let iceberg = values["catalogs"]["iceberg"].as_str().unwrap();
    assert!(!iceberg.contains("cache-ttl") && iceberg.contains("connector.name=iceberg"));
    assert!(
        values["catalogs"].get("tpch").is_none(),
        "unchanged catalogs stay out"
    );
}

#[test]
fn the_heap_moves_between_the_charts_keys() {
    // maxHeapPercent with the chart's default maxHeapSize still set: both are
    // rendered and -Xmx wins. Whatever the plan makes of the heap, every keyed
    // flag it leaves is written to its key and the others set to null.
    let worker = "-Xmx8G\n-XX:MaxRAMPercentage=92\n";
    let inputs = inputs(worker, "", "");
    let plan = plan::build(&inputs, Profile::Balanced);
    let next = plan::after(&inputs, &plan);
    let (values, text) = export(&inputs);
    let after_jvm = next
        .config_maps
        .iter()
        .find(|c| c.metadata.name.as_deref() == Some("trino-worker"))
        .and_then(|c| c.data.as_ref()?.get("jvm.config").cloned())
        .unwrap();
    let now = chart_jvm(&after_jvm);
    let was = chart_jvm(&chart_jvm_text(worker, ""));
    for (name, path, _) in JVM_KEYS {
        let mut node = &values["worker"]["jvm"];
        for part in *path {
            node = &node[part];
        }
        if was.block[name] == now.keys[name] {
            assert!(node.is_null(), "{name} unchanged but written:\n{text}");
        } else {
            assert_eq!(node.as_str(), now.keys[name].as_deref(), "{name}:\n{text}");
        }
    }
}

#[test]
fn the_users_own_flags_and_properties_survive_a_rewritten_list() {
    // The user's additionalJVMConfig holds a flag of their own and a repeat of
    // the heap; the plan adds -Dfile.encoding. The new list keeps theirs, drops
    // the repeat (its value goes to the key) and adds the plan's.
    let (values, text) = export(&inputs(
        "-Xmx24G\n",
        "-XX:+PrintFlagsFinal\n-Xmx24G\n",
        "task.concurrency=8\n",
    ));
    let list: Vec<&str> = values["worker"]["additionalJVMConfig"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(list.contains(&"-XX:+PrintFlagsFinal"), "{text}");
    assert!(!list.iter().any(|o| o.starts_with("-Xmx")), "{text}");
    // Both roles' task.concurrency is additionalConfigProperties: unchanged, not written.
    assert!(values.get("additionalConfigProperties").is_none(), "{text}");
}

#[test]
fn a_fixed_flag_the_chart_cannot_change_is_named_not_written() {
    let before = "-server\n-XX:ReservedCodeCacheSize=512M\n-XX:+EnableDynamicAgentLoading\n";
    let after = "-server\n-XX:ReservedCodeCacheSize=256M\n-XX:+EnableDynamicAgentLoading\n";
    let (was, now) = (chart_jvm(before), chart_jvm(after));
    assert!(was.overridden.is_empty());
    assert_eq!(
        now.overridden
            .get("-XX:ReservedCodeCacheSize")
            .map(String::as_str),
        Some("-XX:ReservedCodeCacheSize=256M")
    );
}

#[test]
fn flag_names() {
    for (option, name) in [
        ("-Xmx24G", "-Xmx"),
        ("-XX:+UseG1GC", "GC"),
        ("-XX:+UseParallelGC", "GC"),
        ("-XX:MaxRAMPercentage=80", "-XX:MaxRAMPercentage"),
        (
            "-XX:-OmitStackTraceInFastThrow",
            "-XX:OmitStackTraceInFastThrow",
        ),
        ("-Dfile.encoding=UTF-8", "-Dfile.encoding"),
        ("-server", "-server"),
    ] {
        assert_eq!(flag_name(option), name, "{option}");
    }
}
