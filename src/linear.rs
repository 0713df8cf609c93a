//! Straight-line least squares, shared by the stages that fit a linear law through a few exact
//! points (rounded tick marks and year axes in `axes`, size legends in `sizes`). Written by hand:
//! three sums, no dependency needed.

/// Least-squares line `u = a + b * p` through (position, value) pairs, with the largest residual
/// in position units; `None` when the positions do not spread.
pub(crate) fn fit_line(pairs: &[(f64, f64)]) -> Option<(f64, f64, f64)> {
    let n = pairs.len() as f64;
    let (mp, mu) = pairs.iter().fold((0.0, 0.0), |(a, b), &(p, u)| (a + p / n, b + u / n));
    let (spp, spu) =
        pairs.iter().fold((0.0, 0.0), |(a, b), &(p, u)| (a + (p - mp) * (p - mp), b + (p - mp) * (u - mu)));
    let b = spu / spp;
    let a = mu - b * mp;
    let worst = pairs.iter().map(|&(p, u)| ((u - a) / b - p).abs()).fold(0.0, f64::max);
    (b.is_finite() && b != 0.0).then_some((a, b, worst))
}
