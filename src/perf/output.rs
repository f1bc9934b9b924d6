//! perf's hooks into the suite's one output path ([`crate::render::emit`]): the
//! saved run and the comparison as [`crate::render::Report`]s, so that `-o`,
//! `--fail-on` and the exit code work as in every other command. The tables are
//! perf's own ([`super::render`]).
//!
//! Graded as [`super::gate`] grades (one place): what failed or regressed is
//! critical, a slowdown within the threshold a warning. A suite that was
//! skipped is "not checked".

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;

use crate::error::Result;
use crate::findings::Finding;
use crate::render::{Unread, View};

use super::report::{Comparison, PerfBody, PerfReport};

/// A saved run, as `perf run` writes it (kind `PerfReport`).
pub(crate) struct RunView<'a>(pub &'a PerfReport);

/// A comparison of two runs (kind `PerfComparison`).
pub(crate) struct CompareView<'a>(pub &'a Comparison);

impl Serialize for RunView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let body: &PerfBody = &self.0.body;
        body.serialize(serializer)
    }
}

impl Serialize for CompareView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// `suite/name` with spaces as dashes (`storage/put-1MiB`): what `-o name` prints.
fn measurement(suite: &str, name: &str) -> String {
    format!("{suite}/{}", name.replace(' ', "-"))
}

impl crate::render::Report for RunView<'_> {
    fn kind(&self) -> &'static str {
        super::report::KIND
    }

    /// What [`super::gate`] grades: failures, regressions, slowdowns, warm-up.
    fn findings(&self) -> Cow<'_, [Finding]> {
        Cow::Owned(super::gate::problems(self.0))
    }

    fn unread(&self) -> Vec<Unread> {
        self.0
            .skipped
            .iter()
            .map(|s| {
                Unread::new(
                    format!("suite {}", s.suite),
                    crate::kube::Availability::Failed(s.reason.clone()),
                )
            })
            .collect()
    }

    fn table(&self, out: &mut dyn Write, view: &View) -> Result<()> {
        super::render::report(out, self.0, &view.palette, view.wide)
    }

    /// What was measured: `trino/QUERY`, `storage/OPERATION-SIZE`, `spark/application`.
    fn names(&self) -> Vec<String> {
        super::compare::series(self.0, super::compare::Metric::Elapsed, None)
            .iter()
            .map(|s| measurement(s.suite, &s.name))
            .collect()
    }
}

impl crate::render::Report for CompareView<'_> {
    fn kind(&self) -> &'static str {
        "PerfComparison"
    }

    fn findings(&self) -> Cow<'_, [Finding]> {
        Cow::Owned(super::gate::comparison_problems(self.0))
    }

    fn table(&self, out: &mut dyn Write, view: &View) -> Result<()> {
        super::render_compare::comparison(out, self.0, &view.palette, view.wide)
    }

    /// The measurements compared.
    fn names(&self) -> Vec<String> {
        self.0
            .rows
            .iter()
            .map(|r| measurement(&r.suite, &r.name))
            .collect()
    }
}
