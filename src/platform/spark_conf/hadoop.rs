//! Hadoop's readers for the S3A keys a SparkApplication sets in `hadoopConf`
//! (or `sparkConf` as `spark.hadoop.<key>`): `Configuration.getInt` and
//! `getLongBytes`, with the minimums `S3AFileSystem` checks.

use super::{SparkEntry, SparkKind, bounded, entry, java_trim};
use crate::platform::trino::values::units::{self, Reading};

/// The Hadoop (S3A) keys judged, as `hadoopConf` names them (`sparkConf`
/// writes them `spark.hadoop.<key>`), sorted: how `S3AFileSystem` reads them
/// (Hadoop 3.3/3.4: `intOption(conf, key, default, min)` refuses a value
/// below its minimum; `getMultipartSizeProperty` and the block size read
/// `getLongBytes`).
pub(crate) const HADOOP_ENTRIES: &[SparkEntry] = &[
    bounded(
        "fs.s3a.attempts.maximum",
        SparkKind::HadoopInt,
        |v| v >= 0.0,
        "at least 0 (S3AUtils.intOption)",
    ),
    entry("fs.s3a.block.size", SparkKind::HadoopBytes),
    bounded(
        "fs.s3a.connection.maximum",
        SparkKind::HadoopInt,
        |v| v >= 1.0,
        "at least 1 (S3AUtils.intOption)",
    ),
    bounded(
        "fs.s3a.fast.upload.active.blocks",
        SparkKind::HadoopInt,
        |v| v >= 1.0,
        "at least 1 (S3AUtils.intOption)",
    ),
    entry("fs.s3a.multipart.size", SparkKind::HadoopBytes),
    entry("fs.s3a.multipart.threshold", SparkKind::HadoopBytes),
    entry("fs.s3a.threads.max", SparkKind::HadoopInt),
];

/// The entry of a Hadoop key as `hadoopConf` names it.
pub(crate) fn hadoop_entry_of(key: &str) -> Option<&'static SparkEntry> {
    HADOOP_ENTRIES
        .binary_search_by(|e| e.key.cmp(key))
        .ok()
        .map(|i| &HADOOP_ENTRIES[i])
}

/// Hadoop's `Configuration.getInt`: trimmed; `0x…` (or `-0x…`) hexadecimal,
/// else `Integer.parseInt`.
pub(crate) fn hadoop_int(text: &str) -> Result<Option<i64>, String> {
    let text = java_trim(text);
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if let Some(hex) = rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X")) {
        let signed = if negative {
            format!("-{hex}")
        } else {
            hex.to_string()
        };
        let digits = hex.bytes().all(|b| b.is_ascii_hexdigit()) && !hex.is_empty();
        return match i32::from_str_radix(&signed, 16) {
            Ok(v) if digits => Ok(Some(i64::from(v))),
            _ => Err("is not a whole number (int)".into()),
        };
    }
    match units::java_int(text) {
        Reading::Value(v) => Ok(Some(v)),
        Reading::Refused(why) => Err(why),
        Reading::Unjudged => Ok(None),
    }
}

/// Hadoop's `getLongBytes` (`TraditionalBinaryPrefix.string2long`): trimmed;
/// ending in a digit, `Long.parseLong`; else the last character is one of
/// `k m g t p e` (any case, powers of 1024) after a `Long.parseLong` number.
pub(crate) fn hadoop_bytes(text: &str) -> Result<Option<i64>, String> {
    let text = java_trim(text);
    let Some(last) = text.chars().last() else {
        return Err("is empty".into());
    };
    let long = |t: &str| match units::java_long(t) {
        Reading::Value(v) => Ok(Some(v)),
        Reading::Refused(why) => Err(why),
        Reading::Unjudged => Ok(None),
    };
    if last.is_ascii_digit() {
        return long(text);
    }
    let power = match last.to_ascii_lowercase() {
        'k' => 1,
        'm' => 2,
        'g' => 3,
        't' => 4,
        'p' => 5,
        'e' => 6,
        _ => {
            return Err(format!(
                "has the unknown unit '{last}' (Hadoop takes one letter: k, m, g, t, p or e)"
            ));
        }
    };
    let Some(number) = long(&text[..text.len() - last.len_utf8()])? else {
        return Ok(None);
    };
    number
        .checked_mul(1_i64 << (10 * power))
        .map(Some)
        .ok_or_else(|| "does not fit in a long".into())
}
