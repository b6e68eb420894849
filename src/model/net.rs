use ndarray::Array2;
use rand::{RngExt, SeedableRng, rngs::ChaCha8Rng};

/// Every matrix in chainstep, in the notebook's orientation.
pub type Mat = Array2<f64>;

/// Training data: `x` is features × samples, `y` is outputs × samples.
#[derive(Clone, Debug, PartialEq)]
pub struct Data {
    pub x: Mat,
    pub y: Mat,
}

impl Data {
    pub fn features(&self) -> usize {
        self.x.nrows()
    }
    pub fn outputs(&self) -> usize {
        self.y.nrows()
    }
    pub fn samples(&self) -> usize {
        self.x.ncols()
    }
}

/// `ih` is features × hidden, `ho` is hidden × outputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Weights {
    pub ih: Mat,
    pub ho: Mat,
}

impl Weights {
    /// Uniform in [0, 1), like the notebook's `np.random.uniform`. ChaCha8 is
    /// used because its stream is documented as portable, so a seed read out
    /// in class gives every student the same weights.
    pub fn random(features: usize, hidden: usize, outputs: usize, seed: u64) -> Weights {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let ih = Mat::from_shape_simple_fn((features, hidden), || rng.random::<f64>());
        let ho = Mat::from_shape_simple_fn((hidden, outputs), || rng.random::<f64>());
        Weights { ih, ho }
    }

    pub fn hidden(&self) -> usize {
        self.ih.ncols()
    }
}

/// The logistic function, written so that neither branch can overflow:
/// `exp` is only ever taken of a non-positive number.
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// Total error ΣE of the whole batch, computed directly (not through the
/// chain), so it can serve as the reference for finite-difference checks.
pub fn total_error(data: &Data, w: &Weights) -> f64 {
    let h1 = w.ih.t().dot(&data.x).mapv(sigmoid);
    let o = w.ho.t().dot(&h1).mapv(sigmoid);
    (&data.y - &o).mapv(|d| 0.5 * d * d).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_is_finite_and_saturates_at_the_extremes() {
        assert_eq!(sigmoid(1000.0), 1.0);
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert_eq!(sigmoid(0.0), 0.5);
        assert!(sigmoid(f64::NAN).is_nan());
        assert_eq!(sigmoid(f64::INFINITY), 1.0);
        assert_eq!(sigmoid(f64::NEG_INFINITY), 0.0);
    }

    #[test]
    fn a_seed_always_gives_the_same_weights_in_range() {
        let a = Weights::random(4, 3, 1, 7);
        let b = Weights::random(4, 3, 1, 7);
        let c = Weights::random(4, 3, 1, 8);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.ih.iter().chain(a.ho.iter()).all(|v| (0.0..1.0).contains(v)));
        assert_eq!(a.ih.dim(), (4, 3));
        assert_eq!(a.ho.dim(), (3, 1));
    }
}
