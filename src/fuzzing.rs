//! Fuzzing hook: one check per parser, shared by the cargo-fuzz targets in
//! `fuzz/fuzz_targets/` (nightly, libFuzzer) and by a unit test that replays the
//! committed corpus `fuzz/corpus/<target>/` on stable, so every input the fuzzer
//! kept stays a regression test in CI.
//!
//! Each check takes arbitrary bytes, runs one parser and panics when the parser
//! panics or breaks one of its own invariants (print-then-parse round trips,
//! bounds). Not part of the suite's API: it exists only for the fuzzer, and the
//! private parsers it reaches (the S3 XML reader, the kubeconfig pre-check) stay
//! private.

use crate::platform::bucket::Lifecycle;
use crate::platform::jvm::{JvmConfig, format_jvm_size, parse_jvm_size};
use crate::platform::properties::{MAX_DATA_SIZE, Properties, format_data_size, parse_data_size};
use crate::platform::quantity::{Quantity, parse_positive};

/// A check: panics when the parser panics or breaks an invariant on `data`.
#[cfg(test)] // only the tests use it
pub(crate) type Check = fn(data: &[u8]);

/// Every target: its name (the file `fuzz/fuzz_targets/<name>.rs` and the corpus
/// folder `fuzz/corpus/<name>/`) and its check.
#[cfg(test)] // only the tests use it
pub(crate) const TARGETS: &[(&str, Check)] = &[
    ("quantity", quantity),
    ("properties", properties),
    ("jvm_config", jvm_config),
    ("data_size", data_size),
    ("bucket_lifecycle", bucket_lifecycle),
    ("s3_xml", s3_xml),
    ("kubeconfig_text", kubeconfig_text),
    ("object_size", object_size),
    ("duration", duration),
    ("spark_size", spark_size),
    ("redact", redact),
    ("tune_backup", tune_backup),
];

/// Kubernetes quantities (`platform::quantity`): the canonical display parses
/// back to the same value; `parse_positive` agrees with the sign.
pub fn quantity(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(q) = text.parse::<Quantity>() else {
        assert!(parse_positive(text).is_err());
        return;
    };
    let canonical = q.to_string();
    assert_eq!(
        canonical.parse::<Quantity>(),
        Ok(q),
        "display '{canonical}' of '{text}' does not parse back"
    );
    assert_eq!(parse_positive(text).is_ok(), q > Quantity::ZERO);
    let _ = (q.display_bytes(), q.display_cpu(), q.display_for("pods"));
    let _ = (
        q.units_ceil(),
        q.millis_ceil(),
        q.ratio(q),
        q.scale_floor(3, 4),
    );
}

/// Java `.properties` (`platform::properties`): printing gives back the input
/// byte for byte; after `set` (and `remove`) a re-read sees the new value (or
/// none). Input: `file NUL key NUL value`.
pub fn properties(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (file, edit) = text.split_once('\0').unwrap_or((text, "a.b"));
    let (key, value) = edit.split_once('\0').unwrap_or((edit, "1GB"));
    let parsed = Properties::parse(file);
    assert_eq!(parsed.to_string(), file, "not written back byte for byte");
    let _ = (parsed.problems(), parsed.get(key), parsed.line_of(key));
    for (_, value, _) in parsed.entries() {
        let _ = parse_data_size(value);
    }
    let mut edited = parsed.clone();
    edited.set(key, value);
    let reread = Properties::parse(&edited.to_string());
    assert_eq!(
        reread.get(key),
        Some(value),
        "set({key:?}, {value:?}) is not read back from {:?}",
        edited.to_string()
    );
    let mut removed = parsed;
    removed.remove(key);
    let reread = Properties::parse(&removed.to_string());
    assert_eq!(reread.get(key), None, "remove({key:?}) left the key");
}

/// Trino `jvm.config` (`platform::jvm`): printing gives back the input; a heap
/// size formats and parses back; `set_option("-Xmx", ..)` is what `max_heap` reads.
pub fn jvm_config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(bytes) = parse_jvm_size(text) {
        assert_eq!(parse_jvm_size(&format_jvm_size(bytes)), Some(bytes));
    }
    let config = JvmConfig::parse(text);
    assert_eq!(config.to_string(), text, "not written back byte for byte");
    let _ = (config.problems(), config.legacy_flags(), config.gc());
    let _ = (config.max_ram_percentage(), config.g1_region_size());
    if let Some((bytes, _)) = config.max_heap() {
        assert_eq!(parse_jvm_size(&format_jvm_size(bytes)), Some(bytes));
    }
    let mut edited = config;
    edited.set_option("-Xmx", "-Xmx3G");
    let reread = JvmConfig::parse(&edited.to_string());
    assert_eq!(reread.max_heap().map(|(b, _)| b), Some(3 << 30));
}

/// Trino data sizes (`query.max-memory-per-node=8GB`, `platform::properties`):
/// within Trino's range, and the formatted size parses back exactly.
pub fn data_size(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(bytes) = parse_data_size(text) {
        assert!(bytes < MAX_DATA_SIZE);
        let formatted = format_data_size(bytes);
        assert_eq!(parse_data_size(&formatted), Some(bytes), "'{formatted}'");
    }
}

/// A claim's `bucketLifecycle` JSON (`platform::bucket`): every check runs
/// without a panic, and what Rook can read serializes and reads back the same.
pub fn bucket_lifecycle(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let reading = crate::platform::bucket::lifecycle::check(text);
    for problem in &reading.problems {
        let _ = (problem.path(), problem.place());
    }
    let Ok(lifecycle) = Lifecycle::parse(text) else {
        return;
    };
    let _ = (lifecycle.summary(), lifecycle.unsorted_ids());
    let _ = lifecycle.duplicate_ids();
    let json = serde_json::to_string(&lifecycle).expect("a lifecycle serializes");
    let again = Lifecycle::parse(&json).expect("a serialized lifecycle parses");
    assert_eq!(again, lifecycle);
}

/// The S3 XML reader (`s3::xml`): no answer body makes it panic, and a lifecycle
/// it reads is written to a document that reads back to the same document.
pub fn s3_xml(data: &[u8]) {
    use crate::s3::xml;
    let _ = xml::error(data);
    let _ = xml::upload_id(data);
    let _ = xml::uploads(data);
    if let Ok(page) = xml::list_page(data) {
        assert!(page.objects > 0 || page.bytes == 0);
    }
    if let Ok(lifecycle) = xml::lifecycle(data) {
        let document = xml::lifecycle_document(&lifecycle);
        let again = xml::lifecycle(document.as_bytes())
            .unwrap_or_else(|e| panic!("the written document {document:?} does not read: {e}"));
        assert_eq!(xml::lifecycle_document(&again), document);
    }
}

/// The kubeconfig pre-check (`kube::connect`): refuses exactly what is not
/// UTF-8, in one short line that never quotes the file.
pub fn kubeconfig_text(data: &[u8]) {
    let reason = crate::kube::kubeconfig_not_utf8(data);
    assert_eq!(reason.is_none(), std::str::from_utf8(data).is_ok());
    if let Some(reason) = reason {
        assert!(reason.is_ascii() && !reason.contains('\n') && reason.len() < 200);
    }
}

/// `perf --object-size` (`perf::storage::parse_size`): 1 byte to 5GiB, and the
/// label of a size parses back to it.
pub fn object_size(data: &[u8]) {
    use crate::perf::storage::{parse_size, size_label};
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(bytes) = parse_size(text) {
        assert!((1..=5 << 30).contains(&bytes));
        assert_eq!(parse_size(&size_label(bytes)), Ok(bytes));
    }
}

/// `--request-timeout` and other durations (`cli::parse_duration`): never panics;
/// a bare number is seconds.
pub fn duration(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = crate::cli::parse_duration(text);
    if let Ok(seconds) = text.trim().parse::<u64>() {
        assert_eq!(parsed, Ok(std::time::Duration::from_secs(seconds)));
    }
}

/// Spark sizes in `sparkConf` (`platform::rules::spark::parse_size`): never panics;
/// a suffix multiplies the bare number.
pub fn spark_size(data: &[u8]) {
    use crate::platform::rules::spark::parse_size;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let (Some(mib), Some(bytes)) = (parse_size(text, 1 << 20), parse_size(text, 1)) {
        assert!(mib == bytes || mib == bytes << 20);
    }
}

/// The output redactor (`redact`): never panics, masking twice changes
/// nothing, the line-buffered writer agrees with `text`, and a value written
/// after `password=` on its own line never survives.
pub fn redact(data: &[u8]) {
    use std::io::Write;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let once = crate::redact::text(text).into_owned();
    assert_eq!(crate::redact::text(&once), once);
    let mut written = Vec::new();
    {
        let mut writer = crate::redact::Redacting::new(&mut written);
        let half = text.len() / 2;
        let cut = (half..=text.len())
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(text.len());
        writer.write_all(&text.as_bytes()[..cut]).unwrap();
        writer.write_all(&text.as_bytes()[cut..]).unwrap();
        writer.flush().unwrap();
    }
    assert_eq!(String::from_utf8_lossy(&written), once);
    let planted = format!("{text}\npassword=Zq7planted\n");
    assert!(!crate::redact::text(&planted).contains("Zq7planted"));
}

/// `tune rollback`'s backup reader (`tune::backup`): never panics; a backup it
/// accepts names only what tune changes and keeps its digest when written back.
pub fn tune_backup(data: &[u8]) {
    use crate::tune::backup::Backup;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(backup) = Backup::parse("b", text) {
        assert!(backup.check().is_ok());
        let again = Backup::parse("b", &backup.to_text()).expect("a backup reads back");
        assert_eq!(again.digest("b"), backup.digest("b"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Replays `fuzz/corpus/<target>/*` through each check (stable, no libFuzzer).
    #[test]
    fn fuzz_corpus_is_a_regression_suite() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
        for (name, check) in TARGETS {
            let target = root.join("fuzz_targets").join(format!("{name}.rs"));
            assert!(target.is_file(), "{} is missing", target.display());
            let dir = root.join("corpus").join(name);
            let entries = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .map(|e| e.expect("corpus entry").path())
                .collect::<Vec<_>>();
            assert!(!entries.is_empty(), "{} is empty", dir.display());
            for path in entries {
                let data = std::fs::read(&path).expect("corpus file");
                let outcome = std::panic::catch_unwind(|| check(&data));
                assert!(outcome.is_ok(), "{name}: {} fails", path.display());
            }
        }
    }
}
