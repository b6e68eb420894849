//! Properties over random networks: the chain rule's gradients agree with
//! finite differences of the total error, and stepping back undoes stepping
//! forward exactly, across epoch boundaries too.

use chainstep::model::net::total_error;
use chainstep::model::{Data, LinkId, Mat, Stepper, Weights};
use proptest::prelude::*;

/// Step for central differences. Their truncation error is about h²·|f‴|/6
/// and their rounding error about ε·|f|/h (ε = 2.2e-16, |f| ≤ 32 here);
/// the sum is smallest near h = (3ε|f|/|f‴|)^(1/3) ≈ 1e-5, where both stay
/// near 1e-9 or below, well inside the tolerance.
const H: f64 = 1e-5;
/// Relative agreement asked of the gradients.
const REL: f64 = 1e-6;
/// Absolute floor for gradients near zero (saturated sigmoids), where the
/// rounding error ε·|f|/h ≈ 7e-10 is all a finite difference can resolve.
const ABS: f64 = 1e-9;

fn matrix(rows: usize, cols: usize, range: std::ops::Range<f64>) -> impl Strategy<Value = Mat> {
    prop::collection::vec(range, rows * cols)
        .prop_map(move |v| Mat::from_shape_vec((rows, cols), v).expect("length is rows × cols"))
}

/// Data and weights of a random 1–8 × 1–8 × 1–8 network on 1–8 samples;
/// targets lie in [0, 1] like the sigmoid outputs they are compared with.
fn network() -> impl Strategy<Value = (Data, Weights)> {
    (1..=8usize, 1..=8usize, 1..=8usize, 1..=8usize).prop_flat_map(|(f, h, o, s)| {
        let data = (matrix(f, s, -2.0..2.0), matrix(o, s, 0.0..1.0)).prop_map(|(x, y)| Data { x, y });
        let weights =
            (matrix(f, h, -2.0..2.0), matrix(h, o, -2.0..2.0)).prop_map(|(ih, ho)| Weights { ih, ho });
        (data, weights)
    })
}

/// ∂(ΣE)/∂w for every entry w of the matrix `pick` chooses, by central differences.
fn finite_differences(data: &Data, w: &Weights, pick: fn(&mut Weights) -> &mut Mat) -> Mat {
    let mut w = w.clone();
    let dim = pick(&mut w).dim();
    Mat::from_shape_fn(dim, |idx| {
        let at = |w: &mut Weights, v: f64| {
            pick(w)[idx] = v;
            total_error(data, w)
        };
        let v = pick(&mut w)[idx];
        let d = (at(&mut w, v + H) - at(&mut w, v - H)) / (2.0 * H);
        pick(&mut w)[idx] = v;
        d
    })
}

fn agree(what: &str, chain: &Mat, fd: &Mat) -> Result<(), TestCaseError> {
    prop_assert_eq!(chain.dim(), fd.dim(), "{} shape", what);
    for ((idx, a), b) in chain.indexed_iter().zip(fd.iter()) {
        let tol = REL * a.abs().max(b.abs()) + ABS;
        prop_assert!(
            (a - b).abs() <= tol,
            "{}{:?}: chain {} vs finite differences {}",
            what,
            idx,
            a,
            b
        );
    }
    Ok(())
}

fn gradients(data: &Data, w: &Weights) -> (Mat, Mat) {
    let mut s = Stepper::new(data.clone(), w.clone(), 0.5);
    s.run_to(LinkId::DeDwih);
    let g = |id| s.value(id).expect("computed").clone();
    (g(LinkId::DeDwho), g(LinkId::DeDwih))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn gradients_match_finite_differences((data, w) in network()) {
        let (who, wih) = gradients(&data, &w);
        agree("dE_dWho", &who, &finite_differences(&data, &w, |w| &mut w.ho))?;
        agree("dE_dWih", &wih, &finite_differences(&data, &w, |w| &mut w.ih))?;
    }

    #[test]
    fn loss_is_the_total_error((data, w) in network()) {
        let mut s = Stepper::new(data.clone(), w.clone(), 0.5);
        s.run_to(LinkId::E);
        let (loss, direct) = (s.loss().expect("E is computed"), total_error(&data, &w));
        prop_assert!((loss - direct).abs() <= 1e-12 * direct.max(1.0));
    }

    #[test]
    fn k_steps_back_undo_k_steps_forward(
        (data, w) in network(),
        lr in 0.01..3.0f64,
        start in 0..60usize,
        k in 0..=50usize,
    ) {
        let mut s = Stepper::new(data, w, lr);
        (0..start).for_each(|_| s.step_forward());
        let before = s.clone();
        (0..k).for_each(|_| s.step_forward());
        for i in 0..k {
            prop_assert!(s.step_back(), "step back {} of {} had nothing to undo", i + 1, k);
        }
        prop_assert_eq!(s, before);
    }
}

#[test]
fn nothing_to_undo_at_the_very_start() {
    let data = Data {
        x: Mat::ones((2, 3)),
        y: Mat::zeros((1, 3)),
    };
    let mut s = Stepper::new(data, Weights::random(2, 2, 1, 3), 0.1);
    let start = s.clone();
    assert!(!s.step_back());
    assert_eq!(s, start);
}

#[test]
fn an_epoch_is_sixteen_steps_from_start_to_start() {
    let data = Data {
        x: Mat::ones((2, 3)),
        y: Mat::zeros((1, 3)),
    };
    let mut s = Stepper::new(data, Weights::random(2, 2, 1, 3), 0.1);
    // Fifteen links, then one step onto the next epoch's start.
    (0..16).for_each(|_| s.step_forward());
    assert_eq!((s.epoch(), s.pos()), (2, 0));
    assert_eq!(s.losses().len(), 1);
    assert!(s.step_back());
    assert_eq!((s.epoch(), s.pos()), (1, LinkId::COUNT));
    assert!(s.losses().is_empty());
}
