//! Findings: what every check reports, with a stable code, a severity, the
//! object it is about, a message and a fix hint. The codes are documented in
//! `docs/findings.md`; they never change meaning once released.

use clap::ValueEnum;
use serde::Serialize;

/// How serious a finding is; `--fail-on` compares against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Checked and fine (never fails a command).
    Ok,
    /// Worth knowing; fails only with `--fail-on info`.
    Info,
    /// Degraded or risky: fix soon.
    Warning,
    /// Broken now, or will break: fix first.
    Critical,
}

impl Severity {
    /// The lower-case name used in JSON and `--fail-on`.
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
    /// Trino coordinator, workers and their configuration.
    Trino,
    /// The Nessie catalog.
    Nessie,
    /// Postgres (Nessie's version store).
    Postgres,
    /// Spark applications (Spark operator).
    Spark,
    /// Rook-Ceph ObjectBucketClaims.
    Buckets,
    /// Secrets and External Secrets.
    Secrets,
    /// GitOps ownership and security policies.
    Compliance,
}

impl Component {
    /// The section a workload's finding belongs to, from its app name
    /// (`app.kubernetes.io/name` or `app`); `otherwise` for anything else.
    pub(crate) fn of_app(app: Option<&str>, otherwise: Component) -> Component {
        match app.unwrap_or_default() {
            "trino" => Component::Trino,
            n if n.contains("nessie") => Component::Nessie,
            n if n.contains("postgres") => Component::Postgres,
            n if n.contains("spark") => Component::Spark,
            _ => otherwise,
        }
    }

    /// Every component, in report order.
    pub const ALL: [Component; 7] = [
        Component::Trino,
        Component::Nessie,
        Component::Postgres,
        Component::Spark,
        Component::Buckets,
        Component::Secrets,
        Component::Compliance,
    ];

    /// The component's heading in tables.
    pub(crate) fn title(self) -> &'static str {
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
    /// The object's kind (`Deployment`).
    pub kind: String,
    /// Its namespace; absent for cluster-scoped objects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Its name.
    pub name: String,
}

impl ObjectRef {
    /// An object reference from its parts.
    pub fn new(kind: &str, namespace: Option<&str>, name: &str) -> Self {
        ObjectRef {
            kind: kind.to_string(),
            namespace: namespace.map(str::to_string),
            name: name.to_string(),
        }
    }

    /// A reference to a namespaced object.
    pub(crate) fn namespaced(kind: &str, namespace: &str, name: &str) -> Self {
        Self::new(kind, Some(namespace), name)
    }

    /// A reference to an object from its metadata.
    pub(crate) fn from_meta(
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
    /// The object at this step.
    pub object: ObjectRef,
    /// What is wrong with it.
    pub problem: String,
}

/// One problem (or fact) about one object, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// The stable code, documented in docs/findings.md.
    pub code: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// The part of the platform it belongs to.
    pub component: Component,
    /// The object it is about.
    pub object: ObjectRef,
    /// What is wrong, with the numbers.
    pub message: String,
    /// What to do about it.
    pub hint: String,
    /// When the finding is the end of a chain of failures: root cause first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<ChainLink>,
    /// Why the pods are not ready, as a stable `pod.*` code (see
    /// docs/findings.md, "Pod-level causes"); the message and chain say the rest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<&'static str>,
    /// For a crash loop or an OOM kill: the container whose previous run would
    /// say why, and that run's last lines when the API server had them.
    #[serde(skip_serializing_if = "PreviousRun::is_unread")]
    pub previous_run: Option<PreviousRun>,
    /// The field (or the line of a file a field holds) the finding is about,
    /// when it is about one: what `status -f/-k` turns into a file and line.
    #[serde(skip)]
    pub field: Option<FieldRef>,
    /// Where the object (or its field) is in the manifests, when judged from
    /// files (`status -f/-k`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceLocation>,
}

/// A field of an object, or a line of a file one field holds (`data.jvm.config`
/// line 3): where a finding points inside the object.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldRef {
    /// The object holding the field, when it is not the finding's own (the
    /// ConfigMap whose jvm.config sets a Deployment's heap).
    pub object: Option<ObjectRef>,
    /// Keys from the object's root (`["data", "jvm.config"]`); a sequence item
    /// is its index, or `name=NAME` for the item whose `name` is NAME.
    pub path: Vec<String>,
    /// For a field holding a file: the line of that file (1-based).
    pub line: Option<usize>,
}

impl FieldRef {
    /// The field at `path` of the finding's own object.
    pub fn at(path: &[&str]) -> FieldRef {
        FieldRef {
            object: None,
            path: path.iter().map(|p| p.to_string()).collect(),
            line: None,
        }
    }

    /// Line `line` of the file held in key `key` of ConfigMap `object`.
    pub(crate) fn config_map_line(object: &ObjectRef, key: &str, line: usize) -> FieldRef {
        FieldRef {
            object: Some(object.clone()),
            path: vec!["data".into(), key.into()],
            line: Some(line),
        }
    }
}

/// Where a finding is in the files it was judged from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceLocation {
    /// The file, as given on the command line (or `<stdin>`).
    pub file: String,
    /// The line (1-based).
    pub line: usize,
    /// The column (1-based, in characters).
    pub column: usize,
    /// The field it points at (`data.jvm.config`, line 3 of it), when not the object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl std::fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// The last lines a crashed container wrote before it ended (`kubectl logs
/// --previous`), credentials masked; shown under its finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreviousRun {
    /// The pod.
    pub pod: String,
    /// The container.
    pub container: String,
    /// Whether it is the run before the current one (`kubectl logs --previous`).
    pub previous: bool,
    /// Its last lines, oldest first (at most `status --log-lines`, each cut at
    /// 300 characters); empty when they could not be read.
    pub lines: Vec<String>,
}

impl PreviousRun {
    /// Whether there is nothing to show (no crash, or the log was not read).
    pub(crate) fn is_unread(run: &Option<PreviousRun>) -> bool {
        run.as_ref().is_none_or(|r| r.lines.is_empty())
    }
}

impl Finding {
    /// An object left out of its list because it could not be decoded: named, so
    /// that one tenant's broken object never silently shrinks the report.
    pub fn undecodable(object: &crate::kube::Undecodable) -> Finding {
        let (kind, component) = match object.resource.as_str() {
            "sparkapplications" => ("SparkApplication", Component::Spark),
            "objectbucketclaims" => ("ObjectBucketClaim", Component::Buckets),
            "externalsecrets" => ("ExternalSecret", Component::Secrets),
            "secretstores" => ("SecretStore", Component::Secrets),
            "clustersecretstores" => ("ClusterSecretStore", Component::Secrets),
            "secrets" => ("Secret", Component::Secrets),
            "configmaps" => ("ConfigMap", Component::Trino),
            "pods" => ("Pod", Component::Trino),
            "deployments" => ("Deployment", Component::Trino),
            "statefulsets" => ("StatefulSet", Component::Trino),
            other => (other, Component::Compliance),
        };
        Finding::new(
            "cluster.undecodable-object",
            Severity::Warning,
            component,
            ObjectRef::new(kind, object.namespace.as_deref(), &object.name),
            format!(
                "{} could not be read and is left out of this report: {}",
                object.describe(),
                object.reason
            ),
            format!(
                "fix or delete the object (`kubectl get {} {}{} -o yaml` shows it)",
                object.resource,
                object.name,
                object
                    .namespace
                    .as_ref()
                    .map(|ns| format!(" -n {ns}"))
                    .unwrap_or_default()
            ),
        )
    }

    /// A finding without a chain.
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
            previous_run: None,
            field: None,
            source: None,
        }
    }

    /// The finding, pointing at `field` (see [`FieldRef`]).
    pub(crate) fn with_field(mut self, field: FieldRef) -> Self {
        self.field = Some(field);
        self
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
