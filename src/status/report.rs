//! The status report: the one data structure `-o json|yaml` prints and the table
//! renders. Its shape is versioned (`apiVersion`); see docs/status-schema.md.

use serde::Serialize;

use crate::findings::{Component, Finding, Severity};
use crate::kube::{Availability, Scope};

/// The status report's body; `-o json` wraps it in the suite's envelope
/// ([`crate::render::Envelope`], kind `StatusReport`), which adds `apiVersion`,
/// `kind` and `metadata` beside these fields.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// When the cluster was read (kept beside `metadata.generatedAt` for compatibility).
    pub generated_at: String,
    /// The namespaces read (kept beside `metadata.scope` for compatibility).
    pub scope: Scope,
    /// Which namespaces the report covers and why, and the Services it read
    /// by name in others (`-A` covers the platform's namespaces, not every one).
    pub coverage: crate::snapshot::Coverage,
    /// Every component's state, in a fixed order.
    pub components: Vec<ComponentStatus>,
    /// The findings, most severe first.
    pub findings: Vec<Finding>,
    /// How many findings of each severity.
    pub summary: Summary,
    /// With `-f`/`-k`: what was judged from files, and what only the live
    /// cluster could tell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifests: Option<Manifests>,
}

/// What `status -f/-k` judged.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifests {
    /// The `-f` and `-k` arguments.
    pub sources: Vec<String>,
    /// How many objects they held.
    pub objects: usize,
    /// `--cluster-state`: the live platform with the manifests applied.
    pub cluster_state: bool,
    /// With `--cluster-state`: objects that replace an applied one of the same identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced: Option<usize>,
    /// With `--cluster-state`: objects the cluster does not have yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added: Option<usize>,
    /// The codes only the live cluster can tell (the catalogue's `live_only`
    /// rules): not checked without `--cluster-state`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_checked_offline: Vec<&'static str>,
}

/// How one component is doing, in a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Nothing wrong.
    Healthy,
    /// Warnings: works, but not as it should.
    Degraded,
    /// Critical findings: broken or about to break.
    Failing,
    /// Its operator's CRD is not installed.
    NotInstalled,
    /// Nothing of it was found in the scope.
    NotFound,
    /// RBAC forbade a read it needs.
    Forbidden,
    /// Nothing wrong in what was read, but some of what it needs could not be
    /// read (the summary names it): never reported healthy.
    PartlyChecked,
}

impl State {
    /// The state after `severity` was found too: a healthy, degraded or partly
    /// checked component gets no better than the finding says.
    pub(crate) fn worsened_by(self, severity: Severity) -> State {
        let rank = |s: State| match s {
            State::Healthy | State::PartlyChecked => 0,
            State::Degraded => 1,
            State::Failing => 2,
            _ => 3,
        };
        let by = match severity {
            Severity::Critical => State::Failing,
            Severity::Warning => State::Degraded,
            _ => return self,
        };
        if rank(self) < 3 && rank(by) > rank(self) {
            by
        } else {
            self
        }
    }

    /// The state as tables print it.
    pub fn label(self) -> &'static str {
        match self {
            State::Healthy => "healthy",
            State::Degraded => "degraded",
            State::Failing => "failing",
            State::NotInstalled => "not installed",
            State::NotFound => "not found",
            State::Forbidden => "could not check (forbidden)",
            State::PartlyChecked => "partly checked",
        }
    }
}

/// One row of the component table.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ComponentStatus {
    /// Which component.
    pub component: Component,
    /// Its state in a word.
    pub state: State,
    /// One line: `coordinator 1/1, workers 3/3, trino 476`.
    pub summary: String,
    /// Extra facts for `-o wide` and JSON.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Detail>,
}

/// A labelled fact for `-o wide` and JSON.
#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    /// What it is (`coordinator heap`).
    pub label: String,
    /// Its value (`8G`).
    pub value: String,
}

/// How many findings of each severity.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Critical findings.
    pub critical: usize,
    /// Warnings.
    pub warning: usize,
    /// Informational findings.
    pub info: usize,
    /// The most severe finding (`ok` when there is none).
    pub worst: Option<Severity>,
}

impl Summary {
    /// Counts the findings.
    pub fn of(findings: &[Finding]) -> Summary {
        let count = |s| findings.iter().filter(|f| f.severity == s).count();
        Summary {
            critical: count(Severity::Critical),
            warning: count(Severity::Warning),
            info: count(Severity::Info),
            worst: Some(
                findings
                    .iter()
                    .map(|f| f.severity)
                    .max()
                    .unwrap_or(Severity::Ok),
            ),
        }
    }
}

/// The state a component is in, from what could be read and what was found.
pub(crate) fn state_of(
    component: Component,
    found_anything: bool,
    findings: &[Finding],
    reads: &[&Availability],
) -> State {
    if reads
        .iter()
        .any(|a| matches!(a, Availability::Forbidden(_)))
        && !found_anything
    {
        return State::Forbidden;
    }
    if !reads.is_empty() && reads.iter().all(|a| **a == Availability::NotInstalled) {
        return State::NotInstalled;
    }
    let worst = findings
        .iter()
        .filter(|f| f.component == component)
        .map(|f| f.severity)
        .max()
        .unwrap_or(Severity::Ok);
    match worst {
        Severity::Critical => State::Failing,
        Severity::Warning => State::Degraded,
        _ if !found_anything => State::NotFound,
        _ => State::Healthy,
    }
}

/// Whether the report found none of the platform's components, and could read
/// enough to say so: every component not found or not installed, no finding
/// but compliance's (which any namespace can have), and no reference to another
/// namespace (a catalog naming an S3 Service). The namespace is a typo or the
/// wrong one.
pub(crate) fn holds_nothing(report: &Report) -> bool {
    let absent = |c: &ComponentStatus| matches!(c.state, State::NotFound | State::NotInstalled);
    !report.components.is_empty()
        && report
            .components
            .iter()
            .filter(|c| c.component != Component::Compliance)
            .all(absent)
        && report
            .findings
            .iter()
            .all(|f| f.component == Component::Compliance)
        && report.coverage.references.is_empty()
}
