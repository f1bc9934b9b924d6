//! Trino's `jvm.config`: one JVM option per line, `#` comments. Parsed so that
//! an untouched file is written back byte for byte.

use std::fmt;

pub mod heap;

/// Options the Trino documentation no longer recommends, with the reason.
pub(crate) const LEGACY_FLAGS: &[(&str, &str)] = &[
    (
        "-XX:+UseBiasedLocking",
        "biased locking was removed in JDK 18",
    ),
    (
        "-XX:-UseBiasedLocking",
        "biased locking was removed in JDK 18",
    ),
    (
        "-XX:+UseGCOverheadLimit",
        "a Parallel GC option; Trino runs G1",
    ),
    ("-XX:+UseConcMarkSweepGC", "CMS was removed in JDK 14"),
    ("-XX:+CMSClassUnloadingEnabled", "CMS was removed in JDK 14"),
    ("-XX:+UseParallelGC", "Trino is tuned and tested on G1"),
    ("-XX:+AggressiveOpts", "removed in JDK 12"),
    ("-XX:MaxPermSize", "PermGen was removed in JDK 8"),
    ("-XX:PermSize", "PermGen was removed in JDK 8"),
];

/// The option set the Trino documentation ships in its jvm.config (besides heap and GC).
pub(crate) const DOCUMENTED_FLAGS: &[&str] = &[
    "-XX:+ExplicitGCInvokesConcurrent",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:+HeapDumpOnOutOfMemoryError",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:ReservedCodeCacheSize=512M",
    "-XX:PerMethodRecompilationCutoff=10000",
    "-XX:PerBytecodeRecompilationCutoff=10000",
    "-Djdk.attach.allowAttachSelf=true",
    "-Djdk.nio.maxCachedBufferSize=2000000",
    "-Dfile.encoding=UTF-8",
    "-XX:+EnableDynamicAgentLoading",
];

/// A jvm.config, kept line for line so edits change only what they must.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JvmConfig {
    lines: Vec<String>,
}

impl JvmConfig {
    /// Reads a jvm.config (never fails: every line is an option or a comment).
    pub fn parse(text: &str) -> JvmConfig {
        JvmConfig {
            lines: text.split_inclusive('\n').map(str::to_string).collect(),
        }
    }

    /// The options in order, with their 1-based line numbers.
    pub fn options(&self) -> impl Iterator<Item = (&str, usize)> {
        self.lines.iter().enumerate().filter_map(|(i, raw)| {
            let option = raw.trim();
            (!option.is_empty() && !option.starts_with('#')).then_some((option, i + 1))
        })
    }

    /// Whether exactly this option is present.
    pub fn has(&self, option: &str) -> bool {
        self.options().any(|(o, _)| o == option)
    }

    /// The last valid `-Xmx` (the one the JVM honours), in bytes, with its line.
    pub fn max_heap(&self) -> Option<(u64, usize)> {
        self.options()
            .filter_map(|(o, line)| {
                o.strip_prefix("-Xmx")
                    .and_then(parse_jvm_size)
                    .map(|b| (b, line))
            })
            .last()
    }

    /// `-XX:MaxRAMPercentage`, when the heap is sized relative to the container.
    #[cfg(any(fuzzing, test))] // only the fuzz hooks (src/fuzzing.rs) use it
    pub(crate) fn max_ram_percentage(&self) -> Option<f64> {
        self.options()
            .filter_map(|(o, _)| o.strip_prefix("-XX:MaxRAMPercentage="))
            .last()
            .and_then(|v| v.parse().ok())
    }

    /// Options whose value is malformed: an `-Xmx` the JVM would refuse.
    pub fn problems(&self) -> Vec<(usize, String)> {
        self.options()
            .filter_map(|(o, line)| {
                let size = o.strip_prefix("-Xmx").or_else(|| o.strip_prefix("-Xms"))?;
                parse_jvm_size(size).is_none().then(|| {
                    (
                        line,
                        format!("'{o}' is not a valid heap size (expected e.g. -Xmx24G)"),
                    )
                })
            })
            .collect()
    }

    /// Options removed from current JVMs: (option, what to do, line).
    pub(crate) fn legacy_flags(&self) -> Vec<(&str, &'static str, usize)> {
        self.options()
            .filter_map(|(o, line)| {
                LEGACY_FLAGS
                    .iter()
                    .find(|(flag, _)| o == *flag || (flag.ends_with("Size") && o.starts_with(flag)))
                    .map(|(_, why)| (o, *why, line))
            })
            .collect()
    }

    /// The garbage collector chosen (`-XX:+UseG1GC`).
    #[cfg(any(fuzzing, test))] // only the fuzz hooks (src/fuzzing.rs) use it
    pub(crate) fn gc(&self) -> Option<&str> {
        self.options()
            .filter(|(o, _)| o.starts_with("-XX:+Use") && o.ends_with("GC"))
            .map(|(o, _)| o)
            .last()
    }

    /// `-XX:G1HeapRegionSize`, if set.
    pub fn g1_region_size(&self) -> Option<&str> {
        self.options()
            .filter_map(|(o, _)| o.strip_prefix("-XX:G1HeapRegionSize="))
            .last()
    }

    /// Replaces the option starting with `prefix` (e.g. `-Xmx`) in place, or appends it.
    pub fn set_option(&mut self, prefix: &str, option: &str) {
        let position = self
            .lines
            .iter()
            .rposition(|l| l.trim().starts_with(prefix));
        match position {
            Some(i) => {
                let eol = if self.lines[i].ends_with("\r\n") {
                    "\r\n"
                } else if self.lines[i].ends_with('\n') {
                    "\n"
                } else {
                    ""
                };
                self.lines[i] = format!("{option}{eol}");
            }
            None => self.push(option),
        }
    }

    /// Removes every line equal to `option` (or starting with it, for `...=` prefixes).
    pub fn remove_option(&mut self, option: &str) -> bool {
        let before = self.lines.len();
        self.lines.retain(|l| {
            let t = l.trim();
            !(t == option || (option.ends_with('=') && t.starts_with(option)))
        });
        before != self.lines.len()
    }

    /// Appends an option on its own line.
    pub fn push(&mut self, option: &str) {
        if let Some(last) = self.lines.last_mut()
            && !last.ends_with('\n')
        {
            last.push('\n');
        }
        self.lines.push(format!("{option}\n"));
    }
}

impl fmt::Display for JvmConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.lines.iter().try_for_each(|l| f.write_str(l))
    }
}

/// A JVM memory size (`24G`, `512m`, `8192M`, `1073741824`): binary multiples.
pub fn parse_jvm_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let (digits, multiplier) = match text.chars().last()? {
        'k' | 'K' => (&text[..text.len() - 1], 1u64 << 10),
        'm' | 'M' => (&text[..text.len() - 1], 1 << 20),
        'g' | 'G' => (&text[..text.len() - 1], 1 << 30),
        't' | 'T' => (&text[..text.len() - 1], 1 << 40),
        c if c.is_ascii_digit() => (text, 1),
        _ => return None,
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok()?.checked_mul(multiplier)
}

/// Bytes as a person reads a JVM size in a message: to one decimal in the
/// largest unit (`22.4G`, `24G`, `512M`). `-Xmx` values use [`format_jvm_size`].
pub(crate) fn readable_jvm_size(bytes: u64) -> String {
    crate::platform::quantity::readable_in(
        bytes,
        &[
            ("T", 1 << 40),
            ("G", 1 << 30),
            ("M", 1 << 20),
            ("K", 1 << 10),
        ],
    )
}

/// Renders bytes as a JVM size, in the largest unit that keeps it exact (`24G`, `1536M`).
pub fn format_jvm_size(bytes: u64) -> String {
    super::quantity::exact_binary_size(bytes, ["T", "G", "M", "K"])
        .unwrap_or_else(|| bytes.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str =
        "-server\n-Xmx24G\n# GC\n-XX:+UseG1GC\n-XX:G1HeapRegionSize=32M\n-XX:+UseBiasedLocking\n";

    #[test]
    fn round_trips_and_reads_heap() {
        let jvm = JvmConfig::parse(CONFIG);
        assert_eq!(jvm.to_string(), CONFIG);
        assert_eq!(jvm.max_heap(), Some((24 << 30, 2)));
        assert_eq!(jvm.gc(), Some("-XX:+UseG1GC"));
        assert_eq!(jvm.g1_region_size(), Some("32M"));
        assert_eq!(jvm.legacy_flags().len(), 1);
        assert_eq!(jvm.legacy_flags()[0].2, 6);
    }

    #[test]
    fn last_xmx_wins_and_bad_sizes_are_problems() {
        let jvm = JvmConfig::parse("-Xmx4G\n-Xmx8G\n-Xmx12X\n");
        assert_eq!(jvm.max_heap().map(|h| h.0), Some(8 << 30));
        assert_eq!(
            jvm.problems(),
            vec![(
                3,
                "'-Xmx12X' is not a valid heap size (expected e.g. -Xmx24G)".to_string()
            )]
        );
    }

    #[test]
    fn edits_touch_only_their_line() {
        let mut jvm = JvmConfig::parse(CONFIG);
        jvm.set_option("-Xmx", "-Xmx20G");
        assert!(jvm.remove_option("-XX:+UseBiasedLocking"));
        jvm.push("-XX:+ExitOnOutOfMemoryError");
        assert_eq!(
            jvm.to_string(),
            "-server\n-Xmx20G\n# GC\n-XX:+UseG1GC\n-XX:G1HeapRegionSize=32M\n-XX:+ExitOnOutOfMemoryError\n"
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_jvm_size("24G"), Some(24 << 30));
        assert_eq!(parse_jvm_size("512m"), Some(512 << 20));
        assert_eq!(parse_jvm_size("1024"), Some(1024));
        assert_eq!(parse_jvm_size("G"), None);
        assert_eq!(parse_jvm_size("1.5G"), None);
        assert_eq!(format_jvm_size(24 << 30), "24G");
        assert_eq!(format_jvm_size(1536 << 20), "1536M");
        assert_eq!(format_jvm_size(2 << 40), "2T");
        assert_eq!(format_jvm_size(1500), "1500");
    }
}
