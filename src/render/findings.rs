//! The one way findings are shown to people: a block per finding with its
//! object, code, message, chain and fix. In the table view the same code on many
//! objects is one entry with a count and the first few names; `-o wide` (and
//! JSON) list every object.

use std::io::Write;

use super::Palette;
use crate::error::Result;
use crate::findings::{Finding, Severity};

/// How many object names a grouped entry shows before "and N more".
pub(crate) const GROUP_NAMES: usize = 3;

/// One entry of the findings view: a finding, or several with the same code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group<'a> {
    /// The findings in the entry, in report order; never empty.
    pub findings: Vec<&'a Finding>,
}

impl Group<'_> {
    /// The distinct objects of the entry, in report order.
    pub fn objects(&self) -> Vec<&crate::findings::ObjectRef> {
        let mut objects: Vec<&crate::findings::ObjectRef> = Vec::new();
        for f in &self.findings {
            if !objects.contains(&&f.object) {
                objects.push(&f.object);
            }
        }
        objects
    }
}

/// Groups findings with the same code and severity on different objects (chains
/// stay alone: each is its own story; several findings on one object stay apart,
/// each with its own message). Order follows the first finding of each group.
pub fn group(findings: &[Finding]) -> Vec<Group<'_>> {
    let mut groups: Vec<Group<'_>> = Vec::new();
    for f in findings {
        let existing = groups.iter_mut().find(|g| {
            let first = g.findings[0];
            first.chain.is_empty()
                && f.chain.is_empty()
                && first.code == f.code
                && first.severity == f.severity
        });
        match existing {
            Some(g) => g.findings.push(f),
            None => groups.push(Group { findings: vec![f] }),
        }
    }
    groups
        .into_iter()
        .flat_map(|g| {
            if g.findings.len() > 1 && g.objects().len() < 2 {
                g.findings
                    .into_iter()
                    .map(|f| Group { findings: vec![f] })
                    .collect()
            } else {
                vec![g]
            }
        })
        .collect()
}

/// Writes the findings, grouped unless `wide`. Writes nothing for no findings.
pub fn write(
    out: &mut dyn Write,
    findings: &[Finding],
    palette: &Palette,
    wide: bool,
) -> Result<()> {
    // Messages, hints and names carry cluster data: escaped before any text is laid out.
    let escaped: Vec<Finding> = findings.iter().map(escaped).collect();
    let findings = escaped.as_slice();
    let groups = if wide {
        findings
            .iter()
            .map(|f| Group { findings: vec![f] })
            .collect()
    } else {
        group(findings)
    };
    for g in groups {
        writeln!(out)?;
        write_group(out, &g, palette)?;
    }
    Ok(())
}

/// `finding` with every control and bidi character in its text made visible.
fn escaped(finding: &Finding) -> Finding {
    use super::terminal::escape_line;
    let mut f = finding.clone();
    f.message = escape_line(&f.message).into_owned();
    f.hint = escape_line(&f.hint).into_owned();
    f.object.kind = escape_line(&f.object.kind).into_owned();
    f.object.name = escape_line(&f.object.name).into_owned();
    f.object.namespace = f.object.namespace.map(|ns| escape_line(&ns).into_owned());
    if let Some(source) = &mut f.source {
        source.file = escape_line(&source.file).into_owned();
        source.field = source.field.as_ref().map(|s| escape_line(s).into_owned());
    }
    if let Some(run) = &mut f.previous_run {
        for line in &mut run.lines {
            *line = escape_line(line).into_owned();
        }
    }
    f
}

/// `file:line:column`, and the field when the finding is about one.
fn located(source: &crate::findings::SourceLocation) -> String {
    match &source.field {
        Some(field) => format!("{source} ({field})"),
        None => source.to_string(),
    }
}

/// A severity as a fixed-width, coloured label.
pub(crate) fn severity_label(palette: &Palette, severity: Severity) -> String {
    match severity {
        Severity::Critical => palette.critical("CRITICAL"),
        Severity::Warning => palette.warning("WARNING "),
        Severity::Info => palette.info("INFO    "),
        Severity::Ok => palette.good("OK      "),
    }
}

fn write_group(out: &mut dyn Write, g: &Group<'_>, palette: &Palette) -> Result<()> {
    let first = g.findings[0];
    let severity = severity_label(palette, first.severity);
    let indent = "         ";
    if g.findings.len() == 1 {
        writeln!(
            out,
            "{severity} {}  {}",
            palette.bold(&first.object.to_string()),
            palette.dim(first.code)
        )?;
        if let Some(source) = &first.source {
            writeln!(out, "{indent}{} {}", palette.dim("at"), located(source))?;
        }
        writeln!(out, "{indent}{}", first.message)?;
        for (depth, link) in first.chain.iter().enumerate() {
            let arrow = if depth == 0 { "root:" } else { "  └─▶" };
            writeln!(
                out,
                "{indent}{}{} {} {}",
                "  ".repeat(depth.saturating_sub(1)),
                arrow,
                link.object,
                link.problem
            )?;
        }
        if let Some(run) = first.previous_run.as_ref().filter(|r| !r.lines.is_empty()) {
            writeln!(
                out,
                "{indent}{} {}",
                palette.dim("last lines of"),
                palette.dim(&format!(
                    "{}/{} ({} run):",
                    run.pod,
                    run.container,
                    if run.previous { "previous" } else { "ended" }
                ))
            )?;
            for line in &run.lines {
                writeln!(out, "{indent}  {} {line}", palette.dim("│"))?;
            }
        }
        writeln!(out, "{indent}{} {}", palette.dim("fix:"), first.hint)?;
        return Ok(());
    }
    let objects = g.objects();
    let count = objects.len();
    let heading = if g.findings.len() == count {
        format!("{count} objects")
    } else {
        format!("{} findings on {count} objects", g.findings.len())
    };
    writeln!(
        out,
        "{severity} {}  {}",
        palette.bold(&heading),
        palette.dim(first.code)
    )?;
    let names: Vec<String> = objects
        .iter()
        .take(GROUP_NAMES)
        .map(|o| {
            let source = g
                .findings
                .iter()
                .find(|f| &&f.object == o)
                .and_then(|f| f.source.as_ref());
            match source {
                Some(source) => format!("{o} ({})", located(source)),
                None => o.to_string(),
            }
        })
        .collect();
    let more = count.saturating_sub(GROUP_NAMES);
    if more > 0 {
        writeln!(
            out,
            "{indent}{}, and {more} more (-o wide lists them all)",
            names.join(", ")
        )?;
    } else {
        writeln!(out, "{indent}{}", names.join(", "))?;
    }
    if g.findings.iter().all(|f| f.message == first.message) {
        writeln!(out, "{indent}{}", first.message)?;
    } else {
        writeln!(out, "{indent}{} {}", palette.dim("e.g."), first.message)?;
    }
    if g.findings.iter().all(|f| f.hint == first.hint) {
        writeln!(out, "{indent}{} {}", palette.dim("fix:"), first.hint)?;
    } else {
        writeln!(out, "{indent}{} {}", palette.dim("fix (e.g.):"), first.hint)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::{Component, ObjectRef};

    fn finding(code: &'static str, name: &str) -> Finding {
        Finding::new(
            code,
            Severity::Warning,
            Component::Buckets,
            ObjectRef::namespaced("ObjectBucketClaim", "data", name),
            "no lifecycle",
            "add one",
        )
    }

    #[test]
    fn same_code_on_many_objects_is_one_entry() {
        let findings: Vec<Finding> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(|n| finding("bucket.lifecycle-unsorted", n))
            .chain([finding("bucket.claim-pending", "z")])
            .collect();
        assert_eq!(group(&findings).len(), 2);
        let mut out = Vec::new();
        write(&mut out, &findings, &Palette::new(false), false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("WARNING  5 objects  bucket.lifecycle-unsorted"),
            "{text}"
        );
        assert!(
            text.contains("ObjectBucketClaim/c -n data, and 2 more (-o wide lists them all)"),
            "{text}"
        );
        assert!(!text.contains("ObjectBucketClaim/d"), "{text}");
        assert!(
            text.contains("WARNING  ObjectBucketClaim/z -n data  bucket.claim-pending"),
            "{text}"
        );
        // Two findings with one code on one object stay two entries.
        let same_object = [
            finding("bucket.lifecycle-unsorted", "a"),
            finding("bucket.lifecycle-unsorted", "a"),
        ];
        assert_eq!(group(&same_object).len(), 2);
        let mut wide = Vec::new();
        write(&mut wide, &findings, &Palette::new(false), true).unwrap();
        assert!(
            String::from_utf8(wide)
                .unwrap()
                .contains("ObjectBucketClaim/e -n data")
        );
    }
}
