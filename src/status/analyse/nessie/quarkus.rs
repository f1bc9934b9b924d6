//! Nessie's settings as Quarkus (SmallRye Config) reads them, with where each
//! came from. The same setting can be written three ways, and the Nessie chart
//! uses two of them at once:
//!
//! - environment variables (ordinal 300, the strongest): the exact property name
//!   (`quarkus.datasource.postgresql.password`, as the chart writes them), or
//!   with every character but letters and digits turned into `_`, or that in
//!   upper case (`QUARKUS_DATASOURCE_POSTGRESQL_PASSWORD`);
//! - `config/application.properties` under the working directory (ordinal 260;
//!   `/deployments/config/` in the Nessie image), which the chart mounts from its
//!   ConfigMap, and files named by `QUARKUS_CONFIG_LOCATIONS` /
//!   `SMALLRYE_CONFIG_LOCATIONS`;
//! - the image's built-in defaults (not read: the caller knows them).
//!
//! In each source a `%prod.` key (env `_PROD_…`) beats the plain one, the
//! profile a packaged server runs with. A value that is exactly `${NAME}` or
//! `${NAME:default}` is the setting `NAME`, looked up the same way (how a
//! properties file takes a password from a Secret-backed env var).

use k8s_openapi::api::core::v1::{Container, PodSpec};

use crate::platform::properties::Properties;
use crate::snapshot::Snapshot;

use super::super::env::{self, EnvSource, EnvVar, FileKind};

/// The Nessie image's working directory (its `WORKDIR`): Quarkus reads
/// `config/application.properties` below it.
const IMAGE_WORKDIR: &str = "/deployments";

/// Where a setting's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin<'a> {
    /// An environment variable of the container.
    Env(EnvVar<'a>),
    /// A line of a properties file mounted from a ConfigMap.
    File {
        /// The ConfigMap.
        config_map: &'a str,
        /// Its key (the file).
        key: String,
        /// The line.
        line: usize,
        /// The value written there.
        value: String,
    },
}

/// One setting Nessie will run with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<'a> {
    /// Where it was found (after following a `${NAME}` reference).
    pub origin: Origin<'a>,
}

impl Setting<'_> {
    /// The value, when the pod spec or a ConfigMap holds it (a Secret's value is never read).
    pub fn value(&self) -> Option<&str> {
        match &self.origin {
            Origin::Env(var) => match &var.source {
                EnvSource::Literal(v) => Some(v),
                EnvSource::ConfigMap { value, .. } => *value,
                EnvSource::Secret { .. } | EnvSource::Downward => None,
            },
            Origin::File { value, .. } => Some(value),
        }
    }

    /// Where it comes from, in words: `env NESSIE_VERSION_STORE_TYPE`,
    /// `ConfigMap nessie (application.properties line 3)`.
    pub fn describe(&self) -> String {
        match &self.origin {
            Origin::Env(var) => match &var.source {
                EnvSource::Secret { secret, key } => {
                    format!("env {} from Secret {secret} key {key}", var.name)
                }
                EnvSource::ConfigMap {
                    config_map, key, ..
                } => format!("env {} from ConfigMap {config_map} key {key}", var.name),
                _ => format!("env {}", var.name),
            },
            Origin::File {
                config_map,
                key,
                line,
                ..
            } => format!("ConfigMap {config_map} ({key} line {line})"),
        }
    }

    /// The kind of source, for the summary: `env` or `ConfigMap NAME (FILE)`.
    pub(crate) fn source_kind(&self) -> String {
        match &self.origin {
            Origin::Env(_) => "env".into(),
            Origin::File {
                config_map, key, ..
            } => format!("ConfigMap {config_map} ({key})"),
        }
    }
}

/// The settings sources of one Nessie container.
pub(crate) struct QuarkusConfig<'a> {
    env: Vec<EnvVar<'a>>,
    /// Properties files mounted from ConfigMaps, strongest first.
    files: Vec<(&'a str, String, Properties)>,
    /// Config files Quarkus would read that no ConfigMap provides (`path`), and
    /// files mounted from Secrets (their contents are never read).
    pub unread_files: Vec<String>,
}

impl<'a> QuarkusConfig<'a> {
    /// Reads the container's env and the properties files Quarkus loads.
    pub fn read(
        snapshot: &'a Snapshot,
        namespace: &str,
        spec: &'a PodSpec,
        container: &'a Container,
    ) -> QuarkusConfig<'a> {
        let env = env::environment(snapshot, namespace, container);
        let workdir = container
            .working_dir
            .as_deref()
            .filter(|w| !w.is_empty())
            .unwrap_or(IMAGE_WORKDIR)
            .trim_end_matches('/');
        let mut paths = vec![format!("{workdir}/config/application.properties")];
        for var in ["QUARKUS_CONFIG_LOCATIONS", "SMALLRYE_CONFIG_LOCATIONS"] {
            let value = env
                .iter()
                .find(|v| v.name == var)
                .and_then(|v| match v.source {
                    EnvSource::Literal(value) => Some(value),
                    _ => None,
                });
            for location in value.into_iter().flat_map(|v| v.split(',')) {
                let location = location.trim().trim_start_matches("file:");
                if location.is_empty() {
                    continue;
                }
                paths.push(if location.ends_with(".properties") {
                    location.to_string()
                } else {
                    format!("{}/application.properties", location.trim_end_matches('/'))
                });
            }
        }
        let mut files = Vec::new();
        let mut unread_files = Vec::new();
        for path in paths {
            match env::mounted_file(snapshot, namespace, spec, container, &path) {
                Some(file) if file.kind == FileKind::ConfigMap => {
                    let text = snapshot
                        .config_map(namespace, file.name)
                        .and_then(|cm| cm.data.as_ref()?.get(&file.key));
                    match text {
                        Some(text) => files.push((file.name, file.key, Properties::parse(text))),
                        None => unread_files.push(path),
                    }
                }
                Some(_) => unread_files.push(path),
                None => {}
            }
        }
        QuarkusConfig {
            env,
            files,
            unread_files,
        }
    }

    /// The setting `property` as Quarkus resolves it, if anything sets it.
    pub fn get(&self, property: &str) -> Option<Setting<'a>> {
        self.lookup(property, 0)
    }

    /// The first of `properties` that is set (spellings of one setting).
    pub(crate) fn get_any(&self, properties: &[&str]) -> Option<Setting<'a>> {
        properties.iter().find_map(|p| self.get(p))
    }

    fn lookup(&self, property: &str, depth: usize) -> Option<Setting<'a>> {
        let found = self.in_env(property).or_else(|| self.in_files(property))?;
        // `${NAME}` / `${NAME:default}`: the value is another setting's.
        if depth < 4
            && let Some(value) = found.value()
            && let Some(inner) = value
                .trim()
                .strip_prefix("${")
                .and_then(|v| v.strip_suffix('}'))
        {
            let name = inner.split_once(':').map_or(inner, |(name, _)| name);
            if let Some(target) = self.lookup(name, depth + 1) {
                return Some(target);
            }
        }
        Some(found)
    }

    /// Every place that sets `property`, strongest first: the one that wins
    /// and those it hides (a password hidden by an env var is still written down).
    pub fn everywhere(&self, property: &str) -> Vec<Setting<'a>> {
        let mut all = self.env_settings(property);
        all.extend(self.file_settings(property));
        all
    }

    fn in_env(&self, property: &str) -> Option<Setting<'a>> {
        self.env_settings(property).into_iter().next()
    }

    fn in_files(&self, property: &str) -> Option<Setting<'a>> {
        self.file_settings(property).into_iter().next()
    }

    fn env_settings(&self, property: &str) -> Vec<Setting<'a>> {
        let profiled = format!("_PROD_{}", sanitize(property).to_uppercase());
        let names = [
            profiled,
            property.to_string(),
            sanitize(property),
            sanitize(property).to_uppercase(),
        ];
        let mut found: Vec<Setting<'a>> = Vec::new();
        for name in &names {
            if let Some(v) = self.env.iter().find(|v| &v.name == name)
                && !found
                    .iter()
                    .any(|s| matches!(&s.origin, Origin::Env(e) if e.name == v.name))
            {
                found.push(Setting {
                    origin: Origin::Env(v.clone()),
                });
            }
        }
        found
    }

    fn file_settings(&self, property: &str) -> Vec<Setting<'a>> {
        let profiled = format!("%prod.{property}");
        let mut found = Vec::new();
        for (config_map, key, props) in &self.files {
            for name in [profiled.as_str(), property] {
                if let Some(value) = props.get(name) {
                    found.push(Setting {
                        origin: Origin::File {
                            config_map,
                            key: key.clone(),
                            line: props.line_of(name).unwrap_or(0),
                            value: value.to_string(),
                        },
                    });
                }
            }
        }
        found
    }
}

/// SmallRye's env spelling of a property: every character but ASCII letters and
/// digits becomes `_`.
fn sanitize(property: &str) -> String {
    property
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::Listing;
    use serde_json::json;

    fn read<'a>(snapshot: &'a Snapshot, spec: &'a PodSpec) -> QuarkusConfig<'a> {
        QuarkusConfig::read(snapshot, "ns", spec, &spec.containers[0])
    }

    fn fixture(properties: &str, env: serde_json::Value) -> (Snapshot, PodSpec) {
        let s = Snapshot {
            config_maps: Listing::available(vec![
                serde_json::from_value(json!({
                    "metadata": {"name": "nessie", "namespace": "ns"},
                    "data": {"application.properties": properties}
                }))
                .unwrap(),
            ]),
            ..Snapshot::default()
        };
        let spec = serde_json::from_value(json!({
            "containers": [{
                "name": "nessie",
                "env": env,
                "volumeMounts": [{"name": "nessie-config", "mountPath": "/deployments/config/application.properties", "subPath": "application.properties"}]
            }],
            "volumes": [{"name": "nessie-config", "configMap": {"name": "nessie"}}]
        }))
        .unwrap();
        (s, spec)
    }

    #[test]
    fn the_chart_style_file_plus_secret_env() {
        let (s, spec) = fixture(
            "nessie.version.store.type=JDBC2\nnessie.version.store.persist.jdbc.datasource=postgresql\nquarkus.datasource.postgresql.jdbc.url=jdbc:postgresql://pg:5432/nessie\n",
            json!([{"name": "quarkus.datasource.postgresql.password", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}]),
        );
        let config = read(&s, &spec);
        let store = config.get("nessie.version.store.type").unwrap();
        assert_eq!(store.value(), Some("JDBC2"));
        assert_eq!(
            store.describe(),
            "ConfigMap nessie (application.properties line 1)"
        );
        let password = config
            .get("quarkus.datasource.postgresql.password")
            .unwrap();
        assert_eq!(password.value(), None);
        assert_eq!(
            password.describe(),
            "env quarkus.datasource.postgresql.password from Secret db key password"
        );
        assert!(config.unread_files.is_empty());
    }

    #[test]
    fn env_beats_the_file_in_every_spelling_and_prod_beats_plain() {
        for name in [
            "NESSIE_VERSION_STORE_TYPE",
            "nessie.version.store.type",
            "nessie_version_store_type",
        ] {
            let (s, spec) = fixture(
                "nessie.version.store.type=IN_MEMORY\n",
                json!([{"name": name, "value": "JDBC2"}]),
            );
            let setting = read(&s, &spec).get("nessie.version.store.type").unwrap();
            assert_eq!(setting.value(), Some("JDBC2"), "{name}");
            assert_eq!(setting.source_kind(), "env");
        }
        let (s, spec) = fixture(
            "nessie.version.store.type=IN_MEMORY\n%prod.nessie.version.store.type=ROCKSDB\n",
            json!([]),
        );
        assert_eq!(
            read(&s, &spec)
                .get("nessie.version.store.type")
                .unwrap()
                .value(),
            Some("ROCKSDB")
        );
        // Mixed case is no spelling SmallRye reads.
        let (s, spec) = fixture(
            "",
            json!([{"name": "Nessie_Version_Store_Type", "value": "JDBC2"}]),
        );
        assert_eq!(read(&s, &spec).get("nessie.version.store.type"), None);
    }

    #[test]
    fn a_file_value_can_name_an_env_var() {
        let (s, spec) = fixture(
            "quarkus.datasource.postgresql.password=${DB_PASSWORD}\nquarkus.datasource.postgresql.username=${DB_USER:nessie}\n",
            json!([{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}}]),
        );
        let config = read(&s, &spec);
        let password = config
            .get("quarkus.datasource.postgresql.password")
            .unwrap();
        assert_eq!(password.describe(), "env DB_PASSWORD from Secret db key pw");
        // Unset: the reference itself is what is known.
        let user = config
            .get("quarkus.datasource.postgresql.username")
            .unwrap();
        assert_eq!(user.value(), Some("${DB_USER:nessie}"));
    }

    #[test]
    fn config_locations_and_unmounted_files() {
        let s = Snapshot {
            config_maps: Listing::available(vec![
                serde_json::from_value(json!({
                    "metadata": {"name": "extra", "namespace": "ns"},
                    "data": {"application.properties": "nessie.version.store.type=JDBC2\n"}
                }))
                .unwrap(),
            ]),
            ..Snapshot::default()
        };
        let spec: PodSpec = serde_json::from_value(json!({
            "containers": [{
                "name": "nessie",
                "env": [{"name": "QUARKUS_CONFIG_LOCATIONS", "value": "/etc/nessie"}],
                "volumeMounts": [{"name": "extra", "mountPath": "/etc/nessie"}]
            }],
            "volumes": [{"name": "extra", "configMap": {"name": "extra"}}]
        }))
        .unwrap();
        let config = read(&s, &spec);
        assert_eq!(
            config
                .get("nessie.version.store.type")
                .unwrap()
                .source_kind(),
            "ConfigMap extra (application.properties)"
        );
    }
}
