//! Evaluation against a user's own human annotations, so that validity can be reported: correlation
//! and class agreement of scores with human ratings ([`ratings`]), polarity toward named targets
//! ([`ratings::evaluate_targets`]), and quote extraction and attribution against gold spans
//! ([`quotes`]). This module only measures; it never changes how tenor scores.

pub mod quotes;
pub mod ratings;

/// Pearson's correlation coefficient; `None` when either side has no variance.
pub fn pearson(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len().min(ys.len());
    if n < 2 {
        return None;
    }
    let mean = |v: &[f64]| v[..n].iter().sum::<f64>() / n as f64;
    let (mx, my) = (mean(xs), mean(ys));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (dx, dy) = (xs[i] - mx, ys[i] - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// Spearman's rank correlation (Pearson on ranks, ties given their mean rank).
pub fn spearman(xs: &[f64], ys: &[f64]) -> Option<f64> {
    pearson(&ranks(xs), &ranks(ys))
}

fn ranks(v: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut out = vec![0.0; v.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = rank;
        }
        i = j + 1;
    }
    out
}

/// Three-way polarity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Polarity {
    Negative = 0,
    Neutral = 1,
    Positive = 2,
}

impl Polarity {
    pub const ALL: [Polarity; 3] = [Polarity::Negative, Polarity::Neutral, Polarity::Positive];

    /// The class of a score with a neutral band of ±`threshold`.
    pub fn of(score: f64, threshold: f64) -> Polarity {
        if score > threshold {
            Polarity::Positive
        } else if score < -threshold {
            Polarity::Negative
        } else {
            Polarity::Neutral
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::Negative => "negative",
            Polarity::Neutral => "neutral",
            Polarity::Positive => "positive",
        }
    }
}

/// Precision, recall and F1 of one class.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ClassScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

/// Agreement of predicted with gold classes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClassReport {
    pub n: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub weighted_f1: f64,
    pub per_class: [ClassScores; 3],
}

impl ClassReport {
    pub fn new(gold: &[Polarity], predicted: &[Polarity]) -> Self {
        let mut confusion = [[0usize; 3]; 3];
        for (&g, &p) in gold.iter().zip(predicted) {
            confusion[g as usize][p as usize] += 1;
        }
        let n = gold.len().min(predicted.len());
        let correct: usize = (0..3).map(|c| confusion[c][c]).sum();
        let mut per_class = [ClassScores::default(); 3];
        for c in 0..3 {
            let tp = confusion[c][c] as f64;
            let predicted_c: usize = (0..3).map(|g| confusion[g][c]).sum();
            let support: usize = confusion[c].iter().sum();
            let precision = if predicted_c > 0 {
                tp / predicted_c as f64
            } else {
                0.0
            };
            let recall = if support > 0 {
                tp / support as f64
            } else {
                0.0
            };
            let f1 = if precision + recall > 0.0 {
                2.0 * precision * recall / (precision + recall)
            } else {
                0.0
            };
            per_class[c] = ClassScores {
                precision,
                recall,
                f1,
                support,
            };
        }
        let present = per_class.iter().filter(|c| c.support > 0).count().max(1);
        ClassReport {
            n,
            accuracy: if n > 0 {
                correct as f64 / n as f64
            } else {
                0.0
            },
            macro_f1: per_class
                .iter()
                .filter(|c| c.support > 0)
                .map(|c| c.f1)
                .sum::<f64>()
                / present as f64,
            weighted_f1: if n > 0 {
                per_class
                    .iter()
                    .map(|c| c.f1 * c.support as f64)
                    .sum::<f64>()
                    / n as f64
            } else {
                0.0
            },
            per_class,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlations_of_known_series() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert!((pearson(&x, &[2.0, 4.0, 6.0, 8.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((pearson(&x, &[4.0, 3.0, 2.0, 1.0]).unwrap() + 1.0).abs() < 1e-12);
        // Monotone but not linear: Spearman is 1, Pearson is not.
        let y = [1.0, 10.0, 100.0, 1000.0];
        assert!((spearman(&x, &y).unwrap() - 1.0).abs() < 1e-12);
        assert!(pearson(&x, &y).unwrap() < 0.99);
        assert_eq!(pearson(&x, &[1.0; 4]), None);
    }

    #[test]
    fn ties_share_their_mean_rank() {
        assert_eq!(ranks(&[5.0, 1.0, 5.0]), [2.5, 1.0, 2.5]);
    }

    #[test]
    fn class_report_by_hand() {
        use Polarity::*;
        let gold = [Positive, Positive, Negative, Neutral];
        let pred = [Positive, Negative, Negative, Neutral];
        let r = ClassReport::new(&gold, &pred);
        assert_eq!(r.accuracy, 0.75);
        // negative: p=1/2 r=1 f=2/3; neutral: 1; positive: p=1 r=1/2 f=2/3
        assert!((r.macro_f1 - (2.0 / 3.0 + 1.0 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
    }
}
