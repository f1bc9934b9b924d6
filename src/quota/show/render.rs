//! `kubectl dp quota` for people (tables with usage bars) and spreadsheets (CSV).

use std::borrow::Cow;
use std::io::Write;

use crate::error::Result;
use crate::findings::Finding;
use crate::platform::quantity::Quantity;
use crate::render::{Palette, Unread, View, csv_cell};

use crate::kube::Scope;
use crate::platform::resources::{self, Capacity, Totals};
use crate::quota::By;

use super::{KIND, QuotaReport};

/// Colour by closeness to the limit: green below 75%, yellow to 90%, red above.
fn paint_percent(palette: &Palette, percent: Option<f64>, text: &str) -> String {
    match percent {
        Some(p) if p >= 90.0 => palette.critical(text),
        Some(p) if p >= 75.0 => palette.warning(text),
        Some(_) => palette.good(text),
        None => text.to_string(),
    }
}

fn pct(percent: Option<f64>) -> String {
    percent.map_or("-".into(), |p| format!("{p:.0}%"))
}

fn opt(q: Option<Quantity>, resource: &str) -> String {
    q.map_or("-".into(), |q| q.display_for(resource))
}

fn with_pct(palette: &Palette, used: Quantity, whole: Quantity, resource: &str) -> String {
    let p = resources::percent(used, whole);
    let text = match p {
        Some(_) => format!("{} ({})", used.display_for(resource), pct(p)),
        None => used.display_for(resource),
    };
    paint_percent(palette, p, &text)
}

/// The quota report as tables (`wide` adds status.used and node free).
pub fn table(
    report: &QuotaReport,
    palette: &Palette,
    wide: bool,
    out: &mut dyn Write,
) -> Result<()> {
    writeln!(
        out,
        "{}",
        palette.bold(&format!("Resource quotas ({})", report.scope.describe()))
    )?;
    let not_checked = |plural: &str| report.not_checked.iter().any(|p| p == plural);
    let unread_line = |plural: &str| {
        palette.warning(&format!(
            "  not checked ({plural} could not be read; see below)"
        ))
    };
    if not_checked("resourcequotas") {
        writeln!(out, "{}", unread_line("resourcequotas"))?;
    } else {
        quota_table(report, palette, wide, out)?;
    }
    writeln!(out, "\n{}", palette.bold("Limit ranges"))?;
    if not_checked("limitranges") {
        writeln!(out, "{}", unread_line("limitranges"))?;
    } else {
        limit_range_table(report, out)?;
    }
    writeln!(out, "\n{}", palette.bold("Pods without requests or limits"))?;
    if not_checked("pods") {
        writeln!(out, "{}", unread_line("pods"))?;
    } else {
        pods_without_table(report, palette, out)?;
    }

    let c = &report.cluster;
    let allocatable = c.allocatable.clone().unwrap_or_default();
    if not_checked("nodes") {
        // Allocatable unknown: no zeros, no percentages against them.
        writeln!(out, "\n{}\n{}", palette.bold("Nodes"), unread_line("nodes"))?;
    } else {
        writeln!(
            out,
            "\n{}",
            palette.bold(&format!(
                "Nodes{}: allocatable {} CPU, {} memory, {} pods",
                c.node_selector
                    .as_deref()
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default(),
                allocatable.cpu.display_cpu(),
                allocatable.memory.display_bytes(),
                allocatable.pods
            ))
        )?;
        node_table(report, palette, wide, out)?;
    }
    if let Some(usage) = &report.usage {
        crate::quota::measured::table(usage, palette, out)?;
    }

    for line in &report.unavailable {
        writeln!(out, "\n{}", palette.warning(&format!("not shown: {line}")))?;
    }
    Ok(())
}

/// The quotas with their usage bars (`wide`: and what the API server last wrote).
fn quota_table(
    report: &QuotaReport,
    palette: &Palette,
    wide: bool,
    out: &mut dyn Write,
) -> Result<()> {
    if report.quotas.is_empty() {
        writeln!(out, "  {}", none(report))?;
    } else {
        let mut headers = vec![
            "NAMESPACE",
            "QUOTA",
            "RESOURCE",
            "USED",
            "HARD",
            "FREE",
            "USE",
        ];
        if wide {
            headers.push("STATUS.USED");
        }
        let mut rows = Vec::new();
        for quota in &report.quotas {
            for r in &quota.resources {
                let bar = crate::render::bar(r.percent.unwrap_or(0.0) / 100.0, 10);
                let mut row = vec![
                    quota.namespace.clone(),
                    quota.name.clone(),
                    r.resource.clone(),
                    r.used.display_for(&r.resource),
                    r.hard.display_for(&r.resource),
                    r.free.display_for(&r.resource),
                    paint_percent(palette, r.percent, &format!("{bar} {}", pct(r.percent))),
                ];
                if wide {
                    row.push(opt(r.reported_used, &r.resource));
                }
                rows.push(row);
            }
        }
        crate::render::table(out, &headers, rows)?;
    }
    Ok(())
}

/// The LimitRanges, one row per type and resource.
fn limit_range_table(report: &QuotaReport, out: &mut dyn Write) -> Result<()> {
    if report.limit_ranges.is_empty() {
        writeln!(out, "  {}", none(report))?;
    } else {
        let headers = [
            "NAMESPACE",
            "LIMITRANGE",
            "TYPE",
            "RESOURCE",
            "DEFAULT REQUEST",
            "DEFAULT LIMIT",
            "MIN",
            "MAX",
            "MAX LIMIT/REQUEST",
        ];
        let rows = report
            .limit_ranges
            .iter()
            .map(|r| {
                vec![
                    r.namespace.clone(),
                    r.name.clone(),
                    r.type_.clone(),
                    r.resource.clone(),
                    opt(r.default_request, &r.resource),
                    opt(r.default, &r.resource),
                    opt(r.min, &r.resource),
                    opt(r.max, &r.resource),
                    r.max_limit_request_ratio
                        .map_or("-".into(), |q| q.to_string()),
                ]
            })
            .collect();
        crate::render::table(out, &headers, rows)?;
    }
    Ok(())
}

/// The containers without requests or limits.
fn pods_without_table(report: &QuotaReport, palette: &Palette, out: &mut dyn Write) -> Result<()> {
    if report.pods_without_resources.is_empty() {
        writeln!(out, "  none")?;
    } else {
        let rows = report
            .pods_without_resources
            .iter()
            .map(|p| {
                vec![
                    p.namespace.clone(),
                    p.pod.clone(),
                    p.container.clone(),
                    palette.warning(&p.missing.join(",")),
                ]
            })
            .collect();
        crate::render::table(out, &["NAMESPACE", "POD", "CONTAINER", "MISSING"], rows)?;
    }
    Ok(())
}

/// The node view's table (totals against allocatable).
fn node_table(
    report: &QuotaReport,
    palette: &Palette,
    wide: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let c = &report.cluster;
    // Unknown nodes: no node table is shown (see `render`), zeros never reach it.
    let cluster_allocatable = c.allocatable.clone().unwrap_or_default();
    let by_node = c.by == Some(By::Node);
    let mut headers = vec![match c.by {
        None => "SCOPE",
        Some(By::Node) => "NODE",
        Some(By::Namespace) => "NAMESPACE",
        Some(By::Component) => "COMPONENT",
        Some(By::Pod) => "POD",
    }];
    headers.extend(["CPU REQ", "CPU LIM", "MEM REQ", "MEM LIM", "PODS"]);
    if by_node || wide {
        headers.extend(["CPU ALLOC", "MEM ALLOC", "CPU FREE", "MEM FREE"]);
    }
    let row = |name: &str, t: &Totals, cap: &Capacity| {
        let mut row = vec![
            name.to_string(),
            with_pct(palette, t.cpu_requests, cap.cpu, "cpu"),
            with_pct(palette, t.cpu_limits, cap.cpu, "cpu"),
            with_pct(palette, t.memory_requests, cap.memory, "memory"),
            with_pct(palette, t.memory_limits, cap.memory, "memory"),
            if by_node {
                format!("{}/{}", t.pods, cap.pods)
            } else {
                t.pods.to_string()
            },
        ];
        if by_node || wide {
            row.extend([
                cap.cpu.display_cpu(),
                cap.memory.display_bytes(),
                cap.cpu.saturating_sub(t.cpu_requests).display_cpu(),
                cap.memory.saturating_sub(t.memory_requests).display_bytes(),
            ]);
        }
        row
    };
    let mut rows: Vec<Vec<String>> = c
        .rows
        .iter()
        .map(|r| {
            row(
                &r.name,
                &r.totals,
                r.allocatable.as_ref().unwrap_or(&cluster_allocatable),
            )
        })
        .collect();
    if c.by.is_some() && c.by != Some(By::Node) && !matches!(report.scope, Scope::All) {
        // Groups are this scope's pods; the total line is the whole cluster.
        let mut scoped = Totals::default();
        for r in &c.rows {
            scoped.add(&r.totals);
        }
        rows.push(row(
            &format!("({})", report.scope.describe()),
            &scoped,
            &cluster_allocatable,
        ));
    }
    rows.push(row(total_label(c), &c.total, &cluster_allocatable));
    crate::render::table(out, &headers, rows)?;
    Ok(())
}

/// One long table: `section,namespace,name,resource,used,limit,free,percent`.
pub fn csv(report: &QuotaReport, out: &mut dyn Write) -> Result<()> {
    let mut write_row = |cells: Vec<String>| -> Result<()> {
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        writeln!(out, "{}", line.join(","))?;
        Ok(())
    };
    write_row(
        [
            "section",
            "namespace",
            "name",
            "resource",
            "used",
            "limit",
            "free",
            "percent",
        ]
        .map(String::from)
        .to_vec(),
    )?;
    for row in namespace_rows(report).into_iter().chain(node_rows(report)) {
        write_row(row)?;
    }
    Ok(())
}

/// The CSV rows of the quotas, LimitRanges and pods without requests or limits.
fn namespace_rows(report: &QuotaReport) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let p = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v}"));
    for quota in &report.quotas {
        for r in &quota.resources {
            rows.push(vec![
                "quota".into(),
                quota.namespace.clone(),
                quota.name.clone(),
                r.resource.clone(),
                r.used.to_string(),
                r.hard.to_string(),
                r.free.to_string(),
                p(r.percent),
            ]);
        }
    }
    for r in &report.limit_ranges {
        for (what, value) in [
            ("defaultRequest", r.default_request),
            ("default", r.default),
            ("min", r.min),
            ("max", r.max),
        ] {
            if let Some(v) = value {
                rows.push(vec![
                    format!("limitrange-{what}"),
                    r.namespace.clone(),
                    r.name.clone(),
                    format!("{}.{}", r.type_, r.resource),
                    String::new(),
                    v.to_string(),
                    String::new(),
                    String::new(),
                ]);
            }
        }
    }
    for pw in &report.pods_without_resources {
        rows.push(vec![
            "pod-without-resources".into(),
            pw.namespace.clone(),
            format!("{}/{}", pw.pod, pw.container),
            pw.missing.join(" "),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    rows
}

/// The CSV rows of the measured usage and the node view.
fn node_rows(report: &QuotaReport) -> Vec<Vec<String>> {
    let p = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v}"));
    let mut rows = Vec::new();
    let c = &report.cluster;
    let cluster_allocatable = c.allocatable.clone().unwrap_or_default();
    let mut groups: Vec<(String, &Totals, &Capacity)> = c
        .rows
        .iter()
        .map(|r| {
            (
                r.name.clone(),
                &r.totals,
                r.allocatable.as_ref().unwrap_or(&cluster_allocatable),
            )
        })
        .collect();
    groups.push((total_label(c).into(), &c.total, &cluster_allocatable));
    for row in report
        .usage
        .iter()
        .flat_map(crate::quota::measured::csv_rows)
    {
        rows.push(row);
    }
    for (name, t, cap) in groups {
        for (resource, used, whole) in [
            ("requests.cpu", t.cpu_requests, cap.cpu),
            ("limits.cpu", t.cpu_limits, cap.cpu),
            ("requests.memory", t.memory_requests, cap.memory),
            ("limits.memory", t.memory_limits, cap.memory),
        ] {
            rows.push(vec![
                format!("nodes-by-{}", c.by.map_or("cluster", By::name)),
                String::new(),
                name.clone(),
                resource.into(),
                used.to_string(),
                whole.to_string(),
                whole.saturating_sub(used).to_string(),
                p(resources::percent(used, whole)),
            ]);
        }
    }
    rows
}

/// `none`, or `none with -l SELECTOR` when a selector narrowed the list.
fn none(report: &QuotaReport) -> String {
    match &report.selector {
        Some(selector) => format!("none with -l {selector}"),
        None => "none".into(),
    }
}

impl crate::render::Report for QuotaReport {
    fn kind(&self) -> &'static str {
        KIND
    }

    /// The quota view grades nothing; what it could not read counts (`unread`).
    fn findings(&self) -> Cow<'_, [Finding]> {
        Cow::Borrowed(&[])
    }

    fn unread(&self) -> Vec<Unread> {
        self.not_checked
            .iter()
            .map(|plural| {
                Unread::new(
                    plural.clone(),
                    crate::kube::Availability::Failed(
                        self.unavailable
                            .iter()
                            .find(|u| u.starts_with(plural.as_str()))
                            .cloned()
                            .unwrap_or_default(),
                    ),
                )
            })
            .collect()
    }

    fn table(&self, out: &mut dyn Write, view: &View) -> Result<()> {
        table(self, &view.palette, view.wide, out)
    }

    /// The ResourceQuotas and LimitRanges listed (what `-l` selects).
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .quotas
            .iter()
            .map(|q| format!("resourcequota/{}", q.name))
            .collect();
        for range in &self.limit_ranges {
            let name = format!("limitrange/{}", range.name);
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

/// The last row's label: the whole cluster, or the node pool `-l` selected.
fn total_label(c: &super::ClusterView) -> &'static str {
    if c.node_selector.is_some() {
        "(pool total)"
    } else {
        "(cluster total)"
    }
}
