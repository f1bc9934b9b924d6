//! Spark conf values by type, read the way Spark 4.0 reads them: the typed
//! `ConfigBuilder` entries (`booleanConf`, `intConf`, `longConf`, `doubleConf`,
//! `bytesConf(unit)`, `timeConf(unit)`), their converters (`ConfigHelpers`:
//! `s.trim.toBoolean`, `s.trim.toInt`…; `byteFromString` →
//! `JavaUtils.byteStringAs` → `ByteUnit.convertFrom`; `JavaUtils.timeStringAs`
//! → `TimeUnit.convert`) and the `checkValue` bounds the entries declare, plus
//! the start-up checks Spark makes on them (`UnifiedMemoryManager`: 450m of
//! memory at least; `KryoSerializer`: buffers below 2048m).
//!
//! A value Spark refuses fails the application at submission or when the
//! driver starts (SQL entries when the session merges its conf). Keys not in
//! [`ENTRIES`] and values holding `${…}` (Spark substitutes them) are not judged.

mod hadoop;

#[cfg(test)]
use hadoop::HADOOP_ENTRIES;
pub(crate) use hadoop::{hadoop_bytes, hadoop_entry_of, hadoop_int};

use crate::platform::crds::SparkApplication;
use crate::platform::trino::values::units::{self, Reading};

/// `org.apache.spark.network.util.ByteUnit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ByteUnit {
    Byte,
    KiB,
    MiB,
}

impl ByteUnit {
    fn multiplier(self) -> i64 {
        match self {
            ByteUnit::Byte => 1,
            ByteUnit::KiB => 1 << 10,
            ByteUnit::MiB => 1 << 20,
        }
    }

    fn name(self) -> &'static str {
        match self {
            ByteUnit::Byte => "bytes",
            ByteUnit::KiB => "KiB",
            ByteUnit::MiB => "MiB",
        }
    }
}

/// `JavaUtils.byteSuffixes`: every suffix Spark knows and its bytes.
const BYTE_SUFFIXES: &[(&str, i64)] = &[
    ("b", 1),
    ("k", 1 << 10),
    ("kb", 1 << 10),
    ("m", 1 << 20),
    ("mb", 1 << 20),
    ("g", 1 << 30),
    ("gb", 1 << 30),
    ("t", 1 << 40),
    ("tb", 1 << 40),
    ("p", 1 << 50),
    ("pb", 1 << 50),
];

/// `JavaUtils.timeSuffixes` and their microseconds.
const TIME_SUFFIXES: &[(&str, i64)] = &[
    ("us", 1),
    ("ms", 1_000),
    ("s", 1_000_000),
    ("m", 60_000_000),
    ("min", 60_000_000),
    ("h", 3_600_000_000),
    ("d", 86_400_000_000),
];

/// How Spark reads one entry's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum SparkKind {
    /// `booleanConf`: `true`/`false` in any case, trimmed.
    Bool,
    /// `intConf`: Java's `Integer.parseInt` of the trimmed text.
    Int,
    /// `doubleConf`: Java's `Double.parseDouble`.
    Double,
    /// `bytesConf(unit)`: a whole number and an optional suffix; bare numbers
    /// are in `unit`, and the value is held in `unit` (truncated).
    Bytes(ByteUnit),
    /// `timeConf`: a whole number (a sign allowed) and an optional suffix;
    /// bare numbers are in this many microseconds.
    Time(i64),
    /// Hadoop's `Configuration.getInt`: trimmed, `0x` hexadecimal or `Integer.parseInt`.
    HadoopInt,
    /// Hadoop's `Configuration.getLongBytes`
    /// (`StringUtils.TraditionalBinaryPrefix.string2long`): a whole number and
    /// at most one letter `k`, `m`, `g`, `t`, `p`, `e`, any case.
    HadoopBytes,
}

/// A bound: whether a value (in the entry's unit) holds, and the bound in words.
pub(crate) type Bound = (fn(f64) -> bool, &'static str);

/// One entry Spark declares: the key, its type, its bound.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SparkEntry {
    /// The key as written in `sparkConf`.
    pub(crate) key: &'static str,
    /// How the value is read.
    pub(crate) kind: SparkKind,
    /// The bound (`checkValue`, or the start-up check that reads it): whether
    /// the value (in the entry's unit) holds, and the bound in words.
    pub(crate) bound: Option<Bound>,
}

const fn entry(key: &'static str, kind: SparkKind) -> SparkEntry {
    SparkEntry {
        key,
        kind,
        bound: None,
    }
}

const fn bounded(
    key: &'static str,
    kind: SparkKind,
    holds: fn(f64) -> bool,
    words: &'static str,
) -> SparkEntry {
    SparkEntry {
        key,
        kind,
        bound: Some((holds, words)),
    }
}

const MS: i64 = 1_000;
const SECONDS: i64 = 1_000_000;
/// `UnifiedMemoryManager`: 1.5 x the 300MiB it reserves.
const MIN_MEMORY_MIB: f64 = 450.0;
/// `KryoSerializer`: both buffers below 2048 MiB.
const KRYO_LIMIT_MIB: f64 = 2048.0;

/// The entries judged (Spark 4.0: `core/.../internal/config/package.scala`,
/// `Kryo.scala`, `SQLConf.scala`, `deploy/k8s/Config.scala`), sorted by key.
pub(crate) const ENTRIES: &[SparkEntry] = &[
    entry("spark.driver.cores", SparkKind::Int),
    entry(
        "spark.driver.maxResultSize",
        SparkKind::Bytes(ByteUnit::Byte),
    ),
    bounded(
        "spark.driver.memory",
        SparkKind::Bytes(ByteUnit::MiB),
        |v| v >= MIN_MEMORY_MIB,
        "at least 450m (UnifiedMemoryManager)",
    ),
    entry(
        "spark.driver.memoryOverhead",
        SparkKind::Bytes(ByteUnit::MiB),
    ),
    bounded(
        "spark.driver.memoryOverheadFactor",
        SparkKind::Double,
        |v| v > 0.0,
        "above 0",
    ),
    entry(
        "spark.driver.minMemoryOverhead",
        SparkKind::Bytes(ByteUnit::MiB),
    ),
    entry("spark.dynamicAllocation.enabled", SparkKind::Bool),
    bounded(
        "spark.dynamicAllocation.executorIdleTimeout",
        SparkKind::Time(SECONDS),
        |v| v >= 0.0,
        "at least 0s",
    ),
    entry("spark.dynamicAllocation.initialExecutors", SparkKind::Int),
    entry("spark.dynamicAllocation.maxExecutors", SparkKind::Int),
    entry("spark.dynamicAllocation.minExecutors", SparkKind::Int),
    entry(
        "spark.dynamicAllocation.shuffleTracking.enabled",
        SparkKind::Bool,
    ),
    entry("spark.eventLog.enabled", SparkKind::Bool),
    bounded(
        "spark.eventLog.rolling.maxFileSize",
        SparkKind::Bytes(ByteUnit::Byte),
        |v| v >= 10.0 * 1048576.0,
        "at least 10m",
    ),
    entry("spark.executor.cores", SparkKind::Int),
    entry("spark.executor.heartbeatInterval", SparkKind::Time(MS)),
    entry("spark.executor.instances", SparkKind::Int),
    bounded(
        "spark.executor.memory",
        SparkKind::Bytes(ByteUnit::MiB),
        |v| v >= MIN_MEMORY_MIB,
        "at least 450m (UnifiedMemoryManager)",
    ),
    entry(
        "spark.executor.memoryOverhead",
        SparkKind::Bytes(ByteUnit::MiB),
    ),
    bounded(
        "spark.executor.memoryOverheadFactor",
        SparkKind::Double,
        |v| v > 0.0,
        "above 0",
    ),
    entry(
        "spark.executor.minMemoryOverhead",
        SparkKind::Bytes(ByteUnit::MiB),
    ),
    entry(
        "spark.executor.pyspark.memory",
        SparkKind::Bytes(ByteUnit::MiB),
    ),
    bounded(
        "spark.kryoserializer.buffer",
        SparkKind::Bytes(ByteUnit::KiB),
        |v| v < KRYO_LIMIT_MIB * 1024.0,
        "below 2048m (KryoSerializer)",
    ),
    bounded(
        "spark.kryoserializer.buffer.max",
        SparkKind::Bytes(ByteUnit::MiB),
        |v| v < KRYO_LIMIT_MIB,
        "below 2048m (KryoSerializer)",
    ),
    bounded(
        "spark.kubernetes.memoryOverheadFactor",
        SparkKind::Double,
        |v| v >= 0.0,
        "at least 0",
    ),
    entry("spark.memory.fraction", SparkKind::Double),
    entry("spark.memory.offHeap.enabled", SparkKind::Bool),
    bounded(
        "spark.memory.offHeap.size",
        SparkKind::Bytes(ByteUnit::Byte),
        |v| v >= 0.0,
        "not negative",
    ),
    bounded(
        "spark.memory.storageFraction",
        SparkKind::Double,
        |v| (0.0..1.0).contains(&v),
        "at least 0 and below 1",
    ),
    entry("spark.network.timeout", SparkKind::Time(SECONDS)),
    entry("spark.speculation", SparkKind::Bool),
    entry(
        "spark.sql.adaptive.advisoryPartitionSizeInBytes",
        SparkKind::Bytes(ByteUnit::Byte),
    ),
    entry(
        "spark.sql.adaptive.coalescePartitions.enabled",
        SparkKind::Bool,
    ),
    entry(
        "spark.sql.adaptive.coalescePartitions.parallelismFirst",
        SparkKind::Bool,
    ),
    entry("spark.sql.adaptive.enabled", SparkKind::Bool),
    entry("spark.sql.adaptive.skewJoin.enabled", SparkKind::Bool),
    entry(
        "spark.sql.autoBroadcastJoinThreshold",
        SparkKind::Bytes(ByteUnit::Byte),
    ),
    entry("spark.sql.broadcastTimeout", SparkKind::Time(SECONDS)),
    entry(
        "spark.sql.execution.arrow.maxRecordsPerBatch",
        SparkKind::Int,
    ),
    entry("spark.sql.execution.arrow.pyspark.enabled", SparkKind::Bool),
    entry(
        "spark.sql.files.maxPartitionBytes",
        SparkKind::Bytes(ByteUnit::Byte),
    ),
    bounded(
        "spark.sql.shuffle.partitions",
        SparkKind::Int,
        |v| v > 0.0,
        "above 0",
    ),
    entry("spark.task.cpus", SparkKind::Int),
];

/// The entry of a key: a Spark key, `spark.hadoop.` and a Hadoop key, or a
/// Hadoop key as `hadoopConf` names it (the two tables share no key).
pub(crate) fn entry_of(key: &str) -> Option<&'static SparkEntry> {
    if let Some(hadoop) = key.strip_prefix("spark.hadoop.") {
        return hadoop_entry_of(hadoop);
    }
    ENTRIES
        .binary_search_by(|e| e.key.cmp(key))
        .ok()
        .map(|i| &ENTRIES[i])
        .or_else(|| hadoop_entry_of(key))
}

/// Java's `String.trim()`.
fn java_trim(text: &str) -> &str {
    text.trim_matches(|c: char| c <= ' ')
}

/// `ByteUnit.convertTo`: `value` of `from` (bytes per unit) in `to`; a larger
/// unit multiplies (refused past 2^63 − 1), a smaller one divides (truncates).
fn convert_bytes(value: i64, from: i64, to: ByteUnit) -> Result<i64, String> {
    let to_bytes = to.multiplier();
    if from > to_bytes {
        value
            .checked_mul(from / to_bytes)
            .ok_or_else(|| format!("is more than 2^63 − 1 {}", to.name()))
    } else {
        Ok(value / (to_bytes / from))
    }
}

/// `ConfigHelpers.byteFromString`: a leading `-` negates what follows, read by
/// `JavaUtils.byteStringAs` (lower-cased, trimmed, `([0-9]+)([a-z]+)?`).
pub(crate) fn byte_string(text: &str, unit: ByteUnit) -> Result<i64, String> {
    let (input, sign) = match text.strip_prefix('-') {
        Some(rest) => (rest, -1),
        None => (text, 1),
    };
    let lower = input.to_lowercase();
    let lower = java_trim(&lower);
    let digits = lower.trim_end_matches(|c: char| c.is_ascii_lowercase());
    let suffix = &lower[digits.len()..];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        let fraction = digits.split_once('.').is_some_and(|(w, f)| {
            [w, f]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        });
        return Err(if fraction {
            "has a fraction: Spark takes whole numbers only".into()
        } else {
            "is not a whole number with an optional unit".into()
        });
    }
    let value: i64 = digits
        .parse()
        .map_err(|_| "is more than 2^63 − 1".to_string())?;
    let from = if suffix.is_empty() {
        unit.multiplier()
    } else {
        BYTE_SUFFIXES
            .iter()
            .find(|(s, _)| *s == suffix)
            .map(|(_, bytes)| *bytes)
            .ok_or_else(|| format!("has the unknown unit '{suffix}'"))?
    };
    Ok(sign * convert_bytes(value, from, unit)?)
}

/// `JavaUtils.timeStringAs`: lower-cased, trimmed, `(-?[0-9]+)([a-z]+)?`,
/// converted as `TimeUnit.convert` does (truncating, saturating at ±2^63).
/// `unit` is the microseconds of a bare number; the result is in that unit.
pub(crate) fn time_string(text: &str, unit: i64) -> Result<i64, String> {
    let lower = text.to_lowercase();
    let lower = java_trim(&lower);
    let number = lower.trim_end_matches(|c: char| c.is_ascii_lowercase());
    let suffix = &lower[number.len()..];
    let digits = number.strip_prefix('-').unwrap_or(number);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("is not a whole number with an optional unit".into());
    }
    let value: i64 = number
        .parse()
        .map_err(|_| "is out of range for a long (±2^63)".to_string())?;
    let from = if suffix.is_empty() {
        unit
    } else {
        TIME_SUFFIXES
            .iter()
            .find(|(s, _)| *s == suffix)
            .map(|(_, micros)| *micros)
            .ok_or_else(|| format!("has the unknown unit '{suffix}'"))?
    };
    Ok(if from >= unit {
        value.saturating_mul(from / unit)
    } else {
        value / (unit / from)
    })
}

/// The value Spark holds for `text` under `kind` (as a number in the entry's
/// unit; booleans as 0 or 1), or why Spark refuses it.
pub(crate) fn read(kind: SparkKind, text: &str) -> Result<Option<f64>, String> {
    let judged = |reading: Reading<f64>| match reading {
        Reading::Value(v) => Ok(Some(v)),
        Reading::Refused(why) => Err(why),
        Reading::Unjudged => Ok(None),
    };
    match kind {
        SparkKind::Bool => match units::boolean(java_trim(text)) {
            Reading::Value(b) => Ok(Some(f64::from(u8::from(b)))),
            Reading::Refused(why) => Err(why),
            Reading::Unjudged => Ok(None),
        },
        SparkKind::Int => judged(match units::java_int(java_trim(text)) {
            Reading::Value(n) => Reading::Value(n as f64),
            Reading::Refused(why) => Reading::Refused(why),
            Reading::Unjudged => Reading::Unjudged,
        }),
        SparkKind::Double => judged(units::java_double(text)),
        SparkKind::Bytes(unit) => byte_string(text, unit).map(|v| Some(v as f64)),
        SparkKind::Time(unit) => time_string(text, unit).map(|v| Some(v as f64)),
        SparkKind::HadoopInt => hadoop_int(text).map(|v| v.map(|v| v as f64)),
        SparkKind::HadoopBytes => hadoop_bytes(text).map(|v| v.map(|v| v as f64)),
    }
}

/// Whether Spark accepts `value` for `key`; why not. Keys Spark's table here
/// does not hold, and values with `${…}`, are accepted.
pub(crate) fn check_value(key: &str, value: &str) -> Result<(), String> {
    let Some(entry) = entry_of(key) else {
        return Ok(());
    };
    if value.contains("${") {
        return Ok(());
    }
    match (read(entry.kind, value)?, entry.bound) {
        (Some(v), Some((holds, words))) if !holds(v) => Err(format!("is not {words}")),
        _ => Ok(()),
    }
}

/// What Spark accepts for an entry, in words.
pub(crate) fn accepts(entry: &SparkEntry) -> String {
    let kind = match entry.kind {
        SparkKind::Bool => "true or false".to_string(),
        SparkKind::Int => "a whole number".to_string(),
        SparkKind::Double => "a number".to_string(),
        SparkKind::Bytes(unit) => format!(
            "a whole number of {} or with a unit b, k, m, g, t, p (also kb… pb, any case), such as 4g or 512m",
            unit.name()
        ),
        SparkKind::Time(unit) => format!(
            "a whole number of {} or with a unit us, ms, s, m, min, h, d, such as 30s",
            if unit == MS {
                "milliseconds"
            } else {
                "seconds"
            }
        ),
        SparkKind::HadoopInt => "a whole number (int)".to_string(),
        SparkKind::HadoopBytes => {
            "a whole number of bytes, or with one letter k, m, g, t, p or e, such as 64M (not 64MB)"
                .to_string()
        }
    };
    match entry.bound {
        Some((_, words)) => format!("{kind}, {words}"),
        None => kind,
    }
}

/// A value of a SparkApplication that Spark refuses.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SparkRefusal {
    /// Where it is written (`sparkConf.spark.executor.memory`, `executor.memory`).
    pub(crate) setting: String,
    /// The Spark key it sets.
    pub(crate) key: &'static str,
    /// The value as written.
    pub(crate) value: String,
    /// Why Spark refuses it.
    pub(crate) why: String,
    /// What Spark accepts.
    pub(crate) accepts: String,
}

impl SparkRefusal {
    /// What `status` says and `tune plan` notes.
    pub(crate) fn message(&self) -> String {
        let hadoop = entry_of(self.key)
            .is_some_and(|e| matches!(e.kind, SparkKind::HadoopInt | SparkKind::HadoopBytes));
        let consequence = if hadoop {
            "Hadoop S3A refuses it and the application fails when it opens s3a://"
        } else {
            "Spark refuses it and the application fails to start"
        };
        format!(
            "{}={} {} (as {}); {consequence}",
            self.setting, self.value, self.why, self.key
        )
    }

    /// The fix: `set executor.memory to a whole number of MiB…`.
    pub(crate) fn fix(&self) -> String {
        format!("set {} to {}", self.setting, self.accepts)
    }
}

/// Every value of the application Spark refuses: `sparkConf`, then the
/// fields the operator passes as conf (`driver`/`executor` `memory` and
/// `memoryOverhead`, `memoryOverheadFactor`).
pub(crate) fn check(app: &SparkApplication) -> Vec<SparkRefusal> {
    let mut written: Vec<(String, &str, String)> = Vec::new();
    for (key, value) in &app.spec.spark_conf {
        if let Some(entry) = entry_of(key) {
            written.push((format!("sparkConf.{key}"), entry.key, value.clone()));
        }
    }
    for (key, value) in &app.spec.hadoop_conf {
        if let Some(entry) = hadoop_entry_of(key) {
            written.push((format!("hadoopConf.{key}"), entry.key, value.clone()));
        }
    }
    for (role, pod) in [
        ("driver", &app.spec.driver),
        ("executor", &app.spec.executor),
    ] {
        for (field, value, key) in [
            ("memory", &pod.memory, format!("spark.{role}.memory")),
            (
                "memoryOverhead",
                &pod.memory_overhead,
                format!("spark.{role}.memoryOverhead"),
            ),
        ] {
            if let (Some(value), Some(entry)) = (value, entry_of(&key)) {
                written.push((format!("{role}.{field}"), entry.key, value.clone()));
            }
        }
    }
    if let Some(factor) = app.spec.other.get("memoryOverheadFactor") {
        let text = factor
            .as_str()
            .map(String::from)
            .unwrap_or_else(|| factor.to_string());
        written.push((
            "memoryOverheadFactor".into(),
            "spark.kubernetes.memoryOverheadFactor",
            text,
        ));
    }
    written
        .into_iter()
        .filter_map(|(setting, key, value)| {
            let why = check_value(key, &value).err()?;
            Some(SparkRefusal {
                setting,
                key,
                accepts: entry_of(key).map(accepts).unwrap_or_default(),
                value,
                why,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
