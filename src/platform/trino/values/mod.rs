//! Trino property values by type: what each property of `config.properties`
//! and of an Iceberg catalog takes ([`server_476`], [`iceberg_476`], generated
//! from Trino 476's own config classes by `scripts/gen-trino-properties`), and
//! whether a value is one Trino accepts at start-up, read the way airlift's
//! configuration binder reads it ([`units`]): the text trimmed, coerced to the
//! setter's type, then the bean-validation bounds of the getter. A value
//! holding `${ENV:NAME}` (or any `${...}`) is resolved by Trino at start-up
//! and is not judged.

pub(crate) mod iceberg_476;
pub(crate) mod server_476;
pub(crate) mod units;

use crate::platform::properties::Properties;
use units::Reading;

/// How Trino reads one property's value, with the bounds it checks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    /// `true` or `false`, any case.
    Bool,
    /// A Java `int`: `@Min`, `@Max`, `@PowerOfTwo`.
    Int {
        min: Option<i64>,
        max: Option<i64>,
        power_of_two: bool,
    },
    /// A Java `long`.
    Long {
        min: Option<i64>,
        max: Option<i64>,
        power_of_two: bool,
    },
    /// A Java `double`: `@DecimalMin`/`@DecimalMax` (value, inclusive).
    Double {
        min: Option<(&'static str, bool)>,
        max: Option<(&'static str, bool)>,
    },
    /// An airlift `DataSize`: `@MinDataSize`, `@MaxDataSize`.
    DataSize {
        min: Option<&'static str>,
        max: Option<&'static str>,
    },
    /// An airlift `Duration`: `@MinDuration`, `@MaxDuration`.
    Duration {
        min: Option<&'static str>,
        max: Option<&'static str>,
    },
    /// Trino's `HeapSizeParser`: a data size or a percentage of the heap, above 0.
    HeapSize,
    /// A thread count: a number, or a multiple of the cores (`2C`); the
    /// multiplier is a float for airlift's `ThreadCount`, a long for Trino's parser.
    Threads {
        per_core_float: bool,
        min: Option<i64>,
    },
    /// An enum: the constants (matched as [`units::enum_constant`] says).
    Enum(&'static [&'static str]),
    /// A comma-separated list (`Splitter.on(',').omitEmptyStrings().trimResults()`).
    List(&'static Kind),
    /// Not judged (a string, a path, a URI…); `@NotEmpty` when it says so.
    Text { not_empty: bool },
}

/// One property: its name, how its value is read, the class that binds it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Property {
    /// The name as written in the file.
    pub(crate) name: &'static str,
    /// How the value is read.
    pub(crate) kind: Kind,
    /// The Trino (or airlift) config class that binds it.
    pub(crate) class: &'static str,
    /// The current name, when this one is a legacy name of it.
    pub(crate) legacy_of: Option<&'static str>,
}

/// Which file a property is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Table {
    /// `config.properties` of the coordinator or a worker.
    Server,
    /// A catalog file with `connector.name=iceberg`.
    Iceberg,
}

impl Table {
    fn properties(self) -> &'static [Property] {
        match self {
            Table::Server => server_476::PROPERTIES,
            Table::Iceberg => iceberg_476::PROPERTIES,
        }
    }

    fn defunct(self) -> &'static [&'static str] {
        match self {
            Table::Server => server_476::DEFUNCT,
            Table::Iceberg => iceberg_476::DEFUNCT,
        }
    }

    /// The property of that name.
    pub(crate) fn property(self, name: &str) -> Option<&'static Property> {
        let table = self.properties();
        table
            .binary_search_by(|p| p.name.cmp(name))
            .ok()
            .map(|i| &table[i])
    }
}

/// Whether Trino declares `name` defunct: it refuses to start when it is set.
pub(crate) fn defunct(table: Table, name: &str) -> bool {
    table.defunct().contains(&name)
}

/// A value Trino refuses.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The property.
    pub(crate) key: String,
    /// The value as written (trimmed).
    pub(crate) value: String,
    /// Its line in the file.
    pub(crate) line: usize,
    /// What is wrong with it (`is not a power of two`).
    pub(crate) why: String,
    /// What Trino accepts, in words.
    pub(crate) accepts: String,
    /// The config class that binds it.
    pub(crate) class: &'static str,
}

impl Refusal {
    /// `task.concurrency=12 is not a power of two` (a long value is cut).
    pub(crate) fn describe(&self) -> String {
        let value: String = if self.value.chars().count() > 60 {
            self.value.chars().take(57).chain("...".chars()).collect()
        } else {
            self.value.clone()
        };
        format!("{}={value} {} ({})", self.key, self.why, self.class)
    }
}

impl Refusal {
    /// Its finding code: the memory sizes keep `trino.config-invalid-size`.
    pub(crate) fn code(&self) -> &'static str {
        use crate::platform::trino::memory::{HEADROOM, MAX_MEMORY, MAX_TOTAL, PER_NODE};
        if [PER_NODE, HEADROOM, MAX_MEMORY, MAX_TOTAL].contains(&self.key.as_str()) {
            "trino.config-invalid-size"
        } else {
            "trino.config-invalid-value"
        }
    }

    /// What `status` says and `tune plan` notes: `config.properties line 4:
    /// task.concurrency=12 is not a power of two (TaskManagerConfig)`, then
    /// what follows (`Trino refuses to start`).
    pub(crate) fn message(&self, file: &str, consequence: &str) -> String {
        format!(
            "{file} line {}: {}; {consequence}",
            self.line,
            self.describe()
        )
    }

    /// The fix: `set task.concurrency to a whole number…`.
    pub(crate) fn fix(&self) -> String {
        format!("set {} to {}", self.key, self.accepts)
    }
}

/// The value Trino reads for a property: Java's `String.trim()`.
pub(crate) fn trimmed(value: &str) -> &str {
    value.trim_matches(|c: char| c <= ' ')
}

/// Every value of `props` that Trino refuses, for the properties `table`
/// knows, except `skip` (judged elsewhere). A key given twice is judged by
/// the last value, the one Trino keeps.
pub(crate) fn check(props: &Properties, table: Table, skip: &[&str]) -> Vec<Refusal> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let entries: Vec<_> = props.entries().collect();
    for (key, _, _) in entries.iter().rev() {
        if !seen.insert(*key) || skip.contains(key) {
            continue;
        }
        let Some(property) = table.property(key) else {
            continue;
        };
        let (value, line) = (
            props.get(key).unwrap_or_default(),
            props.line_of(key).unwrap_or_default(),
        );
        if let Err(why) = check_value(&property.kind, value) {
            out.push(Refusal {
                key: key.to_string(),
                value: trimmed(value).to_string(),
                line,
                why,
                accepts: accepts(&property.kind),
                class: property.class,
            });
        }
    }
    out.extend(legacy_conflicts(props, table));
    out.sort_by_key(|r| r.line);
    out
}

/// A legacy name set beside its current name: the binder refuses both
/// (`Configuration property 'old' (=…) conflicts with property 'new' (=…)`).
fn legacy_conflicts(props: &Properties, table: Table) -> Vec<Refusal> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (key, _, _) in props.entries() {
        let Some(property) = table.property(key) else {
            continue;
        };
        let Some(current) = property.legacy_of.filter(|c| props.get(c).is_some()) else {
            continue;
        };
        if seen.insert(key) {
            out.push(Refusal {
                key: key.to_string(),
                value: trimmed(props.get(key).unwrap_or_default()).to_string(),
                line: props.line_of(key).unwrap_or_default(),
                why: format!("is the legacy name of {current}, which is set too"),
                accepts: format!("only one of them (keep {current}, remove {key})"),
                class: property.class,
            });
        }
    }
    out
}

/// Whether Trino accepts `value` for a property of this kind; why not.
pub(crate) fn check_value(kind: &Kind, value: &str) -> Result<(), String> {
    let value = trimmed(value);
    if value.contains("${") {
        return Ok(());
    }
    match kind {
        Kind::Bool => refused(units::boolean(value)),
        Kind::Int {
            min,
            max,
            power_of_two,
        } => whole(units::java_int(value), *min, *max, *power_of_two),
        Kind::Long {
            min,
            max,
            power_of_two,
        } => whole(units::java_long(value), *min, *max, *power_of_two),
        Kind::Double { min, max } => double(value, *min, *max),
        Kind::DataSize { min, max } => data_size(value, *min, *max),
        Kind::Duration { min, max } => duration(value, *min, *max),
        Kind::HeapSize => heap_size(value).map(|_| ()),
        Kind::Threads {
            per_core_float,
            min,
        } => threads(value, *per_core_float, *min),
        Kind::Enum(constants) => refused(units::enum_constant(value, constants)),
        Kind::List(item) => value
            .split(',')
            .map(|i| i.trim_matches(char::is_whitespace))
            .filter(|i| !i.is_empty())
            .try_for_each(|i| check_value(item, i).map_err(|why| format!("item '{i}' {why}"))),
        Kind::Text { not_empty } => {
            if *not_empty && value.is_empty() {
                Err("is empty".into())
            } else {
                Ok(())
            }
        }
    }
}

fn refused<T>(reading: Reading<T>) -> Result<(), String> {
    match reading {
        Reading::Refused(why) => Err(why),
        _ => Ok(()),
    }
}

fn whole(
    reading: Reading<i64>,
    min: Option<i64>,
    max: Option<i64>,
    power_of_two: bool,
) -> Result<(), String> {
    let Reading::Value(n) = reading else {
        return refused(reading);
    };
    if let Some(min) = min.filter(|m| n < *m) {
        return Err(format!("is below {min}"));
    }
    if let Some(max) = max.filter(|m| n > *m) {
        return Err(format!("is above {max}"));
    }
    // Trino's PowerOfTwoValidator: Integer.bitCount(value) == 1 (so 0 and negatives fail).
    if power_of_two && (n <= 0 || n.count_ones() != 1) {
        return Err("is not a power of two".into());
    }
    Ok(())
}

fn double(value: &str, min: Option<(&str, bool)>, max: Option<(&str, bool)>) -> Result<(), String> {
    let Reading::Value(v) = units::java_double(value) else {
        return refused(units::java_double(value));
    };
    let bound = |text: &str| text.parse::<f64>().unwrap_or(f64::NAN);
    if let Some((m, inclusive)) = min
        && (v.is_nan() || v < bound(m) || (!inclusive && v == bound(m)))
    {
        return Err(format!(
            "is below {}{m}",
            if inclusive { "" } else { "or equal to " }
        ));
    }
    if let Some((m, inclusive)) = max
        && (v.is_nan() || v > bound(m) || (!inclusive && v == bound(m)))
    {
        return Err(format!(
            "is above {}{m}",
            if inclusive { "" } else { "or equal to " }
        ));
    }
    Ok(())
}

fn data_size(value: &str, min: Option<&str>, max: Option<&str>) -> Result<(), String> {
    let Reading::Value(bytes) = units::data_size(value) else {
        return refused(units::data_size(value));
    };
    let bound = |text: &str| match units::data_size(text) {
        Reading::Value(b) => b,
        _ => 0,
    };
    if let Some(m) = min.filter(|m| bytes < bound(m)) {
        return Err(format!("is below {m}"));
    }
    if let Some(m) = max.filter(|m| bytes > bound(m)) {
        return Err(format!("is above {m}"));
    }
    Ok(())
}

fn duration(value: &str, min: Option<&str>, max: Option<&str>) -> Result<(), String> {
    let Reading::Value(d) = units::duration(value) else {
        return refused(units::duration(value));
    };
    let bound = |text: &str| match units::duration(text) {
        Reading::Value(b) => b.millis(),
        _ => 0.0,
    };
    if let Some(m) = min.filter(|m| d.millis() < bound(m)) {
        return Err(format!("is below {m}"));
    }
    if let Some(m) = max.filter(|m| d.millis() > bound(m)) {
        return Err(format!("is above {m}"));
    }
    Ok(())
}

/// A heap size as Trino's `HeapSizeParser` reads it: a share of the heap
/// (`40%`, `parseDouble` of what precedes the `%`, trimmed) or a data size;
/// above 0 either way (not above the heap: the memory rules judge that).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum HeapSize {
    /// A fraction of the heap (0.4 for `40%`).
    Share(f64),
    /// Bytes.
    Bytes(u64),
}

impl HeapSize {
    /// The bytes for a heap of `heap` bytes (`Math.round(heap * share)`).
    pub(crate) fn of(self, heap: u64) -> u64 {
        match self {
            HeapSize::Share(share) => (heap as f64 * share).round().max(0.0) as u64,
            HeapSize::Bytes(bytes) => bytes,
        }
    }
}

/// Reads a heap size (`query.max-memory-per-node`, `memory.heap-headroom-per-node`).
pub(crate) fn heap_size(value: &str) -> Result<HeapSize, String> {
    let value = trimmed(value);
    if let Some(share) = value.strip_suffix('%') {
        return match units::java_double(share.trim_matches(|c: char| c <= ' ')) {
            Reading::Value(p) if p > 0.0 && p <= 100.0 => Ok(HeapSize::Share(p / 100.0)),
            Reading::Value(p) if p > 100.0 => Err("is more than the heap (above 100%)".into()),
            Reading::Value(_) => Err("is not above 0%".into()),
            Reading::Refused(_) => Err("is not a number before the %".into()),
            Reading::Unjudged => Ok(HeapSize::Share(0.3)),
        };
    }
    match units::data_size(value) {
        Reading::Value(0) => Err("is not above 0".into()),
        Reading::Value(bytes) => Ok(HeapSize::Bytes(bytes)),
        Reading::Refused(why) => Err(why),
        Reading::Unjudged => Ok(HeapSize::Share(0.3)),
    }
}

fn threads(value: &str, per_core_float: bool, min: Option<i64>) -> Result<(), String> {
    let count = if let Some(multiplier) = value.strip_suffix('C') {
        let multiplier = multiplier.trim_matches(|c: char| c <= ' ');
        let positive = if per_core_float {
            matches!(units::java_double(multiplier), Reading::Value(m) if m > 0.0 && (m as f32) > 0.0)
                || matches!(units::java_double(multiplier), Reading::Unjudged)
        } else {
            match units::java_long(multiplier) {
                Reading::Value(m) if m > i64::from(i32::MAX) => {
                    return Err("is more than 2^31 − 1 threads".into());
                }
                Reading::Value(m) => m > 0,
                Reading::Refused(_) => false,
                Reading::Unjudged => true,
            }
        };
        if !positive {
            return Err("has no positive number before the C".into());
        }
        // At least one core: at least the multiplier's own count (rounded).
        1
    } else {
        match units::java_long(value) {
            Reading::Value(n) if n > i64::from(i32::MAX) => {
                return Err("is more than 2^31 − 1 threads".into());
            }
            Reading::Value(n) if n < 0 => return Err("is negative".into()),
            Reading::Value(n) => n,
            Reading::Refused(_) => {
                return Err("is not a whole number or a multiple of the cores (2C)".into());
            }
            Reading::Unjudged => return Ok(()),
        }
    };
    match min {
        Some(m) if count < m => Err(format!("is below {m}")),
        _ => Ok(()),
    }
}

/// What Trino accepts for a kind, in words, for messages.
pub(crate) fn accepts(kind: &Kind) -> String {
    let bounds = |min: Option<String>, max: Option<String>| {
        let mut parts = Vec::new();
        if let Some(m) = min {
            parts.push(format!("at least {m}"));
        }
        if let Some(m) = max {
            parts.push(format!("at most {m}"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!(", {}", parts.join(" and "))
        }
    };
    match kind {
        Kind::Bool => "true or false".into(),
        Kind::Int {
            min,
            max,
            power_of_two,
        }
        | Kind::Long {
            min,
            max,
            power_of_two,
        } => format!(
            "a whole number{}{}",
            bounds(min.map(|m| m.to_string()), max.map(|m| m.to_string())),
            if *power_of_two {
                ", a power of two"
            } else {
                ""
            }
        ),
        Kind::Double { min, max } => format!(
            "a number{}",
            bounds(
                min.map(|(m, inc)| if inc {
                    m.to_string()
                } else {
                    format!("more than {m}")
                }),
                max.map(|(m, inc)| if inc {
                    m.to_string()
                } else {
                    format!("less than {m}")
                })
            )
            .replace("at least more than", "more than")
            .replace("at most less than", "less than")
        ),
        Kind::DataSize { min, max } => format!(
            "a data size: a number and a unit B, kB, MB, GB, TB or PB, written in that case (8GB, 1.5GB){}",
            bounds(min.map(str::to_string), max.map(str::to_string))
        ),
        Kind::Duration { min, max } => format!(
            "a duration: a number and a unit ns, us, ms, s, m, h or d (10m, 1.5h){}",
            bounds(min.map(str::to_string), max.map(str::to_string))
        ),
        Kind::HeapSize => "a data size (8GB) or a share of the heap (30%), above 0".into(),
        Kind::Threads { .. } => "a number of threads (8) or a multiple of the cores (2C)".into(),
        Kind::Enum(constants) => format!("one of {} (any case, - for _)", constants.join(", ")),
        Kind::List(item) => format!("a comma-separated list, each item {}", accepts(item)),
        Kind::Text { .. } => "a non-empty text".into(),
    }
}

#[cfg(test)]
mod tests;
