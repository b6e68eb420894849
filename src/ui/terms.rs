//! The four panes — Inputs, Weights, Activations, Derivatives — flowed into
//! columns. When everything does not fit, the terms furthest from the
//! current link collapse to one line first; the current link and the terms
//! it reads stay open longest.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::Ctx;
use super::matrix::{CELL, LABEL, MatrixView, Role};
use crate::app::App;
use crate::model::LinkId::*;
use crate::model::link::{feeds, term_shape};
use crate::model::{LinkId, Term};

const SECTIONS: [(&str, &[Term]); 4] = [
    ("Inputs", &[Term::X, Term::Y]),
    (
        "Weights",
        &[Term::Wih, Term::Who, Term::Link(WhoNext), Term::Link(WihNext)],
    ),
    (
        "Activations",
        &[
            Term::Link(Z1),
            Term::Link(H1),
            Term::Link(Z2),
            Term::Link(O),
            Term::Link(E),
        ],
    ),
    (
        "Derivatives",
        &[
            Term::Link(DeDo),
            Term::Link(DoDz2),
            Term::Link(Dz2Dwho),
            Term::Link(DeDwho),
            Term::Link(Dz2Dh1),
            Term::Link(Dh1Dz1),
            Term::Link(Dz1Dwih),
            Term::Link(DeDwih),
        ],
    ),
];

/// Gap between flowed columns.
const GAP: u16 = 2;

enum Item<'a> {
    Heading(&'static str),
    Matrix(MatrixView<'a>),
}

struct Placed<'a> {
    item: Item<'a>,
    open: bool,
    /// False once hidden to make room.
    shown: bool,
    /// Higher stays open longer.
    keep: usize,
}

pub struct Terms<'a> {
    pub app: &'a App,
    /// Zoom: only the current link and what it reads.
    pub only_focus: bool,
}

/// One way to make the panes smaller, tried in order until they fit.
#[derive(Clone, Copy)]
enum Shrink {
    Fold(usize),
    Hide(usize),
    DropHeadings,
}

impl Terms<'_> {
    pub fn render(&self, area: Rect, buf: &mut Buffer, ctx: &Ctx) {
        let mut items = self.items();
        let mut headings = !self.only_focus;
        for shrink in [None].into_iter().chain(shrinks(&items).into_iter().map(Some)) {
            match shrink {
                Some(Shrink::Fold(i)) => items[i].open = false,
                Some(Shrink::Hide(i)) => items[i].shown = false,
                Some(Shrink::DropHeadings) => headings = false,
                None => {}
            }
            if let Some(rects) = place(&items, area, headings, ctx) {
                return draw(&items, &rects, buf, ctx);
            }
        }
        // Even the current link alone does not fit: draw what does.
        let rects = place_partial(&items, area, headings, ctx);
        draw(&items, &rects, buf, ctx);
    }

    fn items(&self) -> Vec<Placed<'_>> {
        let s = &self.app.stepper;
        let (r, c) = self.app.selection();
        // Before the first link of an epoch, point at what the next one reads.
        let reads = feeds(self.app.focus(), r, c);
        let mut out = Vec::new();
        for (name, terms) in SECTIONS {
            if !self.only_focus {
                out.push(Placed {
                    item: Item::Heading(name),
                    open: true,
                    shown: true,
                    keep: usize::MAX,
                });
            }
            for &t in terms {
                let value = s.term(t);
                let role = match t {
                    Term::Link(id) if Some(id) == self.app.current() => Role::Current((r, c)),
                    _ => reads
                        .iter()
                        .find(|(x, _)| *x == t)
                        .map_or(Role::Plain, |(_, p)| Role::Reads(*p)),
                };
                if self.only_focus && role == Role::Plain {
                    continue;
                }
                let shape = term_shape(t, s.data(), s.hidden());
                // One-row terms lose only their column labels when collapsed.
                let keep =
                    keep_open(t, role, self.app.focus()).saturating_sub(if shape.0 == 1 { 50 } else { 0 });
                // Terms not computed yet fold first; where there is room they
                // stay open as a grid of blanks, so stepping never moves the layout.
                let keep = if value.is_some() { keep } else { keep.min(40) };
                let view = MatrixView {
                    term: t,
                    shape,
                    value,
                    role,
                };
                out.push(Placed {
                    item: Item::Matrix(view),
                    open: true,
                    shown: true,
                    keep,
                });
            }
        }
        out
    }
}

/// The order in which the panes give up space: fold the terms the current
/// link does not read, then drop the section headings, then hide those
/// terms, then fold and hide what it reads; the current link goes last.
fn shrinks(items: &[Placed]) -> Vec<Shrink> {
    let by_keep = |want: fn(Role) -> bool| {
        let mut v: Vec<usize> = (0..items.len())
            .filter(|&i| matches!(&items[i].item, Item::Matrix(m) if want(m.role)))
            .collect();
        v.sort_by_key(|&i| items[i].keep);
        v
    };
    let plain = by_keep(|r| r == Role::Plain);
    let reads = by_keep(|r| matches!(r, Role::Reads(_)));
    let current = by_keep(|r| matches!(r, Role::Current(_)));
    let mut out: Vec<Shrink> = plain.iter().map(|&i| Shrink::Fold(i)).collect();
    out.push(Shrink::DropHeadings);
    out.extend(plain.iter().map(|&i| Shrink::Hide(i)));
    out.extend(reads.iter().map(|&i| Shrink::Fold(i)));
    out.extend(reads.iter().map(|&i| Shrink::Hide(i)));
    out.extend(current.iter().map(|&i| Shrink::Fold(i)));
    out
}

/// How long a term stays open when space runs short: the current link, then
/// what it reads, then terms nearer the current link in the chain.
fn keep_open(t: Term, role: Role, focus: LinkId) -> usize {
    let at = focus.index() as isize;
    let pos = match t {
        Term::Link(id) => id.index() as isize,
        _ => -1,
    };
    match role {
        Role::Current(_) => 1000,
        Role::Reads(_) => 500,
        Role::Plain => 100 - (at - pos).unsigned_abs().min(99),
    }
}

fn size(p: &Placed, ctx: &Ctx) -> (u16, u16) {
    match &p.item {
        Item::Heading(h) => (h.len() as u16, 1),
        Item::Matrix(m) if p.open => (m.full_width(ctx), m.full_height()),
        Item::Matrix(m) => (m.line_width(ctx), 1),
    }
}

/// Where each item goes, flowing down columns; None if they do not all fit.
fn place(items: &[Placed], area: Rect, headings: bool, ctx: &Ctx) -> Option<Vec<Option<Rect>>> {
    let rects = place_partial(items, area, headings, ctx);
    let all = items
        .iter()
        .zip(&rects)
        .all(|(p, r)| r.is_some() || !p.shown || (!headings && matches!(p.item, Item::Heading(_))));
    all.then_some(rects)
}

fn place_partial(items: &[Placed], area: Rect, headings: bool, ctx: &Ctx) -> Vec<Option<Rect>> {
    let (mut x, mut y, mut col_w) = (area.x, area.y, 0u16);
    let mut out = Vec::with_capacity(items.len());
    let mut full = false;
    for (i, p) in items.iter().enumerate() {
        let is_heading = matches!(p.item, Item::Heading(_));
        if full || !p.shown || (!headings && is_heading) {
            out.push(None);
            continue;
        }
        let (w, h) = size(p, ctx);
        // A heading moves on with the term below it rather than end a column alone.
        let next_h = if is_heading {
            items[i + 1..]
                .iter()
                .find(|n| n.shown)
                .map_or(0, |n| size(n, ctx).1)
        } else {
            0
        };
        if y + h + next_h > area.bottom() {
            x = x.saturating_add(col_w + GAP);
            (y, col_w) = (area.y, 0);
        }
        let room = area.right().saturating_sub(x);
        // An open matrix may elide columns; a one-line title must fit whole.
        let least = match &p.item {
            Item::Matrix(m) if p.open => (LABEL + 2 * CELL).min(w),
            Item::Matrix(m) => m.title(ctx).chars().count() as u16 + 2,
            Item::Heading(_) => w,
        };
        if h > area.height || room < least {
            full = true;
            out.push(None);
            continue;
        }
        let w = w.min(room);
        out.push(Some(Rect::new(x, y, w, h)));
        y += h;
        col_w = col_w.max(w);
    }
    out
}

fn draw(items: &[Placed], rects: &[Option<Rect>], buf: &mut Buffer, ctx: &Ctx) {
    for (p, r) in items.iter().zip(rects) {
        let Some(r) = *r else { continue };
        match &p.item {
            Item::Heading(h) => {
                buf.set_stringn(r.x, r.y, *h, r.width as usize, ctx.theme.heading);
            }
            Item::Matrix(m) if p.open => m.render_full(r, buf, ctx),
            Item::Matrix(m) => m.render_collapsed(r, buf, ctx),
        }
    }
}
