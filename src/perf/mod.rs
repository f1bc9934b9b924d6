//! `kubectl dp perf`: query latency, Spark job time, S3 throughput and resource
//! use, saved as a report that a later run is compared against.
//!
//! Stages as everywhere: gather (the Trino client, S3, the API server) →
//! pure statistics ([`stats`], [`compare`], [`trino::summarise`]) → render
//! ([`render`]) into the caller's writer.

mod args;
pub mod compare;
#[cfg(test)]
mod compare_tests;
pub mod gate;
mod junit;
mod load;
mod output;
pub mod platform;
pub mod queries;
mod reach;
mod render;
mod render_compare;
mod render_engine;
pub mod report;
mod resources;
mod run;
pub mod schedule;
pub(crate) mod significance;
mod spark;
pub mod stats;
pub mod storage;
mod trino;

use std::io::{IsTerminal, Write};
use std::path::Path;

use crate::cli::FormatKind;
use crate::error::{Error, Exit, Result};
use crate::render::{Metadata, Output};

pub use args::{Args, Command, CompareArgs, RunArgs, Suite};
use gate::Decision;
use report::PerfReport;

/// The `-o` values perf writes (docs/flags.md).
const FORMATS: [FormatKind; 6] = [
    FormatKind::Table,
    FormatKind::Wide,
    FormatKind::Json,
    FormatKind::Yaml,
    FormatKind::Name,
    FormatKind::JsonPath,
];

/// Refuses what the subcommand cannot honour, before any request (docs/flags.md).
pub fn check_flags(args: &Args) -> Result<()> {
    args.cluster.validate()?;
    args.output.accept("perf", &FORMATS)?;
    match &args.command {
        Command::Run(_) => args
            .cluster
            .refuse_all_namespaces("perf run", "it measures the platform of one namespace"),
        Command::Compare(_) => match args.cluster.first_given() {
            Some(flag) => Err(Error::Usage(format!(
                "`kubectl dp perf compare` cannot take {flag}: it compares two saved files and never reads the cluster"
            ))),
            None => Ok(()),
        },
    }
}

/// Runs `perf run` or `perf compare` and writes the result into `out`.
pub async fn run(args: Args, out: &mut dyn Write) -> Result<Exit> {
    check_flags(&args)?;
    let output = args.output.start(gate::DEFAULT_FAIL_ON);
    match &args.command {
        Command::Compare(c) => run_compare(c, &output, out),
        Command::Run(r) => run::run_suites(r, &args.cluster, &output, out).await,
    }
}

fn run_compare(args: &CompareArgs, output: &Output, out: &mut dyn Write) -> Result<Exit> {
    let old = load(&args.old)?;
    let new = load(&args.new)?;
    let settings = compare::Settings {
        metric: args.metric,
        alpha: compare::ALPHA,
        threshold_percent: args.threshold,
    };
    let comparison = compare::compare(&old, &new, settings);
    if let Some(path) = &args.junit {
        write_file(path, &junit::comparison(&comparison))?;
    }
    let metadata = Metadata::of(None, &crate::kube::Scope::All, jiff::Timestamp::now());
    crate::render::write(out, output, metadata, &output::CompareView(&comparison))?;
    out.flush()?;
    finish(gate::decide(
        &gate::comparison_problems(&comparison),
        &comparison.not_measured,
        output.fail_on,
        args.allow_missing,
    ))
}

/// The exit for a decision: what was not measured is an error (exit 2), one line.
fn finish(decision: Decision) -> Result<Exit> {
    match decision {
        Decision::Measured(exit) => Ok(exit),
        Decision::NotMeasured(line) => Err(Error::Config(line)),
    }
}

/// Reads a saved report, with one line naming the file when it is not one.
pub fn load(path: &Path) -> Result<PerfReport> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Input {
        path: path.to_path_buf(),
        reason: format!("cannot read it: {e}"),
    })?;
    // JSON as --save writes it; YAML as -o yaml prints it.
    let parsed: std::result::Result<PerfReport, String> = if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    } else {
        serde_saphyr::from_str(&text).map_err(|e| e.to_string())
    };
    let report = parsed.map_err(|e| Error::Input {
        path: path.to_path_buf(),
        reason: format!(
            "not a perf report (from `kubectl dp perf run --save`): {}",
            e.lines().next().unwrap_or_default()
        ),
    })?;
    if report.kind != report::KIND {
        return Err(Error::Input {
            path: path.to_path_buf(),
            reason: format!("kind is {}, not {}", report.kind, report::KIND),
        });
    }
    Ok(report)
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    crate::redact::write_file(path, text).map_err(|e| Error::Input {
        path: path.to_path_buf(),
        reason: format!("cannot write it: {e}"),
    })
}

/// A one-line progress display on stderr, only when stderr is a terminal.
pub struct Progress {
    enabled: bool,
}

impl Progress {
    /// Drawn only when stderr is a terminal.
    pub fn new() -> Progress {
        Progress {
            enabled: std::io::stderr().is_terminal(),
        }
    }

    /// Replaces the progress line.
    pub fn show(&self, text: &str) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{text}");
            let _ = err.flush();
        }
    }

    /// Removes the progress line.
    pub fn clear(&self) {
        if self.enabled {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }
}

impl Default for Progress {
    fn default() -> Self {
        Progress::new()
    }
}

/// Refuses `--iterations` below what a significant change against `old` needs.
fn preflight(old: &PerfReport, args: &RunArgs) -> Result<()> {
    let comparisons = compare::series(old, args.metric, None).len().max(1);
    let min = compare::min_runs(compare::ALPHA, comparisons);
    if (args.iterations as usize) < min {
        return Err(Error::Usage(format!(
            "--iterations {} cannot show a significant change against the baseline's {}: the rank test needs at least {min} runs on each side (alpha {}, Holm); pass --iterations {min} or more",
            args.iterations,
            crate::render::count(comparisons, "measurement", "measurements"),
            compare::ALPHA
        )));
    }
    Ok(())
}
