//! Pure analysis: a snapshot in, component states and findings out. Nothing here
//! talks to the cluster, so every rule is tested on hand-built snapshots.

mod buckets;
mod chains;
mod compliance;
mod nessie;
mod secrets;
mod spark;
pub mod trino;
mod workloads;

use crate::findings::{self, Finding};
use crate::snapshot::Snapshot;

use super::report::{ComponentStatus, Summary};

/// One component's share of the report.
pub struct Section {
    pub status: ComponentStatus,
    pub findings: Vec<Finding>,
}

/// Analyses the whole snapshot: every component, then links failures into chains.
pub fn analyse(
    snapshot: &Snapshot,
    now: jiff::Timestamp,
) -> (Vec<ComponentStatus>, Vec<Finding>, Summary) {
    let sections = [
        trino::analyse(snapshot),
        nessie::analyse_nessie(snapshot),
        nessie::analyse_postgres(snapshot),
        spark::analyse(snapshot),
        buckets::analyse(snapshot, now),
        secrets::analyse(snapshot),
        compliance::analyse(snapshot),
    ];
    let mut components = Vec::new();
    let mut all_findings = Vec::new();
    for section in sections {
        components.push(section.status);
        all_findings.extend(section.findings);
    }
    let mut all_findings = chains::link(snapshot, all_findings);
    findings::sort(&mut all_findings);
    let summary = Summary::of(&all_findings);
    (components, all_findings, summary)
}

#[cfg(test)]
pub(crate) mod fixtures;
