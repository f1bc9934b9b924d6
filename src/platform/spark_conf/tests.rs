//! Each reader against a table of what Spark 4.0 does with each text
//! (`JavaUtils.byteStringAs`/`timeStringAs`, `ByteUnit`, `ConfigHelpers`), the
//! bounds of the entries, and a property test of the byte reader against an
//! independent calculation.

use super::*;
use proptest::prelude::*;

const MIB: i64 = 1 << 20;

#[test]
fn byte_strings_as_spark_reads_them() {
    use ByteUnit::{Byte, KiB, MiB};
    let cases: &[(&str, ByteUnit, Result<i64, &str>)] = &[
        ("4g", MiB, Ok(4096)),
        ("4G", MiB, Ok(4096)),
        ("4gb", MiB, Ok(4096)),
        ("4GB", MiB, Ok(4096)),
        ("512m", MiB, Ok(512)),
        ("512", MiB, Ok(512)), // a bare number is in the entry's unit
        ("1t", MiB, Ok(1 << 20)),
        ("1p", MiB, Ok(1 << 30)),
        ("2048k", MiB, Ok(2)),
        ("1000k", MiB, Ok(0)), // 1000 KiB is 0 whole MiB: ByteUnit divides
        ("1b", MiB, Ok(0)),
        (" 4g ", MiB, Ok(4096)), // trimmed after lower-casing
        ("-1g", MiB, Ok(-1024)), // byteFromString: a leading - negates
        ("0", Byte, Ok(0)),
        ("64k", KiB, Ok(64)),
        ("10m", Byte, Ok(10 * MIB)),
        ("8p", Byte, Ok(8 << 50)),
        // refused
        ("8192p", Byte, Err("is more than 2^63 − 1 bytes")),
        (
            "1.5g",
            MiB,
            Err("has a fraction: Spark takes whole numbers only"),
        ),
        ("4gib", MiB, Err("has the unknown unit 'gib'")),
        ("4gi", MiB, Err("has the unknown unit 'gi'")),
        (
            "4 g",
            MiB,
            Err("is not a whole number with an optional unit"),
        ),
        (
            "+4g",
            MiB,
            Err("is not a whole number with an optional unit"),
        ),
        (
            " -1g",
            MiB,
            Err("is not a whole number with an optional unit"),
        ),
        (
            "--1g",
            MiB,
            Err("is not a whole number with an optional unit"),
        ),
        ("g", MiB, Err("is not a whole number with an optional unit")),
        ("", MiB, Err("is not a whole number with an optional unit")),
        (
            "lots",
            MiB,
            Err("is not a whole number with an optional unit"),
        ),
        (
            "1e3m",
            MiB,
            Err("is not a whole number with an optional unit"),
        ),
        ("1e", MiB, Err("has the unknown unit 'e'")),
        ("99999999999999999999", Byte, Err("is more than 2^63 − 1")),
        (
            "٤g",
            MiB,
            Err("is not a whole number with an optional unit"),
        ),
    ];
    for (text, unit, want) in cases {
        assert_eq!(
            byte_string(text, *unit),
            want.map_err(str::to_string),
            "{text:?} in {unit:?}"
        );
    }
}

#[test]
fn time_strings_as_spark_reads_them() {
    let cases: &[(&str, i64, Result<i64, &str>)] = &[
        ("120s", SECONDS, Ok(120)),
        ("120", SECONDS, Ok(120)),
        ("2min", SECONDS, Ok(120)),
        ("2m", SECONDS, Ok(120)),
        ("2M", SECONDS, Ok(120)),
        ("1h", SECONDS, Ok(3600)),
        ("1d", SECONDS, Ok(86400)),
        ("1500ms", SECONDS, Ok(1)), // truncated
        ("10s", MS, Ok(10_000)),
        ("250us", MS, Ok(0)),
        ("-1s", SECONDS, Ok(-1)), // the pattern takes a sign
        (" 30s ", SECONDS, Ok(30)),
        ("9223372036854775807d", SECONDS, Ok(i64::MAX)), // TimeUnit saturates
        (
            "1.5h",
            SECONDS,
            Err("is not a whole number with an optional unit"),
        ),
        (
            "10 s",
            SECONDS,
            Err("is not a whole number with an optional unit"),
        ),
        ("10sec", SECONDS, Err("has the unknown unit 'sec'")),
        ("10ns", SECONDS, Err("has the unknown unit 'ns'")),
        (
            "PT10S",
            SECONDS,
            Err("is not a whole number with an optional unit"),
        ),
        (
            "",
            SECONDS,
            Err("is not a whole number with an optional unit"),
        ),
        (
            "99999999999999999999s",
            SECONDS,
            Err("is out of range for a long (±2^63)"),
        ),
    ];
    for (text, unit, want) in cases {
        assert_eq!(
            time_string(text, *unit),
            want.map_err(str::to_string),
            "{text:?}"
        );
    }
}

/// `(key, value, why it is refused)`: each entry's type and bounds, from the
/// Spark source the catalogue cites.
const ENTRY_CASES: &[(&str, &str, Option<&str>)] = &[
    ("spark.executor.memory", "4g", None),
    ("spark.executor.memory", "450m", None),
    (
        "spark.executor.memory",
        "449m",
        Some("is not at least 450m (UnifiedMemoryManager)"),
    ),
    (
        "spark.executor.memory",
        "400000k",
        Some("is not at least 450m (UnifiedMemoryManager)"),
    ),
    (
        "spark.driver.memory",
        "4gib",
        Some("has the unknown unit 'gib'"),
    ),
    (
        "spark.executor.memoryOverhead",
        "1.5g",
        Some("has a fraction: Spark takes whole numbers only"),
    ),
    (
        "spark.executor.memoryOverheadFactor",
        "0",
        Some("is not above 0"),
    ),
    ("spark.executor.memoryOverheadFactor", "0.1", None),
    (
        "spark.executor.memoryOverheadFactor",
        "10%",
        Some("is not a number"),
    ),
    (
        "spark.executor.memoryOverheadFactor",
        "NaN",
        Some("is not above 0"),
    ),
    ("spark.kubernetes.memoryOverheadFactor", "0", None),
    (
        "spark.memory.storageFraction",
        "1.0",
        Some("is not at least 0 and below 1"),
    ),
    ("spark.memory.storageFraction", "0", None),
    (
        "spark.memory.offHeap.size",
        "-1g",
        Some("is not not negative"),
    ),
    ("spark.sql.shuffle.partitions", "0", Some("is not above 0")),
    ("spark.sql.shuffle.partitions", " 200 ", None),
    (
        "spark.sql.shuffle.partitions",
        "200.0",
        Some("is not a whole number"),
    ),
    (
        "spark.sql.shuffle.partitions",
        "3000000000",
        Some("is out of range for an int (−2147483648 to 2147483647)"),
    ),
    ("spark.sql.adaptive.enabled", "TRUE", None),
    ("spark.sql.adaptive.enabled", " false ", None),
    (
        "spark.sql.adaptive.enabled",
        "yes",
        Some("is neither true nor false"),
    ),
    (
        "spark.sql.adaptive.enabled",
        "1",
        Some("is neither true nor false"),
    ),
    ("spark.kryoserializer.buffer.max", "2047m", None),
    (
        "spark.kryoserializer.buffer.max",
        "2g",
        Some("is not below 2048m (KryoSerializer)"),
    ),
    ("spark.kryoserializer.buffer", "64k", None),
    (
        "spark.kryoserializer.buffer",
        "2g",
        Some("is not below 2048m (KryoSerializer)"),
    ),
    ("spark.network.timeout", "2min", None),
    (
        "spark.network.timeout",
        "2 minutes",
        Some("is not a whole number with an optional unit"),
    ),
    (
        "spark.dynamicAllocation.executorIdleTimeout",
        "-1s",
        Some("is not at least 0s"),
    ),
    (
        "spark.eventLog.rolling.maxFileSize",
        "9m",
        Some("is not at least 10m"),
    ),
    ("spark.executor.memory", "${env:EXECUTOR_MEMORY}", None),
    ("spark.some.unknown.key", "whatever", None),
];

#[test]
fn entries_with_their_types_and_bounds() {
    let cases = ENTRY_CASES;
    for (key, value, want) in cases {
        assert_eq!(
            check_value(key, value).err().as_deref(),
            *want,
            "{key}={value}"
        );
    }
}

#[test]
fn the_table_is_sorted_and_every_bound_is_named() {
    assert!(ENTRIES.windows(2).all(|w| w[0].key < w[1].key));
    for entry in ENTRIES {
        assert!(entry_of(entry.key).is_some(), "{}", entry.key);
        assert!(!accepts(entry).is_empty());
    }
}

#[test]
fn an_application_names_each_setting_spark_refuses() {
    let app: SparkApplication = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "nightly"},
        "spec": {
            "type": "Scala",
            "memoryOverheadFactor": "-0.5",
            "sparkConf": {
                "spark.sql.shuffle.partitions": "0",
                "spark.network.timeout": "120s",
                "spark.sql.adaptive.enabled": "on"
            },
            "driver": {"memory": "2gib"},
            "executor": {"memory": "4g", "memoryOverhead": "0.5g"}
        }
    }))
    .unwrap();
    let got: Vec<(String, String)> = check(&app)
        .into_iter()
        .map(|r| (r.setting, r.why))
        .collect();
    assert_eq!(
        got,
        [
            (
                "sparkConf.spark.sql.adaptive.enabled".into(),
                "is neither true nor false".into()
            ),
            (
                "sparkConf.spark.sql.shuffle.partitions".into(),
                "is not above 0".into()
            ),
            ("driver.memory".into(), "has the unknown unit 'gib'".into()),
            (
                "executor.memoryOverhead".into(),
                "has a fraction: Spark takes whole numbers only".into()
            ),
            ("memoryOverheadFactor".into(), "is not at least 0".into()),
        ]
    );
}

/// Spark's suffixes, written independently: (suffix as written, bytes).
fn suffix() -> impl Strategy<Value = (String, i64)> {
    prop_oneof![
        Just(("".to_string(), 1i64)),
        Just(("b".to_string(), 1)),
        Just(("K".to_string(), 1024)),
        Just(("kB".to_string(), 1024)),
        Just(("m".to_string(), 1024 * 1024)),
        Just(("Mb".to_string(), 1024 * 1024)),
        Just(("g".to_string(), 1024 * 1024 * 1024)),
        Just(("GB".to_string(), 1024 * 1024 * 1024)),
        Just(("t".to_string(), 1024_i64.pow(4))),
    ]
}

proptest! {
    #[test]
    fn bytes_match_an_independent_calculation(n in 0u32..5_000_000, (written, bytes) in suffix(), negative: bool) {
        let text = format!("{}{n}{written}", if negative { "-" } else { "" });
        let sign = if negative { -1 } else { 1 };
        // In bytes: the number times the suffix (bare: bytes).
        let total = i128::from(n) * i128::from(bytes);
        prop_assert_eq!(byte_string(&text, ByteUnit::Byte), Ok((total as i64) * sign));
        // In MiB: a bare number is MiB; a smaller suffix truncates toward 0.
        let mib = if written.is_empty() { i128::from(n) } else { total / (1 << 20) };
        prop_assert_eq!(byte_string(&text, ByteUnit::MiB), Ok((mib as i64) * sign));
    }
}

#[test]
fn hadoop_values_as_s3a_reads_them() {
    let bytes: &[(&str, Result<Option<i64>, &str>)] = &[
        ("64M", Ok(Some(64 * MIB))),
        ("64m", Ok(Some(64 * MIB))),
        (" 1g ", Ok(Some(1 << 30))),
        ("104857600", Ok(Some(100 * MIB))),
        ("-1k", Ok(Some(-1024))),
        ("1e", Ok(Some(1 << 60))),
        ("8e", Err("does not fit in a long")),
        (
            "64MB",
            Err("has the unknown unit 'B' (Hadoop takes one letter: k, m, g, t, p or e)"),
        ),
        (
            "64Mi",
            Err("has the unknown unit 'i' (Hadoop takes one letter: k, m, g, t, p or e)"),
        ),
        ("64 M", Err("is not a whole number")),
        ("1.5G", Err("is not a whole number")),
        ("", Err("is empty")),
    ];
    for (text, want) in bytes {
        assert_eq!(hadoop_bytes(text), want.map_err(str::to_string), "{text:?}");
    }
    let ints: &[(&str, Result<Option<i64>, &str>)] = &[
        ("200", Ok(Some(200))),
        (" 200 ", Ok(Some(200))),
        ("0x10", Ok(Some(16))),
        ("-0x10", Ok(Some(-16))),
        ("0x", Err("is not a whole number (int)")),
        ("0x1G", Err("is not a whole number (int)")),
        ("200.0", Err("is not a whole number")),
        (
            "3000000000",
            Err("is out of range for an int (−2147483648 to 2147483647)"),
        ),
    ];
    for (text, want) in ints {
        assert_eq!(hadoop_int(text), want.map_err(str::to_string), "{text:?}");
    }
    for (key, value, want) in [
        (
            "spark.hadoop.fs.s3a.connection.maximum",
            "0",
            Some("is not at least 1 (S3AUtils.intOption)"),
        ),
        (
            "fs.s3a.connection.maximum",
            "0",
            Some("is not at least 1 (S3AUtils.intOption)"),
        ),
        ("fs.s3a.threads.max", "0", None),
        (
            "fs.s3a.multipart.size",
            "128MB",
            Some("has the unknown unit 'B' (Hadoop takes one letter: k, m, g, t, p or e)"),
        ),
        ("fs.s3a.multipart.size", "64M", None),
        ("fs.s3a.endpoint", "anything", None),
    ] {
        assert_eq!(
            check_value(key, value).err().as_deref(),
            want,
            "{key}={value}"
        );
    }
    assert!(HADOOP_ENTRIES.windows(2).all(|w| w[0].key < w[1].key));
    assert!(
        HADOOP_ENTRIES
            .iter()
            .all(|h| ENTRIES.iter().all(|e| e.key != h.key))
    );
}
