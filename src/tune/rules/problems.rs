//! One rule set for `tune` and `status`: which tune rules detect a fault (and the
//! status finding that reports the same fault), which only improve a working
//! setup, and which status findings tune cannot fix by editing a file. The tests
//! below read every rule name out of both sides' sources and fail when a rule
//! exists on one side only.

/// A fault both commands report: the tune rule that proposes the fix and the
/// status finding code. Several tune rules may fix one finding and one rule may
/// answer several findings (the heap share rule covers above/near/not set).
pub const PROBLEMS: &[(&str, &str)] = &[
    ("trino.heap-share", "trino.heap-above-limit"),
    ("trino.heap-share", "trino.heap-near-limit"),
    ("trino.heap-share", "trino.heap-not-set"),
    ("trino.legacy-jvm-flag", "trino.legacy-jvm-flag"),
    ("trino.removed-property", "trino.removed-property"),
    (
        "trino.query-memory-per-node",
        "trino.query-memory-exceeds-heap",
    ),
    ("trino.heap-headroom", "trino.query-memory-exceeds-heap"),
    ("trino.query-memory-per-node", "trino.config-invalid-size"),
    ("trino.heap-headroom", "trino.config-invalid-size"),
    ("trino.query-max-memory", "trino.query-memory-above-workers"),
    (
        "trino.query-max-total-memory",
        "trino.query-total-below-max",
    ),
    (
        "iceberg.invented-property",
        "trino.catalog-unknown-property",
    ),
    ("spark.aqe", "spark.aqe-disabled"),
    ("spark.kryo", "spark.kryo-disabled"),
    ("spark.jars-packages", "spark.packages-at-startup"),
    (
        "spark.s3a-connections",
        "spark.s3a-connections-below-threads",
    ),
    (
        "spark.driver-result-size",
        "spark.driver-result-size-too-large",
    ),
];

/// Tune rules that improve a setup that works: proposals, not status findings.
pub const IMPROVEMENTS: &[&str] = &[
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

/// Status config findings without a tune proposal, and why tune cannot make one.
pub const STATUS_ONLY: &[(&str, &str)] = &[
    (
        "trino.config-malformed",
        "a line that does not parse has no meaning to rewrite: tune lists it as a note",
    ),
    (
        "trino.no-memory-limit",
        "the heap share needs a limit; tune sizes limits only with --memory",
    ),
    (
        "trino.configmap-missing",
        "nothing to edit: the object is absent",
    ),
    (
        "trino.catalog-unverified-property",
        "information only: the name may be valid in another Trino version",
    ),
    (
        "trino.catalog-nessie-missing",
        "a deployment fault (the Service), not a setting",
    ),
    (
        "trino.catalog-s3-missing",
        "a deployment fault (the Service), not a setting",
    ),
    (
        "trino.catalog-literal-secret",
        "the value must move into a Secret the pod reads as ${ENV:...}: a change to the workload, not to the file alone",
    ),
];

/// Status findings about the running platform, not its configuration.
pub const RUNTIME: &[&str] = &[
    "trino.not-ready",
    "trino.degraded",
    "trino.oom-killed",
    "spark.application-failed",
    "spark.driver-not-running",
];

/// The status code for a tune rule's fault, when the rule detects one.
pub fn status_code_of(tune_rule: &str) -> Vec<&'static str> {
    PROBLEMS
        .iter()
        .filter(|(t, _)| *t == tune_rule)
        .map(|(_, s)| *s)
        .collect()
}

/// The tune rules that fix a status finding.
pub fn tune_rules_of(status_code: &str) -> Vec<&'static str> {
    PROBLEMS
        .iter()
        .filter(|(_, s)| *s == status_code)
        .map(|(t, _)| *t)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `"trino.x"`, `"iceberg.x"` or `"spark.x"` literal outside the tests
    /// of a source file: rule names and codes, plus setting names (which have a
    /// dot after the prefix part and are filtered by the caller).
    fn names(source: &str, prefixes: &[&str]) -> Vec<String> {
        let code = source.split("#[cfg(test)]").next().unwrap_or(source);
        let mut out = Vec::new();
        for piece in code.split('"').skip(1).step_by(2) {
            let Some((prefix, rest)) = piece.split_once('.') else {
                continue;
            };
            let is_name = prefixes.contains(&prefix)
                && !rest.is_empty()
                && rest
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if is_name && !out.contains(&piece.to_string()) {
                out.push(piece.to_string());
            }
        }
        out
    }

    const TUNE_SOURCES: [&str; 4] = [
        include_str!("jvm.rs"),
        include_str!("server.rs"),
        include_str!("catalog.rs"),
        include_str!("spark.rs"),
    ];
    const STATUS_SOURCES: [&str; 4] = [
        include_str!("../../status/analyse/trino/mod.rs"),
        include_str!("../../status/analyse/trino/catalog.rs"),
        include_str!("../../status/analyse/spark.rs"),
        include_str!("../../status/analyse/nessie/mod.rs"),
    ];

    /// Setting names that look like rule names (`spark.serializer` is both).
    fn is_setting(name: &str) -> bool {
        matches!(name, "spark.serializer") || name.starts_with("iceberg.") && !is_tune_rule(name)
    }

    fn is_tune_rule(name: &str) -> bool {
        PROBLEMS.iter().any(|(t, _)| *t == name) || IMPROVEMENTS.contains(&name)
    }

    #[test]
    fn every_tune_rule_is_a_fault_or_an_improvement() {
        for source in TUNE_SOURCES {
            for name in names(source, &["trino", "iceberg", "spark"]) {
                if is_setting(&name) {
                    continue;
                }
                assert!(
                    is_tune_rule(&name),
                    "tune rule {name} is neither in PROBLEMS (with its status code) nor in IMPROVEMENTS"
                );
            }
        }
    }

    #[test]
    fn every_status_config_finding_has_a_tune_rule_or_a_reason() {
        for source in STATUS_SOURCES {
            for name in names(source, &["trino", "spark"]) {
                // A tune rule named in status: status calls that rule itself.
                if name == "spark.serializer" || is_tune_rule(&name) {
                    continue;
                }
                let known = PROBLEMS.iter().any(|(_, s)| *s == name)
                    || STATUS_ONLY.iter().any(|(s, _)| *s == name)
                    || RUNTIME.contains(&name.as_str());
                assert!(
                    known,
                    "status code {name} has no tune rule in PROBLEMS, no reason in STATUS_ONLY, and is not a RUNTIME finding"
                );
            }
        }
    }

    #[test]
    fn both_sides_of_every_pair_exist() {
        let tune: Vec<String> = TUNE_SOURCES
            .iter()
            .flat_map(|s| names(s, &["trino", "iceberg", "spark"]))
            .collect();
        let status: Vec<String> = STATUS_SOURCES
            .iter()
            .flat_map(|s| names(s, &["trino", "spark"]))
            .collect();
        for (t, s) in PROBLEMS {
            assert!(
                tune.iter().any(|n| n == t),
                "PROBLEMS names tune rule {t}, which no rule emits"
            );
            assert!(
                status.iter().any(|n| n == s),
                "PROBLEMS names status code {s}, which status never reports"
            );
        }
        for t in IMPROVEMENTS {
            assert!(
                tune.iter().any(|n| n == t),
                "IMPROVEMENTS names {t}, which no rule emits"
            );
        }
        let docs = include_str!("../../../docs/findings.md");
        for (_, s) in PROBLEMS {
            assert!(
                docs.contains(&format!("`{s}`")),
                "{s} is not in docs/findings.md"
            );
        }
    }
}
