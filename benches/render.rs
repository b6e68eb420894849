//! What drawing costs: one frame of the App at three sizes, and one whole
//! keypress (update, render, diff, escape codes) at 120×40.
//!
//! ```sh
//! cargo bench --bench render
//! ```
//!
//! The state is the notebook preset in the middle of the backward pass: nine
//! links in, at ∂E/∂W_ho, in the default (dark) theme with Unicode glyphs.

use std::hint::black_box;
use std::io;

use chainstep::action::Action;
use chainstep::app::{App, Look};
use chainstep::cli::NetArgs;
use chainstep::coalesce::Coalesce;
use chainstep::fixed_size::FixedSize;
use chainstep::model::LinkId;
use chainstep::ui::theme::ThemeKind;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

/// The notebook preset, nine links in: the current link is ∂E/∂W_ho.
fn mid_backward() -> App {
    let lesson = NetArgs {
        preset: "notebook".into(),
        ..Default::default()
    }
    .lesson()
    .expect("the notebook preset is built in");
    let mut app = App::new(
        lesson,
        Look {
            theme: ThemeKind::Dark,
            ascii: false,
        },
    );
    for _ in 0..9 {
        app.update(Action::Next);
    }
    assert_eq!(app.current(), Some(LinkId::DeDwho));
    app
}

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 60)];

/// `impl Widget for &App` into a Buffer that is reset and reused, as
/// ratatui's Terminal reuses its own.
fn frame(c: &mut Criterion) {
    let app = mid_backward();
    let mut g = c.benchmark_group("frame");
    for (w, h) in SIZES {
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        g.bench_function(BenchmarkId::from_parameter(format!("{w}x{h}")), |b| {
            b.iter(|| {
                buf.reset();
                black_box(&app).render(area, &mut buf);
                black_box(&buf);
            })
        });
    }
    g.finish();
}

/// One keypress as the local terminal handles it: App::update, then a frame
/// through CrosstermBackend with synchronized output into a sink. The key
/// alternates between space and ←, so every frame differs from the last
/// (∂E/∂W_ho and ∂Z2/∂h1 take turns as the current link).
fn keypress(c: &mut Criterion) {
    let mut app = mid_backward();
    let area = Rect::new(0, 0, 120, 40);
    let mut terminal = Terminal::new(Coalesce::new(FixedSize::new(
        io::sink(),
        (area.width, area.height),
    )))
    .expect("a terminal");
    terminal.clear().expect("a sink takes anything");
    chainstep::term::draw_synced(&mut terminal, &app).expect("a sink takes anything");
    let mut forward = true;
    c.bench_function("keypress/120x40", |b| {
        b.iter(|| {
            app.update(if forward { Action::Next } else { Action::Prev });
            forward = !forward;
            chainstep::term::draw_synced(&mut terminal, &app).expect("a sink takes anything");
        })
    });
}

criterion_group!(benches, frame, keypress);
criterion_main!(benches);
