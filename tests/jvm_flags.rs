//! The heap model against the real JVMs: every case `platform::jvm::heap`
//! resolves is started with `java <options> -XX:+PrintFlagsFinal -version` on
//! the machine's JDK 17 and Temurin 25 (the JDK Trino 476 runs on), and the JVM's
//! own MaxHeapSize, or its refusal to start, must match. A container's memory
//! limit is given to the JVM as `-XX:MaxRAM`, which the JVM treats the same way.

use std::path::PathBuf;
use std::process::Command;

use kubectl_dp::platform::jvm::JvmConfig;
use kubectl_dp::platform::jvm::heap::{options_in_order, resolve};

const GI: u64 = 1 << 30;
const MI: u64 = 1 << 20;

/// `(jvm.config lines, container limit)`: heap forms, orders and refusals.
const CASES: &[(&[&str], Option<u64>)] = &[
    (&["-Xmx8G"], Some(10 * GI)),
    (&["-XX:MaxHeapSize=3g", "-Xmx2g"], None),
    (&["-Xmx2g", "-XX:MaxHeapSize=3g"], None),
    (&["-Xmx4G", "-XX:MaxRAMPercentage=80"], Some(12 * GI)),
    (&["-XX:MaxRAMPercentage=80", "-Xmx4G"], Some(12 * GI)),
    (&["-XX:MaxRAMPercentage=80"], Some(12 * GI)),
    (&["-XX:MaxRAMPercentage=92.5"], Some(6 * GI)),
    (&["-XX:MaxRAMPercentage=50", "-XX:MaxRAM=16g"], None),
    (&["-XX:MaxRAM=16g"], Some(8 * GI)),
    (&[], Some(12 * GI)),
    (&[], Some(300 * MI)),
    (&[], Some(100 * MI)),
    (&["-XX:MinRAMPercentage=10"], Some(100 * MI)),
    (&["-XX:MaxRAMPercentage=0"], Some(10 * GI)),
    (&["-Xms2g"], Some(4 * GI)),
    (&["-XX:InitialRAMPercentage=60"], Some(4 * GI)),
    (&["-XX:InitialRAMPercentage=90", "-Xmx1g"], None),
    // Refused: the JVM prints an error and exits.
    (&["-Xmx 13G"], Some(16 * GI)),
    (&["-Xmx1.5g"], None),
    (&["-Xmx0"], None),
    (&["-Xmx=4g"], None),
    (&["-XX:MaxRAMPercentage=150"], Some(10 * GI)),
    (&["-XX:MaxRAMPercentage=80%"], Some(10 * GI)),
    (&["-XX:InitialRAMPercentage=101"], None),
    (&["-Xms8G", "-Xmx4G"], None),
];

/// The JDKs on this machine: the default `java` (17) and Temurin 25.
fn jdks() -> Vec<PathBuf> {
    let candidates = [
        PathBuf::from("java"),
        PathBuf::from("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"),
    ];
    candidates
        .into_iter()
        .filter(|java| {
            Command::new(java)
                .arg("-version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .collect()
}

/// What the JVM says: `Ok(MaxHeapSize)` or `Err(its error)`.
fn run(java: &PathBuf, options: &[&str], limit: Option<u64>) -> Result<u64, String> {
    let mut command = Command::new(java);
    // A container limit, as the JVM's container support would read it; an
    // explicit MaxRAM in the case wins, as it does in a container.
    if let Some(limit) = limit
        && !options.iter().any(|o| o.starts_with("-XX:MaxRAM="))
    {
        command.arg(format!("-XX:MaxRAM={limit}"));
    }
    let output = command
        .args(options)
        .args(["-XX:+PrintFlagsFinal", "-version"])
        .output()
        .expect("java runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr)
            .lines()
            .next()
            .unwrap_or("")
            .to_string());
    }
    stdout
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some("MaxHeapSize"))
        .and_then(|l| l.split_whitespace().nth(3)?.parse().ok())
        .ok_or_else(|| "no MaxHeapSize printed".into())
}

#[test]
fn the_heap_model_agrees_with_real_jvms() {
    let jdks = jdks();
    assert!(!jdks.is_empty(), "no java on this machine");
    for java in &jdks {
        for (lines, limit) in CASES {
            let jvm = JvmConfig::parse(&lines.iter().map(|l| format!("{l}\n")).collect::<String>());
            let heap = resolve(&options_in_order(None, None, Some(&jvm)), *limit);
            let real = run(java, lines, *limit);
            match (&real, heap.refused.is_empty()) {
                (Ok(max), true) => {
                    let model = heap
                        .max
                        .unwrap_or_else(|| panic!("{lines:?}: the model has no size"));
                    // The JVM aligns the heap up to its alignment (a few MiB at most here).
                    assert!(
                        max.abs_diff(model) <= 8 * MI,
                        "{java:?} {lines:?} limit {limit:?}: JVM {max}, model {model}"
                    );
                }
                (Err(_), false) => {}
                (real, _) => panic!(
                    "{java:?} {lines:?} limit {limit:?}: JVM {real:?}, model refuses {:?}",
                    heap.refused
                ),
            }
        }
    }
}
