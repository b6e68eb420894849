//! The network, the chain of links and the presets. Nothing here knows about
//! terminals, so every function is pure and testable on its own.

pub mod explain;
pub mod lesson;
pub mod link;
pub mod losses;
pub mod net;
pub mod number;
pub mod preset;
pub mod stepper;
pub mod text;

pub use lesson::Lesson;
pub use link::{LinkId, Phase, Term};
pub use net::{Data, Mat, Weights};
pub use preset::Preset;
pub use stepper::Stepper;
