//! Iceberg catalog files: real property names only, Parquet with ZSTD, native S3
//! with a connection pool, the metadata cache and vectorised Parquet decoding.

use super::proposal::{Edit, Profile, Proposal};
use crate::platform::properties::Properties;
use crate::platform::trino::invented_property;

/// Legacy `hive.s3.*` names and their native-S3 equivalents.
pub(crate) const LEGACY_S3: &[(&str, &str)] = &[
    ("hive.s3.endpoint", "s3.endpoint"),
    ("hive.s3.aws-access-key", "s3.aws-access-key"),
    ("hive.s3.aws-secret-key", "s3.aws-secret-key"),
    ("hive.s3.path-style-access", "s3.path-style-access"),
    ("hive.s3.region", "s3.region"),
    ("hive.s3.max-connections", "s3.max-connections"),
];

/// Below this the pool throttles parallel split reads (Trino's default is 500).
pub(crate) const MIN_S3_CONNECTIONS: u64 = 100;
/// Trino's default S3 connection pool size.
pub(crate) const DEFAULT_S3_CONNECTIONS: &str = "500";
/// The Parquet vectorized decoding switch (`throughput` profile).
pub(crate) const VECTORIZED: &str = "parquet.experimental.vectorized-decoding.enabled";

/// A change to `key` in a properties file: set it to `value`, or remove it (`None`).
pub(super) fn proposal(
    props: &Properties,
    key: &str,
    value: Option<&str>,
    rule: &'static str,
    reason: String,
) -> Proposal {
    Proposal {
        setting: key.into(),
        line: props.line_of(key),
        current: props.get(key).map(str::to_string),
        proposed: value.map(str::to_string),
        rule,
        reason,
        edit: match value {
            Some(v) => Edit::PropSet {
                key: key.into(),
                value: v.into(),
            },
            None => Edit::PropRemove { key: key.into() },
        },
    }
}

/// Rules for one catalog file; only `connector.name=iceberg` catalogs are tuned.
pub fn rules(props: &Properties, profile: Profile) -> Vec<Proposal> {
    let mut out = Vec::new();
    if props.get("connector.name") != Some("iceberg") {
        return out;
    }
    invented_properties(props, &mut out);
    storage_format(props, &mut out);
    native_s3(props, &mut out);
    caching_and_decoding(props, profile, &mut out);
    out
}

/// Names Trino does not know (the catalog fails to load): removed, and set
/// under the real name when there is one and it is not set already.
fn invented_properties(props: &Properties, out: &mut Vec<Proposal>) {
    let mut seen = std::collections::BTreeSet::new();
    for (key, _, _) in props.entries() {
        if let Some(why) = invented_property(key)
            && seen.insert(key.to_string())
        {
            out.push(proposal(
                props,
                key,
                None,
                "iceberg.invented-property",
                format!("not a Trino property ({why}); the catalog fails to load with it"),
            ));
            if let Some(real) = why.strip_prefix("the real name is ")
                && props.get(real).is_none()
                && let Some(value) = props.get(key)
            {
                out.push(proposal(
                    props,
                    real,
                    Some(value),
                    "iceberg.invented-property",
                    format!("the real name of {key}"),
                ));
            }
        }
    }
}

/// Columnar PARQUET (or ORC) files, compressed with ZSTD, SNAPPY or LZ4.
fn storage_format(props: &Properties, out: &mut Vec<Proposal>) {
    if let Some(format) = props.get("iceberg.file-format")
        && !matches!(format.to_ascii_uppercase().as_str(), "PARQUET" | "ORC")
    {
        out.push(proposal(
            props,
            "iceberg.file-format",
            Some("PARQUET"),
            "iceberg.file-format",
            format!("{format} is a row format: analytic scans read columnar PARQUET (the default)"),
        ));
    }
    if let Some(codec) = props.get("iceberg.compression-codec")
        && !matches!(
            codec.to_ascii_uppercase().as_str(),
            "ZSTD" | "SNAPPY" | "LZ4"
        )
    {
        out.push(proposal(
            props,
            "iceberg.compression-codec",
            Some("ZSTD"),
            "iceberg.compression-codec",
            format!("{codec} is slow or uncompressed; ZSTD is Trino's default and compresses best per CPU"),
        ));
    }
}

/// Native S3 on, legacy `hive.s3.*` names moved to their native names, and a
/// connection pool large enough for parallel split reads.
fn native_s3(props: &Properties, out: &mut Vec<Proposal>) {
    let native = ["fs.native-s3.enabled", "fs.s3.enabled"]
        .iter()
        .any(|k| props.get(k).is_some_and(|v| v.eq_ignore_ascii_case("true")));
    if !native {
        let key = if props.get("fs.s3.enabled").is_some() {
            "fs.s3.enabled"
        } else {
            "fs.native-s3.enabled"
        };
        out.push(proposal(
            props,
            key,
            Some("true"),
            "iceberg.native-s3",
            "the legacy Hadoop S3 file system is deprecated; native S3 needs fs.native-s3.enabled=true".into(),
        ));
    }
    for (legacy, native_key) in LEGACY_S3 {
        let Some(value) = props.get(legacy) else {
            continue;
        };
        out.push(proposal(
            props,
            legacy,
            None,
            "iceberg.native-s3",
            format!("a legacy Hive S3 property; with native S3 it is {native_key}"),
        ));
        if props.get(native_key).is_none() {
            out.push(proposal(
                props,
                native_key,
                Some(value),
                "iceberg.native-s3",
                format!("the native S3 name of {legacy}"),
            ));
        }
    }
    let connections = props
        .get("s3.max-connections")
        .or_else(|| props.get("hive.s3.max-connections"))
        .map(|v| v.trim().parse::<u64>());
    if let Some(parsed) = connections
        && !matches!(parsed, Ok(n) if n >= MIN_S3_CONNECTIONS)
    {
        let current = props.get("s3.max-connections").unwrap_or_default();
        out.push(proposal(
            props,
            "s3.max-connections",
            Some(DEFAULT_S3_CONNECTIONS),
            "iceberg.s3-connections",
            format!("a pool of {current} connections throttles parallel split reads (minimum {MIN_S3_CONNECTIONS}, Trino's default 500)"),
        ));
    }
}

/// The metadata cache on, and vectorised Parquet decoding (on by request
/// with the `throughput` profile).
fn caching_and_decoding(props: &Properties, profile: Profile, out: &mut Vec<Proposal>) {
    if props
        .get("iceberg.metadata-cache.enabled")
        .is_some_and(|v| v.eq_ignore_ascii_case("false"))
    {
        out.push(proposal(
            props,
            "iceberg.metadata-cache.enabled",
            Some("true"),
            "iceberg.metadata-cache",
            "without the metadata cache every query re-reads table metadata from S3".into(),
        ));
    }
    let vectorized = props.get(VECTORIZED);
    if vectorized.is_some_and(|v| v.eq_ignore_ascii_case("false"))
        || (vectorized.is_none() && profile == Profile::Throughput)
    {
        out.push(proposal(
            props,
            VECTORIZED,
            Some("true"),
            "iceberg.parquet-vectorized",
            "vectorised Parquet decoding is Trino's one vectorisation switch; it speeds up scans"
                .into(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::rules::server::apply;

    const REFERENCE: &str = "connector.name=iceberg\niceberg.catalog.type=nessie\niceberg.file-format=PARQUET\niceberg.compression-codec=ZSTD\nfs.native-s3.enabled=true\ns3.endpoint=http://rgw:80\n";

    #[test]
    fn reference_catalog_passes() {
        assert!(rules(&Properties::parse(REFERENCE), Profile::Balanced).is_empty());
        assert!(
            rules(
                &Properties::parse("connector.name=tpch\n"),
                Profile::Balanced
            )
            .is_empty()
        );
    }

    #[test]
    fn broken_catalog_is_fixed_and_reaches_a_fixpoint() {
        let text = "connector.name=iceberg\n# hand-written\niceberg.split-size=128MB\niceberg.file-format=AVRO\niceberg.compression-codec=GZIP\nhive.s3.endpoint=http://rgw:80\ns3.max-connections=10\niceberg.metadata-cache.enabled=false\nparquet.experimental.vectorized-decoding.enabled=false\n";
        let mut props = Properties::parse(text);
        let proposals = rules(&props, Profile::Balanced);
        let hit: Vec<&str> = proposals.iter().map(|p| p.rule).collect();
        for rule in [
            "iceberg.invented-property",
            "iceberg.file-format",
            "iceberg.compression-codec",
            "iceberg.native-s3",
            "iceberg.s3-connections",
            "iceberg.metadata-cache",
            "iceberg.parquet-vectorized",
        ] {
            assert!(hit.contains(&rule), "{rule} missing in {hit:?}");
        }
        let invented = proposals
            .iter()
            .find(|p| p.rule == "iceberg.invented-property")
            .unwrap();
        assert_eq!(invented.line, Some(3));
        assert!(
            invented.reason.contains("iceberg.max-split-size"),
            "{}",
            invented.reason
        );
        for p in &proposals {
            apply(&mut props, &p.edit);
        }
        let out = props.to_string();
        assert!(
            out.starts_with(
                "connector.name=iceberg\n# hand-written\niceberg.file-format=PARQUET\n"
            ),
            "{out}"
        );
        assert!(
            out.contains("s3.endpoint=http://rgw:80\n") && !out.contains("hive.s3"),
            "{out}"
        );
        assert!(rules(&props, Profile::Balanced).is_empty());
    }

    #[test]
    fn throughput_switches_on_vectorised_decoding() {
        let proposals = rules(&Properties::parse(REFERENCE), Profile::Throughput);
        assert_eq!(proposals.len(), 1);
        assert_eq!(proposals[0].setting, VECTORIZED);
    }
}
