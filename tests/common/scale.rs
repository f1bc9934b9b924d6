//! A cluster's Trino node files made to fit this machine: every memory size
//! multiplied by one factor, so that the relations under test (query memory and
//! headroom against the heap, the cluster's query memory against workers x
//! per-node memory, the heap's share of the container) stay what the cluster's
//! ConfigMaps say, while the absolute sizes fit a shared 2-core machine.
//!
//! The one place this scaling lives: tests/trino_rules.rs (the rules against a
//! real Trino) and tests/engine/etc.rs (the engine benchmark's local Trino) both
//! call it.

#![allow(dead_code)]

use kubectl_dp::platform::jvm::{JvmConfig, format_jvm_size, parse_jvm_size};
use kubectl_dp::platform::properties::{Properties, format_data_size, parse_data_size};

/// config.properties sizes that are shares of the heap or of the cluster's memory.
pub const SCALED_PROPERTIES: [&str; 4] = [
    "query.max-memory-per-node",
    "memory.heap-headroom-per-node",
    "query.max-memory",
    "query.max-total-memory",
];

/// jvm.config options that size the heap; the scaled heap replaces them all with
/// one `-Xmx` (a percentage of a container limit means nothing outside the container).
const HEAP_OPTIONS: [&str; 8] = [
    "-Xmx",
    "-Xms",
    "-XX:MaxHeapSize=",
    "-XX:InitialHeapSize=",
    "-XX:MaxRAMPercentage=",
    "-XX:InitialRAMPercentage=",
    "-XX:MinRAMPercentage=",
    "-XX:MaxRAM=",
];

/// A factor `num/den` (`1/16`), exact on byte counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Factor {
    pub num: u64,
    pub den: u64,
}

impl Factor {
    /// `1/16`, `3/4`, `2`.
    pub fn parse(text: &str) -> Option<Factor> {
        let (num, den) = text.split_once('/').unwrap_or((text, "1"));
        let factor = Factor {
            num: num.trim().parse().ok()?,
            den: den.trim().parse().ok()?,
        };
        (factor.num > 0 && factor.den > 0).then_some(factor)
    }

    /// `bytes x num / den`, rounded down to whole MiB above 16 MiB (Trino and
    /// the JVM print them back as such).
    pub fn of(self, bytes: u64) -> u64 {
        let scaled = (bytes as u128 * self.num as u128 / self.den as u128) as u64;
        if scaled >= 16 << 20 {
            scaled >> 20 << 20
        } else {
            scaled
        }
    }
}

impl std::fmt::Display for Factor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

/// One node's files after scaling, and a line per size that changed
/// (`-Xmx9G -> -Xmx576M`), for the report.
pub struct Scaled {
    pub jvm_config: String,
    pub config_properties: String,
    pub changes: Vec<String>,
}

/// Scales a node whose JVM resolves to `heap` bytes (from whatever form the
/// cluster sets it in: see `TrinoNode::heap`). The G1 region size scales with the
/// heap (a power of two from 1M to 32M), so the heap keeps its number of regions.
pub fn scale_node(jvm_config: &str, heap: u64, config_properties: &str, factor: Factor) -> Scaled {
    let mut changes = Vec::new();
    let mut jvm = JvmConfig::parse(jvm_config);
    let before: Vec<String> = jvm
        .options()
        .map(|(o, _)| o.to_string())
        .filter(|o| HEAP_OPTIONS.iter().any(|p| o.starts_with(p)))
        .collect();
    for option in &before {
        jvm.remove_option(option);
    }
    let local_heap = factor.of(heap);
    let xmx = format!("-Xmx{}", format_jvm_size(local_heap));
    jvm.set_option("-Xmx", &xmx);
    changes.push(format!("{} -> {xmx}", before.join(" ")));
    let region = jvm.g1_region_size().and_then(parse_jvm_size);
    if let Some(region) = region {
        let scaled = factor
            .of(region)
            .clamp(1 << 20, 32 << 20)
            .next_power_of_two()
            .min(32 << 20);
        let option = format!("-XX:G1HeapRegionSize={}", format_jvm_size(scaled));
        jvm.set_option("-XX:G1HeapRegionSize=", &option);
        changes.push(format!(
            "-XX:G1HeapRegionSize={} -> {option}",
            format_jvm_size(region)
        ));
    }
    let mut props = Properties::parse(config_properties);
    for key in SCALED_PROPERTIES {
        let Some(value) = props.get(key).map(str::to_string) else {
            continue;
        };
        if let Some(bytes) = parse_data_size(&value) {
            let scaled = format_data_size(factor.of(bytes));
            changes.push(format!("{key}={value} -> {scaled}"));
            props.set(key, &scaled);
        }
    }
    Scaled {
        jvm_config: jvm.to_string(),
        config_properties: props.to_string(),
        changes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relations_are_kept() {
        let factor = Factor::parse("1/16").unwrap();
        let scaled = scale_node(
            "-server\n-XX:MaxRAMPercentage=80\n-XX:G1HeapRegionSize=32M\n",
            13 << 30,
            "query.max-memory-per-node=5GB\nmemory.heap-headroom-per-node=3GB\nquery.max-memory=10GB\nshutdown.grace-period=60s\n",
            factor,
        );
        assert_eq!(
            scaled.jvm_config,
            "-server\n-XX:G1HeapRegionSize=2M\n-Xmx832M\n"
        );
        assert_eq!(
            scaled.config_properties,
            "query.max-memory-per-node=320MB\nmemory.heap-headroom-per-node=192MB\nquery.max-memory=640MB\nshutdown.grace-period=60s\n"
        );
        assert_eq!(scaled.changes[0], "-XX:MaxRAMPercentage=80 -> -Xmx832M");
        assert_eq!(Factor::parse("2"), Some(Factor { num: 2, den: 1 }));
        assert_eq!(Factor::parse("0/3"), None);
        assert_eq!(Factor::parse("x"), None);
    }
}
