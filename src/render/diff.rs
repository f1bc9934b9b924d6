//! The one diff writer: what a command would change (`tune plan -o diff`, the
//! writes of `tune apply`, `tune rollback`, `buckets create`, `quota plan
//! --apply`), as unified diffs computed by the `similar` crate (Myers' algorithm,
//! near linear time for the small edits a plan makes).

use std::io::Write;

use similar::TextDiff;

use super::Palette;
use crate::error::Result;

/// Lines of unchanged context around each change, as `diff -u`.
pub(crate) const CONTEXT: usize = 3;

/// What a diff's `---`/`+++` headers say, and what is written when nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    /// The `---` side.
    pub old: String,
    /// The `+++` side.
    pub new: String,
    /// The line written when the texts are equal (none: nothing is written).
    pub unchanged: Option<String>,
}

impl Labels {
    /// `a/PATH` → `b/PATH`, as git writes them; nothing when equal (`tune plan -o diff`).
    pub fn paths(path: &str) -> Labels {
        Labels {
            old: format!("a/{path}"),
            new: format!("b/{path}"),
            unchanged: None,
        }
    }

    /// `TITLE (cluster)` → `TITLE (plan)`, and `TITLE: no change` when equal (the
    /// commands that write show this before they do).
    pub fn change(title: &str) -> Labels {
        Labels {
            old: format!("{title} (cluster)"),
            new: format!("{title} (plan)"),
            unchanged: Some(format!("{title}: no change")),
        }
    }
}

/// A unified diff of `old` and `new`; empty when the texts are equal. Literal
/// credentials are masked on both sides ([`crate::platform::credentials::mask`]):
/// a diff never shows one.
pub(crate) fn unified(labels: &Labels, old: &str, new: &str, context: usize) -> String {
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
        .header(&labels.old, &labels.new)
        .missing_newline_hint(false)
        .to_string()
}

/// The suite's one diff writer: `old` → `new` as a unified diff with `context`
/// lines around each change, added lines green and removed lines red when colour
/// is on; `labels.unchanged` (if any) when there is no change. Returns whether
/// anything changed.
pub fn write(
    out: &mut dyn Write,
    palette: &Palette,
    labels: &Labels,
    old: &str,
    new: &str,
    context: usize,
) -> Result<bool> {
    let diff = unified(labels, old, new, context);
    if diff.is_empty() {
        if let Some(line) = &labels.unchanged {
            writeln!(out, "{}", palette.bold(line))?;
        }
        return Ok(false);
    }
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
    Ok(true)
}

/// The change of one object a command is about to write, after a blank line:
/// `title (cluster)` → `title (plan)` ([`write`] with [`Labels::change`]).
pub(crate) fn write_change(
    out: &mut dyn Write,
    palette: &Palette,
    title: &str,
    old: &str,
    new: &str,
) -> Result<()> {
    writeln!(out)?;
    write(out, palette, &Labels::change(title), old, new, CONTEXT).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_only_changed_lines_with_context() {
        let diff = unified(
            &Labels::paths("cm/jvm.config"),
            "a\nb\nc\nd\n",
            "a\nB\nc\nd\ne\n",
            1,
        );
        assert_eq!(
            diff,
            "--- a/cm/jvm.config\n+++ b/cm/jvm.config\n@@ -1,4 +1,5 @@\n a\n-b\n+B\n c\n d\n+e\n"
        );
        assert_eq!(unified(&Labels::paths("x"), "same\n", "same\n", 3), "");
        let mut out = Vec::new();
        let changed = write(
            &mut out,
            &Palette::new(false),
            &Labels::change("ConfigMap dp/x"),
            "a\n",
            "a\n",
            CONTEXT,
        )
        .unwrap();
        assert!(!changed);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "ConfigMap dp/x: no change\n"
        );
    }

    #[test]
    fn large_inputs_are_fast() {
        let old: String = (0..20_000).map(|i| format!("line {i}\n")).collect();
        let new = old.replace("line 10000\n", "changed\n");
        let started = std::time::Instant::now();
        let diff = unified(&Labels::paths("x"), &old, &new, CONTEXT);
        assert!(diff.contains("-line 10000\n+changed\n"), "{diff}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
