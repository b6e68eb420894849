//! Property tests of the App: random key sequences on random screen sizes
//! never panic, and stepping forward then back returns to the same state.

use std::sync::OnceLock;

use chainstep::action::{Action, keymap};
use chainstep::app::{App, Look, TRAIN_CHUNK, TRAIN_EPOCHS};
use chainstep::cli::{Lesson, NetArgs};
use chainstep::model::link::shape_of;
use chainstep::ui::theme::ThemeKind;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};

/// A preset wider and taller than any screen shows whole, so matrices are
/// elided, and with two outputs.
const WIDE: &str = r#"
name = "wide"
description = "12 samples, 9 features, 14 hidden units, 2 outputs"
learning_rate = 0.5
inputs = [
  [1, 0, 0, 1, 0, 1, 0, 0, 1], [0, 1, 0, 0, 1, 0, 1, 0, 0], [1, 1, 0, 1, 0, 0, 0, 1, 1],
  [0, 0, 1, 0, 1, 1, 0, 0, 0], [1, 0, 1, 0, 0, 1, 1, 0, 1], [0, 1, 1, 1, 0, 0, 0, 1, 0],
  [1, 1, 1, 0, 1, 0, 1, 0, 0], [0, 0, 0, 1, 1, 1, 0, 1, 1], [1, 0, 0, 0, 1, 0, 1, 1, 0],
  [0, 1, 0, 1, 0, 1, 0, 0, 1], [1, 1, 0, 0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 1, 0, 0, 0, 0],
]
targets = [[1, 0], [0, 1], [1, 1], [0, 0], [1, 0], [0, 1], [1, 1], [0, 0], [1, 0], [0, 1], [1, 1], [0, 0]]
hidden = 14
seed = 3
"#;

/// The lessons the tests draw from: the built-in presets, a wide one, and
/// the notebook with a learning rate that overflows to inf and NaN.
fn lessons() -> &'static [Lesson] {
    static LESSONS: OnceLock<Vec<Lesson>> = OnceLock::new();
    LESSONS.get_or_init(|| {
        let wide = std::env::temp_dir().join(format!("chainstep-props-wide-{}.toml", std::process::id()));
        std::fs::write(&wide, WIDE).expect("temp dir is writable");
        let args = [
            NetArgs {
                preset: "notebook".into(),
                ..Default::default()
            },
            NetArgs {
                preset: "xor".into(),
                ..Default::default()
            },
            NetArgs {
                preset: "gates".into(),
                ..Default::default()
            },
            NetArgs {
                preset: wide.display().to_string(),
                ..Default::default()
            },
            NetArgs {
                preset: "notebook".into(),
                lr: Some(1e300),
                ..Default::default()
            },
        ];
        let out = args
            .iter()
            .map(|a| a.lesson().unwrap_or_else(|e| panic!("{}: {e}", a.preset)))
            .collect();
        let _ = std::fs::remove_file(&wide);
        out
    })
}

fn key(code: KeyCode, modifiers: KeyModifiers, kind: KeyEventKind) -> KeyEvent {
    KeyEvent {
        code,
        modifiers,
        kind,
        state: KeyEventState::NONE,
    }
}

/// Every key the keymap knows, and some it does not.
fn keys() -> impl Strategy<Value = KeyEvent> {
    use KeyCode::*;
    let known = [
        Char(' '),
        Right,
        Char('l'),
        Enter,
        Left,
        Char('h'),
        Backspace,
        Home,
        End,
        Up,
        Char('k'),
        Down,
        Char('j'),
        Tab,
        BackTab,
        Char('f'),
        Char('b'),
        Char('u'),
        Char('n'),
        Char('t'),
        Char('r'),
        Char('R'),
        Char('z'),
        Char('c'),
        Char('?'),
        Char('F'),
        Char('q'),
        Esc,
    ];
    let junk = [
        Char('x'),
        Char('é'),
        Char('0'),
        F(5),
        PageUp,
        Delete,
        Insert,
        Null,
    ];
    let code = prop_oneof![4 => proptest::sample::select(known.to_vec()), 1 => proptest::sample::select(junk.to_vec())];
    let modifiers = prop_oneof![
        8 => Just(KeyModifiers::NONE),
        1 => Just(KeyModifiers::CONTROL),
        1 => Just(KeyModifiers::SHIFT),
        1 => Just(KeyModifiers::ALT),
    ];
    let kind = prop_oneof![8 => Just(KeyEventKind::Press), 1 => Just(KeyEventKind::Repeat), 1 => Just(KeyEventKind::Release)];
    (code, modifiers, kind).prop_map(|(c, m, k)| key(c, m, k))
}

fn size() -> impl Strategy<Value = (u16, u16)> {
    prop_oneof![
        3 => (1u16..=250, 1u16..=80),
        1 => (78u16..=82, 22u16..=26),
        1 => (1u16..=4, 1u16..=4),
    ]
}

/// One key, sometimes after a resize.
fn steps() -> impl Strategy<Value = Vec<(KeyEvent, Option<(u16, u16)>)>> {
    proptest::collection::vec((keys(), proptest::option::weighted(0.2, size())), 0..40)
}

fn draw(terminal: &mut Terminal<TestBackend>, app: &App) {
    terminal
        .draw(|f| f.render_widget(app, f.area()))
        .expect("a TestBackend never fails");
}

/// Applies one action the way the terminal loop does, except that new
/// weights come from `seed` instead of the operating system, and a training
/// run is ticked to its end at once (drawing part way).
fn apply(app: &mut App, action: Action, seed: u64, mut draw: impl FnMut(&App)) {
    match action {
        Action::Reroll if app.training.is_none() && !app.following() => app.reroll(seed),
        a => app.update(a),
    }
    let bound = TRAIN_EPOCHS / TRAIN_CHUNK + 1;
    let mut ticks = 0;
    while app.tick() {
        ticks += 1;
        assert!(ticks <= bound, "training ends within {bound} ticks");
        if ticks == 2 {
            draw(app);
        }
    }
}

/// Whenever a link is current, its worked element lies inside it.
fn check_invariants(app: &App) {
    let s = &app.stepper;
    assert!(s.pos() <= 15);
    assert_eq!(app.current().map_or(0, |l| l.index() + 1), s.pos());
    if let Some(id) = app.current() {
        let (rows, cols) = shape_of(id, s.data(), s.hidden());
        let (r, c) = app.selection();
        assert!(r < rows && c < cols, "selection {:?} in {rows}×{cols}", (r, c));
    }
}

/// 64 cases, so a debug run takes seconds; PROPTEST_CASES=5000 digs deeper.
fn config() -> ProptestConfig {
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() {
        ProptestConfig::default().cases
    } else {
        64
    };
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_keys_on_random_sizes_never_panic(
        lesson in 0..lessons().len(),
        theme in proptest::sample::select(ThemeKind::ALL.to_vec()),
        ascii in any::<bool>(),
        start in size(),
        steps in steps(),
        seed in 0u64..1_000_000,
    ) {
        let mut app = App::new(lessons()[lesson].clone(), Look { theme, ascii });
        let (w, h) = start;
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a test terminal");
        draw(&mut terminal, &app);
        for (key, resize) in steps {
            if let Some((w, h)) = resize {
                terminal.backend_mut().resize(w, h);
                draw(&mut terminal, &app);
            }
            // Quitting is only a state here; the keys keep coming.
            if let Some(action) = keymap(key) {
                let mut t = None;
                apply(&mut app, action, seed, |a| t = Some(a.clone()));
                if let Some(mid) = t {
                    draw(&mut terminal, &mid);
                }
            }
            check_invariants(&app);
            draw(&mut terminal, &app);
        }
    }

    #[test]
    fn k_steps_forward_then_k_back_is_the_same_state(
        lesson in 0..lessons().len(),
        steps in steps(),
        seed in 0u64..1_000_000,
        k in 0usize..40,
    ) {
        let (before, after) = there_and_back(lesson, steps, seed, k);
        prop_assert_eq!(&after.stepper, &before.stepper, "the stepper is back where it was");
        // The whole App, the element asked for included, even where a
        // smaller link on the way could only show a clamped one.
        prop_assert_eq!(after, before);
    }
}

/// A state reached by `steps`, and the App after k Next then k Prev from
/// there (notices cleared).
fn there_and_back(
    lesson: usize,
    steps: Vec<(KeyEvent, Option<(u16, u16)>)>,
    seed: u64,
    k: usize,
) -> (App, App) {
    let mut app = App::new(
        lessons()[lesson].clone(),
        Look {
            theme: ThemeKind::Mono,
            ascii: false,
        },
    );
    for (key, _) in steps {
        if let Some(action) = keymap(key) {
            apply(&mut app, action, seed, |_| ());
        }
    }
    // Quitting is a flag the loop reads; a notice is cleared by any action.
    app.quit = false;
    app.notice = None;
    let before = app.clone();
    for _ in 0..k {
        app.update(Action::Next);
    }
    for _ in 0..k {
        app.update(Action::Prev);
    }
    app.notice = None;
    (before, app)
}
