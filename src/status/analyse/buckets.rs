//! Bucket claims, through the same checks `kubectl dp buckets` uses.

use std::collections::BTreeMap;

use crate::findings::Component;
use crate::platform::bucket::{ClaimContext, check_claim};
use crate::snapshot::Snapshot;
use crate::status::report::{ComponentStatus, state_of};

use super::Section;

pub(crate) fn analyse(snapshot: &Snapshot, now: jiff::Timestamp) -> Section {
    let claims = &snapshot.bucket_claims;
    let mut findings = Vec::new();
    let mut by_phase: BTreeMap<String, usize> = BTreeMap::new();
    let allowed_fields = rook_allowed_fields(snapshot);
    for claim in &claims.items {
        *by_phase.entry(claim.phase().to_string()).or_default() += 1;
        let ns = claim.metadata.namespace.as_deref().unwrap_or_default();
        let name = claim.metadata.name.as_deref().unwrap_or_default();
        let ctx = ClaimContext {
            has_secret: snapshot.secret(ns, name).is_some() || !snapshot.secrets.is_available(),
            has_config_map: snapshot.config_map(ns, name).is_some()
                || !snapshot.config_maps.is_available(),
            age_seconds: claim
                .metadata
                .creation_timestamp
                .as_ref()
                .map(|t| (now.as_second() - t.0.as_second()).max(0)),
            allowed_fields: allowed_fields.as_deref(),
        };
        findings.extend(check_claim(claim, &ctx));
    }
    let found = !claims.items.is_empty();
    let summary = if found {
        by_phase
            .iter()
            .map(|(p, n)| format!("{n} {}", p.to_lowercase()))
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        "no ObjectBucketClaims".into()
    };
    Section {
        status: ComponentStatus {
            component: Component::Buckets,
            state: state_of(
                Component::Buckets,
                found,
                &findings,
                &[&claims.availability],
            ),
            summary,
            details: Vec::new(),
        },
        findings,
    }
}

/// `ROOK_OBC_ALLOW_ADDITIONAL_CONFIG_FIELDS` from the operator's ConfigMap, when it was read.
pub(crate) fn rook_allowed_fields(snapshot: &Snapshot) -> Option<Vec<String>> {
    snapshot
        .rook_operator_config
        .as_ref()
        .or_else(|| {
            snapshot
                .config_maps
                .items
                .iter()
                .find(|c| c.metadata.name.as_deref() == Some(crate::snapshot::ROOK_OPERATOR_CONFIG))
        })
        .map(|cm| crate::platform::bucket::allowed_fields(cm.data.as_ref()))
}
