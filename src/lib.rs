//! chainstep: step through the chain rule of a small neural network, one link
//! per keypress.

pub mod action;
pub mod app;
pub mod cli;
pub mod coalesce;
pub mod export;
pub mod fixed_size;
pub mod model;
pub mod serve;
pub mod term;
pub mod ui;
