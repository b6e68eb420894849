//! Bad presets and bad flags, through the real binary: every one is refused
//! with exit status 2, nothing on stdout, and one message on stderr that
//! names the file (and the line, where TOML can tell), says what is wrong and
//! what was expected, and never a panic or a backtrace.

use std::path::PathBuf;
use std::process::{Command, Output};

/// A directory of one test's own (tests run in parallel), removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Scratch {
        let name = format!("chainstep-presets-cli-{}-{test}", std::process::id());
        let dir = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&dir).expect("temp dir is writable");
        Scratch(dir)
    }

    /// Writes `text` as a preset file and returns its path.
    fn preset(&self, text: &str) -> String {
        let path = self.0.join("preset.toml");
        std::fs::write(&path, text).expect("temp file is writable");
        path.to_str().expect("temp paths are UTF-8 here").to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `chainstep export --format json` with `args`. RUST_BACKTRACE is set so a
/// panic anywhere would print a backtrace and fail the checks below.
fn export(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chainstep"))
        .args(["export", "--format", "json"])
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("the binary runs")
}

/// Checks a refusal, and returns stderr for further checks.
fn refused(out: &Output, names: &str, line: Option<usize>, says: &[&str]) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "exit status; stderr: {err}");
    assert!(
        out.stdout.is_empty(),
        "stdout should be empty: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(err.contains(names), "stderr should name {names}: {err}");
    if let Some(n) = line {
        assert!(
            err.contains(&format!("line {n}:")),
            "stderr should name line {n}: {err}"
        );
    }
    for s in says {
        assert!(err.contains(s), "stderr should say {s:?}: {err}");
    }
    let lower = err.to_lowercase();
    assert!(
        !lower.contains("panicked") && !lower.contains("backtrace"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "one message: {err}");
    err
}

fn bad_preset(test: &str, text: &str, line: Option<usize>, says: &[&str]) -> String {
    let dir = Scratch::new(test);
    let path = dir.preset(text);
    refused(&export(&["--preset", &path]), &path, line, says)
}

#[test]
fn toml_syntax_error() {
    let text = "name = \"x\"\ninputs = [[0, 1], [1, 0]]\ntargets = [[1], [0]\nhidden = 2\n";
    // The unclosed array on line 3 is found where `hidden` begins, on line 4.
    let err = bad_preset("syntax", text, Some(4), &["not valid TOML", "expected `,`"]);
    assert!(
        !err.contains("-->") && !err.contains('^'),
        "no source snippet: {err}"
    );
}

#[test]
fn toml_syntax_error_in_a_value() {
    let text = "name = \"x\"\ninputs = [[0, 1], [1, 0]]\ntargets = [[1], [0]]\nhidden = x\n";
    bad_preset(
        "syntax-value",
        text,
        Some(4),
        &["not valid TOML", "must be quoted"],
    );
}

#[test]
fn missing_key() {
    let text = "name = \"x\"\ntargets = [[1], [0]]\nhidden = 2\n";
    let err = bad_preset(
        "missing",
        text,
        None,
        &["missing key `inputs`", "expected one row of features"],
    );
    assert!(!err.contains("line"), "a missing key has no line: {err}");
}

#[test]
fn missing_hidden_without_weights() {
    let text = "name = \"x\"\ninputs = [[0, 1], [1, 0]]\ntargets = [[1], [0]]\n";
    bad_preset(
        "no-hidden",
        text,
        None,
        &["missing key `hidden`", "expected the number of hidden units"],
    );
}

#[test]
fn unknown_key() {
    let text = "name = \"x\"\ninputs = [[0, 1], [1, 0]]\ntargets = [[1], [0]]\nhiden = 2\n";
    bad_preset(
        "unknown",
        text,
        Some(4),
        &["unknown key `hiden`", "expected one of", "`hidden`"],
    );
}

#[test]
fn unknown_key_in_weights() {
    let text = "name = \"x\"\ninputs = [[0, 1]]\ntargets = [[1]]\n\n[weights]\ninput_hidden = [[1], [2]]\nhidden_out = [[1]]\n";
    bad_preset(
        "unknown-weights",
        text,
        Some(7),
        &["unknown key `hidden_out`", "`hidden_output`"],
    );
}

#[test]
fn ragged_rows() {
    // The short row, row 3, is on line 7, and that is the line named.
    let text = "name = \"x\"\ntargets = [[1], [0], [1], [0]]\nhidden = 2\ninputs = [\n  [0, 1],\n  [1, 0],\n  [1],\n  [1, 1],\n]\n";
    bad_preset(
        "ragged",
        text,
        Some(7),
        &[
            "ragged rows in `inputs`",
            "row 3 has 1 value but row 1 has 2",
            "every row the same length",
        ],
    );
}

#[test]
fn empty_data() {
    let empty = "name = \"x\"\ninputs = []\ntargets = []\nhidden = 2\n";
    bad_preset(
        "empty",
        empty,
        Some(2),
        &["`inputs` is empty", "expected one row of features per sample"],
    );
    let no_values = "name = \"x\"\ninputs = [[0, 1]]\ntargets = [[]]\nhidden = 2\n";
    bad_preset(
        "empty-row",
        no_values,
        Some(3),
        &["`targets` is empty", "expected one row of outputs"],
    );
}

#[test]
fn inputs_and_targets_disagree_on_samples() {
    let text = "name = \"x\"\ninputs = [[0, 1], [1, 0]]\ntargets = [[1]]\nhidden = 2\n";
    bad_preset(
        "samples",
        text,
        Some(3),
        &["`targets` has 1 row but `inputs` has 2", "one row per sample"],
    );
}

#[test]
fn weights_whose_shapes_disagree_with_the_data() {
    let head = "name = \"x\"\ninputs = [[0, 1]]\ntargets = [[1]]\n\n[weights]\n";
    let rows = format!("{head}input_hidden = [[1, 2], [3, 4], [5, 6]]\nhidden_output = [[1], [2]]\n");
    bad_preset(
        "w-rows",
        &rows,
        Some(6),
        &["`weights.input_hidden` is 3×2", "needs 2 rows"],
    );
    let cols = format!("{head}input_hidden = [[1, 2], [3, 4]]\nhidden_output = [[1], [2], [3]]\n");
    bad_preset(
        "w-cols",
        &cols,
        Some(7),
        &["`weights.hidden_output` is 3×1", "needs 2×1"],
    );
    let hidden = "name = \"x\"\ninputs = [[0, 1]]\ntargets = [[1]]\nhidden = 3\n\n[weights]\ninput_hidden = [[1, 2], [3, 4]]\nhidden_output = [[1], [2]]\n";
    bad_preset(
        "w-hidden",
        hidden,
        Some(4),
        &["`hidden` is 3", "the weights have 2 hidden units"],
    );
}

#[test]
fn non_finite_numbers() {
    let nan = "name = \"x\"\ninputs = [[0, nan]]\ntargets = [[1]]\nhidden = 2\n";
    bad_preset(
        "nan",
        nan,
        Some(2),
        &["`inputs` row 1, value 2 is NaN", "expected a finite number"],
    );
    let inf = "name = \"x\"\ninputs = [[0, 1]]\ntargets = [[-inf]]\nhidden = 2\n";
    bad_preset(
        "inf",
        inf,
        Some(3),
        &["`targets` row 1, value 1 is -inf", "expected a finite number"],
    );
    let weight = "name = \"x\"\ninputs = [[0, 1]]\ntargets = [[1]]\n[weights]\ninput_hidden = [[1], [inf]]\nhidden_output = [[1]]\n";
    bad_preset(
        "inf-weight",
        weight,
        Some(5),
        &["`weights.input_hidden` row 2, value 1 is inf"],
    );
}

#[test]
fn negative_zero_and_huge_hidden_sizes() {
    let with = |h: &str| format!("name = \"x\"\ninputs = [[0, 1]]\ntargets = [[1]]\nhidden = {h}\n");
    let expected = "expected a positive number of hidden units";
    bad_preset("hidden-neg", &with("-2"), Some(4), &["`hidden` is -2", expected]);
    bad_preset("hidden-zero", &with("0"), Some(4), &["`hidden` is 0", expected]);
    // Drawing this many weights once aborted the process out of memory.
    bad_preset(
        "hidden-huge",
        &with("100000000000"),
        Some(4),
        &["`hidden` is 100000000000", "at most"],
    );
    bad_preset(
        "hidden-float",
        &with("2.5"),
        Some(4),
        &["2.5", "expected a whole number"],
    );
}

#[test]
fn learning_rate_not_positive_and_finite() {
    let with = |lr: &str| {
        format!("name = \"x\"\nlearning_rate = {lr}\ninputs = [[0, 1]]\ntargets = [[1]]\nhidden = 2\n")
    };
    let expected = "expected a positive finite number";
    for (lr, shown) in [("0", "0"), ("-0.5", "-0.5"), ("inf", "inf"), ("nan", "NaN")] {
        let says = [
            format!("learning rate {shown} is not allowed"),
            expected.to_string(),
        ];
        let says: Vec<&str> = says.iter().map(String::as_str).collect();
        bad_preset(&format!("lr-{lr}"), &with(lr), Some(2), &says);
    }
    bad_preset(
        "lr-text",
        &with("\"fast\""),
        Some(2),
        &["string \"fast\"", "expected a number"],
    );
}

#[test]
fn nonexistent_file_or_unknown_preset_name() {
    let dir = Scratch::new("nonexistent");
    let missing = dir.0.join("no-such-preset.toml");
    let missing = missing.to_str().unwrap();
    let why = [
        "no built-in preset has that name",
        "cannot be read",
        "built-in presets: notebook",
    ];
    refused(&export(&["--preset", missing]), missing, None, &why);
    refused(&export(&["--preset", "notebok"]), "notebok", None, &why);
}

#[test]
fn bad_learning_rate_on_the_command_line() {
    let expected = "expected a positive finite number";
    for lr in ["0", "-1", "-0.5e-3", "inf", "nan", "1e400"] {
        refused(
            &export(&["--lr", lr]),
            "--lr",
            None,
            &["is not allowed", expected],
        );
    }
    // Not a number at all: clap refuses it, also with status 2.
    let out = export(&["--lr", "fast"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("'fast'") && err.contains("--lr"), "{err}");
}

#[test]
fn flags_before_the_subcommand_are_refused_not_ignored() {
    let out = Command::new(env!("CARGO_BIN_EXE_chainstep"))
        .args(["--preset", "xor", "export", "--format", "json"])
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stdout.is_empty(),
        "the default preset must not be exported instead"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--preset"));
}

#[test]
fn a_good_preset_file_is_accepted() {
    // The same checks would pass vacuously if every file were refused.
    let text = "name = \"fine\"\ninputs = [[0, 1], [1, 0]]\ntargets = [[1], [0]]\nhidden = 2\nseed = 5\n";
    let dir = Scratch::new("good");
    let out = export(&["--preset", &dir.preset(text)]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["preset"], "fine");
    assert_eq!(json["seed"], 5);
}

/// The lesson without a terminal (a pipe, cron, CI) is refused with a pointer
/// to the export, and the terminal is never touched.
#[test]
fn the_lesson_without_a_terminal() {
    let out = Command::new(env!("CARGO_BIN_EXE_chainstep"))
        .stdin(std::process::Stdio::null())
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("the binary runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty(), "no escape codes written to a pipe");
    assert!(err.contains("needs a terminal"), "{err}");
    assert!(err.contains("chainstep export"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
