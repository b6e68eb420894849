//! Coalesce sends short runs of unchanged cells instead of cursor moves. It
//! must never change what ends up on the screen: these tests draw the same
//! App through a plain TestBackend and through Coalesce over one, and
//! compare the two screens after every frame.

use chainstep::action::Action;
use chainstep::app::{App, Look};
use chainstep::cli::NetArgs;
use chainstep::coalesce::Coalesce;
use chainstep::fixed_size::FixedSize;
use chainstep::ui::theme::ThemeKind;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const ACTIONS: [Action; 12] = [
    Action::Next,
    Action::Next,
    Action::Next,
    Action::Prev,
    Action::FinishBackward,
    Action::NextEpoch,
    Action::Zoom,
    Action::Help,
    Action::CycleTheme,
    Action::Reset,
    Action::Move(chainstep::action::Dir::Down),
    Action::Move(chainstep::action::Dir::Right),
];

fn app(preset: &str, ascii: bool) -> App {
    let lesson = NetArgs {
        preset: preset.into(),
        ..Default::default()
    }
    .lesson()
    .expect("built in");
    App::new(
        lesson,
        Look {
            theme: ThemeKind::Dark,
            ascii,
        },
    )
}

fn check(app: &mut App, actions: &[usize], (w, h): (u16, u16)) {
    let mut plain = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    let mut coalesced = Terminal::new(Coalesce::new(TestBackend::new(w, h))).expect("terminal");
    coalesced.clear().expect("clear");
    for &a in actions {
        app.update(ACTIONS[a % ACTIONS.len()]);
        plain.draw(|f| f.render_widget(&*app, f.area())).expect("draw");
        coalesced
            .draw(|f| f.render_widget(&*app, f.area()))
            .expect("draw");
        assert_eq!(
            plain.backend().buffer(),
            coalesced.backend().inner().buffer(),
            "after {a}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn the_screen_is_the_same_with_or_without_coalescing(
        preset in prop::sample::select(vec!["notebook", "xor", "gates"]),
        ascii in any::<bool>(),
        actions in prop::collection::vec(0usize..ACTIONS.len(), 1..40),
        w in 60u16..160,
        h in 20u16..50,
    ) {
        check(&mut app(preset, ascii), &actions, (w, h));
    }
}

/// A whole epoch and the next one's start, at the sizes the snapshots use.
#[test]
fn a_whole_epoch_draws_the_same_screens() {
    for size in [(80, 24), (120, 40)] {
        check(&mut app("notebook", false), &[0; 17], size);
    }
}

/// Bytes written, shared with the test that reads them.
#[derive(Clone, Default)]
struct Wire(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Wire {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The point of it: over a whole epoch, fewer bytes reach the terminal.
#[test]
fn an_epoch_costs_fewer_bytes_coalesced() {
    fn epoch<B: ratatui::backend::Backend<Error = std::io::Error> + std::io::Write>(t: &mut Terminal<B>) {
        let mut app = app("notebook", false);
        t.clear().expect("clear");
        for _ in 0..16 {
            app.update(Action::Next);
            chainstep::term::draw_synced(t, &app).expect("draw");
        }
    }
    let (p, c) = (Wire::default(), Wire::default());
    epoch(&mut Terminal::new(FixedSize::new(p.clone(), (120, 40))).expect("terminal"));
    epoch(&mut Terminal::new(Coalesce::new(FixedSize::new(c.clone(), (120, 40)))).expect("terminal"));
    let (p, c) = (p.0.borrow().len(), c.0.borrow().len());
    assert!(c < p, "coalesced {c} bytes, plain {p}");
}
