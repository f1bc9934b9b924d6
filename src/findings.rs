//! Findings: what every check reports, with a stable code, a severity, the
//! object it is about, a message and a fix hint. The codes are documented in
//! `docs/findings.md`; they never change meaning once released.

use clap::ValueEnum;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Ok,
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Ok => "ok",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// The part of the platform a finding belongs to; also the report's sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Component {
    Trino,
    Nessie,
    Postgres,
    Spark,
    Buckets,
    Secrets,
    Compliance,
}

impl Component {
    pub const ALL: [Component; 7] = [
        Component::Trino,
        Component::Nessie,
        Component::Postgres,
        Component::Spark,
        Component::Buckets,
        Component::Secrets,
        Component::Compliance,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Component::Trino => "Trino",
            Component::Nessie => "Nessie",
            Component::Postgres => "Postgres",
            Component::Spark => "Spark",
            Component::Buckets => "Buckets",
            Component::Secrets => "Secrets",
            Component::Compliance => "GitOps & security",
        }
    }
}

/// The Kubernetes object a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjectRef {
    pub fn new(kind: &str, namespace: Option<&str>, name: &str) -> Self {
        ObjectRef {
            kind: kind.to_string(),
            namespace: namespace.map(str::to_string),
            name: name.to_string(),
        }
    }

    pub fn namespaced(kind: &str, namespace: &str, name: &str) -> Self {
        Self::new(kind, Some(namespace), name)
    }

    pub fn from_meta(
        kind: &str,
        meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    ) -> Self {
        Self::new(
            kind,
            meta.namespace.as_deref(),
            meta.name.as_deref().unwrap_or(""),
        )
    }
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{}/{} -n {ns}", self.kind, self.name),
            None => write!(f, "{}/{}", self.kind, self.name),
        }
    }
}

/// One step of a dependency chain, root cause first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainLink {
    pub object: ObjectRef,
    pub problem: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub component: Component,
    pub object: ObjectRef,
    pub message: String,
    pub hint: String,
    /// When the finding is the end of a chain of failures: root cause first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<ChainLink>,
    /// Why the pods are not ready, as a stable `pod.*` code (see
    /// docs/findings.md, "Pod-level causes"); the message and chain say the rest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<&'static str>,
}

impl Finding {
    pub fn new(
        code: &'static str,
        severity: Severity,
        component: Component,
        object: ObjectRef,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Finding {
            code,
            severity,
            component,
            object,
            message: message.into(),
            hint: hint.into(),
            chain: Vec::new(),
            cause: None,
        }
    }
}

/// Problems first, then by component and object, so output is stable.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.component.cmp(&b.component))
            .then(a.code.cmp(b.code))
            .then(a.object.cmp(&b.object))
    });
}
