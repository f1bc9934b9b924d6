//! How `kubectl dp buckets` shows things to people: the claim table, one
//! claim's description, and S3 check results. Pure: values in, text out.

use std::borrow::Cow;
use std::io::Write;

use crate::error::Result;
use crate::findings::{Component, Finding, ObjectRef, Severity};
use crate::kube::Scope;
use crate::platform::bucket;
use crate::render::{Palette, View};

use super::analyse::ClaimRow;
use super::check::{CheckReport, CheckResult};
use super::describe::Description;
use super::list::ListReport;

/// `-o name` of a claim: `objectbucketclaim.objectbucket.io/NAME`.
fn claim_name(name: &str) -> String {
    crate::render::report::resource_name("ObjectBucketClaim", "objectbucket.io", name)
}

impl crate::render::Report for ListReport {
    fn kind(&self) -> &'static str {
        super::list::KIND
    }

    fn findings(&self) -> Cow<'_, [Finding]> {
        Cow::Borrowed(&self.findings)
    }

    fn table(&self, out: &mut dyn Write, view: &View) -> Result<()> {
        list(
            out,
            self,
            &self.scope,
            &view.palette,
            view.wide,
            view.wide || view.verbose > 0,
        )
    }

    fn names(&self) -> Vec<String> {
        self.claims.iter().map(|c| claim_name(&c.name)).collect()
    }

    /// Claims age on every read: `--watch` redraws for what changed, not for that.
    fn fingerprint(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(claims) = value.get_mut("claims").and_then(|c| c.as_array_mut()) {
            for claim in claims.iter_mut().filter_map(|c| c.as_object_mut()) {
                claim.remove("ageSeconds");
            }
        }
        value
    }
}

impl crate::render::Report for Description {
    fn kind(&self) -> &'static str {
        super::describe::KIND
    }

    fn findings(&self) -> Cow<'_, [Finding]> {
        Cow::Borrowed(&self.findings)
    }

    fn table(&self, out: &mut dyn Write, view: &View) -> Result<()> {
        describe(out, self, &view.palette, view.wide)
    }

    fn names(&self) -> Vec<String> {
        vec![claim_name(&self.claim.name)]
    }
}

impl crate::render::Report for CheckReport {
    fn kind(&self) -> &'static str {
        super::check::KIND
    }

    /// A claim whose lifecycle drifted, or that is not Bound yet, is a warning
    /// (`bucket.check-lifecycle-drift`, `bucket.check-not-bound`); a failed S3
    /// step (credentials, bucket, probe object) is critical (`bucket.check-failed`).
    fn findings(&self) -> Cow<'_, [Finding]> {
        let mut findings = Vec::new();
        for claim in &self.claims {
            let Some(failed) = claim.steps.iter().find(|s| !s.ok) else {
                continue;
            };
            let (code, severity) = match failed.check.as_str() {
                "phase" => ("bucket.check-not-bound", Severity::Warning),
                "lifecycle" => ("bucket.check-lifecycle-drift", Severity::Warning),
                _ => ("bucket.check-failed", Severity::Critical),
            };
            findings.push(Finding::new(
                code,
                severity,
                Component::Buckets,
                ObjectRef::namespaced("ObjectBucketClaim", &claim.namespace, &claim.name),
                format!("{}: {}", failed.check, failed.detail),
                "see `kubectl dp buckets check` above",
            ));
        }
        Cow::Owned(findings)
    }

    fn table(&self, out: &mut dyn Write, _view: &View) -> Result<()> {
        check(out, &self.claims)
    }

    fn names(&self) -> Vec<String> {
        self.claims.iter().map(|c| claim_name(&c.name)).collect()
    }
}

/// The claim table, then the findings; `verbose` adds where Rook's settings came from.
pub fn list(
    out: &mut dyn Write,
    report: &ListReport,
    scope: &Scope,
    palette: &Palette,
    wide: bool,
    verbose: bool,
) -> Result<()> {
    if report.claims.is_empty() {
        writeln!(out, "No ObjectBucketClaims in {}.", scope.describe())?;
        return Ok(());
    }
    let all_ns = matches!(scope, Scope::All);
    let mut headers = Vec::new();
    if all_ns {
        headers.push("NAMESPACE");
    }
    headers.extend([
        "NAME",
        "PHASE",
        "BUCKET",
        "STORAGECLASS",
        "QUOTA",
        "LIFECYCLE",
        "SECRET",
        "CONFIGMAP",
        "AGE",
    ]);
    if wide {
        headers.push("OBJECTBUCKET");
    }
    let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
    let table_rows = report
        .claims
        .iter()
        .map(|r| {
            let mut row = Vec::new();
            if all_ns {
                row.push(r.namespace.clone());
            }
            row.extend([
                r.name.clone(),
                paint_phase(palette, &r.phase),
                dash(&r.bucket),
                dash(&r.storage_class),
                quota(r),
                r.lifecycle.clone(),
                yes(r.has_secret),
                yes(r.has_config_map),
                r.age_seconds
                    .map(crate::render::age)
                    .unwrap_or_else(|| "-".into()),
            ]);
            if wide {
                row.push(dash(&r.object_bucket));
            }
            row
        })
        .collect();
    crate::render::table(out, &headers, table_rows)?;
    crate::render::findings::write(out, &report.findings, palette, wide)?;
    if verbose {
        writeln!(out, "\nOperator config: {}", report.operator_config)?;
    }
    Ok(())
}

fn dash(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "-".into())
}

/// The QUOTA cell: size and/or object count, `-` for none.
fn quota(r: &ClaimRow) -> String {
    match (&r.max_size, &r.max_objects) {
        (None, None) => "-".to_string(),
        (Some(size), None) => size.clone(),
        (None, Some(objects)) => format!("{objects} objects"),
        (Some(size), Some(objects)) => format!("{size}, {objects} objects"),
    }
}

/// A claim's phase, coloured: Bound green, Pending yellow, anything else red.
pub(crate) fn paint_phase(palette: &Palette, phase: &str) -> String {
    match phase {
        "Bound" => palette.good(phase),
        "Pending" => palette.warning(phase),
        _ => palette.critical(phase),
    }
}

/// A table indented under a heading of a description.
fn indented_table(
    out: &mut dyn Write,
    indent: &str,
    headers: &[&str],
    rows: Vec<Vec<String>>,
) -> Result<()> {
    let mut buffer = Vec::new();
    crate::render::table(&mut buffer, headers, rows)?;
    for line in String::from_utf8_lossy(&buffer).lines() {
        writeln!(out, "{indent}{line}")?;
    }
    Ok(())
}

/// `buckets describe` as text, kubectl-describe style, then its findings.
pub fn describe(
    out: &mut dyn Write,
    description: &Description,
    palette: &Palette,
    wide: bool,
) -> Result<()> {
    let d = &description;
    let c = &d.claim;
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    writeln!(out, "Name:          {}", c.name)?;
    writeln!(out, "Namespace:     {}", c.namespace)?;
    writeln!(out, "Phase:         {}", c.phase)?;
    writeln!(out, "StorageClass:  {}", dash(&c.storage_class))?;
    writeln!(out, "Bucket:        {}", dash(&c.bucket))?;
    writeln!(out, "Endpoint:      {}", dash(&d.endpoint))?;
    match &d.object_bucket {
        Some(ob) => writeln!(
            out,
            "ObjectBucket:  {} ({})",
            ob["name"].as_str().unwrap_or_default(),
            ob["status"]["phase"].as_str().unwrap_or("no phase")
        )?,
        None => match &d.object_bucket_error {
            Some(e) => writeln!(
                out,
                "ObjectBucket:  {} (could not be read: {e})",
                d.object_bucket_name
            )?,
            None => writeln!(out, "ObjectBucket:  {} (not found)", d.object_bucket_name)?,
        },
    }
    writeln!(
        out,
        "Quota:         maxSize {}, maxObjects {}",
        dash(&c.max_size),
        dash(&c.max_objects)
    )?;
    writeln!(
        out,
        "Age:           {}",
        c.age_seconds
            .map(crate::render::age)
            .unwrap_or_else(|| "-".into())
    )?;
    writeln!(out, "Credentials (Secret {}):", c.name)?;
    for (k, v) in &d.credentials {
        writeln!(out, "  {k}: {v}")?;
    }
    writeln!(out, "Lifecycle:")?;
    match (&d.lifecycle, &d.lifecycle_error) {
        (_, Some(e)) => writeln!(out, "  {e}")?,
        (None, None) => writeln!(out, "  none")?,
        (Some(l), None) => {
            let rows = l.rules.iter().map(lifecycle_row).collect();
            indented_table(
                out,
                "  ",
                &[
                    "ID",
                    "STATUS",
                    "PREFIX",
                    "EXPIRE",
                    "ABORT MULTIPART",
                    "NONCURRENT",
                ],
                rows,
            )?;
        }
    }
    writeln!(out, "Pods using its Secret or ConfigMap:")?;
    if d.pods.is_empty() {
        writeln!(out, "  none")?;
    }
    for p in &d.pods {
        writeln!(out, "  {p}")?;
    }
    writeln!(out, "Events:")?;
    if d.events.is_empty() {
        writeln!(out, "  none")?;
    }
    for e in &d.events {
        writeln!(out, "  {e}")?;
    }
    crate::render::findings::write(out, &d.findings, palette, wide)
}

/// One lifecycle rule as a table row.
fn lifecycle_row(rule: &bucket::LifecycleRule) -> Vec<String> {
    let days = |d: Option<i64>| d.map(|d| format!("{d}d")).unwrap_or_else(|| "-".into());
    let prefix = rule.effective_prefix();
    let expire = match &rule.expiration {
        None => "-".to_string(),
        Some(e) => match (e.days, &e.date, e.expired_object_delete_marker) {
            (Some(d), _, _) => format!("{d}d"),
            (None, Some(date), _) => bucket::lifecycle::day(date),
            (None, None, Some(true)) => "delete markers".into(),
            _ => "-".into(),
        },
    };
    vec![
        rule.id.clone().unwrap_or_else(|| "(none)".into()),
        rule.status.clone().unwrap_or_else(|| "-".into()),
        if prefix.is_empty() {
            "(all)".into()
        } else {
            prefix
        },
        expire,
        days(
            rule.abort_incomplete_multipart_upload
                .as_ref()
                .and_then(|a| a.days_after_initiation),
        ),
        days(
            rule.noncurrent_version_expiration
                .as_ref()
                .and_then(|n| n.noncurrent_days),
        ),
    ]
}

/// `buckets check` results: PASS/FAIL per claim, each step, and lifecycle drift.
pub fn check(out: &mut dyn Write, results: &[CheckResult]) -> Result<()> {
    if results.is_empty() {
        writeln!(out, "No ObjectBucketClaims to check.")?;
    }
    for r in results {
        writeln!(
            out,
            "{}/{}: {} (bucket {}, endpoint {})",
            r.namespace,
            r.name,
            if r.passed { "PASS" } else { "FAIL" },
            r.bucket.as_deref().unwrap_or("-"),
            r.endpoint.as_deref().unwrap_or("-")
        )?;
        for s in &r.steps {
            writeln!(
                out,
                "  {:<4} {:<13} {}",
                if s.ok { "ok" } else { "FAIL" },
                s.check,
                s.detail
            )?;
        }
        if !r.drift.is_empty() {
            let rows = r
                .drift
                .iter()
                .map(|d| {
                    vec![
                        d.rule.clone(),
                        d.field.clone(),
                        d.claim.clone(),
                        d.bucket.clone(),
                    ]
                })
                .collect();
            indented_table(out, "    ", &["RULE", "FIELD", "CLAIM", "BUCKET"], rows)?;
        }
    }
    Ok(())
}
