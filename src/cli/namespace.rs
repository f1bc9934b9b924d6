//! A typo is an error: a namespace that does not exist, or that holds none of
//! what a command works on, ends the command with one line and exit 2 naming the
//! closest name that would work, instead of an empty report that exits 0.

use crate::error::{Error, Result};
use crate::kube::{Cluster, Scope};

/// The candidate closest to `typed` when it is close enough to be a typo (an
/// edit distance of at most a third of the name, and at least 2: `data-platfrom`
/// → `data-platform`, `dataplatform` → `data-platform`); ties go to the first in
/// name order. `None` when nothing is close.
pub fn closest<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (typed.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .filter(|c| *c != typed)
        .map(|c| (strsim::damerau_levenshtein(typed, c), c))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, c)| c)
}

/// Fails with [`Error::NoNamespace`] when the API server says the scope's
/// namespace does not exist, suggesting the closest one. Without the right to
/// read namespaces (a namespaced Role) nothing can be told, and nothing fails.
pub(crate) async fn require_existing(cluster: &Cluster, scope: &Scope) -> Result<()> {
    let Scope::Namespace(name) = scope else {
        return Ok(());
    };
    if cluster.namespace_exists(name).await? != Some(false) {
        return Ok(());
    }
    let names = cluster.namespace_names().await.unwrap_or_default();
    Err(Error::NoNamespace {
        name: name.clone(),
        suggestion: closest(name, names.iter().map(String::as_str)).map(str::to_string),
    })
}

/// [`Error::NothingHere`]: `namespace` holds no `what`; `holders` are the
/// namespaces known to hold it (the closest by name is suggested, else the only
/// one, else a few are named), `list` the kubectl command that lists it everywhere.
pub(crate) fn nothing_here(namespace: &str, what: &str, holders: &[String], list: &str) -> Error {
    let mut holders: Vec<&str> = holders
        .iter()
        .map(String::as_str)
        .filter(|h| *h != namespace)
        .collect();
    holders.sort_unstable();
    holders.dedup();
    let hint = match (
        closest(namespace, holders.iter().copied()),
        holders.as_slice(),
    ) {
        (Some(name), _) => format!("did you mean {name}? (pass -n {name})"),
        (None, [only]) => format!("{only} does: pass -n {only}"),
        (None, []) => format!("pass -n with the namespace that does (`{list}` lists them)"),
        (None, some) if some.len() <= 5 => format!("these do: {} (pass -n)", some.join(", ")),
        (None, some) => format!(
            "{} namespaces do ({}, ...; `{list}` lists them)",
            some.len(),
            some[..3].join(", ")
        ),
    };
    Error::NothingHere {
        namespace: namespace.to_string(),
        what: what.to_string(),
        hint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_namespace() {
        let names = ["data-platform", "default", "kube-system", "monitoring"];
        assert_eq!(closest("data-platfrom", names), Some("data-platform"));
        assert_eq!(closest("dataplatform", names), Some("data-platform"));
        assert_eq!(closest("defualt", names), Some("default"));
        assert_eq!(closest("monitorng", names), Some("monitoring"));
        assert_eq!(closest("payments", names), None);
        assert_eq!(closest("data-platform", ["data-platform"]), None);
    }

    #[test]
    fn one_line_that_names_what_to_type() {
        let holders = vec!["data-platform".to_string()];
        let err = nothing_here("default", "Trino or SparkApplication", &holders, "x");
        assert_eq!(
            err.to_string(),
            "namespace default holds no Trino or SparkApplication; data-platform does: pass -n data-platform"
        );
        let err = nothing_here(
            "data-platfrom",
            "ObjectBucketClaims",
            &["data-platform".into(), "team-a".into()],
            "kubectl get objectbucketclaims -A",
        );
        assert_eq!(
            err.to_string(),
            "namespace data-platfrom holds no ObjectBucketClaims; did you mean data-platform? (pass -n data-platform)"
        );
        let err = nothing_here("x", "ObjectBucketClaims", &[], "kubectl get obc -A");
        assert_eq!(
            err.to_string(),
            "namespace x holds no ObjectBucketClaims; pass -n with the namespace that does (`kubectl get obc -A` lists them)"
        );
        let many: Vec<String> = (0..9).map(|i| format!("team-{i}")).collect();
        let err = nothing_here(
            "payments",
            "ObjectBucketClaims",
            &many,
            "kubectl get obc -A",
        );
        assert!(
            err.to_string()
                .contains("9 namespaces do (team-0, team-1, team-2, ..."),
            "{err}"
        );
        let err = Error::NoNamespace {
            name: "data-platfrom".into(),
            suggestion: Some("data-platform".into()),
        };
        assert_eq!(
            err.to_string(),
            "namespace data-platfrom not found; did you mean data-platform? (`kubectl get namespaces` lists them)"
        );
    }
}
