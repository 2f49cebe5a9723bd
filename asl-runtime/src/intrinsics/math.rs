//! `States.MathAdd` and `States.MathRandom`.

use serde_json::Value;

use super::Args;
use crate::Failure;

/// A number rounded as Java's `Math.round` does (half up: 2.5 → 3, -2.5 → -2), which is what
/// AWS does to non-integer arguments (cases `math_operations__test_math_add__*`).
fn rounded(a: &Args, i: usize, what: &str) -> Result<i64, Failure> {
    let v = a.get(i);
    if let Some(n) = v.as_i64() {
        return Ok(n);
    }
    match v.as_f64() {
        Some(f) if f.is_finite() && f.abs() < 9.2e18 => Ok((f + 0.5).floor() as i64),
        _ => Err(a.fail(format_args!("the {what} must be a number"))),
    }
}

fn int32(a: &Args, n: i64, what: &str) -> Result<i32, Failure> {
    i32::try_from(n).map_err(|_| a.fail(format_args!("the {what} {n} is outside the 32-bit integer range")))
}

pub(super) fn add(a: &Args) -> Result<Value, Failure> {
    let x = int32(a, rounded(a, 0, "first argument")?, "first argument")?;
    let y = int32(a, rounded(a, 1, "second argument")?, "second argument")?;
    let sum = x.checked_add(y).ok_or_else(|| a.fail("the sum is outside the 32-bit integer range"))?;
    Ok(Value::from(sum))
}

/// A random integer in `[start, end)`. With a seed the sequence is Java's `new Random(seed)`
/// (`nextInt(end - start) + start`), so a seeded call is repeatable; that AWS uses exactly
/// this generator is an assumption.
pub(super) fn random(a: &Args) -> Result<Value, Failure> {
    let start = int32(a, rounded(a, 0, "start")?, "start")?;
    let end = int32(a, rounded(a, 1, "end")?, "end")?;
    if start >= end {
        return Err(a.fail("the start must be less than the end"));
    }
    let bound = i64::from(end) - i64::from(start);
    let offset = match a.vals.get(2) {
        Some(_) => {
            let seed = rounded(a, 2, "seed")?;
            match i32::try_from(bound) {
                Ok(b) => i64::from(JavaRandom::new(seed).next_int(b)),
                Err(_) => fastrand::i64(0..bound),
            }
        }
        None => fastrand::i64(0..bound),
    };
    Ok(Value::from(i64::from(start) + offset))
}

/// `java.util.Random`'s linear congruential generator.
struct JavaRandom(i64);

impl JavaRandom {
    const MULT: i64 = 0x5_DEEC_E66D;
    const MASK: i64 = (1 << 48) - 1;

    fn new(seed: i64) -> Self {
        JavaRandom((seed ^ Self::MULT) & Self::MASK)
    }

    fn next(&mut self, bits: u32) -> i32 {
        self.0 = (self.0.wrapping_mul(Self::MULT).wrapping_add(0xB)) & Self::MASK;
        (self.0 >> (48 - bits)) as i32
    }

    /// `nextInt(bound)` for `bound > 0`.
    fn next_int(&mut self, bound: i32) -> i32 {
        if bound & -bound == bound {
            return ((i64::from(bound) * i64::from(self.next(31))) >> 31) as i32;
        }
        loop {
            let bits = self.next(31);
            let val = bits % bound;
            if bits.wrapping_sub(val).wrapping_add(bound - 1) >= 0 {
                return val;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::JavaRandom;

    #[test]
    fn java_random_matches_the_jdk() {
        // Values printed by a JDK for the same seeds and bounds.
        let mut r = JavaRandom::new(42);
        assert_eq!(r.next_int(100), 30);
        assert_eq!(r.next_int(100), 63);
        assert_eq!(JavaRandom::new(0).next_int(10), 0);
        assert_eq!(JavaRandom::new(1).next_int(16), 11); // power-of-two bound
        assert_eq!(JavaRandom::new(-7).next_int(1000), 662);
    }
}
