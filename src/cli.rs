//! The command line, parsed by clap.

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::app::Look;
use crate::ui::theme::ThemeKind;

#[derive(Parser, Debug)]
#[command(
    name = "chainstep",
    version,
    about = "Step through the chain rule of a small neural network, one link per keypress",
    long_about = None,
    // `chainstep --preset xor export` would otherwise export the default
    // preset, silently ignoring the flag given before the subcommand.
    args_conflicts_with_subcommands = true,
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub net: NetArgs,
    #[command(flatten)]
    pub look: LookArgs,
}

#[derive(Args, Debug, Clone, Default)]
pub struct LookArgs {
    /// Colour theme (c cycles them); NO_COLOR picks mono
    #[arg(long, value_enum)]
    pub theme: Option<ThemeKind>,
    /// Plain ASCII instead of ∂, σ, ⊙ and box drawing (automatic when the locale is not UTF-8)
    #[arg(long)]
    pub ascii: bool,
}

impl LookArgs {
    /// The look from the flags and the environment (NO_COLOR, LC_ALL, LC_CTYPE, LANG).
    pub fn look(&self) -> Look {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let no_color = var("NO_COLOR").is_some();
        let locale = var("LC_ALL").or_else(|| var("LC_CTYPE")).or_else(|| var("LANG"));
        Look {
            theme: ThemeKind::choose(self.theme, no_color),
            ascii: self.ascii || !is_utf8(locale.as_deref()),
        }
    }
}

/// Whether a locale name (as in LANG) says UTF-8.
pub fn is_utf8(locale: Option<&str>) -> bool {
    locale.is_some_and(|l| {
        let l = l.to_ascii_lowercase();
        l.contains("utf-8") || l.contains("utf8")
    })
}

#[derive(Args, Debug, Clone, Default)]
pub struct NetArgs {
    /// A built-in preset's name (see `chainstep presets`) or a preset file's path
    #[arg(long, value_name = "NAME|PATH", default_value = "notebook")]
    pub preset: String,
    /// Random weights from this seed instead of the preset's
    #[arg(long, value_name = "N", conflicts_with = "random")]
    pub seed: Option<u64>,
    /// Random weights from a freshly drawn seed, which is shown so a class can reproduce it
    #[arg(long)]
    pub random: bool,
    /// Learning rate η, overriding the preset's
    // Values may start with a hyphen, so `--lr -1` is refused with the
    // reason (not positive) rather than as an unknown flag.
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub lr: Option<f64>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// List the built-in presets
    Presets,
    /// Write the whole worked example to stdout
    Export {
        #[arg(long, value_enum)]
        format: Format,
        #[command(flatten)]
        net: NetArgs,
        /// How many epochs to write out
        #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=100_000))]
        epochs: u64,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Markdown,
}

use crate::model::Preset;
pub use crate::model::lesson::{Lesson, fresh_seed};
use crate::model::preset::check_learning_rate;

impl NetArgs {
    /// Loads the preset and applies the overrides; the error is the message
    /// to print before exiting with status 2.
    pub fn lesson(&self) -> Result<Lesson, String> {
        let preset = Preset::load(&self.preset).map_err(|e| e.to_string())?;
        let learning_rate = match self.lr {
            Some(lr) => check_learning_rate(lr).map_err(|m| format!("bad --lr: {m}"))?,
            None => preset.learning_rate,
        };
        let seed = if self.random {
            Some(fresh_seed())
        } else {
            self.seed
        };
        let seed = preset.initial_weights(seed).1;
        Ok(Lesson {
            preset,
            seed,
            learning_rate,
        })
    }
}
