//! The NO_COLOR pitfall, through a real crossterm backend.
//!
//! crossterm 0.29.0 honours NO_COLOR by writing every colour change as an
//! empty SGR, `ESC [ m`, which terminals read as SGR 0: reset *everything*,
//! bold and reverse included. chainstep honours NO_COLOR itself (the mono
//! theme) and calls `term::keep_attributes()`, which makes crossterm write
//! what it is given. This test renders frames with NO_COLOR=1 and reads the
//! bytes as a terminal would.
//!
//! It is its own test binary with a single test because crossterm reads
//! NO_COLOR once per process and memoizes it. For the same reason the
//! pitfall itself cannot be shown here next to the fix: once
//! `keep_attributes()` has run (or crossterm has memoized NO_COLOR) there is
//! no way back within the process. Checked by hand, without the fix: the
//! mono frame, which changes no colour, ends with an empty SGR from the
//! closing colour reset; the dark-theme frame writes `ESC [ m` after each
//! highlight's `ESC [ 1 m` and `ESC [ 7 m`, and the interpreter below finds
//! the chain bar's current link neither bold nor reversed.

use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;

use chainstep::action::Action;
use chainstep::app::{App, Look};
use chainstep::cli::{LookArgs, NetArgs};
use chainstep::model::LinkId;
use chainstep::ui::theme::ThemeKind;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;

/// One character as a terminal would show it after interpreting the bytes.
#[derive(Clone, Copy, Debug, Default)]
struct Shown {
    ch: char,
    bold: bool,
    reverse: bool,
    underline: bool,
}

/// A minimal terminal: cursor moves (CUP) and SGR attributes; everything
/// else (colours, private modes) is skipped.
fn interpret(bytes: &[u8]) -> Vec<Vec<Shown>> {
    let text = std::str::from_utf8(bytes).expect("the frame is UTF-8");
    let mut screen = vec![
        vec![
            Shown {
                ch: ' ',
                ..Shown::default()
            };
            WIDTH as usize
        ];
        HEIGHT as usize
    ];
    let (mut row, mut col) = (0usize, 0usize);
    let mut pen = Shown::default();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            if row < screen.len() && col < screen[row].len() {
                screen[row][col] = Shown { ch: c, ..pen };
            }
            col += 1;
            continue;
        }
        assert_eq!(chars.next(), Some('['), "only CSI sequences are written");
        let mut params = String::new();
        let fin = loop {
            let c = chars.next().expect("a CSI sequence ends");
            if ('\x40'..='\x7e').contains(&c) {
                break c;
            }
            params.push(c);
        };
        match fin {
            'H' => {
                let mut it = params.split(';').map(|p| p.parse::<usize>().unwrap_or(1));
                row = it.next().unwrap_or(1) - 1;
                col = it.next().unwrap_or(1) - 1;
            }
            'm' if params.starts_with('?') => {}
            'm' => {
                let codes: Vec<&str> = params.split(';').collect();
                let mut i = 0;
                while i < codes.len() {
                    match codes[i] {
                        "" | "0" => pen = Shown::default(),
                        "1" => pen.bold = true,
                        "22" => pen.bold = false,
                        "4" => pen.underline = true,
                        "24" => pen.underline = false,
                        "7" => pen.reverse = true,
                        "27" => pen.reverse = false,
                        // Extended colours: 38;5;n or 38;2;r;g;b.
                        "38" | "48" | "58" => i += if codes.get(i + 1) == Some(&"5") { 2 } else { 4 },
                        _ => {}
                    }
                    i += 1;
                }
            }
            _ => {}
        }
    }
    screen
}

/// A Vec<u8> the test keeps a handle on while the backend owns the writer
/// (`CrosstermBackend::writer` is behind an unstable ratatui feature).
#[derive(Clone, Default)]
struct Bytes(Rc<RefCell<Vec<u8>>>);

impl Write for Bytes {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The frame's bytes, drawn the way the local terminal draws them.
fn frame(app: &App) -> Vec<u8> {
    let bytes = Bytes::default();
    let backend = CrosstermBackend::new(bytes.clone());
    let options = TerminalOptions {
        viewport: Viewport::Fixed(Rect::new(0, 0, WIDTH, HEIGHT)),
    };
    let mut terminal = Terminal::with_options(backend, options).expect("a terminal over a Vec");
    chainstep::term::draw_synced(&mut terminal, app).expect("writing to a Vec never fails");
    bytes.0.take()
}

fn count(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

/// Where `text` starts on the interpreted screen.
fn find(screen: &[Vec<Shown>], text: &str) -> Option<(usize, usize)> {
    let want: Vec<char> = text.chars().collect();
    screen.iter().enumerate().find_map(|(y, row)| {
        let line: Vec<char> = row.iter().map(|s| s.ch).collect();
        line.windows(want.len())
            .position(|w| w == want.as_slice())
            .map(|x| (y, x))
    })
}

fn check(theme: ThemeKind) {
    let lesson = NetArgs {
        preset: "notebook".into(),
        ..Default::default()
    }
    .lesson()
    .expect("built in");
    let mut app = App::new(lesson, Look { theme, ascii: false });
    while app.current() != Some(LinkId::DeDwho) {
        app.update(Action::Next);
    }
    let bytes = frame(&app);
    let shown = String::from_utf8_lossy(&bytes);
    for (sgr, what) in [
        (&b"\x1b[1m"[..], "bold"),
        (b"\x1b[7m", "reverse"),
        (b"\x1b[4m", "underline"),
    ] {
        assert!(
            count(&bytes, sgr) > 0,
            "{theme:?}: no {what} SGR in the frame: {shown:?}"
        );
    }
    assert_eq!(
        count(&bytes, b"\x1b[m"),
        0,
        "{theme:?}: an empty SGR resets bold and reverse: {shown:?}"
    );
    assert!(
        bytes.starts_with(b"\x1b[?2026h"),
        "{theme:?}: the frame begins a synchronized update"
    );
    assert!(count(&bytes, b"\x1b[?2026l") == 1, "{theme:?}: and ends it");

    // Read as a terminal would: the current link on the chain bar (row 2)
    // is bold and reversed, the worked element too, the terms it reads are
    // underlined.
    let screen = interpret(&bytes);
    let chain_row: String = screen[1].iter().map(|s| s.ch).collect();
    let x = chain_row
        .find(" ∂E/∂W_ho ")
        .map(|b| chain_row[..b].chars().count() + 1);
    let x = x.unwrap_or_else(|| panic!("{theme:?}: no ∂E/∂W_ho on the chain bar: {chain_row}"));
    for s in &screen[1][x..x + "∂E/∂W_ho".chars().count()] {
        assert!(
            s.bold && s.reverse,
            "{theme:?}: chain bar `{}` is shown {s:?}",
            s.ch
        );
    }
    let (y, x) = find(&screen, "= 0.0383").unwrap_or_else(|| panic!("{theme:?}: no worked value on screen"));
    assert!(
        screen[y][x + 2].bold && screen[y][x + 2].reverse,
        "{theme:?}: the worked value is highlighted"
    );
    let (y, x) = find(&screen, "h1 (3×3)").unwrap_or_else(|| panic!("{theme:?}: no h1 block"));
    assert!(
        screen[y][x].underline,
        "{theme:?}: h1, read by ∂E/∂W_ho, is underlined"
    );
}

#[test]
fn no_color_keeps_bold_reverse_and_underline() {
    // SAFETY: this binary has this one test, and nothing else runs yet: no
    // other thread can be reading the environment while it changes.
    unsafe { std::env::set_var("NO_COLOR", "1") };
    assert_eq!(
        LookArgs::default().look().theme,
        ThemeKind::Mono,
        "NO_COLOR picks the mono theme"
    );
    chainstep::term::keep_attributes();
    // The theme a NO_COLOR user gets, and a colour theme asked for with
    // --theme despite NO_COLOR: there colour changes come between every
    // attribute and its text, which is where the empty SGR did its damage.
    check(ThemeKind::Mono);
    check(ThemeKind::Dark);
}
