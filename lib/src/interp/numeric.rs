//! The exact semantics of the numeric instructions that Rust's operators do not give directly:
//! trapping division, float min/max/nearest with the NaN rules, trapping float→int conversions.

use super::trap::TrapKind;

/// `i32.div_s`.
#[inline]
pub fn i32_div_s(a: i32, b: i32) -> Result<i32, TrapKind> {
    if b == 0 {
        return Err(TrapKind::IntegerDivideByZero);
    }
    a.checked_div(b).ok_or(TrapKind::IntegerOverflow)
}

/// `i32.div_u`.
#[inline]
pub fn i32_div_u(a: u32, b: u32) -> Result<u32, TrapKind> {
    a.checked_div(b).ok_or(TrapKind::IntegerDivideByZero)
}

/// `i32.rem_s`: `MIN % -1` is 0, not an overflow.
#[inline]
pub fn i32_rem_s(a: i32, b: i32) -> Result<i32, TrapKind> {
    if b == 0 {
        return Err(TrapKind::IntegerDivideByZero);
    }
    Ok(a.wrapping_rem(b))
}

/// `i32.rem_u`.
#[inline]
pub fn i32_rem_u(a: u32, b: u32) -> Result<u32, TrapKind> {
    a.checked_rem(b).ok_or(TrapKind::IntegerDivideByZero)
}

/// `i64.div_s`.
#[inline]
pub fn i64_div_s(a: i64, b: i64) -> Result<i64, TrapKind> {
    if b == 0 {
        return Err(TrapKind::IntegerDivideByZero);
    }
    a.checked_div(b).ok_or(TrapKind::IntegerOverflow)
}

/// `i64.div_u`.
#[inline]
pub fn i64_div_u(a: u64, b: u64) -> Result<u64, TrapKind> {
    a.checked_div(b).ok_or(TrapKind::IntegerDivideByZero)
}

/// `i64.rem_s`.
#[inline]
pub fn i64_rem_s(a: i64, b: i64) -> Result<i64, TrapKind> {
    if b == 0 {
        return Err(TrapKind::IntegerDivideByZero);
    }
    Ok(a.wrapping_rem(b))
}

/// `i64.rem_u`.
#[inline]
pub fn i64_rem_u(a: u64, b: u64) -> Result<u64, TrapKind> {
    a.checked_rem(b).ok_or(TrapKind::IntegerDivideByZero)
}

macro_rules! float_ops {
    ($t:ty, $bits:ty, $min:ident, $max:ident, $nearest:ident, $copysign:ident) => {
        /// `fN.min`: NaN if either operand is NaN, and -0 below +0.
        #[inline]
        pub fn $min(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                // An arithmetic NaN: quiet whatever the host does with a signalling input.
                return quiet(a + b);
            }
            if a == b {
                // Equal, possibly zeros of different signs: -0 wins.
                return <$t>::from_bits(a.to_bits() | b.to_bits());
            }
            if a < b { a } else { b }
        }

        /// `fN.max`: NaN if either operand is NaN, and +0 above -0.
        #[inline]
        pub fn $max(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                return quiet(a + b);
            }
            if a == b {
                return <$t>::from_bits(a.to_bits() & b.to_bits());
            }
            if a > b { a } else { b }
        }

        /// `fN.nearest`: round to nearest, ties to even.
        #[inline]
        pub fn $nearest(a: $t) -> $t {
            quiet(a.round_ties_even())
        }

        /// `fN.copysign` on bits: never touches a NaN's payload.
        #[inline]
        pub fn $copysign(a: $bits, b: $bits) -> $bits {
            const SIGN: $bits = 1 << (<$bits>::BITS - 1);
            (a & !SIGN) | (b & SIGN)
        }
    };
}

/// A rounding result with any NaN made quiet: the rounding instructions' software paths may
/// hand a signalling NaN back unchanged, and wasm requires an arithmetic NaN.
pub trait Quiet {
    /// The value, with the quiet bit set when it is a NaN.
    fn quiet(self) -> Self;
}

impl Quiet for f32 {
    #[inline]
    fn quiet(self) -> Self {
        if self.is_nan() {
            f32::from_bits(self.to_bits() | 0x0040_0000)
        } else {
            self
        }
    }
}

impl Quiet for f64 {
    #[inline]
    fn quiet(self) -> Self {
        if self.is_nan() {
            f64::from_bits(self.to_bits() | 0x0008_0000_0000_0000)
        } else {
            self
        }
    }
}

/// See [`Quiet`].
#[inline]
pub fn quiet<T: Quiet>(x: T) -> T {
    x.quiet()
}

float_ops!(f32, u32, f32_min, f32_max, f32_nearest, f32_copysign);
float_ops!(f64, u64, f64_min, f64_max, f64_nearest, f64_copysign);

/// Truncates `x` toward zero for an integer conversion whose valid results, truncated, lie in
/// `lo..=hi_exclusive` with `hi_exclusive` excluded. Every f32 is exactly an f64, so one helper
/// serves both widths.
#[inline]
fn trunc_checked(x: f64, lo: f64, hi_exclusive: f64) -> Result<f64, TrapKind> {
    if x.is_nan() {
        return Err(TrapKind::InvalidConversionToInteger);
    }
    let t = x.trunc();
    if t < lo || t >= hi_exclusive {
        return Err(TrapKind::IntegerOverflow);
    }
    Ok(t)
}

/// `i32.trunc_f*_s`.
#[inline]
pub fn i32_trunc_s(x: f64) -> Result<i32, TrapKind> {
    trunc_checked(x, -2_147_483_648.0, 2_147_483_648.0).map(|t| t as i32)
}

/// `i32.trunc_f*_u`.
#[inline]
pub fn i32_trunc_u(x: f64) -> Result<u32, TrapKind> {
    trunc_checked(x, 0.0, 4_294_967_296.0).map(|t| t as u32)
}

/// `i64.trunc_f*_s`.
#[inline]
pub fn i64_trunc_s(x: f64) -> Result<i64, TrapKind> {
    trunc_checked(x, -9_223_372_036_854_775_808.0, 9_223_372_036_854_775_808.0).map(|t| t as i64)
}

/// `i64.trunc_f*_u`.
#[inline]
pub fn i64_trunc_u(x: f64) -> Result<u64, TrapKind> {
    trunc_checked(x, 0.0, 18_446_744_073_709_551_616.0).map(|t| t as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_division_traps() {
        assert_eq!(i32_div_s(7, 0), Err(TrapKind::IntegerDivideByZero));
        assert_eq!(i32_div_s(i32::MIN, -1), Err(TrapKind::IntegerOverflow));
        assert_eq!(i32_div_s(-7, 2), Ok(-3));
        assert_eq!(i32_rem_s(i32::MIN, -1), Ok(0));
        assert_eq!(i32_rem_s(-7, 2), Ok(-1));
        assert_eq!(i32_div_u(7, 0), Err(TrapKind::IntegerDivideByZero));
        assert_eq!(i32_rem_u(u32::MAX, 7), Ok(u32::MAX % 7));
        assert_eq!(i64_div_s(i64::MIN, -1), Err(TrapKind::IntegerOverflow));
        assert_eq!(i64_rem_s(i64::MIN, -1), Ok(0));
        assert_eq!(i64_rem_u(5, 0), Err(TrapKind::IntegerDivideByZero));
    }

    #[test]
    fn min_max_zeros_and_nans() {
        assert_eq!(f32_min(0.0, -0.0).to_bits(), (-0.0f32).to_bits());
        assert_eq!(f32_min(-0.0, 0.0).to_bits(), (-0.0f32).to_bits());
        assert_eq!(f32_max(-0.0, 0.0).to_bits(), 0.0f32.to_bits());
        assert!(f32_min(f32::NAN, 1.0).is_nan());
        assert!(f64_max(1.0, f64::NAN).is_nan());
        assert_eq!(f64_min(1.0, 2.0), 1.0);
        assert_eq!(f64_max(1.0, 2.0), 2.0);
    }

    #[test]
    fn rounding_quiets_signalling_nans() {
        let snan = f32::from_bits(0x7fa0_0000);
        assert_eq!(quiet(snan.floor()).to_bits() & 0x7fc0_0000, 0x7fc0_0000);
        // An arithmetic NaN (the quiet bit set) is all wasm asks: its sign and the rest of
        // its payload are not specified (Rust keeps or drops the payload, Miri picks either).
        let arithmetic = 0x7ff8_0000_0000_0000;
        let bits = f64_nearest(f64::from_bits(0xfff4_0000_0000_0000)).to_bits();
        assert_eq!(bits & arithmetic, arithmetic, "{bits:#x}");
    }

    #[test]
    fn nearest_ties_to_even() {
        assert_eq!(f32_nearest(2.5), 2.0);
        assert_eq!(f32_nearest(3.5), 4.0);
        assert_eq!(f64_nearest(-0.5).to_bits(), (-0.0f64).to_bits());
    }

    #[test]
    fn copysign_keeps_nan_payload() {
        let nan = 0x7fc0_1234u32;
        assert_eq!(f32_copysign(nan, (-1.0f32).to_bits()), nan | 0x8000_0000);
        assert_eq!(
            f64_copysign(1.0f64.to_bits(), (-0.0f64).to_bits()),
            (-1.0f64).to_bits()
        );
    }

    #[test]
    fn conversions_trap_at_the_edges() {
        assert_eq!(
            i32_trunc_s(f64::NAN),
            Err(TrapKind::InvalidConversionToInteger)
        );
        assert_eq!(i32_trunc_s(2_147_483_647.9), Ok(i32::MAX));
        assert_eq!(i32_trunc_s(2_147_483_648.0), Err(TrapKind::IntegerOverflow));
        assert_eq!(i32_trunc_s(-2_147_483_648.9), Ok(i32::MIN));
        assert_eq!(
            i32_trunc_s(-2_147_483_649.0),
            Err(TrapKind::IntegerOverflow)
        );
        assert_eq!(i32_trunc_u(-0.9), Ok(0));
        assert_eq!(i32_trunc_u(-1.0), Err(TrapKind::IntegerOverflow));
        assert_eq!(
            i64_trunc_s(9.223_372_036_854_776e18),
            Err(TrapKind::IntegerOverflow)
        );
        assert_eq!(
            i64_trunc_u(1.844_674_407_370_955e19),
            Ok(18_446_744_073_709_549_568)
        );
        assert_eq!(i64_trunc_u(f64::INFINITY), Err(TrapKind::IntegerOverflow));
    }
}
