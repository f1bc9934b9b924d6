//! jvm.config: heap against the container limit, G1 and its region size, the
//! documented flag set, legacy flags.

use crate::platform::jvm::{DOCUMENTED_FLAGS, JvmConfig, format_jvm_size};
use crate::status::analyse::trino::{HEAP_SHARE_MAX, suggested_heap};
use crate::tune::model::{Edit, Profile, Proposal};

use super::{gib, round_size};

/// The lowest heap share worth keeping: below it the container's memory is wasted.
pub const HEAP_SHARE_MIN: f64 = 0.70;

/// The garbage collector Trino requires.
pub const G1: &str = "-XX:+UseG1GC";
/// The G1 region size Trino recommends.
pub const REGION: &str = "32M";

/// The heap the profile aims at for a container limit.
pub fn target_heap(limit: u64, profile: Profile) -> u64 {
    match profile {
        // status suggests exactly this: the two must agree.
        Profile::Balanced => suggested_heap(limit),
        _ => {
            let (num, den) = profile.heap_share();
            round_size((limit as u128 * num as u128 / den as u128) as u64)
        }
    }
}

/// All proposals for one jvm.config, and the heap in bytes after them.
pub fn rules(
    jvm: &JvmConfig,
    limit: Option<u64>,
    profile: Profile,
) -> (Vec<Proposal>, Option<u64>) {
    let mut out = Vec::new();
    let heap = heap_rule(jvm, limit, profile, &mut out);
    gc_rules(jvm, &mut out);
    flag_rules(jvm, &mut out);
    (out, heap)
}

fn heap_rule(
    jvm: &JvmConfig,
    limit: Option<u64>,
    profile: Profile,
    out: &mut Vec<Proposal>,
) -> Option<u64> {
    let current = jvm.max_heap();
    let bad_line = jvm
        .problems()
        .into_iter()
        .find(|(_, r)| r.contains("heap size"))
        .map(|(l, _)| l);
    let Some(limit) = limit else {
        return current.map(|c| c.0);
    };
    let target = target_heap(limit, profile);
    let (from, line, why) = match current {
        Some((heap, line)) if bad_line.is_none_or(|b| b < line) => {
            let share = heap as f64 / limit as f64;
            if (HEAP_SHARE_MIN..=HEAP_SHARE_MAX).contains(&share) {
                return Some(heap);
            }
            let what = if heap > limit {
                "is above the container memory limit: the kernel OOM-kills the JVM"
            } else if share > HEAP_SHARE_MAX {
                "leaves too little for off-heap memory (metaspace, code cache, thread stacks, direct buffers)"
            } else {
                "wastes the container's memory"
            };
            (
                Some(format!("-Xmx{}", format_jvm_size(heap))),
                Some(line),
                format!("{:.0}% of the {} limit {what}", share * 100.0, gib(limit)),
            )
        }
        _ => match bad_line {
            Some(line) => (
                jvm.options()
                    .find(|(_, l)| *l == line)
                    .map(|(o, _)| o.to_string()),
                Some(line),
                format!("line {line} is not a heap size the JVM accepts"),
            ),
            None => (
                None,
                None,
                "no -Xmx: the JVM would take 25% of the container memory".to_string(),
            ),
        },
    };
    let (num, den) = profile.heap_share();
    out.push(Proposal {
        setting: "-Xmx".into(),
        line,
        current: from,
        proposed: Some(format!("-Xmx{}", format_jvm_size(target))),
        rule: "trino.heap-share",
        reason: format!(
            "{why}; heap 70-85% of the limit: {}% of {} = {}",
            num * 100 / den,
            gib(limit),
            format_jvm_size(target)
        ),
        edit: Edit::JvmSet {
            prefix: "-Xmx".into(),
            option: format!("-Xmx{}", format_jvm_size(target)),
        },
    });
    Some(target)
}

fn gc_rules(jvm: &JvmConfig, out: &mut Vec<Proposal>) {
    let legacy: Vec<&str> = jvm.legacy_flags().iter().map(|(o, _, _)| *o).collect();
    for (option, line) in jvm.options() {
        if option.starts_with("-XX:+Use")
            && option.ends_with("GC")
            && option != G1
            && !legacy.contains(&option)
        {
            out.push(Proposal {
                setting: option.to_string(),
                line: Some(line),
                current: Some(option.to_string()),
                proposed: None,
                rule: "trino.g1",
                reason: "Trino is tuned and tested on G1; one collector only".into(),
                edit: Edit::JvmRemove {
                    option: option.to_string(),
                },
            });
        }
    }
    if !jvm.has(G1) {
        out.push(Proposal {
            setting: G1.into(),
            line: None,
            current: None,
            proposed: Some(G1.into()),
            rule: "trino.g1",
            reason: "the Trino documentation runs G1".into(),
            edit: Edit::JvmSet {
                prefix: G1.into(),
                option: G1.into(),
            },
        });
    }
    if jvm.g1_region_size() != Some(REGION) {
        let line = jvm
            .options()
            .filter(|(o, _)| o.starts_with("-XX:G1HeapRegionSize="))
            .map(|(_, l)| l)
            .last();
        out.push(Proposal {
            setting: "-XX:G1HeapRegionSize".into(),
            line,
            current: jvm.g1_region_size().map(|r| format!("-XX:G1HeapRegionSize={r}")),
            proposed: Some(format!("-XX:G1HeapRegionSize={REGION}")),
            rule: "trino.g1-region",
            reason: "32M regions keep Trino's large arrays out of humongous allocations (documented jvm.config)".into(),
            edit: Edit::JvmSet {
                prefix: "-XX:G1HeapRegionSize=".into(),
                option: format!("-XX:G1HeapRegionSize={REGION}"),
            },
        });
    }
}

fn flag_rules(jvm: &JvmConfig, out: &mut Vec<Proposal>) {
    for (option, why, line) in jvm.legacy_flags() {
        out.push(Proposal {
            setting: option.to_string(),
            line: Some(line),
            current: Some(option.to_string()),
            proposed: None,
            rule: "trino.legacy-jvm-flag",
            reason: format!("legacy flag: {why}"),
            edit: Edit::JvmRemove {
                option: option.to_string(),
            },
        });
    }
    for flag in DOCUMENTED_FLAGS {
        if jvm.has(flag) {
            continue;
        }
        // `-XX:Name=value` is matched by name; `-XX:+Name`/`-XX:-Name` by name either sign.
        let (prefix, existing) = if let Some((name, _)) = flag.split_once('=') {
            let prefix = format!("{name}=");
            let existing = jvm.options().filter(|(o, _)| o.starts_with(&prefix)).last();
            (prefix, existing)
        } else if let Some(name) = flag
            .strip_prefix("-XX:+")
            .or_else(|| flag.strip_prefix("-XX:-"))
        {
            let opposite = if flag.starts_with("-XX:+") {
                format!("-XX:-{name}")
            } else {
                format!("-XX:+{name}")
            };
            let existing = jvm.options().filter(|(o, _)| *o == opposite).last();
            (opposite, existing)
        } else {
            (flag.to_string(), None)
        };
        out.push(Proposal {
            setting: flag.split('=').next().unwrap_or(flag).to_string(),
            line: existing.map(|e| e.1),
            current: existing.map(|e| e.0.to_string()),
            proposed: Some(flag.to_string()),
            rule: "trino.documented-jvm-flag",
            reason: "part of the jvm.config the Trino documentation ships".into(),
            edit: Edit::JvmSet {
                prefix,
                option: flag.to_string(),
            },
        });
    }
}

/// Applies an edit to a jvm.config.
pub fn apply(jvm: &mut JvmConfig, edit: &Edit) {
    match edit {
        Edit::JvmSet { prefix, option } => jvm.set_option(prefix, option),
        Edit::JvmRemove { option } => {
            jvm.remove_option(option);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn documented(heap: &str) -> String {
        let mut text = format!("-server\n-Xmx{heap}\n-XX:+UseG1GC\n-XX:G1HeapRegionSize=32M\n");
        for flag in DOCUMENTED_FLAGS {
            text.push_str(flag);
            text.push('\n');
        }
        text
    }

    #[test]
    fn reference_heaps_need_nothing() {
        // Coordinator 8G in 10Gi (80%), workers 24G in 28Gi (85.7%).
        for (heap, limit) in [("8G", 10u64 << 30), ("24G", 28 << 30)] {
            let (proposals, after) = rules(
                &JvmConfig::parse(&documented(heap)),
                Some(limit),
                Profile::Balanced,
            );
            assert!(proposals.is_empty(), "{proposals:#?}");
            assert!(after.is_some());
        }
    }

    #[test]
    fn heap_above_the_limit_is_lowered_to_eighty_percent() {
        // The hand-tuning mistake: 24G heap in a 16Gi container.
        let (proposals, after) = rules(
            &JvmConfig::parse(&documented("24G")),
            Some(16 << 30),
            Profile::Balanced,
        );
        assert_eq!(proposals.len(), 1);
        assert_eq!(proposals[0].proposed.as_deref(), Some("-Xmx12G"));
        assert_eq!(proposals[0].current.as_deref(), Some("-Xmx24G"));
        assert!(
            proposals[0]
                .reason
                .contains("above the container memory limit"),
            "{}",
            proposals[0].reason
        );
        assert_eq!(after, Some(12 << 30));
        // A too-small heap: 4G of 10Gi is 40%.
        let (proposals, _) = rules(
            &JvmConfig::parse(&documented("4G")),
            Some(10 << 30),
            Profile::Balanced,
        );
        assert_eq!(proposals[0].proposed.as_deref(), Some("-Xmx8G"));
        // 28Gi with the throughput profile: 85% = 23.8GiB, rounded down to 23G.
        let (proposals, _) = rules(
            &JvmConfig::parse(&documented("6G")),
            Some(28 << 30),
            Profile::Throughput,
        );
        assert_eq!(proposals[0].proposed.as_deref(), Some("-Xmx23G"));
    }

    #[test]
    fn the_proposed_heap_passes_status() {
        for limit in [10u64 << 30, 16 << 30, 28 << 30, 3 << 30] {
            for profile in [Profile::Balanced, Profile::Throughput, Profile::LowMemory] {
                let heap = target_heap(limit, profile) as f64;
                let share = heap / limit as f64;
                assert!(
                    (HEAP_SHARE_MIN..=HEAP_SHARE_MAX).contains(&share),
                    "{limit} {profile:?} {share}"
                );
            }
        }
    }

    #[test]
    fn gc_flags_and_legacy_flags() {
        let text = "-Xmx8G\n-XX:+UseParallelGC\n-XX:+UseBiasedLocking\n-XX:G1HeapRegionSize=16M\n-XX:ReservedCodeCacheSize=256M\n-XX:+OmitStackTraceInFastThrow\n";
        let mut jvm = JvmConfig::parse(text);
        let (proposals, _) = rules(&jvm, Some(10 << 30), Profile::Balanced);
        let rules_hit: Vec<&str> = proposals.iter().map(|p| p.rule).collect();
        assert!(rules_hit.contains(&"trino.legacy-jvm-flag"));
        assert!(rules_hit.contains(&"trino.g1"));
        assert!(rules_hit.contains(&"trino.g1-region"));
        for p in &proposals {
            apply(&mut jvm, &p.edit);
        }
        let out = jvm.to_string();
        assert!(
            !out.contains("UseParallelGC") && !out.contains("BiasedLocking"),
            "{out}"
        );
        assert!(out.contains("-XX:G1HeapRegionSize=32M\n-XX:ReservedCodeCacheSize=512M\n-XX:-OmitStackTraceInFastThrow\n"), "{out}");
        // Applying the plan reaches a fixpoint: nothing more to propose.
        let (again, _) = rules(&jvm, Some(10 << 30), Profile::Balanced);
        assert!(again.is_empty(), "{again:#?}");
    }

    #[test]
    fn garbage_heap_line_is_replaced() {
        let jvm = JvmConfig::parse("-Xmx8 gigs\n");
        let (proposals, _) = rules(&jvm, Some(10 << 30), Profile::Balanced);
        let heap = proposals.iter().find(|p| p.setting == "-Xmx").unwrap();
        assert_eq!(heap.line, Some(1));
        assert_eq!(heap.proposed.as_deref(), Some("-Xmx8G"));
    }
}
