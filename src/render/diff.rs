//! Unified diffs for showing what a command would change (`tune plan -o diff`,
//! `quota plan --apply`), computed by the `similar` crate (Myers' algorithm, near
//! linear time for the small edits a plan makes).

use std::io::Write;

use similar::TextDiff;

use crate::cli::Palette;
use crate::error::Result;

/// Lines of unchanged context around each change, as `diff -u`.
pub const CONTEXT: usize = 3;

/// A unified diff of `old` and `new` with `---`/`+++` headers naming `old_name` and
/// `new_name`; empty when the texts are equal. Literal credentials are masked
/// on both sides ([`crate::platform::credentials::mask`]): a diff never shows one.
pub fn unified(old_name: &str, new_name: &str, old: &str, new: &str, context: usize) -> String {
    if old == new {
        return String::new();
    }
    let (old, new) = (
        crate::platform::credentials::mask(old),
        crate::platform::credentials::mask(new),
    );
    TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(context)
        .header(old_name, new_name)
        .missing_newline_hint(false)
        .to_string()
}

/// Writes the change of one object, `title (cluster)` → `title (plan)`, painted;
/// one line "no change" when there is none.
pub fn write_change(
    out: &mut dyn Write,
    palette: &Palette,
    title: &str,
    old: &str,
    new: &str,
) -> Result<()> {
    writeln!(out)?;
    let diff = unified(
        &format!("{title} (cluster)"),
        &format!("{title} (plan)"),
        old,
        new,
        CONTEXT,
    );
    if diff.is_empty() {
        writeln!(out, "{}", palette.bold(&format!("{title}: no change")))?;
        return Ok(());
    }
    write_painted(out, &diff, palette)
}

/// Writes a diff with added lines green and removed lines red (when colour is on).
pub fn write_painted(out: &mut dyn Write, diff: &str, palette: &Palette) -> Result<()> {
    for line in diff.lines() {
        let painted = if line.starts_with("+++") || line.starts_with("---") {
            palette.bold(line)
        } else if line.starts_with('+') {
            palette.good(line)
        } else if line.starts_with('-') {
            palette.critical(line)
        } else if line.starts_with("@@") {
            palette.info(line)
        } else {
            line.to_string()
        };
        writeln!(out, "{painted}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_only_changed_lines_with_context() {
        let diff = unified(
            "a/cm/jvm.config",
            "b/cm/jvm.config",
            "a\nb\nc\nd\n",
            "a\nB\nc\nd\ne\n",
            1,
        );
        assert_eq!(
            diff,
            "--- a/cm/jvm.config\n+++ b/cm/jvm.config\n@@ -1,4 +1,5 @@\n a\n-b\n+B\n c\n d\n+e\n"
        );
        assert_eq!(unified("x", "x", "same\n", "same\n", 3), "");
    }

    #[test]
    fn large_inputs_are_fast() {
        let old: String = (0..20_000).map(|i| format!("line {i}\n")).collect();
        let new = old.replace("line 10000\n", "changed\n");
        let started = std::time::Instant::now();
        let diff = unified("a", "b", &old, &new, CONTEXT);
        assert!(diff.contains("-line 10000\n+changed\n"), "{diff}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
