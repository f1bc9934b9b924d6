//! jvm.config: the heap against the container limit (kept in the form the user
//! chose: a fixed -Xmx stays fixed, a percentage stays a percentage), options
//! the JVM refuses, G1 and its region size, the documented flag set, legacy flags.

use super::proposal::{Edit, Profile, Proposal};
use crate::platform::jvm::heap::{Basis, Heap, HeapSetting, Origin, ergonomic_max};
use crate::platform::jvm::{DOCUMENTED_FLAGS, JvmConfig, format_jvm_size, readable_jvm_size};
use crate::platform::trino::memory::{HEAP_SHARE_MAX, HEAP_SHARE_MIN, suggested_heap};

use super::{gib, round_size};

/// The garbage collector Trino requires.
pub const G1: &str = "-XX:+UseG1GC";
/// The G1 region size Trino recommends.
pub(crate) const REGION: &str = "32M";

/// The heap the profile aims at for a container limit.
pub(crate) fn target_heap(limit: u64, profile: Profile) -> u64 {
    match profile {
        // status suggests exactly this: one function for both.
        Profile::Balanced => suggested_heap(limit),
        _ => {
            let (num, den) = profile.heap_share();
            round_size((limit as u128 * num as u128 / den as u128) as u64)
        }
    }
}

/// The percentage the profile aims at, for a heap set as `-XX:MaxRAMPercentage`.
fn target_percent(profile: Profile) -> u64 {
    let (num, den) = profile.heap_share();
    num * 100 / den
}

/// All proposals for one jvm.config whose JVM resolves to `heap`, and the heap
/// in bytes after them.
pub fn rules(
    jvm: &JvmConfig,
    heap: &Heap,
    limit: Option<u64>,
    profile: Profile,
) -> (Vec<Proposal>, Option<u64>) {
    let mut out = Vec::new();
    let after = heap_rule(heap, limit, profile, &mut out);
    refused_rules(heap, after, &mut out);
    gc_rules(jvm, &mut out);
    flag_rules(jvm, &mut out);
    (out, after.or(heap.max))
}

/// The option in jvm.config that sets the heap now, with its line.
fn written_in_file(heap: &Heap) -> Option<(String, usize)> {
    let line = match heap.origin()? {
        Origin::JvmConfig { line } => *line,
        _ => return None,
    };
    match &heap.setting {
        HeapSetting::Fixed { option, .. }
        | HeapSetting::Percentage { option, .. }
        | HeapSetting::RaisedByInitial { option, .. } => Some((option.clone(), line)),
        HeapSetting::Default { .. } => None,
    }
}

/// Why the heap must change, or `None` when its share of the limit is right.
fn heap_problem(heap: &Heap, limit: u64) -> Option<String> {
    let Some(max) = heap.max else {
        return Some("the heap depends on the node's memory".into());
    };
    if !heap.is_set() {
        return Some("no heap size: the JVM would take 25% of the container memory".into());
    }
    let share = max as f64 / limit as f64;
    if (HEAP_SHARE_MIN..=HEAP_SHARE_MAX).contains(&share) {
        return None;
    }
    let what = if max > limit {
        "is above the container memory limit: the kernel OOM-kills the JVM"
    } else if share > HEAP_SHARE_MAX {
        "leaves too little for off-heap memory (metaspace, code cache, thread stacks, direct buffers)"
    } else {
        "wastes the container's memory"
    };
    Some(format!(
        "{} = {:.0}% of the {} limit {what}",
        heap.describe(),
        share * 100.0,
        gib(limit)
    ))
}

fn heap_rule(
    heap: &Heap,
    limit: Option<u64>,
    profile: Profile,
    out: &mut Vec<Proposal>,
) -> Option<u64> {
    let limit = limit?;
    let refused_heap = heap.refused.iter().find(|r| is_heap_flag(&r.option));
    // A refused heap option is the reason, not the default the JVM never gets to.
    let why = match (refused_heap, heap_problem(heap, limit)) {
        (Some(r), _) => format!("the JVM refuses {} ({}): {}", r.option, r.origin, r.reason),
        (None, Some(why)) => why,
        (None, None) => return heap.max,
    };
    // The line to replace: the heap option the JVM refuses, else the one it uses.
    let refused_line = heap.refused.iter().find_map(|r| match r.origin {
        Origin::JvmConfig { line } if is_heap_flag(&r.option) => Some((r.option.clone(), line)),
        _ => None,
    });
    let current = refused_line.clone().or_else(|| written_in_file(heap));
    // A heap the user sized as a share of the container stays a share of it.
    if let HeapSetting::Percentage {
        basis: Basis::ContainerLimit(_),
        ..
    } = heap.setting
        && refused_heap.is_none()
    {
        let percent = target_percent(profile);
        let option = format!("-XX:MaxRAMPercentage={percent}");
        out.push(Proposal {
            setting: "-XX:MaxRAMPercentage".into(),
            line: current.as_ref().map(|c| c.1),
            current: current.map(|c| c.0),
            proposed: Some(option.clone()),
            rule: "trino.heap-share",
            reason: format!("{why}; heap 70-85% of the limit: {percent}%"),
            edit: Edit::JvmSet {
                prefix: "-XX:MaxRAMPercentage=".into(),
                option,
            },
        });
        return Some(ergonomic_max(limit, percent as f64, 50.0));
    }
    let target = target_heap(limit, profile);
    // Keep the user's own spelling of a fixed size, so the edit replaces it.
    let prefix = match &current {
        Some((option, _)) if option.starts_with("-XX:MaxHeapSize=") => "-XX:MaxHeapSize=",
        _ => "-Xmx",
    };
    let option = format!("{prefix}{}", format_jvm_size(target));
    let (num, den) = profile.heap_share();
    let fixed_in_file = (matches!(heap.setting, HeapSetting::Fixed { .. })
        || refused_line.is_some())
        && current.is_some();
    out.push(Proposal {
        setting: prefix.trim_end_matches('=').into(),
        line: current.as_ref().filter(|_| fixed_in_file).map(|c| c.1),
        current: current.filter(|_| fixed_in_file).map(|c| c.0),
        proposed: Some(option.clone()),
        rule: "trino.heap-share",
        reason: format!(
            "{why}; heap 70-85% of the limit: {}% of {} = {}",
            num * 100 / den,
            gib(limit),
            readable_jvm_size(target)
        ),
        edit: Edit::JvmSet {
            prefix: prefix.into(),
            option,
        },
    });
    Some(target)
}

/// Whether an option sizes the maximum heap (so the heap edit replaces it).
fn is_heap_flag(option: &str) -> bool {
    option.starts_with("-Xmx") || option.starts_with("-XX:MaxHeapSize=")
}

/// Options of jvm.config the JVM refuses that the heap edit does not already
/// replace: an initial heap above the new maximum is lowered to it, anything
/// else is removed (the JVM would not start with it).
fn refused_rules(heap: &Heap, after: Option<u64>, out: &mut Vec<Proposal>) {
    let replaced_heap = out.iter().any(|p| p.rule == "trino.heap-share");
    for refusal in &heap.refused {
        let Origin::JvmConfig { line } = refusal.origin else {
            continue;
        };
        if replaced_heap && is_heap_flag(&refusal.option) {
            continue;
        }
        let initial = refusal.option.starts_with("-Xms");
        let proposal = match after.filter(|_| initial) {
            Some(max) => Proposal {
                setting: "-Xms".into(),
                line: Some(line),
                current: Some(refusal.option.clone()),
                proposed: Some(format!("-Xms{}", format_jvm_size(max))),
                rule: "trino.jvm-option-refused",
                reason: format!(
                    "{}: the JVM does not start; the initial heap may be at most the maximum",
                    refusal.reason
                ),
                edit: Edit::JvmSet {
                    prefix: "-Xms".into(),
                    option: format!("-Xms{}", format_jvm_size(max)),
                },
            },
            None => Proposal {
                setting: refusal.option.clone(),
                line: Some(line),
                current: Some(refusal.option.clone()),
                proposed: None,
                rule: "trino.jvm-option-refused",
                reason: format!("{}: the JVM does not start with it", refusal.reason),
                edit: Edit::JvmRemove {
                    option: refusal.option.clone(),
                },
            },
        };
        out.push(proposal);
    }
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
    use crate::platform::jvm::heap::{options_in_order, resolve};

    /// The rules for a jvm.config alone (no env) in a container of `limit`.
    fn rules_for(
        jvm: &JvmConfig,
        limit: Option<u64>,
        profile: Profile,
    ) -> (Vec<Proposal>, Option<u64>) {
        let heap = resolve(&options_in_order(None, None, Some(jvm)), limit);
        rules(jvm, &heap, limit, profile)
    }

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
            let (proposals, after) = rules_for(
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
        let (proposals, after) = rules_for(
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
        let (proposals, _) = rules_for(
            &JvmConfig::parse(&documented("4G")),
            Some(10 << 30),
            Profile::Balanced,
        );
        assert_eq!(proposals[0].proposed.as_deref(), Some("-Xmx8G"));
        // 28Gi with the throughput profile: 85% = 23.8GiB, rounded down to 23G.
        let (proposals, _) = rules_for(
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
        let (proposals, _) = rules_for(&jvm, Some(10 << 30), Profile::Balanced);
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
        let (again, _) = rules_for(&jvm, Some(10 << 30), Profile::Balanced);
        assert!(again.is_empty(), "{again:#?}");
    }

    #[test]
    fn garbage_heap_line_is_replaced() {
        let jvm = JvmConfig::parse("-Xmx8 gigs\n");
        let (proposals, _) = rules_for(&jvm, Some(10 << 30), Profile::Balanced);
        let heap = proposals.iter().find(|p| p.setting == "-Xmx").unwrap();
        assert_eq!(heap.line, Some(1));
        assert_eq!(heap.proposed.as_deref(), Some("-Xmx8G"));
    }

    #[test]
    fn a_percentage_heap_stays_a_percentage() {
        // The Argo CD platform's coordinator: 80% of 12Gi is fine; 92% is not.
        let jvm = JvmConfig::parse(&documented("8G").replace("-Xmx8G", "-XX:MaxRAMPercentage=80"));
        let (proposals, after) = rules_for(&jvm, Some(12 << 30), Profile::Balanced);
        assert!(proposals.is_empty(), "{proposals:#?}");
        assert_eq!(after, Some(10_307_921_510));
        let mut jvm =
            JvmConfig::parse(&documented("8G").replace("-Xmx8G", "-XX:MaxRAMPercentage=92"));
        let (proposals, _) = rules_for(&jvm, Some(12 << 30), Profile::Balanced);
        assert_eq!(proposals.len(), 1, "{proposals:#?}");
        assert_eq!(
            proposals[0].proposed.as_deref(),
            Some("-XX:MaxRAMPercentage=80")
        );
        assert_eq!(
            proposals[0].current.as_deref(),
            Some("-XX:MaxRAMPercentage=92")
        );
        apply(&mut jvm, &proposals[0].edit);
        // No -Xmx is added beside the percentage, and a second plan has nothing to do.
        assert!(!jvm.to_string().contains("-Xmx"), "{jvm}");
        assert!(
            rules_for(&jvm, Some(12 << 30), Profile::Balanced)
                .0
                .is_empty()
        );
    }

    #[test]
    fn refused_options_are_fixed_and_the_result_starts() {
        for (text, limit) in [
            ("-XX:MaxRAMPercentage=150", 10u64 << 30),
            ("-Xmx 13G", 16 << 30),
            ("-Xms12G\n-Xmx8G", 10 << 30),
            ("-XX:MaxHeapSize=30g", 16 << 30),
        ] {
            let mut jvm =
                JvmConfig::parse(&documented("8G").replace("-Xmx8G", &text.replace("\\n", "\n")));
            let (proposals, _) = rules_for(&jvm, Some(limit), Profile::Balanced);
            for p in &proposals {
                apply(&mut jvm, &p.edit);
            }
            let heap = resolve(&options_in_order(None, None, Some(&jvm)), Some(limit));
            assert!(heap.refused.is_empty(), "{text}: {:?}\n{jvm}", heap.refused);
            let share = heap.max.unwrap() as f64 / limit as f64;
            assert!(
                (HEAP_SHARE_MIN..=HEAP_SHARE_MAX).contains(&share),
                "{text}: {share}\n{jvm}"
            );
            assert!(
                rules_for(&jvm, Some(limit), Profile::Balanced).0.is_empty(),
                "{text}\n{jvm}"
            );
        }
    }
}
