//! Links failures into dependency chains, root cause first: a workload that
//! cannot start because its Secret is missing because the ExternalSecret is not
//! synced because the store is not Ready is one finding, not four.

use std::collections::BTreeSet;

use crate::findings::{ChainLink, Component, Finding, ObjectRef, Severity};
use crate::platform::crds::readiness;
use crate::platform::workload;
use crate::snapshot::Snapshot;

use super::workloads;

pub fn link(snapshot: &Snapshot, findings: Vec<Finding>) -> Vec<Finding> {
    if !snapshot.secrets.is_available() {
        return findings;
    }
    let mut chained = Vec::new();
    let mut absorbed: BTreeSet<ObjectRef> = BTreeSet::new();
    for w in workloads::all(snapshot) {
        let Some(spec) = &w.template.spec else {
            continue;
        };
        for (secret, optional) in workload::secrets(spec) {
            if optional || snapshot.secret(w.namespace(), &secret).is_some() {
                continue;
            }
            let mut chain = causes_of_missing_secret(snapshot, w.namespace(), &secret);
            chain.push(ChainLink {
                object: ObjectRef::namespaced("Secret", w.namespace(), &secret),
                problem: "does not exist".into(),
            });
            chain.push(ChainLink {
                object: w.object(),
                problem: format!(
                    "{} ready; its pods cannot start without Secret {secret}",
                    w.readiness()
                ),
            });
            absorbed.extend(chain.iter().map(|l| l.object.clone()));
            let root = chain[0].clone();
            let component = match w.label("app.kubernetes.io/name") {
                Some("trino") => Component::Trino,
                Some("nessie") => Component::Nessie,
                Some("postgresql" | "postgres") => Component::Postgres,
                _ => Component::Secrets,
            };
            let hint = match root.object.kind.as_str() {
                "ClusterSecretStore" | "SecretStore" => {
                    "fix the store first (provider credentials); the ExternalSecret then syncs and the pods start"
                }
                "ExternalSecret" => {
                    "fix the ExternalSecret (remote key, store); the Secret is then written and the pods start"
                }
                "ObjectBucketClaim" => {
                    "the Secret appears when the claim is Bound: fix the claim first"
                }
                _ => "nothing creates this Secret: add an ExternalSecret for it in the GitOps repo",
            };
            let mut finding = Finding::new(
                "secrets.missing",
                Severity::Critical,
                component,
                root.object.clone(),
                format!(
                    "{} cannot start: {} {}",
                    w.object(),
                    root.object,
                    root.problem
                ),
                hint,
            );
            finding.chain = chain;
            chained.push(finding);
        }
    }
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter(|f| {
            !(matches!(
                f.code,
                "secrets.store-not-ready" | "secrets.external-secret-not-synced"
            ) && absorbed.contains(&f.object))
        })
        .collect();
    out.extend(chained);
    out
}

/// What should have written the Secret and why it did not, root first.
fn causes_of_missing_secret(snapshot: &Snapshot, namespace: &str, secret: &str) -> Vec<ChainLink> {
    let external_secret = snapshot.external_secrets.items.iter().find(|es| {
        es.metadata.namespace.as_deref() == Some(namespace) && es.target_secret() == secret
    });
    if let Some(es) = external_secret {
        let mut links = Vec::new();
        let store_name = &es.spec.secret_store_ref.name;
        let store_kind = es.store_kind();
        let store = if store_kind == "ClusterSecretStore" {
            snapshot
                .cluster_secret_stores
                .items
                .iter()
                .find(|s| s.metadata.name.as_deref() == Some(store_name))
        } else {
            snapshot.secret_stores.items.iter().find(|s| {
                s.metadata.name.as_deref() == Some(store_name)
                    && s.metadata.namespace.as_deref() == Some(namespace)
            })
        };
        let store_ref = ObjectRef::new(
            store_kind,
            (store_kind == "SecretStore").then_some(namespace),
            store_name,
        );
        match store {
            None if snapshot.cluster_secret_stores.is_available()
                || store_kind == "SecretStore" =>
            {
                links.push(ChainLink {
                    object: store_ref,
                    problem: "does not exist".into(),
                })
            }
            Some(store) => {
                let (ready, why) = readiness(&store.status.conditions);
                if !ready {
                    links.push(ChainLink {
                        object: store_ref,
                        problem: format!("is not Ready: {}", why.unwrap_or_default()),
                    });
                }
            }
            None => {}
        }
        let (ready, why) = readiness(&es.status.conditions);
        links.push(ChainLink {
            object: ObjectRef::from_meta("ExternalSecret", &es.metadata),
            problem: if ready {
                "reports Ready, yet its target Secret is gone".into()
            } else {
                format!("is not synced: {}", why.unwrap_or_default())
            },
        });
        return links;
    }
    let claim = snapshot.bucket_claims.items.iter().find(|c| {
        c.metadata.namespace.as_deref() == Some(namespace)
            && c.metadata.name.as_deref() == Some(secret)
    });
    if let Some(claim) = claim {
        return vec![ChainLink {
            object: ObjectRef::from_meta("ObjectBucketClaim", &claim.metadata),
            problem: format!("is {}", claim.phase()),
        }];
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    #[test]
    fn missing_secret_chain_starts_at_the_store() {
        let snapshot = nessie_chain_snapshot(false);
        let (_, findings, _) = super::super::analyse(&snapshot, jiff::Timestamp::now());
        let chain: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.code == "secrets.missing")
            .collect();
        assert_eq!(chain.len(), 1, "{findings:#?}");
        let kinds: Vec<&str> = chain[0]
            .chain
            .iter()
            .map(|l| l.object.kind.as_str())
            .collect();
        assert_eq!(
            kinds,
            [
                "ClusterSecretStore",
                "ExternalSecret",
                "Secret",
                "Deployment"
            ]
        );
        assert_eq!(chain[0].object.kind, "ClusterSecretStore");
        // The store and ExternalSecret are not repeated as unrelated lines.
        assert!(!findings.iter().any(|f| f.code == "secrets.store-not-ready"));
        assert!(
            !findings
                .iter()
                .any(|f| f.code == "secrets.external-secret-not-synced")
        );
    }

    #[test]
    fn no_chain_when_the_secret_exists() {
        let snapshot = nessie_chain_snapshot(true);
        let (_, findings, _) = super::super::analyse(&snapshot, jiff::Timestamp::now());
        assert!(
            !findings.iter().any(|f| f.code == "secrets.missing"),
            "{findings:#?}"
        );
    }
}
