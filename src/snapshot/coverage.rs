//! Which namespaces a report covers and why (pure). With `-A` the platform is
//! found from its components, not from every namespace of a shared cluster: a
//! namespace is covered when it holds Trino, Nessie, the Postgres Nessie uses,
//! SparkApplications or ObjectBucketClaims, or carries the label
//! `kubectl-dp.io/platform=true` (`=false` leaves it out whatever it holds).

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{Namespace, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use crate::platform::crds::{ObjectBucketClaim, SparkApplication};
use crate::platform::trino::{service_of_host, url_host};

/// The namespace label that puts a namespace in `status -A`'s report (`true`)
/// or keeps it out (`false`).
pub(crate) const PLATFORM_LABEL: &str = "kubectl-dp.io/platform";

/// Namespaces of operators and GitOps tools besides `kube-*`: they may hold a
/// platform object, but never get compliance findings unless named with `-n`.
pub(crate) const OPERATOR_NAMESPACES: [&str; 10] = [
    "argocd",
    "cert-manager",
    "external-secrets",
    "flux-system",
    "local-path-storage",
    "monitoring",
    "prometheus",
    "rook-ceph",
    "spark-operator",
    "trino-operator",
];

/// How the covered namespaces were chosen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Mode {
    /// One namespace, named with `-n` (or the context's).
    #[default]
    Namespace,
    /// `-A`: the namespaces that hold platform components or carry the label.
    Platform,
    /// `--namespace-selector`: the namespaces whose labels match.
    Selector,
}

/// One covered namespace and why it is covered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CoveredNamespace {
    /// The namespace.
    pub name: String,
    /// Why it is in the report (`trino`, `sparkapplications`, `label kubectl-dp.io/platform=true`).
    pub reasons: Vec<String>,
    /// A `kube-*` or operator namespace: no compliance findings (unless named with `-n`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub system: bool,
}

/// Whether an object the platform references in another namespace was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ReferenceState {
    /// It exists.
    Found,
    /// The API server says it does not exist.
    Absent,
    /// It could not be read, or more were referenced than are read one by one.
    NotChecked,
}

/// A Service the platform names in a namespace the report does not cover
/// (a catalog's S3 endpoint in `rook-ceph`), read by name so that the verdict
/// does not depend on `-n` or `-A`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reference {
    /// Always `Service` for now.
    pub kind: String,
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// Who names it (`ConfigMap data-platform/trino-catalog s3.endpoint`).
    pub referenced_by: String,
    /// Found, absent or not checked.
    pub state: ReferenceState,
    /// Why it was not checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The namespaces a status report covers, and the references it followed out of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Coverage {
    /// How the namespaces were chosen.
    pub mode: Mode,
    /// The covered namespaces, by name.
    pub namespaces: Vec<CoveredNamespace>,
    /// Namespaces of the cluster left out (`-A`: no platform component, no label).
    pub skipped: usize,
    /// Services named by the platform in namespaces it does not cover.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
}

impl Coverage {
    /// One namespace named with `-n`: covered whatever it holds, compliance included.
    pub fn named(namespace: &str) -> Coverage {
        Coverage {
            mode: Mode::Namespace,
            namespaces: vec![CoveredNamespace {
                name: namespace.to_string(),
                reasons: vec!["named with -n".into()],
                system: false,
            }],
            skipped: 0,
            references: Vec::new(),
        }
    }

    /// The covered namespaces' names.
    pub fn names(&self) -> Vec<String> {
        self.namespaces.iter().map(|n| n.name.clone()).collect()
    }

    /// Whether `namespace` is covered.
    pub(crate) fn includes(&self, namespace: &str) -> bool {
        self.namespaces.iter().any(|n| n.name == namespace)
    }

    /// Whether `namespace` is covered as a system namespace (no compliance findings).
    pub(crate) fn is_system(&self, namespace: &str) -> bool {
        self.mode != Mode::Namespace
            && self
                .namespaces
                .iter()
                .any(|n| n.name == namespace && n.system)
    }

    /// What the report knows of Service `namespace/name` outside the covered
    /// namespaces: `Some(true)` found, `Some(false)` absent, `None` not checked.
    pub(crate) fn referenced_service(&self, namespace: &str, name: &str) -> Option<bool> {
        let reference = self
            .references
            .iter()
            .find(|r| r.kind == "Service" && r.namespace == namespace && r.name == name)?;
        match reference.state {
            ReferenceState::Found => Some(true),
            ReferenceState::Absent => Some(false),
            ReferenceState::NotChecked => None,
        }
    }

    /// One line for the table header: which namespaces and why.
    pub fn describe(&self) -> String {
        let listed: Vec<String> = self
            .namespaces
            .iter()
            .map(|n| {
                let system = if n.system {
                    ", system: no compliance"
                } else {
                    ""
                };
                format!("{} ({}{system})", n.name, n.reasons.join(", "))
            })
            .collect();
        let covered = if listed.is_empty() {
            "none".to_string()
        } else {
            listed.join("; ")
        };
        match self.mode {
            Mode::Namespace => format!("Covered: {covered}"),
            Mode::Platform => format!(
                "Covered: {covered}; {} other namespace(s) hold no platform component",
                self.skipped
            ),
            Mode::Selector => format!(
                "Covered: {covered}; {} other namespace(s) do not match --namespace-selector",
                self.skipped
            ),
        }
    }
}

/// Whether a namespace belongs to the cluster or an operator (`kube-*`, the
/// operators' own, `operator_namespace`).
pub(crate) fn is_system_namespace(namespace: &str, operator_namespace: &str) -> bool {
    namespace.starts_with("kube-")
        || namespace == operator_namespace
        || OPERATOR_NAMESPACES.contains(&namespace)
}

/// What `-A` reads first to find the platform: the small kinds.
pub(crate) struct Discovery<'a> {
    /// Every namespace (for labels and the count of skipped ones); `None` when
    /// namespaces may not be listed (labels are then not known).
    pub namespaces: Option<&'a [Namespace]>,
    /// Every Deployment.
    pub deployments: &'a [Deployment],
    /// Every StatefulSet.
    pub stateful_sets: &'a [StatefulSet],
    /// Every ObjectBucketClaim.
    pub bucket_claims: &'a [ObjectBucketClaim],
    /// Every SparkApplication.
    pub spark_applications: &'a [SparkApplication],
    /// Where Rook's operator runs (a system namespace).
    pub operator_namespace: &'a str,
}

fn app_name(template: &PodTemplateSpec) -> Option<&str> {
    let labels = template.metadata.as_ref()?.labels.as_ref()?;
    labels
        .get("app.kubernetes.io/name")
        .or_else(|| labels.get("app"))
        .map(String::as_str)
}

/// The namespaces of the `postgresql://` hosts a Nessie pod template names (its JDBC URL).
fn jdbc_namespaces(namespace: &str, template: &PodTemplateSpec) -> Vec<String> {
    let containers = template.spec.iter().flat_map(|s| &s.containers);
    containers
        .flat_map(|c| c.env.iter().flatten())
        .filter_map(|e| e.value.as_deref())
        .filter_map(|v| v.trim().strip_prefix("jdbc:"))
        .filter(|v| v.starts_with("postgresql://"))
        .filter_map(url_host)
        .filter_map(|host| service_of_host(host, namespace).map(|(_, ns)| ns.to_string()))
        .collect()
}

/// The namespaces `-A` covers: those holding platform components or labelled
/// `kubectl-dp.io/platform=true`, each with its reasons, sorted by name.
pub(crate) fn discover(input: &Discovery) -> Coverage {
    let mut reasons = component_reasons(input);
    let mut total = reasons.len();
    if let Some(namespaces) = input.namespaces {
        total = namespaces.len();
        apply_platform_labels(&mut reasons, namespaces);
    }
    let namespaces: Vec<CoveredNamespace> = reasons
        .into_iter()
        .map(|(name, mut reasons)| {
            reasons.sort_by_key(|r| reason_rank(r));
            (name, reasons)
        })
        .map(|(name, reasons)| CoveredNamespace {
            system: is_system_namespace(&name, input.operator_namespace),
            name,
            reasons,
        })
        .collect();
    Coverage {
        mode: Mode::Platform,
        skipped: total.saturating_sub(namespaces.len()),
        namespaces,
        references: Vec::new(),
    }
}

/// Each namespace's reasons to be covered, by name.
type Reasons = BTreeMap<String, Vec<String>>;

/// Adds `reason` to the object's namespace once.
fn add_reason(reasons: &mut Reasons, meta: &ObjectMeta, reason: &str) {
    if let Some(ns) = &meta.namespace {
        let list = reasons.entry(ns.clone()).or_default();
        if !list.iter().any(|r| r == reason) {
            list.push(reason.to_string());
        }
    }
}

/// The namespaces that hold a platform component: Trino, Nessie, the
/// Postgres Nessie uses, SparkApplications, ObjectBucketClaims.
fn component_reasons(input: &Discovery) -> Reasons {
    let mut reasons = Reasons::new();
    let workloads = input
        .deployments
        .iter()
        .filter_map(|d| Some((&d.metadata, &d.spec.as_ref()?.template)))
        .chain(
            input
                .stateful_sets
                .iter()
                .filter_map(|s| Some((&s.metadata, &s.spec.as_ref()?.template))),
        );
    let mut postgres = Vec::new();
    let mut nessie_databases: Vec<String> = Vec::new();
    for (meta, template) in workloads {
        match app_name(template) {
            Some("trino") => add_reason(&mut reasons, meta, "trino"),
            Some("nessie") => {
                add_reason(&mut reasons, meta, "nessie");
                let ns = meta.namespace.as_deref().unwrap_or_default();
                nessie_databases.push(ns.to_string());
                nessie_databases.extend(jdbc_namespaces(ns, template));
            }
            Some("postgresql" | "postgres") => postgres.push(meta),
            _ => {}
        }
    }
    // A Postgres counts when Nessie uses it: beside Nessie or named by its JDBC URL.
    for meta in postgres {
        if meta
            .namespace
            .as_ref()
            .is_some_and(|ns| nessie_databases.contains(ns))
        {
            add_reason(&mut reasons, meta, "postgres for nessie");
        }
    }
    for app in input.spark_applications {
        add_reason(&mut reasons, &app.metadata, "sparkapplications");
    }
    for claim in input.bucket_claims {
        add_reason(&mut reasons, &claim.metadata, "objectbucketclaims");
    }
    reasons
}

/// `kubectl-dp.io/platform=true` adds a namespace, `=false` removes it; a
/// namespace that is gone (or terminating away) between the two reads is not reported.
fn apply_platform_labels(reasons: &mut Reasons, namespaces: &[Namespace]) {
    for ns in namespaces {
        let Some(name) = &ns.metadata.name else {
            continue;
        };
        let label = ns
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(PLATFORM_LABEL))
            .map(String::as_str);
        match label {
            Some("true") => reasons
                .entry(name.clone())
                .or_default()
                .push(format!("label {PLATFORM_LABEL}=true")),
            Some("false") => {
                reasons.remove(name);
            }
            _ => {}
        }
    }
    reasons.retain(|name, _| {
        namespaces
            .iter()
            .any(|n| n.metadata.name.as_ref() == Some(name))
    });
}

/// One order whatever the lists' order: components first, then the label.
fn reason_rank(reason: &str) -> usize {
    [
        "trino",
        "nessie",
        "postgres for nessie",
        "sparkapplications",
        "objectbucketclaims",
    ]
    .iter()
    .position(|r| *r == reason)
    .unwrap_or(usize::MAX)
}

/// `--namespace-selector`: the namespaces the API server matched, each covered.
pub fn selected(
    namespaces: &[Namespace],
    selector: &str,
    total: usize,
    operator_namespace: &str,
) -> Coverage {
    let covered: Vec<CoveredNamespace> = namespaces
        .iter()
        .filter_map(|n| n.metadata.name.clone())
        .map(|name| CoveredNamespace {
            system: is_system_namespace(&name, operator_namespace),
            name,
            reasons: vec![format!("matches --namespace-selector {selector}")],
        })
        .collect();
    Coverage {
        mode: Mode::Selector,
        skipped: total.saturating_sub(covered.len()),
        namespaces: covered,
        references: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(ns: &str, name: &str) -> ObjectMeta {
        ObjectMeta {
            namespace: Some(ns.into()),
            name: Some(name.into()),
            ..Default::default()
        }
    }

    fn deployment(ns: &str, name: &str, app: &str, env: &[(&str, &str)]) -> Deployment {
        serde_json::from_value(serde_json::json!({
            "metadata": {"namespace": ns, "name": name},
            "spec": {
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": {"app.kubernetes.io/name": app}},
                    "spec": {"containers": [{
                        "name": name,
                        "env": env.iter().map(|(k, v)| serde_json::json!({"name": k, "value": v})).collect::<Vec<_>>()
                    }]}
                }
            }
        }))
        .unwrap()
    }

    fn stateful_set(ns: &str, name: &str, app: &str) -> StatefulSet {
        serde_json::from_value(serde_json::json!({
            "metadata": {"namespace": ns, "name": name},
            "spec": {
                "selector": {"matchLabels": {"app": name}},
                "serviceName": name,
                "template": {"metadata": {"labels": {"app.kubernetes.io/name": app}}}
            }
        }))
        .unwrap()
    }

    fn namespace(name: &str, label: Option<&str>) -> Namespace {
        let mut ns = Namespace {
            metadata: ObjectMeta {
                name: Some(name.into()),
                ..Default::default()
            },
            ..Default::default()
        };
        if let Some(value) = label {
            ns.metadata.labels = Some([(PLATFORM_LABEL.to_string(), value.to_string())].into());
        }
        ns
    }

    fn names(coverage: &Coverage) -> Vec<(&str, Vec<&str>)> {
        coverage
            .namespaces
            .iter()
            .map(|n| {
                (
                    n.name.as_str(),
                    n.reasons.iter().map(String::as_str).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn the_platform_is_found_from_its_components_and_the_label() {
        let deployments = [
            deployment(
                "data-platform",
                "nessie",
                "nessie",
                &[(
                    "QUARKUS_DATASOURCE_POSTGRESQL_JDBC_URL",
                    "jdbc:postgresql://pg.catalog-db.svc:5432/nessie",
                )],
            ),
            deployment("data-platform", "trino-coordinator", "trino", &[]),
            // Ordinary applications: a web shop with its own Postgres.
            deployment("shop", "web", "web", &[]),
            deployment("kube-system", "coredns", "coredns", &[]),
        ];
        let stateful_sets = [
            stateful_set("catalog-db", "pg", "postgresql"),
            stateful_set("shop", "db", "postgresql"),
        ];
        let mut claim: ObjectBucketClaim = serde_json::from_value(serde_json::json!({
            "metadata": {"namespace": "team-a", "name": "raw"},
            "spec": {}
        }))
        .unwrap();
        claim.metadata = meta("team-a", "raw");
        let app: SparkApplication = serde_json::from_value(serde_json::json!({
            "metadata": {"namespace": "spark-operator", "name": "nightly"},
            "spec": {}
        }))
        .unwrap();
        let namespaces = [
            namespace("data-platform", None),
            namespace("catalog-db", None),
            namespace("team-a", None),
            namespace("spark-operator", None),
            namespace("shop", None),
            namespace("kube-system", None),
            namespace("reports", Some("true")),
            namespace("sandbox", None),
        ];
        let coverage = discover(&Discovery {
            namespaces: Some(&namespaces),
            deployments: &deployments,
            stateful_sets: &stateful_sets,
            bucket_claims: &[claim],
            spark_applications: &[app],
            operator_namespace: "rook-ceph",
        });
        assert_eq!(
            names(&coverage),
            [
                ("catalog-db", vec!["postgres for nessie"]),
                ("data-platform", vec!["trino", "nessie"]),
                ("reports", vec!["label kubectl-dp.io/platform=true"]),
                ("spark-operator", vec!["sparkapplications"]),
                ("team-a", vec!["objectbucketclaims"]),
            ]
        );
        assert_eq!(coverage.skipped, 3, "shop, kube-system and sandbox");
        assert!(coverage.is_system("spark-operator"));
        assert!(!coverage.is_system("data-platform"));
        assert!(!coverage.includes("shop"));
        let header = coverage.describe();
        assert!(header.contains("data-platform (trino, nessie)"), "{header}");
        assert!(header.contains("3 other namespace(s)"), "{header}");
    }

    #[test]
    fn the_label_false_opts_a_namespace_out() {
        let deployments = [deployment("trino-sandbox", "trino", "trino", &[])];
        let namespaces = [namespace("trino-sandbox", Some("false"))];
        let coverage = discover(&Discovery {
            namespaces: Some(&namespaces),
            deployments: &deployments,
            stateful_sets: &[],
            bucket_claims: &[],
            spark_applications: &[],
            operator_namespace: "rook-ceph",
        });
        assert!(coverage.namespaces.is_empty());
        assert_eq!(coverage.skipped, 1);
    }

    #[test]
    fn references_answer_found_absent_or_unknown() {
        let mut coverage = Coverage::named("data-platform");
        for (name, state) in [
            ("rgw", ReferenceState::Found),
            ("gone", ReferenceState::Absent),
            ("hidden", ReferenceState::NotChecked),
        ] {
            coverage.references.push(Reference {
                kind: "Service".into(),
                namespace: "rook-ceph".into(),
                name: name.into(),
                referenced_by: "ConfigMap data-platform/trino-catalog s3.endpoint".into(),
                state,
                reason: None,
            });
        }
        assert_eq!(coverage.referenced_service("rook-ceph", "rgw"), Some(true));
        assert_eq!(
            coverage.referenced_service("rook-ceph", "gone"),
            Some(false)
        );
        assert_eq!(coverage.referenced_service("rook-ceph", "hidden"), None);
        assert_eq!(coverage.referenced_service("rook-ceph", "other"), None);
        // -n never makes a namespace a system one.
        assert!(!Coverage::named("kube-system").is_system("kube-system"));
    }
}
