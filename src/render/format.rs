//! `-o`: what the user asked for, parsed once; the same name means the same
//! thing in every command (docs/flags.md).

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
    /// SARIF 2.1.0, for code-review tools (GitHub code scanning, GitLab).
    Sarif,
    /// JUnit XML, for CI test reports.
    Junit,
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
    /// `-o sarif`.
    Sarif,
    /// `-o junit`.
    Junit,
}

impl FormatKind {
    /// The structured formats every report offers: the envelope as JSON, YAML or a JSONPath.
    #[cfg(test)] // only the tests use it
    pub(crate) const STRUCTURED: [FormatKind; 3] =
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
            FormatKind::Sarif => "sarif",
            FormatKind::Junit => "junit",
        }
    }
}

impl OutputFormat {
    /// Parses an `-o` value: `table`, `wide`, `json`, `yaml`, `csv`, `diff`,
    /// `name`, `sarif`, `junit`, or `jsonpath=EXPR` (kubectl's `{.a.b}` or RFC 9535's `$.a.b`).
    pub fn parse(text: &str) -> std::result::Result<OutputFormat, String> {
        let format = match text {
            "table" => OutputFormat::Table,
            "wide" => OutputFormat::Wide,
            "json" => OutputFormat::Json,
            "yaml" => OutputFormat::Yaml,
            "csv" => OutputFormat::Csv,
            "diff" => OutputFormat::Diff,
            "name" => OutputFormat::Name,
            "sarif" => OutputFormat::Sarif,
            "junit" => OutputFormat::Junit,
            _ => match text.split_once('=') {
                Some(("jsonpath", expr)) if !expr.trim().is_empty() => {
                    OutputFormat::JsonPath(expr.to_string())
                }
                Some(("jsonpath", _)) => {
                    return Err("jsonpath needs an expression, e.g. -o jsonpath='{.kind}'".into());
                }
                _ => {
                    return Err(format!(
                        "'{text}' is not an output format (table, wide, json, yaml, csv, diff, name, jsonpath=EXPR, sarif, junit)"
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
            OutputFormat::Sarif => FormatKind::Sarif,
            OutputFormat::Junit => FormatKind::Junit,
        }
    }

    /// JSON, YAML or JSONPath: written from the report envelope by [`crate::render::structured`].
    #[cfg(test)] // only the tests use it
    pub(crate) fn is_structured(&self) -> bool {
        FormatKind::STRUCTURED.contains(&self.kind())
    }

    /// `-o wide`.
    pub(crate) fn is_wide(&self) -> bool {
        *self == OutputFormat::Wide
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
