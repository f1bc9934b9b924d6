//! Whether an alert's label or annotation parses as Prometheus parses it: a Go
//! `text/template` with Prometheus' functions and the variables `$labels`,
//! `$externalLabels`, `$externalURL` and `$value` defined (rulefmt's
//! `testTemplateParsing`). What Go's parser refuses, and this checks: an
//! action or comment never closed, an unterminated string, unbalanced
//! parentheses, an empty action, a function that is not defined, a variable
//! never declared, and `if`/`range`/`with`/`define`/`block` without their
//! `{{end}}` (or an `{{end}}`/`{{else}}` without them). Messages follow Go's.

use std::collections::BTreeSet;

/// Go's builtins and Prometheus' template functions (template/template.go;
/// the newer ones too, so that a current Prometheus is never contradicted).
const FUNCTIONS: &[&str] = &[
    "and",
    "call",
    "html",
    "index",
    "slice",
    "js",
    "len",
    "not",
    "or",
    "print",
    "printf",
    "println",
    "urlquery",
    "eq",
    "ge",
    "gt",
    "le",
    "lt",
    "ne",
    "query",
    "first",
    "label",
    "value",
    "strvalue",
    "args",
    "reReplaceAll",
    "safeHtml",
    "match",
    "title",
    "toUpper",
    "toLower",
    "graphLink",
    "tableLink",
    "sortByLabel",
    "stripPort",
    "stripDomain",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "toTime",
    "toDuration",
    "now",
    "pathPrefix",
    "externalURL",
    "parseDuration",
    "urlQueryEscape",
];

/// Words Go's template parser reads as keywords or constants.
const KEYWORDS: &[&str] = &[
    "if", "else", "end", "range", "with", "define", "block", "template", "break", "continue",
    "nil", "true", "false",
];

/// Opens a block that `{{end}}` closes.
const BLOCKS: &[&str] = &["if", "range", "with", "define", "block"];

/// `Ok` when `text` parses, else Go's message (without the template name).
pub(crate) fn check(text: &str) -> Result<(), String> {
    let mut variables: BTreeSet<String> =
        ["$", "$labels", "$externalLabels", "$externalURL", "$value"]
            .iter()
            .map(|v| v.to_string())
            .collect();
    let mut blocks: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let line_here = line_of(text, text.len() - rest.len() + open);
        let after = &rest[open + 2..];
        let body_start = after.strip_prefix("- ").unwrap_or(after);
        if body_start.trim_start().starts_with("/*") {
            let Some(close) = body_start.find("*/") else {
                return Err(format!("{line_here}: unclosed comment"));
            };
            let tail = body_start[close + 2..].trim_start_matches(' ');
            let tail = tail.strip_prefix('-').map_or(tail, |t| t.trim_start());
            let Some(tail) = tail.strip_prefix("}}") else {
                return Err(format!(
                    "{line_here}: comment ends before closing delimiter"
                ));
            };
            rest = tail;
            continue;
        }
        let (action, tail) = split_action(body_start).map_err(|e| format!("{line_here}: {e}"))?;
        check_action(action, &mut variables, &mut blocks)
            .map_err(|e| format!("{line_here}: {e}"))?;
        rest = tail;
    }
    if let Some(open) = blocks.last() {
        return Err(format!(
            "{}: unexpected EOF (a {{{{{open}}}}} without its {{{{end}}}})",
            line_of(text, text.len())
        ));
    }
    Ok(())
}

/// The line of byte `at` in the template as Prometheus numbers it: the four
/// variable definitions it prepends sit on line 1 with the text.
fn line_of(text: &str, at: usize) -> usize {
    1 + text[..at].matches('\n').count()
}

/// The action's text up to its closing `}}` (or ` -}}`), and what follows it.
fn split_action(body: &str) -> Result<(&str, &str), String> {
    let bytes = body.as_bytes();
    let mut i = 0;
    let mut depth = 0i32;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'`' | b'\'' => {
                let quote = bytes[i];
                i += 1;
                loop {
                    if i >= bytes.len() || (quote != b'`' && bytes[i] == b'\n') {
                        return Err(match quote {
                            b'"' => "unterminated quoted string".into(),
                            b'`' => "unterminated raw quoted string".into(),
                            _ => "unterminated character constant".into(),
                        });
                    }
                    if bytes[i] == b'\\' && quote != b'`' {
                        i += 2;
                        continue;
                    }
                    if bytes[i] == quote {
                        break;
                    }
                    i += 1;
                }
            }
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth < 0 {
                    return Err("unexpected right paren".into());
                }
            }
            b'}' if body[i..].starts_with("}}") => {
                if depth > 0 {
                    return Err("unclosed left paren".into());
                }
                let action = body[..i].trim_end();
                let action = action
                    .strip_suffix(" -")
                    .or_else(|| (action == "-").then_some(""))
                    .unwrap_or(action);
                return Ok((action, &body[i + 2..]));
            }
            _ => {}
        }
        i += 1;
    }
    Err("unclosed action".into())
}

/// One action's words: keywords kept in step with `blocks`, every function
/// defined, every variable declared before it is used.
fn check_action(
    action: &str,
    variables: &mut BTreeSet<String>,
    blocks: &mut Vec<&'static str>,
) -> Result<(), String> {
    let words = words(action);
    let Some(first) = words.first() else {
        return Err("missing value for command".into());
    };
    match first.as_str() {
        "end" => {
            if blocks.pop().is_none() {
                return Err("unexpected {{end}}".into());
            }
        }
        "else" => {
            if !matches!(blocks.last(), Some(&"if" | &"range" | &"with")) {
                return Err("unexpected {{else}}".into());
            }
        }
        keyword => {
            if let Some(block) = BLOCKS.iter().find(|b| **b == keyword) {
                if words.len() == 1 {
                    return Err(format!("missing value for {keyword}"));
                }
                blocks.push(block);
            }
        }
    }
    // Declarations (`$x :=`, `$i, $x := range`) count from here on.
    if let Some(declare) = words.iter().position(|w| w == ":=" || w == "=") {
        for word in &words[..declare] {
            if word.starts_with('$') {
                variables.insert(word.trim_end_matches(',').to_string());
            }
        }
    }
    for word in &words {
        if let Some(name) = word.trim_end_matches(',').strip_prefix('$') {
            let variable = format!("${}", name.split('.').next().unwrap_or_default());
            if !variables.contains(&variable) {
                return Err(format!("undefined variable {variable:?}"));
            }
            continue;
        }
        let head = word.split('.').next().unwrap_or_default();
        let identifier = head
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && head.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if identifier && !KEYWORDS.contains(&head) && !FUNCTIONS.contains(&head) {
            return Err(format!("function {head:?} not defined"));
        }
    }
    Ok(())
}

/// The action's words outside quotes, split at spaces, pipes, parentheses and
/// commas (`:=` and `=` stay words of their own).
fn words(action: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut chars = action.chars().peekable();
    let flush = |word: &mut String, out: &mut Vec<String>| {
        if !word.is_empty() {
            out.push(std::mem::take(word));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' | '`' | '\'' => {
                flush(&mut word, &mut out);
                let mut escaped = false;
                for q in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if q == '\\' && c != '`' {
                        escaped = true;
                    } else if q == c {
                        break;
                    }
                }
                out.push("\"\"".into());
            }
            ' ' | '\t' | '\n' | '\r' | '|' | '(' | ')' => flush(&mut word, &mut out),
            ',' => {
                word.push(',');
                flush(&mut word, &mut out);
            }
            ':' if chars.peek() == Some(&'=') => {
                chars.next();
                flush(&mut word, &mut out);
                out.push(":=".into());
            }
            '=' => {
                flush(&mut word, &mut out);
                out.push("=".into());
            }
            _ => word.push(c),
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn what_prometheus_templates_accept() {
        for ok in [
            "plain text, no action",
            "{{ $labels.instance }} is down",
            "{{ $value | humanizePercentage }} of {{ $labels.pod }}",
            "{{ printf \"%.2f\" $value }}",
            "{{- if gt $value 0.9 -}} high {{- else -}} low {{- end -}}",
            "{{ range $i, $s := query \"up\" }}{{ $i }} {{ $s.Value }}{{ end }}",
            "{{ with $labels.namespace }}ns {{ . }}{{ end }}",
            "{{/* a comment */}}text{{- /* trimmed */ -}}",
            "{{ $x := 5 }}{{ $x }}",
            "{{ \"}}\" }}",
            "{{ humanize (value (first (query \"up\"))) }}",
            "{{ .Labels.job }} {{ .Value }}",
            "{{ $externalURL }}/graph",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn what_go_refuses_with_its_message() {
        for (bad, message) in [
            ("{{ $labels.instance is down", "1: unclosed action"),
            ("{{ $label.instance }}", "1: undefined variable \"$label\""),
            (
                "{{ $value | humanise }}",
                "1: function \"humanise\" not defined",
            ),
            ("{{ if gt $value 1 }}high", "1: unexpected EOF"),
            ("low{{ end }}", "1: unexpected {{end}}"),
            ("{{ else }}", "1: unexpected {{else}}"),
            ("{{ }}", "1: missing value for command"),
            ("{{ printf \"%s }}", "1: unterminated quoted string"),
            ("{{ humanize (value $value }}", "1: unclosed left paren"),
            ("{{ humanize $value) }}", "1: unexpected right paren"),
            ("{{ if }}x{{ end }}", "1: missing value for if"),
            ("{{/* never closed", "1: unclosed comment"),
            ("line one\n{{ nope }}", "2: function \"nope\" not defined"),
        ] {
            let error = check(bad).unwrap_err();
            assert!(error.starts_with(message), "{bad}: {error}");
        }
    }
}
