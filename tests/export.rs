//! `chainstep export`, through the real binary: the JSON's shape and numbers,
//! epochs chaining into each other, and the Markdown handout's contents.

use std::process::{Command, Stdio};

use chainstep::model::{LinkId, Preset};
use serde_json::Value;

/// The fifteen links in their fixed order, with the axes of their values in
/// the notebook's orientation (rows, columns).
const LINKS: [(&str, &str, Axis, Axis); 15] = {
    use Axis::*;
    [
        ("Z1", "forward", Hidden, Sample),
        ("h1", "forward", Hidden, Sample),
        ("Z2", "forward", Output, Sample),
        ("O", "forward", Output, Sample),
        ("E", "forward", Output, Sample),
        ("dE_dO", "backward", Output, Sample),
        ("dO_dZ2", "backward", Output, Sample),
        ("dZ2_dWho", "backward", Hidden, Sample),
        ("dE_dWho", "backward", Hidden, Output),
        ("dZ2_dh1", "backward", Hidden, Output),
        ("dh1_dZ1", "backward", Hidden, Sample),
        ("dZ1_dWih", "backward", Input, Sample),
        ("dE_dWih", "backward", Input, Hidden),
        ("Who_next", "update", Hidden, Output),
        ("Wih_next", "update", Input, Hidden),
    ]
};

#[derive(Clone, Copy, Debug)]
enum Axis {
    Input,
    Hidden,
    Output,
    Sample,
}

impl Axis {
    fn name(self) -> &'static str {
        match self {
            Axis::Input => "input",
            Axis::Hidden => "hidden",
            Axis::Output => "output",
            Axis::Sample => "sample",
        }
    }
}

/// A network's sizes: features, hidden units, outputs, samples.
#[derive(Clone, Copy)]
struct Sizes([usize; 4]);

impl Sizes {
    fn of(p: &Preset) -> Sizes {
        let d = &p.data;
        Sizes([d.features(), p.hidden, d.outputs(), d.samples()])
    }
    fn len(self, a: Axis) -> usize {
        self.0[a as usize]
    }
}

fn chainstep(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_chainstep"))
        .args(args)
        .output()
        .expect("the binary runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "chainstep {args:?} failed: {err}");
    assert!(err.is_empty(), "nothing on stderr: {err}");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn export_json(args: &[&str]) -> Value {
    let args: Vec<&str> = ["export", "--format", "json"]
        .iter()
        .chain(args)
        .copied()
        .collect();
    serde_json::from_str(&chainstep(&args)).expect("export writes JSON")
}

/// A matrix from JSON rows, checked rectangular.
fn rows(v: &Value) -> Vec<Vec<f64>> {
    let m: Vec<Vec<f64>> = serde_json::from_value(v.clone()).expect("rows of numbers");
    assert!(m.iter().all(|r| r.len() == m[0].len()), "rectangular");
    m
}

/// Link `id` of an exported epoch.
fn link<'a>(epoch: &'a Value, id: &str) -> &'a Value {
    let links = epoch["links"].as_array().expect("links");
    links
        .iter()
        .find(|l| l["id"] == id)
        .unwrap_or_else(|| panic!("{id} in epoch"))
}

fn value(epoch: &Value, id: &str) -> Vec<Vec<f64>> {
    rows(&link(epoch, id)["value"])
}

/// Preset names as `chainstep presets` lists them, checked against the library.
fn builtin_names() -> Vec<String> {
    let listed: Vec<String> = chainstep(&["presets"])
        .lines()
        .map(|l| l.split_whitespace().next().expect("a name first").to_string())
        .collect();
    let known: Vec<String> = Preset::builtins().into_iter().map(|p| p.name).collect();
    assert_eq!(listed, known);
    assert!(listed.len() >= 3 && listed[0] == "notebook");
    listed
}

fn check_epoch(epoch: &Value, number: u64, sizes: Sizes) {
    assert_eq!(epoch["epoch"], number);
    let links = epoch["links"].as_array().expect("links");
    let ids: Vec<&str> = links.iter().map(|l| l["id"].as_str().expect("id")).collect();
    let want: Vec<&str> = LINKS.iter().map(|l| l.0).collect();
    assert_eq!(ids, want, "all fifteen links in the fixed order");
    for (l, &(id, phase, rows_are, cols_are)) in links.iter().zip(&LINKS) {
        assert_eq!(l["phase"], phase, "{id}");
        for key in ["symbol", "formula", "meaning"] {
            assert!(l[key].as_str().is_some_and(|s| !s.is_empty()), "{id}.{key}");
        }
        let m = rows(&l["value"]);
        let dims = [sizes.len(rows_are), sizes.len(cols_are)];
        assert_eq!((m.len(), m[0].len()), (dims[0], dims[1]), "{id} value dims");
        assert_eq!(l["shape"], serde_json::json!(dims), "{id} shape");
        assert!(m.iter().flatten().all(|v| v.is_finite()), "{id} finite");
    }
    let e: f64 = value(epoch, "E").iter().flatten().sum();
    let loss = epoch["loss"].as_f64().expect("loss");
    assert!((loss - e).abs() <= 1e-12 * e.max(1.0), "loss {loss} = ΣE {e}");
}

#[test]
fn json_export_of_every_builtin_has_the_documented_shape() {
    for name in builtin_names() {
        let p = Preset::builtin(&name).unwrap();
        let json = export_json(&["--preset", &name]);
        assert_eq!(json["preset"], name.as_str());
        assert_eq!(json["learning_rate"], p.learning_rate);
        let epochs = json["epochs"].as_array().expect("epochs");
        assert_eq!(epochs.len(), 1, "one epoch by default");
        check_epoch(&epochs[0], 1, Sizes::of(&p));
    }
}

#[test]
fn json_values_are_at_full_precision() {
    let json = export_json(&["--preset", "notebook"]);
    // O from the independently computed reference, to far more digits than
    // any rounded display would keep.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/reference/notebook-terms.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let reference: Value = serde_json::from_str(&text).expect("JSON");
    let terms = reference["terms"].as_array().expect("terms");
    let o_ref = rows(&terms.iter().find(|t| t["name"] == "O").expect("O")["value"]);
    let o = value(&json["epochs"][0], "O");
    for (got, want) in o.iter().flatten().zip(o_ref.iter().flatten()) {
        assert!((got - want).abs() <= 1e-12, "O: {got} vs reference {want}");
    }
}

/// Wᵀ·X for W features × hidden and X features × samples.
fn transposed_product(w: &[Vec<f64>], x: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let (hidden, samples) = (w[0].len(), x[0].len());
    let cell = |j: usize, k: usize| (0..w.len()).map(|i| w[i][j] * x[i][k]).sum();
    (0..hidden)
        .map(|j| (0..samples).map(|k| cell(j, k)).collect())
        .collect()
}

fn assert_close(what: &str, got: &[Vec<f64>], want: &[Vec<f64>]) {
    for (g, w) in got.iter().flatten().zip(want.iter().flatten()) {
        assert!((g - w).abs() <= 1e-12 * w.abs().max(1.0), "{what}: {g} vs {w}");
    }
}

#[test]
fn each_epoch_starts_from_the_last_ones_updated_weights() {
    for name in builtin_names() {
        let json = export_json(&["--preset", &name, "--epochs", "3"]);
        let p = Preset::builtin(&name).unwrap();
        let epochs = json["epochs"].as_array().expect("epochs");
        assert_eq!(epochs.len(), 3);
        for (i, e) in epochs.iter().enumerate() {
            check_epoch(e, i as u64 + 1, Sizes::of(&p));
        }
        for pair in epochs.windows(2) {
            let (prev, next) = (&pair[0], &pair[1]);
            // ∂Z2/∂h1 is W_ho itself, so it shows the weights the epoch began with.
            assert_close("W_ho", &value(next, "dZ2_dh1"), &value(prev, "Who_next"));
            let x = value(next, "dZ1_dWih");
            let z1 = transposed_product(&value(prev, "Wih_next"), &x);
            assert_close("Z1 from W_ih′", &value(next, "Z1"), &z1);
        }
    }
}

#[test]
fn the_update_uses_the_learning_rate_given() {
    let json = export_json(&["--preset", "notebook", "--lr", "0.5"]);
    assert_eq!(json["learning_rate"], 0.5);
    let e = &json["epochs"][0];
    let (w, g) = (value(e, "dZ2_dh1"), value(e, "dE_dWho"));
    let want: Vec<Vec<f64>> = w.iter().zip(&g).map(|(w, g)| vec![w[0] - 0.5 * g[0]]).collect();
    assert_close("Who_next at η = 0.5", &value(e, "Who_next"), &want);
    let md = chainstep(&[
        "export", "--format", "markdown", "--preset", "notebook", "--lr", "0.5",
    ]);
    assert!(
        md.contains("learning rate η = 0.5"),
        "the handout states the rate"
    );
}

#[test]
fn a_seed_draws_other_weights_and_is_stated() {
    let preset = export_json(&["--preset", "notebook"]);
    let seeded = export_json(&["--preset", "notebook", "--seed", "42"]);
    let again = export_json(&["--preset", "notebook", "--seed", "42"]);
    let other = export_json(&["--preset", "notebook", "--seed", "43"]);
    assert_eq!(
        preset["seed"],
        Value::Null,
        "the notebook's own weights are not drawn"
    );
    assert_eq!(seeded["seed"], 42);
    let who = |j: &Value| value(&j["epochs"][0], "dZ2_dh1");
    assert_ne!(who(&seeded), who(&preset));
    assert_eq!(who(&seeded), who(&again), "a seed always gives the same weights");
    assert_ne!(who(&seeded), who(&other));
    let md = chainstep(&[
        "export", "--format", "markdown", "--preset", "notebook", "--seed", "42",
    ]);
    assert!(md.contains("seed 42"), "the handout states the seed");
    let md = chainstep(&["export", "--format", "markdown", "--preset", "notebook"]);
    assert!(
        !md.contains("seed"),
        "no seed is claimed for the notebook's own weights"
    );
}

/// A number as the handout writes it, read back (it uses − for minus).
fn parse_num(s: &str) -> f64 {
    s.trim()
        .replace('−', "-")
        .parse()
        .unwrap_or_else(|_| panic!("a number: {s:?}"))
}

/// The handout rounds to four decimals, fewer for large values, or to three
/// significant digits in scientific notation.
fn rounds_to(shown: f64, exact: f64) -> bool {
    (shown - exact).abs() <= 5e-5 + 5e-3 * exact.abs()
}

/// The `### n.` section of link `n` (from 0) in a handout's epoch.
fn section<'a>(epoch_md: &'a str, n: usize, id: &str) -> &'a str {
    let head = format!("### {}. `{id}`", n + 1);
    let start = epoch_md
        .find(&head)
        .unwrap_or_else(|| panic!("a section for {id}"));
    let rest = &epoch_md[start..];
    &rest[..rest[3..].find("### ").map_or(rest.len(), |i| i + 3)]
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The table rows of a section: (row label, cells).
fn table(sec: &str) -> Vec<(String, Vec<f64>)> {
    let body = sec.lines().filter(|l| l.starts_with('|')).skip(2);
    let cells = |l: &str| {
        l.trim_matches('|')
            .split('|')
            .map(str::trim)
            .map(String::from)
            .collect::<Vec<_>>()
    };
    body.map(|l| {
        let c = cells(l);
        (c[0].clone(), c[1..].iter().map(|s| parse_num(s)).collect())
    })
    .collect()
}

fn check_section(sec: &str, link: &Value, (rows_are, cols_are): (Axis, Axis)) {
    let id = link["id"].as_str().unwrap();
    let (meaning, formula) = (
        link["meaning"].as_str().unwrap(),
        link["formula"].as_str().unwrap(),
    );
    assert!(
        sec.contains(&format!("{}.", capitalised(meaning))),
        "{id}: meaning\n{sec}"
    );
    assert!(sec.contains(&format!("- Formula: `{formula}`")), "{id}: formula");
    let m = rows(&link["value"]);
    let shapes = format!("→ ({}×{})", m.len(), m[0].len());
    assert!(
        sec.lines()
            .any(|l| l.starts_with("- Shapes: ") && l.ends_with(&shapes)),
        "{id}: shapes line"
    );
    let symbol = link["symbol"].as_str().unwrap();
    let worked = sec
        .lines()
        .find_map(|l| l.strip_prefix("- Worked element: `"))
        .expect("a worked element");
    assert!(
        worked.starts_with(&format!("{symbol}[1,1] = ")),
        "{id}: worked element {worked}"
    );
    let result = parse_num(worked.trim_end_matches('`').rsplit(" = ").next().unwrap());
    assert!(
        rounds_to(result, m[0][0]),
        "{id}: worked element ends in {result}, value {}",
        m[0][0]
    );
    let t = table(sec);
    assert_eq!(t.len(), m.len(), "{id}: one table row per matrix row");
    assert!(
        sec.contains(&format!("{} 1", cols_are.name())),
        "{id}: columns are {cols_are:?}"
    );
    for (i, ((label, cells), want)) in t.iter().zip(&m).enumerate() {
        assert_eq!(label, &format!("{} {}", rows_are.name(), i + 1), "{id}");
        assert!(
            cells.iter().zip(want).all(|(s, w)| rounds_to(*s, *w)),
            "{id} row {}",
            i + 1
        );
    }
}

#[test]
fn markdown_handout_works_every_link_of_every_epoch() {
    for name in builtin_names() {
        let md = chainstep(&[
            "export", "--format", "markdown", "--preset", &name, "--epochs", "2",
        ]);
        let json = export_json(&["--preset", &name, "--epochs", "2"]);
        let epochs: Vec<&str> = md.split("\n## Epoch ").skip(1).collect();
        assert_eq!(epochs.len(), 2, "{name}: one heading per epoch");
        for (e, (text, exported)) in epochs.iter().zip(json["epochs"].as_array().unwrap()).enumerate() {
            assert!(text.starts_with(&format!("{} — loss ΣE = ", e + 1)));
            for (n, &(id, _, r, c)) in LINKS.iter().enumerate() {
                check_section(section(text, n, id), link(exported, id), (r, c));
            }
        }
    }
}

#[test]
fn every_link_id_the_export_uses_is_the_librarys() {
    // The ids JSON consumers key on must round-trip through LinkId::from_id.
    for (n, &(id, ..)) in LINKS.iter().enumerate() {
        assert_eq!(LinkId::from_id(id), Some(LinkId::ALL[n]), "{id}");
    }
}

#[test]
fn a_reader_that_stops_early_is_no_error() {
    // Like `chainstep export … | head -1`: the pipe is closed before the
    // (long) export is written.
    let mut child = Command::new(env!("CARGO_BIN_EXE_chainstep"))
        .args(["export", "--format", "json", "--epochs", "2000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("it finishes");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "status {:?}: {err}", out.status);
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_failed_write_is_reported_not_a_panic() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // only where a device that is always full exists
    };
    let out = Command::new(env!("CARGO_BIN_EXE_chainstep"))
        .args(["export", "--format", "markdown"])
        .stdout(full)
        .output()
        .expect("the binary runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot write to stdout"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
