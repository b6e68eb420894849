//! The App: everything the screen shows, changed only by [`App::update`].

use crate::action::{Action, Dir};
use crate::model::lesson::{Lesson, fresh_seed};
use crate::model::link::shape_of;
use crate::model::{LinkId, Stepper};
use crate::ui::theme::ThemeKind;

/// Epochs one press of `t` trains.
pub const TRAIN_EPOCHS: usize = 1000;
/// Epochs trained between two frames, so the gauge and chart move visibly.
pub const TRAIN_CHUNK: usize = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Training {
    pub done: usize,
    pub total: usize,
}

/// How the screen is drawn; fixed by the command line and the terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Look {
    pub theme: ThemeKind,
    pub ascii: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct App {
    pub lesson: Lesson,
    pub stepper: Stepper,
    pub look: Look,
    /// The element asked to be explained, (row, column) from 0. It is kept
    /// as asked and clamped only where used ([`App::selection`]), so stepping
    /// through a smaller link and back leaves it where it was.
    pub selected: (usize, usize),
    pub zoom: bool,
    pub help: bool,
    pub training: Option<Training>,
    pub quit: bool,
    /// None outside a class; in one, whether this session follows the presenter.
    pub follow: Option<bool>,
    /// A one-line message for the footer, cleared by the next action.
    pub notice: Option<String>,
}

impl App {
    pub fn new(lesson: Lesson, look: Look) -> App {
        App {
            stepper: lesson.stepper(),
            lesson,
            look,
            selected: (0, 0),
            zoom: false,
            help: false,
            training: None,
            quit: false,
            follow: None,
            notice: None,
        }
    }

    /// The link the lesson is on: the last one computed, if any.
    pub fn current(&self) -> Option<LinkId> {
        self.stepper.current()
    }

    /// The link the link pane describes: the current one, or before any
    /// link of this epoch, the one the next step computes.
    pub fn focus(&self) -> LinkId {
        self.current().unwrap_or(LinkId::Z1)
    }

    pub fn following(&self) -> bool {
        self.follow == Some(true)
    }

    pub fn update(&mut self, action: Action) {
        self.notice = None;
        match action {
            Action::Quit => self.quit = true,
            Action::Back => self.back(),
            Action::Help => self.help = !self.help,
            Action::Zoom => self.zoom = !self.zoom,
            Action::CycleTheme => self.look.theme = self.look.theme.next(),
            Action::Move(dir) => self.move_selection(dir),
            Action::ToggleFollow => self.toggle_follow(),
            _ if self.training.is_some() => self.notice = Some("training — esc stops it".into()),
            _ if self.following() => {
                self.notice = Some("following the presenter — press F to step on your own".into())
            }
            step => self.step(step),
        }
    }

    fn step(&mut self, action: Action) {
        let s = &mut self.stepper;
        match action {
            Action::Next => s.step_forward(),
            Action::Prev => {
                self.notice = (!s.step_back()).then(|| "this is the start: nothing to undo".into())
            }
            Action::EpochStart => while s.pos() > 0 && s.step_back() {},
            Action::FinishForward => s.run_to(LinkId::E),
            Action::FinishBackward => s.run_to(LinkId::DeDwih),
            Action::ApplyUpdate => s.run_to(LinkId::WihNext),
            Action::NextEpoch => s.next_epoch(),
            Action::Train => {
                self.training = Some(Training {
                    done: 0,
                    total: TRAIN_EPOCHS,
                })
            }
            Action::Reset => self.stepper = self.lesson.stepper(),
            Action::Reroll => self.reroll(fresh_seed()),
            _ => {}
        }
    }

    /// New weights from `seed`, from the start of epoch 1.
    pub fn reroll(&mut self, seed: u64) {
        self.lesson = self.lesson.with_seed(seed);
        self.stepper = self.lesson.stepper();
        self.notice = Some(format!("new random weights from seed {seed}"));
    }

    fn back(&mut self) {
        if self.help {
            self.help = false;
        } else if self.training.is_some() {
            self.training = None;
            self.notice = Some("training stopped".into());
        } else if self.zoom {
            self.zoom = false;
        } else {
            self.quit = true;
        }
    }

    fn toggle_follow(&mut self) {
        match self.follow {
            Some(f) => {
                self.follow = Some(!f);
                let now = if f {
                    "stepping on your own"
                } else {
                    "following the presenter"
                };
                self.notice = Some(now.into());
            }
            None => self.notice = Some("F follows a presenter, in a class run by chainstep serve".into()),
        }
    }

    /// Takes a lesson and its step from elsewhere (in a class, the
    /// presenter's), keeping this session's look and view.
    pub fn adopt(&mut self, lesson: &Lesson, stepper: &Stepper) {
        self.lesson = lesson.clone();
        self.stepper = stepper.clone();
        self.training = None;
    }

    /// Runs the next chunk of a training run. Returns true while training
    /// goes on, so the caller knows to come back without waiting for a key.
    pub fn tick(&mut self) -> bool {
        let Some(mut t) = self.training else { return false };
        let n = TRAIN_CHUNK.min(t.total - t.done);
        for _ in 0..n {
            self.stepper.next_epoch();
        }
        t.done += n;
        if t.done >= t.total {
            self.training = None;
            self.notice = Some(format!("trained {} epochs", t.total));
        } else {
            self.training = Some(t);
        }
        self.training.is_some()
    }

    fn focus_shape(&self) -> (usize, usize) {
        shape_of(self.focus(), self.stepper.data(), self.stepper.hidden())
    }

    /// The element the link pane explains: the one asked for, within the
    /// focused link's matrix.
    pub fn selection(&self) -> (usize, usize) {
        let (rows, cols) = self.focus_shape();
        (self.selected.0.min(rows - 1), self.selected.1.min(cols - 1))
    }

    fn move_selection(&mut self, dir: Dir) {
        let (rows, cols) = self.focus_shape();
        self.selected = self.selection();
        let (r, c) = &mut self.selected;
        match dir {
            Dir::Up => *r = r.saturating_sub(1),
            Dir::Down => *r = (*r + 1).min(rows - 1),
            Dir::Left if *c == 0 && *r > 0 => (*r, *c) = (*r - 1, cols - 1),
            Dir::Left => *c = c.saturating_sub(1),
            Dir::Right if *c + 1 >= cols && *r + 1 < rows => (*r, *c) = (*r + 1, 0),
            Dir::Right => *c = (*c + 1).min(cols - 1),
        }
    }
}
