//! `quota check` for people (a verdict, then tables) and for spreadsheets (CSV).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write;

use crate::error::Result;
use crate::findings::{Component, Finding, ObjectRef, Severity};
use crate::platform::quantity::Quantity;
use crate::render::{Palette, Unread, View};

use super::CheckReport;

impl crate::render::Report for CheckReport {
    fn kind(&self) -> &'static str {
        super::KIND
    }

    /// Each reason the change does not fit is critical (`quota.does-not-fit`),
    /// each note info (`quota.check-note`): what `--fail-on` grades.
    fn findings(&self) -> Cow<'_, [Finding]> {
        let namespace = self.workloads.first().map(|w| w.namespace.as_str());
        let finding = |code, severity, message: &String| {
            Finding::new(
                code,
                severity,
                Component::Compliance,
                ObjectRef::new("ResourceQuota", namespace, ""),
                message.clone(),
                "",
            )
        };
        let reasons = self
            .reasons
            .iter()
            .map(|r| finding("quota.does-not-fit", Severity::Critical, r));
        let notes = self
            .notes
            .iter()
            .map(|n| finding("quota.check-note", Severity::Info, n));
        Cow::Owned(reasons.chain(notes).collect())
    }

    fn unread(&self) -> Vec<Unread> {
        self.not_checked
            .iter()
            .map(|what| {
                Unread::new(
                    what.clone(),
                    crate::kube::Availability::Failed("could not be read".into()),
                )
            })
            .collect()
    }

    fn table(&self, out: &mut dyn Write, view: &View) -> Result<()> {
        table(self, &view.palette, view.wide, out)
    }

    /// The workloads of the manifests.
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for w in &self.workloads {
            let group = crate::render::report::group_of(&w.kind);
            let name = crate::render::report::resource_name(&w.kind, group, &w.name);
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    fn csv(&self, out: &mut dyn Write) -> Result<()> {
        csv(self, out)
    }
}

fn res(map: &BTreeMap<String, Quantity>, k: &str) -> String {
    map.get(k).map_or("-".into(), |q| q.display_for(k))
}

/// The verdict (fits or not, and why), then the workloads, quotas and nodes;
/// `wide` adds the object that adds most of each quota resource.
pub fn table(
    report: &CheckReport,
    palette: &Palette,
    wide: bool,
    out: &mut dyn Write,
) -> Result<()> {
    if report.fits && report.not_checked.is_empty() {
        writeln!(out, "{}", palette.good("FITS: applying these manifests stays within the quotas, the LimitRange and the nodes"))?;
    } else if report.fits {
        writeln!(
            out,
            "{}",
            palette.warning(&format!(
                "FITS what could be read; not checked: {} (could not be read)",
                report.not_checked.join(", ")
            ))
        )?;
    } else {
        writeln!(out, "{}", palette.critical("DOES NOT FIT:"))?;
        for reason in &report.reasons {
            writeln!(out, "  - {reason}")?;
        }
    }
    writeln!(
        out,
        "\n{}",
        palette.bold("Workloads (per pod, after LimitRange defaults)")
    )?;
    let rows = report
        .workloads
        .iter()
        .map(|w| {
            vec![
                w.namespace.clone(),
                format!("{}/{}", w.kind, w.name),
                w.role.clone(),
                w.count.to_string(),
                res(&w.requests, "cpu"),
                res(&w.limits, "cpu"),
                res(&w.requests, "memory"),
                res(&w.limits, "memory"),
                w.replaces_pods.to_string(),
            ]
        })
        .collect();
    crate::render::table(
        out,
        &[
            "NAMESPACE",
            "OBJECT",
            "ROLE",
            "PODS",
            "CPU REQ",
            "CPU LIM",
            "MEM REQ",
            "MEM LIM",
            "REPLACES",
        ],
        rows,
    )?;
    quota_tables(report, palette, wide, out)?;
    if !report.limit_range_violations.is_empty() {
        writeln!(out, "\n{}", palette.bold("LimitRange violations"))?;
        for v in &report.limit_range_violations {
            writeln!(
                out,
                "  {} container {}: {}",
                v.object,
                v.container,
                palette.critical(&v.message)
            )?;
        }
    }
    if !report.defaults_applied.is_empty() {
        writeln!(out, "\n{}", palette.bold("LimitRange defaults applied"))?;
        for line in &report.defaults_applied {
            writeln!(out, "  {line}")?;
        }
    }
    nodes_section(report, palette, out)?;
    for note in &report.notes {
        writeln!(out, "\n{}", palette.warning(&format!("note: {note}")))?;
    }
    Ok(())
}

/// Each quota of the target namespaces before and after the change (`wide`:
/// and the object that adds most of each resource).
fn quota_tables(
    report: &CheckReport,
    palette: &Palette,
    wide: bool,
    out: &mut dyn Write,
) -> Result<()> {
    for quota in &report.quotas {
        writeln!(
            out,
            "\n{}",
            palette.bold(&format!("Quota {}/{}", quota.namespace, quota.name))
        )?;
        let rows = quota
            .resources
            .iter()
            .map(|r| {
                let k = &r.resource;
                let mut row = vec![
                    k.clone(),
                    r.used.display_for(k),
                    format!("-{}", r.replaced.display_for(k)),
                    format!("+{}", r.added.display_for(k)),
                    r.after.display_for(k),
                    r.hard.display_for(k),
                    if r.fits {
                        palette.good("yes")
                    } else {
                        palette.critical(&format!("no, over by {}", r.over_by.display_for(k)))
                    },
                ];
                if wide {
                    row.push(r.largest_contributor.clone().unwrap_or_else(|| "-".into()));
                }
                row
            })
            .collect();
        let mut headers = vec![
            "RESOURCE", "USED", "REPLACED", "NEW", "AFTER", "HARD", "FITS",
        ];
        if wide {
            headers.push("LARGEST");
        }
        crate::render::table(out, &headers, rows)?;
    }
    Ok(())
}

/// Whether the new pods fit on the nodes: the largest pod, the totals, what fits nowhere.
fn nodes_section(report: &CheckReport, palette: &Palette, out: &mut dyn Write) -> Result<()> {
    let n = &report.nodes;
    writeln!(out, "\n{}", palette.bold("Nodes"))?;
    if !n.checked {
        writeln!(
            out,
            "  {}",
            palette.warning("not checked: the nodes could not be read (see the note below)")
        )?;
    } else if let Some(largest) = &n.largest_pod {
        let place = match &n.largest_pod_node {
            Some(node) => palette.good(&format!("fits on {node}")),
            None => palette.critical(&format!(
                "fits on no node (most free: {} CPU, {} memory)",
                n.most_free_cpu.display_cpu(),
                n.most_free_memory.display_bytes()
            )),
        };
        writeln!(
            out,
            "  largest pod: {largest} ({} CPU, {} memory): {place}",
            n.largest_pod_cpu.display_cpu(),
            n.largest_pod_memory.display_bytes()
        )?;
    }
    if n.checked {
        writeln!(
            out,
            "  {} new pods request {} CPU, {} memory; free allocatable {} CPU, {} memory",
            n.pods,
            n.requested_cpu.display_cpu(),
            n.requested_memory.display_bytes(),
            n.free_cpu.display_cpu(),
            n.free_memory.display_bytes()
        )?;
    }
    if !n.unplaced.is_empty() {
        writeln!(
            out,
            "  {}",
            palette.critical(&format!("not placeable: {}", n.unplaced.join(", ")))
        )?;
    }
    Ok(())
}

/// One row per workload and quota resource, for spreadsheets.
pub fn csv(report: &CheckReport, out: &mut dyn Write) -> Result<()> {
    use crate::render::csv_cell;
    writeln!(
        out,
        "namespace,quota,resource,used,replaced,new,after,hard,fits,over_by,largest_contributor"
    )?;
    for q in &report.quotas {
        for r in &q.resources {
            let cells = [
                q.namespace.clone(),
                q.name.clone(),
                r.resource.clone(),
                r.used.to_string(),
                r.replaced.to_string(),
                r.added.to_string(),
                r.after.to_string(),
                r.hard.to_string(),
                r.fits.to_string(),
                r.over_by.to_string(),
                r.largest_contributor.clone().unwrap_or_default(),
            ];
            writeln!(
                out,
                "{}",
                cells
                    .iter()
                    .map(|c| csv_cell(c))
                    .collect::<Vec<_>>()
                    .join(",")
            )?;
        }
    }
    Ok(())
}
