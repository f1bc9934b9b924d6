//! Go's `time.ParseDuration`, as controllers written in Go read a duration
//! string into a `metav1.Duration` (External Secrets' `refreshInterval`):
//! an optional sign, then one or more decimal numbers each followed by a unit
//! `ns`, `us` (`µs`, `μs`), `ms`, `s`, `m` or `h`, or `0` alone. There is no
//! `d`: `1d` is the classic mistake. Messages follow Go's.

/// Go's units, longest first where one is a prefix of another.
const UNITS: &[&str] = &["ns", "us", "µs", "μs", "ms", "s", "m", "h"];

/// `None` when Go parses `text`, else Go's error message.
pub(crate) fn problem(text: &str) -> Option<String> {
    let invalid = || Some(format!("time: invalid duration {text:?}"));
    let mut rest = text.strip_prefix(['-', '+']).unwrap_or(text);
    if rest == "0" {
        return None;
    }
    if rest.is_empty() {
        return invalid();
    }
    while !rest.is_empty() {
        let whole = rest.bytes().take_while(u8::is_ascii_digit).count();
        let mut taken = whole;
        let mut fraction = 0;
        if rest[taken..].starts_with('.') {
            taken += 1;
            fraction = rest[taken..].bytes().take_while(u8::is_ascii_digit).count();
            taken += fraction;
        }
        if whole == 0 && fraction == 0 {
            return invalid();
        }
        rest = &rest[taken..];
        let unit_len = rest
            .char_indices()
            .find(|(_, c)| *c == '.' || c.is_ascii_digit())
            .map_or(rest.len(), |(i, _)| i);
        let unit = &rest[..unit_len];
        if unit.is_empty() {
            return Some(format!("time: missing unit in duration {text:?}"));
        }
        if !UNITS.contains(&unit) {
            return Some(format!("time: unknown unit {unit:?} in duration {text:?}"));
        }
        rest = &rest[unit_len..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn go_durations() {
        for ok in [
            "0", "1h", "1h30m", "2.5h", ".5s", "1.s", "300ms", "1µs", "1us", "-1h", "+5m", "1h1h",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        for (bad, message) in [
            ("1d", "time: unknown unit \"d\" in duration \"1d\""),
            ("1hour", "time: unknown unit \"hour\" in duration \"1hour\""),
            ("5", "time: missing unit in duration \"5\""),
            ("", "time: invalid duration \"\""),
            ("h", "time: invalid duration \"h\""),
            ("1 h", "time: unknown unit \" h\" in duration \"1 h\""),
            ("1H", "time: unknown unit \"H\" in duration \"1H\""),
        ] {
            assert_eq!(problem(bad).as_deref(), Some(message), "{bad}");
        }
    }
}
