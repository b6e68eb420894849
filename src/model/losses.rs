//! The loss of every completed epoch, kept so that a copy is cheap: full
//! blocks are shared between copies, and only the newest partial block is
//! copied. In a class, every student copies the presenter's stepper at each
//! step, and a long training run leaves a long history.

use std::sync::Arc;

/// Losses per shared block.
const BLOCK: usize = 1024;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Losses {
    /// Full blocks, oldest first; never changed once made.
    blocks: Vec<Arc<[f64]>>,
    /// The newest losses, fewer than BLOCK.
    tail: Vec<f64>,
}

impl Losses {
    pub fn len(&self) -> usize {
        self.blocks.len() * BLOCK + self.tail.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn push(&mut self, loss: f64) {
        self.tail.push(loss);
        if self.tail.len() == BLOCK {
            self.blocks.push(std::mem::take(&mut self.tail).into());
        }
    }

    pub fn pop(&mut self) -> Option<f64> {
        if self.tail.is_empty() {
            self.tail = self.blocks.pop()?.to_vec();
        }
        self.tail.pop()
    }

    /// The loss of epoch `i + 1`.
    pub fn get(&self, i: usize) -> Option<f64> {
        match self.blocks.get(i / BLOCK) {
            Some(b) => Some(b[i % BLOCK]),
            None if i / BLOCK == self.blocks.len() => self.tail.get(i % BLOCK).copied(),
            None => None,
        }
    }

    pub fn last(&self) -> Option<f64> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    pub fn iter(&self) -> impl Iterator<Item = f64> + '_ {
        self.blocks
            .iter()
            .flat_map(|b| b.iter())
            .chain(&self.tail)
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_a_vec_across_block_boundaries() {
        let mut l = Losses::default();
        let mut v = Vec::new();
        for i in 0..3 * BLOCK + 5 {
            l.push(i as f64);
            v.push(i as f64);
        }
        for _ in 0..BLOCK + 10 {
            assert_eq!(l.pop(), v.pop());
        }
        l.push(-1.0);
        v.push(-1.0);
        assert_eq!(l.len(), v.len());
        assert_eq!(l.iter().collect::<Vec<_>>(), v);
        assert_eq!(l.last(), v.last().copied());
        assert_eq!(l.get(BLOCK), Some(BLOCK as f64));
        assert_eq!(l.get(v.len()), None);
    }

    #[test]
    fn copies_share_full_blocks() {
        let mut l = Losses::default();
        (0..2 * BLOCK).for_each(|i| l.push(i as f64));
        let copy = l.clone();
        assert!(Arc::ptr_eq(&l.blocks[0], &copy.blocks[0]));
        assert_eq!(copy, l);
    }

    #[test]
    fn popping_everything_leaves_it_empty() {
        let mut l = Losses::default();
        (0..BLOCK + 1).for_each(|i| l.push(i as f64));
        while l.pop().is_some() {}
        assert!(l.is_empty());
        assert_eq!(l, Losses::default());
    }
}
