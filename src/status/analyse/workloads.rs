//! Finding the platform's workloads by the labels of their upstream charts.

use k8s_openapi::api::core::v1::Pod;

pub use crate::platform::workload::Workload;
use crate::snapshot::Snapshot;

/// Every Deployment and StatefulSet of the snapshot.
pub fn all(snapshot: &Snapshot) -> Vec<Workload<'_>> {
    crate::platform::workload::workloads(&snapshot.deployments.items, &snapshot.stateful_sets.items)
}

/// Every pod template the rules on templates judge (sizes, references, URLs,
/// names): the workloads', and the pods each CronJob's jobs will run. Not the
/// components' servers: a Trino or Nessie CronJob (a maintenance job) is not
/// a coordinator or a catalog, so [`all`] and [`named`] leave CronJobs out.
pub fn with_cron_jobs(snapshot: &Snapshot) -> Vec<Workload<'_>> {
    let mut out = all(snapshot);
    out.extend(
        snapshot
            .cron_jobs
            .items
            .iter()
            .filter_map(Workload::of_cron_job),
    );
    out
}

/// Workloads of one app, by `app.kubernetes.io/name` (or the older `app` label).
pub fn named<'a>(snapshot: &'a Snapshot, names: &[&str]) -> Vec<Workload<'a>> {
    all(snapshot)
        .into_iter()
        .filter(|w| w.app_name().is_some_and(|n| names.contains(&n)))
        .collect()
}

/// Restarts and OOM kills of a workload's pods.
pub(crate) fn restarts_and_oom_kills(pods: &[&Pod]) -> (i32, usize) {
    let statuses = pods.iter().flat_map(|p| {
        p.status
            .iter()
            .flat_map(|s| s.container_statuses.iter().flatten())
    });
    statuses.fold((0, 0), |(restarts, ooms), c| {
        let oom = c
            .last_state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .is_some_and(|t| t.reason.as_deref() == Some("OOMKilled"));
        (restarts + c.restart_count, ooms + usize::from(oom))
    })
}
