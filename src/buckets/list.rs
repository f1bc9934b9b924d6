//! `kubectl dp buckets list`: every claim in the scope joined with its ConfigMap
//! and Secret, checked, and shown as a table or the `BucketList` envelope.

use std::io::Write;

use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::api::ListParams;
use serde::Serialize;

use crate::cli::watch::Watch;
use crate::error::{Exit, Result};
use crate::findings::Finding;
use crate::kube::{Cluster, Listing, Scope, resources};
use crate::platform::bucket::{self, ClaimContext, check_claim};
use crate::platform::crds::ObjectBucketClaim;
use crate::render::{Metadata, Output};

use super::analyse::{self, ClaimRow};
use super::{ListArgs, age_of, selector_params};

/// The `kind` of `kubectl dp buckets list -o json`.
pub(crate) const KIND: &str = "BucketList";

/// What `buckets list` reports: one row per claim, the findings, and where
/// Rook's accepted settings came from.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListReport {
    /// One row per claim, sorted by namespace and name.
    pub claims: Vec<ClaimRow>,
    /// Problems found on the claims (documented codes).
    pub findings: Vec<Finding>,
    /// Where the operator's allowed `additionalConfig` fields came from.
    pub operator_config: String,
    /// The namespaces listed (how the table says "none in ...").
    #[serde(skip)]
    pub scope: Scope,
}

/// The operator's allowed `additionalConfig` keys: `None` (Rook's defaults) when
/// its ConfigMap is missing or may not be read.
pub(super) async fn operator_allowed_fields(
    cluster: &Cluster,
    namespace: &str,
) -> (Option<Vec<String>>, String) {
    match cluster
        .get_opt::<k8s_openapi::api::core::v1::ConfigMap>(namespace, "rook-ceph-operator-config")
        .await
    {
        Ok(Some(cm)) => (
            Some(bucket::allowed_fields(cm.data.as_ref())),
            format!("read rook-ceph-operator-config in {namespace}"),
        ),
        Ok(None) => (
            None,
            format!(
                "rook-ceph-operator-config not found in {namespace}; assuming Rook's default fields"
            ),
        ),
        Err(e) => (
            None,
            format!(
                "could not read rook-ceph-operator-config ({e}); assuming Rook's default fields"
            ),
        ),
    }
}

/// Lists, joins, checks and writes the claims of the scope, once or with `--watch`.
pub(super) async fn run(
    cluster: &Cluster,
    list: &ListArgs,
    output: &Output,
    out: &mut dyn Write,
) -> Result<Exit> {
    let scope = cluster.scope();
    let mut watch = Watch::new(list.watch.interval);
    let mut first = true;
    loop {
        let now = jiff::Timestamp::now();
        let report = read(cluster, &scope, list, now).await?;
        // --watch may wait for claims to come; a one-off list of none is a typo.
        if first && !list.watch.watch && report.claims.is_empty() {
            super::require_claims(cluster, &scope, list.selector.as_deref()).await?;
        }
        first = false;
        let metadata = Metadata::new(cluster, &scope, now);
        if !list.watch.watch {
            return crate::render::emit(out, output, metadata, &report);
        }
        watch.show(out, output, metadata, &report)?;
        if !watch.next().await {
            return Ok(watch.exit());
        }
    }
}

/// Reads the claims of the scope with their ConfigMaps and Secrets, and checks them.
async fn read(
    cluster: &Cluster,
    scope: &Scope,
    list: &ListArgs,
    now: jiff::Timestamp,
) -> Result<ListReport> {
    let all = ListParams::default();
    let selected = selector_params(list.selector.as_deref());
    let claim_resource = resources::object_bucket_claim();
    let (claims, config_maps, secrets, (allowed, operator_config)) = tokio::join!(
        cluster.list_custom::<ObjectBucketClaim>(&claim_resource, Some(scope), &selected),
        cluster.list::<ConfigMap>(scope, &all),
        cluster.list_metadata::<Secret>(scope, &all),
        operator_allowed_fields(cluster, &list.operator_namespace),
    );
    let (claims, config_maps, secrets) = (claims?, config_maps?, secrets?);
    let undecodable = claims.undecodable.clone();
    let claims = claims.require("objectbucketclaims", scope)?;
    let (claims, mut findings) =
        join_and_check(claims, &config_maps, &secrets, allowed.as_deref(), now);
    findings.extend(undecodable.iter().map(Finding::undecodable));
    Ok(ListReport {
        claims,
        findings,
        operator_config,
        scope: scope.clone(),
    })
}

/// Joins each claim with its ConfigMap and Secret and checks it (pure): rows
/// sorted by namespace and name, and the findings. A list that could not be
/// read counts as present, so a forbidden read never invents a finding.
pub(crate) fn join_and_check(
    mut claims: Vec<ObjectBucketClaim>,
    config_maps: &Listing<ConfigMap>,
    secrets: &Listing<Secret>,
    allowed: Option<&[String]>,
    now: jiff::Timestamp,
) -> (Vec<ClaimRow>, Vec<Finding>) {
    let cm_of = |ns: &str, name: &str| {
        config_maps.items.iter().find(|c| {
            c.metadata.namespace.as_deref() == Some(ns) && c.metadata.name.as_deref() == Some(name)
        })
    };
    let secret_of = |ns: &str, name: &str| {
        secrets.items.iter().any(|s| {
            s.metadata.namespace.as_deref() == Some(ns) && s.metadata.name.as_deref() == Some(name)
        })
    };
    let mut rows = Vec::new();
    let mut findings = Vec::new();
    claims.sort_by(|a, b| {
        (&a.metadata.namespace, &a.metadata.name).cmp(&(&b.metadata.namespace, &b.metadata.name))
    });
    for claim in &claims {
        let ns = claim.metadata.namespace.as_deref().unwrap_or_default();
        let name = claim.metadata.name.as_deref().unwrap_or_default();
        let cm = cm_of(ns, name);
        let age = age_of(claim, now);
        let ctx = ClaimContext {
            has_secret: secret_of(ns, name) || !secrets.is_available(),
            has_config_map: cm.is_some() || !config_maps.is_available(),
            age_seconds: age,
            allowed_fields: allowed,
        };
        findings.extend(check_claim(claim, &ctx));
        rows.push(analyse::claim_row(claim, cm, secret_of(ns, name), age));
    }
    (rows, findings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::Availability;

    fn claim(name: &str, phase: &str) -> ObjectBucketClaim {
        serde_json::from_value(serde_json::json!({
            "apiVersion": "objectbucket.io/v1alpha1",
            "kind": "ObjectBucketClaim",
            "metadata": {"name": name, "namespace": "data",
                         "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"storageClassName": "rook-ceph-bucket", "generateBucketName": name},
            "status": {"phase": phase}
        }))
        .unwrap()
    }

    fn named<T: Default>(
        name: &str,
        set: impl FnOnce(&mut T, k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta),
    ) -> T {
        let mut object = T::default();
        set(
            &mut object,
            k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                name: Some(name.into()),
                namespace: Some("data".into()),
                ..Default::default()
            },
        );
        object
    }

    #[test]
    fn joins_claims_with_their_secrets_sorted_and_checks_them() {
        let now: jiff::Timestamp = "2026-01-02T00:00:00Z".parse().unwrap();
        let cms = Listing::available(vec![named::<ConfigMap>("b", |c, m| c.metadata = m)]);
        let secrets = Listing::available(vec![named::<Secret>("b", |s, m| s.metadata = m)]);
        let (rows, findings) = join_and_check(
            vec![claim("b", "Bound"), claim("a", "Bound")],
            &cms,
            &secrets,
            None,
            now,
        );
        assert_eq!(
            rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert!(rows[1].has_secret && !rows[0].has_secret);
        // "a" is Bound without its Secret and ConfigMap: a finding names it.
        assert!(
            findings.iter().any(|f| f.object.name == "a"),
            "{findings:#?}"
        );
        assert!(!findings.iter().any(|f| f.object.name == "b"
            && f.severity >= crate::findings::Severity::Warning
            && f.code.contains("secret")));

        // Unreadable Secrets are "unknown", not "missing".
        let forbidden: Listing<Secret> = Listing {
            items: Vec::new(),
            availability: Availability::Forbidden("no".into()),
            undecodable: Vec::new(),
        };
        let (_, quiet) = join_and_check(vec![claim("a", "Bound")], &cms, &forbidden, None, now);
        assert!(quiet.len() < findings.len(), "{quiet:#?}");
    }
}
