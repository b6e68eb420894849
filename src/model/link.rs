//! The fifteen links of one epoch, in their fixed order, with everything a
//! student needs to read one: symbol, formula, meaning and the terms it reads.

use super::net::{Data, Mat, Weights, sigmoid};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    Forward,
    Backward,
    Update,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Forward => "forward",
            Phase::Backward => "backward",
            Phase::Update => "update",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LinkId {
    Z1,
    H1,
    Z2,
    O,
    E,
    DeDo,
    DoDz2,
    Dz2Dwho,
    DeDwho,
    Dz2Dh1,
    Dh1Dz1,
    Dz1Dwih,
    DeDwih,
    WhoNext,
    WihNext,
}

/// Anything a link can read: the data and weights an epoch starts from, or
/// the value of an earlier link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Term {
    X,
    Y,
    Wih,
    Who,
    Link(LinkId),
}

impl Term {
    pub fn symbol(self) -> &'static str {
        match self {
            Term::X => "X",
            Term::Y => "y",
            Term::Wih => "W_ih",
            Term::Who => "W_ho",
            Term::Link(id) => id.info().symbol,
        }
    }
}

/// The static description of one link.
pub struct LinkInfo {
    pub id: &'static str,
    pub phase: Phase,
    pub symbol: &'static str,
    pub formula: &'static str,
    pub meaning: &'static str,
    pub reads: &'static [Term],
}

use LinkId::*;
use Term::Link as L;

const INFO: [LinkInfo; 15] = [
    LinkInfo {
        id: "Z1",
        phase: Phase::Forward,
        symbol: "Z1",
        formula: "Z1 = W_ihᵀ·X",
        meaning: "hidden layer's linear transform: each hidden unit's weighted sum of the inputs, one column per sample",
        reads: &[Term::Wih, Term::X],
    },
    LinkInfo {
        id: "h1",
        phase: Phase::Forward,
        symbol: "h1",
        formula: "h1 = σ(Z1)",
        meaning: "hidden layer activations: the sigmoid σ(z) = 1/(1 + e^(−z)) squashes each sum into (0, 1)",
        reads: &[L(Z1)],
    },
    LinkInfo {
        id: "Z2",
        phase: Phase::Forward,
        symbol: "Z2",
        formula: "Z2 = W_hoᵀ·h1",
        meaning: "output layer's linear transform: each output's weighted sum of the hidden activations",
        reads: &[Term::Who, L(H1)],
    },
    LinkInfo {
        id: "O",
        phase: Phase::Forward,
        symbol: "O",
        formula: "O = σ(Z2)",
        meaning: "the network's output: the sigmoid of Z2, the prediction for each sample",
        reads: &[L(Z2)],
    },
    LinkInfo {
        id: "E",
        phase: Phase::Forward,
        symbol: "E",
        formula: "E = ½(y − O)²",
        meaning: "error: half the squared gap between target y and output O, per sample; the loss ΣE adds them up",
        reads: &[Term::Y, L(O)],
    },
    LinkInfo {
        id: "dE_dO",
        phase: Phase::Backward,
        symbol: "∂E/∂O",
        formula: "∂E/∂O = −(y − O)",
        meaning: "rate of change of error w.r.t. output: how much E grows as O grows",
        reads: &[Term::Y, L(O)],
    },
    LinkInfo {
        id: "dO_dZ2",
        phase: Phase::Backward,
        symbol: "∂O/∂Z2",
        formula: "∂O/∂Z2 = O⊙(1 − O)",
        meaning: "rate of change of output w.r.t. Z2: the sigmoid's slope, σ′(z) = σ(z)(1 − σ(z))",
        reads: &[L(O)],
    },
    LinkInfo {
        id: "dZ2_dWho",
        phase: Phase::Backward,
        symbol: "∂Z2/∂W_ho",
        formula: "∂Z2/∂W_ho = h1",
        meaning: "rate of change of Z2 w.r.t. the hidden-output weights: each weight is multiplied by its hidden activation",
        reads: &[L(H1)],
    },
    LinkInfo {
        id: "dE_dWho",
        phase: Phase::Backward,
        symbol: "∂E/∂W_ho",
        formula: "∂E/∂W_ho = h1·(∂E/∂O ⊙ ∂O/∂Z2)ᵀ",
        meaning: "rate of change of error w.r.t. the hidden-output weights: the chain ∂E/∂O·∂O/∂Z2·∂Z2/∂W_ho, summed over samples",
        reads: &[L(H1), L(DeDo), L(DoDz2)],
    },
    LinkInfo {
        id: "dZ2_dh1",
        phase: Phase::Backward,
        symbol: "∂Z2/∂h1",
        formula: "∂Z2/∂h1 = W_ho",
        meaning: "rate of change of Z2 w.r.t. hidden layer activations: the hidden-output weights themselves",
        reads: &[Term::Who],
    },
    LinkInfo {
        id: "dh1_dZ1",
        phase: Phase::Backward,
        symbol: "∂h1/∂Z1",
        formula: "∂h1/∂Z1 = h1⊙(1 − h1)",
        meaning: "rate of change of hidden layer activations w.r.t. Z1: the sigmoid's slope at each hidden unit",
        reads: &[L(H1)],
    },
    LinkInfo {
        id: "dZ1_dWih",
        phase: Phase::Backward,
        symbol: "∂Z1/∂W_ih",
        formula: "∂Z1/∂W_ih = X",
        meaning: "rate of change of Z1 w.r.t. the input-hidden weights: each weight is multiplied by its input",
        reads: &[Term::X],
    },
    LinkInfo {
        id: "dE_dWih",
        phase: Phase::Backward,
        symbol: "∂E/∂W_ih",
        formula: "∂E/∂W_ih = X·(∂h1/∂Z1 ⊙ (∂Z2/∂h1·(∂E/∂O ⊙ ∂O/∂Z2)))ᵀ",
        meaning: "rate of change of error w.r.t. the input-hidden weights: the whole chain back to the first layer, summed over samples",
        reads: &[Term::X, L(Dh1Dz1), L(Dz2Dh1), L(DeDo), L(DoDz2)],
    },
    LinkInfo {
        id: "Who_next",
        phase: Phase::Update,
        symbol: "W_ho′",
        formula: "W_ho′ = W_ho − η·∂E/∂W_ho",
        meaning: "updated hidden-output weights: one step of size η down the gradient; the next epoch starts from them",
        reads: &[Term::Who, L(DeDwho)],
    },
    LinkInfo {
        id: "Wih_next",
        phase: Phase::Update,
        symbol: "W_ih′",
        formula: "W_ih′ = W_ih − η·∂E/∂W_ih",
        meaning: "updated input-hidden weights: one step of size η down the gradient; the next epoch starts from them",
        reads: &[Term::Wih, L(DeDwih)],
    },
];

impl LinkId {
    pub const ALL: [LinkId; 15] = [
        Z1, H1, Z2, O, E, DeDo, DoDz2, Dz2Dwho, DeDwho, Dz2Dh1, Dh1Dz1, Dz1Dwih, DeDwih, WhoNext, WihNext,
    ];
    pub const COUNT: usize = 15;

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn info(self) -> &'static LinkInfo {
        &INFO[self.index()]
    }

    pub fn from_id(id: &str) -> Option<LinkId> {
        LinkId::ALL.into_iter().find(|l| l.info().id == id)
    }
}

/// What one link's computation may read: the epoch's inputs plus the values
/// of the links already computed.
pub struct Inputs<'a> {
    pub data: &'a Data,
    pub weights: &'a Weights,
    pub learning_rate: f64,
    pub values: &'a [Option<Mat>],
}

impl Inputs<'_> {
    fn v(&self, id: LinkId) -> &Mat {
        self.values[id.index()]
            .as_ref()
            .expect("links are computed in order")
    }
}

/// dE/dO ⊙ dO/dZ2: the output error signal, shared by both gradients.
fn delta_out(i: &Inputs) -> Mat {
    i.v(DeDo) * i.v(DoDz2)
}

/// The hidden error signal ∂h1/∂Z1 ⊙ (∂Z2/∂h1·δ_out).
pub(crate) fn delta_hidden(i: &Inputs) -> Mat {
    i.v(Dh1Dz1) * &i.v(Dz2Dh1).dot(&delta_out(i))
}

impl LinkId {
    /// Computes this link's value. Every link it reads must be computed.
    pub fn compute(self, i: &Inputs) -> Mat {
        let (d, w) = (i.data, i.weights);
        match self {
            Z1 => w.ih.t().dot(&d.x),
            H1 => i.v(Z1).mapv(sigmoid),
            Z2 => w.ho.t().dot(i.v(H1)),
            O => i.v(Z2).mapv(sigmoid),
            E => (&d.y - i.v(O)).mapv(|e| 0.5 * e * e),
            DeDo => -(&d.y - i.v(O)),
            DoDz2 => i.v(O).mapv(|o| o * (1.0 - o)),
            Dz2Dwho => i.v(H1).clone(),
            DeDwho => i.v(H1).dot(&delta_out(i).t()),
            Dz2Dh1 => w.ho.clone(),
            Dh1Dz1 => i.v(H1).mapv(|h| h * (1.0 - h)),
            Dz1Dwih => d.x.clone(),
            DeDwih => d.x.dot(&delta_hidden(i).t()),
            WhoNext => &w.ho - &(i.v(DeDwho) * i.learning_rate),
            WihNext => &w.ih - &(i.v(DeDwih) * i.learning_rate),
        }
    }
}

/// The shape a link's value will have, known before it is computed.
pub fn shape_of(id: LinkId, d: &Data, hidden: usize) -> (usize, usize) {
    let (f, o, s) = (d.features(), d.outputs(), d.samples());
    match id {
        Z1 | H1 | Dz2Dwho | Dh1Dz1 => (hidden, s),
        Z2 | O | E | DeDo | DoDz2 => (o, s),
        DeDwho | Dz2Dh1 | WhoNext => (hidden, o),
        Dz1Dwih => (f, s),
        DeDwih | WihNext => (f, hidden),
    }
}

/// The shape of any term.
pub fn term_shape(t: Term, d: &Data, hidden: usize) -> (usize, usize) {
    match t {
        Term::X => d.x.dim(),
        Term::Y => d.y.dim(),
        Term::Wih => (d.features(), hidden),
        Term::Who => (hidden, d.outputs()),
        Term::Link(id) => shape_of(id, d, hidden),
    }
}

/// What a matrix's rows or columns stand for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    Input,
    Hidden,
    Output,
    Sample,
}

impl Axis {
    pub fn name(self) -> &'static str {
        match self {
            Axis::Input => "input",
            Axis::Hidden => "hidden",
            Axis::Output => "output",
            Axis::Sample => "sample",
        }
    }
}

/// What a term's rows and columns stand for.
pub fn axes(t: Term) -> (Axis, Axis) {
    use Axis::*;
    match t {
        Term::X | Term::Link(Dz1Dwih) => (Input, Sample),
        Term::Y => (Output, Sample),
        Term::Wih | Term::Link(DeDwih | WihNext) => (Input, Hidden),
        Term::Who | Term::Link(DeDwho | Dz2Dh1 | WhoNext) => (Hidden, Output),
        Term::Link(Z1 | H1 | Dz2Dwho | Dh1Dz1) => (Hidden, Sample),
        Term::Link(Z2 | O | E | DeDo | DoDz2) => (Output, Sample),
    }
}

/// A shape as a student reads it: `(4×3)`.
pub fn shape_text((r, c): (usize, usize)) -> String {
    format!("({r}×{c})")
}

/// How the shapes combine in this link, e.g. `(3×3)·(3×1) → (3×1)`.
pub fn shapes(id: LinkId, d: &Data, hidden: usize) -> String {
    let (f, o, s, h) = (d.features(), d.outputs(), d.samples(), hidden);
    let t = |r, c| shape_text((r, c));
    let out = shape_text(shape_of(id, d, hidden));
    let how = match id {
        Z1 => format!("{}·{}", t(h, f), t(f, s)),
        Z2 => format!("{}·{}", t(o, h), t(h, s)),
        H1 | O | E | DeDo | DoDz2 | Dh1Dz1 => format!("elementwise on {out}"),
        Dz2Dwho | Dz2Dh1 | Dz1Dwih => format!("a copy of {out}"),
        DeDwho => format!("{}·{}", t(h, s), t(s, o)),
        DeDwih => format!("{}·({} ⊙ {}·{})ᵀ", t(f, s), t(h, s), t(h, o), t(o, s)),
        WhoNext => format!("{} − η·{}", t(h, o), t(h, o)),
        WihNext => format!("{} − η·{}", t(f, h), t(f, h)),
    };
    format!("{how} → {out}")
}

/// Which part of a term an element reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Cell(usize, usize),
    Row(usize),
    Col(usize),
    All,
}

impl Part {
    pub fn contains(self, r: usize, c: usize) -> bool {
        match self {
            Part::Cell(a, b) => (a, b) == (r, c),
            Part::Row(a) => a == r,
            Part::Col(b) => b == c,
            Part::All => true,
        }
    }
}

/// The parts of each term that element (r, c) of `id` is computed from, so
/// the screen can point at exactly the numbers in its worked example.
pub fn feeds(id: LinkId, r: usize, c: usize) -> Vec<(Term, Part)> {
    use Part::*;
    let cell = Cell(r, c);
    match id {
        Z1 => vec![(Term::Wih, Col(r)), (Term::X, Col(c))],
        H1 => vec![(L(Z1), cell)],
        Z2 => vec![(Term::Who, Col(r)), (L(H1), Col(c))],
        O => vec![(L(Z2), cell)],
        E | DeDo => vec![(Term::Y, cell), (L(O), cell)],
        DoDz2 => vec![(L(O), cell)],
        Dz2Dwho => vec![(L(H1), cell)],
        DeDwho => vec![(L(H1), Row(r)), (L(DeDo), Row(c)), (L(DoDz2), Row(c))],
        Dz2Dh1 => vec![(Term::Who, cell)],
        Dh1Dz1 => vec![(L(H1), cell)],
        Dz1Dwih => vec![(Term::X, cell)],
        DeDwih => vec![
            (Term::X, Row(r)),
            (L(Dh1Dz1), Row(c)),
            (L(Dz2Dh1), Row(c)),
            (L(DeDo), All),
            (L(DoDz2), All),
        ],
        WhoNext => vec![(Term::Who, cell), (L(DeDwho), cell)],
        WihNext => vec![(Term::Wih, cell), (L(DeDwih), cell)],
    }
}
