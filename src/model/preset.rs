//! Presets: a network and its data, from TOML. The built-in ones ship inside
//! the binary; any other file a user names is read the same way.

use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::net::{Data, Mat, Weights};

/// Used when a preset gives no learning rate.
pub const DEFAULT_LEARNING_RATE: f64 = 0.1;
/// Used when a preset gives neither weights nor a seed.
pub const DEFAULT_SEED: u64 = 0;
/// The most hidden units a preset may ask for: plenty for a lesson, and far
/// below what would exhaust memory when the weights are drawn.
pub const MAX_HIDDEN: usize = 1000;

const BUILTIN: &[(&str, &str)] = &[
    ("notebook", include_str!("../../assets/presets/notebook.toml")),
    ("xor", include_str!("../../assets/presets/xor.toml")),
    ("gates", include_str!("../../assets/presets/gates.toml")),
];

#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    pub name: String,
    pub description: String,
    pub learning_rate: f64,
    pub data: Data,
    pub hidden: usize,
    /// Weights the preset gives; when None they are drawn from `seed`.
    pub weights: Option<Weights>,
    pub seed: Option<u64>,
}

/// What is wrong with a preset, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct PresetError {
    /// The file's path, or `built-in preset NAME`.
    pub source: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for PresetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "bad preset {}, line {}: {}", self.source, line, self.message),
            None => write!(f, "bad preset {}: {}", self.source, self.message),
        }
    }
}

impl std::error::Error for PresetError {}

/// A matrix as TOML rows; each row keeps its span so errors name its line.
type Rows = Spanned<Vec<Spanned<Vec<f64>>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPreset {
    name: String,
    #[serde(default)]
    description: String,
    learning_rate: Option<Spanned<f64>>,
    inputs: Rows,
    targets: Rows,
    hidden: Option<Spanned<i64>>,
    seed: Option<Spanned<u64>>,
    weights: Option<Spanned<RawWeights>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeights {
    input_hidden: Rows,
    hidden_output: Rows,
}

/// Turns byte spans into line numbers and messages into [`PresetError`]s.
struct Src<'a> {
    name: &'a str,
    text: &'a str,
}

impl Src<'_> {
    fn err(&self, span: Option<Range<usize>>, message: impl Into<String>) -> PresetError {
        let line = span.map(|s| 1 + self.text[..s.start.min(self.text.len())].matches('\n').count());
        PresetError {
            source: self.name.to_string(),
            line,
            message: message.into(),
        }
    }

    /// A matrix from rows: rectangular, non-empty and finite.
    fn matrix(&self, key: &str, rows: &Rows, what: &str) -> Result<Mat, PresetError> {
        let span = Some(rows.span());
        let rows = rows.get_ref();
        let width = rows.first().map_or(0, |r| r.get_ref().len());
        if width == 0 {
            return Err(self.err(span, format!("`{key}` is empty; expected {what}")));
        }
        for (i, row) in rows.iter().enumerate() {
            let (line, row) = (Some(row.span()), row.get_ref());
            if row.len() != width {
                let msg = format!(
                    "ragged rows in `{key}`: row {} has {} but row 1 has {}; expected {what}, every row the same length",
                    i + 1,
                    count(row.len(), "value"),
                    width
                );
                return Err(self.err(line, msg));
            }
            if let Some(j) = row.iter().position(|v| !v.is_finite()) {
                let msg = format!(
                    "`{key}` row {}, value {} is {}; expected a finite number",
                    i + 1,
                    j + 1,
                    row[j]
                );
                return Err(self.err(line, msg));
            }
        }
        let flat = rows.iter().flat_map(|r| r.get_ref()).copied().collect();
        Ok(Mat::from_shape_vec((rows.len(), width), flat).expect("rows are rectangular"))
    }

    /// A TOML error as one plain sentence. Syntax errors are told apart from
    /// well-formed TOML that does not describe a preset.
    fn toml_err(&self, e: toml::de::Error) -> PresetError {
        let syntax = toml::from_str::<toml::Table>(self.text).is_err();
        let message = plain(e.message().trim());
        let mut span = e.span();
        if message.starts_with("missing key") && span.as_ref().is_some_and(|s| s.start == 0) {
            // serde points a missing top-level key at the whole file, which
            // would read as "line 1"; there is no line to name.
            span = None;
        }
        let message = if syntax {
            format!("not valid TOML: {message}")
        } else {
            message
        };
        self.err(span, message)
    }
}

/// `n` and its noun, made plural when needed: `1 value`, `2 values`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// serde's wording for type errors, in the words a preset's author uses.
fn plain(message: &str) -> String {
    let words = [
        ("missing field", "missing key"),
        ("unknown field", "unknown key"),
        ("expected a sequence", "expected an array"),
        ("expected f64", "expected a number"),
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number, 0 or more"),
    ];
    let mut m = message.to_string();
    for (serde, ours) in words {
        m = m.replace(serde, ours);
    }
    let key = m.strip_prefix("missing key `").and_then(|k| k.split('`').next());
    if let Some(what) = key.and_then(key_holds) {
        m.push_str(&format!("; expected {what}"));
    }
    m
}

/// What a required key holds, for the message when it is missing.
fn key_holds(key: &str) -> Option<&'static str> {
    Some(match key {
        "name" => "the preset's name, such as `name = \"my net\"`",
        "inputs" => "one row of features per sample, such as `inputs = [[0, 1], [1, 0]]`",
        "targets" => "one row of outputs per sample, such as `targets = [[1], [0]]`",
        "input_hidden" => "the input → hidden weights, one row per input feature",
        "hidden_output" => "the hidden → output weights, one row per hidden unit",
        _ => return None,
    })
}

impl Preset {
    /// Parses a preset; `source` names it in error messages.
    pub fn parse(text: &str, source: &str) -> Result<Preset, PresetError> {
        let src = Src { name: source, text };
        let raw: RawPreset = toml::from_str(text).map_err(|e| src.toml_err(e))?;
        raw.check(&src)
    }

    /// A built-in preset by name.
    pub fn builtin(name: &str) -> Option<Preset> {
        let (n, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        Some(Preset::parse(text, &format!("built-in preset {n}")).expect("built-in presets are valid"))
    }

    /// Every built-in preset, the default first.
    pub fn builtins() -> Vec<Preset> {
        BUILTIN.iter().filter_map(|(n, _)| Preset::builtin(n)).collect()
    }

    /// A built-in preset's name, or else the path of a preset file.
    pub fn load(name_or_path: &str) -> Result<Preset, PresetError> {
        if let Some(p) = Preset::builtin(name_or_path) {
            return Ok(p);
        }
        match std::fs::read_to_string(name_or_path) {
            Ok(text) => Preset::parse(&text, name_or_path),
            Err(e) => {
                let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
                let message = format!(
                    "no built-in preset has that name and the file cannot be read ({e}); built-in presets: {}",
                    names.join(", ")
                );
                Err(PresetError {
                    source: name_or_path.to_string(),
                    line: None,
                    message,
                })
            }
        }
    }

    /// The weights to start from: drawn from `seed` when given, else the
    /// preset's own, else drawn from the preset's seed. Returns the seed used.
    pub fn initial_weights(&self, seed: Option<u64>) -> (Weights, Option<u64>) {
        match (seed, &self.weights) {
            (None, Some(w)) => (w.clone(), None),
            (seed, _) => {
                let s = seed.or(self.seed).unwrap_or(DEFAULT_SEED);
                let d = &self.data;
                (
                    Weights::random(d.features(), self.hidden, d.outputs(), s),
                    Some(s),
                )
            }
        }
    }
}

/// A learning rate must be a positive finite number.
pub fn check_learning_rate(lr: f64) -> Result<f64, String> {
    if lr.is_finite() && lr > 0.0 {
        Ok(lr)
    } else {
        Err(format!(
            "learning rate {lr} is not allowed; expected a positive finite number such as 0.1"
        ))
    }
}

impl RawPreset {
    fn check(self, src: &Src) -> Result<Preset, PresetError> {
        let xs = src.matrix("inputs", &self.inputs, "one row of features per sample")?;
        let ys = src.matrix("targets", &self.targets, "one row of outputs per sample")?;
        if xs.nrows() != ys.nrows() {
            let msg = format!(
                "`targets` has {} but `inputs` has {}; expected one row per sample in each",
                count(ys.nrows(), "row"),
                xs.nrows()
            );
            return Err(src.err(Some(self.targets.span()), msg));
        }
        let data = Data {
            x: xs.reversed_axes(),
            y: ys.reversed_axes(),
        };
        let learning_rate = match &self.learning_rate {
            None => DEFAULT_LEARNING_RATE,
            Some(lr) => check_learning_rate(*lr.get_ref()).map_err(|m| src.err(Some(lr.span()), m))?,
        };
        let weights = self
            .weights
            .as_ref()
            .map(|w| weights(src, w, &data))
            .transpose()?;
        let hidden = hidden(src, self.hidden.as_ref(), weights.as_ref())?;
        Ok(Preset {
            name: self.name,
            description: self.description,
            learning_rate,
            data,
            hidden,
            weights,
            seed: self.seed.map(Spanned::into_inner),
        })
    }
}

fn weights(src: &Src, w: &Spanned<RawWeights>, data: &Data) -> Result<Weights, PresetError> {
    let raw = w.get_ref();
    let ih = src.matrix("weights.input_hidden", &raw.input_hidden, "features × hidden")?;
    let ho = src.matrix("weights.hidden_output", &raw.hidden_output, "hidden × outputs")?;
    let (f, o) = (data.features(), data.outputs());
    let mismatch = |key: &str, rows: &Rows, got: (usize, usize), want: String| {
        let msg = format!("`{key}` is {}×{} but the data needs {want}", got.0, got.1);
        src.err(Some(rows.span()), msg)
    };
    if ih.nrows() != f {
        let want = format!("{f} rows, one per input feature");
        return Err(mismatch(
            "weights.input_hidden",
            &raw.input_hidden,
            ih.dim(),
            want,
        ));
    }
    if ho.nrows() != ih.ncols() || ho.ncols() != o {
        let want = format!(
            "{}×{o}: one row per hidden unit of input_hidden, one column per output",
            ih.ncols()
        );
        return Err(mismatch(
            "weights.hidden_output",
            &raw.hidden_output,
            ho.dim(),
            want,
        ));
    }
    Ok(Weights { ih, ho })
}

fn hidden(src: &Src, hidden: Option<&Spanned<i64>>, w: Option<&Weights>) -> Result<usize, PresetError> {
    match (hidden, w) {
        (Some(h), _) if !(1..=MAX_HIDDEN as i64).contains(h.get_ref()) => Err(src.err(
            Some(h.span()),
            format!(
                "`hidden` is {}; expected a positive number of hidden units, at most {MAX_HIDDEN}",
                h.get_ref()
            ),
        )),
        (Some(h), Some(w)) if *h.get_ref() as usize != w.hidden() => Err(src.err(
            Some(h.span()),
            format!(
                "`hidden` is {} but the weights have {} hidden units",
                h.get_ref(),
                w.hidden()
            ),
        )),
        (Some(h), _) => Ok(*h.get_ref() as usize),
        (None, Some(w)) => Ok(w.hidden()),
        (None, None) => Err(src.err(
            None,
            "missing key `hidden`; expected the number of hidden units to draw, such as `hidden = 3`, or a [weights] table",
        )),
    }
}
