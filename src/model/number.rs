//! How numbers are written on screen and in handouts: four decimals where
//! that says something, scientific notation where it would not, and NaN and
//! infinities by name, always within [`WIDTH`] characters.

/// The widest a formatted number can be, in characters.
pub const WIDTH: usize = 7;

/// A number for a matrix cell or a worked example.
pub fn num(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "−inf".into() };
    }
    let s = if v == v.trunc() && v.abs() < 1e6 {
        // Inputs and targets are mostly whole numbers; "1" reads better than "1.0000".
        format!("{}", v as i64)
    } else if v.abs() < 5e-5 {
        sci(v)
    } else {
        // Four decimals where they fit; large numbers give up decimals, then
        // switch to scientific notation, so a cell never grows.
        let fixed = (0..=4)
            .rev()
            .map(|d| format!("{v:.d$}"))
            .find(|s| s.len() <= WIDTH);
        fixed.unwrap_or_else(|| sci(v))
    };
    match s.strip_prefix('-') {
        Some(rest) => format!("−{rest}"),
        None => s,
    }
}

/// Scientific notation with as many mantissa decimals (2, 1 or 0) as fit.
fn sci(v: f64) -> String {
    let render = |d: usize| format!("{v:.d$e}");
    (0..=2)
        .rev()
        .map(&render)
        .find(|s| s.len() <= WIDTH)
        .unwrap_or_else(|| render(0))
}

/// A number that stands as a factor in a product: negatives get parentheses,
/// so `0.7301·(−0.2884)` never reads as a subtraction.
pub fn factor(v: f64) -> String {
    let s = num(v);
    if s.starts_with('−') { format!("({s})") } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_numbers_get_four_decimals() {
        assert_eq!(num(0.711_560_822_6), "0.7116");
        assert_eq!(num(-0.288_439_177), "−0.2884");
        assert_eq!(num(0.038_293_132), "0.0383");
    }

    #[test]
    fn whole_numbers_stay_whole() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(-3.0), "−3");
    }

    #[test]
    fn tiny_and_huge_numbers_switch_to_scientific() {
        assert_eq!(num(0.000_012_3), "1.23e-5");
        assert_eq!(num(-0.000_012_3), "−1.2e-5");
        assert_eq!(num(-1_234_567.8), "−1.23e6");
        assert_eq!(num(1.5e300), "1.5e300");
        assert_eq!(num(-1.5e-300), "−2e-300");
    }

    #[test]
    fn large_numbers_give_up_decimals_before_going_scientific() {
        assert_eq!(num(12.345_678), "12.3457");
        assert_eq!(num(-12.345_678), "−12.346");
        assert_eq!(num(1234.5678), "1234.57");
        assert_eq!(num(-123_456.7), "−123457");
    }

    #[test]
    fn non_finite_numbers_are_named() {
        assert_eq!(num(f64::NAN), "NaN");
        assert_eq!(num(f64::INFINITY), "inf");
        assert_eq!(num(f64::NEG_INFINITY), "−inf");
    }

    #[test]
    fn negative_factors_are_parenthesised() {
        assert_eq!(factor(-0.5), "(−0.5000)");
        assert_eq!(factor(0.5), "0.5000");
    }

    #[test]
    fn every_number_fits_the_width() {
        for v in [
            -1.7976931348623157e308,
            -9999.99999,
            -0.00004999,
            -5e-324,
            1e-300,
            12345.678,
            9999.9999,
            -999.99996,
            -999.9999,
        ] {
            let s = num(v);
            assert!(s.chars().count() <= WIDTH, "{v} -> {s}");
        }
    }
}
