//! SparkApplication `sparkConf`/`hadoopConf` and pod memory: AQE, Kryo, Arrow, S3A
//! connection pool and uploads, memory overhead, and no downloads at start.

use super::proposal::{Edit, Profile, Proposal};
use crate::platform::crds::SparkApplication;

/// Spark's Kryo serializer class.
pub(crate) const KRYO: &str = "org.apache.spark.serializer.KryoSerializer";
/// Spark refuses spark.kryoserializer.buffer.max of 2048m or more.
pub(crate) const KRYO_MAX: u64 = 2048 << 20;
/// Spark's default `spark.kryoserializer.buffer.max`.
pub(crate) const KRYO_DEFAULT: &str = "512m";
/// S3's smallest multipart part (except the last) and Hadoop's largest sane part.
pub(crate) const PART_MIN: u64 = 5 << 20;
/// S3's largest part size.
pub(crate) const PART_MAX: u64 = 5 << 30;
/// Spark's minimum memory overhead.
pub(crate) const OVERHEAD_MIN: u64 = 384 << 20;

/// A note a rule raises without a change (e.g. `spark.jars.packages`).
pub struct SparkNote {
    /// A stable code for the note.
    pub code: &'static str,
    /// What to do.
    pub message: String,
}

/// Where a Hadoop key lives: `sparkConf` as `spark.hadoop.<key>` or `hadoopConf` as `<key>`.
fn hadoop(app: &SparkApplication, key: &str) -> (String, String, Option<String>) {
    let spark_key = format!("spark.hadoop.{key}");
    if let Some(v) = app.spec.spark_conf.get(&spark_key) {
        return ("sparkConf".into(), spark_key, Some(v.clone()));
    }
    (
        "hadoopConf".into(),
        key.into(),
        app.spec.hadoop_conf.get(key).cloned(),
    )
}

fn conf(
    map: &str,
    key: &str,
    current: Option<&str>,
    value: Option<&str>,
    rule: &'static str,
    reason: String,
) -> Proposal {
    Proposal {
        setting: format!("{map}.{key}"),
        line: None,
        current: current.map(str::to_string),
        proposed: value.map(str::to_string),
        rule,
        reason,
        edit: Edit::SparkConf {
            map: map.into(),
            key: key.into(),
            value: value.map(str::to_string),
        },
    }
}

fn spark_set(
    app: &SparkApplication,
    key: &str,
    value: &str,
    rule: &'static str,
    reason: String,
) -> Proposal {
    conf(
        "sparkConf",
        key,
        app.spec.spark_conf.get(key).map(String::as_str),
        Some(value),
        rule,
        reason,
    )
}

/// Spark and JVM sizes: `512m`, `4g`, `64M`, `1024` (bytes for Hadoop, MiB for Spark memory).
pub(crate) fn parse_size(text: &str, bare_unit: u64) -> Option<u64> {
    let text = text.trim().to_ascii_lowercase();
    let text = text.strip_suffix('b').unwrap_or(&text);
    let (digits, multiplier) = match text.chars().last()? {
        'k' => (&text[..text.len() - 1], 1u64 << 10),
        'm' => (&text[..text.len() - 1], 1 << 20),
        'g' => (&text[..text.len() - 1], 1 << 30),
        't' => (&text[..text.len() - 1], 1 << 40),
        c if c.is_ascii_digit() => (text, bare_unit),
        _ => return None,
    };
    digits.trim().parse::<u64>().ok()?.checked_mul(multiplier)
}

/// The Spark rules for one application: proposals and notes.
pub fn rules(app: &SparkApplication, profile: Profile) -> (Vec<Proposal>, Vec<SparkNote>) {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    let get = |k: &str| app.spec.spark_conf.get(k).map(String::as_str);
    if get("spark.sql.adaptive.enabled").is_some_and(|v| v.eq_ignore_ascii_case("false")) {
        out.push(spark_set(
            app,
            "spark.sql.adaptive.enabled",
            "true",
            "spark.aqe",
            "adaptive query execution re-plans joins and partitions from real sizes".into(),
        ));
    }
    if get("spark.sql.adaptive.coalescePartitions.parallelismFirst") != Some("false") {
        out.push(spark_set(
            app,
            "spark.sql.adaptive.coalescePartitions.parallelismFirst",
            "false",
            "spark.aqe-parallelism-first",
            "the Spark docs recommend false: coalesce to the advisory partition size (64MB) instead of many tiny partitions".into(),
        ));
    }
    kryo_rules(app, &mut out);
    let python = app
        .spec
        .type_
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("python"));
    let arrow = get("spark.sql.execution.arrow.pyspark.enabled");
    if python
        && (arrow.is_some_and(|v| v.eq_ignore_ascii_case("false"))
            || (arrow.is_none() && profile == Profile::Throughput))
    {
        out.push(spark_set(
            app,
            "spark.sql.execution.arrow.pyspark.enabled",
            "true",
            "spark.arrow",
            "a PySpark job: Arrow makes toPandas and pandas UDFs columnar instead of row by row"
                .into(),
        ));
    }
    driver_result_size_rule(app, &mut out);
    s3a_rules(app, &mut out);
    overhead_rule(app, "executor", &mut out);
    overhead_rule(app, "driver", &mut out);
    if let Some(packages) = get("spark.jars.packages") {
        notes.push(SparkNote {
            code: "spark.jars-packages",
            message: format!(
                "sparkConf spark.jars.packages ({packages}) downloads dependencies at every start; bake them into the image instead"
            ),
        });
    }
    (out, notes)
}

/// Kryo serialisation, and a `spark.kryoserializer.buffer.max` Spark accepts
/// and that holds large rows.
fn kryo_rules(app: &SparkApplication, out: &mut Vec<Proposal>) {
    let get = |k: &str| app.spec.spark_conf.get(k).map(String::as_str);
    if get("spark.serializer") != Some(KRYO) {
        out.push(spark_set(
            app,
            "spark.serializer",
            KRYO,
            "spark.kryo",
            "Kryo is faster and more compact than Java serialisation".into(),
        ));
    }
    if let Some(buffer) = get("spark.kryoserializer.buffer.max") {
        match parse_size(buffer, 1 << 20) {
            Some(bytes) if (64 << 20..KRYO_MAX).contains(&bytes) => {}
            parsed => out.push(spark_set(
                app,
                "spark.kryoserializer.buffer.max",
                KRYO_DEFAULT,
                "spark.kryo-buffer",
                match parsed {
                    Some(bytes) if bytes >= KRYO_MAX => format!("{buffer} is not below 2048m: Spark refuses to start"),
                    Some(_) => format!("{buffer} is below Spark's 64m default: large rows fail with buffer overflow"),
                    None => format!("'{buffer}' is not a size"),
                },
            )),
        }
    }
}

/// `spark.driver.maxResultSize` at most half the driver's memory (and not 0,
/// unlimited): larger results OOM-kill the driver.
fn driver_result_size_rule(app: &SparkApplication, out: &mut Vec<Proposal>) {
    let get = |k: &str| app.spec.spark_conf.get(k).map(String::as_str);
    if let (Some(result), Some(driver)) = (
        get("spark.driver.maxResultSize"),
        app.spec
            .driver
            .memory
            .as_deref()
            .and_then(|m| parse_size(m, 1 << 20)),
    ) {
        let result_bytes = parse_size(result, 1 << 20);
        if result_bytes.is_none_or(|r| r == 0 || r > driver / 2) {
            let proposed = format!("{}m", (driver / 2) >> 20);
            out.push(spark_set(
                app,
                "spark.driver.maxResultSize",
                &proposed,
                "spark.driver-result-size",
                format!(
                    "results of {result} cannot fit a driver with memory {}: the driver is OOM-killed; half of it = {proposed}",
                    app.spec.driver.memory.as_deref().unwrap_or_default()
                ),
            ));
        }
    }
}

fn s3a_rules(app: &SparkApplication, out: &mut Vec<Proposal>) {
    let (c_map, c_key, connections) = hadoop(app, "fs.s3a.connection.maximum");
    let (_, _, threads) = hadoop(app, "fs.s3a.threads.max");
    let connections_n = connections
        .as_deref()
        .and_then(|v| v.trim().parse::<u64>().ok());
    let threads_n = threads
        .as_deref()
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let (Some(c), Some(t)) = (connections_n, threads_n)
        && c <= t
    {
        let proposed = (t * 2).to_string();
        out.push(conf(
            &c_map,
            &c_key,
            connections.as_deref(),
            Some(&proposed),
            "spark.s3a-connections",
            format!("connection.maximum {c} must exceed threads.max {t} or upload threads wait for connections; 2 x {t} = {proposed}"),
        ));
    }
    let (b_map, b_key, buffer) = hadoop(app, "fs.s3a.fast.upload.buffer");
    if let Some(b) = &buffer
        && !matches!(b.as_str(), "disk" | "array" | "bytebuffer")
    {
        out.push(conf(
            &b_map,
            &b_key,
            Some(b),
            Some("disk"),
            "spark.s3a-upload-buffer",
            format!(
                "'{b}' is not disk, array or bytebuffer; disk keeps upload blocks off the heap"
            ),
        ));
    }
    let (m_map, m_key, part) = hadoop(app, "fs.s3a.multipart.size");
    if let Some(p) = &part {
        let ok = parse_size(p, 1).is_some_and(|b| (PART_MIN..=PART_MAX).contains(&b));
        if !ok {
            out.push(conf(
                &m_map,
                &m_key,
                Some(p),
                Some("64M"),
                "spark.s3a-multipart",
                format!("'{p}' is outside S3's 5M-5G part size; 64M is a sane part"),
            ));
        }
    }
    let (f_map, f_key, fast) = hadoop(app, "fs.s3a.fast.upload");
    if let Some(f) = &fast {
        out.push(conf(
            &f_map,
            &f_key,
            Some(f),
            None,
            "spark.s3a-legacy",
            "fs.s3a.fast.upload is legacy: always on in Hadoop 3".into(),
        ));
    }
}

fn overhead_rule(app: &SparkApplication, role: &str, out: &mut Vec<Proposal>) {
    let pod = if role == "driver" {
        &app.spec.driver
    } else {
        &app.spec.executor
    };
    let Some(memory) = pod.memory.as_deref().and_then(|m| parse_size(m, 1 << 20)) else {
        return;
    };
    // Spark's default: 10% of the memory, at least 384MiB.
    let share = 10;
    let needed = (memory / share).max(OVERHEAD_MIN).div_ceil(1 << 20) * (1 << 20);
    let current = pod.memory_overhead.as_deref();
    let current_bytes = current.and_then(|o| parse_size(o, 1 << 20));
    let fits = match current_bytes {
        Some(bytes) => bytes >= needed,
        None => current.is_none(),
    };
    if fits {
        return;
    }
    let proposed = format!("{}m", needed >> 20);
    out.push(Proposal {
        setting: format!("{role}.memoryOverhead"),
        line: None,
        current: current.map(str::to_string),
        proposed: Some(proposed.clone()),
        rule: "spark.memory-overhead",
        reason: format!(
            "the {role} pod holds memory {} + overhead; off-heap use needs {}% of it, at least 384m = {proposed}, or the pod is OOM-killed",
            pod.memory.as_deref().unwrap_or_default(),
            100 / share
        ),
        edit: Edit::SparkPod {
            role: role.into(),
            field: "memoryOverhead".into(),
            value: proposed,
        },
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(yaml: &str) -> SparkApplication {
        serde_saphyr::from_str(yaml).expect("fixture")
    }

    const HEALTHY: &str = "metadata: {name: daily-ingest}\nspec:\n  type: Python\n  sparkConf:\n    spark.sql.adaptive.enabled: \"true\"\n    spark.sql.adaptive.coalescePartitions.parallelismFirst: \"false\"\n    spark.serializer: org.apache.spark.serializer.KryoSerializer\n    spark.kryoserializer.buffer.max: 512m\n  hadoopConf:\n    fs.s3a.connection.maximum: \"200\"\n    fs.s3a.threads.max: \"64\"\n    fs.s3a.fast.upload.buffer: disk\n    fs.s3a.multipart.size: 64M\n  driver: {memory: 2g, memoryOverhead: 512m}\n  executor: {memory: 4g, memoryOverhead: 820m}\n";

    #[test]
    fn healthy_application_passes() {
        let (proposals, notes) = rules(&app(HEALTHY), Profile::Balanced);
        assert!(proposals.is_empty(), "{proposals:#?}");
        assert!(notes.is_empty());
    }

    #[test]
    fn broken_application_is_fixed() {
        let broken = "metadata: {name: x}\nspec:\n  type: Scala\n  sparkConf:\n    spark.sql.adaptive.coalescePartitions.parallelismFirst: \"true\"\n    spark.kryoserializer.buffer.max: 4096m\n    spark.jars.packages: org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.9.1\n    spark.driver.maxResultSize: 4g\n    spark.hadoop.fs.s3a.connection.maximum: \"32\"\n    spark.hadoop.fs.s3a.threads.max: \"64\"\n  hadoopConf:\n    fs.s3a.fast.upload: \"true\"\n    fs.s3a.fast.upload.buffer: memory\n    fs.s3a.multipart.size: 1M\n  driver: {memory: 1g}\n  executor: {memory: 8g, memoryOverhead: 256m}\n";
        let (proposals, notes) = rules(&app(broken), Profile::Balanced);
        let hit: Vec<&str> = proposals.iter().map(|p| p.rule).collect();
        for rule in [
            "spark.aqe-parallelism-first",
            "spark.kryo",
            "spark.kryo-buffer",
            "spark.s3a-connections",
            "spark.s3a-upload-buffer",
            "spark.s3a-multipart",
            "spark.s3a-legacy",
            "spark.memory-overhead",
        ] {
            assert!(hit.contains(&rule), "{rule} missing in {hit:?}");
        }
        let connections = proposals
            .iter()
            .find(|p| p.rule == "spark.s3a-connections")
            .unwrap();
        assert_eq!(
            connections.setting,
            "sparkConf.spark.hadoop.fs.s3a.connection.maximum"
        );
        assert_eq!(connections.proposed.as_deref(), Some("128"));
        let overhead = proposals
            .iter()
            .find(|p| p.rule == "spark.memory-overhead")
            .unwrap();
        // 10% of 8g = 819.2MiB, rounded up to 820m.
        assert_eq!(overhead.proposed.as_deref(), Some("820m"));
        assert_eq!(notes.len(), 1);
        assert!(notes[0].message.contains("spark.jars.packages"));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("512m", 1 << 20), Some(512 << 20));
        assert_eq!(parse_size("4g", 1 << 20), Some(4 << 30));
        assert_eq!(parse_size("64M", 1), Some(64 << 20));
        assert_eq!(parse_size("1024", 1 << 20), Some(1 << 30));
        assert_eq!(parse_size("lots", 1), None);
    }
}
