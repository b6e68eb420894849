//! The top of the screen: a status line (preset, epoch, loss, η, seed, where
//! in the epoch we are) and the chain bar, the whole path with the current
//! link marked.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::bar;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Sparkline, Widget};

use super::Ctx;
use crate::app::App;
use crate::model::losses::Losses;
use crate::model::number::{WIDTH, num};
use crate::model::{LinkId, Phase};

/// Width of the loss sparkline at the right of the status line.
const SPARK: u16 = 24;

pub fn render_status(app: &App, area: Rect, buf: &mut Buffer, ctx: &Ctx) {
    buf.set_style(area, ctx.theme.bar);
    let s = &app.stepper;
    let seed = app
        .lesson
        .seed
        .map_or("preset weights".to_string(), |v| format!("seed {v}"));
    let loss = s.latest_loss().map_or("—".to_string(), num);
    let phase = s.current().map_or("start", |l| l.info().phase.name());
    let text = format!(
        " {} │ epoch {} │ {} {}/15 │ loss {} │ η {} │ {} ",
        app.lesson.preset.name,
        s.epoch(),
        phase,
        s.pos(),
        loss,
        lr_text(app.lesson.learning_rate),
        seed
    );
    let (x, _) = buf.set_stringn(area.x, area.y, ctx.t(&text), area.width as usize, ctx.theme.bar);
    if s.diverged() {
        let room = area.right().saturating_sub(x) as usize;
        buf.set_stringn(x, area.y, " DIVERGED ", room, ctx.theme.warn);
    }
}

/// η as typed where that is short (0.1 rather than 0.1000), else as a number.
fn lr_text(lr: f64) -> String {
    let s = lr.to_string();
    if s.len() <= WIDTH { s } else { num(lr) }
}

/// The loss of every completed epoch, newest at the right, in what is left
/// of the chain bar's last row after `used` columns.
fn sparkline(app: &App, area: Rect, used: u16, buf: &mut Buffer, ctx: &Ctx) {
    let losses = app.stepper.losses();
    let free = area.width.saturating_sub(used + 2);
    if losses.len() < 2 || free < 12 || area.height == 0 {
        return;
    }
    let w = free.min(SPARK);
    let area = Rect::new(area.x, area.bottom() - 1, area.width, 1);
    let label = ctx.t("log loss ");
    let lw = label.len() as u16;
    buf.set_stringn(area.right() - w, area.y, &label, lw as usize, ctx.theme.dim);
    let spark_area = Rect::new(area.right() - w + lw, area.y, w - lw, 1);
    let data = downsample(losses, spark_area.width as usize);
    let set = if ctx.ascii { ASCII_BARS } else { bar::NINE_LEVELS };
    Sparkline::default()
        .data(&data)
        .max(LEVELS)
        .bar_set(set)
        .style(ctx.theme.chart)
        .render(spark_area, buf);
}

const ASCII_BARS: bar::Set = bar::Set {
    full: "#",
    seven_eighths: "#",
    three_quarters: "*",
    five_eighths: "*",
    half: "+",
    three_eighths: "+",
    one_quarter: ".",
    one_eighth: ".",
    empty: " ",
};

/// Bar heights a sparkline cell can show (eighths).
const LEVELS: u64 = 8;

/// `n` evenly spaced samples of the losses, on a log scale so the long tail
/// of a training run stays visible after the first steep fall; every finite
/// loss is at least the lowest bar, and non-finite ones are gaps. Only the
/// samples are read, so a long history costs nothing per frame.
fn downsample(losses: &Losses, n: usize) -> Vec<u64> {
    let len = losses.len();
    if len == 0 {
        return Vec::new();
    }
    let n = n.min(len).max(1);
    let logs: Vec<Option<f64>> = (0..n)
        .filter_map(|i| losses.get(i * (len - 1) / (n - 1).max(1)))
        .map(|v| {
            (v.is_finite() && v > 0.0)
                .then(|| v.ln())
                .or((v == 0.0).then_some(f64::MIN))
        })
        .collect();
    let finite = || logs.iter().flatten().copied().filter(|l| *l > f64::MIN);
    let lo = finite().fold(f64::INFINITY, f64::min);
    let hi = finite().fold(f64::NEG_INFINITY, f64::max);
    let span = if hi > lo { hi - lo } else { 1.0 };
    logs.into_iter()
        .map(|l| match l {
            Some(l) if l > f64::MIN => 1 + ((l - lo) / span * (LEVELS - 1) as f64).round() as u64,
            Some(_) => 1,
            None => 0,
        })
        .collect()
}

/// The chain's tokens: (text, link or None for the X input and arrows).
fn tokens(ctx: &Ctx) -> Vec<(String, Option<LinkId>)> {
    let mut out = vec![(ctx.t("X"), None)];
    let mut prev = Phase::Forward;
    for id in LinkId::ALL {
        let info = id.info();
        let arrow = if info.phase != prev { " ⇒ " } else { " → " };
        prev = info.phase;
        out.push((ctx.t(arrow), None));
        out.push((ctx.t(info.symbol), Some(id)));
    }
    out
}

/// Lines the chain bar needs at this width (at most 3).
pub fn height(width: u16, ctx: &Ctx) -> u16 {
    wrap(tokens(ctx), width).len().clamp(1, 3) as u16
}

fn wrap(tokens: Vec<(String, Option<LinkId>)>, width: u16) -> Vec<Vec<(String, Option<LinkId>)>> {
    let mut lines = vec![Vec::new()];
    let mut used = 0usize;
    for (text, id) in tokens {
        let w = text.chars().count();
        if used + w > width as usize && used > 0 {
            lines.push(Vec::new());
            used = 0;
        }
        let text = if used == 0 {
            text.trim_start().to_string()
        } else {
            text
        };
        used += text.chars().count();
        lines.last_mut().expect("never empty").push((text, id));
    }
    lines
}

pub fn render_chain(app: &App, area: Rect, buf: &mut Buffer, ctx: &Ctx) {
    if let Some(t) = app.training {
        let room = if area.height > 1 {
            area.width
        } else {
            area.width.saturating_sub(SPARK + 2)
        };
        let used = gauge(
            t.done,
            t.total,
            Rect {
                height: 1,
                width: room,
                ..area
            },
            buf,
            ctx,
        );
        return sparkline(app, area, if area.height > 1 { 0 } else { used }, buf, ctx);
    }
    let style = |id: Option<LinkId>| -> Style {
        match id {
            Some(id) if Some(id) == app.current() => ctx.theme.current,
            Some(id) if app.stepper.value(id).is_some() => ctx.theme.base,
            Some(_) => ctx.theme.dim,
            None => ctx.theme.dim,
        }
    };
    let mut used = 0;
    for (i, line) in wrap(tokens(ctx), area.width)
        .into_iter()
        .enumerate()
        .take(area.height as usize)
    {
        let spans: Vec<Span> = line
            .into_iter()
            .map(|(t, id)| Span::styled(t, style(id)))
            .collect();
        let line = Line::from(spans);
        used = line.width() as u16;
        line.render(Rect::new(area.x, area.y + i as u16, area.width, 1), buf);
    }
    sparkline(app, area, used, buf, ctx);
}

/// A training progress bar drawn with plain characters, so it reads the same
/// in every theme, with or without colour or Unicode.
/// Returns the columns it used.
fn gauge(done: usize, total: usize, area: Rect, buf: &mut Buffer, ctx: &Ctx) -> u16 {
    let label = ctx.t(&format!(" {done}/{total} epochs — esc stops"));
    let room = (area.width as usize)
        .saturating_sub(label.chars().count() + 10)
        .min(50);
    let filled = room * done / total.max(1);
    let (on, off) = if ctx.ascii { ("#", ".") } else { ("█", "░") };
    let bar = format!("training {}{}", on.repeat(filled), off.repeat(room - filled));
    let (x, _) = buf.set_stringn(area.x, area.y, bar, area.width as usize, ctx.theme.chart);
    let (x, _) = buf.set_stringn(
        x,
        area.y,
        label,
        area.right().saturating_sub(x) as usize,
        ctx.theme.base,
    );
    x - area.x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn losses(v: &[f64]) -> Losses {
        let mut l = Losses::default();
        v.iter().for_each(|&x| l.push(x));
        l
    }

    #[test]
    fn a_falling_loss_fills_every_level_on_a_log_scale() {
        // From 1 down to 1e-6: linear bars would leave all but the first empty.
        let l = losses(&(0..7).map(|i| 10f64.powi(-i)).collect::<Vec<_>>());
        let bars = downsample(&l, 7);
        assert_eq!(bars.first(), Some(&LEVELS));
        assert_eq!(bars.last(), Some(&1));
        assert!(bars.windows(2).all(|w| w[0] >= w[1]), "{bars:?}");
        assert!(bars.iter().all(|&b| b >= 1));
    }

    #[test]
    fn non_finite_losses_are_gaps_and_zero_is_the_floor() {
        let bars = downsample(&losses(&[0.5, f64::NAN, 0.0, f64::INFINITY, 0.25]), 5);
        assert_eq!(bars, vec![LEVELS, 0, 1, 0, 1]);
    }

    #[test]
    fn many_losses_are_sampled_down_to_the_width() {
        let l = losses(&vec![1.0; 5000]);
        assert_eq!(downsample(&l, 20).len(), 20);
        assert!(downsample(&Losses::default(), 20).is_empty());
    }
}
