//! What the chain costs: one full epoch (the fifteen links, then the move to
//! the next epoch) for the notebook's 4-3-1 network and for a 64-32-8 network
//! with 256 samples, and a training run of 10,000 epochs on the notebook.
//!
//! ```sh
//! cargo bench --bench epoch
//! ```

use std::hint::black_box;

use chainstep::model::{Data, Mat, Preset, Stepper, Weights};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng, rngs::ChaCha8Rng};

fn notebook() -> Stepper {
    let p = Preset::builtin("notebook").expect("the notebook preset is built in");
    let (w, _) = p.initial_weights(None);
    Stepper::new(p.data.clone(), w, p.learning_rate)
}

/// A 64-32-8 network with 256 samples of random inputs in [0, 1) and 0/1
/// targets, from a fixed seed.
fn large() -> Stepper {
    let (features, hidden, outputs, samples) = (64, 32, 8, 256);
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let x = Mat::from_shape_simple_fn((features, samples), || rng.random::<f64>());
    let y = Mat::from_shape_simple_fn((outputs, samples), || f64::from(rng.random::<bool>()));
    Stepper::new(Data { x, y }, Weights::random(features, hidden, outputs, 5), 0.1)
}

fn epoch(c: &mut Criterion) {
    let mut g = c.benchmark_group("epoch");
    for (name, mut s) in [("notebook 4-3-1 x3", notebook()), ("64-32-8 x256", large())] {
        g.bench_function(name, |b| {
            b.iter(|| {
                s.finish_epoch();
                s.next_epoch();
                black_box(&s);
            })
        });
    }
    g.finish();
}

fn train(c: &mut Criterion) {
    let mut g = c.benchmark_group("train");
    g.sample_size(20);
    let start = notebook();
    g.bench_function("notebook 10000 epochs", |b| {
        b.iter_batched(
            || start.clone(),
            |mut s| {
                for _ in 0..10_000 {
                    s.next_epoch();
                }
                s
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, epoch, train);
criterion_main!(benches);
