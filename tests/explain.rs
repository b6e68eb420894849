//! A worked element shows the right numbers: every factor of every term of a
//! sum is the entry the chain rule says it is, read back from its rounded
//! text. A swapped index would show a student the wrong numbers.

use chainstep::model::{Data, LinkId, Mat, Stepper, Weights};
use proptest::prelude::*;

fn matrix(rows: usize, cols: usize, range: std::ops::Range<f64>) -> impl Strategy<Value = Mat> {
    prop::collection::vec(range, rows * cols)
        .prop_map(move |v| Mat::from_shape_vec((rows, cols), v).expect("length is rows × cols"))
}

/// A random network with a whole epoch computed; sizes 1 to 8, so sums of
/// more than six terms (which are cut short) come up too.
fn epoch() -> impl Strategy<Value = Stepper> {
    (1..=8usize, 1..=5usize, 1..=3usize, 1..=8usize).prop_flat_map(|(f, h, o, s)| {
        let x = matrix(f, s, -2.0..2.0);
        let y = matrix(o, s, 0.0..1.0);
        let w = (matrix(f, h, -2.0..2.0), matrix(h, o, -2.0..2.0));
        (x, y, w).prop_map(|(x, y, (ih, ho))| {
            let mut st = Stepper::new(Data { x, y }, Weights { ih, ho }, 0.5);
            st.finish_epoch();
            st
        })
    })
}

/// A number as shown (− for minus, negatives in parentheses), and half a unit
/// of its last shown digit: how far from the exact value it may be.
fn read(shown: &str) -> (f64, f64) {
    let s = shown
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .replace('−', "-");
    let v: f64 = s.parse().unwrap_or_else(|_| panic!("a number: {shown:?}"));
    let (mantissa, exp) = s
        .split_once('e')
        .map_or((s.as_str(), 0), |(m, e)| (m, e.parse().unwrap()));
    let decimals = mantissa.split_once('.').map_or(0, |(_, d)| d.len()) as i32;
    (v, 0.5 * 10f64.powi(exp - decimals))
}

fn shown_matches(shown: &str, exact: f64) -> bool {
    let (v, half_unit) = read(shown);
    (v - exact).abs() <= half_unit * (1.0 + 1e-9) + 1e-300
}

/// The factors of term k of element (r, c), as the chain rule defines them.
fn factors(s: &Stepper, id: LinkId, r: usize, c: usize, k: usize) -> Vec<f64> {
    let v = |id| s.value(id).expect("computed");
    let (x, w) = (&s.data().x, s.weights());
    let delta_out = |o: usize, k: usize| v(LinkId::DeDo)[(o, k)] * v(LinkId::DoDz2)[(o, k)];
    match id {
        LinkId::Z1 => vec![w.ih[(k, r)], x[(k, c)]],
        LinkId::Z2 => vec![w.ho[(k, r)], v(LinkId::H1)[(k, c)]],
        LinkId::DeDwho => vec![
            v(LinkId::H1)[(r, k)],
            v(LinkId::DeDo)[(c, k)],
            v(LinkId::DoDz2)[(c, k)],
        ],
        LinkId::DeDwih if w.ho.ncols() == 1 => vec![
            x[(r, k)],
            v(LinkId::Dh1Dz1)[(c, k)],
            w.ho[(c, 0)],
            v(LinkId::DeDo)[(0, k)],
            v(LinkId::DoDz2)[(0, k)],
        ],
        LinkId::DeDwih => {
            let back: f64 = (0..w.ho.ncols()).map(|o| w.ho[(c, o)] * delta_out(o, k)).sum();
            vec![x[(r, k)], v(LinkId::Dh1Dz1)[(c, k)] * back]
        }
        _ => unreachable!("only sums are checked here"),
    }
}

/// How many terms element sums run over.
fn terms_in(s: &Stepper, id: LinkId) -> usize {
    match id {
        LinkId::Z1 => s.data().features(),
        LinkId::Z2 => s.hidden(),
        _ => s.data().samples(),
    }
}

fn check_sum(s: &Stepper, id: LinkId, r: usize, c: usize) -> Result<(), TestCaseError> {
    let x = s.explain(id, r, c).expect("computed and in range");
    prop_assert_eq!(&x.element, &format!("{}[{},{}]", id.info().symbol, r + 1, c + 1));
    let n = terms_in(s, id);
    prop_assert_eq!(x.terms.len() + x.more, n, "{} terms in all", n);
    prop_assert!(x.terms.len() <= 6);
    for (k, term) in x.terms.iter().enumerate() {
        let shown: Vec<&str> = term.split('·').collect();
        let want = factors(s, id, r, c, k);
        prop_assert_eq!(shown.len(), want.len(), "{}", term);
        for (f, w) in shown.iter().zip(&want) {
            prop_assert!(
                shown_matches(f, *w),
                "{}[{},{}] term {}: {} shows {} for {}",
                id.info().id,
                r,
                c,
                k,
                term,
                f,
                w
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    #[test]
    fn worked_sums_show_the_right_entries(s in epoch()) {
        for id in [LinkId::Z1, LinkId::Z2, LinkId::DeDwho, LinkId::DeDwih] {
            let (rows, cols) = s.value(id).expect("computed").dim();
            for (r, c) in (0..rows).flat_map(|r| (0..cols).map(move |c| (r, c))) {
                check_sum(&s, id, r, c)?;
            }
        }
    }

    #[test]
    fn worked_updates_show_weight_rate_and_gradient(s in epoch()) {
        let w = s.weights();
        for (id, before, grad) in [(LinkId::WhoNext, &w.ho, LinkId::DeDwho), (LinkId::WihNext, &w.ih, LinkId::DeDwih)] {
            let g = s.value(grad).expect("computed");
            for ((r, c), v) in s.value(id).expect("computed").indexed_iter() {
                let x = s.explain(id, r, c).expect("computed");
                prop_assert_eq!(x.value, *v);
                // "w − η·g"
                let (wv, rest) = x.terms[0].split_once(" − ").expect("a difference");
                let (lr, gv) = rest.split_once('·').expect("a product");
                prop_assert!(shown_matches(wv, before[(r, c)]) && shown_matches(lr, 0.5) && shown_matches(gv, g[(r, c)]), "{}", x.terms[0]);
            }
        }
    }
}

#[test]
fn reading_shown_numbers_back() {
    // The half-unit this test file relies on, for each way numbers are shown.
    assert_eq!(read("0.7301"), (0.7301, 0.5e-4));
    assert_eq!(read("(−0.2884)").0, -0.2884);
    assert_eq!(read("1"), (1.0, 0.5));
    assert!((read("1.23e-5").1 - 0.5e-7).abs() < 1e-20);
}
