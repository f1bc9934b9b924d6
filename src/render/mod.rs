//! Turning reports into text: tables for people, JSON and YAML for machines.
//! Everything writes into a caller-supplied writer; the library never prints.

use std::io::Write;

use serde::Serialize;
use tabled::builder::Builder;
use tabled::settings::{Padding, Style};

use crate::error::{Error, Result};

pub fn json<T: Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(|e| Error::Output(e.into()))?;
    writeln!(out)?;
    Ok(())
}

pub fn yaml<T: Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    let text = serde_saphyr::to_string(value)
        .map_err(|e| Error::Output(std::io::Error::other(e.to_string())))?;
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// A kubectl-style table: upper-case headers, no borders, two spaces between columns.
pub fn table(out: &mut dyn Write, headers: &[&str], rows: Vec<Vec<String>>) -> Result<()> {
    let mut builder = Builder::default();
    builder.push_record(headers.iter().map(|h| h.to_string()));
    for row in rows {
        builder.push_record(row);
    }
    let mut table = builder.build();
    table.with(Style::blank()).with(Padding::new(0, 1, 0, 0));
    for line in table.to_string().lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
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
    fn bars() {
        assert_eq!(bar(0.5, 10), "[#####-----]");
        assert_eq!(bar(1.7, 4), "[####]");
    }
}
