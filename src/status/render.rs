//! The status table: components first, then findings, problems first, each with its fix.

use std::io::Write;

use crate::cli::Palette;
use crate::error::Result;
use crate::findings::Severity;

use super::report::{Report, State};

pub fn table(out: &mut dyn Write, report: &Report, palette: &Palette, wide: bool) -> Result<()> {
    writeln!(
        out,
        "{} {}",
        palette.bold("Data platform status"),
        palette.dim(&format!(
            "({}, {})",
            describe_scope(&report.scope),
            report.generated_at
        ))
    )?;
    writeln!(out)?;
    let rows = report
        .components
        .iter()
        .map(|c| {
            let state = paint_state(palette, c.state);
            let mut summary = c.summary.clone();
            if wide && !c.details.is_empty() {
                let details: Vec<String> = c
                    .details
                    .iter()
                    .map(|d| format!("{}={}", d.label, d.value))
                    .collect();
                summary = format!("{summary}; {}", details.join(", "));
            }
            vec![c.component.title().to_string(), state, summary]
        })
        .collect();
    crate::render::table(out, &["COMPONENT", "STATE", "SUMMARY"], rows)?;
    writeln!(out)?;
    let s = &report.summary;
    if report.findings.is_empty() {
        writeln!(
            out,
            "{}",
            palette.good("No findings: the platform is healthy.")
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{} {}, {}, {}",
        palette.bold("Findings:"),
        palette.critical(&format!("{} critical", s.critical)),
        palette.warning(&format!("{} warning", s.warning)),
        palette.info(&format!("{} info", s.info)),
    )?;
    for f in &report.findings {
        writeln!(out)?;
        let severity = match f.severity {
            Severity::Critical => palette.critical("CRITICAL"),
            Severity::Warning => palette.warning("WARNING "),
            Severity::Info => palette.info("INFO    "),
            Severity::Ok => palette.good("OK      "),
        };
        writeln!(
            out,
            "{severity} {}  {}",
            palette.bold(&f.object.to_string()),
            palette.dim(f.code)
        )?;
        writeln!(out, "         {}", f.message)?;
        for (depth, link) in f.chain.iter().enumerate() {
            let arrow = if depth == 0 { "root:" } else { "  └─▶" };
            writeln!(
                out,
                "         {}{} {} {}",
                "  ".repeat(depth.saturating_sub(1)),
                arrow,
                link.object,
                link.problem
            )?;
        }
        writeln!(out, "         {} {}", palette.dim("fix:"), f.hint)?;
    }
    Ok(())
}

fn describe_scope(scope: &crate::kube::Scope) -> String {
    scope.describe()
}

fn paint_state(palette: &Palette, state: State) -> String {
    match state {
        State::Healthy => palette.good(state.label()),
        State::Degraded => palette.warning(state.label()),
        State::Failing => palette.critical(state.label()),
        State::NotInstalled | State::NotFound | State::Forbidden => palette.dim(state.label()),
    }
}
