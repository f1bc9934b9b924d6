//! The one catalogue of rules: every finding code `status` (and `buckets`,
//! `quota check`) can report, with its severity, what it means, its place in
//! docs/findings.md, whether it needs a live cluster, and how `tune` relates to
//! it. `Finding::new` refuses a code that is not here (in debug builds, so every
//! test catches it), and the tests below hold the catalogue, the docs and tune's
//! rule list together. A new rule starts with a line here; its logic goes in
//! the module of what it judges ([`jvm`], [`server`], [`iceberg`], [`spark`]) when
//! both `status` and `tune` use it.

use crate::findings::Severity;

mod catalogue_engines;
mod catalogue_platform;
pub mod iceberg;
pub mod jvm;
pub mod proposal;
pub mod server;
pub mod spark;

pub use crate::platform::trino::memory::round_size;

/// Bytes as a Kubernetes quantity in whole GiB (`23Gi`).
pub(crate) fn gib(bytes: u64) -> String {
    crate::platform::quantity::Quantity::from_bytes(bytes as i128).display_bytes()
}

/// How `tune` relates to a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tune {
    /// A config fault `tune plan` fixes, with the tune rules that do it.
    Fixes(&'static [&'static str]),
    /// A config finding tune cannot fix by editing a file, and why.
    Cannot(&'static str),
    /// About the running platform or the cluster, not a config file.
    NotAConfigFile,
}

/// One rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The stable code (`trino.heap-above-limit`).
    pub code: &'static str,
    /// Its usual severity (a few rules grade by degree: the finding says).
    pub severity: Severity,
    /// Whether it can only be judged on a live cluster (pod states, events,
    /// probes, synced secrets), never from manifests alone.
    pub live_only: bool,
    /// How `tune` relates to it.
    pub tune: Tune,
    /// What it means, as docs/findings.md says it.
    pub meaning: &'static str,
}

impl Rule {
    /// Where docs/findings.md explains it (the table row's anchor).
    pub(crate) fn docs_anchor(&self) -> String {
        format!("docs/findings.md#{}", self.code)
    }
}

/// Tune rules that improve a setup that works: proposals, never findings.
pub(crate) const TUNE_IMPROVEMENTS: &[&str] = &[
    "trino.g1",
    "trino.g1-region",
    "trino.documented-jvm-flag",
    "iceberg.file-format",
    "iceberg.compression-codec",
    "iceberg.native-s3",
    "iceberg.s3-connections",
    "iceberg.metadata-cache",
    "iceberg.parquet-vectorized",
    "spark.aqe-parallelism-first",
    "spark.kryo-buffer",
    "spark.arrow",
    "spark.s3a-upload-buffer",
    "spark.s3a-multipart",
    "spark.s3a-legacy",
    "spark.memory-overhead",
];

/// Every rule, grouped by component as docs/findings.md lists them.
pub fn rules() -> impl Iterator<Item = &'static Rule> {
    catalogue_engines::ENGINES
        .iter()
        .chain(catalogue_platform::PLATFORM)
}

/// The rule of a code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    rules().find(|r| r.code == code)
}

/// The status codes a tune rule fixes.
pub fn fixed_by(tune_rule: &str) -> impl Iterator<Item = &'static Rule> + '_ {
    rules().filter(move |r| matches!(r.tune, Tune::Fixes(fixes) if fixes.contains(&tune_rule)))
}

/// Whether a tune rule is known: it fixes a catalogued finding or is an improvement.
pub(crate) fn is_tune_rule(name: &str) -> bool {
    TUNE_IMPROVEMENTS.contains(&name) || fixed_by(name).next().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCS: &str = include_str!("../../../docs/findings.md");

    #[test]
    fn codes_are_unique_and_documented() {
        let mut seen = std::collections::BTreeSet::new();
        for rule in rules() {
            assert!(seen.insert(rule.code), "{} twice", rule.code);
            assert!(
                DOCS.contains(&format!("| `{}` |", rule.code)),
                "{} has no row in docs/findings.md",
                rule.code
            );
        }
    }

    #[test]
    fn every_documented_code_is_a_rule() {
        // Every code table: the main one and the other commands' (not the
        // pod-level causes nor the tune-rule pairs, which are not findings).
        let main = &DOCS[..DOCS.find("## Pod-level causes").unwrap_or(DOCS.len())];
        let others = DOCS
            .find("## What `--fail-on` grades")
            .map_or("", |i| &DOCS[i..]);
        for line in main
            .lines()
            .chain(others.lines())
            .filter(|l| l.starts_with("| `"))
        {
            let code = line.split('`').nth(1).unwrap_or_default();
            assert!(
                rule(code).is_some(),
                "docs/findings.md lists {code}, the catalogue does not"
            );
        }
    }

    #[test]
    fn tune_fixes_are_for_config_rules_only() {
        for rule in rules() {
            if let Tune::Fixes(names) = rule.tune {
                assert!(
                    !rule.live_only,
                    "{}: a live-only rule has no config fix",
                    rule.code
                );
                assert!(!names.is_empty(), "{}", rule.code);
            }
        }
        for improvement in TUNE_IMPROVEMENTS {
            assert!(
                fixed_by(improvement).next().is_none(),
                "{improvement} is both"
            );
        }
    }
}
