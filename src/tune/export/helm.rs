//! `tune export --format helm-values`: the plan as values of the Trino chart
//! (trinodb/charts 1.42), in the chart's own keys, holding only what the plan
//! changes. Given after the user's own values (`helm upgrade -f theirs.yaml -f
//! values.yaml`), the chart renders the planned files: no flag or property the
//! chart renders itself is written again (the chart's own lines come first and
//! the `additional*` lists after them, so a repeat renders twice), and a list
//! value (`additionalJVMConfig`, `additionalConfigProperties`) is written whole,
//! because Helm replaces lists instead of merging them.
//!
//! How the chart writes each file (templates/configmap-{coordinator,worker}.yaml):
//!
//! - jvm.config: its fixed flags ([`CHART_JVM_FLAGS`]), the heap and GC from
//!   `<role>.jvm.*` ([`JVM_KEYS`]), then `<role>.additionalJVMConfig`.
//! - config.properties: `coordinator`, `http-server.http.port`, `discovery.uri`
//!   and the https/jmx/shutdown lines from other values ([`CHART_PROPERTIES`]),
//!   the memory settings from their keys ([`PROPERTY_KEYS`]), then
//!   `additionalConfigProperties` (both roles) and `server.coordinatorExtraConfig`
//!   / `server.workerExtraConfig`.
//! - catalogs: `catalogs.<name>` is the text of `<name>.properties`.
//!
//! What the chart cannot say without repeating one of its own lines (a new
//! value for a fixed flag such as `-XX:ReservedCodeCacheSize`) is not written:
//! the file's header names it.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::error::Result;
use crate::platform::jvm::JvmConfig;
use crate::platform::properties::Properties;
use crate::platform::trino::layout::{Role, TrinoLayout, TrinoNode};

use super::super::model::Plan;
use super::super::plan::{self, Inputs};
use super::File;

/// Flags the chart writes into every jvm.config whatever its values (the two
/// diagnostic ones only for the trinodb/trino image above 447).
pub(crate) const CHART_JVM_FLAGS: &[&str] = &[
    "-server",
    "-agentpath:/usr/lib/trino/bin/libjvmkill.so",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-XX:+HeapDumpOnOutOfMemoryError",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:ReservedCodeCacheSize=512M",
    "-XX:PerMethodRecompilationCutoff=10000",
    "-XX:PerBytecodeRecompilationCutoff=10000",
    "-Djdk.attach.allowAttachSelf=true",
    "-Djdk.nio.maxCachedBufferSize=2000000",
    "-XX:+EnableDynamicAgentLoading",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:G1NumCollectionsKeepPinned=10000000",
];

/// Flags the chart writes from a value: (flag name, path under `<role>.jvm`,
/// the option's prefix before the value).
pub(crate) const JVM_KEYS: &[(&str, &[&str], &str)] = &[
    ("-Xmx", &["maxHeapSize"], "-Xmx"),
    ("-Xms", &["minHeapSize"], "-Xms"),
    (
        "-XX:MaxRAMPercentage",
        &["maxHeapPercent"],
        "-XX:MaxRAMPercentage=",
    ),
    (
        "-XX:InitialRAMPercentage",
        &["initialHeapPercent"],
        "-XX:InitialRAMPercentage=",
    ),
    ("GC", &["gcMethod", "type"], "-XX:+"),
    (
        "-XX:G1HeapRegionSize",
        &["gcMethod", "g1", "heapRegionSize"],
        "-XX:G1HeapRegionSize=",
    ),
];

/// config.properties keys the chart writes from values of its own that are no
/// setting of memory (ports, discovery, https, jmx, shutdown).
pub(crate) const CHART_PROPERTIES: &[&str] = &[
    "coordinator",
    "http-server.http.port",
    "discovery.uri",
    "http-server.https.enabled",
    "http-server.https.port",
    "http-server.https.keystore.path",
    "jmx.rmiregistry.port",
    "jmx.rmiserver.port",
    "shutdown.grace-period",
];

/// config.properties keys the chart writes from a value: (key, path, whose:
/// `None` the role's own section, `Some` a section of its own).
pub(crate) const PROPERTY_KEYS: &[(&str, &[&str], Option<&str>)] = &[
    (
        "query.max-memory",
        &["config", "query", "maxMemory"],
        Some("server"),
    ),
    (
        "query.max-memory-per-node",
        &["config", "query", "maxMemoryPerNode"],
        None,
    ),
    (
        "memory.heap-headroom-per-node",
        &["config", "memory", "heapHeadroomPerNode"],
        None,
    ),
    (
        "node-scheduler.include-coordinator",
        &["config", "nodeScheduler", "includeCoordinator"],
        None,
    ),
    (
        "http-server.authentication.type",
        &["config", "authenticationType"],
        Some("server"),
    ),
];

/// A JVM option's name: what a later option of the same name overrides
/// (`-Xmx`, `-XX:MaxRAMPercentage`, `-Dfile.encoding`; `GC` for `-XX:+Use…GC`).
pub(crate) fn flag_name(option: &str) -> String {
    if let Some(rest) = option.strip_prefix("-XX:") {
        let rest = rest.trim_start_matches(['+', '-']);
        let name = rest.split('=').next().unwrap_or(rest);
        if name.starts_with("Use") && name.ends_with("GC") {
            return "GC".into();
        }
        return format!("-XX:{name}");
    }
    for prefix in ["-Xmx", "-Xms", "-Xss", "-Xmn"] {
        if option.starts_with(prefix) {
            return prefix.into();
        }
    }
    if option.starts_with("-D") {
        return option.split('=').next().unwrap_or(option).into();
    }
    option.into()
}

/// A jvm.config as the chart's values: each keyed flag's value in force
/// (`None`: not set), the options beyond what the chart writes itself, and the
/// chart's fixed flags set to something else.
#[derive(Debug, Default, PartialEq)]
struct JvmValues {
    /// Keyed flags as the chart's own block writes them (the user's values).
    block: BTreeMap<&'static str, Option<String>>,
    /// Keyed flags in force (the last of each name).
    keys: BTreeMap<&'static str, Option<String>>,
    /// The options after the chart's block: `additionalJVMConfig` as given.
    user_list: Vec<String>,
    /// What `additionalJVMConfig` must hold for these options: every option
    /// the chart does not write (the last of each name), keyed flags left to
    /// their keys.
    additional: Vec<String>,
    /// Fixed chart flags set to something else (name → option in force).
    overridden: BTreeMap<String, String>,
}

fn is_keyed(name: &str) -> bool {
    JVM_KEYS.iter().any(|(n, _, _)| *n == name)
}

/// The value of a keyed option (`-Xmx24G` → `24G`, `-XX:+UseG1GC` → `UseG1GC`).
fn key_value(name: &str, option: &str) -> String {
    let prefix = JVM_KEYS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map_or("", |(_, _, p)| *p);
    option.strip_prefix(prefix).unwrap_or(option).to_string()
}

/// Reads a jvm.config the chart wrote. Its own block comes first and ends
/// with `-XX:+EnableDynamicAgentLoading` (and the two diagnostic flags after
/// it for newer images); every option after the block is `additionalJVMConfig`.
/// A file without that end is read as all block, first occurrences only.
fn chart_jvm(text: &str) -> JvmValues {
    let jvm = JvmConfig::parse(text);
    let options: Vec<&str> = jvm.options().map(|(o, _)| o).collect();
    let block_end = options
        .iter()
        .position(|o| *o == "-XX:+EnableDynamicAgentLoading")
        .map(|i| {
            let mut end = i + 1;
            while options.get(end).is_some_and(|o| {
                *o == "-XX:+UnlockDiagnosticVMOptions"
                    || o.starts_with("-XX:G1NumCollectionsKeepPinned=")
            }) {
                end += 1;
            }
            end
        });
    let fixed: BTreeMap<String, &str> =
        CHART_JVM_FLAGS.iter().map(|f| (flag_name(f), *f)).collect();
    let mut values = JvmValues::default();
    let (block, rest) = match block_end {
        Some(end) => options.split_at(end),
        None => (options.as_slice(), &[][..]),
    };
    for (name, _, _) in JVM_KEYS {
        let in_block = block.iter().find(|o| flag_name(o) == *name);
        values
            .block
            .insert(name, in_block.map(|o| key_value(name, o)));
        let last = options.iter().rev().find(|o| flag_name(o) == *name);
        values.keys.insert(name, last.map(|o| key_value(name, o)));
    }
    values.user_list = rest.iter().map(|o| o.to_string()).collect();
    for (i, option) in options.iter().enumerate() {
        let name = flag_name(option);
        if options[i + 1..].iter().any(|o| flag_name(o) == name) || is_keyed(&name) {
            continue;
        }
        match fixed.get(&name) {
            Some(chart) if chart != option => {
                values.overridden.insert(name, option.to_string());
                values.additional.push(option.to_string());
            }
            Some(_) => {}
            None => values.additional.push(option.to_string()),
        }
    }
    values
}

/// A config.properties as the chart's values (as [`JvmValues`]): keyed
/// settings and the `key=value` lines beyond what the chart writes.
#[derive(Debug, Default, PartialEq)]
struct PropertyValues {
    keys: BTreeMap<&'static str, Option<String>>,
    extra: Vec<String>,
    chart: BTreeMap<&'static str, Option<String>>,
}

fn chart_properties(text: &str) -> PropertyValues {
    let props = Properties::parse(text);
    let mut values = PropertyValues::default();
    for (key, _, _) in PROPERTY_KEYS {
        values.keys.insert(key, props.get(key).map(str::to_string));
    }
    for key in CHART_PROPERTIES {
        values.chart.insert(key, props.get(key).map(str::to_string));
    }
    let entries: Vec<(&str, &str, usize)> = props.entries().collect();
    for (i, (key, value, _)) in entries.iter().enumerate() {
        let chart =
            PROPERTY_KEYS.iter().any(|(k, _, _)| k == key) || CHART_PROPERTIES.contains(key);
        let last = entries[i + 1..].iter().all(|(k, _, _)| k != key);
        if !chart && last {
            values.extra.push(format!("{key}={value}"));
        }
    }
    values
}

/// Sets `path` under `section` of `values` (creating the maps on the way).
fn set(values: &mut Map<String, Value>, section: &str, path: &[&str], value: Value) {
    let mut node = values
        .entry(section.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    for part in &path[..path.len() - 1] {
        let Value::Object(map) = node else { return };
        node = map
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if let Value::Object(map) = node {
        map.insert(path[path.len() - 1].to_string(), value);
    }
}

/// A value as the chart's values file writes it: the text, or `null` to
/// remove what the user's values set.
fn value_or_null(value: &Option<String>) -> Value {
    value.as_ref().map_or(Value::Null, |v| json!(v))
}

/// The files of one role before and after the plan.
struct RoleFiles<'n, 'a> {
    role: Role,
    before: Option<&'n TrinoNode<'a>>,
    after: Option<&'n TrinoNode<'a>>,
}

fn text(node: Option<&TrinoNode>, file: fn(&TrinoNode) -> Option<String>) -> Option<String> {
    node.and_then(file)
}

fn jvm_text(node: &TrinoNode) -> Option<String> {
    node.files.jvm_config.as_ref()?.text.clone()
}

fn properties_text(node: &TrinoNode) -> Option<String> {
    node.files.config_properties.as_ref()?.text.clone()
}

/// Values for the Trino chart that make it render what the plan proposes.
pub fn helm_values(inputs: &Inputs, plan: &Plan) -> Result<Vec<File>> {
    let next = plan::after(inputs, plan);
    let before = plan::trino_layout(inputs);
    let after = plan::trino_layout(&next);
    let mut values = Map::new();
    let mut notes = Vec::new();
    let mut extras: BTreeMap<Role, Extras> = BTreeMap::new();
    for role in [Role::Coordinator, Role::Worker] {
        let files = RoleFiles {
            role,
            before: before.with_role(role).next(),
            after: after.with_role(role).next(),
        };
        if before.with_role(role).count() > 1 {
            notes.push(format!(
                "more than one {} workload: the chart has one, the values follow the first",
                role.as_str()
            ));
        }
        jvm_values(&files, &mut values, &mut notes);
        if let Some(pair) = property_values(&files, &mut values, &mut notes) {
            extras.insert(role, pair);
        }
        resources(&files, &mut values);
    }
    extra_properties(&extras, &mut values);
    catalogs(inputs, plan, &before, &mut values);
    Ok(vec![File {
        path: "values.yaml".into(),
        text: render(plan, &values, &notes)?,
        placeholders: Vec::new(),
    }])
}

fn render(plan: &Plan, values: &Map<String, Value>, notes: &[String]) -> Result<String> {
    let mut header = format!(
        "# Written by `kubectl dp tune export --format helm-values` (profile {:?}) for the\n\
         # trinodb/charts Trino chart, from namespace {}: only what the plan changes, in the\n\
         # chart's own keys. Give it after your own values, so that it wins:\n\
         #   helm upgrade <release> trino/trino -f <your values> -f values.yaml\n",
        plan.profile, plan.namespace
    );
    for note in notes {
        header.push_str(&format!("# not written: {note}\n"));
    }
    let body = if values.is_empty() {
        "{}\n".to_string()
    } else {
        crate::render::yaml_string(&Value::Object(values.clone()))?
    };
    Ok(format!("{header}{body}"))
}

/// `<role>.jvm.*` and `<role>.additionalJVMConfig` where the plan changes them.
fn jvm_values(files: &RoleFiles, values: &mut Map<String, Value>, notes: &mut Vec<String>) {
    let (Some(old), Some(new)) = (text(files.before, jvm_text), text(files.after, jvm_text)) else {
        return;
    };
    if old == new {
        return;
    }
    let section = files.role.as_str();
    let (was, now) = (chart_jvm(&old), chart_jvm(&new));
    // Each keyed flag as the chart must write it now, against what the user's
    // values make it write.
    for (name, path, _) in JVM_KEYS {
        if was.block[name] != now.keys[name] {
            let mut full = vec!["jvm"];
            full.extend_from_slice(path);
            set(values, section, &full, value_or_null(&now.keys[name]));
        }
    }
    for (name, option) in &now.overridden {
        if was.overridden.get(name) != Some(option) {
            let chart = CHART_JVM_FLAGS
                .iter()
                .find(|f| flag_name(f) == *name)
                .copied()
                .unwrap_or_default();
            notes.push(format!(
                "{section} jvm.config {option}: the chart writes {chart} itself, and a second one in additionalJVMConfig would repeat it"
            ));
        }
    }
    // Planned overrides of fixed flags are refused above: the user's own stay.
    let list: Vec<String> = now
        .additional
        .iter()
        .filter(|o| {
            let name = flag_name(o);
            !now.overridden.contains_key(&name) || was.overridden.get(&name) == Some(*o)
        })
        .cloned()
        .collect();
    if list != was.user_list {
        set(values, section, &["additionalJVMConfig"], json!(list));
    }
}

/// The keyed config.properties settings the plan changes; returns the extra
/// lines before and after (shared and per-role lists are decided together).
fn property_values(
    files: &RoleFiles,
    values: &mut Map<String, Value>,
    notes: &mut Vec<String>,
) -> Option<Extras> {
    let old = text(files.before, properties_text)?;
    let new = text(files.after, properties_text)?;
    let (was, now) = (chart_properties(&old), chart_properties(&new));
    let section = files.role.as_str();
    for (key, path, whose) in PROPERTY_KEYS {
        // query.max-memory is the coordinator's setting; the worker renders the same value.
        if *key == "query.max-memory" && files.role == Role::Worker {
            continue;
        }
        if was.keys[key] != now.keys[key] {
            set(
                values,
                whose.unwrap_or(section),
                path,
                value_or_null(&now.keys[key]),
            );
        }
    }
    for key in CHART_PROPERTIES {
        if was.chart[key] != now.chart[key] {
            notes.push(format!(
                "{section} config.properties {key}: the chart writes it from other values"
            ));
        }
    }
    Some((was.extra, now.extra))
}

/// A role's extra config.properties lines before and after the plan.
type Extras = (Vec<String>, Vec<String>);

/// `additionalConfigProperties` (lines both roles have) and
/// `server.coordinatorExtraConfig` / `server.workerExtraConfig` (a role's own),
/// each where it changes.
fn extra_properties(extras: &BTreeMap<Role, Extras>, values: &mut Map<String, Value>) {
    let split = |pick: fn(&Extras) -> &Vec<String>| {
        let coordinator = extras
            .get(&Role::Coordinator)
            .map(pick)
            .cloned()
            .unwrap_or_default();
        let worker = extras
            .get(&Role::Worker)
            .map(pick)
            .cloned()
            .unwrap_or_default();
        let shared: Vec<String> = coordinator
            .iter()
            .filter(|l| worker.contains(l))
            .cloned()
            .collect();
        let own = |lines: &[String]| -> Vec<String> {
            lines
                .iter()
                .filter(|l| !shared.contains(l))
                .cloned()
                .collect()
        };
        (own(&coordinator), own(&worker), shared)
    };
    let before = split(|p| &p.0);
    let after = split(|p| &p.1);
    if before.2 != after.2 {
        values.insert("additionalConfigProperties".into(), json!(after.2));
    }
    for (old, new, key) in [
        (&before.0, &after.0, "coordinatorExtraConfig"),
        (&before.1, &after.1, "workerExtraConfig"),
    ] {
        if old != new {
            let text = new.join("\n");
            set(values, "server", &[key], json!(text));
        }
    }
}

/// `<role>.resources` (and `server.workers`) where the plan resizes them.
fn resources(files: &RoleFiles, values: &mut Map<String, Value>) {
    let (Some(before), Some(after)) = (files.before, files.after) else {
        return;
    };
    let old = before.container.and_then(|c| c.resources.as_ref());
    let new = after.container.and_then(|c| c.resources.as_ref());
    if old != new
        && let Some(new) = new
    {
        let section = files.role.as_str();
        set(
            values,
            section,
            &["resources"],
            serde_json::to_value(new).unwrap_or_default(),
        );
    }
    if files.role == Role::Worker && before.workload.replicas() != after.workload.replicas() {
        set(
            values,
            "server",
            &["workers"],
            json!(after.workload.replicas()),
        );
    }
}

/// `catalogs.<name>`: the whole new text of each catalog the plan changes.
fn catalogs(inputs: &Inputs, plan: &Plan, layout: &TrinoLayout, values: &mut Map<String, Value>) {
    let changed = plan::new_files(inputs, plan);
    let mut seen = Vec::new();
    for node in &layout.nodes {
        for file in &node.files.catalogs {
            let key = (file.source.config_map.clone(), file.source.key.clone());
            if seen.contains(&key) {
                continue;
            }
            seen.push(key.clone());
            if let Some((_, new)) = changed.get(&key) {
                set(values, "catalogs", &[file.catalog_name()], json!(new));
            }
        }
    }
}

#[cfg(test)]
#[path = "helm_tests.rs"]
mod tests;
