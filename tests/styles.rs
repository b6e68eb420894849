//! The highlights are styles, not only text: these tests read the Buffer's
//! cells. The current link is marked on the chain bar and on its matrix's
//! title, the worked element carries `selected`, the terms the link reads
//! carry `reads` and the numbers it uses carry `feeds`; uncomputed terms are
//! `·`, never an earlier epoch's values; the mono theme uses no colour at
//! all; and the ASCII look draws nothing but ASCII.

use std::ops::Range;

use chainstep::action::{Action, Dir};
use chainstep::app::{App, Look};
use chainstep::cli::NetArgs;
use chainstep::model::link::{shape_of, term_shape};
use chainstep::model::{LinkId, Term};
use chainstep::ui::Ctx;
use chainstep::ui::chain;
use chainstep::ui::matrix::{CELL, LABEL};
use chainstep::ui::theme::{Theme, ThemeKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::{Buffer, Cell};
use ratatui::style::{Color, Modifier, Style};

/// The notebook's printed O (one row, a column per sample).
const NOTEBOOK_O: [f64; 3] = [0.71156082, 0.77420383, 0.7542284];
/// The notebook's printed ∂E/∂W_ho (one row per hidden unit).
const NOTEBOOK_DE_DWHO: [f64; 3] = [0.03829313, 0.02732126, 0.04399328];
/// The notebook's h1 for hidden unit 1, one value per sample, as printed.
const NOTEBOOK_H1_ROW1: [&str; 3] = ["0.7301", "0.9273", "0.8448"];

fn notebook(theme: ThemeKind, ascii: bool) -> App {
    let lesson = NetArgs {
        preset: "notebook".into(),
        ..Default::default()
    }
    .lesson()
    .expect("the notebook preset is built in");
    App::new(lesson, Look { theme, ascii })
}

fn four(v: f64) -> String {
    format!("{v:.4}")
}

/// Whether a cell shows `style`: its colours where the style sets them, and
/// at least its modifiers.
fn has(cell: &Cell, style: Style) -> bool {
    style.fg.is_none_or(|c| cell.fg == c)
        && style.bg.is_none_or(|c| cell.bg == c)
        && cell.modifier.contains(style.add_modifier)
}

struct Screen {
    buf: Buffer,
    theme: Theme,
    /// Rows of the chain bar.
    chain: Range<u16>,
}

impl Screen {
    fn new(app: &App, width: u16, height: u16) -> Screen {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
        terminal
            .draw(|f| f.render_widget(app, f.area()))
            .expect("drawing never fails on a TestBackend");
        let ctx = Ctx::new(app);
        let chain = 1..1 + chain::height(width, &ctx);
        Screen {
            buf: terminal.backend().buffer().clone(),
            theme: ctx.theme,
            chain,
        }
    }

    fn width(&self) -> u16 {
        self.buf.area.width
    }

    fn height(&self) -> u16 {
        self.buf.area.height
    }

    fn cell(&self, x: u16, y: u16) -> &Cell {
        &self.buf[(x, y)]
    }

    fn text(&self, y: u16) -> String {
        (0..self.width()).map(|x| self.cell(x, y).symbol()).collect()
    }

    fn text_at(&self, x: u16, y: u16, n: u16) -> String {
        (x..(x + n).min(self.width()))
            .map(|x| self.cell(x, y).symbol())
            .collect()
    }

    fn all_text(&self) -> String {
        (0..self.height()).map(|y| self.text(y) + "\n").collect()
    }

    /// Where `text` starts in `rows`, as a whole word: at the left edge or
    /// after a space (so `h1` does not match inside `∂Z2/∂h1`).
    fn find(&self, text: &str, rows: Range<u16>) -> Vec<(u16, u16)> {
        let want: Vec<String> = text.chars().map(String::from).collect();
        let n = want.len() as u16;
        let mut out = Vec::new();
        for y in rows {
            for x in 0..=self.width().saturating_sub(n) {
                let starts = x == 0 || self.cell(x - 1, y).symbol() == " ";
                if starts && (0..n).all(|i| self.cell(x + i, y).symbol() == want[i as usize]) {
                    out.push((x, y));
                }
            }
        }
        out
    }

    /// The one place `text` stands in `rows`.
    fn find_one(&self, text: &str, rows: Range<u16>) -> (u16, u16) {
        let found = self.find(text, rows.clone());
        assert_eq!(
            found.len(),
            1,
            "`{text}` in rows {rows:?}: {found:?}\n{}",
            self.all_text()
        );
        found[0]
    }

    /// The row of the link pane's title, which names the link.
    fn link_pane_row(&self) -> u16 {
        (0..self.height())
            .find(|&y| {
                let t = self.text(y);
                t.contains(" of 15, ") || t.contains(" starts: nothing computed yet")
            })
            .unwrap_or_else(|| panic!("no link pane title\n{}", self.all_text()))
    }

    /// The rows the term panes take: between the chain bar and the link pane.
    fn terms(&self) -> Range<u16> {
        self.chain.end..self.link_pane_row()
    }

    fn all(&self, x: u16, y: u16, n: u16, style: Style) -> bool {
        (x..x + n).all(|x| has(self.cell(x, y), style))
    }

    fn none(&self, x: u16, y: u16, n: u16, style: Style) -> bool {
        (x..x + n).all(|x| !has(self.cell(x, y), style))
    }

    /// The text of every cell in `rows` carrying `style`, in reading order.
    fn styled_text(&self, rows: Range<u16>, style: Style) -> String {
        rows.flat_map(|y| (0..self.width()).map(move |x| (x, y)))
            .filter(|&(x, y)| has(self.cell(x, y), style))
            .map(|(x, y)| self.cell(x, y).symbol().to_string())
            .collect()
    }
}

/// A matrix block's title as the screen writes it.
fn title(app: &App, symbol: &str, shape: (usize, usize)) -> String {
    let t = format!("{symbol} ({}×{})", shape.0, shape.1);
    if app.look.ascii {
        chainstep::model::text::ascii(&t)
    } else {
        t
    }
}

fn link_title(app: &App, id: LinkId) -> String {
    let s = &app.stepper;
    title(app, id.info().symbol, shape_of(id, s.data(), s.hidden()))
}

fn at_link(theme: ThemeKind, ascii: bool, id: LinkId) -> App {
    let mut app = notebook(theme, ascii);
    while app.current() != Some(id) {
        app.update(Action::Next);
    }
    app
}

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

#[test]
fn the_current_link_is_marked_on_the_chain_bar_and_nowhere_else_there() {
    for theme in ThemeKind::ALL {
        for ascii in [false, true] {
            for (w, h) in SIZES {
                let mut app = notebook(theme, ascii);
                let screen = Screen::new(&app, w, h);
                let marked = screen.styled_text(screen.chain.clone(), screen.theme.current);
                assert_eq!(
                    marked, "",
                    "{theme:?} {w}×{h}: nothing is current before the first step"
                );
                for id in LinkId::ALL {
                    app.update(Action::Next);
                    let screen = Screen::new(&app, w, h);
                    let symbol = Ctx::new(&app).t(id.info().symbol);
                    let marked = screen.styled_text(screen.chain.clone(), screen.theme.current);
                    assert_eq!(
                        marked, symbol,
                        "{theme:?} ascii={ascii} {w}×{h} at {id:?}: the chain bar marks"
                    );
                }
            }
        }
    }
}

#[test]
fn the_current_links_matrix_title_carries_the_current_style() {
    for theme in ThemeKind::ALL {
        for (w, h) in SIZES {
            for id in LinkId::ALL {
                let app = at_link(theme, false, id);
                let screen = Screen::new(&app, w, h);
                let t = link_title(&app, id);
                let (x, y) = screen.find_one(&t, screen.terms());
                let n = t.chars().count() as u16;
                assert!(
                    screen.all(x, y, n, screen.theme.current),
                    "{theme:?} {w}×{h}: `{t}` is not styled current"
                );
            }
        }
    }
}

/// ∂E/∂W_ho's block shows the notebook's numbers, the worked element
/// styled `selected` and moving with the arrow keys.
fn worked_element_follows_the_arrow_keys(w: u16, h: u16) {
    for theme in ThemeKind::ALL {
        let mut app = at_link(theme, false, LinkId::DeDwho);
        for (row, want) in NOTEBOOK_DE_DWHO.iter().enumerate() {
            assert_eq!(app.selected, (row, 0));
            let screen = Screen::new(&app, w, h);
            let sel = screen.theme.selected;
            let (x, y) = screen.find_one(&link_title(&app, LinkId::DeDwho), screen.terms());
            // Title, column labels, then one row per hidden unit.
            for r in 0..3u16 {
                let (cx, cy) = (x + LABEL, y + 2 + r);
                let cell = screen.text_at(cx, cy, CELL);
                let expected = four(NOTEBOOK_DE_DWHO[r as usize]);
                assert_eq!(
                    cell.trim(),
                    expected,
                    "{theme:?} {w}×{h}: row {r}\n{}",
                    screen.all_text()
                );
                if r as usize == row {
                    assert!(
                        screen.all(cx, cy, CELL, sel),
                        "{theme:?} {w}×{h}: `{cell}` is the worked element"
                    );
                } else {
                    assert!(
                        screen.none(cx, cy, CELL, sel),
                        "{theme:?} {w}×{h}: `{cell}` is not selected"
                    );
                }
            }
            // The link pane's result is the same number, styled the same.
            let value = format!("= {}", four(*want));
            let (vx, vy) = screen.find_one(&value, screen.link_pane_row()..h - 1);
            assert!(
                screen.all(vx, vy, value.chars().count() as u16, sel),
                "{theme:?} {w}×{h}: `{value}`"
            );
            app.update(Action::Move(Dir::Down));
        }
    }
}

#[test]
fn the_worked_element_carries_selected_and_follows_the_arrow_keys_120x40() {
    worked_element_follows_the_arrow_keys(120, 40);
}

#[test]
fn the_worked_element_carries_selected_and_follows_the_arrow_keys_80x24() {
    worked_element_follows_the_arrow_keys(80, 24);
}

/// For every link, exactly one cell of the term panes is `selected`, and it
/// shows the link's value at the selected element (mono, where `selected`
/// differs from `current`).
fn every_worked_element_is_shown_selected(w: u16, h: u16) {
    let mut app = notebook(ThemeKind::Mono, false);
    let mut missing = Vec::new();
    for id in LinkId::ALL {
        app.update(Action::Next);
        let screen = Screen::new(&app, w, h);
        let value = app.stepper.value(id).expect("just computed")[(0, 0)];
        let marked = screen.styled_text(screen.terms(), screen.theme.selected);
        if marked.trim() != chainstep::model::number::num(value) {
            missing.push(format!("{} shows `{marked}`", id.info().id));
        }
    }
    assert!(
        missing.is_empty(),
        "{w}×{h}: the worked element is not shown selected: {missing:?}"
    );
}

#[test]
fn every_worked_element_is_shown_selected_120x40() {
    every_worked_element_is_shown_selected(120, 40);
}

#[test]
fn every_worked_element_is_shown_selected_80x24() {
    every_worked_element_is_shown_selected(80, 24);
}

#[test]
fn the_terms_the_current_link_reads_are_underlined_where_they_stand() {
    let mono = ThemeKind::Mono.theme();
    assert!(
        mono.reads.add_modifier.contains(Modifier::UNDERLINED),
        "mono marks what a link reads by underlining"
    );
    for theme in ThemeKind::ALL {
        for (w, h) in SIZES {
            let app = at_link(theme, false, LinkId::DeDwho);
            let screen = Screen::new(&app, w, h);
            let th = screen.theme;
            let reads = [("h1", (3, 3)), ("∂E/∂O", (1, 3)), ("∂O/∂Z2", (1, 3))];
            for (symbol, shape) in reads {
                let t = title(&app, symbol, shape);
                let (x, y) = screen.find_one(&t, screen.terms());
                let n = t.chars().count() as u16;
                assert!(
                    screen.all(x, y, n, th.reads),
                    "{theme:?} {w}×{h}: `{t}` is read by ∂E/∂W_ho"
                );
            }
            // Terms the link does not read are not marked as read.
            for (symbol, shape) in [
                ("Z1", (3, 3)),
                ("W_ho", (3, 1)),
                ("∂Z2/∂W_ho", (3, 3)),
                ("E", (1, 3)),
            ] {
                let t = title(&app, symbol, shape);
                let (x, y) = screen.find_one(&t, screen.terms());
                let n = t.chars().count() as u16;
                assert!(
                    !screen.all(x, y, n, th.reads),
                    "{theme:?} {w}×{h}: `{t}` is not read by ∂E/∂W_ho"
                );
            }
        }
    }
}

#[test]
fn the_numbers_the_worked_element_uses_carry_feeds() {
    // At 120×40 every computed term is open. ∂E/∂W_ho[1,1] sums h1's first
    // row against ∂E/∂O and ∂O/∂Z2 sample by sample.
    let app = at_link(ThemeKind::Mono, false, LinkId::DeDwho);
    let screen = Screen::new(&app, 120, 40);
    let feeds = screen.theme.feeds;
    let (x, y) = screen.find_one(&title(&app, "h1", (3, 3)), screen.terms());
    for (c, want) in NOTEBOOK_H1_ROW1.iter().enumerate() {
        let cx = x + LABEL + CELL * c as u16;
        assert_eq!(screen.text_at(cx, y + 2, CELL).trim(), *want);
        assert!(
            screen.all(cx + 1, y + 2, CELL - 1, feeds),
            "h1[1,{c}] feeds ∂E/∂W_ho[1,1]"
        );
        assert!(screen.none(cx + 1, y + 3, CELL - 1, feeds), "h1[2,{c}] does not");
    }
}

#[test]
fn uncomputed_terms_are_blank_never_an_earlier_epochs_values() {
    for ascii in [false, true] {
        for (w, h) in SIZES {
            let mut app = notebook(ThemeKind::Mono, ascii);
            app.update(Action::FinishForward);
            let o = four(NOTEBOOK_O[0]);
            assert!(
                Screen::new(&app, w, h).all_text().contains(&o),
                "{w}×{h}: O is shown in epoch 1"
            );
            app.stepper.finish_epoch();
            if (w, h) == (120, 40) {
                let epoch1 = Screen::new(&app, w, h).all_text();
                assert!(
                    epoch1.contains(&four(NOTEBOOK_DE_DWHO[0])),
                    "∂E/∂W_ho is shown at the epoch's end"
                );
            }

            app.update(Action::Next);
            assert_eq!((app.stepper.epoch(), app.stepper.pos()), (2, 0));
            let blank = if ascii { "." } else { "·" };
            for k in 0..=2 {
                let screen = Screen::new(&app, w, h);
                let text = screen.all_text();
                for stale in [
                    four(NOTEBOOK_O[0]),
                    four(NOTEBOOK_DE_DWHO[0]),
                    four(NOTEBOOK_DE_DWHO[2]),
                ] {
                    assert!(
                        !text.contains(&stale),
                        "{w}×{h}: epoch 2 after {k} links shows epoch 1's {stale}\n{text}"
                    );
                }
                // Every link not computed yet, wherever its title is shown,
                // is followed by the blank mark.
                for id in &LinkId::ALL[k..] {
                    let t = link_title(&app, *id);
                    for (x, y) in screen.find(&t, screen.terms()) {
                        let after = screen.text_at(x + t.chars().count() as u16, y, 2);
                        assert!(
                            after == format!(" {blank}") || after.trim().is_empty(),
                            "{w}×{h} epoch 2 after {k} links: `{t}` is followed by `{after}`\n{text}"
                        );
                    }
                }
                if (w, h) == (120, 40) {
                    let shown = LinkId::ALL[k..]
                        .iter()
                        .filter(|id| !screen.find(&link_title(&app, **id), screen.terms()).is_empty());
                    assert_eq!(
                        shown.count(),
                        15 - k,
                        "120×40 shows every uncomputed term\n{text}"
                    );
                }
                app.update(Action::Next);
            }
        }
    }
}

#[test]
fn a_folded_term_never_looks_like_an_uncomputed_one() {
    // A computed term folded to one line ends in ⋯ (ASCII `..`) or its
    // numbers; the blank mark after a title means not computed yet.
    let data = [Term::X, Term::Y, Term::Wih, Term::Who];
    for ascii in [false, true] {
        for (w, h) in SIZES {
            let mut app = notebook(ThemeKind::Mono, ascii);
            let blank = format!(" {}", if ascii { "." } else { "·" });
            for step in 0..=15 {
                let screen = Screen::new(&app, w, h);
                let s = &app.stepper;
                for t in data.into_iter().chain(LinkId::ALL.map(Term::Link)) {
                    let t_title = title(&app, t.symbol(), term_shape(t, s.data(), s.hidden()));
                    for (x, y) in screen.find(&t_title, screen.terms()) {
                        let tail = screen.text_at(x + t_title.chars().count() as u16, y, 3);
                        let looks_blank = tail == format!("{blank} ") || tail == blank;
                        assert!(
                            !looks_blank || s.term(t).is_none(),
                            "ascii={ascii} {w}×{h} after {step} links: computed `{t_title}` reads `{tail}`\n{}",
                            screen.all_text()
                        );
                    }
                }
                app.update(Action::Next);
            }
        }
    }
}

/// The states a lesson passes through, for the whole-screen checks.
fn tour(theme: ThemeKind, ascii: bool) -> Vec<(String, App)> {
    let mut out = Vec::new();
    let mut app = notebook(theme, ascii);
    out.push(("start".to_string(), app.clone()));
    for id in LinkId::ALL {
        app.update(Action::Next);
        out.push((format!("{id:?}"), app.clone()));
    }
    app.update(Action::Next);
    out.push(("epoch 2".into(), app.clone()));
    let mut a = app.clone();
    a.update(Action::Prev);
    a.update(Action::Prev);
    out.push(("stepped back into epoch 1".into(), a));
    let mut a = notebook(theme, ascii);
    a.update(Action::Prev);
    assert!(a.notice.is_some(), "Prev at the very start explains itself");
    out.push(("notice".into(), a));
    for (name, action) in [("help", Action::Help), ("zoom", Action::Zoom)] {
        let mut a = app.clone();
        a.update(Action::Next);
        a.update(action);
        out.push((name.into(), a));
    }
    let mut a = app.clone();
    a.update(Action::Train);
    a.tick();
    a.tick();
    out.push(("training".into(), a.clone()));
    while a.tick() {}
    out.push(("trained".into(), a.clone()));
    a.update(Action::Next);
    a.update(Action::Next);
    out.push(("after training".into(), a));
    out
}

#[test]
fn mono_highlights_with_modifiers_only() {
    let th = ThemeKind::Mono.theme();
    for s in [th.current, th.selected, th.reads] {
        assert!(
            !s.add_modifier.is_empty(),
            "every highlight in mono is a modifier"
        );
    }
    assert_ne!(
        th.current.add_modifier, th.reads.add_modifier,
        "current and read terms look different"
    );
    assert_ne!(
        th.current.add_modifier, th.selected.add_modifier,
        "the worked element stands out from its title"
    );
    for (w, h) in [(80, 24), (120, 40), (250, 80), (40, 10)] {
        for (name, app) in tour(ThemeKind::Mono, false) {
            let screen = Screen::new(&app, w, h);
            for y in 0..h {
                for x in 0..w {
                    let c = screen.cell(x, y);
                    assert!(
                        c.fg == Color::Reset && c.bg == Color::Reset,
                        "mono {w}×{h} {name}: ({x},{y}) `{}` has colour {:?} on {:?}",
                        c.symbol(),
                        c.fg,
                        c.bg
                    );
                }
            }
            if app.current().is_some() && (w, h) != (40, 10) && !app.help {
                let rev = screen.styled_text(0..h, Style::new().add_modifier(Modifier::REVERSED));
                assert!(
                    !rev.trim().is_empty(),
                    "mono {w}×{h} {name}: the current link is in reverse video"
                );
            }
        }
    }
}

#[test]
fn ascii_draws_only_ascii() {
    for theme in ThemeKind::ALL {
        for (w, h) in [(80, 24), (120, 40), (250, 80), (40, 10)] {
            for (name, app) in tour(theme, true) {
                let screen = Screen::new(&app, w, h);
                for y in 0..h {
                    let row = screen.text(y);
                    assert!(
                        row.is_ascii(),
                        "{theme:?} {w}×{h} {name}: row {y} is not ASCII: {row:?}"
                    );
                }
            }
        }
    }
}

/// Zoom, for projectors: the worked element's value in large type, drawn in
/// the `selected` style — block pixels in Unicode, `#` in ASCII.
#[test]
fn zoom_writes_the_worked_value_large() {
    for (ascii, pixel) in [(false, "█"), (true, "#")] {
        let mut app = notebook(ThemeKind::Mono, ascii);
        for _ in 0..9 {
            app.update(Action::Next);
        }
        let plain = Screen::new(&app, 100, 40);
        app.update(Action::Zoom);
        let zoomed = Screen::new(&app, 100, 40);
        let count = |s: &Screen| s.buf.content.iter().filter(|c| c.symbol() == pixel).count();
        assert_eq!(count(&plain), 0, "no large type before zoom");
        let pixels: Vec<&Cell> = zoomed
            .buf
            .content
            .iter()
            .filter(|c| c.symbol() == pixel)
            .collect();
        // "= 0.0383" in an 8×8 font is well over a hundred pixels.
        assert!(pixels.len() > 100, "large value drawn ({} pixels)", pixels.len());
        assert!(pixels.iter().all(|c| has(c, zoomed.theme.selected)));
        let rows: std::collections::BTreeSet<u16> = (0..zoomed.height())
            .filter(|&y| (0..zoomed.width()).any(|x| zoomed.buf[(x, y)].symbol() == pixel))
            .collect();
        assert_eq!(
            rows.len(),
            7,
            "an 8-row glyph band (digits use 7 of the rows): {rows:?}"
        );
    }
}
