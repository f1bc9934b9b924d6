//! Nessie (the Iceberg catalog): readiness, where it keeps its commits and where
//! its database credentials come from, read the way its chart writes them
//! (`application.properties` in a ConfigMap plus `quarkus.datasource.*` env vars
//! from a Secret), the way hand-written manifests do (`NESSIE_*` / `QUARKUS_*`
//! env vars), or both together ([`quarkus`]).

mod quarkus;

use k8s_openapi::api::core::v1::{Container, PodSpec};

use crate::findings::{Component, Finding, Severity};
use crate::platform::workload;
use crate::snapshot::Snapshot;
use crate::status::report::{ComponentStatus, Detail, state_of};

use super::Section;
use super::env::EnvSource;
use super::pods;
use super::workloads::{self, Workload};
use quarkus::{Origin, QuarkusConfig, Setting};

/// Which version store Nessie uses (`IN_MEMORY` when nothing sets it).
const STORE: &str = "nessie.version.store.type";
/// The version stores Nessie has (`VersionStoreConfig.VersionStoreType`); any
/// other value stops Nessie at start-up, before it serves a request.
const STORE_TYPES: &[&str] = &[
    "IN_MEMORY",
    "ROCKSDB",
    "DYNAMODB",
    "DYNAMODB2",
    "MONGODB",
    "MONGODB2",
    "CASSANDRA",
    "CASSANDRA2",
    "JDBC",
    "JDBC2",
    "BIGTABLE",
];
/// Which Quarkus datasource the JDBC store uses (`default`: the unnamed one).
const DATASOURCE: &str = "nessie.version.store.persist.jdbc.datasource";
/// The tokens Nessie pods accept on each other's cache-invalidation endpoint.
/// Not a credential of the platform: a token only lets a caller make Nessie
/// drop cached objects it then re-reads from its store, and the Nessie chart
/// writes it into its ConfigMap by design (the SHA-1 of its `managementService`
/// values: "deterministic chart configuration, not a high-entropy secret", the
/// chart's README), so that every replica agrees on it.
const CACHE_INVALIDATION_TOKENS: &str =
    "nessie.version.store.persist.cache-invalidations.valid-tokens";

/// The Nessie container of a workload (the one named `nessie`, else the first)
/// and its pod spec.
fn nessie_container<'a>(w: &Workload<'a>) -> Option<(&'a PodSpec, &'a Container)> {
    let spec = w.template.spec.as_ref()?;
    let container = spec
        .containers
        .iter()
        .find(|c| c.name == "nessie")
        .or(spec.containers.first())?;
    Some((spec, container))
}

/// The datasource properties' prefix: `quarkus.datasource.` for the unnamed
/// datasource, else both spellings of the named one.
fn datasource_properties(datasource: &str, suffix: &str) -> Vec<String> {
    if datasource == "default" || datasource.is_empty() {
        vec![format!("quarkus.datasource.{suffix}")]
    } else {
        vec![
            format!("quarkus.datasource.{datasource}.{suffix}"),
            format!("quarkus.datasource.\"{datasource}\".{suffix}"),
        ]
    }
}

/// What one Nessie workload runs with.
struct NessieSettings<'a> {
    config: QuarkusConfig<'a>,
    store: Option<Setting<'a>>,
    datasource: Option<Setting<'a>>,
    url: Option<Setting<'a>>,
    password: Option<Setting<'a>>,
    /// Every place a password is written, the one in effect and those it hides.
    passwords: Vec<Setting<'a>>,
}

impl<'a> NessieSettings<'a> {
    fn read(
        snapshot: &'a Snapshot,
        w: &Workload<'a>,
        spec: &'a PodSpec,
        container: &'a Container,
    ) -> Self {
        let config = QuarkusConfig::read(snapshot, w.namespace(), spec, container);
        let store = config.get(STORE);
        let datasource = config.get(DATASOURCE);
        let name = datasource
            .as_ref()
            .and_then(|d| d.value())
            .unwrap_or("default")
            .trim()
            .to_string();
        let lookup = |suffix: &str| {
            let names = datasource_properties(&name, suffix);
            config.get_any(&names.iter().map(String::as_str).collect::<Vec<_>>())
        };
        let url = lookup("jdbc.url");
        let password = lookup("password");
        let passwords = datasource_properties(&name, "password")
            .iter()
            .flat_map(|p| config.everywhere(p))
            .collect();
        NessieSettings {
            config,
            store,
            datasource,
            url,
            password,
            passwords,
        }
    }

    /// The store type as Nessie's enum constant (upper case, `-` read as `_`,
    /// as SmallRye Config matches `in-memory` to `IN_MEMORY`); `None` when it
    /// is not known (set in a file that could not be read), `IN_MEMORY` when
    /// nothing sets it.
    fn store_type(&self) -> Option<String> {
        match &self.store {
            Some(s) => s
                .value()
                .map(|v| v.trim().to_ascii_uppercase().replace('-', "_")),
            None if self.config.unread_files.is_empty() => Some("IN_MEMORY".into()),
            None => None,
        }
    }

    /// Where the settings the report names came from: `env`, `ConfigMap x (application.properties)`.
    fn sources(&self) -> Vec<String> {
        let mut sources: Vec<String> = Vec::new();
        for setting in [&self.store, &self.datasource, &self.url, &self.password]
            .into_iter()
            .flatten()
        {
            let kind = setting.source_kind();
            if !sources.contains(&kind) {
                sources.push(kind);
            }
        }
        for path in &self.config.unread_files {
            sources.push(format!("{path} (not read)"));
        }
        sources
    }
}

pub(crate) fn analyse_nessie(snapshot: &Snapshot) -> Section {
    let nessie = workloads::named(snapshot, &["nessie"]);
    let mut findings = Vec::new();
    let mut details = Vec::new();
    let mut parts = Vec::new();
    for w in &nessie {
        parts.push(format!("{} {}", w.name(), w.readiness()));
        if w.ready < w.desired {
            findings.push(pods::not_ready(
                snapshot,
                w,
                "nessie.not-ready",
                Component::Nessie,
                format!(
                    "Nessie {} ready: Iceberg tables cannot be read or committed",
                    w.readiness()
                ),
            ));
        }
        let Some((spec, container)) = nessie_container(w) else {
            continue;
        };
        parts.push(format!(
            "nessie {}",
            workload::image_tag(container.image.as_deref().unwrap_or_default())
        ));
        let settings = NessieSettings::read(snapshot, w, spec, container);
        let store = settings.store_type();
        let store_label = store.clone().unwrap_or_else(|| "not known".into());
        parts.push(format!("store {store_label}"));
        details.push(Detail {
            label: "version store".into(),
            value: match &settings.store {
                Some(s) => format!("{store_label} ({})", s.describe()),
                None if store.is_some() => format!("{store_label} (the default)"),
                None => format!("{store_label} (set in a file that is not read)"),
            },
        });
        if store.as_deref() == Some("IN_MEMORY") {
            findings.push(in_memory(w, settings.store.as_ref()));
        }
        if let (Some(value), Some(setting)) = (&store, &settings.store)
            && !STORE_TYPES.contains(&value.as_str())
        {
            findings.push(unknown_store(w, setting));
        }
        if store.as_deref().is_some_and(|s| s.starts_with("JDBC")) {
            let credentials = credentials(snapshot, w, &settings, &mut findings);
            parts.push(format!("credentials from {credentials}"));
            details.push(Detail {
                label: "database credentials".into(),
                value: credentials,
            });
            if let Some(url) = settings.url.as_ref().and_then(|u| u.value()) {
                details.push(Detail {
                    label: "database".into(),
                    value: without_query(url).to_string(),
                });
            }
        }
        let sources = settings.sources();
        parts.push(if sources.is_empty() {
            "settings from the image's defaults".into()
        } else {
            format!("settings from {}", sources.join(" and "))
        });
    }
    findings.extend(super::network::findings(snapshot, Component::Nessie));
    let found = !nessie.is_empty();
    Section {
        status: ComponentStatus {
            component: Component::Nessie,
            state: state_of(
                Component::Nessie,
                found,
                &findings,
                &[&snapshot.deployments.availability],
            ),
            summary: if found {
                parts.join(", ")
            } else {
                "no workload labelled app.kubernetes.io/name=nessie".into()
            },
            details,
        },
        findings,
    }
}

/// The literals in the files Nessie reads that its own analysis judges, so
/// that `security.literal-secret` does not repeat or contradict it, as
/// `(namespace, ConfigMap, "key line N")`: a database password written there
/// (`nessie.password-in-configmap` when the JDBC store uses it) and the
/// cache-invalidation tokens (no secret: see [`CACHE_INVALIDATION_TOKENS`]).
pub(super) fn judged_literals(
    snapshot: &Snapshot,
) -> std::collections::BTreeSet<(String, String, String)> {
    let mut judged = std::collections::BTreeSet::new();
    for w in workloads::named(snapshot, &["nessie"]) {
        let Some((spec, container)) = nessie_container(&w) else {
            continue;
        };
        let settings = NessieSettings::read(snapshot, &w, spec, container);
        let jdbc = settings
            .store_type()
            .is_some_and(|store| store.starts_with("JDBC"));
        let passwords = settings
            .passwords
            .iter()
            .filter(|p| jdbc && exposed(&w, p).is_some());
        for setting in passwords.chain(&settings.config.everywhere(CACHE_INVALIDATION_TOKENS)) {
            if let Origin::File {
                config_map,
                key,
                line,
                ..
            } = &setting.origin
            {
                judged.insert((
                    w.namespace().to_string(),
                    config_map.to_string(),
                    format!("{key} line {line}"),
                ));
            }
        }
    }
    judged
}

/// `nessie.in-memory-store`, naming what set the store (or that nothing did).
fn in_memory(w: &Workload, store: Option<&Setting>) -> Finding {
    let why = match store {
        Some(s) => format!(
            "{STORE}={} in {}",
            s.value().unwrap_or("IN_MEMORY"),
            s.describe()
        ),
        None => format!("nothing sets {STORE}, and IN_MEMORY is the default"),
    };
    Finding::new(
        "nessie.in-memory-store",
        Severity::Warning,
        Component::Nessie,
        w.object(),
        format!("Nessie keeps its commits in memory ({why}): every restart loses the catalog"),
        "use the JDBC2 store on Postgres: the chart's versionStoreType: JDBC2 with jdbc.jdbcUrl and jdbc.secret (or env NESSIE_VERSION_STORE_TYPE=JDBC2 and a datasource)",
    )
}

/// `nessie.config-invalid-value`: a store type Nessie does not have.
fn unknown_store(w: &Workload, store: &Setting) -> Finding {
    Finding::new(
        "nessie.config-invalid-value",
        Severity::Critical,
        Component::Nessie,
        w.object(),
        format!(
            "{STORE}={} in {} is not a version store Nessie has ({}): Nessie fails at start-up and serves no catalog",
            store.value().unwrap_or_default(),
            store.describe(),
            STORE_TYPES.join(", ")
        ),
        "set the version store to JDBC2 (Postgres), or another of the listed types",
    )
}

/// Where the JDBC password comes from, in words; a password written into the
/// pod spec or a ConfigMap is a finding, also where another setting hides it.
fn credentials(
    snapshot: &Snapshot,
    w: &Workload,
    settings: &NessieSettings,
    findings: &mut Vec<Finding>,
) -> String {
    for written in &settings.passwords {
        if let Some(finding) = exposed(w, written) {
            if !findings
                .iter()
                .any(|f| f.code == finding.code && f.object == finding.object)
            {
                findings.push(finding);
            }
        }
    }
    let Some(password) = &settings.password else {
        return "none configured".into();
    };
    match &password.origin {
        Origin::Env(var) => match &var.source {
            EnvSource::Secret { secret, .. } => match snapshot.secret(w.namespace(), secret) {
                Some(s) => format!("Secret {secret} ({})", super::env::secret_origin(s)),
                None if snapshot.secrets.is_available() => format!("Secret {secret} (missing)"),
                None => format!("Secret {secret}"),
            },
            EnvSource::Literal(_) => "literal env value".into(),
            EnvSource::ConfigMap { config_map, .. } => format!("ConfigMap {config_map}"),
            EnvSource::Downward => "the pod's own fields".into(),
        },
        Origin::File { config_map, .. } => format!("ConfigMap {config_map}"),
    }
}

/// The finding for a password written where it should not be: a literal env
/// value, or a ConfigMap (through env or application.properties).
fn exposed(w: &Workload, written: &Setting) -> Option<Finding> {
    // `${NAME}` names another setting (followed by the lookup); empty is no password.
    if written
        .value()
        .is_some_and(|v| v.trim().is_empty() || v.trim().starts_with("${"))
    {
        return None;
    }
    match &written.origin {
        Origin::Env(var) => match &var.source {
            EnvSource::Literal(_) => Some(Finding::new(
                "nessie.password-in-env",
                Severity::Critical,
                Component::Nessie,
                w.object(),
                format!(
                    "the database password is written into the pod spec as a literal env value ({})",
                    var.name
                ),
                "move it to a Secret synced by an ExternalSecret and use secretKeyRef (the chart's jdbc.secret)",
            )),
            EnvSource::ConfigMap { .. } => Some(password_in_config_map(w, &written.describe())),
            EnvSource::Secret { .. } | EnvSource::Downward => None,
        },
        Origin::File { .. } => Some(password_in_config_map(w, &written.describe())),
    }
}

/// `nessie.password-in-configmap`; `place` names the ConfigMap and where in it.
fn password_in_config_map(w: &Workload, place: &str) -> Finding {
    Finding::new(
        "nessie.password-in-configmap",
        Severity::Critical,
        Component::Nessie,
        w.object(),
        format!(
            "the database password is written in {place}: anyone who may read ConfigMaps can read it"
        ),
        "move it to a Secret synced by an ExternalSecret and read it through env secretKeyRef (the chart's jdbc.secret)",
    )
}

/// A JDBC URL without its query string (which may carry a password).
fn without_query(url: &str) -> &str {
    url.split(['?', ';']).next().unwrap_or(url)
}

/// The JDBC URL Nessie's JDBC store connects to, whichever way it is set.
pub(crate) fn jdbc_url(snapshot: &Snapshot, w: &Workload) -> Option<String> {
    let (spec, container) = nessie_container(w)?;
    let settings = NessieSettings::read(snapshot, w, spec, container);
    settings.url?.value().map(str::to_string)
}

#[cfg(test)]
mod tests;
