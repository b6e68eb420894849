//! A lesson: the preset, the seed its weights came from, and the learning
//! rate — everything needed to start (or restart) a stepper.

use super::{Preset, Stepper};

/// What a lesson starts from: the preset, the seed its weights came from (if
/// drawn) and the learning rate.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    pub preset: Preset,
    pub seed: Option<u64>,
    pub learning_rate: f64,
}

impl Lesson {
    /// A stepper at the start of epoch 1.
    pub fn stepper(&self) -> Stepper {
        let (w, _) = self.preset.initial_weights(self.seed);
        Stepper::new(self.preset.data.clone(), w, self.learning_rate)
    }

    /// The same lesson with weights drawn from `seed`.
    pub fn with_seed(&self, seed: u64) -> Lesson {
        Lesson {
            seed: Some(seed),
            ..self.clone()
        }
    }
}

/// A seed drawn from the operating system, small enough to read out in class.
pub fn fresh_seed() -> u64 {
    use rand::RngExt;
    rand::rng().random_range(0..1_000_000)
}
