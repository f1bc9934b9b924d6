//! Every message that prints a size prints it as a person reads it (`7.2GB`,
//! `22.4G`), never as a count of bytes (issue 19 saw
//! "memory.heap-headroom-per-node 7730941132B = 29205777612B"). Platforms whose
//! sizes no unit divides go through `status` and `tune plan`; every finding's
//! message and hint, every change's reason and every note is searched for a
//! run of seven or more digits (a size of a megabyte or more written out in
//! bytes), and the sizes issue 19 names must read as a person writes them.
//!
//! A crate-level unit test, not part of a command: it reads two commands' output
//! (status findings and tune changes), so it sits beside them rather than in
//! either, and it needs crate-private types (`Snapshot`, `tune::plan::Inputs`,
//! status's test fixtures), so it cannot be an integration test under `tests/`.

use crate::findings::Finding;
use crate::status::analyse::fixtures::trino_snapshot;
use crate::tune::model::Profile;
use crate::tune::plan::{self, Inputs};

/// Each message with a run of seven or more digits outside a quoted setting
/// (`-Xms23000000000`, `MaxRAM=30000000000`: what the file says, as it says it).
fn byte_counts(messages: &[String]) -> Vec<&String> {
    messages
        .iter()
        .filter(|m| {
            m.split_whitespace()
                .filter(|word| {
                    !word.contains('=') && !word.trim_start_matches('(').starts_with("-X")
                })
                .any(|word| {
                    let mut run = 0;
                    word.chars().any(|c| {
                        run = if c.is_ascii_digit() { run + 1 } else { 0 };
                        run >= 7
                    })
                })
        })
        .collect()
}

fn status_messages(snapshot: &crate::snapshot::Snapshot) -> Vec<String> {
    let (_, findings, _) = crate::status::analyse::analyse(snapshot, jiff::Timestamp::UNIX_EPOCH);
    findings
        .iter()
        .flat_map(|f: &Finding| [f.message.clone(), f.hint.clone()])
        .collect()
}

fn plan_messages(snapshot: &crate::snapshot::Snapshot) -> Vec<String> {
    let inputs = Inputs {
        namespace: "dp".into(),
        deployments: snapshot.deployments.items.clone(),
        config_maps: snapshot.config_maps.items.clone(),
        ..Inputs::default()
    };
    let mut out = Vec::new();
    for profile in [Profile::Balanced, Profile::Throughput, Profile::LowMemory] {
        let plan = plan::build(&inputs, profile);
        out.extend(plan.changes.iter().map(|c| c.reason.clone()));
        out.extend(plan.notes.iter().map(|n| n.message.clone()));
    }
    out
}

/// Replaces the worker's jvm.config.
fn with_worker_jvm(snapshot: &mut crate::snapshot::Snapshot, jvm: &str) {
    for cm in &mut snapshot.config_maps.items {
        if cm.metadata.name.as_deref() == Some("trino-worker") {
            cm.data
                .get_or_insert_default()
                .insert("jvm.config".into(), jvm.into());
        }
    }
}

fn assert_readable(what: &str, messages: &[String]) {
    assert!(!messages.is_empty(), "{what}: no message at all");
    let raw = byte_counts(messages);
    assert!(raw.is_empty(), "{what}: sizes written in bytes:\n{raw:#?}");
}

#[test]
fn query_memory_above_the_heap_reads_in_gigabytes() {
    // Issue 19: 20GB + 30% of a 24G heap (7.2GB) = 27.2GB.
    let s = trino_snapshot(
        "8G",
        "10Gi",
        "24G",
        "28Gi",
        "query.max-memory-per-node=20GB\n",
    );
    let status = status_messages(&s);
    assert_readable("status", &status);
    assert!(
        status
            .iter()
            .any(|m| m.contains("20GB + memory.heap-headroom-per-node 7.2GB = 27.2GB")),
        "{status:#?}"
    );
    let plan = plan_messages(&s);
    assert_readable("tune plan", &plan);
    assert!(
        plan.iter().any(|m| m.contains("7.2GB = 27.2GB")),
        "{plan:#?}"
    );
}

#[test]
fn a_heap_the_jvm_computes_reads_to_a_tenth() {
    // 80% of 28Gi = 22.4G: no unit divides it.
    let mut s = trino_snapshot(
        "8G",
        "10Gi",
        "24G",
        "28Gi",
        "query.max-memory-per-node=20GB\n",
    );
    with_worker_jvm(
        &mut s,
        "-server\n-XX:MaxRAMPercentage=80\n-XX:+UseG1GC\n-XX:G1HeapRegionSize=32M\n-XX:+ExitOnOutOfMemoryError\n",
    );
    let status = status_messages(&s);
    assert_readable("status", &status);
    assert!(status.iter().any(|m| m.contains("22.4G")), "{status:#?}");
    assert_readable("tune plan", &plan_messages(&s));
    // An initial heap above the maximum: the JVM refuses it, and says so in sizes.
    with_worker_jvm(
        &mut s,
        "-server\n-Xmx20000000000\n-Xms23000000000\n-XX:+UseG1GC\n",
    );
    let status = status_messages(&s);
    assert_readable("status", &status);
    assert!(
        status.iter().any(|m| m.contains("(21.4G > 18.6G)")),
        "{status:#?}"
    );
    assert_readable("tune plan", &plan_messages(&s));
    // MaxRAM instead of the container limit.
    with_worker_jvm(
        &mut s,
        "-server\n-XX:MaxRAM=30000000000\n-XX:MaxRAMPercentage=90\n-XX:+UseG1GC\n",
    );
    let status = status_messages(&s);
    assert_readable("status", &status);
    assert_readable("tune plan", &plan_messages(&s));
}

#[test]
fn cluster_query_memory_reads_in_gigabytes() {
    // 3 workers x 7.5GB = 22.5GB under query.max-memory 50GB; a total below it.
    let mut s = trino_snapshot(
        "8G",
        "10Gi",
        "24G",
        "28Gi",
        "query.max-memory-per-node=7680MB\n",
    );
    for cm in &mut s.config_maps.items {
        if cm.metadata.name.as_deref() == Some("trino-coordinator") {
            let data = cm.data.get_or_insert_default();
            let props = data.entry("config.properties".into()).or_default();
            props.push_str("query.max-memory=50GB\nquery.max-total-memory=40000000000B\n");
        }
    }
    let status = status_messages(&s);
    assert_readable("status", &status);
    assert!(status.iter().any(|m| m.contains("7.5GB")), "{status:#?}");
    assert_readable("tune plan", &plan_messages(&s));
}
