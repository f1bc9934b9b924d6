//! Who manages an object: a GitOps tool, an operator, or a person with kubectl.

use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// Labels and annotations Flux and Argo CD put on what they apply.
const GITOPS_LABELS: &[&str] = &[
    "kustomize.toolkit.fluxcd.io/name",
    "helm.toolkit.fluxcd.io/name",
    "argocd.argoproj.io/instance",
    "app.kubernetes.io/instance-argocd",
];
const GITOPS_ANNOTATIONS: &[&str] = &[
    "argocd.argoproj.io/tracking-id",
    "kustomize.toolkit.fluxcd.io/checksum",
];

/// The GitOps tool that manages this object, if any.
pub(crate) fn gitops_manager(meta: &ObjectMeta) -> Option<&'static str> {
    let has_label = |key: &str| meta.labels.as_ref().is_some_and(|l| l.contains_key(key));
    let has_annotation = |key: &str| {
        meta.annotations
            .as_ref()
            .is_some_and(|a| a.contains_key(key))
    };
    if has_label("kustomize.toolkit.fluxcd.io/name") || has_label("helm.toolkit.fluxcd.io/name") {
        Some("Flux")
    } else if GITOPS_LABELS.iter().any(|k| has_label(k))
        || GITOPS_ANNOTATIONS.iter().any(|k| has_annotation(k))
    {
        Some("Argo CD")
    } else {
        None
    }
}

/// Whether anything owns the object (ownerReferences).
pub(crate) fn is_owned(meta: &ObjectMeta) -> bool {
    meta.owner_references
        .as_ref()
        .is_some_and(|o| !o.is_empty())
}

/// The kinds of its owners.
pub(crate) fn owner_kinds(meta: &ObjectMeta) -> Vec<&str> {
    meta.owner_references
        .iter()
        .flatten()
        .map(|o| o.kind.as_str())
        .collect()
}

/// Where a Secret comes from, as far as its metadata tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SecretSource {
    /// External Secrets wrote it.
    ExternalSecrets,
    /// A bucket provisioner (Rook) wrote it.
    BucketProvisioner,
    /// A service account token.
    ServiceAccount,
    /// Helm release state, cert-manager certificates and other tool-written Secrets.
    Tooling,
    /// Nothing says who wrote it: a person did, with kubectl or a file in Git.
    HandWritten,
}

impl SecretSource {
    /// Where it comes from, in words.
    pub fn describe(self) -> &'static str {
        match self {
            SecretSource::ExternalSecrets => "External Secrets",
            SecretSource::BucketProvisioner => "the bucket provisioner",
            SecretSource::ServiceAccount => "a service account token",
            SecretSource::Tooling => "a tool (Helm, cert-manager)",
            SecretSource::HandWritten => "hand-written",
        }
    }
}

/// Where a Secret comes from, from its metadata.
pub(crate) fn secret_source(secret: &Secret) -> SecretSource {
    let meta = &secret.metadata;
    let label = |key: &str| {
        meta.labels
            .as_ref()
            .and_then(|l| l.get(key))
            .map(String::as_str)
    };
    let owners = owner_kinds(meta);
    let type_ = secret.type_.as_deref().unwrap_or("Opaque");
    if label("reconcile.external-secrets.io/managed") == Some("true")
        || owners.contains(&"ExternalSecret")
    {
        SecretSource::ExternalSecrets
    } else if owners.contains(&"ObjectBucketClaim") || label("bucket-provisioner").is_some() {
        SecretSource::BucketProvisioner
    } else if type_ == "kubernetes.io/service-account-token" {
        SecretSource::ServiceAccount
    } else if type_.starts_with("helm.sh/")
        || meta
            .annotations
            .as_ref()
            .is_some_and(|a| a.contains_key("cert-manager.io/certificate-name"))
        || !owners.is_empty()
    {
        SecretSource::Tooling
    } else {
        SecretSource::HandWritten
    }
}

/// Key names that hold credentials, by the words such keys use.
pub(crate) fn credential_keys(secret: &Secret) -> Vec<String> {
    const WORDS: &[&str] = &[
        "password",
        "passwd",
        "secret",
        "token",
        "key",
        "credential",
        "pass",
    ];
    let keys = secret
        .data
        .iter()
        .flat_map(|d| d.keys())
        .chain(secret.string_data.iter().flat_map(|d| d.keys()));
    let mut found: Vec<String> = keys
        .filter(|k| {
            let lower = k.to_lowercase();
            WORDS.iter().any(|w| lower.contains(w))
        })
        .cloned()
        .collect();
    if found.is_empty()
        && matches!(
            secret.type_.as_deref(),
            Some("kubernetes.io/basic-auth" | "kubernetes.io/ssh-auth")
        )
    {
        found.push("(type ".to_string() + secret.type_.as_deref().unwrap_or_default() + ")");
    }
    found.sort();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn secret(labels: &[(&str, &str)], keys: &[&str]) -> Secret {
        let mut s = Secret::default();
        s.metadata.name = Some("s".into());
        s.metadata.labels = Some(
            labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        s.data = Some(
            keys.iter()
                .map(|k| (k.to_string(), k8s_openapi::ByteString(b"x".to_vec())))
                .collect::<BTreeMap<_, _>>(),
        );
        s
    }

    #[test]
    fn sources() {
        assert_eq!(
            secret_source(&secret(
                &[("reconcile.external-secrets.io/managed", "true")],
                &[]
            )),
            SecretSource::ExternalSecrets
        );
        assert_eq!(
            secret_source(&secret(&[], &["password"])),
            SecretSource::HandWritten
        );
        let mut helm = secret(&[], &[]);
        helm.type_ = Some("helm.sh/release.v1".into());
        assert_eq!(secret_source(&helm), SecretSource::Tooling);
    }

    #[test]
    fn credential_key_names() {
        assert_eq!(
            credential_keys(&secret(&[], &["password", "username"])),
            ["password"]
        );
        assert_eq!(
            credential_keys(&secret(&[], &["AWS_SECRET_ACCESS_KEY", "BUCKET"])),
            ["AWS_SECRET_ACCESS_KEY"]
        );
        assert!(credential_keys(&secret(&[], &["ca.crt"])).is_empty());
    }

    #[test]
    fn gitops() {
        let mut meta = ObjectMeta::default();
        assert_eq!(gitops_manager(&meta), None);
        meta.labels = Some(
            [(
                "kustomize.toolkit.fluxcd.io/name".to_string(),
                "dp".to_string(),
            )]
            .into(),
        );
        assert_eq!(gitops_manager(&meta), Some("Flux"));
        meta.labels = None;
        meta.annotations = Some(
            [(
                "argocd.argoproj.io/tracking-id".to_string(),
                "x".to_string(),
            )]
            .into(),
        );
        assert_eq!(gitops_manager(&meta), Some("Argo CD"));
    }
}
