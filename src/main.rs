use std::process::ExitCode;

use chainstep::cli::{Cli, Command, Format};
use chainstep::app::App;
use chainstep::export;
use chainstep::model::Preset;
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Presets) => {
            list_presets();
            Ok(())
        }
        Some(Command::Export { format, net, epochs }) => net.lesson().map(|l| {
            let text = match format {
                Format::Json => export::json(&l.preset, l.seed, l.stepper(), epochs as usize),
                Format::Markdown => export::markdown(&l.preset, l.seed, l.stepper(), epochs as usize),
            };
            print!("{text}");
        }),
        None => cli.net.lesson().and_then(|l| {
            chainstep::term::run(App::new(l, cli.look.look())).map_err(|e| format!("terminal: {e}"))
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("chainstep: {message}");
            ExitCode::from(2)
        }
    }
}

fn list_presets() {
    for p in Preset::builtins() {
        let d = &p.data;
        let shape = format!("{}-{}-{}", d.features(), p.hidden, d.outputs());
        println!("{:<10} {:<7} {}", p.name, shape, p.description);
    }
}
