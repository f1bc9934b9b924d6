//! Values completed from the cluster or the kubeconfig for shell completion
//! (`kubectl dp status -n <TAB>`). Each asks with a short timeout and offers
//! nothing rather than hang the shell when the cluster cannot answer.

use std::ffi::OsStr;
use std::time::Duration;

use clap_complete::engine::CompletionCandidate;

use super::{ClusterArgs, Timeout};

/// How long a completion may wait for the API server.
const COMPLETION_TIMEOUT: Duration = Duration::from_secs(2);

/// Runs one short request against the default kubeconfig's cluster; `None` when
/// it cannot answer in time.
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
        ..ClusterArgs::default()
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

/// `--context`: the contexts of the kubeconfig (`$KUBECONFIG` or ~/.kube/config);
/// no cluster is asked.
pub fn contexts(current: &OsStr) -> Vec<CompletionCandidate> {
    let names = kube::config::Kubeconfig::read()
        .map(|config| config.contexts.into_iter().map(|c| c.name).collect())
        .unwrap_or_default();
    starting_with(names, current)
}

/// A claim name (`kubectl dp buckets describe <TAB>`): ObjectBucketClaims in the
/// context's namespace.
pub fn bucket_claims(current: &OsStr) -> Vec<CompletionCandidate> {
    let names = ask_cluster(|cluster| async move {
        let namespace = cluster.default_namespace().to_string();
        cluster
            .custom_object_names(&crate::kube::resources::object_bucket_claim(), &namespace)
            .await
            .ok()
    });
    starting_with(names.unwrap_or_default(), current)
}

/// A SparkApplication name, in the context's namespace.
pub fn spark_applications(current: &OsStr) -> Vec<CompletionCandidate> {
    let names = ask_cluster(|cluster| async move {
        let namespace = cluster.default_namespace().to_string();
        cluster
            .custom_object_names(&crate::kube::resources::spark_application(), &namespace)
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
}
