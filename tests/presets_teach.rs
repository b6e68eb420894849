//! The built-in presets teach what their descriptions claim.

use chainstep::model::{LinkId, Preset, Stepper};

fn start(name: &str) -> Stepper {
    let p = Preset::builtin(name).unwrap_or_else(|| panic!("{name} is built in"));
    let (w, _) = p.initial_weights(None);
    Stepper::new(p.data, w, p.learning_rate)
}

/// Runs to the end of epoch `epoch` (counted from 1); returns the loss.
fn run_until(s: &mut Stepper, epoch: usize) -> f64 {
    while s.epoch() < epoch {
        s.next_epoch();
    }
    s.finish_epoch();
    s.loss().expect("the epoch is finished")
}

/// Every output on the same side of 0.5 as its target.
fn all_right(s: &Stepper) -> bool {
    let o = s.value(LinkId::O).expect("the epoch is finished");
    o.iter()
        .zip(s.data().y.iter())
        .all(|(o, y)| (*o > 0.5) == (*y > 0.5))
}

#[test]
fn gates_loss_falls_visibly_within_a_few_hundred_epochs() {
    let mut s = start("gates");
    let first = run_until(&mut s, 1);
    let later = run_until(&mut s, 300);
    assert!(
        later < first / 2.0,
        "loss {first} at epoch 1, {later} at epoch 300"
    );
    assert!(all_right(&s), "AND and OR are both learned by epoch 300");
}

#[test]
fn xor_plateaus_near_half_then_learns() {
    let mut s = start("xor");
    // Every output near 0.5 gives ΣE = 4·½·0.5² = 0.5: the plateau.
    let plateau = run_until(&mut s, 100);
    assert!((plateau - 0.5).abs() < 0.05, "loss {plateau} at epoch 100");
    let mut learned = None;
    for epoch in 101..=1000 {
        run_until(&mut s, epoch);
        if all_right(&s) {
            learned = Some(epoch);
            break;
        }
    }
    let learned = learned.expect("XOR is learned within 1000 epochs");
    assert!(learned > 100, "a plateau first");
    // And it stays learned.
    run_until(&mut s, 3000);
    assert!(all_right(&s), "XOR is still learned at epoch 3000");
}
