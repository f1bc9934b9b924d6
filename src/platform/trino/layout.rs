//! Where a Trino installation is: its coordinator and workers (Deployments or
//! StatefulSets, as the trinodb chart or a hand-written manifest makes them),
//! the Trino container of each, and the files that container really reads —
//! jvm.config, config.properties and the catalog files, found through its volume
//! mounts — with the heap its JVM will get. `status`, `tune` and `perf` all read
//! the platform through this one model.

use std::collections::BTreeSet;
use std::fmt;

use k8s_openapi::api::core::v1::{ConfigMap, Container, PodSpec};

use crate::platform::jvm::JvmConfig;
use crate::platform::jvm::heap::{self, Heap};
use crate::platform::mounts::{self, MountedFile};
use crate::platform::properties::Properties;
use crate::platform::workload::{self, Workload};

/// What a Trino node does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Plans queries and schedules them (`coordinator=true`).
    Coordinator,
    /// Runs the tasks the coordinator schedules.
    Worker,
}

impl Role {
    /// `coordinator` or `worker`, as the chart's `app.kubernetes.io/component` label.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::Worker => "worker",
        }
    }

    /// How messages name the role's pods: `coordinator`, `workers`.
    pub fn plural(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::Worker => "workers",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.plural())
    }
}

/// The directories Trino images read their configuration from, most common first.
const ETC_DIRS: &[&str] = &["/etc/trino", "/usr/lib/trino/etc", "/etc/presto"];

/// Server files of the etc directory that are not catalogs.
pub(crate) const SERVER_FILES: &[&str] = &[
    "config.properties",
    "node.properties",
    "log.properties",
    "jvm.config",
    "access-control.properties",
    "exchange-manager.properties",
    "password-authenticator.properties",
    "group-provider.properties",
    "resource-groups.properties",
    "session-property-config.properties",
    "event-listener.properties",
];

/// One configuration file of a Trino node, with where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrinoFile {
    /// The path the container reads, the ConfigMap and the key.
    pub source: MountedFile,
    /// Its text; `None` when the ConfigMap or the key is missing.
    pub text: Option<String>,
}

impl TrinoFile {
    /// The catalog name of a catalog file (`lake.properties` → `lake`).
    pub(crate) fn catalog_name(&self) -> &str {
        self.source
            .file_name()
            .strip_suffix(".properties")
            .unwrap_or(self.source.file_name())
    }
}

/// The files a Trino container reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrinoFiles {
    /// The etc directory (`/etc/trino`).
    pub etc_dir: String,
    /// `<etc>/jvm.config`.
    pub jvm_config: Option<TrinoFile>,
    /// `<etc>/config.properties`.
    pub config_properties: Option<TrinoFile>,
    /// `<catalog dir>/*.properties`, by path.
    pub catalogs: Vec<TrinoFile>,
}

/// A coordinator or worker workload and what it runs.
#[derive(Debug, Clone)]
pub struct TrinoNode<'a> {
    /// The Deployment or StatefulSet.
    pub workload: Workload<'a>,
    /// What its pods do.
    pub role: Role,
    /// The Trino container (the one named `trino…`, else the first).
    pub container: Option<&'a Container>,
    /// The files that container reads.
    pub files: TrinoFiles,
    /// ConfigMaps the pod spec needs (not optional) that do not exist.
    pub missing_config_maps: Vec<String>,
}

impl TrinoNode<'_> {
    /// The container's memory limit in bytes.
    pub(crate) fn memory_limit(&self) -> Option<u64> {
        self.container
            .and_then(workload::memory_limit)
            .map(|q| u64::try_from(q.units_ceil()).unwrap_or(0))
    }

    /// The parsed jvm.config, when the node has one.
    pub fn jvm_config(&self) -> Option<JvmConfig> {
        self.files
            .jvm_config
            .as_ref()
            .and_then(|f| f.text.as_deref())
            .map(JvmConfig::parse)
    }

    /// The parsed config.properties, when the node has one.
    pub fn config_properties(&self) -> Option<Properties> {
        self.files
            .config_properties
            .as_ref()
            .and_then(|f| f.text.as_deref())
            .map(Properties::parse)
    }

    /// The heap the JVM gets in a container of `limit` bytes: jvm.config plus
    /// `JAVA_TOOL_OPTIONS`/`JDK_JAVA_OPTIONS` from the container's env.
    pub(crate) fn heap_with_limit(&self, limit: Option<u64>) -> Heap {
        let jvm = self.jvm_config();
        let env = |name: &str| self.container.and_then(|c| workload::env_value(c, name));
        let options = heap::options_in_order(
            env("JAVA_TOOL_OPTIONS"),
            env("JDK_JAVA_OPTIONS"),
            jvm.as_ref(),
        );
        heap::resolve(&options, limit)
    }

    /// The heap the JVM gets in its container as the template sets it.
    pub fn heap(&self) -> Heap {
        self.heap_with_limit(self.memory_limit())
    }
}

/// The Trino installation of a namespace (or of several: nodes are per workload).
#[derive(Debug, Clone, Default)]
pub struct TrinoLayout<'a> {
    /// Coordinators first, then workers, each in name order.
    pub nodes: Vec<TrinoNode<'a>>,
}

impl<'a> TrinoLayout<'a> {
    /// The Trino nodes among `workloads`; `config_map(namespace, name)` looks a ConfigMap up.
    pub fn read(
        workloads: &[Workload<'a>],
        config_map: &dyn Fn(&str, &str) -> Option<&'a ConfigMap>,
    ) -> TrinoLayout<'a> {
        let mut nodes: Vec<TrinoNode<'a>> = workloads
            .iter()
            .filter(|w| is_trino(w))
            .map(|w| node(*w, config_map))
            .collect();
        nodes.sort_by(|a, b| {
            (a.role, a.workload.namespace(), a.workload.name()).cmp(&(
                b.role,
                b.workload.namespace(),
                b.workload.name(),
            ))
        });
        TrinoLayout { nodes }
    }

    /// Whether there is no Trino at all.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The nodes of one role.
    pub fn with_role(&self, role: Role) -> impl Iterator<Item = &TrinoNode<'a>> {
        self.nodes.iter().filter(move |n| n.role == role)
    }

    /// The desired number of worker pods in `namespace`.
    pub(crate) fn worker_count(&self, namespace: &str) -> u64 {
        self.with_role(Role::Worker)
            .filter(|n| n.workload.namespace() == namespace)
            .map(|n| n.workload.replicas())
            .sum()
    }
}

/// Whether a workload runs Trino (`app.kubernetes.io/name=trino`, or `app=trino`).
pub(crate) fn is_trino(w: &Workload) -> bool {
    w.app_name() == Some("trino")
}

/// The Trino container of a pod spec: the one whose name starts with `trino`, else the first.
pub(crate) fn trino_container(spec: &PodSpec) -> Option<&Container> {
    spec.containers
        .iter()
        .find(|c| c.name.starts_with("trino"))
        .or_else(|| spec.containers.first())
}

/// The role: `coordinator=` in the node's own config.properties when it says
/// (that is what Trino obeys), else the `component` label, else the name.
fn role_of(w: &Workload, files: &TrinoFiles) -> Role {
    let configured = files
        .config_properties
        .as_ref()
        .and_then(|f| f.text.as_deref())
        .and_then(|text| {
            Properties::parse(text)
                .get("coordinator")
                .map(|v| v.trim().eq_ignore_ascii_case("true"))
        });
    match configured {
        Some(true) => Role::Coordinator,
        Some(false) => Role::Worker,
        None => role_by_labels(w),
    }
}

/// The role from the workload alone: the `component` label, else the name.
pub(crate) fn role_by_labels(w: &Workload) -> Role {
    match w
        .label("app.kubernetes.io/component")
        .or_else(|| w.label("component"))
    {
        Some("coordinator") => Role::Coordinator,
        Some("worker") => Role::Worker,
        _ if w.name().contains("coordinator") => Role::Coordinator,
        _ => Role::Worker,
    }
}

fn node<'a>(
    w: Workload<'a>,
    config_map: &dyn Fn(&str, &str) -> Option<&'a ConfigMap>,
) -> TrinoNode<'a> {
    let namespace = w.namespace();
    let lookup = |name: &str| -> Option<&'a ConfigMap> { config_map(namespace, name) };
    let spec = w.pod_spec();
    let container = spec.and_then(trino_container);
    let files = match (spec, container) {
        (Some(spec), Some(container)) => files_of(spec, container, &lookup),
        _ => TrinoFiles::default(),
    };
    let missing_config_maps = spec
        .map(required_config_maps)
        .unwrap_or_default()
        .into_iter()
        .filter(|name| lookup(name).is_none())
        .collect();
    TrinoNode {
        role: role_of(&w, &files),
        workload: w,
        container,
        files,
        missing_config_maps,
    }
}

/// ConfigMaps a pod cannot start without: volumes and env sources not marked optional.
fn required_config_maps(spec: &PodSpec) -> BTreeSet<String> {
    let mut names = workload::config_maps(spec);
    let optional = spec
        .volumes
        .iter()
        .flatten()
        .filter_map(|v| v.config_map.as_ref())
        .filter(|c| c.optional == Some(true))
        .map(|c| c.name.clone());
    for name in optional.collect::<Vec<_>>() {
        names.remove(&name);
    }
    names
}

/// The etc directory: `--etc-dir` on the command line, else the directory of a
/// mounted jvm.config or config.properties (the usual places first).
fn etc_dir(container: &Container, paths: &[&str]) -> String {
    let args: Vec<&str> = container
        .command
        .iter()
        .flatten()
        .chain(container.args.iter().flatten())
        .map(String::as_str)
        .collect();
    for (i, arg) in args.iter().enumerate() {
        if let Some(dir) = arg.strip_prefix("--etc-dir=") {
            return dir.trim_end_matches('/').to_string();
        }
        if *arg == "--etc-dir"
            && let Some(dir) = args.get(i + 1)
        {
            return dir.trim_end_matches('/').to_string();
        }
    }
    let dirs: BTreeSet<&str> = paths
        .iter()
        .filter(|p| p.ends_with("/jvm.config") || p.ends_with("/config.properties"))
        .map(|p| mounts::parent(p))
        .collect();
    ETC_DIRS
        .iter()
        .find(|d| dirs.contains(*d))
        .copied()
        .or_else(|| dirs.iter().next().copied())
        .unwrap_or(ETC_DIRS[0])
        .to_string()
}

fn trino_file<'c>(
    source: MountedFile,
    lookup: &dyn Fn(&str) -> Option<&'c ConfigMap>,
) -> TrinoFile {
    let text = source.text(lookup).map(str::to_string);
    TrinoFile { source, text }
}

/// The files a Trino container reads, through its volume mounts. A container
/// without mounts that expose a jvm.config or config.properties (a fixture, an
/// image that copies its files) is read the way it names its keys: `jvm.config`,
/// `config.properties` and any other `*.properties` as a catalog.
fn files_of<'c>(
    spec: &PodSpec,
    container: &Container,
    lookup: &dyn Fn(&str) -> Option<&'c ConfigMap>,
) -> TrinoFiles {
    let mounted = mounts::config_map_files(spec, container, lookup);
    let paths: Vec<&str> = mounted.keys().map(String::as_str).collect();
    let etc = etc_dir(container, &paths);
    let at = |path: String| mounted.get(&path).cloned();
    let jvm = at(format!("{etc}/jvm.config"));
    let config = at(format!("{etc}/config.properties"));
    if jvm.is_none() && config.is_none() {
        return files_by_key(spec, lookup, etc);
    }
    let config = config.map(|f| trino_file(f, lookup));
    let catalog_dir = config
        .as_ref()
        .and_then(|f| f.text.as_deref())
        .and_then(|t| {
            Properties::parse(t)
                .get("catalog.config-dir")
                .map(str::to_string)
        })
        .map(|dir| match dir.strip_prefix("etc/") {
            Some(rest) => format!("{etc}/{rest}"),
            None if dir.starts_with('/') => dir,
            None => format!("{etc}/{dir}"),
        })
        .unwrap_or(format!("{etc}/catalog"));
    let catalogs = mounted
        .values()
        .filter(|f| mounts::parent(&f.path) == catalog_dir.trim_end_matches('/'))
        .filter(|f| f.file_name().ends_with(".properties"))
        .map(|f| trino_file(f.clone(), lookup))
        .collect();
    TrinoFiles {
        etc_dir: etc,
        jvm_config: jvm.map(|f| trino_file(f, lookup)),
        config_properties: config,
        catalogs,
    }
}

fn files_by_key<'c>(
    spec: &PodSpec,
    lookup: &dyn Fn(&str) -> Option<&'c ConfigMap>,
    etc: String,
) -> TrinoFiles {
    let mut files = TrinoFiles {
        etc_dir: etc.clone(),
        ..TrinoFiles::default()
    };
    for name in workload::config_maps(spec) {
        let Some(data) = lookup(&name).and_then(|cm| cm.data.as_ref()) else {
            continue;
        };
        for (key, text) in data {
            let file = |dir: &str| TrinoFile {
                source: MountedFile {
                    path: format!("{dir}/{key}"),
                    config_map: name.clone(),
                    key: key.clone(),
                },
                text: Some(text.clone()),
            };
            match key.as_str() {
                "jvm.config" if files.jvm_config.is_none() => files.jvm_config = Some(file(&etc)),
                "config.properties" if files.config_properties.is_none() => {
                    files.config_properties = Some(file(&etc))
                }
                _ if key.ends_with(".properties") && !SERVER_FILES.contains(&key.as_str()) => {
                    files.catalogs.push(file(&format!("{etc}/catalog")))
                }
                _ => {}
            }
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};

    fn config_map(name: &str, data: serde_json::Value) -> ConfigMap {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name, "namespace": "dp"}, "data": data
        }))
        .unwrap()
    }

    fn chart_coordinator() -> Deployment {
        // As trinodb/charts renders it: component label, /etc/trino and its catalog dir.
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "analytics-trino-coordinator", "namespace": "dp"},
            "spec": {"selector": {"matchLabels": {"app.kubernetes.io/name": "trino"}},
                "template": {
                "metadata": {"labels": {"app.kubernetes.io/name": "trino", "app.kubernetes.io/component": "coordinator"}},
                "spec": {
                    "containers": [{"name": "trino-coordinator",
                        "resources": {"limits": {"memory": "12Gi"}},
                        "volumeMounts": [
                            {"name": "config-volume", "mountPath": "/etc/trino"},
                            {"name": "catalog-volume", "mountPath": "/etc/trino/catalog"}]}],
                    "volumes": [
                        {"name": "config-volume", "configMap": {"name": "analytics-trino-coordinator"}},
                        {"name": "catalog-volume", "configMap": {"name": "analytics-trino-catalog"}}]
                }}}
        }))
        .unwrap()
    }

    fn worker_statefulset() -> StatefulSet {
        // A worker as a StatefulSet with no component label, jvm.config mapped from another key.
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "trino-workers", "namespace": "dp"},
            "spec": {"replicas": 4, "serviceName": "w", "selector": {"matchLabels": {"app": "trino"}}, "template": {
                "metadata": {"labels": {"app": "trino"}},
                "spec": {
                    "containers": [{"name": "sidecar"}, {"name": "trino",
                        "env": [{"name": "JAVA_TOOL_OPTIONS", "value": "-XX:MaxRAMPercentage=75"}],
                        "resources": {"limits": {"memory": "16Gi"}},
                        "volumeMounts": [{"name": "cfg", "mountPath": "/etc/trino"}]}],
                    "volumes": [{"name": "cfg", "configMap": {"name": "worker-files",
                        "items": [{"key": "jvm-prod", "path": "jvm.config"}, {"key": "config", "path": "config.properties"}]}}]
                }}}
        }))
        .unwrap()
    }

    #[test]
    fn chart_and_hand_written_layouts_read_the_same_way() {
        let cms = [
            config_map(
                "analytics-trino-coordinator",
                serde_json::json!({"jvm.config": "-XX:MaxRAMPercentage=80\n", "config.properties": "coordinator=true\n"}),
            ),
            config_map(
                "analytics-trino-catalog",
                serde_json::json!({"lake.properties": "connector.name=iceberg\n", "tpch.properties": "connector.name=tpch\n"}),
            ),
            config_map(
                "worker-files",
                serde_json::json!({"jvm.config": "-Xmx99G\n", "jvm-prod": "-XX:+UseG1GC\n", "config": "coordinator=false\n"}),
            ),
        ];
        let deployments = [chart_coordinator()];
        let stateful_sets = [worker_statefulset()];
        let workloads = workload::workloads(&deployments, &stateful_sets);
        let lookup = |ns: &str, name: &str| {
            cms.iter().find(|c| {
                c.metadata.namespace.as_deref() == Some(ns)
                    && c.metadata.name.as_deref() == Some(name)
            })
        };
        let layout = TrinoLayout::read(&workloads, &lookup);
        assert_eq!(layout.nodes.len(), 2);
        let coordinator = &layout.nodes[0];
        assert_eq!(coordinator.role, Role::Coordinator);
        assert_eq!(coordinator.container.unwrap().name, "trino-coordinator");
        let catalogs: Vec<&str> = coordinator
            .files
            .catalogs
            .iter()
            .map(|c| c.catalog_name())
            .collect();
        assert_eq!(catalogs, ["lake", "tpch"]);
        // 80% of 12Gi.
        assert_eq!(coordinator.heap().max, Some(10_307_921_510));
        let worker = &layout.nodes[1];
        assert_eq!(worker.role, Role::Worker);
        assert_eq!(worker.container.unwrap().name, "trino");
        // The decoy key `jvm.config` (-Xmx99G) is not what the JVM reads.
        assert_eq!(
            worker.files.jvm_config.as_ref().unwrap().source.key,
            "jvm-prod"
        );
        assert_eq!(worker.heap().max, Some(12 << 30));
        assert_eq!(layout.worker_count("dp"), 4);
    }

    #[test]
    fn etc_dir_from_the_command_line() {
        let container: Container = serde_json::from_value(serde_json::json!({
            "name": "trino", "args": ["launcher", "run", "--etc-dir", "/opt/conf/"]
        }))
        .unwrap();
        assert_eq!(etc_dir(&container, &["/etc/trino/jvm.config"]), "/opt/conf");
        let container: Container =
            serde_json::from_value(serde_json::json!({"name": "trino"})).unwrap();
        assert_eq!(
            etc_dir(
                &container,
                &["/usr/lib/trino/etc/jvm.config", "/x/jvm.config"]
            ),
            "/usr/lib/trino/etc"
        );
    }
}
