use std::io::{ErrorKind, Write};
use std::process::ExitCode;

use chainstep::app::App;
use chainstep::cli::{Cli, Command, Format};
use chainstep::export;
use chainstep::model::Preset;
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Presets) => write_out(&presets()),
        Some(Command::Export { format, net, epochs }) => net.lesson().and_then(|l| {
            let text = match format {
                Format::Json => export::json(&l.preset, l.seed, l.stepper(), epochs as usize),
                Format::Markdown => export::markdown(&l.preset, l.seed, l.stepper(), epochs as usize),
            };
            write_out(&text)
        }),
        Some(Command::Serve(args)) => chainstep::serve::run(args),
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

/// Writes to stdout. A reader that stops early (`| head`) is no error, so a
/// closed pipe ends quietly; any other failure is reported (print! panics).
fn write_out(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(format!("cannot write to stdout: {e}")),
        _ => Ok(()),
    }
}

fn presets() -> String {
    let mut s = String::new();
    for p in Preset::builtins() {
        let d = &p.data;
        let shape = format!("{}-{}-{}", d.features(), p.hidden, d.outputs());
        s.push_str(&format!("{:<10} {:<7} {}\n", p.name, shape, p.description));
    }
    s
}
