//! Bytes per keypress: what one step of the lesson sends down the wire.
//!
//! Renders the App through the real `CrosstermBackend` (with `term::draw_synced`,
//! so the synchronized-output brackets are counted too) into a writer that
//! only counts, on a fixed 120×40 viewport, and steps through a whole epoch of
//! the notebook preset: fifteen links, then the first link of the next epoch.
//! Reports the first frame's bytes and the min, median and max bytes per
//! step, and the median step as a share of the first frame.
//!
//! ```sh
//! cargo bench --bench bytes                # the summary
//! cargo bench --bench bytes -- --rows      # also which rows each step changes
//! cargo bench --bench bytes -- --size 80x24 --theme mono
//! ```
//!
//! Bytes are counted, not timed, so the figures are exact and the same on any
//! machine. The tool reports; it asserts nothing.

use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;

use chainstep::action::Action;
use chainstep::app::{App, Look};
use chainstep::cli::NetArgs;
use chainstep::coalesce::Coalesce;
use chainstep::fixed_size::FixedSize;
use chainstep::term::draw_synced;
use chainstep::ui::theme::ThemeKind;
use clap::ValueEnum;
use ratatui::Terminal;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

/// A writer that keeps what it is sent, shared so it can be read while the
/// backend owns it.
#[derive(Clone, Default)]
struct Wire(Rc<RefCell<Vec<u8>>>);

impl Write for Wire {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct Options {
    width: u16,
    height: u16,
    theme: ThemeKind,
    rows: bool,
}

fn options() -> Options {
    let mut o = Options {
        width: 120,
        height: 40,
        theme: ThemeKind::Dark,
        rows: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--size" => {
                let v = args.next().unwrap_or_default();
                let (w, h) = v.split_once('x').expect("--size WxH");
                o.width = w.parse().expect("a width");
                o.height = h.parse().expect("a height");
            }
            "--theme" => {
                let v = args.next().unwrap_or_default();
                o.theme = ThemeKind::from_str(&v, true).expect("a theme name");
            }
            "--rows" => o.rows = true,
            // `cargo bench` passes --bench; `cargo test --benches` passes nothing.
            _ => {}
        }
    }
    o
}

fn render(app: &App, area: Rect) -> Buffer {
    let mut buf = Buffer::empty(area);
    app.render(area, &mut buf);
    buf
}

/// Rows that differ between two frames, with how many cells each.
fn changed_rows(a: &Buffer, b: &Buffer) -> Vec<(u16, usize)> {
    let mut rows = Vec::new();
    for (x, y, _) in a.diff(b) {
        let _ = x;
        match rows.last_mut() {
            Some((r, n)) if *r == y => *n += 1,
            _ => rows.push((y, 1)),
        }
    }
    rows
}

fn main() {
    let o = options();
    let area = Rect::new(0, 0, o.width, o.height);
    let lesson = NetArgs {
        preset: "notebook".into(),
        ..Default::default()
    }
    .lesson()
    .expect("the notebook preset is built in");
    let mut app = App::new(
        lesson,
        Look {
            theme: o.theme,
            ascii: false,
        },
    );
    let wire = Wire::default();
    // The product's stack: Coalesce over CrosstermBackend, from a cleared screen.
    let backend = Coalesce::new(FixedSize::new(wire.clone(), (o.width, o.height)));
    let mut terminal = Terminal::new(backend).expect("a terminal");
    terminal.clear().expect("writing to memory never fails");
    let sent = |t: &mut Terminal<Coalesce<FixedSize<Wire>>>, app: &App| {
        wire.0.borrow_mut().clear();
        draw_synced(t, app).expect("writing to memory never fails");
        wire.0.borrow().len()
    };
    let mut kinds = Kinds::default();

    let first = sent(&mut terminal, &app);
    println!(
        "notebook preset, {}×{}, {} theme, Unicode; every frame through Coalesce + CrosstermBackend + draw_synced",
        o.width,
        o.height,
        o.theme.name()
    );
    println!(
        "first frame: {first} bytes ({} cells)",
        o.width as usize * o.height as usize
    );
    println!(
        "{:>4}  {:<22} {:>6}  {:>5}  {:>6}",
        "step", "now at", "bytes", "cells", "%first"
    );
    let mut steps = Vec::new();
    let mut prev = render(&app, area);
    for i in 1..=16 {
        app.update(Action::Next);
        let bytes = sent(&mut terminal, &app);
        kinds.add(&wire.0.borrow());
        let next = render(&app, area);
        let rows = changed_rows(&prev, &next);
        let cells: usize = rows.iter().map(|(_, n)| n).sum();
        let at = match app.current() {
            Some(id) => format!("{} ({})", id.info().id, app.stepper.epoch()),
            None => format!("start of epoch {}", app.stepper.epoch()),
        };
        println!(
            "{i:>4}  {at:<22} {bytes:>6}  {cells:>5}  {:>5.1}%",
            100.0 * bytes as f64 / first as f64
        );
        if o.rows {
            let list: Vec<String> = rows.iter().map(|(y, n)| format!("{y}:{n}")).collect();
            println!("      rows (row:cells) {}", list.join(" "));
        }
        steps.push(bytes);
        prev = next;
    }
    steps.sort_unstable();
    let n = steps.len();
    let median = if n % 2 == 0 {
        (steps[n / 2 - 1] + steps[n / 2]) as f64 / 2.0
    } else {
        steps[n / 2] as f64
    };
    println!(
        "per step over {n} steps: min {} median {median} max {} bytes; median/first {:.1}%, max/first {:.1}%",
        steps[0],
        steps[n - 1],
        100.0 * median / first as f64,
        100.0 * steps[n - 1] as f64 / first as f64
    );
    let total = kinds.total() as f64;
    let pc = |v: usize| 100.0 * v as f64 / total;
    println!(
        "the steps' bytes: {:.0}% text, {:.0}% cursor moves ({}), {:.0}% colours and attributes ({}), {:.0}% other",
        pc(kinds.text),
        pc(kinds.moves.0),
        kinds.moves.1,
        pc(kinds.sgr.0),
        kinds.sgr.1,
        pc(kinds.other)
    );
}

/// What the bytes were: printed text, or escape sequences by kind (bytes, count).
#[derive(Default)]
struct Kinds {
    text: usize,
    moves: (usize, usize),
    sgr: (usize, usize),
    other: usize,
}

impl Kinds {
    fn add(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == 0x1b && bytes.get(i + 1) == Some(&b'[') {
                // CSI: parameters and intermediates, then one final byte in @..~.
                let end = (i + 2..bytes.len())
                    .find(|&j| (0x40..=0x7e).contains(&bytes[j]))
                    .unwrap_or(bytes.len() - 1);
                let len = end + 1 - i;
                match bytes[end] {
                    b'H' => self.moves = (self.moves.0 + len, self.moves.1 + 1),
                    b'm' => self.sgr = (self.sgr.0 + len, self.sgr.1 + 1),
                    _ => self.other += len,
                }
                i = end + 1;
            } else {
                self.text += 1;
                i += 1;
            }
        }
    }

    fn total(&self) -> usize {
        self.text + self.moves.0 + self.sgr.0 + self.other
    }
}
