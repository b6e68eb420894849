//! Snapshots of the whole screen after every link of the notebook's first
//! epoch: the start, each of the fifteen links, and the start of epoch 2, at
//! 80×24 and 120×40, in Unicode and in ASCII, in the mono theme (so nothing
//! depends on NO_COLOR or on colours the text cannot show).
//!
//! The snapshots live in `tests/snapshots/`. After a deliberate change to the
//! screen, re-accept them all with
//!
//! ```sh
//! INSTA_UPDATE=always cargo test --test snapshots
//! ```
//!
//! and review the diff with `git diff tests/snapshots/`. With `CI=true` insta
//! never writes and a mismatch fails the test.

use chainstep::action::Action;
use chainstep::app::{App, Look};
use chainstep::cli::NetArgs;
use chainstep::model::LinkId;
use chainstep::ui::theme::ThemeKind;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The notebook's printed O[1,1] and ∂E/∂W_ho[1,1].
const NOTEBOOK_O: f64 = 0.71156082;
const NOTEBOOK_DE_DWHO: f64 = 0.03829313;

fn notebook(ascii: bool) -> App {
    let lesson = NetArgs {
        preset: "notebook".into(),
        ..Default::default()
    }
    .lesson()
    .expect("the notebook preset is built in");
    App::new(
        lesson,
        Look {
            theme: ThemeKind::Mono,
            ascii,
        },
    )
}

/// The screen's text, one quoted line per row (TestBackend's Display), so
/// trailing spaces are visible in the snapshot.
fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    terminal
        .draw(|f| f.render_widget(app, f.area()))
        .expect("drawing never fails on a TestBackend");
    terminal.backend().to_string()
}

/// Snapshots one epoch link by link. Names such as `u80x24_05_E`: the glyph
/// set (u: Unicode, a: ASCII), the size, how many links are computed and the
/// last link's id.
fn epoch(width: u16, height: u16, ascii: bool) {
    let glyphs = if ascii { "a" } else { "u" };
    let prefix = format!("{glyphs}{width}x{height}");
    let look = format!(
        "{width}×{height}, mono theme, {}",
        if ascii { "ASCII" } else { "Unicode" }
    );
    let snap = |app: &App, name: String, what: String| -> String {
        let text = screen(app, width, height);
        let mut settings = insta::Settings::clone_current();
        settings.set_description(format!("notebook preset, {look}: {what}"));
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!(name, &text));
        text
    };

    let mut app = notebook(ascii);
    snap(
        &app,
        format!("{prefix}_00_start"),
        "epoch 1, nothing computed".into(),
    );
    for (i, id) in LinkId::ALL.into_iter().enumerate() {
        app.update(Action::Next);
        assert_eq!(app.current(), Some(id), "space computes the links in order");
        let n = i + 1;
        let what = format!(
            "epoch 1 after link {n} of 15, {} ({})",
            id.info().id,
            id.info().phase.name()
        );
        let text = snap(&app, format!("{prefix}_{n:02}_{}", id.info().id), what);
        // Whatever the layout becomes (so a blind re-accept cannot lose
        // them), the notebook's O[1,1] and ∂E/∂W_ho[1,1] are on screen at
        // the link that computes them, and nowhere before it.
        for (link, v) in [(LinkId::O, NOTEBOOK_O), (LinkId::DeDwho, NOTEBOOK_DE_DWHO)] {
            let want = format!("{v:.4}");
            let computed = id.index() >= link.index();
            if id == link || !computed {
                assert_eq!(
                    text.contains(&want),
                    computed,
                    "{prefix} after {}: `{want}` on screen should be {computed}:\n{text}",
                    id.info().id
                );
            }
        }
    }
    app.update(Action::Next);
    assert_eq!(
        (app.stepper.epoch(), app.current()),
        (2, None),
        "space after the last link starts epoch 2"
    );
    snap(
        &app,
        format!("{prefix}_16_epoch2"),
        "epoch 2, nothing computed yet".into(),
    );
}

#[test]
fn unicode_80x24() {
    epoch(80, 24, false);
}

#[test]
fn unicode_120x40() {
    epoch(120, 40, false);
}

#[test]
fn ascii_80x24() {
    epoch(80, 24, true);
}

#[test]
fn ascii_120x40() {
    epoch(120, 40, true);
}
