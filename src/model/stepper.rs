//! Walks the chain one link at a time, forward and back, across epochs.

use std::collections::VecDeque;

use super::explain::Explanation;
use super::link::{Inputs, LinkId, Term};
use super::losses::Losses;
use super::net::{Data, Mat, Weights};

/// How many f64s of earlier epochs' weights are kept for stepping back
/// (8 MiB); past that the oldest epochs are forgotten, so a long training
/// run cannot grow memory without bound.
const HISTORY_BUDGET: usize = 1 << 20;

/// Where a stepper stands: `pos` links of epoch `epoch` are computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub epoch: usize,
    pub pos: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stepper {
    data: Data,
    learning_rate: f64,
    epoch: usize,
    /// The weights the current epoch starts from.
    weights: Weights,
    values: Vec<Option<Mat>>,
    pos: usize,
    /// Starting weights of the earlier epochs still kept, oldest first.
    history: VecDeque<Weights>,
    /// ΣE of every completed epoch, first epoch first.
    losses: Losses,
}

impl Stepper {
    pub fn new(data: Data, weights: Weights, learning_rate: f64) -> Stepper {
        Stepper {
            data,
            learning_rate,
            epoch: 1,
            weights,
            values: vec![None; LinkId::COUNT],
            pos: 0,
            history: VecDeque::new(),
            losses: Losses::default(),
        }
    }

    /// A copy without the earlier epochs' starting weights, which only
    /// stepping back into an earlier epoch needs. It is what the students
    /// of a class copy from the presenter, many times a second while the
    /// presenter trains, so it stays the size of one epoch.
    pub fn without_history(&self) -> Stepper {
        Stepper {
            data: self.data.clone(),
            learning_rate: self.learning_rate,
            epoch: self.epoch,
            weights: self.weights.clone(),
            values: self.values.clone(),
            pos: self.pos,
            history: VecDeque::new(),
            losses: self.losses.clone(),
        }
    }

    pub fn data(&self) -> &Data {
        &self.data
    }
    pub fn weights(&self) -> &Weights {
        &self.weights
    }
    pub fn learning_rate(&self) -> f64 {
        self.learning_rate
    }
    pub fn epoch(&self) -> usize {
        self.epoch
    }
    /// How many links of the current epoch are computed (0 to 15).
    pub fn pos(&self) -> usize {
        self.pos
    }
    pub fn position(&self) -> Position {
        Position {
            epoch: self.epoch,
            pos: self.pos,
        }
    }
    pub fn hidden(&self) -> usize {
        self.weights.hidden()
    }
    /// The most recently computed link, if any in this epoch.
    pub fn current(&self) -> Option<LinkId> {
        self.pos.checked_sub(1).map(|i| LinkId::ALL[i])
    }
    /// The link the next step computes; None at the end of an epoch.
    pub fn next_link(&self) -> Option<LinkId> {
        LinkId::ALL.get(self.pos).copied()
    }
    pub fn value(&self, id: LinkId) -> Option<&Mat> {
        self.values[id.index()].as_ref()
    }
    pub fn term(&self, t: Term) -> Option<&Mat> {
        match t {
            Term::X => Some(&self.data.x),
            Term::Y => Some(&self.data.y),
            Term::Wih => Some(&self.weights.ih),
            Term::Who => Some(&self.weights.ho),
            Term::Link(id) => self.value(id),
        }
    }
    /// ΣE of every completed epoch.
    pub fn losses(&self) -> &Losses {
        &self.losses
    }
    /// ΣE of this epoch once E is computed.
    pub fn loss(&self) -> Option<f64> {
        self.value(LinkId::E).map(|e| e.sum())
    }
    /// The epoch's loss if known, else the last completed epoch's.
    pub fn latest_loss(&self) -> Option<f64> {
        self.loss().or_else(|| self.losses.last())
    }
    /// True once any weight or loss has become NaN or infinite.
    pub fn diverged(&self) -> bool {
        let bad = |m: &Mat| m.iter().any(|v| !v.is_finite());
        bad(&self.weights.ih) || bad(&self.weights.ho) || self.latest_loss().is_some_and(|l| !l.is_finite())
    }

    fn inputs(&self) -> Inputs<'_> {
        Inputs {
            data: &self.data,
            weights: &self.weights,
            learning_rate: self.learning_rate,
            values: &self.values,
        }
    }

    /// Element (r, c) of a computed link, worked out with its numbers.
    pub fn explain(&self, id: LinkId, r: usize, c: usize) -> Option<Explanation> {
        id.explain(&self.inputs(), r, c)
    }

    /// Computes the next link, or at the end of an epoch moves to the start
    /// of the next one (nothing computed, the updated weights in place).
    pub fn step_forward(&mut self) {
        match self.next_link() {
            Some(id) => {
                let v = id.compute(&self.inputs());
                self.values[id.index()] = Some(v);
                self.pos += 1;
            }
            None => self.next_epoch_from_end(),
        }
    }

    /// Undoes one step_forward. Returns false at the very start (or where
    /// history was forgotten), where there is nothing to undo.
    pub fn step_back(&mut self) -> bool {
        if self.pos > 0 {
            self.pos -= 1;
            self.values[self.pos] = None;
            return true;
        }
        let Some(prev) = self.history.pop_back() else {
            return false;
        };
        self.weights = prev;
        self.epoch -= 1;
        self.losses.pop();
        self.finish_epoch();
        true
    }

    /// Computes every link left in this epoch.
    pub fn finish_epoch(&mut self) {
        while self.pos < LinkId::COUNT {
            self.step_forward();
        }
    }

    /// Steps forward until `id` is computed (or the epoch ends).
    pub fn run_to(&mut self, id: LinkId) {
        while self.pos <= id.index() {
            self.step_forward();
        }
    }

    /// Finishes this epoch if needed, then begins the next.
    pub fn next_epoch(&mut self) {
        self.finish_epoch();
        self.next_epoch_from_end();
    }

    fn next_epoch_from_end(&mut self) {
        let next = Weights {
            ih: self.values[LinkId::WihNext.index()]
                .take()
                .expect("epoch is finished"),
            ho: self.values[LinkId::WhoNext.index()]
                .take()
                .expect("epoch is finished"),
        };
        self.losses.push(self.loss().expect("epoch is finished"));
        self.history.push_back(std::mem::replace(&mut self.weights, next));
        self.trim_history();
        self.values.iter_mut().for_each(|v| *v = None);
        self.pos = 0;
        self.epoch += 1;
    }

    fn trim_history(&mut self) {
        let per_epoch = self.weights.ih.len() + self.weights.ho.len();
        let keep = (HISTORY_BUDGET / per_epoch.max(1)).max(1);
        while self.history.len() > keep {
            self.history.pop_front();
        }
    }
}
