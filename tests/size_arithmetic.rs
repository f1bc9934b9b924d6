//! The size arithmetic every command shares (`status`, `tune plan`, `quota
//! check`), checked by proptest against an independent calculation written here
//! from the upstream rules, not from the code under test:
//!
//! - the JVM heap: HotSpot's `Arguments::set_heap_size` (JDK 17 to 25) over
//!   every way a heap is given (`-Xmx`, `-XX:MaxHeapSize`, `-XX:MaxRAMPercentage`,
//!   `-XX:MaxRAM`, `-Xms`, `-XX:InitialRAMPercentage`, nothing), in
//!   `JAVA_TOOL_OPTIONS`, `JDK_JAVA_OPTIONS` and jvm.config, against a container limit;
//! - Spark pods as the operator builds them: memory + `memoryOverhead`, or the
//!   overhead factor (10%, 40% for Python, the driver's factor passed on to the
//!   executors) with the 384MiB minimum, and that pod against a LimitRange max.
//!
//! No cluster: `cargo test --test size_arithmetic`.

use kubectl_dp::platform::admission;
use kubectl_dp::platform::jvm::JvmConfig;
use kubectl_dp::platform::jvm::heap::{self, JvmOption};
use kubectl_dp::platform::spark;
use proptest::prelude::*;
use serde_json::json;

const MIB: u64 = 1 << 20;
/// HotSpot's default MaxHeapSize: the smallest heap ergonomics picks.
const FLOOR: u64 = 126 * MIB;

/// One heap-related option, as a person writes it.
#[derive(Debug, Clone)]
enum Opt {
    Xmx(u64, char),
    MaxHeapSize(u64, char),
    Xms(u64, char),
    MaxRam(u64, char),
    /// Tenths of a percent: 805 is `80.5`.
    MaxRamPercentage(u32),
    InitialRamPercentage(u32),
    /// An option that has nothing to do with the heap.
    Other,
}

fn unit_bytes(unit: char) -> u64 {
    match unit.to_ascii_lowercase() {
        'k' => 1 << 10,
        'm' => 1 << 20,
        'g' => 1 << 30,
        _ => 1,
    }
}

fn percent_text(tenths: u32) -> String {
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

impl Opt {
    fn text(&self) -> String {
        match self {
            Opt::Xmx(n, u) => format!("-Xmx{n}{u}"),
            Opt::MaxHeapSize(n, u) => format!("-XX:MaxHeapSize={n}{u}"),
            Opt::Xms(n, u) => format!("-Xms{n}{u}"),
            Opt::MaxRam(n, u) => format!("-XX:MaxRAM={n}{u}"),
            Opt::MaxRamPercentage(t) => format!("-XX:MaxRAMPercentage={}", percent_text(*t)),
            Opt::InitialRamPercentage(t) => {
                format!("-XX:InitialRAMPercentage={}", percent_text(*t))
            }
            Opt::Other => "-XX:+UseG1GC".into(),
        }
    }
}

fn size() -> impl Strategy<Value = (u64, char)> {
    prop_oneof![
        (1u64..=64).prop_map(|n| (n, 'g')),
        // From 8 MiB: below a few MiB the JVM refuses a heap as too small (not modelled).
        (8u64..=65_536).prop_map(|n| (n, 'm')),
        (1u64..=64).prop_map(|n| (n, 'G')),
        (8192u64..=1_048_576).prop_map(|n| (n, 'k')),
    ]
}

fn option() -> impl Strategy<Value = Opt> {
    prop_oneof![
        size().prop_map(|(n, u)| Opt::Xmx(n, u)),
        size().prop_map(|(n, u)| Opt::MaxHeapSize(n, u)),
        size().prop_map(|(n, u)| Opt::Xms(n, u)),
        size().prop_map(|(n, u)| Opt::MaxRam(n, u)),
        // Up to 120%: above 100 the JVM refuses the option.
        (0u32..=1200).prop_map(Opt::MaxRamPercentage),
        (0u32..=1000).prop_map(Opt::InitialRamPercentage),
        Just(Opt::Other),
    ]
}

/// What HotSpot does with these options (in reading order) in a container
/// with this memory limit: `(max heap, number of refused options)`.
fn expected_heap(options: &[Opt], limit: Option<u64>) -> (Option<u64>, usize) {
    let mut max_heap = None;
    let mut initial = None;
    let mut max_ram = None;
    // Percentages in tenths, so that the share is computed exactly.
    let mut percent_tenths: u64 = 250;
    let mut refused = 0;
    for option in options {
        match option {
            Opt::Xmx(n, u) | Opt::MaxHeapSize(n, u) => max_heap = Some(n * unit_bytes(*u)),
            Opt::Xms(n, u) => initial = Some(n * unit_bytes(*u)),
            Opt::MaxRam(n, u) => max_ram = Some(n * unit_bytes(*u)),
            Opt::MaxRamPercentage(t) if *t > 1000 => refused += 1,
            Opt::MaxRamPercentage(t) => percent_tenths = u64::from(*t),
            Opt::InitialRamPercentage(t) if *t > 1000 => refused += 1,
            Opt::InitialRamPercentage(_) | Opt::Other => {}
        }
    }
    if let (Some(i), Some(m)) = (initial, max_heap)
        && i > m
    {
        refused += 1; // "Initial heap size set to a larger value than the maximum heap size"
    }
    if let Some(fixed) = max_heap {
        return (Some(fixed), refused);
    }
    // MaxRAM replaces the physical (container) memory.
    let memory = max_ram.or(limit);
    let ergonomic = memory.map(|m| {
        let reasonable_max = m * percent_tenths / 1000;
        let reasonable_min = m / 2; // MinRAMPercentage 50
        if reasonable_min < FLOOR {
            reasonable_min
        } else {
            reasonable_max.max(FLOOR)
        }
    });
    let max = match (ergonomic, initial) {
        (Some(e), Some(i)) => Some(e.max(i)),
        (None, Some(i)) => Some(i),
        (e, None) => e,
    };
    (max, refused)
}

/// Splits `options` among JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS and jvm.config
/// (the order the JVM reads them in) at `cut1 <= cut2`.
fn resolve(options: &[Opt], cuts: (usize, usize), limit: Option<u64>) -> heap::Heap {
    let texts: Vec<String> = options.iter().map(Opt::text).collect();
    let a = cuts.0.min(texts.len());
    let b = cuts.1.clamp(a, texts.len());
    let env = |part: &[String]| (!part.is_empty()).then(|| part.join(" "));
    let tool = env(&texts[..a]);
    let jdk = env(&texts[a..b]);
    let config = JvmConfig::parse(&texts[b..].join("\n"));
    let ordered: Vec<JvmOption> =
        heap::options_in_order(tool.as_deref(), jdk.as_deref(), Some(&config));
    assert_eq!(ordered.len(), texts.len(), "every option is read once");
    heap::resolve(&ordered, limit)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn size_arithmetic_heap_matches_hotspot(
        options in prop::collection::vec(option(), 0..6),
        cuts in (0usize..6, 0usize..6),
        // Up to 64Gi: the default 25% stays below the compressed-oops cap
        // (~30G) that HotSpot applies to a default share (not modelled).
        limit in prop::option::of((64u64..=65_536).prop_map(|mib| mib * MIB)),
    ) {
        let heap = resolve(&options, cuts, limit);
        let (expected, refused) = expected_heap(&options, limit);
        prop_assert_eq!(heap.refused.len(), refused, "{:?}: {:?}", options, heap.refused);
        match (heap.max, expected) {
            // The model computes shares in floating point: within a byte.
            (Some(got), Some(want)) => prop_assert!(
                got.abs_diff(want) <= 1,
                "{:?} in {:?}: {} vs {}", options, limit, got, want
            ),
            (got, want) => prop_assert_eq!(got, want, "{:?} in {:?}", options, limit),
        }
    }

    #[test]
    fn size_arithmetic_a_space_is_never_a_heap_flag(n in 1u64..64) {
        // `-Xmx 13G` as one jvm.config line: the JVM refuses it.
        let config = JvmConfig::parse(&format!("-Xmx {n}G\n"));
        let heap = heap::resolve(&heap::options_in_order(None, None, Some(&config)), Some(64 << 30));
        prop_assert_eq!(heap.refused.len(), 1);
        prop_assert_eq!(heap.max, Some(16u64 << 30), "the default 25% stays");
    }
}

/// A Spark role's settings, and what the operator makes of them.
#[derive(Debug, Clone)]
struct Role {
    memory_mib: u64,
    /// Written as `g` when a whole number of GiB, else `m`.
    overhead_mib: Option<u64>,
    /// Hundredths.
    factor: Option<u32>,
}

fn role() -> impl Strategy<Value = Role> {
    (
        prop_oneof![(1u64..=32).prop_map(|g| g * 1024), 512u64..=40_000],
        prop::option::weighted(0.2, 0u64..=8192),
        prop::option::weighted(0.3, 0u32..=60),
    )
        .prop_map(|(memory_mib, overhead_mib, factor)| Role {
            memory_mib,
            overhead_mib,
            factor,
        })
}

fn size_text(mib: u64) -> String {
    if mib % 1024 == 0 && mib > 0 {
        format!("{}g", mib / 1024)
    } else {
        format!("{mib}m")
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn size_arithmetic_spark_pods_match_the_operator(
        driver in role(),
        executor in role(),
        python in any::<bool>(),
        app_factor in prop::option::weighted(0.3, 0u32..=60),
        max_gib in 4u64..=32,
    ) {
        let mut conf = serde_json::Map::new();
        let mut spec = json!({
            "type": if python { "Python" } else { "Scala" },
            "driver": {"memory": size_text(driver.memory_mib)},
            "executor": {"memory": size_text(executor.memory_mib), "instances": 2},
        });
        for (name, r) in [("driver", &driver), ("executor", &executor)] {
            if let Some(o) = r.overhead_mib {
                spec[name]["memoryOverhead"] = json!(size_text(o));
            }
            if let Some(f) = r.factor {
                conf.insert(format!("spark.{name}.memoryOverheadFactor"), json!(format!("{}", f64::from(f) / 100.0)));
            }
        }
        if let Some(f) = app_factor {
            spec["memoryOverheadFactor"] = json!(format!("{}", f64::from(f) / 100.0));
        }
        spec["sparkConf"] = serde_json::Value::Object(conf);

        // Spark: the role's factor, else (executors) the driver's, which the
        // driver passes on as spark.kubernetes.memoryOverheadFactor, else the
        // application's, else 10% (40% for Python); overhead at least 384MiB.
        // Spark reads the factor as a Java double and truncates
        // `factor * memoryMiB` to a long: 0.41 × 39300 is 16112, not 16113.
        let factor_of = |own: Option<u32>, passed: Option<u32>| -> f64 {
            let hundredths = own.or(passed).or(app_factor).unwrap_or(if python { 40 } else { 10 });
            format!("{}", f64::from(hundredths) / 100.0).parse().unwrap()
        };
        let pod_mib = |r: &Role, factor: f64| -> u64 {
            r.memory_mib
                + r.overhead_mib
                    .unwrap_or_else(|| ((factor * r.memory_mib as f64) as u64).max(384))
        };
        let want_driver = pod_mib(&driver, factor_of(driver.factor, None));
        let want_executor = pod_mib(&executor, factor_of(executor.factor, driver.factor));

        let pods = spark::pods(&spec).map_err(TestCaseError::fail)?;
        prop_assert_eq!(pods[0].memory_mib, want_driver, "driver of {}", spec);
        prop_assert_eq!(pods[1].memory_mib, want_executor, "executors of {}", spec);

        // The pod against a LimitRange max, as admission sees it.
        let range: k8s_openapi::api::core::v1::LimitRange = serde_json::from_value(json!({
            "metadata": {"name": "bounds"},
            "spec": {"limits": [{"type": "Container", "max": {"memory": format!("{max_gib}Gi")}}]}
        })).unwrap();
        for (pod, want) in pods.iter().zip([want_driver, want_executor]) {
            let refused = !admission::admit(&pod.spec, std::slice::from_ref(&range), &[]).refusals.is_empty();
            prop_assert_eq!(refused, want > max_gib * 1024, "{} pod of {} MiB under {}Gi", pod.role.as_str(), want, max_gib);
        }
    }
}
