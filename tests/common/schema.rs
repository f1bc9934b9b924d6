//! A small JSON Schema checker for the report schemas in docs/schema/: `type`
//! (one or a list), `required`, `properties`, `additionalProperties` (a schema or
//! `false`), `items`, `minItems`, `minimum`, `enum`, `const`, `anyOf` and local
//! `$ref`s (`#/$defs/...`), and for the SARIF 2.1.0 schema (tests/lint/) also
//! `oneOf`, `maximum`, `uniqueItems`, `pattern` and the `uri`/`uri-reference`
//! formats. That is every keyword those files use; the full `jsonschema` crate
//! would add minutes of build time on the test machines for keywords we do not use.

use serde_json::Value;

/// Every place `value` breaks `schema`, as `path: problem` lines (empty = valid).
pub fn violations(schema: &Value, value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    check(schema, schema, value, "$", &mut found);
    found
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "null" => value.is_null(),
        _ => false,
    }
}

fn check(root: &Value, schema: &Value, value: &Value, path: &str, found: &mut Vec<String>) {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let target = reference
            .strip_prefix("#/")
            .map(|p| p.split('/').fold(root, |node, key| &node[key]))
            .unwrap_or(&Value::Null);
        assert!(!target.is_null(), "schema: unresolved $ref {reference}");
        return check(root, target, value, path, found);
    }
    if let Some(choices) = schema.get("anyOf").and_then(Value::as_array) {
        let fits = choices.iter().any(|choice| {
            let mut problems = Vec::new();
            check(root, choice, value, path, &mut problems);
            problems.is_empty()
        });
        if !fits {
            found.push(format!("{path}: {value} matches none of anyOf"));
        }
    }
    if let Some(choices) = schema.get("oneOf").and_then(Value::as_array) {
        let fitting = choices
            .iter()
            .filter(|choice| {
                let mut problems = Vec::new();
                check(root, choice, value, path, &mut problems);
                problems.is_empty()
            })
            .count();
        if fitting != 1 {
            found.push(format!("{path}: {value} matches {fitting} of oneOf, not 1"));
        }
    }
    check_bounds(schema, value, path, found);
    if let Some(types) = schema.get("type") {
        let names: Vec<&str> = match types {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !names.iter().any(|t| type_matches(t, value)) {
            found.push(format!("{path}: expected {}, got {value}", names.join("|")));
            return;
        }
    }
    if let Some(expected) = schema.get("const")
        && expected != value
    {
        found.push(format!("{path}: expected {expected}, got {value}"));
    }
    if let Some(choices) = schema.get("enum").and_then(Value::as_array)
        && !choices.contains(value)
    {
        found.push(format!("{path}: {value} is not one of {choices:?}"));
    }
    if let Some(object) = value.as_object() {
        check_object(root, schema, object, path, found);
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, item) in array.iter().enumerate() {
            check(root, items, item, &format!("{path}[{i}]"), found);
        }
    }
}

/// The bounds that need no recursion: maximum, uniqueItems, pattern, format,
/// minimum, minItems.
fn check_bounds(schema: &Value, value: &Value, path: &str, found: &mut Vec<String>) {
    if let (Some(maximum), Some(number)) = (
        schema.get("maximum").and_then(Value::as_f64),
        value.as_f64(),
    ) && number > maximum
    {
        found.push(format!("{path}: {number} is above the maximum {maximum}"));
    }
    if schema.get("uniqueItems") == Some(&Value::Bool(true))
        && let Some(array) = value.as_array()
        && (1..array.len()).any(|i| array[..i].contains(&array[i]))
    {
        found.push(format!("{path}: items are not unique"));
    }
    if let (Some(pattern), Some(text)) = (
        schema.get("pattern").and_then(Value::as_str),
        value.as_str(),
    ) && !regex::Regex::new(pattern)
        .expect("schema pattern is a regex")
        .is_match(text)
    {
        found.push(format!("{path}: {text:?} does not match {pattern}"));
    }
    if let (Some(format), Some(text)) =
        (schema.get("format").and_then(Value::as_str), value.as_str())
        && !format_matches(format, text)
    {
        found.push(format!("{path}: {text:?} is not a {format}"));
    }
    if let (Some(minimum), Some(number)) = (
        schema.get("minimum").and_then(Value::as_f64),
        value.as_f64(),
    ) && number < minimum
    {
        found.push(format!("{path}: {number} is below the minimum {minimum}"));
    }
    if let (Some(least), Some(array)) = (
        schema.get("minItems").and_then(Value::as_u64),
        value.as_array(),
    ) && (array.len() as u64) < least
    {
        found.push(format!("{path}: fewer than {least} items"));
    }
}

/// An object: its required fields, and each field against its property's schema
/// or `additionalProperties`.
fn check_object(
    root: &Value,
    schema: &Value,
    object: &serde_json::Map<String, Value>,
    path: &str,
    found: &mut Vec<String>,
) {
    for key in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !object.contains_key(key) {
            found.push(format!("{path}: missing required field {key}"));
        }
    }
    let properties = schema.get("properties").and_then(Value::as_object);
    for (key, field) in object {
        let sub = format!("{path}.{key}");
        match properties.and_then(|p| p.get(key)) {
            Some(field_schema) => check(root, field_schema, field, &sub, found),
            None => match schema.get("additionalProperties") {
                Some(Value::Bool(false)) => found.push(format!("{sub}: unexpected field")),
                Some(extra) if extra.is_object() => check(root, extra, field, &sub, found),
                _ => {}
            },
        }
    }
}

/// RFC 3986's shape for the formats the schemas use: a URI has a scheme; no
/// URI (reference) holds a blank or a character that must be percent-encoded.
fn format_matches(format: &str, text: &str) -> bool {
    let clean = !text
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(c));
    match format {
        "uri" => {
            clean
                && regex::Regex::new("^[A-Za-z][A-Za-z0-9+.-]*:")
                    .unwrap()
                    .is_match(text)
        }
        "uri-reference" => clean,
        _ => true,
    }
}

/// Loads docs/schema/<kind>.json.
pub fn load(kind: &str) -> Value {
    let path = super::repo_root().join(format!("docs/schema/{kind}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("no schema for kind {kind} at {}: {e}", path.display()));
    serde_json::from_str(&text).expect("schema is JSON")
}

/// Panics with every violation when `report` does not match the schema of its `kind`.
pub fn assert_valid(report: &Value) {
    let kind = report["kind"].as_str().expect("report has a kind");
    let problems = violations(&load(kind), report);
    assert!(
        problems.is_empty(),
        "{kind} does not match docs/schema/{kind}.json:\n{}",
        problems.join("\n")
    );
}
