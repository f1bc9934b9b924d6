//! The output flags every command shares (`-o`, `--color`, `-v`, `--fail-on`,
//! `--no-headers`) and how a command declares which `-o` values it can honour.
//!
//! A command flattens [`OutputArgs`] into its clap struct, checks it with
//! [`OutputArgs::accept`] against the formats it supports (docs/flags.md) before
//! any work, so an unsupported `-o` is refused with one line instead of being
//! ignored, and calls [`OutputArgs::start`] once: logging, `--no-headers`, and the
//! resolved [`Output`] that [`crate::render::emit`] writes with.

use clap::Args;

use crate::error::{Error, Result};
use crate::findings::Severity;
use crate::render::{FormatKind, Output, OutputFormat, Palette};

use super::color::ColorChoice;

/// The output flags shared by every binary; flatten it into the command's clap struct.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Output format: table, wide, json, yaml, csv, diff, name, jsonpath=EXPR (each command lists what it supports)
    #[arg(short = 'o', long = "output", global = true, value_parser = OutputFormat::parse, default_value = "table", value_name = "FORMAT")]
    pub format: OutputFormat,

    /// When to use colours (auto: only on a terminal, never when NO_COLOR is set)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Say more on stderr, at kubectl's levels: -v what the command does, -v=6 one line per API request, -v=8 with bodies (cut at 1 KiB), -v=9 whole bodies; secret values are always redacted
    #[arg(short = 'v', long = "verbose", global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Exit 1 when a finding is at least this severe (default depends on the command: see its help)
    #[arg(long, global = true, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,

    /// Do not print table headers (as kubectl)
    #[arg(long, global = true)]
    pub no_headers: bool,
}

impl OutputArgs {
    /// Starts logging, applies `--no-headers` to every table and resolves colour
    /// and `--fail-on` (with the command's `default_fail_on`): call once at the top
    /// of a command's `run`, after its flags were checked.
    pub fn start(&self, default_fail_on: Severity) -> Output {
        self.init_logging();
        crate::render::show_headers(!self.no_headers);
        self.resolve(default_fail_on)
    }

    /// What the flags resolve to, without side effects.
    pub fn resolve(&self, default_fail_on: Severity) -> Output {
        Output {
            format: self.format.clone(),
            palette: self.palette(),
            fail_on: self.fail_on_or(default_fail_on),
            verbose: self.verbose,
        }
    }

    /// The palette `--color` asks for.
    pub(crate) fn palette(&self) -> Palette {
        Palette::new(self.color.enabled())
    }

    /// `--fail-on`, or the command's own default when not given.
    pub(crate) fn fail_on_or(&self, default: Severity) -> Severity {
        self.fail_on.unwrap_or(default)
    }

    /// Refuses `--fail-on` in one line where `command` grades nothing (`why`).
    pub(crate) fn refuse_fail_on(&self, command: &str, why: &str) -> Result<()> {
        if self.fail_on.is_some() {
            return Err(Error::Usage(format!(
                "`kubectl dp {command}` cannot take --fail-on: {why}"
            )));
        }
        Ok(())
    }

    /// Refuses an `-o` value `command` cannot honour, with one line naming the ones it can.
    pub fn accept(&self, command: &str, supported: &[FormatKind]) -> Result<()> {
        let kind = self.format.kind();
        if supported.contains(&kind) {
            return Ok(());
        }
        let names: Vec<&str> = supported.iter().map(|k| k.name()).collect();
        Err(Error::Usage(format!(
            "`kubectl dp {command}` cannot write -o {}; use one of: {}",
            kind.name(),
            names.join(", ")
        )))
    }

    /// Sends diagnostics to stderr at kubectl's `-v` levels: 1-3 what the command
    /// does and how long it took, 4-5 our own debugging, 6 one line per API request
    /// (method, URL, status, time), 8 with the bodies cut at 1 KiB, 9 whole bodies;
    /// bodies are redacted ([`crate::kube::trace`]). Never the HTTP stack's own
    /// TRACE lines. `RUST_LOG` overrides the filter. Harmless when called twice.
    pub(crate) fn init_logging(&self) {
        let filter = match self.verbose {
            // Library logs (kube's connection errors) would repeat the one-line error;
            // our own warnings (an object left out of a list) always show.
            0 => "kubectl_dp=warn",
            1..=3 => "kubectl_dp=info",
            _ => "kubectl_dp=debug",
        };
        crate::kube::trace::set_level(self.verbose);
        let filter = tracing_subscriber::EnvFilter::try_from_env("RUST_LOG")
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(filter));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(|| {
                crate::redact::Redacting::new(crate::render::terminal::SafeWriter::new(
                    std::io::stderr(),
                ))
            })
            // A closed stderr (`2>&1 | head -1`) must not make tracing eprint! and panic.
            .log_internal_errors(false)
            .with_ansi(self.color.enabled())
            .with_target(false)
            .without_time()
            .try_init();
        tracing::info!(
            "{} {} (verbosity {})",
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_VERSION"),
            self.verbose
        );
    }
}

/// Rewrites kubectl's verbosity forms (`-v=6`, `--v=6`, `-v6`, `--verbose=6`) into
/// the repeated `-v` clap counts; every other argument passes through unchanged.
/// Arguments after `--` are left alone.
pub fn normalize_args<I, S>(args: I) -> Vec<std::ffi::OsString>
where
    I: IntoIterator<Item = S>,
    S: Into<std::ffi::OsString>,
{
    let mut out = Vec::new();
    let mut verbatim = false;
    for arg in args {
        let arg: std::ffi::OsString = arg.into();
        if verbatim {
            out.push(arg);
            continue;
        }
        let text = arg.to_string_lossy();
        if text == "--" {
            verbatim = true;
            out.push(arg);
            continue;
        }
        let level = ["-v=", "--v=", "--verbose=", "-v"]
            .iter()
            .find_map(|prefix| text.strip_prefix(prefix))
            .filter(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
            .map(|digits| digits.parse::<u32>().unwrap_or(u32::MAX).min(9));
        match level {
            Some(0) => {}
            Some(n) => out.push(format!("-{}", "v".repeat(n as usize)).into()),
            None => out.push(arg),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_verbosity_forms() {
        let norm = |args: &[&str]| -> Vec<String> {
            normalize_args(args.iter().copied())
                .into_iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(norm(&["x", "-v=6"]), ["x", "-vvvvvv"]);
        assert_eq!(norm(&["x", "--v=2"]), ["x", "-vv"]);
        assert_eq!(norm(&["x", "-v3"]), ["x", "-vvv"]);
        assert_eq!(norm(&["x", "--verbose=1"]), ["x", "-v"]);
        assert_eq!(norm(&["x", "-v=0"]), ["x"]);
        assert_eq!(norm(&["x", "-vv", "-v"]), ["x", "-vv", "-v"]);
        assert_eq!(norm(&["x", "--", "-v=6"]), ["x", "--", "-v=6"]);
        assert_eq!(norm(&["x", "-v=99"]), ["x", "-vvvvvvvvv"]);
    }

    #[test]
    fn unsupported_formats_are_refused_in_one_line() {
        let args = OutputArgs {
            format: OutputFormat::Csv,
            ..OutputArgs::default()
        };
        let err = args
            .accept("tune apply", &[FormatKind::Table])
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "`kubectl dp tune apply` cannot write -o csv; use one of: table"
        );
        assert!(args.accept("quota", &[FormatKind::Csv]).is_ok());
    }
}
