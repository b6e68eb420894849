//! The command line, parsed by clap.

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::app::Look;
use crate::model::Preset;
pub use crate::model::lesson::{Lesson, fresh_seed};
use crate::model::preset::check_learning_rate;
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
    /// Teach a class over SSH: students run the lesson with `ssh -p 2222 HOST` and follow the presenter
    Serve(ServeArgs),
}

/// `chainstep serve`: see the README's "Running a class".
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address and port to listen on; 0.0.0.0:2222 lets other machines in
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:2222")]
    pub listen: String,
    #[command(flatten)]
    pub net: NetArgs,
    /// Colour theme of every session (a client that sends NO_COLOR gets mono)
    #[arg(long, value_enum)]
    pub theme: Option<ThemeKind>,
    /// Plain ASCII in every session (automatic for a client whose locale is not UTF-8)
    #[arg(long)]
    pub ascii: bool,
    /// The server's host key, made on the first run [default: $XDG_STATE_HOME/chainstep/host_key]
    #[arg(long, value_name = "PATH")]
    pub host_key: Option<std::path::PathBuf>,
    /// Lessons running at once; more students are told the class is full
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_sessions: u32,
    /// Close a session after this long without a key press (or a presenter's step it follows): 90s, 30m, 2h
    #[arg(long, value_name = "DURATION", default_value = "30m", value_parser = crate::serve::parse_duration)]
    pub idle_timeout: std::time::Duration,
    /// The presenter's OpenSSH public key file; the presenter connects as presenter@HOST
    #[arg(long, value_name = "PATH", conflicts_with = "presenter_password")]
    pub presenter_key: Option<std::path::PathBuf>,
    /// The presenter's password (shown by ps to this machine's users: prefer --presenter-key)
    #[arg(long, value_name = "PASSWORD")]
    pub presenter_password: Option<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Markdown,
}

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
