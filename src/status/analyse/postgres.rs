//! Postgres (the database behind Nessie's catalog): readiness, and the database,
//! user and passwords it starts with, read as the official image and Bitnami's
//! chart write them. Bitnami's scripts take `POSTGRESQL_*` names and the official
//! `POSTGRES_*` ones as aliases; its chart passes passwords as files
//! (`POSTGRES_PASSWORD_FILE=/opt/bitnami/postgresql/secrets/<key>`, the Secret
//! named by `auth.existingSecret` mounted there, keys from `auth.secretKeys.*`)
//! or, with `auth.usePasswordFiles=false`, as `secretKeyRef` env vars.

use k8s_openapi::api::core::v1::{Container, PodSpec};

use crate::findings::{Component, Finding, Severity};
use crate::platform::workload;
use crate::snapshot::Snapshot;
use crate::status::report::{ComponentStatus, Detail, state_of};

use super::Section;
use super::env::{self, EnvSource, EnvVar, FileKind};
use super::pods;
use super::workloads::{self, Workload};

/// The spellings of one setting, Bitnami's first.
const DATABASE: &[&str] = &["POSTGRESQL_DATABASE", "POSTGRES_DATABASE", "POSTGRES_DB"];
const USER: &[&str] = &["POSTGRESQL_USERNAME", "POSTGRES_USERNAME", "POSTGRES_USER"];
/// The passwords a container starts with: the user's (the `postgres` user's
/// when no other user is named) and the `postgres` admin's (Bitnami).
const PASSWORDS: &[(&str, &[&str])] = &[
    ("password", &["POSTGRESQL_PASSWORD", "POSTGRES_PASSWORD"]),
    (
        "postgres password",
        &["POSTGRESQL_POSTGRES_PASSWORD", "POSTGRES_POSTGRES_PASSWORD"],
    ),
];

/// The Postgres container of a workload: the one named `postgresql`/`postgres`, else the first.
fn postgres_container<'a>(w: &Workload<'a>) -> Option<(&'a PodSpec, &'a Container)> {
    let spec = w.template.spec.as_ref()?;
    let container = spec
        .containers
        .iter()
        .find(|c| c.name == "postgresql" || c.name == "postgres")
        .or(spec.containers.first())?;
    Some((spec, container))
}

/// The first of `names` that the environment sets.
fn first<'e, 'a>(env: &'e [EnvVar<'a>], names: &[&str]) -> Option<&'e EnvVar<'a>> {
    names
        .iter()
        .find_map(|name| env.iter().find(|v| v.name == *name))
}

/// Where one password comes from.
enum PasswordSource<'a> {
    /// A Secret key, through env or a mounted file.
    Secret { secret: &'a str, file: bool },
    /// Somewhere it should not be (a finding was made).
    Exposed(String),
    /// A file no volume provides (a finding was made).
    MissingFile,
}

pub(crate) fn analyse_postgres(snapshot: &Snapshot) -> Section {
    let postgres = workloads::named(snapshot, &["postgresql", "postgres"]);
    let mut findings = Vec::new();
    let mut parts = Vec::new();
    let mut details = Vec::new();
    for w in &postgres {
        parts.push(format!("{} {}", w.name(), w.readiness()));
        if w.ready < w.desired {
            findings.push(pods::not_ready(
                snapshot,
                w,
                "postgres.not-ready",
                Component::Postgres,
                format!(
                    "Postgres {} ready: Nessie cannot read or write the catalog",
                    w.readiness()
                ),
            ));
        }
        parts.extend(settings(snapshot, w, &mut findings, &mut details));
    }
    let found = !postgres.is_empty();
    Section {
        status: ComponentStatus {
            component: Component::Postgres,
            state: state_of(
                Component::Postgres,
                found,
                &findings,
                &[&snapshot.stateful_sets.availability],
            ),
            summary: if found {
                parts.join(", ")
            } else {
                "no workload labelled app.kubernetes.io/name=postgresql".into()
            },
            details,
        },
        findings,
    }
}

/// The summary parts of one Postgres: version, database, user, where the
/// passwords come from and where the settings are written.
fn settings(
    snapshot: &Snapshot,
    w: &Workload,
    findings: &mut Vec<Finding>,
    details: &mut Vec<Detail>,
) -> Vec<String> {
    let mut parts = Vec::new();
    let Some((spec, container)) = postgres_container(w) else {
        return parts;
    };
    let image = container.image.as_deref().unwrap_or_default();
    parts.push(format!("postgres {}", workload::image_tag(image)));
    let env = env::environment(snapshot, w.namespace(), container);
    let literal = |names: &[&str]| match first(&env, names).map(|v| &v.source) {
        Some(EnvSource::Literal(v)) if !v.is_empty() => Some(v.to_string()),
        Some(EnvSource::ConfigMap { value: Some(v), .. }) => Some(v.to_string()),
        _ => None,
    };
    if let Some(database) = literal(DATABASE) {
        parts.push(format!("database {database}"));
    }
    // The user the image creates: named, read from a Secret, or `postgres`.
    let mut user_secret = None;
    match (literal(USER), first(&env, USER).map(|v| &v.source)) {
        (Some(user), _) => parts.push(format!("user {user}")),
        (None, Some(EnvSource::Secret { secret, .. })) => user_secret = Some(*secret),
        (None, None) => parts.push("user postgres".into()),
        (None, Some(_)) => {}
    }
    let mut reader = Reader {
        snapshot,
        w,
        spec,
        container,
        env: &env,
        findings,
    };
    let sources = reader.passwords();
    details.extend(sources.iter().map(|(what, from)| Detail {
        label: (*what).into(),
        value: from.clone(),
    }));
    let credentials = credentials_summary(&sources);
    parts.push(match user_secret {
        // The user's name from the Secret that holds the passwords: said once.
        Some(secret) if credentials.starts_with(&format!("credentials from Secret {secret} ")) => {
            credentials.replacen("credentials from", "user and credentials from", 1)
        }
        Some(secret) => format!("user from Secret {secret}, {credentials}"),
        None => credentials,
    });
    parts.push(if image.contains("bitnami/") {
        "settings from env (Bitnami image)".into()
    } else {
        "settings from env".into()
    });
    parts
}

/// `credentials from X` when every password comes from the same place, else
/// each password with its place; `no password set` when none is.
fn credentials_summary(sources: &[(&str, String)]) -> String {
    match sources {
        [] => "no password set".into(),
        [(_, first), rest @ ..] if rest.iter().all(|(_, s)| s == first) => {
            format!("credentials from {first}")
        }
        _ => sources
            .iter()
            .map(|(what, from)| format!("{what} from {from}"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Where the password set by one of `names` (or `<name>_FILE`) comes from;
/// findings for a password in the pod spec or a ConfigMap, and for a file
/// that is not there.
struct Reader<'s, 'a> {
    snapshot: &'s Snapshot,
    w: &'s Workload<'a>,
    spec: &'a PodSpec,
    container: &'a Container,
    env: &'s [EnvVar<'a>],
    findings: &'s mut Vec<Finding>,
}

impl<'a> Reader<'_, 'a> {
    /// (what, where from) of each password the container starts with.
    fn passwords(&mut self) -> Vec<(&'static str, String)> {
        let mut sources = Vec::new();
        for (what, names) in PASSWORDS {
            let described = match self.password(what, names) {
                None => continue,
                Some(PasswordSource::Secret { secret, file }) => {
                    let origin = match self.snapshot.secret(self.w.namespace(), secret) {
                        Some(s) => super::env::secret_origin(s),
                        None if self.snapshot.secrets.is_available() => "missing",
                        None => "not read",
                    };
                    let how = if file { ", mounted as files" } else { "" };
                    format!("Secret {secret} ({origin}{how})")
                }
                Some(PasswordSource::Exposed(place)) => place,
                Some(PasswordSource::MissingFile) => "a missing file".into(),
            };
            sources.push((*what, described));
        }
        sources
    }

    fn password(&mut self, what: &str, names: &[&str]) -> Option<PasswordSource<'a>> {
        // The image reads NAME_FILE only when NAME is not set.
        if let Some(var) = first(self.env, names) {
            return Some(match &var.source {
                EnvSource::Secret { secret, .. } => PasswordSource::Secret {
                    secret,
                    file: false,
                },
                EnvSource::Literal(_) | EnvSource::Downward => {
                    self.exposed(what, format!("env {}", var.name), None)
                }
                EnvSource::ConfigMap {
                    config_map, key, ..
                } => self.exposed(
                    what,
                    format!("env {} from ConfigMap {config_map} key {key}", var.name),
                    Some(config_map),
                ),
            });
        }
        let file_names: Vec<String> = names.iter().map(|n| format!("{n}_FILE")).collect();
        let file_names: Vec<&str> = file_names.iter().map(String::as_str).collect();
        let var = first(self.env, &file_names)?;
        let EnvSource::Literal(path) = var.source else {
            return None;
        };
        let name = var.name.clone();
        let file = env::mounted_file(
            self.snapshot,
            self.w.namespace(),
            self.spec,
            self.container,
            path,
        );
        match file {
            Some(file) if file.kind == FileKind::Secret => Some(PasswordSource::Secret {
                secret: file.name,
                file: true,
            }),
            Some(file) => Some(self.exposed(
                what,
                format!("{name}={path}, key {} of ConfigMap {}", file.key, file.name),
                Some(file.name),
            )),
            None => {
                let finding = missing_file(self.snapshot, self.w, self.container, &name, path);
                self.findings.push(finding);
                Some(PasswordSource::MissingFile)
            }
        }
    }

    /// `postgres.password-in-env` / `postgres.password-in-configmap`.
    fn exposed(
        &mut self,
        what: &str,
        place: String,
        config_map: Option<&str>,
    ) -> PasswordSource<'a> {
        let (code, message, described) = match config_map {
            None => (
                "postgres.password-in-env",
                format!("the {what} is written into the pod spec as a literal ({place})"),
                "literal env value".to_string(),
            ),
            Some(cm) => (
                "postgres.password-in-configmap",
                format!(
                    "the {what} is written in ConfigMap {cm} ({place}): anyone who may read ConfigMaps can read it"
                ),
                format!("ConfigMap {cm}"),
            ),
        };
        self.findings.push(Finding::new(
            code,
            Severity::Critical,
            Component::Postgres,
            self.w.object(),
            message,
            "keep it in a Secret synced by an ExternalSecret (the chart's auth.existingSecret and auth.secretKeys.*)",
        ));
        PasswordSource::Exposed(described)
    }
}

/// `postgres.password-file-missing`: `*_FILE` names a file no volume provides,
/// so the image finds no password and the container exits at start.
fn missing_file(
    snapshot: &Snapshot,
    w: &Workload,
    container: &Container,
    var: &str,
    path: &str,
) -> Finding {
    let (file, dir) = path.rsplit_once('/').map_or((path, ""), |(d, f)| (f, d));
    let secret = env::deepest_mount(container, path).and_then(|m| {
        let volume = w
            .template
            .spec
            .as_ref()?
            .volumes
            .iter()
            .flatten()
            .find(|v| v.name == m.name)?;
        volume.secret.as_ref()?.secret_name.as_deref()
    });
    let (why, hint) = match secret
        .and_then(|name| Some((name, snapshot.secret(w.namespace(), name)?)))
    {
        Some((name, s)) => {
            let mut keys: Vec<&str> = s
                .data
                .iter()
                .flat_map(|d| d.keys())
                .chain(s.string_data.iter().flat_map(|d| d.keys()))
                .map(String::as_str)
                .collect();
            keys.sort_unstable();
            keys.dedup();
            (
                format!(
                    "Secret {name} mounted at {dir} has no key {file} (it has {})",
                    if keys.is_empty() {
                        "none".to_string()
                    } else {
                        keys.join(", ")
                    }
                ),
                format!(
                    "add key {file} to Secret {name}, or name one of its keys in the chart's auth.secretKeys.* (userPasswordKey, adminPasswordKey)"
                ),
            )
        }
        None => (
            format!("no volume of the pod provides {path}"),
            "mount the Secret holding the password there (the chart's auth.existingSecret)".into(),
        ),
    };
    Finding::new(
        "postgres.password-file-missing",
        Severity::Critical,
        Component::Postgres,
        w.object(),
        format!("{var}={path}, but {why}: Postgres finds no password and exits at start"),
        hint,
    )
}

#[cfg(test)]
mod tests;
