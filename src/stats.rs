//! Statistics for comparing two groups of scores: means and spreads, bootstrap intervals, effect sizes
//! (Cliff's delta, Cohen's d), a permutation test, Holm's adjustment of several p-values, and cosine
//! similarity of two profiles.
//!
//! Every function is pure. Those that resample take a seed and give the same answer for the same seed on
//! every machine and every run: the generator ([`Rng`]) is written out here so that no dependency update
//! can change a published number. A statistic that is undefined for its input (an empty group, a zero
//! spread) is `None` rather than a NaN that would travel silently into a table.
//!
//! Inputs are expected to be finite: callers drop missing values first. Reading tables, choosing speakers
//! and wording verdicts are left to [`crate::compare`].

/// A seeded pseudo-random generator: xoshiro256** (Blackman and Vigna, 2018), its state filled from the
/// seed by SplitMix64 as its authors recommend, so that nearby seeds give unrelated streams.
///
/// It is not cryptographic; it is fast, passes the usual statistical test batteries, and a seed names the
/// same stream forever.
///
/// ```
/// use tenor::stats::Rng;
///
/// let mut a = Rng::new(7);
/// let mut b = Rng::new(7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// assert!(a.below(10) < 10);
/// ```
#[derive(Debug, Clone)]
pub struct Rng {
    state: [u64; 4],
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut sequence = seed;
        let mut next = || splitmix64(&mut sequence);
        Rng {
            state: [next(), next(), next(), next()],
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A uniform integer in `0..n`, without the bias of `next_u64() % n` (Lemire's multiply-and-reject
    /// method, which almost never needs a second draw). Returns 0 when `n` is 0.
    pub fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        let mut product = u128::from(self.next_u64()) * u128::from(n);
        if (product as u64) < n {
            let threshold = n.wrapping_neg() % n;
            while (product as u64) < threshold {
                product = u128::from(self.next_u64()) * u128::from(n);
            }
        }
        (product >> 64) as usize
    }

    /// Two independent uniform integers in `0..n` from one 64-bit draw when `n` fits in 32 bits: the
    /// bootstrap draws tens of millions of indices, and this halves the generator's work.
    // Called for every pair of rows of every resample: inlined, it leaves the drawing loop's state in
    // registers.
    #[inline(always)]
    fn two_below(&mut self, n: usize) -> (usize, usize) {
        let Ok(n32) = u32::try_from(n) else {
            return (self.below(n), self.below(n));
        };
        let bits = self.next_u64();
        (
            self.below_u32(bits as u32, n32),
            self.below_u32((bits >> 32) as u32, n32),
        )
    }

    /// Lemire's method on 32 bits, starting from the draw `bits`; a rejected draw is replaced by fresh
    /// bits from the generator.
    #[inline]
    fn below_u32(&mut self, mut bits: u32, n: u32) -> usize {
        let mut product = u64::from(bits) * u64::from(n);
        if (product as u32) < n {
            let threshold = n.wrapping_neg() % n;
            while (product as u32) < threshold {
                bits = self.next_u64() as u32;
                product = u64::from(bits) * u64::from(n);
            }
        }
        (product >> 32) as usize
    }
}

/// SplitMix64 (Steele, Lea and Flood): one step of the sequence in `state`.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The arithmetic mean; `None` for an empty sample.
///
/// ```
/// assert_eq!(tenor::stats::mean(&[1.0, 2.0, 6.0]), Some(3.0));
/// assert_eq!(tenor::stats::mean(&[]), None);
/// ```
pub fn mean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    Some(xs.iter().sum::<f64>() / xs.len() as f64)
}

/// The sample standard deviation (divisor `n - 1`); `None` for fewer than two values.
///
/// ```
/// let sd = tenor::stats::sample_sd(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
/// assert!((sd - 2.138_09).abs() < 1e-5);
/// ```
pub fn sample_sd(xs: &[f64]) -> Option<f64> {
    if xs.len() < 2 {
        return None;
    }
    let m = mean(xs)?;
    Some((squared_deviations(xs, m) / (xs.len() - 1) as f64).sqrt())
}

fn squared_deviations(xs: &[f64], mean: f64) -> f64 {
    xs.iter().map(|&x| (x - mean) * (x - mean)).sum()
}

/// A closed interval `low..=high`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

impl Interval {
    pub fn contains(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }

    /// Whether the whole interval lies on one side of zero.
    pub fn excludes_zero(&self) -> bool {
        !self.contains(0.0)
    }
}

/// Settings of a percentile bootstrap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bootstrap {
    /// Number of resamples. 2,000 puts the ends of a 95% interval within about 0.05 standard errors of
    /// where infinitely many would.
    pub resamples: usize,
    /// Coverage of the interval, strictly between 0 and 1.
    pub confidence: f64,
    pub seed: u64,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Bootstrap {
            resamples: 2_000,
            confidence: 0.95,
            seed: 0,
        }
    }
}

impl Bootstrap {
    fn is_usable(&self) -> bool {
        self.resamples > 0 && self.confidence > 0.0 && self.confidence < 1.0
    }

    /// Whether the interval of the mean of two values is sure to be their range. A resample of two
    /// values `a < b` means `a` with probability 1/4, so about a quarter of the resampled means
    /// equal `a` and a quarter `b`; when each tail holds at most a tenth of 1,000 or more resamples,
    /// fewer than a tenth landing on `a` is more than eleven standard deviations out (odds below
    /// 1e-27), and the tail's order statistics are exactly `a` and `b`. Two-quote rows are common, so
    /// this saves drawing and searching thousands of means for each.
    fn ends_are_sure_for_two(&self) -> bool {
        let tail = (1.0 - self.confidence) / 2.0;
        self.resamples >= 1_000 && tail <= 0.1
    }

    /// The percentile interval of the resampled statistics. Only four order statistics are needed,
    /// so a full sort is avoided, with the same result: narrow tails (the usual 2.5% of 2,000) are
    /// taken from the values beyond mean ± 1.5 sd (see [`beyond_cuts`]), or where those fall short
    /// found in one pass that keeps the few smallest and largest values seen; wide ones by two
    /// selections.
    fn interval(&self, statistics: &mut [f64]) -> Interval {
        self.interval_within(statistics, None)
    }

    /// [`Bootstrap::interval`], with the cuts beyond which the tails are looked for when the caller
    /// knows where they fall (the spread of a resampled mean follows from the sample's); otherwise
    /// they are found from the statistics' own moments.
    fn interval_within(&self, statistics: &mut [f64], cuts: Option<(f64, f64)>) -> Interval {
        self.interval_of_mapped(statistics, cuts, |x| x)
    }

    /// The percentile interval of `value` of each of `statistics`, where `value` never reverses
    /// their order (`a <= b` gives `value(a) <= value(b)`), so that the order statistics of the
    /// values are the values of the order statistics: only the four needed are mapped. The drawn
    /// bootstrap keeps resampled sums and maps them to means this way, one division for each end
    /// rather than one for each resample. `cuts` are in the units of `statistics`.
    #[inline]
    fn interval_of_mapped(
        &self,
        statistics: &mut [f64],
        cuts: Option<(f64, f64)>,
        value: impl Fn(f64) -> f64,
    ) -> Interval {
        let tail = (1.0 - self.confidence) / 2.0;
        let n = statistics.len();
        let low_position = (n - 1) as f64 * tail;
        let high_position = (n - 1) as f64 * (1.0 - tail);
        // Order statistics needed: 0..=ceil(low) from the bottom, floor(high)..n from the top.
        let bottom = low_position.ceil() as usize + 1;
        let top = n - high_position.floor() as usize;
        if bottom + top > n / 8 {
            return Interval {
                low: quantile_by_selection(statistics, tail, &value),
                high: quantile_by_selection(statistics, 1.0 - tail, &value),
            };
        }
        let (below, above) = match cuts {
            Some(cuts) => split_at_cuts(statistics, cuts, 3 * bottom, 3 * top),
            None => beyond_cuts(statistics, 3 * bottom, 3 * top),
        };
        // The order statistics on either side of each position: `(floor, ceil)`.
        let (low_floor, low_ceil) = (low_position.floor(), low_position.ceil());
        let (high_floor, high_ceil) = (high_position.floor(), high_position.ceil());
        let low_pair = match below {
            // Counted from the bottom, the statistics at floor and floor + 1.
            Some(mut below) if below.len() >= bottom => {
                neighbours_in_order(&mut below, low_floor as usize, f64::total_cmp)
            }
            _ => {
                let smallest = extremes(statistics, bottom, |a, b| a < b);
                (smallest[low_floor as usize], smallest[low_ceil as usize])
            }
        };
        let high_pair = match above {
            // Counted from the top, the statistics at ceil and ceil - 1.
            Some(mut above) if above.len() >= top => {
                let rank = n - 1 - high_ceil as usize;
                let (at_ceil, next) = neighbours_in_order(&mut above, rank, |a, b| b.total_cmp(a));
                if high_ceil == high_floor {
                    (at_ceil, at_ceil)
                } else {
                    (next, at_ceil)
                }
            }
            _ => {
                let largest = extremes(statistics, top, |a, b| a > b);
                let rank = |position: f64| n - 1 - position as usize;
                (largest[rank(high_floor)], largest[rank(high_ceil)])
            }
        };
        let interpolate = |position: f64, (floor, next): (f64, f64)| {
            let (floor, next) = (value(floor), value(next));
            let below = position.floor();
            let high = if position.ceil() == below {
                floor
            } else {
                next
            };
            floor + (position - below) * (high - floor)
        };
        Interval {
            low: interpolate(low_position, low_pair),
            high: interpolate(high_position, high_pair),
        }
    }
}

/// The `k`-th of `xs` in the order `by` (from 0) and the one after it, or the `k`-th twice when it is
/// the last: the pair of order statistics an interpolated quantile needs, by one selection rather
/// than a sort. Reorders `xs`, which must hold more than `k` values.
fn neighbours_in_order(
    xs: &mut [f64],
    k: usize,
    by: impl Fn(&f64, &f64) -> std::cmp::Ordering,
) -> (f64, f64) {
    let (_, &mut at, after) = xs.select_nth_unstable_by(k, &by);
    let next = after.iter().copied().min_by(|a, b| by(a, b)).unwrap_or(at);
    (at, next)
}

/// The values of `xs` more than 1.5 standard deviations below its mean, and those more than 1.5
/// above: one pass for the moments and one of two comparisons a value. Resampled means are close to
/// normal, so each side usually holds about 7% of the values, enough for a 95% interval's 2.5% tail
/// at a fraction of the cost of keeping the tail sorted value by value; a side that falls short (a
/// lumpy sample of few quotes) is left to that search. `None` for both when the values are constant
/// or not finite. `expected_below` and `expected_above` size the two lists.
fn beyond_cuts(
    xs: &[f64],
    expected_below: usize,
    expected_above: usize,
) -> (Option<Vec<f64>>, Option<Vec<f64>>) {
    let n = xs.len() as f64;
    let (mut sum, mut squares) = (0.0, 0.0);
    for &x in xs {
        sum += x;
        squares += x * x;
    }
    let mean = sum / n;
    let variance = squares / n - mean * mean;
    // Also false for NaN, which would defeat the comparisons below.
    if !(variance.is_finite() && variance > 0.0) {
        return (None, None);
    }
    let reach = 1.5 * variance.sqrt();
    split_at_cuts(
        xs,
        (mean - reach, mean + reach),
        expected_below,
        expected_above,
    )
}

/// The values of `xs` below `low_cut` and those above `high_cut`.
fn split_at_cuts(
    xs: &[f64],
    (low_cut, high_cut): (f64, f64),
    expected_below: usize,
    expected_above: usize,
) -> (Option<Vec<f64>>, Option<Vec<f64>>) {
    let mut below = Vec::with_capacity(expected_below);
    let mut above = Vec::with_capacity(expected_above);
    for &x in xs {
        if x < low_cut {
            below.push(x);
        } else if x > high_cut {
            above.push(x);
        }
    }
    (Some(below), Some(above))
}

/// The `k` values of `xs` that come first by `before` (a strict order), in that order. Most values
/// are rejected by one comparison with the last kept, so this is one cheap pass when `k` is small.
fn extremes(xs: &[f64], k: usize, before: impl Fn(f64, f64) -> bool) -> Vec<f64> {
    let mut kept: Vec<f64> = Vec::with_capacity(k + 1);
    for &x in xs {
        if kept.len() == k && !before(x, kept[k - 1]) {
            continue;
        }
        let at = kept.partition_point(|&y| !before(x, y));
        kept.insert(at, x);
        kept.truncate(k);
    }
    kept
}

/// The `q` quantile of the `value`s of non-empty `xs`, interpolating linearly between order
/// statistics (the definition spreadsheets and R use by default). `value` must never reverse the
/// order of `xs` (see [`Bootstrap::interval_of_mapped`]). Reorders `xs`.
fn quantile_by_selection(xs: &mut [f64], q: f64, value: impl Fn(f64) -> f64) -> f64 {
    let position = (xs.len() - 1) as f64 * q;
    let below = position.floor() as usize;
    let (_, &mut low, above) = xs.select_nth_unstable_by(below, f64::total_cmp);
    let low = value(low);
    if position == below as f64 {
        return low;
    }
    // The next order statistic is the smallest of those placed above the selected one.
    let high = value(above.iter().copied().fold(f64::INFINITY, f64::min));
    low + (position - below as f64) * (high - low)
}

/// The `q` quantile of sorted, non-empty `xs`, as [`quantile_by_selection`] computes it.
#[cfg(test)]
fn quantile_of_sorted(xs: &[f64], q: f64) -> f64 {
    let position = (xs.len() - 1) as f64 * q;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    xs[below] + (position - below as f64) * (xs[above] - xs[below])
}

/// The mean of a resample of `xs` drawn with replacement. `xs` must not be empty.
fn resampled_mean(xs: &[f64], rng: &mut Rng) -> f64 {
    let n = xs.len();
    // Two running sums, so that each addition need not wait for the one before it.
    let (mut even, mut odd) = (0.0, 0.0);
    for _ in 0..n / 2 {
        let (i, j) = rng.two_below(n);
        even += xs[i];
        odd += xs[j];
    }
    if n % 2 == 1 {
        even += xs[rng.below(n)];
    }
    (even + odd) / n as f64
}

/// The percentile bootstrap interval of the mean of `xs`: resample `xs` with replacement
/// `options.resamples` times and take the central `options.confidence` share of the resampled means.
/// `None` when `xs` is empty or the options are unusable (no resamples, confidence outside 0..1).
///
/// ```
/// use tenor::stats::{bootstrap_mean, Bootstrap};
///
/// let scores = [0.2, 0.3, 0.25, 0.35, 0.3, 0.2, 0.4, 0.3];
/// let interval = bootstrap_mean(&scores, &Bootstrap::default()).unwrap();
/// assert!(interval.contains(0.2875));
/// assert!(interval.low > 0.2 && interval.high < 0.4);
/// ```
pub fn bootstrap_mean(xs: &[f64], options: &Bootstrap) -> Option<Interval> {
    if xs.is_empty() || !options.is_usable() {
        return None;
    }
    let mut rng = Rng::new(options.seed);
    let mut means: Vec<f64> = (0..options.resamples)
        .map(|_| resampled_mean(xs, &mut rng))
        .collect();
    Some(options.interval(&mut means))
}

/// Percentile bootstrap intervals of the means of the columns of `rows`, resampled together: each
/// resample draws one set of rows and serves every column, so nine scores of a quote cost one stream
/// of random numbers rather than nine. Only the columns marked in `wanted` get an interval; the others
/// are `None`, as are all when `rows` is empty or the options are unusable.
///
/// Rows are drawn by position, so callers that want an answer independent of input order put the rows
/// in a canonical order first.
///
/// ```
/// use tenor::stats::{bootstrap_column_means, Bootstrap};
///
/// let rows = [[0.2, -0.5], [0.3, -0.4], [0.25, -0.6], [0.35, -0.5]];
/// let [first, second] = bootstrap_column_means(&rows, [true, false], &Bootstrap::default());
/// assert!(first.unwrap().contains(0.275));
/// assert_eq!(second, None);
/// ```
pub fn bootstrap_column_means<const K: usize>(
    rows: &[[f32; K]],
    wanted: [bool; K],
    options: &Bootstrap,
) -> [Option<Interval>; K] {
    bootstrap_column_means_with(rows, wanted, options, &mut BootstrapScratch::default())
}

/// Memory that [`bootstrap_column_means_with`] reuses from one call to the next: the resampled sums
/// of nine columns take 144 KB, which costs more to allocate and clear than to fill for a small sample.
#[derive(Debug, Clone, Default)]
pub struct BootstrapScratch {
    drawn: Vec<f64>,
    /// Exact resamples of a small sample: one column's sum in each, and the partial sums of the
    /// first rows from which they are made, a level at a time.
    sums: Vec<f64>,
    levels: [Vec<f64>; 2],
    /// One column's weighted sums, or those below its low cut; `above` those above its high cut.
    column: Vec<(f64, u64)>,
    above: Vec<(f64, u64)>,
}

/// [`bootstrap_column_means`], with its working memory in `scratch` (one per thread).
pub fn bootstrap_column_means_with<const K: usize>(
    rows: &[[f32; K]],
    wanted: [bool; K],
    options: &Bootstrap,
    scratch: &mut BootstrapScratch,
) -> [Option<Interval>; K] {
    let mut intervals = [None; K];
    if rows.is_empty() || !options.is_usable() || !wanted.contains(&true) {
        return intervals;
    }
    if let [a, b] = rows
        && options.ends_are_sure_for_two()
    {
        for (k, interval) in intervals.iter_mut().enumerate() {
            if wanted[k] {
                let (a, b) = (f64::from(a[k]), f64::from(b[k]));
                *interval = Some(Interval {
                    low: a.min(b),
                    high: a.max(b),
                });
            }
        }
        return intervals;
    }
    if rows.len() <= EXACT_UP_TO && distinct_resamples(rows.len()) <= options.resamples as u64 {
        return exact_column_means(rows, wanted, options, scratch);
    }
    drawn_column_means(rows, wanted, options, scratch)
}

/// Samples up to this size get the exact bootstrap distribution rather than drawn resamples when they
/// have no more distinct resamples than would be drawn: seven quotes have 1,716, fewer than the default
/// 2,000, and most rows of the speaker tables are this small.
const EXACT_UP_TO: usize = 7;

/// The number of distinct resamples (multisets) of `n` rows: C(2n - 1, n).
fn distinct_resamples(n: usize) -> u64 {
    (1..=n as u64).fold(1, |c, k| c * (n as u64 - 1 + k) / k)
}

/// [`bootstrap_column_means_with`] from every distinct resample of a small sample, each weighted by
/// its probability: the interval that infinitely many drawn resamples would converge on, without their
/// noise. A resample of `n` rows is fixed by how often it takes each row (`c_1 + ... + c_n = n`),
/// which happens with probability `n! / (c_1! ... c_n!) / n^n`; each end of the interval is the
/// smallest resampled mean whose cumulative probability reaches the tail's share.
///
/// Rows scoring 0 add nothing to a sum, so only how often a resample takes them in all matters:
/// they are left out of the enumeration (most columns of small samples have some, and a resample
/// of seven rows of which three score 0 is one of 330 rather than 1,716). The ends are searched
/// for among the resamples' sums and divided by `n` only once found: dividing by `n` is monotone,
/// so the sum that ends a tail, divided, is the mean that ends it.
#[inline(never)]
fn exact_column_means<const K: usize>(
    rows: &[[f32; K]],
    wanted: [bool; K],
    options: &Bootstrap,
    scratch: &mut BootstrapScratch,
) -> [Option<Interval>; K] {
    let n = rows.len();
    let BootstrapScratch {
        sums,
        levels,
        column,
        above,
        ..
    } = scratch;
    // n^n: the number of ordered draws, which the weights count.
    let total = (0..n).fold(1u64, |t, _| t * n as u64);
    let tail = (1.0 - options.confidence) / 2.0;
    let divisor = n as f64;
    let mut intervals = [None; K];
    for (k, interval) in intervals.iter_mut().enumerate() {
        if !wanted[k] {
            continue;
        }
        let mut values = [0.0; EXACT_UP_TO];
        let mut m = 0;
        for row in rows {
            if row[k] != 0.0 {
                values[m] = f64::from(row[k]);
                m += 1;
            }
        }
        resample_sums(&values[..m], n, levels, sums);
        let ways = &RESAMPLE_WAYS[RESAMPLE_START[n][m]..RESAMPLE_START[n][m + 1]];
        // The cuts only decide which sums are set aside for the search, never its answer. A
        // constant column has no tails to set aside.
        let cuts = tail_cuts(rows.iter().map(|row| f64::from(row[k])))
            .map_or((f64::NEG_INFINITY, f64::INFINITY), |(low, high)| {
                (low * divisor, high * divisor)
            });
        let weighted = sums.iter().copied().zip(ways.iter().map(|&w| u64::from(w)));
        let ends = ends_of_weighted(weighted, cuts, tail, total, column, above);
        *interval = Some(Interval {
            low: ends.low / divisor,
            high: ends.high / divisor,
        });
    }
    intervals
}

/// Writes to `sums` the sum of every distinct resample of `n` rows, of which those not scoring 0
/// score `values` (in row order), in the order of [`RESAMPLE_WAYS`]. Each sum is formed as the rows
/// come, `((0 + c_1 x_1) + c_2 x_2) + ...`, as drawing the resample would accumulate it: the
/// interval is then the same bits whichever way it is found. Adding a row scoring 0 (or -0) leaves a
/// sum that started at 0 unchanged, bit for bit, so those rows can be left out.
///
/// Resamples sharing their counts of the first rows share those rows' partial sum. The partial sums
/// after each row are kept grouped by the draws they leave to the later rows: a group's children
/// that take the next row equally often all add the same product, so each is one loop adding one
/// constant to a run of sums, which the compiler vectorises.
fn resample_sums(values: &[f64], n: usize, [level, next]: &mut [Vec<f64>; 2], sums: &mut Vec<f64>) {
    let m = values.len();
    // products[d][c]: row d taken c times.
    let mut products = [[0.0; EXACT_UP_TO + 1]; EXACT_UP_TO];
    for (row, &value) in products.iter_mut().zip(values) {
        for (times, product) in row.iter_mut().enumerate().take(n + 1) {
            *product = times as f64 * value;
        }
    }
    // Before any row, one empty partial sum leaves all n draws. `starts[left]..starts[left + 1]`
    // is the group that leaves `left`.
    let mut starts = [0usize; EXACT_UP_TO + 2];
    starts[n + 1] = 1;
    level.clear();
    level.push(0.0);
    // With no row scoring 0, the last row takes every draw left; otherwise those rows take them.
    let last_takes_the_rest = m == n;
    for row in products.iter().take(m - usize::from(last_takes_the_rest)) {
        next.clear();
        let mut next_starts = [0usize; EXACT_UP_TO + 2];
        for left in 0..=n {
            next_starts[left] = next.len();
            for from in left..=n {
                let add = row[from - left];
                next.extend(
                    level[starts[from]..starts[from + 1]]
                        .iter()
                        .map(|&sum| sum + add),
                );
            }
        }
        next_starts[n + 1] = next.len();
        std::mem::swap(level, next);
        starts = next_starts;
    }
    if last_takes_the_rest {
        sums.clear();
        for left in 0..=n {
            let add = products[n - 1][left];
            sums.extend(
                level[starts[left]..starts[left + 1]]
                    .iter()
                    .map(|&sum| sum + add),
            );
        }
    } else {
        std::mem::swap(sums, level);
    }
}

/// The binomial coefficient C(n, k), for the tables below.
const fn binomial(n: usize, k: usize) -> usize {
    let mut c = 1;
    let mut i = 0;
    while i < k {
        c = c * (n - i) / (i + 1);
        i += 1;
    }
    c
}

/// The number of distinct resamples of `n` rows of which `m` do not score 0: the ways of taking
/// each of the `m` rows some number of times, `n` times in all with no other rows (C(2n - 1, n)),
/// at most `n` with some (C(n + m, m)).
const fn resamples_with_zeros(n: usize, m: usize) -> usize {
    if m == n {
        binomial(2 * n - 1, n)
    } else {
        binomial(n + m, m)
    }
}

/// Where the resamples of `n` rows of which `m` do not score 0 begin in [`RESAMPLE_WAYS`] (and
/// where they end at `m + 1`, for `m < n + 1`), for `n` from 1 to [`EXACT_UP_TO`].
const RESAMPLE_START: [[usize; EXACT_UP_TO + 2]; EXACT_UP_TO + 1] = {
    let mut starts = [[0; EXACT_UP_TO + 2]; EXACT_UP_TO + 1];
    let mut at = 0;
    let mut n = 1;
    while n <= EXACT_UP_TO {
        let mut m = 0;
        while m <= n {
            starts[n][m] = at;
            at += resamples_with_zeros(n, m);
            m += 1;
        }
        starts[n][n + 1] = at;
        n += 1;
    }
    starts
};

/// The number of ordered draws that give each distinct resample, `n!/(c_1! ... c_n!)` (with `r`
/// draws of `z` rows scoring 0 counted together, `n!/(c_1! ... c_m! r!) z^r`), for each `n` from 1
/// to [`EXACT_UP_TO`] and `m` from 0 to `n` rows not scoring 0, in the order in which
/// [`resample_sums`] writes the sums: the same walk over the rows, here multiplying the ways of
/// choosing which draws take each row. They depend only on `n` and `m`, so they are computed at
/// compile time.
static RESAMPLE_WAYS: [u32; RESAMPLE_START[EXACT_UP_TO][EXACT_UP_TO + 1]] = {
    const WIDEST: usize = binomial(2 * EXACT_UP_TO - 1, EXACT_UP_TO);
    let mut all = [0u32; RESAMPLE_START[EXACT_UP_TO][EXACT_UP_TO + 1]];
    let mut n = 1;
    while n <= EXACT_UP_TO {
        let mut m = 0;
        while m <= n {
            let zeros = (n - m) as u32;
            let mut level = [0u32; WIDEST];
            let mut starts = [0usize; EXACT_UP_TO + 2];
            level[0] = 1;
            starts[n + 1] = 1;
            let rows = if zeros == 0 { m - 1 } else { m };
            let mut row = 0;
            while row < rows {
                let mut next = [0u32; WIDEST];
                let mut next_starts = [0usize; EXACT_UP_TO + 2];
                let mut len = 0;
                let mut left = 0;
                while left <= n {
                    next_starts[left] = len;
                    let mut from = left;
                    while from <= n {
                        // Which `from - left` of the `from` draws left take this row.
                        let choose = binomial(from, from - left) as u32;
                        let mut i = starts[from];
                        while i < starts[from + 1] {
                            next[len] = level[i] * choose;
                            len += 1;
                            i += 1;
                        }
                        from += 1;
                    }
                    left += 1;
                }
                next_starts[n + 1] = len;
                level = next;
                starts = next_starts;
                row += 1;
            }
            // The draws left go to the last row in one way, or each to any of the rows scoring 0.
            let at = RESAMPLE_START[n][m];
            let mut left = 0;
            while left <= n {
                let draws = if zeros == 0 {
                    1
                } else {
                    zeros.pow(left as u32)
                };
                let mut i = starts[left];
                while i < starts[left + 1] {
                    all[at + i] = level[i] * draws;
                    i += 1;
                }
                left += 1;
            }
            m += 1;
        }
        n += 1;
    }
    all
};

/// Where the resampled means of a sample with values `xs` are cut into their tails for
/// [`ends_of_weighted`]: 1.5 standard deviations of the resampled mean either side of the sample
/// mean, which leaves about 7% of the weight on each side when the means are close to normal.
/// `None` for a constant sample.
fn tail_cuts(xs: impl Iterator<Item = f64> + Clone) -> Option<(f64, f64)> {
    let (mut count, mut sum) = (0.0, 0.0);
    for x in xs.clone() {
        count += 1.0;
        sum += x;
    }
    let mean = sum / count;
    let squares: f64 = xs.map(|x| (x - mean) * (x - mean)).sum();
    // The variance of the mean of `count` draws with replacement.
    let variance = squares / count / count;
    if !(variance.is_finite() && variance > 0.0) {
        return None;
    }
    let reach = 1.5 * variance.sqrt();
    Some((mean - reach, mean + reach))
}

/// The two ends of the percentile interval of the weighted `values` (weights counting ordered draws,
/// `total` in all): the first value, in increasing order, at which the weight so far reaches each
/// tail's share. Each end is looked for among only the values beyond its cut (`low_cut` or
/// `high_cut`), the few that need ordering, when the tail's share of the weight lies wholly beyond
/// it, and otherwise among them all.
fn ends_of_weighted(
    values: impl Iterator<Item = (f64, u64)> + Clone,
    (low_cut, high_cut): (f64, f64),
    tail: f64,
    total: u64,
    below: &mut Vec<(f64, u64)>,
    above: &mut Vec<(f64, u64)>,
) -> Interval {
    below.clear();
    above.clear();
    let (mut below_weight, mut above_weight) = (0u64, 0u64);
    for (value, weight) in values.clone() {
        if value < low_cut {
            below.push((value, weight));
            below_weight += weight;
        } else if value > high_cut {
            above.push((value, weight));
            above_weight += weight;
        }
    }
    let total_f = total as f64;
    // The low end lies below the cut when the weight there reaches the tail's share; the high end
    // lies above it when the weight up to the cut falls short of its share. Equal values are on the
    // same side of a cut, so each side in order is the start (or the end) of all of them in order.
    let low = if below_weight as f64 >= tail * total_f {
        select_reaching(below, 0, tail, total)
    } else {
        below.clear();
        below.extend(values.clone());
        select_reaching(below, 0, tail, total)
    };
    let not_above = total - above_weight;
    let high = if (not_above as f64) < (1.0 - tail) * total_f {
        select_reaching(above, not_above, 1.0 - tail, total)
    } else {
        above.clear();
        above.extend(values);
        select_reaching(above, 0, 1.0 - tail, total)
    };
    Interval { low, high }
}

/// [`first_reaching`] on unsorted `values`, by selection: split them at their middle one, keep the
/// half where the weight reaches the share, and so on, sorting only the last few. The smallest value
/// whose weight up to and including it reaches the share is what a scan of the sorted values returns.
fn select_reaching(mut values: &mut [(f64, u64)], mut before: u64, q: f64, total: u64) -> f64 {
    let target = q * total as f64;
    while values.len() > 16 {
        let middle = values.len() / 2;
        values.select_nth_unstable_by(middle, |a, b| a.0.total_cmp(&b.0));
        let lower: u64 = values[..middle].iter().map(|&(_, weight)| weight).sum();
        if (before + lower) as f64 >= target {
            // Reached below the middle: values equal to the middle one may lie above it, but they
            // only add weight at a value no smaller than any here.
            values = &mut values[..middle];
        } else {
            // Not reached below the middle: everything there is smaller than the answer.
            before += lower;
            values = &mut values[middle..];
        }
    }
    values.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    first_reaching(values, before, q, total)
}

/// The first value of sorted weighted `values` at which the weight so far, counted from `before`,
/// reaches the share `q` of `total`: the `q` quantile of the exact bootstrap distribution.
fn first_reaching(values: &[(f64, u64)], before: u64, q: f64, total: u64) -> f64 {
    let target = q * total as f64;
    let mut cumulative = before;
    for &(value, weight) in values {
        cumulative += weight;
        if cumulative as f64 >= target {
            return value;
        }
    }
    values.last().map_or(f64::NAN, |&(value, _)| value)
}

/// [`bootstrap_column_means_with`] by drawing every resample.
fn drawn_column_means<const K: usize>(
    rows: &[[f32; K]],
    wanted: [bool; K],
    options: &Bootstrap,
    scratch: &mut BootstrapScratch,
) -> [Option<Interval>; K] {
    let mut intervals = [None; K];
    let resamples = options.resamples;
    let columns: Vec<usize> = (0..K).filter(|&k| wanted[k]).collect();
    // Column-major, so that each column's sums are one slice to select from. Every sum read below
    // is written first, so what earlier calls left needs no clearing.
    if scratch.drawn.len() < columns.len() * resamples {
        scratch.drawn.resize(columns.len() * resamples, 0.0);
    }
    // Each group of columns replays the same stream of draws, so that every column sees the same
    // resamples however many groups there are.
    for (group, columns) in columns.chunks(DRAWN_AT_ONCE).enumerate() {
        let sums = &mut scratch.drawn[group * DRAWN_AT_ONCE * resamples..];
        match columns.len() {
            1 => draw_sums::<K, 1>(rows, columns, options, sums),
            2 => draw_sums::<K, 2>(rows, columns, options, sums),
            3 => draw_sums::<K, 3>(rows, columns, options, sums),
            4 => draw_sums::<K, 4>(rows, columns, options, sums),
            5 => draw_sums::<K, 5>(rows, columns, options, sums),
            6 => draw_sums::<K, 6>(rows, columns, options, sums),
            7 => draw_sums::<K, 7>(rows, columns, options, sums),
            8 => draw_sums::<K, 8>(rows, columns, options, sums),
            9 => draw_sums::<K, 9>(rows, columns, options, sums),
            _ => draw_sums::<K, DRAWN_AT_ONCE>(rows, columns, options, sums),
        }
    }
    let n = rows.len() as f64;
    for (at, &k) in columns.iter().enumerate() {
        let column = &mut scratch.drawn[at * resamples..(at + 1) * resamples];
        // In sum units: the cuts need not be exact, only split the sums into a lower and an
        // upper set, which any threshold does.
        let cuts = tail_cuts(rows.iter().map(|row| f64::from(row[k])))
            .map(|(low, high)| (low * n, high * n));
        // Dividing by n never reverses two sums (it rounds monotonically), so the order
        // statistics of the means are those of the sums, divided.
        intervals[k] = Some(options.interval_of_mapped(column, cuts, |sum| sum / n));
    }
    intervals
}

/// Columns resampled in one pass over the draws: the nine scores of a quote fit, and the sums stay
/// in registers.
const DRAWN_AT_ONCE: usize = 10;

/// The resampled sums of `columns` of `rows` into `sums`, column after column, each
/// `options.resamples` long; the caller divides only the few it needs into means. The rows are first
/// copied as `f64`s of only those columns, so that the loop over the draws converts nothing and adds
/// no column that is not wanted.
///
/// Each sum must come out as adding one drawn row at a time gives it. When no sum of the column can
/// round ([`sums_are_exact`]), the order of the additions cannot matter, and the draws, which come in
/// pairs, add the sum of each pair of rows from a table: half the additions.
#[inline(never)]
fn draw_sums<const K: usize, const W: usize>(
    rows: &[[f32; K]],
    columns: &[usize],
    options: &Bootstrap,
    out: &mut [f64],
) {
    let packed: Vec<[f64; W]> = rows
        .iter()
        .map(|row| std::array::from_fn(|c| columns.get(c).map_or(0.0, |&k| f64::from(row[k]))))
        .collect();
    let (n, resamples) = (rows.len(), options.resamples);
    let add = |sums: &mut [f64; W], row: &[f64; W]| {
        for (sum, &v) in sums.iter_mut().zip(row) {
            *sum += v;
        }
    };
    let pairs: Vec<[f64; W]> = if n * n * W <= PAIR_TABLE_VALUES && sums_are_exact(&packed) {
        let pair = |p: usize| {
            let (a, b) = (&packed[p / n], &packed[p % n]);
            std::array::from_fn(|c| a[c] + b[c])
        };
        (0..n * n).map(pair).collect()
    } else {
        Vec::new()
    };
    let mut rng = Rng::new(options.seed);
    // Resample by resample, each one's sums stored together, and only then spread into columns:
    // stores to W places per resample cost more than the copy.
    let mut drawn: Vec<[f64; W]> = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        let mut sums = [0.0f64; W];
        if pairs.is_empty() {
            for _ in 0..n / 2 {
                let (i, j) = rng.two_below(n);
                add(&mut sums, &packed[i]);
                add(&mut sums, &packed[j]);
            }
        } else {
            for _ in 0..n / 2 {
                let (i, j) = rng.two_below(n);
                add(&mut sums, &pairs[i * n + j]);
            }
        }
        if n % 2 == 1 {
            add(&mut sums, &packed[rng.below(n)]);
        }
        drawn.push(sums);
    }
    for (c, column) in out
        .chunks_exact_mut(resamples)
        .take(columns.len())
        .enumerate()
    {
        for (sum, drawn) in column.iter_mut().zip(&drawn) {
            *sum = drawn[c];
        }
    }
}

/// Values in the table of pair sums of [`draw_sums`]: 512 KB, a quarter of a core's L2 cache, so
/// that its rows are read about as fast as the rows themselves.
const PAIR_TABLE_VALUES: usize = 64 * 1024;

/// Whether every sum of up to `rows.len()` of `rows`' values, column by column, is exact in an `f64`,
/// so that adding them in any order gives the same bits. It is when the column's values are all
/// multiples of their smallest power of two, `2^low`, and `n` times the largest stays below
/// `2^(low + 53)`: each partial sum is then an integer multiple of `2^low` that fits the 53-bit
/// significand. Scores of an `f32`'s 24 bits, between 0.001 and 1, leave room for millions of rows.
fn sums_are_exact<const W: usize>(rows: &[[f64; W]]) -> bool {
    // ceil(log2(n)): the bits that n times a value can take over the value's own.
    let growth = rows.len().next_power_of_two().trailing_zeros() as i32;
    (0..W).all(|c| {
        let (mut lowest, mut highest) = (i32::MAX, i32::MIN);
        for row in rows {
            let x = row[c];
            if x == 0.0 {
                continue;
            }
            if !x.is_normal() {
                return false;
            }
            let bits = x.to_bits();
            let exponent = ((bits >> 52) & 0x7ff) as i32;
            let significand = (bits & ((1 << 52) - 1)) | (1 << 52);
            // |x| = significand * 2^(exponent - 1075), with its top bit at 2^(exponent - 1023).
            lowest = lowest.min(exponent - 1075 + significand.trailing_zeros() as i32);
            highest = highest.max(exponent - 1023);
        }
        lowest == i32::MAX || highest + 1 + growth - lowest <= 53
    })
}

/// The percentile bootstrap interval of `mean(a) - mean(b)`, resampling each group on its own (the groups
/// are independent samples of different sizes). `None` when either group is empty or the options are
/// unusable.
///
/// ```
/// use tenor::stats::{bootstrap_mean_difference, Bootstrap};
///
/// let warm = [0.5, 0.6, 0.4, 0.7, 0.5, 0.6];
/// let frosty = [-0.3, -0.2, -0.4, -0.1, -0.3];
/// let interval = bootstrap_mean_difference(&warm, &frosty, &Bootstrap::default()).unwrap();
/// assert!(interval.excludes_zero());
/// assert!(interval.contains(0.55 - -0.26));
/// ```
pub fn bootstrap_mean_difference(a: &[f64], b: &[f64], options: &Bootstrap) -> Option<Interval> {
    if a.is_empty() || b.is_empty() || !options.is_usable() {
        return None;
    }
    let mut rng = Rng::new(options.seed);
    let mut differences: Vec<f64> = (0..options.resamples)
        .map(|_| resampled_mean(a, &mut rng) - resampled_mean(b, &mut rng))
        .collect();
    Some(options.interval(&mut differences))
}

/// Cliff's delta: the probability that a value from `a` exceeds one from `b`, minus the probability of
/// the reverse, over all pairs (ties count for neither). It runs from -1 (every `a` below every `b`) to 1,
/// and says how often one group is higher, not by how much. Computed exactly in O((n + m) log m) by
/// sorting `b`. `None` when either group is empty.
///
/// ```
/// // a is higher in 6 of the 9 pairs, lower in 1 (2 < 3) and tied in 2: (6 - 1) / 9.
/// let delta = tenor::stats::cliffs_delta(&[2.0, 3.0, 4.0], &[1.0, 2.0, 3.0]).unwrap();
/// assert!((delta - 5.0 / 9.0).abs() < 1e-12);
/// ```
pub fn cliffs_delta(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let mut sorted = b.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let mut dominance: i64 = 0;
    for &x in a {
        let below = sorted.partition_point(|&y| y < x);
        let not_above = sorted.partition_point(|&y| y <= x);
        let above = sorted.len() - not_above;
        dominance += below as i64 - above as i64;
    }
    Some(dominance as f64 / (a.len() as f64 * b.len() as f64))
}

/// Cohen's d: `(mean(a) - mean(b))` over the pooled standard deviation. `None` when it is undefined:
/// either group empty, fewer than three values in all, or both groups constant (no spread to scale by).
///
/// ```
/// // Means 3 and 5, both groups with sample variance 1: d = -2.
/// let d = tenor::stats::cohens_d(&[2.0, 3.0, 4.0], &[4.0, 5.0, 6.0]).unwrap();
/// assert!((d + 2.0).abs() < 1e-12);
/// assert_eq!(tenor::stats::cohens_d(&[1.0, 1.0], &[2.0, 2.0]), None);
/// ```
pub fn cohens_d(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() + b.len() < 3 || (is_constant(a) && is_constant(b)) {
        return None;
    }
    let (mean_a, mean_b) = (mean(a)?, mean(b)?);
    let degrees = (a.len() + b.len() - 2) as f64;
    let pooled_variance = (squared_deviations(a, mean_a) + squared_deviations(b, mean_b)) / degrees;
    Some((mean_a - mean_b) / pooled_variance.sqrt())
}

// Checked exactly rather than by a small pooled deviation, because the mean of equal values can differ
// from them by rounding and leave a spread of 1e-17 that would turn into an absurd d.
fn is_constant(xs: &[f64]) -> bool {
    xs.windows(2).all(|pair| pair[0] == pair[1])
}

/// Settings of a permutation test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Permutation {
    /// Number of random relabellings. With 10,000 the p-value of a true 0.05 is estimated within about
    /// 0.004.
    pub permutations: usize,
    pub seed: u64,
}

impl Default for Permutation {
    fn default() -> Self {
        Permutation {
            permutations: 10_000,
            seed: 0,
        }
    }
}

/// The two-sided permutation test p-value of the difference in means of `a` and `b`: how often randomly
/// relabelling the pooled values gives a difference at least as large in size as the observed one,
/// counted as `(k + 1) / (N + 1)` so that the observed labelling is one of the possibilities and the
/// p-value is never 0. `None` when either group is empty or there are no permutations.
///
/// Differences within rounding error of the observed one count as at least as large, which errs towards
/// a larger p-value.
///
/// ```
/// use tenor::stats::{permutation_p_value, Permutation};
///
/// let same = [0.1, 0.2, 0.3, 0.4];
/// assert_eq!(permutation_p_value(&same, &same, &Permutation::default()), Some(1.0));
///
/// let low = [-0.5, -0.4, -0.6, -0.5, -0.45, -0.55];
/// let high = [0.5, 0.4, 0.6, 0.5, 0.45, 0.55];
/// assert!(permutation_p_value(&low, &high, &Permutation::default()).unwrap() < 0.01);
/// ```
pub fn permutation_p_value(a: &[f64], b: &[f64], options: &Permutation) -> Option<f64> {
    if a.is_empty() || b.is_empty() || options.permutations == 0 {
        return None;
    }
    let mut pool: Vec<f64> = a.iter().chain(b).copied().collect();
    let total: f64 = pool.iter().sum();
    let (n_a, n_b) = (a.len() as f64, b.len() as f64);
    let difference = |sum_a: f64| sum_a / n_a - (total - sum_a) / n_b;
    let observed = difference(a.iter().sum()).abs();
    let largest = pool.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let threshold = observed - 1e-9 * largest.max(1.0);

    // A random relabelling only needs the sum of one group: draw the smaller group by a partial
    // Fisher-Yates shuffle. It picks a uniform subset whatever order the pool was left in, so the pool
    // is never reset.
    let drawn = a.len().min(b.len());
    let drawn_is_a = a.len() <= b.len();
    let mut rng = Rng::new(options.seed);
    let mut at_least_as_extreme = 0usize;
    for _ in 0..options.permutations {
        let mut sum = 0.0;
        for i in 0..drawn {
            let j = i + rng.below(pool.len() - i);
            pool.swap(i, j);
            sum += pool[i];
        }
        let sum_a = if drawn_is_a { sum } else { total - sum };
        if difference(sum_a).abs() >= threshold {
            at_least_as_extreme += 1;
        }
    }
    Some((at_least_as_extreme + 1) as f64 / (options.permutations + 1) as f64)
}

/// Holm's step-down adjustment of a family of p-values, in their given order: the i-th smallest is
/// multiplied by `m - i` (for i from 0), capped at 1, and made no smaller than the one before it, so the
/// adjusted values keep the order of the raw ones. It controls the chance of any false "difference" in
/// the family without assuming the tests independent. NaN entries stay NaN and are not counted in `m`.
///
/// ```
/// let adjusted = tenor::stats::holm(&[0.01, 0.04, 0.03, 0.005]);
/// let expected = [0.03, 0.06, 0.06, 0.02];
/// for (got, want) in adjusted.iter().zip(expected) {
///     assert!((got - want).abs() < 1e-12);
/// }
/// ```
pub fn holm(p_values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..p_values.len())
        .filter(|&i| !p_values[i].is_nan())
        .collect();
    order.sort_by(|&i, &j| p_values[i].total_cmp(&p_values[j]));
    let family = order.len();
    let mut adjusted = p_values.to_vec();
    let mut running_max = 0.0f64;
    for (rank, &i) in order.iter().enumerate() {
        let scaled = ((family - rank) as f64 * p_values[i]).min(1.0);
        running_max = running_max.max(scaled);
        adjusted[i] = running_max;
    }
    adjusted
}

/// Cosine similarity of two vectors over the dimensions both have: a dimension missing (`None` or NaN,
/// or beyond the end of the shorter vector) in either is left out of both. `None` when no dimension is
/// shared or either vector is all zeros on the shared ones.
///
/// ```
/// use tenor::stats::cosine;
///
/// let a = [Some(1.0), Some(0.0), None, Some(2.0)];
/// let b = [Some(2.0), Some(5.0), Some(9.0), Some(4.0)];
/// // Over dimensions 0, 1 and 3: (2 + 0 + 8) / (sqrt(5) * sqrt(45)) = 10 / 15.
/// assert!((cosine(&a, &b).unwrap() - 2.0 / 3.0).abs() < 1e-12);
/// assert_eq!(cosine(&[None], &[Some(1.0)]), None);
/// ```
pub fn cosine(a: &[Option<f64>], b: &[Option<f64>]) -> Option<f64> {
    let (mut dot, mut norm_a, mut norm_b) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        let (Some(x), Some(y)) = (x, y) else {
            continue;
        };
        if x.is_nan() || y.is_nan() {
            continue;
        }
        dot += x * y;
        norm_a += x * x;
        norm_b += y * y;
    }
    if norm_a == 0.0 || norm_b == 0.0 {
        return None;
    }
    Some((dot / (norm_a.sqrt() * norm_b.sqrt())).clamp(-1.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64) -> bool {
        (got - want).abs() < 1e-9
    }

    #[test]
    fn splitmix64_matches_the_reference_sequence() {
        // First outputs of the reference C implementation seeded with 0.
        let mut state = 0;
        assert_eq!(splitmix64(&mut state), 0xE220_A839_7B1D_CDAF);
        assert_eq!(splitmix64(&mut state), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn xoshiro256starstar_matches_the_reference_sequence() {
        // First outputs of the reference C implementation from the state 1, 2, 3, 4.
        let mut rng = Rng {
            state: [1, 2, 3, 4],
        };
        let first: Vec<u64> = (0..4).map(|_| rng.next_u64()).collect();
        assert_eq!(first, [11520, 0, 1509978240, 1215971899390074240]);
    }

    #[test]
    fn below_is_uniform_enough_over_a_small_range() {
        let mut rng = Rng::new(42);
        let mut counts = [0usize; 6];
        for _ in 0..60_000 {
            counts[rng.below(6)] += 1;
        }
        for count in counts {
            assert!((9_500..10_500).contains(&count), "{counts:?}");
        }
        assert_eq!(rng.below(0), 0);
    }

    #[test]
    fn sd_needs_two_values() {
        assert_eq!(sample_sd(&[3.0]), None);
        assert!(close(sample_sd(&[1.0, 3.0]).unwrap(), 2f64.sqrt()));
    }

    #[test]
    fn cliffs_delta_by_hand() {
        // 3 is above 1 and 2, ties 3, is below 4; 5 is above all four: 6 above, 1 below of 8 pairs.
        let delta = cliffs_delta(&[3.0, 5.0], &[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert!(close(delta, (6.0 - 1.0) / 8.0));
        assert!(close(cliffs_delta(&[1.0, 2.0], &[3.0, 4.0]).unwrap(), -1.0));
        assert!(close(cliffs_delta(&[2.0, 2.0], &[2.0]).unwrap(), 0.0));
        assert_eq!(cliffs_delta(&[], &[1.0]), None);
    }

    #[test]
    fn cliffs_delta_agrees_with_counting_every_pair() {
        let mut rng = Rng::new(3);
        // Values on a coarse grid so that ties are common.
        let a: Vec<f64> = (0..300).map(|_| rng.below(21) as f64 / 10.0).collect();
        let b: Vec<f64> = (0..170).map(|_| rng.below(17) as f64 / 10.0).collect();
        let mut dominance = 0i64;
        for x in &a {
            for y in &b {
                dominance += i64::from(x > y) - i64::from(x < y);
            }
        }
        let brute = dominance as f64 / (a.len() * b.len()) as f64;
        assert!(close(cliffs_delta(&a, &b).unwrap(), brute));
    }

    #[test]
    fn cohens_d_with_unequal_groups_uses_the_pooled_spread() {
        // a: mean 2, squared deviations 2; b: mean 6, squared deviations 8. Pooled variance 10 / 3.
        let d = cohens_d(&[1.0, 3.0], &[4.0, 6.0, 8.0]).unwrap();
        assert!(close(d, -4.0 / (10.0f64 / 3.0).sqrt()));
        assert_eq!(cohens_d(&[1.0], &[2.0]), None);
        // One group constant is fine: the other supplies the spread.
        assert!(cohens_d(&[0.1, 0.1, 0.1], &[0.2, 0.4]).is_some());
    }

    #[test]
    fn holm_keeps_order_and_caps_at_one() {
        let adjusted = holm(&[0.5, 0.2, f64::NAN, 0.01]);
        assert!(close(adjusted[3], 0.03));
        assert!(close(adjusted[1], 0.4));
        assert!(close(adjusted[0], 0.5));
        assert!(adjusted[2].is_nan());
        let capped = holm(&[0.6, 0.7]);
        assert!(close(capped[0], 1.0) && close(capped[1], 1.0));
        assert!(holm(&[]).is_empty());
    }

    #[test]
    fn cosine_of_opposites_and_of_a_scaled_copy() {
        let a = [Some(0.3), Some(-0.2), Some(0.5)];
        let doubled = a.map(|x| x.map(|v| v * 2.0));
        let negated = a.map(|x| x.map(|v| -v));
        assert!(close(cosine(&a, &doubled).unwrap(), 1.0));
        assert!(close(cosine(&a, &negated).unwrap(), -1.0));
        assert!(close(
            cosine(&[Some(1.0), Some(f64::NAN)], &[Some(1.0), Some(3.0)]).unwrap(),
            1.0
        ));
        assert_eq!(cosine(&[Some(0.0)], &[Some(1.0)]), None);
    }

    #[test]
    fn bootstrap_interval_of_a_constant_is_that_constant() {
        let interval = bootstrap_mean(&[0.25; 5], &Bootstrap::default()).unwrap();
        assert!(close(interval.low, 0.25) && close(interval.high, 0.25));
        let unusable = Bootstrap {
            resamples: 0,
            ..Bootstrap::default()
        };
        assert_eq!(bootstrap_mean(&[1.0], &unusable), None);
    }

    #[test]
    fn selection_gives_the_quantiles_a_sort_gives() {
        let mut rng = Rng::new(5);
        for len in [1, 2, 7, 2000] {
            let xs: Vec<f64> = (0..len).map(|_| rng.below(50) as f64 / 7.0).collect();
            let mut sorted = xs.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            for q in [0.0, 0.025, 0.5, 0.975, 1.0] {
                let mut scratch = xs.clone();
                let selected = quantile_by_selection(&mut scratch, q, |x| x);
                let want = quantile_of_sorted(&sorted, q);
                assert_eq!(selected.to_bits(), want.to_bits(), "len {len} q {q}");
            }
        }
    }

    #[test]
    fn the_interval_is_the_quantiles_of_the_sorted_statistics() {
        let mut rng = Rng::new(8);
        // 3,201 at 93.75% puts both ends exactly on order statistics.
        let cases = [
            (2000, 0.95),
            (3201, 0.9375),
            (2000, 0.5),
            (40, 0.95),
            (1, 0.9),
        ];
        for (resamples, confidence) in cases {
            let options = Bootstrap {
                resamples,
                confidence,
                seed: 0,
            };
            // A coarse grid, so that ties are common.
            let xs: Vec<f64> = (0..resamples)
                .map(|_| rng.below(300) as f64 / 9.0)
                .collect();
            let mut sorted = xs.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            let tail = (1.0 - confidence) / 2.0;
            let want = Interval {
                low: quantile_of_sorted(&sorted, tail),
                high: quantile_of_sorted(&sorted, 1.0 - tail),
            };
            assert_eq!(
                options.interval(&mut xs.clone()),
                want,
                "{resamples} {confidence}"
            );
        }
    }

    #[test]
    fn narrow_tails_are_exact_whatever_the_shape_of_the_means() {
        let options = Bootstrap::default();
        let mut rng = Rng::new(5);
        fn uniform(rng: &mut Rng) -> f64 {
            (rng.below(1 << 30) as f64 + 0.5) / f64::from(1u32 << 30)
        }
        // Near normal (the usual resampled means), skewed both ways, lumpy, and two values far
        // apart, whose tails share no bucket.
        type Draw = fn(&mut Rng) -> f64;
        let shapes: [(&str, Draw); 6] = [
            ("normal", |rng| {
                (0..12).map(|_| uniform(rng)).sum::<f64>() - 6.0
            }),
            ("long right tail", |rng| -(1.0 - uniform(rng)).ln()),
            ("long left tail", |rng| (1.0 - uniform(rng)).ln()),
            ("lumpy", |rng| (uniform(rng) * 4.0).floor()),
            ("rare ones", |rng| f64::from(u8::from(rng.below(200) == 0))),
            ("two values", |rng| f64::from(u8::from(rng.below(2) == 0))),
        ];
        for (shape, draw) in shapes {
            let xs: Vec<f64> = (0..options.resamples).map(|_| draw(&mut rng)).collect();
            let mut sorted = xs.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            let tail = (1.0 - options.confidence) / 2.0;
            let want = Interval {
                low: quantile_of_sorted(&sorted, tail),
                high: quantile_of_sorted(&sorted, 1.0 - tail),
            };
            assert_eq!(options.interval(&mut xs.clone()), want, "{shape}");
        }
    }

    #[test]
    fn the_interval_of_two_values_is_what_drawing_gives() {
        let mut rng = Rng::new(21);
        let mut scratch = BootstrapScratch::default();
        for seed in 0..50 {
            let options = Bootstrap {
                seed,
                ..Bootstrap::default()
            };
            assert!(options.ends_are_sure_for_two());
            let rows: Vec<[f32; 2]> = (0..2)
                .map(|_| [rng.below(9) as f32 / 8.0, -(rng.below(9) as f32) / 3.0])
                .collect();
            let wanted = [true, true];
            let closed = bootstrap_column_means_with(&rows, wanted, &options, &mut scratch);
            let drawn = drawn_column_means(&rows, wanted, &options, &mut scratch);
            assert_eq!(closed, drawn, "{rows:?}");
        }
        let few = Bootstrap {
            resamples: 200,
            ..Bootstrap::default()
        };
        assert!(!few.ends_are_sure_for_two());
    }

    #[test]
    fn columns_resampled_together_share_their_draws() {
        // The second column is the first plus one: with shared draws every resampled mean is too,
        // so the intervals are the first's shifted by one.
        let mut rng = Rng::new(11);
        let rows: Vec<[f32; 3]> = (0..40)
            .map(|_| {
                let v = rng.below(100) as f32 / 64.0;
                [v, v + 1.0, 0.5]
            })
            .collect();
        let options = Bootstrap::default();
        let [a, b, c] = bootstrap_column_means(&rows, [true, true, false], &options);
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(
            close(a.low + 1.0, b.low) && close(a.high + 1.0, b.high),
            "{a:?} {b:?}"
        );
        assert!(a.high > a.low);
        assert_eq!(c, None);
        let none = bootstrap_column_means::<3>(&[], [true; 3], &options);
        assert_eq!(none, [None; 3]);

        // Scratch memory left over from other rows changes nothing.
        let mut scratch = BootstrapScratch::default();
        let other: Vec<[f32; 3]> = rows.iter().map(|r| r.map(|v| -v)).collect();
        bootstrap_column_means_with(&other, [true; 3], &options, &mut scratch);
        let reused =
            bootstrap_column_means_with(&rows, [true, true, false], &options, &mut scratch);
        assert_eq!(reused, [Some(a), Some(b), None]);
    }

    /// The ends of the percentile interval of the means of all `n^n` ordered draws of `xs`, each counted
    /// once: the definition the exact bootstrap must meet, by brute force.
    fn every_draw_interval(xs: &[f32], confidence: f64) -> Interval {
        let n = xs.len();
        let total = n.pow(n as u32);
        let mut means: Vec<f64> = (0..total)
            .map(|mut draw| {
                let mut sum = 0.0;
                for _ in 0..n {
                    sum += f64::from(xs[draw % n]);
                    draw /= n;
                }
                sum / n as f64
            })
            .collect();
        means.sort_by(f64::total_cmp);
        let tail = (1.0 - confidence) / 2.0;
        let quantile = |q: f64| means[(q * total as f64).ceil() as usize - 1];
        Interval {
            low: quantile(tail),
            high: quantile(1.0 - tail),
        }
    }

    #[test]
    fn small_samples_get_the_interval_of_every_possible_resample() {
        let mut rng = Rng::new(5);
        let mut scratch = BootstrapScratch::default();
        for n in 1..=EXACT_UP_TO {
            for confidence in [0.95, 0.8] {
                let rows: Vec<[f32; 2]> = (0..n)
                    .map(|_| [rng.below(41) as f32 / 40.0 - 0.5, rng.below(3) as f32])
                    .collect();
                let options = Bootstrap {
                    confidence,
                    ..Bootstrap::default()
                };
                assert!(distinct_resamples(n) <= options.resamples as u64);
                let got = bootstrap_column_means_with(&rows, [true; 2], &options, &mut scratch);
                for (k, got) in got.into_iter().enumerate() {
                    let column: Vec<f32> = rows.iter().map(|r| r[k]).collect();
                    let want = every_draw_interval(&column, confidence);
                    let got = got.unwrap();
                    assert!(
                        close(got.low, want.low) && close(got.high, want.high),
                        "{column:?} at {confidence}: {got:?}, every draw gives {want:?}"
                    );
                }
            }
        }
    }

    /// Rows of `n` quotes with `K` scores of different shapes: a coarse grid (many ties), `f32`s of
    /// full precision, a skewed column, one mostly zero, and one of values far apart in size, whose sums
    /// round.
    fn sample_rows(rng: &mut Rng, n: usize) -> Vec<[f32; 5]> {
        (0..n)
            .map(|_| {
                let fine = rng.below(1 << 24) as f32 / (1 << 24) as f32;
                [
                    rng.below(5) as f32 / 4.0 - 0.5,
                    fine * 2.0 - 1.0,
                    fine * fine * fine,
                    if rng.below(6) == 0 { fine } else { 0.0 },
                    fine / (1u64 << rng.below(40)) as f32,
                ]
            })
            .collect()
    }

    /// The reference for [`exact_column_means`]: pushes the column sums and the number of ordered draws of every resample that takes rows `from..`
    /// `left` times in all, on top of `sums` drawn `ways` ways from the rows before.
    fn enumerate_resamples<const K: usize>(
        rows: &[[f32; K]],
        from: usize,
        left: usize,
        ways: u64,
        sums: [f64; K],
        all_sums: &mut Vec<f64>,
        all_ways: &mut Vec<u64>,
    ) {
        let row = &rows[from];
        let add = |sums: [f64; K], times: usize| {
            let mut sums = sums;
            for (sum, &v) in sums.iter_mut().zip(row) {
                *sum += times as f64 * f64::from(v);
            }
            sums
        };
        if from + 1 == rows.len() {
            all_sums.extend(add(sums, left));
            all_ways.push(ways);
            return;
        }
        // Choosing which `times` of the `left` remaining draws take this row: C(left, times) ways.
        let mut choose = 1u64;
        for times in 0..=left {
            let sums = add(sums, times);
            enumerate_resamples(
                rows,
                from + 1,
                left - times,
                ways * choose,
                sums,
                all_sums,
                all_ways,
            );
            choose = choose * (left - times) as u64 / (times + 1) as u64;
        }
    }

    #[test]
    fn exact_intervals_match_sorting_every_resample() {
        let mut rng = Rng::new(17);
        let mut scratch = BootstrapScratch::default();
        for n in 1..=EXACT_UP_TO {
            for confidence in [0.95, 0.8, 0.99] {
                let options = Bootstrap {
                    confidence,
                    ..Bootstrap::default()
                };
                for round in 0..40 {
                    let mut rows = sample_rows(&mut rng, n);
                    if round % 2 == 1 {
                        // Many zeros, of either sign, which the enumeration leaves out.
                        for v in rows.iter_mut().flatten() {
                            match rng.below(4) {
                                0 => *v = 0.0,
                                1 => *v = -0.0,
                                _ => {}
                            }
                        }
                    }
                    let got = exact_column_means(&rows, [true; 5], &options, &mut scratch);
                    // Every resample's means sorted and scanned for each end.
                    let (mut sums, mut ways) = (Vec::new(), Vec::new());
                    enumerate_resamples(&rows, 0, n, 1, [0.0; 5], &mut sums, &mut ways);
                    let total = ways.iter().sum::<u64>();
                    let tail = (1.0 - confidence) / 2.0;
                    for (k, got) in got.into_iter().enumerate() {
                        let mut column: Vec<(f64, u64)> = sums
                            .iter()
                            .skip(k)
                            .step_by(5)
                            .map(|sum| sum / n as f64)
                            .zip(ways.iter().copied())
                            .collect();
                        column.sort_by(|a, b| a.0.total_cmp(&b.0));
                        let want = Interval {
                            low: first_reaching(&column, 0, tail, total),
                            high: first_reaching(&column, 0, 1.0 - tail, total),
                        };
                        assert_eq!(got, Some(want), "n {n} column {k} at {confidence}");
                    }
                }
            }
        }
    }

    #[test]
    fn drawn_intervals_match_adding_one_row_at_a_time() {
        let mut rng = Rng::new(23);
        let mut scratch = BootstrapScratch::default();
        let options = Bootstrap {
            resamples: 500,
            seed: 9,
            ..Bootstrap::default()
        };
        // Some columns left out, so that the drawing packs the others; the last column's sums
        // round, so that with it the pairs of rows are not added ahead.
        let cases = [
            [true, false, true, true, false],
            [true, false, true, true, true],
        ];
        for (n, wanted) in [8, 9, 31, 64, 65, 200]
            .into_iter()
            .flat_map(|n| cases.map(|w| (n, w)))
        {
            let rows = sample_rows(&mut rng, n);
            let got = drawn_column_means(&rows, wanted, &options, &mut scratch);
            let means = means_one_row_at_a_time(&rows, &options);
            for (k, got) in got.into_iter().enumerate() {
                if !wanted[k] {
                    assert_eq!(got, None);
                    continue;
                }
                let mut sorted = means[k].clone();
                sorted.sort_by(f64::total_cmp);
                let tail = (1.0 - options.confidence) / 2.0;
                let want = Interval {
                    low: quantile_of_sorted(&sorted, tail),
                    high: quantile_of_sorted(&sorted, 1.0 - tail),
                };
                let got = got.unwrap();
                assert_eq!(got.low.to_bits(), want.low.to_bits(), "n {n} column {k}");
                assert_eq!(got.high.to_bits(), want.high.to_bits(), "n {n} column {k}");
            }
        }
    }

    /// Each column's resampled means, drawn as the drawn bootstrap draws them but added one row at a
    /// time and divided at once: the plainest reading of what it must compute.
    fn means_one_row_at_a_time(rows: &[[f32; 5]], options: &Bootstrap) -> Vec<Vec<f64>> {
        let n = rows.len();
        let mut draws = Rng::new(options.seed);
        let mut means = vec![Vec::new(); 5];
        for _ in 0..options.resamples {
            let mut sums = [0.0f64; 5];
            let mut add = |row: &[f32; 5]| {
                for (sum, &v) in sums.iter_mut().zip(row) {
                    *sum += f64::from(v);
                }
            };
            for _ in 0..n / 2 {
                let (i, j) = draws.two_below(n);
                add(&rows[i]);
                add(&rows[j]);
            }
            if n % 2 == 1 {
                add(&rows[draws.below(n)]);
            }
            for (column, sum) in means.iter_mut().zip(sums) {
                column.push(sum / n as f64);
            }
        }
        means
    }

    /// The intervals of `wanted` columns of `rows` as the drawn bootstrap first computed them: every
    /// resample's means, one row added at a time, divided before the ends are looked for.
    fn intervals_of_means_first(
        rows: &[[f32; 5]],
        wanted: [bool; 5],
        options: &Bootstrap,
    ) -> [Option<Interval>; 5] {
        let mut means = means_one_row_at_a_time(rows, options);
        std::array::from_fn(|k| {
            wanted[k].then(|| {
                let cuts = tail_cuts(rows.iter().map(|row| f64::from(row[k])));
                options.interval_within(&mut means[k], cuts)
            })
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Keeping sums and dividing only the ends changes no bit of any interval, whether the sums
        /// are exact (added from the table of pairs) or round (the last column), whatever the width
        /// of the tails (wide ones are selected, narrow ones cut).
        #[test]
        fn dividing_only_the_ends_gives_the_intervals_of_the_means(
            seed in proptest::prelude::any::<u64>(),
            n in 1usize..120,
            resamples in 1usize..2500,
            confidence in proptest::sample::select(vec![0.95, 0.99, 0.9375, 0.8, 0.5]),
            wanted in proptest::prelude::any::<[bool; 5]>(),
        ) {
            let rows = sample_rows(&mut Rng::new(seed), n);
            let options = Bootstrap { resamples, confidence, seed };
            let got = drawn_column_means(&rows, wanted, &options, &mut BootstrapScratch::default());
            let want = intervals_of_means_first(&rows, wanted, &options);
            for (got, want) in got.iter().zip(&want) {
                let bits = |i: &Option<Interval>| i.map(|i| (i.low.to_bits(), i.high.to_bits()));
                proptest::prop_assert_eq!(bits(got), bits(want), "{:?} {:?}", got, want);
            }
        }
    }

    #[test]
    fn sums_are_exact_only_when_no_bit_can_be_lost() {
        let row = |v: f64| [v];
        assert!(sums_are_exact(&[row(0.5), row(0.25), row(0.0)]));
        // A third has 53 bits: two of them already round.
        assert!(!sums_are_exact(&[row(1.0 / 3.0), row(1.0 / 3.0)]));
        // f32 scores leave 29 bits of room.
        let fine = f64::from(0.123_456_79_f32);
        assert!(sums_are_exact(&vec![row(fine); 5000]));
        assert!(!sums_are_exact(&[row(fine), row(1e-12)]));
    }

    #[test]
    fn distinct_resamples_count_multisets() {
        let counts: Vec<u64> = (1..=7).map(distinct_resamples).collect();
        assert_eq!(counts, [1, 3, 10, 35, 126, 462, 1716]);
    }

    #[test]
    fn the_exact_interval_is_where_drawing_converges() {
        // Of four quotes one scores 3: a resample's mean is 3/4 times a Binomial(4, 1/4) count. The
        // count is 0 with probability 81/256 (above the 2.5% tail) and at most 2 with 243/256 (below
        // 97.5%), so the interval is [0, 3 × 3/4].
        let rows = [[0.0f32], [0.0], [0.0], [3.0]];
        let [exact] = bootstrap_column_means(&rows, [true], &Bootstrap::default());
        assert_eq!(
            exact,
            Some(Interval {
                low: 0.0,
                high: 2.25
            })
        );
        let many = Bootstrap {
            resamples: 100_000,
            ..Bootstrap::default()
        };
        let [drawn] = drawn_column_means(&rows, [true], &many, &mut BootstrapScratch::default());
        assert_eq!(drawn, exact);
    }

    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!(close(quantile_of_sorted(&xs, 0.0), 1.0));
        assert!(close(quantile_of_sorted(&xs, 0.5), 3.0));
        assert!(close(quantile_of_sorted(&xs, 0.1), 1.4));
        assert!(close(quantile_of_sorted(&xs, 1.0), 5.0));
    }
}
