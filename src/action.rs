//! Everything a user can ask for, and the one keymap that turns keys into it.
//! The local terminal, the tests and the SSH server all go through here.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Compute the next link (or begin the next epoch).
    Next,
    /// Undo the last link.
    Prev,
    /// Back to the start of this epoch.
    EpochStart,
    FinishForward,
    FinishBackward,
    /// Compute the update links.
    ApplyUpdate,
    NextEpoch,
    Train,
    /// Back to the initial weights.
    Reset,
    /// New random weights from a fresh seed.
    Reroll,
    Zoom,
    CycleTheme,
    Help,
    /// Move the explained element.
    Move(Dir),
    /// Close what is open (help, zoom, training), or quit.
    Back,
    Quit,
    /// In a class: stop or start following the presenter.
    ToggleFollow,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    Up,
    Down,
    Left,
    Right,
}

/// The action for a key, if any. Key releases and repeats of a release are
/// ignored, so terminals that report them do not step twice.
pub fn keymap(key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let a = match key.code {
        KeyCode::Char('c') if ctrl => Action::Quit,
        _ if ctrl => return None,
        KeyCode::Char(' ') | KeyCode::Right | KeyCode::Char('l') | KeyCode::Enter => Action::Next,
        KeyCode::Left | KeyCode::Char('h') | KeyCode::Backspace => Action::Prev,
        KeyCode::Home => Action::EpochStart,
        KeyCode::End => Action::NextEpoch,
        KeyCode::Up | KeyCode::Char('k') => Action::Move(Dir::Up),
        KeyCode::Down | KeyCode::Char('j') => Action::Move(Dir::Down),
        KeyCode::Tab => Action::Move(Dir::Right),
        KeyCode::BackTab => Action::Move(Dir::Left),
        KeyCode::Char('f') => Action::FinishForward,
        KeyCode::Char('b') => Action::FinishBackward,
        KeyCode::Char('u') => Action::ApplyUpdate,
        KeyCode::Char('n') => Action::NextEpoch,
        KeyCode::Char('t') => Action::Train,
        KeyCode::Char('r') => Action::Reset,
        KeyCode::Char('R') => Action::Reroll,
        KeyCode::Char('z') => Action::Zoom,
        KeyCode::Char('c') => Action::CycleTheme,
        KeyCode::Char('?') => Action::Help,
        KeyCode::Char('F') => Action::ToggleFollow,
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Esc => Action::Back,
        _ => return None,
    };
    Some(a)
}

/// The keys, for the footer and the help overlay: (keys, what they do).
pub const KEYS: &[(&str, &str)] = &[
    ("space → l", "next link"),
    ("← h bksp", "previous link"),
    ("↑ ↓ tab", "move the worked element"),
    ("f", "finish the forward pass"),
    ("b", "finish the backward pass"),
    ("u", "apply the update"),
    ("n end", "next epoch"),
    ("home", "back to this epoch's start"),
    ("t", "train many epochs (esc stops)"),
    ("r", "back to the initial weights"),
    ("R", "new random weights (seed shown)"),
    ("z", "zoom: the current link alone, its value large"),
    ("c", "cycle themes"),
    ("F", "in a class: follow the presenter, or step alone"),
    ("?", "help"),
    ("q esc", "quit"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEventState;

    fn key(code: KeyCode, kind: KeyEventKind) -> KeyEvent {
        KeyEvent {
            code,
            modifiers: KeyModifiers::NONE,
            kind,
            state: KeyEventState::NONE,
        }
    }

    #[test]
    fn space_steps_and_q_quits() {
        assert_eq!(
            keymap(key(KeyCode::Char(' '), KeyEventKind::Press)),
            Some(Action::Next)
        );
        assert_eq!(
            keymap(key(KeyCode::Char('q'), KeyEventKind::Press)),
            Some(Action::Quit)
        );
    }

    #[test]
    fn releases_are_ignored() {
        assert_eq!(keymap(key(KeyCode::Char(' '), KeyEventKind::Release)), None);
    }

    #[test]
    fn ctrl_c_quits_and_other_ctrl_keys_do_nothing() {
        let mut k = key(KeyCode::Char('c'), KeyEventKind::Press);
        k.modifiers = KeyModifiers::CONTROL;
        assert_eq!(keymap(k), Some(Action::Quit));
        k.code = KeyCode::Char('n');
        assert_eq!(keymap(k), None);
    }
}
