//! chainstep: step through the chain rule of a small neural network, one link
//! per keypress.

pub mod cli;
pub mod export;
pub mod model;
pub mod term;
pub mod action;
pub mod app;
pub mod ui;
