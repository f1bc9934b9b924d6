//! Trino's value readers, as the JVM runs them: airlift's `DataSize.valueOf`
//! and `Duration.valueOf` (units 1.10, the release Trino 476 ships), Java's
//! `Integer`/`Long.valueOf`, `Double.valueOf` and `Float.parseFloat`, and the
//! configuration binder's boolean and enum rules (airlift 336,
//! `ConfigurationFactory.coerce`). Each returns what Java would hold, or why
//! it throws. Text with non-ASCII digits is [`Reading::Unjudged`]: Java's
//! `Character.digit` reads them and this module does not try to.

/// The units `DataSize` knows, exactly as written (`kB`, not `KB`), and their bytes.
pub(crate) const DATA_SIZE_UNITS: &[(&str, u64)] = &[
    ("B", 1),
    ("kB", 1 << 10),
    ("MB", 1 << 20),
    ("GB", 1 << 30),
    ("TB", 1 << 40),
    ("PB", 1 << 50),
];

/// The units `Duration` knows and their milliseconds (`Duration.millisPerTimeUnit`).
pub(crate) const DURATION_UNITS: &[(&str, f64)] = &[
    ("ns", 1.0 / 1_000_000.0),
    ("us", 1.0 / 1000.0),
    ("ms", 1.0),
    ("s", 1000.0),
    ("m", 60_000.0),
    ("h", 3_600_000.0),
    ("d", 86_400_000.0),
];

/// What a reader made of a text.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading<T> {
    /// Java holds this value.
    Value(T),
    /// Java throws: why, in words.
    Refused(String),
    /// Not judged (non-ASCII digits, a hexadecimal double).
    Unjudged,
}

fn has_foreign_digit(text: &str) -> bool {
    text.chars().any(|c| !c.is_ascii() && c.is_numeric())
}

/// Java's `\s` (`[ \t\n\x0B\f\r]`), what airlift's patterns allow around a value.
fn is_java_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// airlift's `^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$`: the number and the unit.
fn number_and_unit(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_matches(is_java_space);
    // The unit is the trailing ASCII letters; what precedes them may hold any
    // character (cut on a character boundary, never inside one).
    let number = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &text[number.len()..];
    let number = number.trim_end_matches(is_java_space);
    if unit.is_empty() || number.is_empty() {
        return None;
    }
    let (whole, fraction) = match number.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (number, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(whole) && fraction.is_none_or(digits)).then_some((number, unit))
}

/// airlift `DataSize.valueOf`: bytes. Units are case-sensitive (`kB`, `MB`…, a
/// power of 1024 each); a whole number must fit a `long` once multiplied, a
/// decimal one is rounded half up and may reach 2^63 − 1.
pub(crate) fn data_size(text: &str) -> Reading<u64> {
    if text.is_empty() {
        return Reading::Refused("is empty".into());
    }
    if has_foreign_digit(text) {
        return Reading::Unjudged;
    }
    // The fast path: `<digits>B` of at most 20 characters, no sign.
    if (2..=20).contains(&text.len())
        && !text.starts_with('+')
        && let Some(digits) = text.strip_suffix('B')
        && let Ok(bytes) = digits.parse::<i64>()
        && bytes >= 0
    {
        return Reading::Value(bytes as u64);
    }
    let Some((number, unit)) = number_and_unit(text) else {
        return Reading::Refused("is not a number followed by a unit".into());
    };
    let Some(&(_, unit_bytes)) = DATA_SIZE_UNITS.iter().find(|(u, _)| *u == unit) else {
        return Reading::Refused(format!("has the unknown unit '{unit}'"));
    };
    if !number.contains('.') {
        return match number.parse::<i64>() {
            Ok(n) => match n.checked_mul(unit_bytes as i64) {
                Some(bytes) => Reading::Value(bytes as u64),
                None => Reading::Refused("is too large (more than 2^63 − 1 bytes)".into()),
            },
            Err(_) => Reading::Refused("is too large (more than 2^63 − 1 bytes)".into()),
        };
    }
    let size: f64 = number.parse().unwrap_or(f64::INFINITY);
    let rounded = (size / (1.0 / unit_bytes as f64) + 0.5).floor();
    // Java compares with Long.MAX_VALUE as a double (2^63), then casts, which saturates.
    if !rounded.is_finite() || rounded > i64::MAX as f64 {
        return Reading::Refused("is too large (more than 2^63 − 1 bytes)".into());
    }
    Reading::Value((rounded as i64) as u64)
}

/// A `Duration`: the number as a double and its unit's milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Duration {
    /// The number written.
    pub(crate) value: f64,
    /// Milliseconds per unit.
    pub(crate) unit_millis: f64,
}

impl Duration {
    /// `getValue(MILLISECONDS)`, what `compareTo` compares.
    pub(crate) fn millis(&self) -> f64 {
        self.value * (self.unit_millis * 1.0 / 1.0)
    }
}

/// airlift `Duration.valueOf`: units `ns us ms s m h d`, case-sensitive; the
/// number is read as a double and must be finite.
pub(crate) fn duration(text: &str) -> Reading<Duration> {
    if text.is_empty() {
        return Reading::Refused("is empty".into());
    }
    if has_foreign_digit(text) {
        return Reading::Unjudged;
    }
    let Some((number, unit)) = number_and_unit(text) else {
        return Reading::Refused("is not a number followed by a unit".into());
    };
    let Some(&(_, unit_millis)) = DURATION_UNITS.iter().find(|(u, _)| *u == unit) else {
        return Reading::Refused(format!("has the unknown unit '{unit}'"));
    };
    let value: f64 = number.parse().unwrap_or(f64::INFINITY);
    if value.is_infinite() {
        return Reading::Refused("is infinite as a double".into());
    }
    Reading::Value(Duration { value, unit_millis })
}

/// `Long.parseLong(text)` (radix 10): an optional sign and ASCII digits.
pub(crate) fn java_long(text: &str) -> Reading<i64> {
    if has_foreign_digit(text) {
        return Reading::Unjudged;
    }
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Reading::Refused("is not a whole number".into());
    }
    // Rust's i64 parser takes the same sign and digits.
    match text.parse::<i64>() {
        Ok(n) => Reading::Value(n),
        Err(_) => Reading::Refused("is out of range for a long (±2^63)".into()),
    }
}

/// `Integer.valueOf(text)`.
pub(crate) fn java_int(text: &str) -> Reading<i64> {
    match java_long(text) {
        Reading::Value(n) if i32::try_from(n).is_err() => {
            Reading::Refused("is out of range for an int (−2147483648 to 2147483647)".into())
        }
        Reading::Refused(why) if why.contains("range") => {
            Reading::Refused("is out of range for an int (−2147483648 to 2147483647)".into())
        }
        other => other,
    }
}

/// `Double.valueOf(text)`: Java trims, then takes an optional sign and `NaN`,
/// `Infinity`, or decimal digits with an optional point and exponent and an
/// optional `f`/`F`/`d`/`D` suffix (hexadecimal doubles are not judged).
pub(crate) fn java_double(text: &str) -> Reading<f64> {
    if has_foreign_digit(text) {
        return Reading::Unjudged;
    }
    let text = text.trim_matches(|c: char| c <= ' ');
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let sign = if negative { -1.0 } else { 1.0 };
    match body {
        "NaN" => return Reading::Value(f64::NAN),
        "Infinity" => return Reading::Value(sign * f64::INFINITY),
        _ => {}
    }
    if body.starts_with("0x") || body.starts_with("0X") {
        return Reading::Unjudged;
    }
    let body = body.strip_suffix(['f', 'F', 'd', 'D']).unwrap_or(body);
    let (mantissa, exponent) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (body, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok =
        all_digits(whole) && all_digits(fraction) && !(whole.is_empty() && fraction.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    if !mantissa_ok || !exponent_ok {
        return Reading::Refused("is not a number".into());
    }
    let normal = format!(
        "{whole}.{fraction}0{}",
        exponent.map(|e| format!("e{e}")).unwrap_or_default()
    );
    let normal = if whole.is_empty() {
        format!("0{normal}")
    } else {
        normal
    };
    match normal.parse::<f64>() {
        Ok(v) => Reading::Value(sign * v),
        Err(_) => Reading::Value(sign * f64::INFINITY),
    }
}

/// The binder's boolean: `true` or `false`, in any case, nothing else.
pub(crate) fn boolean(text: &str) -> Reading<bool> {
    if text.eq_ignore_ascii_case("true") {
        Reading::Value(true)
    } else if text.eq_ignore_ascii_case("false") {
        Reading::Value(false)
    } else {
        Reading::Refused("is neither true nor false".into())
    }
}

/// Java's `equalsIgnoreCase` for one character of a value against an ASCII constant.
fn same_ignoring_case(value: char, constant: char) -> bool {
    let upper = |c: char| {
        let mut up = c.to_uppercase();
        match (up.next(), up.next()) {
            (Some(u), None) => u,
            _ => c,
        }
    };
    let lower = |c: char| {
        let mut low = c.to_lowercase();
        match (low.next(), low.next()) {
            (Some(l), None) => l,
            _ => c,
        }
    };
    value == constant
        || upper(value) == upper(constant)
        || lower(upper(value)) == lower(upper(constant))
}

/// The binder's enum rule: `valueOf(text.toUpperCase(ENGLISH))`, else the one
/// constant equal to the text with `-` as `_`, ignoring case (two: refused).
pub(crate) fn enum_constant<'a>(text: &str, constants: &[&'a str]) -> Reading<&'a str> {
    let upper = text.to_uppercase();
    if let Some(c) = constants.iter().find(|c| **c == upper) {
        return Reading::Value(c);
    }
    let wanted: Vec<char> = text.replace('-', "_").chars().collect();
    let matches: Vec<&&str> = constants
        .iter()
        .filter(|c| {
            c.chars().count() == wanted.len()
                && c.chars()
                    .zip(&wanted)
                    .all(|(k, v)| same_ignoring_case(*v, k))
        })
        .collect();
    match matches.as_slice() {
        [one] => Reading::Value(one),
        [] => Reading::Refused(format!("is not one of {}", constants.join(", "))),
        _ => Reading::Refused(format!("matches more than one of {}", constants.join(", "))),
    }
}
