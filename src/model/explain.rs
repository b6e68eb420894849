//! One element of a link worked out with its real numbers: the rule for that
//! element in symbols, then each product with the values filled in.

use super::link::{Inputs, LinkId, delta_hidden};
use super::number::{factor, num};

/// At most this many terms of a sum are written out; the rest are counted.
pub const MAX_TERMS: usize = 6;

#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// The element, e.g. `∂E/∂W_ho[2,1]` (indices from 1, as on screen).
    pub element: String,
    /// Its rule in symbols, e.g. `Σₖ h1[2,k]·∂E/∂O[1,k]·∂O/∂Z2[1,k]`.
    pub rule: String,
    /// The rule with numbers: one entry per term of a sum (only the first
    /// [`MAX_TERMS`]), or a single entry.
    pub terms: Vec<String>,
    /// Terms of the sum left unwritten.
    pub more: usize,
    /// The element's value.
    pub value: f64,
}

impl Explanation {
    /// The whole explanation on one line: `element = rule = numbers = value`.
    pub fn one_line(&self) -> String {
        let mut s = format!("{} = {} = {}", self.element, self.rule, self.terms.join(" + "));
        if self.more > 0 {
            s.push_str(&format!(" + ⋯ ({} more)", self.more));
        }
        s.push_str(&format!(" = {}", num(self.value)));
        s
    }
}

use LinkId::*;

impl LinkId {
    /// Works out element (r, c) of this link, counted from 0. None when the
    /// link is not computed yet or (r, c) lies outside its value.
    pub fn explain(self, i: &Inputs, r: usize, c: usize) -> Option<Explanation> {
        let value = *i.values[self.index()].as_ref()?.get((r, c))?;
        let (rule, terms, more) = self.work(i, r, c);
        let element = format!("{}[{},{}]", self.info().symbol, r + 1, c + 1);
        Some(Explanation {
            element,
            rule,
            terms,
            more,
            value,
        })
    }

    fn work(self, i: &Inputs, r: usize, c: usize) -> (String, Vec<String>, usize) {
        let (x, y) = (&i.data.x, &i.data.y);
        let (wih, who) = (&i.weights.ih, &i.weights.ho);
        let v = |id: LinkId| i.values[id.index()].as_ref().expect("read links are computed");
        let (r1, c1) = (r + 1, c + 1);
        let one = |rule: String, term: String| (rule, vec![term], 0);
        match self {
            Z1 => sum(
                format!("Σₖ W_ih[k,{r1}]·X[k,{c1}]"),
                (0..x.nrows()).map(|k| format!("{}·{}", factor(wih[(k, r)]), factor(x[(k, c)]))),
            ),
            H1 => sigma("Z1", r1, c1, v(Z1)[(r, c)]),
            Z2 => sum(
                format!("Σₖ W_ho[k,{r1}]·h1[k,{c1}]"),
                (0..who.nrows()).map(|k| format!("{}·{}", factor(who[(k, r)]), factor(v(H1)[(k, c)]))),
            ),
            O => sigma("Z2", r1, c1, v(Z2)[(r, c)]),
            E => one(
                format!("½(y[{r1},{c1}] − O[{r1},{c1}])²"),
                format!("½({} − {})²", num(y[(r, c)]), factor(v(O)[(r, c)])),
            ),
            DeDo => one(
                format!("−(y[{r1},{c1}] − O[{r1},{c1}])"),
                format!("−({} − {})", num(y[(r, c)]), factor(v(O)[(r, c)])),
            ),
            DoDz2 => slope("O", r1, c1, v(O)[(r, c)]),
            Dz2Dwho => one(format!("h1[{r1},{c1}]"), num(v(H1)[(r, c)])),
            DeDwho => sum(
                format!("Σₖ h1[{r1},k]·∂E/∂O[{c1},k]·∂O/∂Z2[{c1},k]"),
                (0..x.ncols()).map(|k| {
                    let (h, e, o) = (v(H1)[(r, k)], v(DeDo)[(c, k)], v(DoDz2)[(c, k)]);
                    format!("{}·{}·{}", factor(h), factor(e), factor(o))
                }),
            ),
            Dz2Dh1 => one(format!("W_ho[{r1},{c1}]"), num(who[(r, c)])),
            Dh1Dz1 => slope("h1", r1, c1, v(H1)[(r, c)]),
            Dz1Dwih => one(format!("X[{r1},{c1}]"), num(x[(r, c)])),
            DeDwih if who.ncols() == 1 => sum(
                format!("Σₖ X[{r1},k]·∂h1/∂Z1[{c1},k]·∂Z2/∂h1[{c1},1]·∂E/∂O[1,k]·∂O/∂Z2[1,k]"),
                (0..x.ncols()).map(|k| {
                    let f = [
                        x[(r, k)],
                        v(Dh1Dz1)[(c, k)],
                        v(Dz2Dh1)[(c, 0)],
                        v(DeDo)[(0, k)],
                        v(DoDz2)[(0, k)],
                    ];
                    f.map(factor).join("·")
                }),
            ),
            DeDwih => {
                let dh = delta_hidden(i);
                sum(
                    format!("Σₖ X[{r1},k]·δh[{c1},k]  where δh = ∂h1/∂Z1 ⊙ (∂Z2/∂h1·(∂E/∂O ⊙ ∂O/∂Z2))"),
                    (0..x.ncols()).map(|k| format!("{}·{}", factor(x[(r, k)]), factor(dh[(c, k)]))),
                )
            }
            WhoNext => step(
                "W_ho",
                "∂E/∂W_ho",
                r1,
                c1,
                who[(r, c)],
                i.learning_rate,
                v(DeDwho)[(r, c)],
            ),
            WihNext => step(
                "W_ih",
                "∂E/∂W_ih",
                r1,
                c1,
                wih[(r, c)],
                i.learning_rate,
                v(DeDwih)[(r, c)],
            ),
        }
    }
}

fn sum(rule: String, terms: impl Iterator<Item = String>) -> (String, Vec<String>, usize) {
    let all: Vec<String> = terms.collect();
    let more = all.len().saturating_sub(MAX_TERMS);
    (rule, all.into_iter().take(MAX_TERMS).collect(), more)
}

fn sigma(of: &str, r1: usize, c1: usize, z: f64) -> (String, Vec<String>, usize) {
    let rule = format!("σ({of}[{r1},{c1}]) = 1/(1 + e^(−{of}[{r1},{c1}]))");
    (rule, vec![format!("1/(1 + e^(−{}))", factor(z))], 0)
}

fn slope(of: &str, r1: usize, c1: usize, a: f64) -> (String, Vec<String>, usize) {
    let rule = format!("{of}[{r1},{c1}]·(1 − {of}[{r1},{c1}])");
    (rule, vec![format!("{}·(1 − {})", factor(a), factor(a))], 0)
}

fn step(w: &str, g: &str, r1: usize, c1: usize, wv: f64, lr: f64, gv: f64) -> (String, Vec<String>, usize) {
    let rule = format!("{w}[{r1},{c1}] − η·{g}[{r1},{c1}]");
    (rule, vec![format!("{} − {}·{}", num(wv), num(lr), factor(gv))], 0)
}
