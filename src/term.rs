//! The local terminal: set it up, run the App on it, and always put it back
//! — on quit, on a panic, and on SIGTERM, SIGHUP or SIGINT.

use std::io::{self, Write};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::crossterm::event::{self, KeyEvent};
use ratatui::crossterm::style::force_color_output;
use ratatui::crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use ratatui::crossterm::{cursor, execute, queue};

use crate::action::keymap;
use crate::app::App;
use crate::coalesce::Coalesce;

/// How long a training run waits for a key between two chunks.
pub const TRAIN_FRAME: Duration = Duration::from_millis(25);

/// What the event loop reacts to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    Key(KeyEvent),
    Resize,
    /// The terminal went away or a signal asked us to stop.
    Stop,
}

/// Runs the App until it quits or the events stop, drawing after every
/// event that changes something. Waits without a timeout when idle, so an
/// idle lesson uses no CPU; only a training run comes back on its own.
pub fn run_loop<E>(
    app: &mut App,
    events: &Receiver<Event>,
    mut draw: impl FnMut(&App) -> Result<(), E>,
) -> Result<(), E> {
    draw(app)?;
    while !app.quit {
        let event = if app.training.is_some() {
            match events.recv_timeout(TRAIN_FRAME) {
                Ok(e) => Some(e),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => Some(Event::Stop),
            }
        } else {
            Some(events.recv().unwrap_or(Event::Stop))
        };
        match event {
            Some(Event::Key(k)) => match keymap(k) {
                Some(a) => app.update(a),
                None => continue,
            },
            Some(Event::Resize) => {}
            Some(Event::Stop) => break,
            None => {
                app.tick();
            }
        }
        draw(app)?;
    }
    Ok(())
}

/// Draws one frame wrapped in synchronized output (DEC mode 2026), so
/// terminals that know it show the frame at once, and others ignore it.
pub fn draw_synced<B: Backend<Error = io::Error> + Write>(
    terminal: &mut Terminal<B>,
    app: &App,
) -> io::Result<()> {
    queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    terminal.draw(|f| f.render_widget(app, f.area()))?;
    let backend = terminal.backend_mut();
    queue!(backend, EndSynchronizedUpdate)?;
    Write::flush(backend)
}

/// crossterm 0.29 answers NO_COLOR by writing an empty SGR for every colour
/// change, which also clears bold and reverse. chainstep honours NO_COLOR
/// itself, with a theme that uses no colour, so crossterm is told to write
/// what it is given.
pub fn keep_attributes() {
    force_color_output(true);
}

/// Puts the terminal back as it was: cooked mode, main screen, cursor shown.
/// Safe to call more than once, and when the terminal is gone.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        EndSynchronizedUpdate,
        LeaveAlternateScreen,
        cursor::Show
    );
}

fn install_panic_hook() {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        hook(info);
    }));
}

fn spawn_input(tx: Sender<Event>) {
    thread::spawn(move || {
        loop {
            let e = match event::read() {
                Ok(event::Event::Key(k)) => Event::Key(k),
                Ok(event::Event::Resize(..)) => Event::Resize,
                Ok(_) => continue,
                Err(_) => Event::Stop,
            };
            let stop = e == Event::Stop;
            if tx.send(e).is_err() || stop {
                return;
            }
        }
    });
}

fn spawn_signals(tx: Sender<Event>) -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
    thread::spawn(move || {
        if signals.forever().next().is_some() {
            let _ = tx.send(Event::Stop);
        }
    });
    Ok(())
}

/// Runs the TUI on this process's terminal.
pub fn run(mut app: App) -> io::Result<()> {
    use std::io::IsTerminal;
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        return Err(io::Error::other(
            "the lesson needs a terminal on standard input and output; \
             `chainstep export --format markdown` writes it out as text instead",
        ));
    }
    keep_attributes();
    install_panic_hook();
    let (tx, rx) = mpsc::channel();
    spawn_signals(tx.clone())?;
    enable_raw_mode()?;
    let result = (|| {
        execute!(io::stdout(), EnterAlternateScreen, cursor::Hide)?;
        let mut terminal = Terminal::new(Coalesce::new(CrosstermBackend::new(io::stdout())))?;
        // From a cleared screen every cell is known, so short runs of
        // unchanged cells can be sent instead of cursor moves.
        terminal.clear()?;
        spawn_input(tx);
        run_loop(&mut app, &rx, |a| draw_synced(&mut terminal, a))
    })();
    restore();
    result
}
