//! The class: the presenter's lesson, shared with every session that follows.
//!
//! The presenter's sessions publish a snapshot of their lesson and stepper
//! whenever it changes, through a `tokio::sync::watch`, which keeps only the
//! newest; following sessions copy it in. A session that joins late copies
//! the newest one at once, so it lands where the class is.

use std::sync::Arc;

use tokio::sync::watch;

use crate::action::Action;
use crate::app::App;
use crate::cli::Lesson;
use crate::model::Stepper;

/// What following sessions copy.
#[derive(Debug)]
pub struct Snapshot {
    pub lesson: Lesson,
    pub stepper: Stepper,
    /// Counts up with every snapshot.
    pub version: u64,
    /// The session that published it.
    pub from: u64,
}

#[derive(Clone, Debug, Default)]
pub struct ClassState {
    /// Presenter sessions connected now.
    pub presenters: usize,
    /// The newest snapshot; kept when the presenter leaves, so they can
    /// come back to where the class was.
    pub snapshot: Option<Arc<Snapshot>>,
}

pub struct Class {
    /// Whether anyone can present: without a presenter key or password,
    /// every session steps on its own and nobody follows.
    pub led: bool,
    state: watch::Sender<ClassState>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Student,
    Presenter,
}

/// Status-bar notices. They are short: the status line leaves them what
/// the lesson's own status does not use.
pub const WAITING: &str = "no presenter yet · F: step alone";
pub const PRESENTER_LEFT: &str = "presenter left · F: step alone";
pub const PRESENTING: &str = "you present: students follow you";

impl Class {
    pub fn new(led: bool) -> Arc<Class> {
        Arc::new(Class {
            led,
            state: watch::Sender::new(ClassState::default()),
        })
    }

    pub fn subscribe(&self) -> watch::Receiver<ClassState> {
        self.state.subscribe()
    }

    pub fn state(&self) -> ClassState {
        self.state.borrow().clone()
    }

    /// A seat for a session joining the class in `role`; `id` is the
    /// session's. Sets up the App for the role, and a late joiner's App on
    /// the class's current step.
    pub fn seat(self: &Arc<Class>, role: Role, id: u64, app: &mut App) -> Seat {
        let mut seat = Seat {
            class: self.clone(),
            role,
            id,
            seen: 0,
        };
        match role {
            Role::Presenter => {
                self.state.send_modify(|s| s.presenters += 1);
                app.notice = Some(PRESENTING.into());
            }
            Role::Student => app.follow = self.led.then_some(true),
        }
        seat.sync(app);
        seat
    }
}

/// One session's place in the class. Dropping a presenter's seat tells the
/// students the presenter left.
pub struct Seat {
    class: Arc<Class>,
    pub role: Role,
    id: u64,
    /// The version of the last snapshot copied in or published.
    seen: u64,
}

impl Seat {
    /// Applies a user's action. A presenter has nobody to follow, so F
    /// only says so.
    pub fn act(&mut self, app: &mut App, action: Action) {
        if self.role == Role::Presenter && action == Action::ToggleFollow {
            app.notice = Some(PRESENTING.into());
            return;
        }
        let was_following = app.following();
        app.update(action);
        if app.following() && !was_following {
            // Back with the class: stop one's own training, take its step.
            app.training = None;
            self.seen = 0;
        }
    }

    /// After the App changed (an action, a training chunk, the class):
    /// a presenter publishes its lesson if it moved on; a following student
    /// copies the presenter's in. Returns true if the App changed here.
    pub fn sync(&mut self, app: &mut App) -> bool {
        let state = self.class.state();
        match self.role {
            Role::Presenter => {
                if let Some(s) = &state.snapshot
                    && s.version != self.seen
                    && s.from != self.id
                {
                    // Another of the presenter's sessions moved: keep up.
                    self.seen = s.version;
                    app.adopt(&s.lesson, &s.stepper);
                    return true;
                }
                self.publish(app, state.snapshot.as_deref());
                false
            }
            Role::Student if app.following() => {
                let mut changed = false;
                if let Some(s) = &state.snapshot
                    && s.version != self.seen
                {
                    self.seen = s.version;
                    app.adopt(&s.lesson, &s.stepper);
                    changed = true;
                }
                let notice = match (state.presenters, &state.snapshot) {
                    (0, None) => Some(WAITING),
                    (0, Some(_)) => Some(PRESENTER_LEFT),
                    _ => None,
                };
                if let Some(n) = notice
                    && app.notice.as_deref() != Some(n)
                {
                    app.notice = Some(n.into());
                    changed = true;
                } else if notice.is_none() && matches!(app.notice.as_deref(), Some(WAITING | PRESENTER_LEFT))
                {
                    app.notice = None;
                    changed = true;
                }
                changed
            }
            Role::Student => false,
        }
    }

    fn publish(&mut self, app: &App, last: Option<&Snapshot>) {
        let moved = last.is_none_or(|s| {
            s.lesson != app.lesson
                || s.stepper.position() != app.stepper.position()
                || s.stepper.weights() != app.stepper.weights()
        });
        if !moved {
            return;
        }
        // Students copy it at every step, so it leaves out the history that
        // only stepping back into earlier epochs needs.
        let (lesson, stepper, from) = (app.lesson.clone(), app.stepper.without_history(), self.id);
        self.class.state.send_modify(|s| {
            let version = s.snapshot.as_ref().map_or(0, |l| l.version) + 1;
            s.snapshot = Some(Arc::new(Snapshot {
                lesson,
                stepper,
                version,
                from,
            }));
            self.seen = version;
        });
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        if self.role == Role::Presenter {
            self.class
                .state
                .send_modify(|s| s.presenters = s.presenters.saturating_sub(1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Look;
    use crate::cli::NetArgs;
    use crate::ui::theme::ThemeKind;

    fn app() -> App {
        let lesson = NetArgs {
            preset: "notebook".into(),
            ..Default::default()
        }
        .lesson()
        .unwrap();
        App::new(
            lesson,
            Look {
                theme: ThemeKind::Dark,
                ascii: false,
            },
        )
    }

    #[test]
    fn students_follow_the_presenter_and_late_joiners_land_on_its_step() {
        let class = Class::new(true);
        let (mut p, mut s) = (app(), app());
        let mut presenter = class.seat(Role::Presenter, 1, &mut p);
        let mut student = class.seat(Role::Student, 2, &mut s);
        assert_eq!(s.follow, Some(true));
        for _ in 0..4 {
            presenter.act(&mut p, Action::Next);
        }
        presenter.sync(&mut p);
        assert!(student.sync(&mut s));
        assert_eq!(s.stepper.pos(), 4);

        let mut late = app();
        let _late = class.seat(Role::Student, 3, &mut late);
        assert_eq!(
            late.stepper.pos(),
            4,
            "a late joiner lands on the presenter's step"
        );
    }

    #[test]
    fn a_detached_student_steps_alone_and_rejoins_on_f() {
        let class = Class::new(true);
        let (mut p, mut s) = (app(), app());
        let mut presenter = class.seat(Role::Presenter, 1, &mut p);
        let mut student = class.seat(Role::Student, 2, &mut s);
        student.act(&mut s, Action::ToggleFollow);
        assert_eq!(s.follow, Some(false));
        student.act(&mut s, Action::Next);
        presenter.act(&mut p, Action::FinishForward);
        presenter.sync(&mut p);
        assert!(!student.sync(&mut s));
        assert_eq!(
            s.stepper.pos(),
            1,
            "on one's own, the presenter's steps do not apply"
        );

        student.act(&mut s, Action::ToggleFollow);
        student.sync(&mut s);
        assert_eq!(s.stepper.pos(), p.stepper.pos(), "F takes the class's step again");
    }

    #[test]
    fn following_keys_do_not_step_and_the_status_says_when_nobody_presents() {
        let class = Class::new(true);
        let mut s = app();
        let mut student = class.seat(Role::Student, 2, &mut s);
        assert_eq!(s.notice.as_deref(), Some(WAITING));
        student.act(&mut s, Action::Next);
        student.sync(&mut s);
        assert_eq!(s.stepper.pos(), 0);
        assert_eq!(s.notice.as_deref(), Some(WAITING));

        let mut p = app();
        let presenter = class.seat(Role::Presenter, 1, &mut p);
        student.sync(&mut s);
        assert_eq!(s.notice, None, "the presenter came");
        drop(presenter);
        student.sync(&mut s);
        assert_eq!(s.notice.as_deref(), Some(PRESENTER_LEFT));
    }

    #[test]
    fn snapshots_leave_the_history_out_but_keep_the_step_and_the_losses() {
        let class = Class::new(true);
        let (mut p, mut s) = (app(), app());
        let mut presenter = class.seat(Role::Presenter, 1, &mut p);
        let mut student = class.seat(Role::Student, 2, &mut s);
        for _ in 0..3 {
            presenter.act(&mut p, Action::NextEpoch);
        }
        presenter.act(&mut p, Action::Next);
        presenter.sync(&mut p);
        student.sync(&mut s);
        assert_eq!(
            (s.stepper.epoch(), s.stepper.pos()),
            (p.stepper.epoch(), p.stepper.pos())
        );
        assert_eq!(s.stepper.weights(), p.stepper.weights());
        assert_eq!(s.stepper.losses(), p.stepper.losses());
        let mut back = s.stepper.clone();
        assert!(
            back.step_back(),
            "within the epoch, a student can still step back"
        );
        assert!(!back.step_back(), "but not into the presenter's earlier epochs");
    }

    #[test]
    fn without_a_presenter_configured_nobody_follows() {
        let class = Class::new(false);
        let mut s = app();
        let mut seat = class.seat(Role::Student, 2, &mut s);
        assert_eq!(s.follow, None);
        seat.act(&mut s, Action::Next);
        assert_eq!(s.stepper.pos(), 1);
    }
}
