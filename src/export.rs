//! The whole worked example written out: JSON for programs, Markdown as a
//! handout a teacher can print.

use serde::Serialize;

use crate::model::link::{axes, shape_text, shapes};
use crate::model::number::num;
use crate::model::text;
use crate::model::{LinkId, Mat, Preset, Stepper, Term};

#[derive(Serialize)]
struct JsonExport<'a> {
    preset: &'a str,
    learning_rate: f64,
    seed: Option<u64>,
    epochs: Vec<JsonEpoch>,
}

#[derive(Serialize)]
struct JsonEpoch {
    epoch: usize,
    loss: f64,
    links: Vec<JsonLink>,
}

#[derive(Serialize)]
struct JsonLink {
    id: &'static str,
    phase: &'static str,
    symbol: &'static str,
    formula: &'static str,
    meaning: &'static str,
    shape: [usize; 2],
    value: Vec<Vec<f64>>,
}

fn rows(m: &Mat) -> Vec<Vec<f64>> {
    m.rows().into_iter().map(|r| r.to_vec()).collect()
}

/// Runs `epochs` whole epochs, calling `each` with the stepper at the end of
/// every one, before its update is applied.
fn run_epochs(stepper: &mut Stepper, epochs: usize, mut each: impl FnMut(&Stepper)) {
    for e in 0..epochs {
        if e > 0 {
            stepper.step_forward();
        }
        stepper.finish_epoch();
        each(stepper);
    }
}

/// The JSON export: every link of every epoch, at full f64 precision.
pub fn json(preset: &Preset, seed: Option<u64>, stepper: Stepper, epochs: usize) -> String {
    let mut out = JsonExport {
        preset: &preset.name,
        learning_rate: stepper.learning_rate(),
        seed,
        epochs: Vec::new(),
    };
    let mut stepper = stepper;
    run_epochs(&mut stepper, epochs, |s| {
        let links = LinkId::ALL.iter().map(|&id| json_link(s, id)).collect();
        let loss = s.loss().expect("epoch is finished");
        out.epochs.push(JsonEpoch {
            epoch: s.epoch(),
            loss,
            links,
        });
    });
    serde_json::to_string_pretty(&out).expect("plain data serializes") + "\n"
}

fn json_link(s: &Stepper, id: LinkId) -> JsonLink {
    let info = id.info();
    let v = s.value(id).expect("epoch is finished");
    JsonLink {
        id: info.id,
        phase: info.phase.name(),
        symbol: info.symbol,
        formula: info.formula,
        meaning: info.meaning,
        shape: [v.nrows(), v.ncols()],
        value: rows(v),
    }
}

/// A matrix as a pipe table that reads well both as plain text and rendered.
pub fn markdown_table(t: Term, m: &Mat) -> String {
    let (ra, ca) = axes(t);
    let head: Vec<String> = (1..=m.ncols()).map(|c| format!("{} {c}", ca.name())).collect();
    let body: Vec<Vec<String>> = m
        .rows()
        .into_iter()
        .map(|r| r.iter().map(|&v| num(v)).collect())
        .collect();
    let first = ra.name().len() + 2;
    let width = head
        .iter()
        .map(|h| h.chars().count())
        .chain(body.iter().flatten().map(|c| c.chars().count()))
        .max()
        .unwrap_or(1);
    let mut s = format!("| {:first$} |", "");
    head.iter().for_each(|h| s.push_str(&format!(" {h:>width$} |")));
    s.push_str(&format!("\n|{}|", "-".repeat(first + 2)));
    head.iter()
        .for_each(|_| s.push_str(&format!("{}:|", "-".repeat(width + 1))));
    for (i, row) in body.iter().enumerate() {
        s.push_str(&format!("\n| {:first$} |", format!("{} {}", ra.name(), i + 1)));
        row.iter().for_each(|c| s.push_str(&format!(" {c:>width$} |")));
    }
    s + "\n"
}

/// The Markdown handout: the network and data, then every link of every
/// epoch with its meaning, formula, shapes, a worked element and its value.
pub fn markdown(preset: &Preset, seed: Option<u64>, stepper: Stepper, epochs: usize) -> String {
    let mut out = header(preset, seed, &stepper);
    let mut stepper = stepper;
    run_epochs(&mut stepper, epochs, |s| out.push_str(&epoch_md(s)));
    out
}

fn header(p: &Preset, seed: Option<u64>, s: &Stepper) -> String {
    let d = s.data();
    let mut out = format!("# chainstep: the chain rule, worked by hand — `{}`\n\n", p.name);
    if !p.description.is_empty() {
        out.push_str(&format!("{}\n\n", p.description));
    }
    out.push_str(&format!(
        "A {}-{}-{} sigmoid network on {} samples, half squared error, learning rate η = {}{}.\n\n",
        d.features(),
        s.hidden(),
        d.outputs(),
        d.samples(),
        s.learning_rate(),
        seed.map(|v| format!(", weights drawn from seed {v}"))
            .unwrap_or_default()
    ));
    out.push_str(
        "Matrices are in the notebook's orientation: one column per sample. Indices count from 1.\n\n",
    );
    for (t, what) in [
        (Term::X, "the inputs"),
        (Term::Y, "the targets"),
        (Term::Wih, "input → hidden weights"),
        (Term::Who, "hidden → output weights"),
    ] {
        let m = s.term(t).expect("inputs and weights are always known");
        out.push_str(&format!(
            "**{}** {} — {what}\n\n{}\n",
            t.symbol(),
            shape_text(m.dim()),
            markdown_table(t, m)
        ));
    }
    out
}

fn epoch_md(s: &Stepper) -> String {
    let loss = s.loss().expect("epoch is finished");
    let mut out = format!("## Epoch {} — loss ΣE = {}\n\n", s.epoch(), num(loss));
    for (n, id) in LinkId::ALL.into_iter().enumerate() {
        let info = id.info();
        let v = s.value(id).expect("epoch is finished");
        let worked = s.explain(id, 0, 0).expect("epoch is finished").one_line();
        out.push_str(&format!(
            "### {}. `{}` — {} ({})\n\n{}.\n\n- Formula: `{}`\n- Shapes: {}\n- Worked element: `{}`\n\n{}\n",
            n + 1,
            info.id,
            info.symbol,
            info.phase.name(),
            text::capitalise(info.meaning),
            info.formula,
            shapes(id, s.data(), s.hidden()),
            worked,
            markdown_table(Term::Link(id), v),
        ));
    }
    out
}
