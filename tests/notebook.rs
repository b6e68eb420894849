//! The notebook preset reproduces the chain-rule notebook: every number it
//! prints, and every term of the independently computed reference in
//! `shared/reference/notebook-terms.json`.

use chainstep::model::{LinkId, Mat, Preset, Stepper, Term};
use serde_json::Value;

/// The notebook prints eight decimals, so its numbers are good to 5e-9.
const PRINTED: f64 = 1e-8;
/// The JSON reference is full f64 precision from the same weights.
const REFERENCE: f64 = 1e-12;

fn notebook() -> Stepper {
    let p = Preset::builtin("notebook").expect("the notebook preset is built in");
    let (w, seed) = p.initial_weights(None);
    assert_eq!(
        seed, None,
        "the notebook preset uses the notebook's printed weights"
    );
    Stepper::new(p.data, w, p.learning_rate)
}

/// A stepper with one whole epoch computed, stepping link by link.
fn one_epoch() -> Stepper {
    let mut s = notebook();
    for id in LinkId::ALL {
        assert_eq!(s.next_link(), Some(id), "links come in their fixed order");
        s.step_forward();
        assert!(s.value(id).is_some(), "{id:?} is computed by its step");
    }
    s
}

fn mat(rows: &[&[f64]]) -> Mat {
    let flat: Vec<f64> = rows.iter().flat_map(|r| r.iter().copied()).collect();
    Mat::from_shape_vec((rows.len(), rows[0].len()), flat).unwrap()
}

fn assert_close(what: &str, got: &Mat, want: &Mat, tol: f64) {
    assert_eq!(got.dim(), want.dim(), "{what}: shape");
    for ((idx, g), w) in got.indexed_iter().zip(want.iter()) {
        assert!(
            (g - w).abs() <= tol,
            "{what}{idx:?}: got {g}, want {w} (tolerance {tol})"
        );
    }
}

fn link(s: &Stepper, id: &str) -> Mat {
    let id = LinkId::from_id(id).unwrap_or_else(|| panic!("{id} is a link id"));
    s.value(id).expect("the epoch is finished").clone()
}

#[test]
fn every_number_the_notebook_prints() {
    let s = one_epoch();
    let printed: [(&str, Mat); 6] = [
        ("O", mat(&[&[0.71156082, 0.77420383, 0.7542284]])),
        ("E", mat(&[&[0.04159858, 0.02549196, 0.28443024]])),
        ("dE_dO", mat(&[&[-0.28843918, -0.22579617, 0.7542284]])),
        ("dO_dZ2", mat(&[&[0.20524202, 0.17481226, 0.18536792]])),
        (
            "h1",
            mat(&[
                &[0.73005842, 0.92732912, 0.84483344],
                &[0.68289431, 0.90342555, 0.73963688],
                &[0.56417279, 0.85604528, 0.79523768],
            ]),
        ),
        ("dE_dWho", mat(&[&[0.03829313], &[0.02732126], &[0.04399328]])),
    ];
    for (id, want) in &printed {
        assert_close(id, &link(&s, id), want, PRINTED);
    }
    // The notebook prints h1 a second time as ∂Z2/∂W_ho.
    assert_close("dZ2_dWho", &link(&s, "dZ2_dWho"), &printed[4].1, PRINTED);
}

fn reference() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/reference/notebook-terms.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_json::from_str(&text).expect("the reference is JSON")
}

fn json_mat(v: &Value) -> Mat {
    let rows: Vec<Vec<f64>> = serde_json::from_value(v.clone()).expect("a matrix of numbers");
    let refs: Vec<&[f64]> = rows.iter().map(Vec::as_slice).collect();
    mat(&refs)
}

/// The reference's notation for a term, and chainstep's.
fn term_for(name: &str) -> Term {
    let link = match name {
        "X" => return Term::X,
        "y" => return Term::Y,
        "W_ih" => return Term::Wih,
        "W_ho" => return Term::Who,
        "dE/dO" => "dE_dO",
        "dO/dZ2" => "dO_dZ2",
        "dZ2/dW_ho" => "dZ2_dWho",
        "dE/dW_ho" => "dE_dWho",
        "dZ2/dh1" => "dZ2_dh1",
        "dh1/dZ1" => "dh1_dZ1",
        "dZ1/dW_ih" => "dZ1_dWih",
        "dE/dW_ih" => "dE_dWih",
        other => other,
    };
    Term::Link(LinkId::from_id(link).unwrap_or_else(|| panic!("no link for reference term {name}")))
}

#[test]
fn every_term_of_the_reference() {
    let s = one_epoch();
    let reference = reference();
    let terms = reference["terms"].as_array().expect("a list of terms");
    // X, y, both weights and the thirteen links before the update.
    assert_eq!(terms.len(), 17, "the reference lists every term once");
    for t in terms {
        let name = t["name"].as_str().expect("a name");
        let want = json_mat(&t["value"]);
        let shape: Vec<usize> = serde_json::from_value(t["shape"].clone()).unwrap();
        assert_eq!(
            want.dim(),
            (shape[0], shape[1]),
            "{name}: the reference's own shape"
        );
        let got = s
            .term(term_for(name))
            .expect("every term is known after an epoch");
        assert_close(name, got, &want, REFERENCE);
    }
}

fn reference_term(name: &str) -> Mat {
    let reference = reference();
    let t = reference["terms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name);
    json_mat(&t.unwrap_or_else(|| panic!("{name} is in the reference"))["value"])
}

#[test]
fn the_update_steps_down_the_reference_gradient() {
    let s = one_epoch();
    let lr = s.learning_rate();
    for (next, w, grad) in [("Who_next", "W_ho", "dE/dW_ho"), ("Wih_next", "W_ih", "dE/dW_ih")] {
        let want = reference_term(w) - reference_term(grad) * lr;
        assert_close(next, &link(&s, next), &want, REFERENCE);
    }
}

/// O for weights `ih`, `ho` on the notebook's data, computed here by loops
/// rather than through the engine's matrices.
fn forward_by_hand(x: &Mat, ih: &Mat, ho: &Mat) -> Vec<f64> {
    let sig = |z: f64| 1.0 / (1.0 + (-z).exp());
    let hidden = |j: usize, k: usize| sig((0..x.nrows()).map(|i| ih[(i, j)] * x[(i, k)]).sum());
    (0..x.ncols())
        .map(|k| sig((0..ih.ncols()).map(|j| ho[(j, 0)] * hidden(j, k)).sum()))
        .collect()
}

#[test]
fn the_second_epoch_starts_from_the_updated_weights() {
    let mut s = one_epoch();
    let lr = s.learning_rate();
    let ih = reference_term("W_ih") - reference_term("dE/dW_ih") * lr;
    let ho = reference_term("W_ho") - reference_term("dE/dW_ho") * lr;
    s.step_forward();
    assert_eq!((s.epoch(), s.pos()), (2, 0));
    assert_close("W_ih of epoch 2", &s.weights().ih, &ih, REFERENCE);
    assert_close("W_ho of epoch 2", &s.weights().ho, &ho, REFERENCE);
    s.run_to(LinkId::E);
    let want = forward_by_hand(&reference_term("X"), &ih, &ho);
    let want = Mat::from_shape_vec((1, want.len()), want).unwrap();
    assert_close("O of epoch 2", &link(&s, "O"), &want, REFERENCE);
    // One step of gradient descent with a small rate lowers the loss.
    let first: f64 = reference_term("E").sum();
    assert!(s.loss().unwrap() < first);
}

#[test]
fn explaining_the_first_hidden_output_gradient() {
    let s = one_epoch();
    let x = s.explain(LinkId::DeDwho, 0, 0).expect("dE_dWho is computed");
    assert_eq!(x.value, link(&s, "dE_dWho")[(0, 0)]);
    assert!((x.value - 0.03829313).abs() <= PRINTED);
    // Its first term starts with h1[1,1] = 0.73005842, as the notebook prints.
    let numbers = x.terms.join(" + ");
    assert!(numbers.contains("0.7301"), "{numbers}");
    assert_eq!(x.terms.len(), 3, "one product per sample");
    assert_eq!(x.more, 0);
}

#[test]
fn nothing_is_explained_before_it_is_computed_or_outside_its_shape() {
    let mut s = notebook();
    assert!(s.explain(LinkId::Z1, 0, 0).is_none());
    s.step_forward();
    assert!(s.explain(LinkId::Z1, 0, 0).is_some());
    assert!(s.explain(LinkId::Z1, 3, 0).is_none(), "Z1 has three rows");
    assert!(s.explain(LinkId::Z1, 0, 3).is_none(), "Z1 has three columns");
}
