//! The heap a JVM will really get, from every way it can be given: `-Xmx` and
//! `-XX:MaxHeapSize`, `-XX:MaxRAMPercentage` of the container (or of
//! `-XX:MaxRAM`), `-Xms` above what ergonomics would pick, the JVM's default
//! share when nothing is set, and options in `JAVA_TOOL_OPTIONS` /
//! `JDK_JAVA_OPTIONS`. It also names the options the JVM refuses (it then does not
//! start at all).
//!
//! The arithmetic follows HotSpot's `Arguments::set_heap_size` (JDK 17 to 25),
//! and every case in the tests below was checked against a real `java` 17 and 25
//! with `-XX:+PrintFlagsFinal` (tests/jvm_flags.rs runs them again when a JDK is
//! on the machine).

use std::fmt;

use super::{JvmConfig, parse_jvm_size, readable_jvm_size};
use crate::platform::quantity::readable_bytes;

/// HotSpot's default `MaxHeapSize` on 64-bit (96M scaled for the word size,
/// aligned): the smallest heap ergonomics picks on a machine that is not tiny.
pub(crate) const ERGONOMIC_FLOOR: u64 = 126 << 20;
/// `-XX:MaxRAMPercentage` when not set: the JVM takes a quarter of the memory.
pub(crate) const DEFAULT_MAX_RAM_PERCENTAGE: f64 = 25.0;
/// `-XX:MinRAMPercentage` when not set: the share used on very small memory.
pub(crate) const DEFAULT_MIN_RAM_PERCENTAGE: f64 = 50.0;

/// Where an option came from, in the order the JVM reads them: a later source
/// overrides an earlier one, and within one source the last option wins.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// `JAVA_TOOL_OPTIONS` in the container's env: read before the command line.
    JavaToolOptions,
    /// `JDK_JAVA_OPTIONS`: the `java` launcher puts it before the command line's own options.
    JdkJavaOptions,
    /// A line of jvm.config (1-based): Trino's launcher passes each line as one argument.
    JvmConfig {
        /// The line.
        line: usize,
    },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::JavaToolOptions => f.write_str("env JAVA_TOOL_OPTIONS"),
            Origin::JdkJavaOptions => f.write_str("env JDK_JAVA_OPTIONS"),
            Origin::JvmConfig { line } => write!(f, "jvm.config line {line}"),
        }
    }
}

/// One JVM option and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JvmOption {
    /// The option as the JVM receives it (`-Xmx8G`).
    pub text: String,
    /// Where it was written.
    pub origin: Origin,
}

/// The options a container's JVM receives, in the order it reads them: the
/// environment's first, then jvm.config's.
pub fn options_in_order(
    java_tool_options: Option<&str>,
    jdk_java_options: Option<&str>,
    jvm_config: Option<&JvmConfig>,
) -> Vec<JvmOption> {
    let from_env = |value: Option<&str>, origin: Origin| -> Vec<JvmOption> {
        value
            .unwrap_or_default()
            .split_whitespace()
            .map(|text| JvmOption {
                text: text.to_string(),
                origin: origin.clone(),
            })
            .collect()
    };
    let mut out = from_env(java_tool_options, Origin::JavaToolOptions);
    out.extend(from_env(jdk_java_options, Origin::JdkJavaOptions));
    if let Some(config) = jvm_config {
        out.extend(config.options().map(|(text, line)| JvmOption {
            text: text.to_string(),
            origin: Origin::JvmConfig { line },
        }));
    }
    out
}

/// What the JVM sizes its heap from when no fixed size is given.
#[derive(Debug, Clone, PartialEq)]
pub enum Basis {
    /// The container's memory limit (the JVM's container support reads it).
    ContainerLimit(u64),
    /// `-XX:MaxRAM`, which replaces the container's memory when set.
    MaxRam {
        /// Its size.
        bytes: u64,
        /// Where it was set.
        origin: Origin,
    },
    /// No limit, or container support switched off: the node's memory, which
    /// depends on where the pod lands.
    NodeMemory,
}

impl Basis {
    fn bytes(&self) -> Option<u64> {
        match self {
            Basis::ContainerLimit(b) | Basis::MaxRam { bytes: b, .. } => Some(*b),
            Basis::NodeMemory => None,
        }
    }
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Basis::ContainerLimit(b) => write!(f, "the {} container limit", readable_bytes(*b)),
            Basis::MaxRam { bytes, origin } => {
                write!(f, "-XX:MaxRAM={} ({origin})", readable_jvm_size(*bytes))
            }
            Basis::NodeMemory => f.write_str("the node's memory (no container limit)"),
        }
    }
}

/// How the maximum heap is set.
#[derive(Debug, Clone, PartialEq)]
pub enum HeapSetting {
    /// `-Xmx` or `-XX:MaxHeapSize`: a fixed size (it wins over any percentage).
    Fixed {
        /// The option.
        option: String,
        /// Where it was written.
        origin: Origin,
    },
    /// `-XX:MaxRAMPercentage` of the basis.
    Percentage {
        /// The percentage.
        percent: f64,
        /// The option.
        option: String,
        /// Where it was written.
        origin: Origin,
        /// What it is a percentage of.
        basis: Basis,
    },
    /// Nothing set: the JVM's default 25% of the basis.
    Default {
        /// What the 25% are of.
        basis: Basis,
    },
    /// `-Xms` above what ergonomics would pick: the JVM raises the maximum to it.
    RaisedByInitial {
        /// The `-Xms` option.
        option: String,
        /// Where it was written.
        origin: Origin,
    },
}

/// An option the JVM refuses: it prints an error and does not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The option.
    pub option: String,
    /// Where it was written.
    pub origin: Origin,
    /// Why, as the JVM would say it.
    pub reason: String,
}

/// The heap of one JVM, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Heap {
    /// The maximum heap in bytes; `None` when it depends on the node.
    pub max: Option<u64>,
    /// How it is set.
    pub setting: HeapSetting,
    /// Options that stop the JVM from starting.
    pub refused: Vec<Refusal>,
}

impl Heap {
    /// Where the maximum heap was written, when it was.
    pub(crate) fn origin(&self) -> Option<&Origin> {
        match &self.setting {
            HeapSetting::Fixed { origin, .. }
            | HeapSetting::Percentage { origin, .. }
            | HeapSetting::RaisedByInitial { origin, .. } => Some(origin),
            HeapSetting::Default { .. } => None,
        }
    }

    /// Whether a size was chosen (a fixed size, a percentage or `-Xms`), not left to the default.
    pub(crate) fn is_set(&self) -> bool {
        !matches!(self.setting, HeapSetting::Default { .. })
    }

    /// The heap for a person: `-Xmx8G (jvm.config line 2)`,
    /// `-XX:MaxRAMPercentage=80 of the 12Gi container limit = 9.6GiB`.
    pub fn describe(&self) -> String {
        let size = self
            .max
            .map(|b| format!(" = {}", readable_bytes(b)))
            .unwrap_or_default();
        match &self.setting {
            HeapSetting::Fixed { option, origin } => format!("{option} ({origin})"),
            HeapSetting::Percentage {
                option,
                origin,
                basis,
                ..
            } => format!("{option} ({origin}) of {basis}{size}"),
            HeapSetting::Default { basis } => {
                format!("no heap size set: the JVM's default 25% of {basis}{size}")
            }
            HeapSetting::RaisedByInitial { option, origin } => {
                format!("{option} ({origin}), above the ergonomic maximum{size}")
            }
        }
    }
}

/// The options that decide the heap, each the last of its kind.
#[derive(Default)]
struct Flags<'a> {
    max_heap: Option<(&'a JvmOption, u64)>,
    initial_heap: Option<(&'a JvmOption, u64)>,
    max_ram: Option<(&'a JvmOption, u64)>,
    max_ram_percentage: Option<(&'a JvmOption, f64)>,
    min_ram_percentage: Option<f64>,
    container_support: bool,
}

/// A size flag's value: `-Xmx<size>` or `-XX:MaxHeapSize=<size>` (the JVM
/// takes `k/m/g/t` in either case, whole numbers only, and refuses 0 for a maximum).
fn size_value<'o>(text: &'o str, prefixes: &[&str]) -> Option<&'o str> {
    prefixes.iter().find_map(|p| text.strip_prefix(p))
}

/// A JVM size exactly as the JVM reads it: no space before the digits
/// (`-Xmx 13G`, one jvm.config line, is refused at start).
fn strict_size(value: &str) -> Option<u64> {
    value
        .starts_with(|c: char| c.is_ascii_digit())
        .then(|| parse_jvm_size(value))
        .flatten()
}

/// A percentage flag's value (a decimal the JVM reads with `strtod`; a `%`
/// sign or anything else after the number is refused).
fn percentage(text: &str) -> Option<f64> {
    let value: f64 = text.parse().ok()?;
    value.is_finite().then_some(value)
}

fn refuse(option: &JvmOption, reason: impl Into<String>) -> Refusal {
    Refusal {
        option: option.text.clone(),
        origin: option.origin.clone(),
        reason: reason.into(),
    }
}

fn read_flags<'a>(options: &'a [JvmOption], refused: &mut Vec<Refusal>) -> Flags<'a> {
    let mut flags = Flags {
        container_support: true,
        ..Flags::default()
    };
    for option in options {
        let text = option.text.as_str();
        if let Some(value) = size_value(text, &["-Xmx", "-XX:MaxHeapSize="]) {
            match strict_size(value).filter(|b| *b > 0) {
                Some(bytes) => flags.max_heap = Some((option, bytes)),
                None => refused.push(refuse(
                    option,
                    format!("Invalid maximum heap size: {text} (a whole number with k, m, g or t, no space: -Xmx8G)"),
                )),
            }
        } else if let Some(value) = size_value(text, &["-Xms", "-XX:InitialHeapSize="]) {
            match strict_size(value) {
                Some(bytes) => flags.initial_heap = Some((option, bytes)),
                None => refused.push(refuse(option, format!("Invalid initial heap size: {text}"))),
            }
        } else if let Some(value) = text.strip_prefix("-XX:MaxRAM=") {
            match strict_size(value) {
                Some(bytes) => flags.max_ram = Some((option, bytes)),
                None => refused.push(refuse(
                    option,
                    format!("Improperly specified VM option '{}'", &text[4..]),
                )),
            }
        } else if let Some((name, value)) = ram_percentage_flag(text) {
            match percentage(value) {
                Some(p) if (0.0..=100.0).contains(&p) => match name {
                    "MaxRAMPercentage" => flags.max_ram_percentage = Some((option, p)),
                    "MinRAMPercentage" => flags.min_ram_percentage = Some(p),
                    _ => {}
                },
                Some(p) => refused.push(refuse(
                    option,
                    format!("{name} ({p}) must be between 0 and 100"),
                )),
                None => refused.push(refuse(
                    option,
                    format!(
                        "Improperly specified VM option '{}' (a number without %)",
                        &text[4..]
                    ),
                )),
            }
        } else if text == "-XX:-UseContainerSupport" {
            flags.container_support = false;
        } else if text == "-XX:+UseContainerSupport" {
            flags.container_support = true;
        }
    }
    flags
}

/// `-XX:MaxRAMPercentage=80` → `("MaxRAMPercentage", "80")`, for the three RAM percentages.
fn ram_percentage_flag(text: &str) -> Option<(&str, &str)> {
    let (name, value) = text.strip_prefix("-XX:")?.split_once('=')?;
    matches!(
        name,
        "MaxRAMPercentage" | "MinRAMPercentage" | "InitialRAMPercentage"
    )
    .then_some((name, value))
}

/// HotSpot's ergonomic maximum for `memory` bytes of RAM: the percentage of it,
/// but at least the 126M floor, and on tiny memory (where half of it is below the
/// floor) the MinRAMPercentage share instead.
pub(crate) fn ergonomic_max(memory: u64, max_percent: f64, min_percent: f64) -> u64 {
    let share = |percent: f64| (memory as f64 * percent / 100.0) as u64;
    let reasonable_min = share(min_percent);
    if reasonable_min < ERGONOMIC_FLOOR {
        reasonable_min
    } else {
        share(max_percent).max(ERGONOMIC_FLOOR)
    }
}

/// Resolves the heap of a JVM that receives `options` (in reading order) in a
/// container whose memory limit is `container_limit`.
pub fn resolve(options: &[JvmOption], container_limit: Option<u64>) -> Heap {
    let mut refused = Vec::new();
    let flags = read_flags(options, &mut refused);
    let basis = match (flags.max_ram, container_limit) {
        (Some((option, bytes)), _) => Basis::MaxRam {
            bytes,
            origin: option.origin.clone(),
        },
        (None, Some(limit)) if flags.container_support => Basis::ContainerLimit(limit),
        _ => Basis::NodeMemory,
    };
    let (max, setting) = if let Some((option, bytes)) = flags.max_heap {
        let setting = HeapSetting::Fixed {
            option: option.text.clone(),
            origin: option.origin.clone(),
        };
        (Some(bytes), setting)
    } else {
        let percent = flags
            .max_ram_percentage
            .map_or(DEFAULT_MAX_RAM_PERCENTAGE, |(_, p)| p);
        let min_percent = flags
            .min_ram_percentage
            .unwrap_or(DEFAULT_MIN_RAM_PERCENTAGE);
        let ergonomic = basis
            .bytes()
            .map(|memory| ergonomic_max(memory, percent, min_percent));
        match (flags.initial_heap, flags.max_ram_percentage) {
            // -Xms above the ergonomic maximum raises the maximum to it.
            (Some((option, initial)), _) if ergonomic.is_none_or(|e| initial > e) => (
                Some(initial),
                HeapSetting::RaisedByInitial {
                    option: option.text.clone(),
                    origin: option.origin.clone(),
                },
            ),
            (_, Some((option, percent))) => (
                ergonomic,
                HeapSetting::Percentage {
                    percent,
                    option: option.text.clone(),
                    origin: option.origin.clone(),
                    basis,
                },
            ),
            _ => (ergonomic, HeapSetting::Default { basis }),
        }
    };
    if let (Some((option, initial)), Some((_, maximum))) = (flags.initial_heap, flags.max_heap)
        && initial > maximum
    {
        refused.push(refuse(
            option,
            format!(
                "Initial heap size set to a larger value than the maximum heap size ({} > {})",
                readable_jvm_size(initial),
                readable_jvm_size(maximum)
            ),
        ));
    }
    Heap {
        max,
        setting,
        refused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GI: u64 = 1 << 30;
    const MI: u64 = 1 << 20;

    fn heap_of(config: &str, limit: Option<u64>) -> Heap {
        let jvm = JvmConfig::parse(&config.replace(' ', "\n"));
        resolve(&options_in_order(None, None, Some(&jvm)), limit)
    }

    /// Each case as `java <options> -XX:+PrintFlagsFinal -version` printed
    /// MaxHeapSize on JDK 17 and 25 (the JVM then aligns up to its heap
    /// alignment; the arithmetic here is before alignment, so the check allows 8 MiB).
    #[test]
    fn heaps_as_the_jvm_computes_them() {
        let cases: &[(&str, Option<u64>, u64)] = &[
            ("-Xmx8G", Some(10 * GI), 8 * GI),
            ("-XX:MaxHeapSize=3g -Xmx2g", None, 2 * GI),
            ("-Xmx2g -XX:MaxHeapSize=3g", None, 3 * GI),
            // A fixed size wins over a percentage, in either order.
            ("-Xmx4G -XX:MaxRAMPercentage=80", Some(12 * GI), 4 * GI),
            ("-XX:MaxRAMPercentage=80 -Xmx4G", Some(12 * GI), 4 * GI),
            ("-XX:MaxRAMPercentage=80", Some(12 * GI), 12 * GI / 10 * 8),
            ("-XX:MaxRAM=16g", None, 4 * GI),
            ("-XX:MaxRAM=16g -XX:MaxRAMPercentage=50", None, 8 * GI),
            (
                "-XX:MaxRAMPercentage=80.5 -XX:MaxRAM=10g",
                None,
                8_648_654_848,
            ),
            // MaxRAM replaces the container's memory, even above it.
            ("-XX:MaxRAM=16g", Some(8 * GI), 4 * GI),
            ("", Some(12 * GI), 3 * GI),
            ("-XX:MaxRAM=300m", None, 126 * MI),
            ("-XX:MaxRAM=100m", None, 50 * MI),
            ("-XX:MinRAMPercentage=10 -XX:MaxRAM=100m", None, 10 * MI),
            ("-XX:MaxRAMPercentage=0 -XX:MaxRAM=10g", None, 126 * MI),
            // -Xms above the ergonomic maximum raises it; InitialRAMPercentage does not.
            ("-Xms2g -XX:MaxRAM=4g", None, 2 * GI),
            ("-XX:MaxRAM=4g -XX:InitialRAMPercentage=60", None, GI),
            ("-XX:InitialRAMPercentage=90 -Xmx1g", None, GI),
        ];
        for (options, limit, expected) in cases {
            let heap = heap_of(options, *limit);
            assert!(heap.refused.is_empty(), "{options}: {:?}", heap.refused);
            let max = heap.max.unwrap_or_else(|| panic!("{options}: no max"));
            assert!(
                max.abs_diff(*expected) <= 8 * MI,
                "{options}: {max} vs {expected}"
            );
        }
    }

    #[test]
    fn options_the_jvm_refuses() {
        for options in [
            "-Xmx 13G",
            "-Xmx1.5g",
            "-Xmx0",
            "-Xmx=4g",
            "-XX:MaxRAMPercentage=150",
            "-XX:MaxRAMPercentage=80%",
            "-XX:InitialRAMPercentage=101",
            "-Xms8G -Xmx4G",
        ] {
            // One option per jvm.config line; "-Xmx 13G" is one line.
            let jvm = JvmConfig::parse(&options.replace(" -", "\n-"));
            let heap = resolve(&options_in_order(None, None, Some(&jvm)), Some(16 * GI));
            assert_eq!(heap.refused.len(), 1, "{options}: {:?}", heap.refused);
        }
        let heap = heap_of("-Xms8G -Xmx4G", None);
        assert!(
            heap.refused[0]
                .reason
                .contains("larger value than the maximum"),
            "{:?}",
            heap.refused
        );
    }

    #[test]
    fn the_environment_is_read_first_and_jvm_config_overrides_it() {
        let jvm = JvmConfig::parse("-XX:+UseG1GC\n-Xmx6G\n");
        let options = options_in_order(Some("-Xmx2G"), Some("-Xmx3G"), Some(&jvm));
        let heap = resolve(&options, Some(10 * GI));
        assert_eq!(heap.max, Some(6 * GI));
        assert_eq!(heap.origin(), Some(&Origin::JvmConfig { line: 2 }));
        let options = options_in_order(Some("-XX:MaxRAMPercentage=75"), None, None);
        let heap = resolve(&options, Some(8 * GI));
        assert_eq!(heap.max, Some(6 * GI));
        assert!(
            heap.describe().contains("env JAVA_TOOL_OPTIONS"),
            "{}",
            heap.describe()
        );
    }

    #[test]
    fn without_a_limit_a_share_depends_on_the_node() {
        let heap = heap_of("-XX:MaxRAMPercentage=80", None);
        assert_eq!(heap.max, None);
        assert!(matches!(
            heap.setting,
            HeapSetting::Percentage {
                basis: Basis::NodeMemory,
                ..
            }
        ));
        let heap = heap_of("-XX:-UseContainerSupport", Some(8 * GI));
        assert_eq!(heap.max, None);
        assert!(!heap.is_set());
    }

    #[test]
    fn descriptions_name_the_option_and_the_size() {
        let heap = heap_of("-XX:MaxRAMPercentage=80", Some(12 * GI));
        assert_eq!(
            heap.describe(),
            "-XX:MaxRAMPercentage=80 (jvm.config line 1) of the 12Gi container limit = 9.6Gi"
        );
        assert_eq!(
            heap_of("", Some(12 * GI)).describe(),
            "no heap size set: the JVM's default 25% of the 12Gi container limit = 3Gi"
        );
    }
}
