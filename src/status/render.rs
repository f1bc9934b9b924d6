//! The status table: components first, then findings, problems first, each with its fix.

use std::io::Write;

use std::borrow::Cow;

use crate::error::Result;
use crate::findings::Finding;
use crate::render::{Palette, View};

use super::report::{Report, State};

impl crate::render::Report for Report {
    fn kind(&self) -> &'static str {
        super::KIND
    }

    fn findings(&self) -> Cow<'_, [Finding]> {
        Cow::Borrowed(&self.findings)
    }

    fn table(&self, out: &mut dyn Write, view: &View) -> Result<()> {
        table(out, self, &view.palette, view.wide)
    }

    fn sarif(&self, out: &mut dyn Write) -> Result<()> {
        crate::render::sarif::write(out, &self.lint_run())
    }

    fn junit(&self, out: &mut dyn Write, fail_on: crate::findings::Severity) -> Result<()> {
        crate::render::junit::write(out, &self.lint_run(), fail_on)
    }

    /// The objects status has findings about.
    fn names(&self) -> Vec<String> {
        crate::render::report::names_of_findings(&self.findings)
    }
}

/// The status table: the header, the components, then the findings.
pub fn table(out: &mut dyn Write, report: &Report, palette: &Palette, wide: bool) -> Result<()> {
    if let Some(manifests) = &report.manifests {
        manifests_header(out, report, manifests, palette)?;
    } else {
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
    }
    if report.coverage.mode != crate::snapshot::coverage::Mode::Namespace {
        writeln!(out, "{}", palette.dim(&report.coverage.describe()))?;
    }
    for reference in &report.coverage.references {
        if reference.state == crate::snapshot::coverage::ReferenceState::NotChecked {
            writeln!(
                out,
                "{}",
                palette.warning(&format!(
                    "Not checked: Service {}/{} ({}): {}",
                    reference.namespace,
                    reference.name,
                    reference.referenced_by,
                    reference.reason.as_deref().unwrap_or("not readable")
                ))
            )?;
        }
    }
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
    crate::render::findings::write(out, &report.findings, palette, wide)
}

/// The header of a report judged from files: what was read, and the one line
/// naming what only the live cluster can tell.
fn manifests_header(
    out: &mut dyn Write,
    report: &Report,
    manifests: &super::report::Manifests,
    palette: &Palette,
) -> Result<()> {
    let how = match (manifests.replaced, manifests.added) {
        (Some(replaced), Some(added)) => {
            format!("on the live cluster: {replaced} replace applied objects, {added} new")
        }
        _ => "offline, no cluster".to_string(),
    };
    writeln!(
        out,
        "{} {}",
        palette.bold("Data platform status from manifests"),
        palette.dim(&format!(
            "({}: {} objects, {how}, {})",
            manifests.sources.join(" "),
            manifests.objects,
            report.generated_at
        ))
    )?;
    if !manifests.not_checked_offline.is_empty() {
        writeln!(
            out,
            "{}",
            palette.dim(&format!(
                "Not checked offline ({} rules need the live cluster; --cluster-state adds it): {}",
                manifests.not_checked_offline.len(),
                manifests.not_checked_offline.join(", ")
            ))
        )?;
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
        State::PartlyChecked => palette.warning(state.label()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::coverage::{Coverage, Mode, Reference, ReferenceState};

    #[test]
    fn the_header_says_what_was_covered_and_what_was_not_checked() {
        let snapshot = crate::snapshot::Snapshot {
            scope: Some(crate::kube::Scope::All),
            coverage: Coverage {
                mode: Mode::Platform,
                references: vec![Reference {
                    kind: "Service".into(),
                    namespace: "rook-ceph".into(),
                    name: "rgw".into(),
                    referenced_by: "ConfigMap dp/trino-catalog iceberg.properties s3.endpoint"
                        .into(),
                    state: ReferenceState::NotChecked,
                    reason: Some("u cannot get services in namespace rook-ceph".into()),
                }],
                ..Coverage::named("dp")
            },
            ..Default::default()
        };
        let report = crate::status::build_report(&snapshot, jiff::Timestamp::UNIX_EPOCH);
        let mut out = Vec::new();
        table(&mut out, &report, &Palette::new(false), false).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[1],
            "Covered: dp (named with -n); 0 other namespace(s) hold no platform component"
        );
        assert_eq!(
            lines[2],
            "Not checked: Service rook-ceph/rgw (ConfigMap dp/trino-catalog iceberg.properties s3.endpoint): u cannot get services in namespace rook-ceph"
        );
    }
}
