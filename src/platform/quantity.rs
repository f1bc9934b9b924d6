//! Exact Kubernetes resource quantities.
//!
//! A quantity is held as a whole number of nano-units (10^-9), the finest precision
//! Kubernetes itself keeps, in an `i128`: 1Ei in nano-units is ~1.2e27, far below
//! i128's ~1.7e38, so memory arithmetic never rounds.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, Sub};
use std::str::FromStr;

const NANO: i128 = 1_000_000_000;

/// A parsed Kubernetes quantity (`7.5Gi`, `1500m`, `1e3`, `128974848`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity {
    nanos: i128,
}

/// Why a string is not a Kubernetes quantity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{input}' is not a Kubernetes quantity (expected e.g. 512Mi, 2Gi, 1500m, 4)")]
pub struct QuantityError {
    input: String,
}

impl Quantity {
    /// Zero.
    pub(crate) const ZERO: Quantity = Quantity { nanos: 0 };

    /// A number of bytes.
    pub(crate) fn from_bytes(bytes: i128) -> Self {
        Quantity {
            nanos: bytes.saturating_mul(NANO),
        }
    }

    /// Thousandths (`500m` CPU).
    pub fn from_millis(millis: i128) -> Self {
        Quantity {
            nanos: millis.saturating_mul(1_000_000),
        }
    }

    /// Whole units.
    pub(crate) fn from_units(units: i128) -> Self {
        Quantity {
            nanos: units.saturating_mul(NANO),
        }
    }

    /// Whole units (bytes for memory), rounded up as Kubernetes does.
    pub fn units_ceil(self) -> i128 {
        self.nanos.div_euclid(NANO) + i128::from(self.nanos.rem_euclid(NANO) != 0)
    }

    /// Milli-units (millicores for CPU), rounded up.
    pub(crate) fn millis_ceil(self) -> i128 {
        self.nanos.div_euclid(1_000_000) + i128::from(self.nanos.rem_euclid(1_000_000) != 0)
    }

    /// The value in billionths.
    pub fn nanos(self) -> i128 {
        self.nanos
    }

    /// Whether it is zero.
    pub(crate) fn is_zero(self) -> bool {
        self.nanos == 0
    }

    /// Ratio `self / other` as a float, for percentages only (never for arithmetic).
    pub fn ratio(self, other: Quantity) -> Option<f64> {
        (other.nanos != 0).then(|| self.nanos as f64 / other.nanos as f64)
    }

    /// `self - other`, never below zero.
    pub(crate) fn saturating_sub(self, other: Quantity) -> Quantity {
        Quantity {
            nanos: self.nanos.saturating_sub(other.nanos).max(0),
        }
    }

    /// Multiplies by a fraction `num/den`, rounding down to whole units.
    #[cfg(any(fuzzing, test))] // only the fuzz hooks (src/fuzzing.rs) use it
    pub(crate) fn scale_floor(self, num: i128, den: i128) -> Quantity {
        Quantity::from_units((self.nanos.saturating_mul(num) / den.max(1)).div_euclid(NANO))
    }

    /// Renders as memory: the largest binary suffix that keeps at most two
    /// decimals exact (`7.5Gi`, `384Mi`), otherwise plain bytes.
    pub(crate) fn display_bytes(self) -> String {
        let bytes = self.units_ceil();
        if bytes == 0 {
            return "0".into();
        }
        const SUFFIXES: [(&str, i128); 6] = [
            ("Ei", 1 << 60),
            ("Pi", 1 << 50),
            ("Ti", 1 << 40),
            ("Gi", 1 << 30),
            ("Mi", 1 << 20),
            ("Ki", 1 << 10),
        ];
        for (suffix, size) in SUFFIXES {
            if bytes.abs() >= size {
                let hundredths = bytes.saturating_mul(100) / size;
                if hundredths.saturating_mul(size) == bytes.saturating_mul(100)
                    || bytes.abs() >= 10 * size
                {
                    return format!("{}{suffix}", format_hundredths(hundredths));
                }
            }
        }
        bytes.to_string()
    }

    /// Renders as CPU: whole cores when exact (`4`), otherwise millicores (`1500m`).
    pub(crate) fn display_cpu(self) -> String {
        let millis = self.millis_ceil();
        if millis % 1000 == 0 {
            (millis / 1000).to_string()
        } else {
            format!("{millis}m")
        }
    }

    /// Renders for the named resource: memory-like resources in bytes, CPU in cores.
    pub(crate) fn display_for(self, resource: &str) -> String {
        if is_byte_resource(resource) {
            self.display_bytes()
        } else if resource.ends_with("cpu") {
            self.display_cpu()
        } else {
            let units = self.units_ceil();
            if Quantity::from_units(units) == self {
                units.to_string()
            } else {
                self.display_cpu()
            }
        }
    }
}

/// `bytes` in the largest binary unit that holds it exactly, with that unit's
/// name from `names` (TiB, GiB, MiB, KiB, in that order): `24G` or `1536M` for
/// `["T", "G", "M", "K"]`. `None` below 1KiB or when no unit divides it.
pub(crate) fn exact_binary_size(bytes: u64, names: [&str; 4]) -> Option<String> {
    names
        .into_iter()
        .zip([1u64 << 40, 1 << 30, 1 << 20, 1 << 10])
        .find(|(_, size)| bytes >= *size && bytes % size == 0)
        .map(|(name, size)| format!("{}{name}", bytes / size))
}

/// Bytes for a person: the largest binary unit, to one decimal, the decimal
/// dropped when it is zero (`9.6Gi`, `12Gi`, `384Mi`, `900B`). For messages,
/// where `10307921510` would be unreadable; use [`Quantity::display_bytes`]
/// where the exact value matters.
pub(crate) fn readable_bytes(bytes: u64) -> String {
    readable_in(
        bytes,
        &[
            ("Ei", 1 << 60),
            ("Pi", 1 << 50),
            ("Ti", 1 << 40),
            ("Gi", 1 << 30),
            ("Mi", 1 << 20),
            ("Ki", 1 << 10),
        ],
    )
}

/// [`readable_bytes`] with other names for the binary units, largest first
/// (Trino's `GB`, the JVM's `G`); below the smallest, bytes with `B`.
pub(crate) fn readable_in(bytes: u64, units: &[(&str, u64)]) -> String {
    let Some((name, size)) = units.iter().find(|(_, size)| bytes >= *size) else {
        return format!("{bytes}B");
    };
    let tenths = (u128::from(bytes) * 10 + u128::from(*size) / 2) / u128::from(*size);
    if tenths % 10 == 0 {
        format!("{}{name}", tenths / 10)
    } else {
        format!("{}.{}{name}", tenths / 10, tenths % 10)
    }
}

/// Whether a resource name counts bytes (memory, storage, hugepages).
pub(crate) fn is_byte_resource(resource: &str) -> bool {
    resource.contains("memory") || resource.contains("storage") || resource.contains("hugepages")
}

fn format_hundredths(hundredths: i128) -> String {
    let (whole, frac) = (hundredths / 100, (hundredths % 100).abs());
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

impl FromStr for Quantity {
    type Err = QuantityError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let err = || QuantityError {
            input: input.to_string(),
        };
        let s = input.trim();
        let (negative, s) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let number_end = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        let (number, suffix) = s.split_at(number_end);
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(err());
        }
        let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
        // The digits as one integer and the power of ten they are scaled by.
        let digits: String = format!("{whole}{frac}");
        // 39 digits hold every i128 (its Display, `170141183460469231731687303715884105727n`,
        // must parse back); longer mantissas cannot be exact.
        if digits.len() > 39 {
            return Err(err());
        }
        let mantissa: i128 = digits.parse().map_err(|_| err())?;
        let mut decimal_exponent: i32 = -(frac.len() as i32);
        let mut binary_multiplier: i128 = 1;
        match suffix {
            "" => {}
            "n" => decimal_exponent -= 9,
            "u" => decimal_exponent -= 6,
            "m" => decimal_exponent -= 3,
            "k" => decimal_exponent += 3,
            "M" => decimal_exponent += 6,
            "G" => decimal_exponent += 9,
            "T" => decimal_exponent += 12,
            "P" => decimal_exponent += 15,
            "E" => decimal_exponent += 18,
            "Ki" => binary_multiplier = 1 << 10,
            "Mi" => binary_multiplier = 1 << 20,
            "Gi" => binary_multiplier = 1 << 30,
            "Ti" => binary_multiplier = 1 << 40,
            "Pi" => binary_multiplier = 1 << 50,
            "Ei" => binary_multiplier = 1 << 60,
            exp if exp.starts_with(['e', 'E']) => {
                let e: i32 = exp[1..].parse().map_err(|_| err())?;
                if !(-30..=30).contains(&e) {
                    return Err(err());
                }
                decimal_exponent += e;
            }
            _ => return Err(err()),
        }
        // nanos = mantissa * binary_multiplier * 10^(decimal_exponent + 9), rounded up.
        let scaled = mantissa.checked_mul(binary_multiplier).ok_or_else(err)?;
        let power = decimal_exponent + 9;
        let nanos = if power >= 0 {
            10i128
                .checked_pow(power as u32)
                .and_then(|p| scaled.checked_mul(p))
                .ok_or_else(err)?
        } else {
            let divisor = 10i128.checked_pow((-power) as u32).ok_or_else(err)?;
            scaled / divisor + i128::from(scaled % divisor != 0)
        };
        Ok(Quantity {
            nanos: if negative { -nanos } else { nanos },
        })
    }
}

impl fmt::Display for Quantity {
    /// Canonical, exact form: whole units when exact, else millis, else nanos.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.nanos % NANO == 0 {
            write!(f, "{}", self.nanos / NANO)
        } else if self.nanos % 1_000_000 == 0 {
            write!(f, "{}m", self.nanos / 1_000_000)
        } else {
            write!(f, "{}n", self.nanos)
        }
    }
}

impl serde::Serialize for Quantity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Add for Quantity {
    type Output = Quantity;
    fn add(self, rhs: Quantity) -> Quantity {
        Quantity {
            nanos: self.nanos.saturating_add(rhs.nanos),
        }
    }
}

impl AddAssign for Quantity {
    fn add_assign(&mut self, rhs: Quantity) {
        self.nanos = self.nanos.saturating_add(rhs.nanos);
    }
}

impl Sub for Quantity {
    type Output = Quantity;
    fn sub(self, rhs: Quantity) -> Quantity {
        Quantity {
            nanos: self.nanos.saturating_sub(rhs.nanos),
        }
    }
}

impl Mul<i128> for Quantity {
    type Output = Quantity;
    fn mul(self, rhs: i128) -> Quantity {
        Quantity {
            nanos: self.nanos.saturating_mul(rhs),
        }
    }
}

impl Sum for Quantity {
    fn sum<I: Iterator<Item = Quantity>>(iter: I) -> Quantity {
        iter.fold(Quantity::ZERO, Add::add)
    }
}

/// The quantities of a k8s `resources`/`hard`/`used` map that parse, by resource name.
pub(crate) fn parse_map(
    map: Option<
        &std::collections::BTreeMap<
            String,
            k8s_openapi::apimachinery::pkg::api::resource::Quantity,
        >,
    >,
) -> std::collections::BTreeMap<String, Quantity> {
    map.into_iter()
        .flatten()
        .filter_map(|(k, v)| v.0.parse().ok().map(|q| (k.clone(), q)))
        .collect()
}

/// Parses a size flag (`80Gi`, `30`, `500m`) that must be above zero; the error
/// is one line for clap to print.
pub(crate) fn parse_positive(text: &str) -> Result<Quantity, String> {
    let q: Quantity = text.parse().map_err(|e: QuantityError| e.to_string())?;
    if q <= Quantity::ZERO {
        return Err(format!("'{text}' must be above zero"));
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_bytes_round_to_a_tenth() {
        for (bytes, text) in [
            (900u64, "900B"),
            (384 << 20, "384Mi"),
            (12 << 30, "12Gi"),
            ((12u64 << 30) / 10 * 8, "9.6Gi"),
            (7_730_941_132, "7.2Gi"),
            (29_205_777_612, "27.2Gi"),
            ((10u64 << 30) - 1, "10Gi"),
            (u64::MAX, "16Ei"),
        ] {
            assert_eq!(readable_bytes(bytes), text, "{bytes}");
        }
    }

    #[test]
    fn arithmetic_on_extreme_quantities_saturates() {
        let huge: Quantity = "999999999999999999999999999999Ei"
            .parse()
            .unwrap_or(Quantity {
                nanos: i128::MAX / 2,
            });
        let sum = huge + huge + huge;
        assert_eq!(sum.nanos(), i128::MAX);
        let mut acc = huge;
        acc += huge;
        acc += huge;
        assert_eq!(acc.nanos(), i128::MAX);
        assert_eq!(
            [huge, huge, huge].into_iter().sum::<Quantity>().nanos(),
            i128::MAX
        );
        assert_eq!((Quantity::ZERO - huge - huge - huge).nanos(), i128::MIN);
        assert!(!(huge * 1000).display_bytes().is_empty());
        assert!(!Quantity::from_bytes(i128::MAX).display_bytes().is_empty());
        assert!(!huge.scale_floor(1000, 0).display_cpu().is_empty());
    }

    #[test]
    fn positive_sizes() {
        assert!(parse_positive("28Gi").is_ok());
        assert_eq!(parse_positive("0").unwrap_err(), "'0' must be above zero");
        assert!(parse_positive("lots").is_err());
    }

    fn q(s: &str) -> Quantity {
        s.parse().unwrap()
    }

    #[test]
    fn parses_every_suffix_exactly() {
        let cases: &[(&str, i128)] = &[
            ("0", 0),
            ("1", NANO),
            ("1500m", 1_500_000_000),
            ("100u", 100_000),
            ("5n", 5),
            ("1k", 1_000 * NANO),
            ("1M", 1_000_000 * NANO),
            ("2G", 2_000_000_000 * NANO),
            ("1T", 1_000_000_000_000 * NANO),
            ("1P", 10i128.pow(15) * NANO),
            ("1E", 10i128.pow(18) * NANO),
            ("1Ki", 1024 * NANO),
            ("512Mi", 512 * (1 << 20) * NANO),
            ("7.5Gi", 8_053_063_680 * NANO),
            ("1Ti", (1i128 << 40) * NANO),
            ("1Pi", (1i128 << 50) * NANO),
            ("2Ei", (2i128 << 60) * NANO),
            ("1e3", 1000 * NANO),
            ("1E3", 1000 * NANO),
            ("5e-3", 5_000_000),
            ("0.1", 100_000_000),
            (".5", 500_000_000),
            ("128974848", 128_974_848 * NANO),
            ("-1Gi", -(1i128 << 30) * NANO),
            ("+2", 2 * NANO),
        ];
        for (input, nanos) in cases {
            assert_eq!(q(input).nanos(), *nanos, "{input}");
        }
    }

    #[test]
    fn rounds_sub_nano_up_like_kubernetes() {
        assert_eq!(q("0.1n").nanos(), 1);
        assert_eq!(q("1.0000000001").nanos(), NANO + 1);
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "", "Gi", "1.2.3", "1 Gi", "1GB", "abc", "1e", "1e99", "--1", "1Zi",
        ] {
            assert!(bad.parse::<Quantity>().is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn arithmetic_is_exact_for_memory() {
        // 3 × 0.1Gi + 0.7Gi == 1Gi exactly: float arithmetic would not say so.
        assert_eq!(q("0.1Gi") * 3 + q("0.7Gi"), q("1Gi"));
        assert_eq!(q("80Gi") - q("10Gi") - q("16Gi") * 3, q("22Gi"));
        assert_eq!(q("1Gi"), q("1024Mi"));
        assert!(q("1G") < q("1Gi"));
        assert_eq!(
            [q("1"), q("500m"), q("250m")].into_iter().sum::<Quantity>(),
            q("1750m")
        );
    }

    #[test]
    fn displays_the_way_kubectl_users_read_it() {
        let cases = [
            ("7.5Gi", "7.5Gi"),
            ("8Gi", "8Gi"),
            ("384Mi", "384Mi"),
            ("1536Mi", "1.5Gi"),
            ("1000", "1000"),
            ("1025", "1025"),
            ("0", "0"),
            ("80Gi", "80Gi"),
            ("100Gi", "100Gi"),
        ];
        for (input, shown) in cases {
            assert_eq!(q(input).display_bytes(), shown, "{input}");
        }
        assert_eq!(q("1500m").display_cpu(), "1500m");
        assert_eq!(q("2").display_cpu(), "2");
        assert_eq!(q("2000m").display_cpu(), "2");
        assert_eq!(q("30").display_for("requests.cpu"), "30");
        assert_eq!(q("80Gi").display_for("limits.memory"), "80Gi");
        assert_eq!(q("50").display_for("pods"), "50");
    }

    #[test]
    fn canonical_display_round_trips() {
        // The last two: their display has more than 30 digits, which the
        // parser refused (found while writing the fuzz targets).
        for input in [
            "1",
            "1500m",
            "5n",
            "80Gi",
            "0.1",
            "99999999999999999999999999999.1",
            "170141183460469231731687303715884105727n",
        ] {
            let parsed = q(input);
            assert_eq!(q(&parsed.to_string()), parsed, "{input}");
        }
    }

    #[test]
    fn rounding_helpers() {
        assert_eq!(q("1500m").units_ceil(), 2);
        assert_eq!(q("1").millis_ceil(), 1000);
        assert_eq!(
            q("10Gi").scale_floor(80, 100),
            Quantity::from_bytes(8_589_934_592)
        );
        assert_eq!(q("1Gi").saturating_sub(q("2Gi")), Quantity::ZERO);
    }
}
