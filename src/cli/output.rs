//! The output flags every command shares (`-o`, `--color`, `-v`, `--fail-on`,
//! `--no-headers`) and how a command declares which `-o` values it can honour.
//!
//! A command flattens [`OutputArgs`] into its clap struct, calls
//! [`OutputArgs::start`] once (logging, palette) and [`OutputArgs::accept`] with
//! the formats it supports, so an unsupported `-o` is refused with one line
//! instead of being ignored.

use clap::Args;

use crate::error::{Error, Result};
use crate::findings::Severity;

use super::color::{ColorChoice, Palette};

/// What `-o` asked for. The same name means the same thing in every command.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// A table for people.
    #[default]
    Table,
    /// The table with more columns, and every object of a grouped finding.
    Wide,
    /// The report envelope as JSON (docs/schema.md).
    Json,
    /// The report envelope as YAML, same schema as JSON.
    Yaml,
    /// One row per item, comma-separated, for spreadsheets.
    Csv,
    /// A unified diff of what the command would change.
    Diff,
    /// `kind/name` of each listed object, one a line (kubectl's `-o name`).
    Name,
    /// kubectl's `-o jsonpath=EXPR`, applied to the JSON envelope.
    JsonPath(String),
}

/// The name of an `-o` value without its argument: what a command declares it supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormatKind {
    /// `-o table` (the default).
    Table,
    /// `-o wide`.
    Wide,
    /// `-o json`.
    Json,
    /// `-o yaml`.
    Yaml,
    /// `-o csv`.
    Csv,
    /// `-o diff`.
    Diff,
    /// `-o name`.
    Name,
    /// `-o jsonpath=...`.
    JsonPath,
}

impl FormatKind {
    /// The structured formats every report offers: the envelope as JSON, YAML or a JSONPath.
    pub const STRUCTURED: [FormatKind; 3] =
        [FormatKind::Json, FormatKind::Yaml, FormatKind::JsonPath];

    /// How the user types it.
    pub fn name(self) -> &'static str {
        match self {
            FormatKind::Table => "table",
            FormatKind::Wide => "wide",
            FormatKind::Json => "json",
            FormatKind::Yaml => "yaml",
            FormatKind::Csv => "csv",
            FormatKind::Diff => "diff",
            FormatKind::Name => "name",
            FormatKind::JsonPath => "jsonpath=EXPR",
        }
    }
}

impl OutputFormat {
    /// Parses an `-o` value: `table`, `wide`, `json`, `yaml`, `csv`, `diff`,
    /// `name`, or `jsonpath=EXPR` (kubectl's `{.a.b}` or RFC 9535's `$.a.b`).
    pub fn parse(text: &str) -> std::result::Result<OutputFormat, String> {
        let format = match text {
            "table" => OutputFormat::Table,
            "wide" => OutputFormat::Wide,
            "json" => OutputFormat::Json,
            "yaml" => OutputFormat::Yaml,
            "csv" => OutputFormat::Csv,
            "diff" => OutputFormat::Diff,
            "name" => OutputFormat::Name,
            _ => match text.split_once('=') {
                Some(("jsonpath", expr)) if !expr.trim().is_empty() => {
                    OutputFormat::JsonPath(expr.to_string())
                }
                Some(("jsonpath", _)) => {
                    return Err("jsonpath needs an expression, e.g. -o jsonpath='{.kind}'".into());
                }
                _ => {
                    return Err(format!(
                        "'{text}' is not an output format (table, wide, json, yaml, csv, diff, name, jsonpath=EXPR)"
                    ));
                }
            },
        };
        Ok(format)
    }

    /// The format's name without its argument.
    pub fn kind(&self) -> FormatKind {
        match self {
            OutputFormat::Table => FormatKind::Table,
            OutputFormat::Wide => FormatKind::Wide,
            OutputFormat::Json => FormatKind::Json,
            OutputFormat::Yaml => FormatKind::Yaml,
            OutputFormat::Csv => FormatKind::Csv,
            OutputFormat::Diff => FormatKind::Diff,
            OutputFormat::Name => FormatKind::Name,
            OutputFormat::JsonPath(_) => FormatKind::JsonPath,
        }
    }

    /// JSON, YAML or JSONPath: written from the report envelope by [`crate::render::structured`].
    pub fn is_structured(&self) -> bool {
        FormatKind::STRUCTURED.contains(&self.kind())
    }

    /// `-o wide`.
    pub fn is_wide(&self) -> bool {
        *self == OutputFormat::Wide
    }
}

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

    /// Say more on stderr (-v what was done, -vv every API request, -vvv everything; kubectl's -v=N works too)
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
    /// Starts logging, applies `--no-headers` to every table and resolves colour: call once at the top of a command's `run`.
    pub fn start(&self) -> Palette {
        self.init_logging();
        crate::render::show_headers(!self.no_headers);
        self.palette()
    }

    /// The palette `--color` asks for.
    pub fn palette(&self) -> Palette {
        Palette::new(self.color.enabled())
    }

    /// `--fail-on`, or the command's own default when not given.
    pub fn fail_on_or(&self, default: Severity) -> Severity {
        self.fail_on.unwrap_or(default)
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

    /// Sends diagnostics to stderr at the level `-v` asks for: `-v` what the command
    /// did and how long it took, `-vv` every API request, `-vvv` everything.
    /// `RUST_LOG` overrides. Harmless when called twice.
    pub fn init_logging(&self) {
        let filter = match self.verbose {
            // Library logs (kube's connection errors) would repeat the one-line error;
            // our own warnings (an object left out of a list) always show.
            0 => "kubectl_dp=warn",
            1 => "kubectl_dp=info",
            2 => "kubectl_dp=debug,kube_client=debug",
            _ => "trace",
        };
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
            .with_target(self.verbose > 1)
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

/// Parses the process's arguments into a command's clap struct, after
/// [`normalize_args`]: what every binary's `main` calls.
pub fn parse<P: clap::Parser>() -> P {
    P::parse_from(normalize_args(std::env::args_os()))
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
    fn output_values() {
        assert_eq!(OutputFormat::parse("wide"), Ok(OutputFormat::Wide));
        assert_eq!(
            OutputFormat::parse("jsonpath={.kind}"),
            Ok(OutputFormat::JsonPath("{.kind}".into()))
        );
        assert!(OutputFormat::parse("jsonpath=").is_err());
        assert!(OutputFormat::parse("xml").is_err());
        assert!(OutputFormat::Json.is_structured());
        assert!(!OutputFormat::Csv.is_structured());
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
