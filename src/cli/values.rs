//! Values completed from the cluster or the kubeconfig for shell completion
//! (`kubectl dp status -n <TAB>`). Each asks with a short timeout and offers
//! nothing rather than hang the shell when the cluster cannot answer.

use std::ffi::{OsStr, OsString};
use std::sync::OnceLock;
use std::time::Duration;

use clap_complete::engine::CompletionCandidate;

use super::{ClusterArgs, Timeout};

/// How long a completion may wait for the API server.
const COMPLETION_TIMEOUT: Duration = Duration::from_secs(2);

/// The connection flags typed before the word being completed
/// (`kubectl dp buckets describe -n team-a --context prod <TAB>`): completers
/// ask that cluster and namespace, as kubectl's own completion does.
static TYPED: OnceLock<ClusterArgs> = OnceLock::new();

/// Remembers the connection flags among `words` (every word but the last, the
/// one being completed) for the completers of this process.
pub(crate) fn use_typed_connection(words: &[OsString]) {
    let _ = TYPED.set(typed_connection(words));
}

/// `--kubeconfig`, `--context`, `-n`/`--namespace` as kubectl accepts them:
/// `-n X`, `-nX`, `--namespace X`, `--namespace=X`; the last one wins.
fn typed_connection(words: &[OsString]) -> ClusterArgs {
    let words: Vec<String> = words
        .iter()
        .take(words.len().saturating_sub(1))
        .map(|w| w.to_string_lossy().into_owned())
        .collect();
    let mut args = ClusterArgs::default();
    let mut i = 0;
    while i < words.len() {
        let word = words[i].as_str();
        let next = words.get(i + 1).cloned();
        let (flag, value, used_next) = match word.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_string()), false),
            _ if word.starts_with("-n") && word.len() > 2 && !word.starts_with("--") => {
                ("-n", Some(word[2..].to_string()), false)
            }
            _ => (word, next, true),
        };
        let slot = match flag {
            "-n" | "--namespace" => Some(&mut args.namespace),
            "--context" => Some(&mut args.context),
            "--kubeconfig" => {
                if let Some(path) = &value {
                    args.kubeconfig = Some(path.into());
                }
                None
            }
            _ => {
                i += 1;
                continue;
            }
        };
        if let Some(slot) = slot {
            *slot = value.clone();
        }
        i += if used_next { 2 } else { 1 };
    }
    args
}

/// Runs one short request against the typed (else the default) kubeconfig's
/// cluster; `None` when it cannot answer in time.
fn ask_cluster<T, F, Fut>(request: F) -> Option<T>
where
    F: FnOnce(crate::kube::Cluster) -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    let args = ClusterArgs {
        request_timeout: Timeout(Some(COMPLETION_TIMEOUT)),
        ..TYPED.get().cloned().unwrap_or_default()
    };
    runtime.block_on(async {
        let cluster =
            tokio::time::timeout(COMPLETION_TIMEOUT, crate::kube::Cluster::connect(&args))
                .await
                .ok()?
                .ok()?;
        tokio::time::timeout(COMPLETION_TIMEOUT, request(cluster))
            .await
            .ok()?
    })
}

fn starting_with(names: Vec<String>, current: &OsStr) -> Vec<CompletionCandidate> {
    let prefix = current.to_string_lossy();
    let mut names: Vec<String> = names
        .into_iter()
        .filter(|n| n.starts_with(prefix.as_ref()))
        .collect();
    names.sort();
    names.dedup();
    names.into_iter().map(CompletionCandidate::new).collect()
}

/// `-n`: the cluster's namespaces.
pub fn namespaces(current: &OsStr) -> Vec<CompletionCandidate> {
    let names = ask_cluster(|cluster| async move { cluster.namespace_names().await.ok() });
    starting_with(names.unwrap_or_default(), current)
}

/// `--context`: the contexts of the kubeconfig (`--kubeconfig`, `$KUBECONFIG` or
/// ~/.kube/config); no cluster is asked.
pub fn contexts(current: &OsStr) -> Vec<CompletionCandidate> {
    let typed = TYPED.get().and_then(|args| args.kubeconfig.clone());
    let config = match typed {
        Some(path) => kube::config::Kubeconfig::read_from(path),
        None => kube::config::Kubeconfig::read(),
    };
    let names = config
        .map(|config| config.contexts.into_iter().map(|c| c.name).collect())
        .unwrap_or_default();
    starting_with(names, current)
}

/// The namespace typed with `-n`, else the context's.
fn typed_namespace(cluster: &crate::kube::Cluster) -> String {
    cluster.namespace().to_string()
}

/// A claim name (`kubectl dp buckets describe <TAB>`): ObjectBucketClaims in the
/// typed or the context's namespace.
pub(crate) fn bucket_claims(current: &OsStr) -> Vec<CompletionCandidate> {
    let names = ask_cluster(|cluster| async move {
        let namespace = typed_namespace(&cluster);
        cluster
            .custom_object_names(&crate::kube::resources::object_bucket_claim(), &namespace)
            .await
            .ok()
    });
    starting_with(names.unwrap_or_default(), current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_filtered_sorted_and_unique() {
        let names = vec!["prod".to_string(), "dev".into(), "prod".into(), "qa".into()];
        let got: Vec<String> = starting_with(names, OsStr::new("p"))
            .iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .collect();
        assert_eq!(got, vec!["prod"]);
    }

    #[test]
    fn typed_connection_flags_are_read_as_kubectl_writes_them() {
        let words = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
        let args = typed_connection(&words(&[
            "describe",
            "-n",
            "team-a",
            "--context=prod",
            "--kubeconfig",
            "/tmp/k",
            "",
        ]));
        assert_eq!(args.namespace.as_deref(), Some("team-a"));
        assert_eq!(args.context.as_deref(), Some("prod"));
        assert_eq!(args.kubeconfig, Some("/tmp/k".into()));
        let args = typed_connection(&words(&["-nteam-b", "--namespace", "team-c", "x"]));
        assert_eq!(args.namespace.as_deref(), Some("team-c"));
        // The word under the cursor is never a flag's value.
        let args = typed_connection(&words(&["describe", "-n"]));
        assert_eq!(args.namespace, None);
    }
}
