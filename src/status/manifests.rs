//! `status -f/-R/-k`: the same analysis, the same codes, on manifests alone
//! (no kubeconfig needed, no request made), or on the live platform with the
//! manifests applied (`--cluster-state`). What only the live cluster can tell
//! (the catalogue's `live_only` rules) is one line, never a silent gap and
//! never a false finding; every finding points at its file, line and column.

use std::io::Write;

use crate::error::{Error, Exit, Result};
use crate::findings::{Finding, ObjectRef};
use crate::kube::{Cluster, Scope};
use crate::manifests::Locator;
use crate::platform::rules::{Rule, rules};
use crate::render::{Metadata, Output};
use crate::snapshot::{Snapshot, offline};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::Args;
use super::report::{Manifests, Report, State};

/// Codes of the other commands in the catalogue: status never reports them.
const OTHER_COMMANDS: [&str; 4] = ["quota.", "tune.", "perf.", "bucket.check-"];

/// The rules status applies.
pub(crate) fn status_rules() -> impl Iterator<Item = &'static Rule> {
    rules().filter(|r| !OTHER_COMMANDS.iter().any(|p| r.code.starts_with(p)))
}

/// The codes only the live cluster can tell, in catalogue order.
pub(crate) fn live_only_codes() -> Vec<&'static str> {
    status_rules()
        .filter(|r| r.live_only)
        .map(|r| r.code)
        .collect()
}

/// Rules that are not live-only but read the cluster's own objects, which
/// manifests do not hold (StorageClasses, PriorityClasses, the namespaces'
/// ServiceAccounts: `Snapshot::named`, never filled offline), so a name the
/// manifests use cannot be judged missing from files.
const NEEDS_CLUSTER_OBJECTS: [&str; 1] = ["references.object-missing"];

/// Rules judged against Rook's operator settings (ConfigMap
/// rook-ceph-operator-config, in the operator's namespace): offline only when
/// the manifests hold that ConfigMap; otherwise the operator's settings are
/// unknown, and judging against Rook's defaults would be a guess.
const NEEDS_OPERATOR_SETTINGS: [&str; 1] = ["bucket.config-field-refused"];

/// What status cannot check from manifests alone: the live-only rules, then
/// those that need the cluster's own objects.
pub(crate) fn not_checked_offline() -> Vec<&'static str> {
    let mut codes = live_only_codes();
    codes.extend(NEEDS_CLUSTER_OBJECTS);
    codes
}

/// [`not_checked_offline`], and the rules that need Rook's operator settings
/// when `snapshot`'s manifests do not hold them.
fn not_checked_in(snapshot: &Snapshot) -> Vec<&'static str> {
    let mut codes = not_checked_offline();
    // Where the bucket rules read the settings from (status::analyse::buckets).
    let operator_settings = snapshot.rook_operator_config.is_some()
        || snapshot
            .config_maps
            .items
            .iter()
            .any(|c| c.metadata.name.as_deref() == Some(crate::snapshot::ROOK_OPERATOR_CONFIG));
    if !operator_settings {
        codes.extend(NEEDS_OPERATOR_SETTINGS);
    }
    codes
}

/// Whether `-f` or `-k` was given.
pub(crate) fn wanted(args: &Args) -> bool {
    !args.files.is_empty() || args.kustomize.is_some()
}

/// Refuses what makes no sense on manifests, before anything is read.
pub fn check_flags(args: &Args) -> Result<()> {
    if !wanted(args) {
        if args.cluster_state {
            return Err(Error::Usage(
                "--cluster-state needs manifests: pass -f FILE|DIR|- or -k DIR".into(),
            ));
        }
        return Ok(());
    }
    let refuse = |flag: &str, why: &str| {
        Err(Error::Usage(format!(
            "`kubectl dp status -f/-k` cannot take {flag}: {why}"
        )))
    };
    if args.watch.watch {
        return refuse("--watch", "files do not change under it; run it again");
    }
    if args.probe {
        return refuse(
            "--probe",
            "the manifests have no running coordinator; use --probe without -f/-k",
        );
    }
    if args.namespace_selector.is_some() {
        return refuse(
            "--namespace-selector",
            "the manifests name their namespaces; -n sets the one for objects that do not",
        );
    }
    if args.cluster.all_namespaces {
        return refuse(
            "-A",
            "the manifests name their namespaces; -n sets the one for objects that do not",
        );
    }
    Ok(())
}

/// Reads the manifests, judges them (with the live state under
/// `--cluster-state`), points every finding at its file and renders.
pub async fn run(args: &Args, output: &Output, out: &mut dyn Write) -> Result<Exit> {
    let now = jiff::Timestamp::now();
    let read = crate::manifests::read(
        &args.files,
        args.recursive,
        args.kustomize.as_deref(),
        &mut std::io::stdin(),
    )?;
    if read.manifests.is_empty() {
        return Err(Error::Usage(format!(
            "no Kubernetes object in {}: nothing to judge",
            sources(args).join(", ")
        )));
    }
    let default_namespace = args.cluster.namespace.as_deref().unwrap_or("default");
    let (snapshot, _) =
        offline::snapshot(&read.manifests, default_namespace, &args.operator_namespace);
    let (snapshot, context) = if args.cluster_state {
        let cluster = Cluster::connect(&args.cluster).await?;
        let scope = snapshot.scope.clone().unwrap_or(Scope::All);
        let live = Snapshot::gather(&cluster, &scope, &args.operator_namespace).await?;
        let context = Metadata::new(&cluster, &scope, now);
        let (after, applied) = live.with_manifests(snapshot);
        (after, Some((context, applied)))
    } else {
        (snapshot, None)
    };
    let mut locator = read.locator;
    locator.written_by(written(&snapshot));
    let applied = context.as_ref().map(|(_, applied)| *applied);
    let report = judge(
        &snapshot,
        now,
        &locator,
        args,
        read.manifests.len(),
        applied,
    );
    let metadata = match context {
        Some((metadata, _)) => metadata,
        None => Metadata::of(None, report.scope(), now),
    };
    crate::render::emit(out, output, metadata, &report)
}

/// Controllers that write Secrets and ConfigMaps from an object one edits.
const WRITERS: [&str; 2] = ["ExternalSecret", "ObjectBucketClaim"];

/// The Secrets and ConfigMaps of `snapshot` a controller writes, each with
/// the object it writes them from (an ExternalSecret, a bucket claim), so
/// that a finding about one points at what the user edits.
fn written(snapshot: &Snapshot) -> Vec<(ObjectRef, ObjectRef)> {
    let of = |kind: &str, meta: &ObjectMeta| {
        let namespace = meta.namespace.as_deref();
        meta.owner_references
            .iter()
            .flatten()
            .filter(|o| WRITERS.contains(&o.kind.as_str()))
            .map(|o| {
                (
                    ObjectRef::new(kind, namespace, meta.name.as_deref().unwrap_or_default()),
                    ObjectRef::new(&o.kind, namespace, &o.name),
                )
            })
            .collect::<Vec<_>>()
    };
    let secrets = snapshot
        .secrets
        .items
        .iter()
        .flat_map(|x| of("Secret", &x.metadata));
    let config_maps = snapshot
        .config_maps
        .items
        .iter()
        .flat_map(|x| of("ConfigMap", &x.metadata));
    secrets.chain(config_maps).collect()
}

fn sources(args: &Args) -> Vec<String> {
    let mut sources: Vec<String> = args
        .files
        .iter()
        .map(|f| format!("-f {}", f.display()))
        .collect();
    sources.extend(args.kustomize.iter().map(|k| format!("-k {}", k.display())));
    sources
}

/// The report of `snapshot`: offline without the live-only codes (named once
/// instead) and with components graded by what the files can tell; every
/// finding located.
fn judge(
    snapshot: &Snapshot,
    now: jiff::Timestamp,
    locator: &Locator,
    args: &Args,
    objects: usize,
    applied: Option<offline::Applied>,
) -> Report {
    let mut report = super::build_report(snapshot, now);
    let not_checked = if args.cluster_state {
        Vec::new()
    } else {
        let unchecked = not_checked_in(snapshot);
        offline_only(&mut report, &unchecked);
        unchecked
    };
    locator.locate_all(&mut report.findings);
    report.manifests = Some(Manifests {
        sources: sources(args),
        objects,
        cluster_state: args.cluster_state,
        replaced: applied.map(|a| a.replaced),
        added: applied.map(|a| a.added),
        not_checked_offline: not_checked,
    });
    report
}

/// Keeps what files can tell: findings of rules that are not live-only; a
/// component's state from those findings alone, its summary what was judged.
pub(crate) fn offline_only(report: &mut Report, unchecked: &[&str]) {
    report.findings.retain(|f| !unchecked.contains(&f.code));
    for component in &mut report.components {
        if matches!(component.state, State::NotFound | State::NotInstalled) {
            continue;
        }
        let own: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.component == component.component)
            .collect();
        component.state = own
            .iter()
            .fold(State::Healthy, |state, f| state.worsened_by(f.severity));
        component.summary = match own.len() {
            0 => "in the manifests; no finding (runtime state not checked offline)".into(),
            n => format!(
                "in the manifests; {} (runtime state not checked offline)",
                crate::render::count(n, "finding", "findings")
            ),
        };
        component.details.clear();
    }
    report.summary = super::report::Summary::of(&report.findings);
}

impl Report {
    /// The scope the report covers.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// What SARIF and JUnit are written from.
    pub(crate) fn lint_run(&self) -> crate::render::sarif::LintRun<'_> {
        let not_checked = self
            .manifests
            .as_ref()
            .filter(|m| !m.not_checked_offline.is_empty())
            .map(|m| {
                (
                    m.not_checked_offline.clone(),
                    "not checked offline (needs the live cluster: run with --cluster-state, or status without -f/-k)".to_string(),
                )
            });
        crate::render::sarif::LintRun {
            command: "status",
            findings: &self.findings,
            rules: status_rules().collect(),
            not_checked,
            root: std::env::current_dir().ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_live_only_list_is_the_catalogues() {
        let codes = live_only_codes();
        assert!(codes.contains(&"trino.not-ready"));
        assert!(codes.contains(&"secrets.external-secret-not-synced"));
        assert!(!codes.contains(&"trino.heap-above-limit"));
        assert!(not_checked_offline().contains(&"references.object-missing"));
        for code in NEEDS_CLUSTER_OBJECTS {
            assert!(
                status_rules().any(|r| r.code == code),
                "{code} is not a rule"
            );
        }
        assert!(
            !codes
                .iter()
                .any(|c| c.starts_with("perf.") || c.starts_with("quota."))
        );
    }

    #[test]
    fn rooks_settings_are_judged_offline_only_when_the_manifests_hold_them() {
        let mut snapshot = Snapshot::default();
        assert!(not_checked_in(&snapshot).contains(&"bucket.config-field-refused"));
        let mut settings = k8s_openapi::api::core::v1::ConfigMap::default();
        settings.metadata.name = Some(crate::snapshot::ROOK_OPERATOR_CONFIG.into());
        snapshot.config_maps.items.push(settings);
        assert!(!not_checked_in(&snapshot).contains(&"bucket.config-field-refused"));
        assert!(status_rules().any(|r| r.code == NEEDS_OPERATOR_SETTINGS[0]));
    }
}
