//! Turning reports into text: tables for people, JSON and YAML for machines.
//! Everything writes into a caller-supplied writer; the library never prints.
//!
//! Every command's result goes out through [`emit`] ([`report`]): one place
//! decides the format (`-o`), the envelope and the exit code.

pub mod diff;
pub mod envelope;
pub mod findings;
pub mod format;
pub mod junit;
pub mod palette;
pub mod report;
pub mod sarif;
pub mod terminal;

pub use envelope::{API_VERSION, Envelope, Metadata, structured};
pub use format::{FormatKind, OutputFormat};
pub use palette::Palette;
pub use report::{Output, Report, Unread, View, emit, exit_for, write};

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use tabled::builder::Builder;
use tabled::settings::{Padding, Style};

use crate::error::{Error, Result};

/// Writes `value` as pretty JSON and a newline.
pub fn json<T: Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(|e| Error::Output(e.into()))?;
    writeln!(out)?;
    Ok(())
}

/// Writes `value` as YAML.
pub fn yaml<T: Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    out.write_all(yaml_string(value)?.as_bytes())?;
    Ok(())
}

/// `value` as YAML text (for files, diffs and ConfigMap data).
pub(crate) fn yaml_string<T: Serialize>(value: &T) -> Result<String> {
    serde_saphyr::to_string(value).map_err(|e| Error::Output(std::io::Error::other(e.to_string())))
}

/// Whether tables print their header row; `--no-headers` turns it off for the
/// whole command (`cli::OutputArgs::start` sets it once).
static HEADERS: AtomicBool = AtomicBool::new(true);

/// Turns table header rows on or off for every table the command writes.
pub(crate) fn show_headers(shown: bool) {
    HEADERS.store(shown, Ordering::Relaxed);
}

/// A kubectl-style table: upper-case headers, no borders, two spaces between
/// columns; without the header row under `--no-headers` (same column widths).
pub fn table(out: &mut dyn Write, headers: &[&str], rows: Vec<Vec<String>>) -> Result<()> {
    let headers_shown = HEADERS.load(Ordering::Relaxed);
    let mut builder = Builder::default();
    builder.push_record(headers.iter().map(|h| h.to_string()));
    for row in rows {
        // Cells carry cluster data: no control or bidi character reaches the terminal.
        builder.push_record(
            row.into_iter()
                .map(|cell| terminal::escape_cell(&cell).into_owned()),
        );
    }
    let mut table = builder.build();
    table.with(Style::blank()).with(Padding::new(0, 1, 0, 0));
    for line in table.to_string().lines().skip(usize::from(!headers_shown)) {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Guards a CSV cell against formula injection (OWASP): a leading `= + - @`
/// (or tab/CR) gets a `'` in front; cells with separators or quotes are quoted.
pub(crate) fn csv_cell(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) || guarded != text {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// `1 finding`, `2 findings`, `0 findings`: a count with its noun.
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// kubectl's age format: `45s`, `12m`, `3h`, `5d`.
pub fn age(seconds: i64) -> String {
    match seconds {
        s if s < 120 => format!("{s}s"),
        s if s < 2 * 3600 => format!("{}m", s / 60),
        s if s < 48 * 3600 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86400),
    }
}

/// A bar for a percentage, `[#####-----]`, for usage columns.
pub fn bar(fraction: f64, width: usize) -> String {
    let filled = ((fraction.clamp(0.0, 1.0) * width as f64).round() as usize).min(width);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(width - filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_the_right_noun() {
        assert_eq!(count(1, "finding", "findings"), "1 finding");
        assert_eq!(count(0, "finding", "findings"), "0 findings");
        assert_eq!(count(2, "secret", "secrets"), "2 secrets");
    }

    #[test]
    fn ages() {
        assert_eq!(age(5), "5s");
        assert_eq!(age(600), "10m");
        assert_eq!(age(3 * 3600), "3h");
        assert_eq!(age(3 * 86400), "3d");
    }

    #[test]
    fn tables_align_without_borders() {
        let mut out = Vec::new();
        table(
            &mut out,
            &["NAME", "STATE"],
            vec![vec!["trino".into(), "ok".into()]],
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "NAME   STATE\ntrino  ok\n");
    }

    #[test]
    fn csv_cells_cannot_be_formulas() {
        assert_eq!(csv_cell("=cmd|' /C calc'!A0"), "\"'=cmd|' /C calc'!A0\"");
        assert_eq!(csv_cell("-5"), "\"'-5\"");
        assert_eq!(csv_cell("@x"), "\"'@x\"");
        assert_eq!(csv_cell("+1"), "\"'+1\"");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("plain"), "plain");
    }

    #[test]
    fn bars() {
        assert_eq!(bar(0.5, 10), "[#####-----]");
        assert_eq!(bar(1.7, 4), "[####]");
    }
}
