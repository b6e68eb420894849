//! The lesson is written in mathematical Unicode (∂, σ, ⊙); [`ascii`] spells
//! it in plain ASCII for terminals and fonts that lack those glyphs.

/// Each Unicode glyph chainstep writes, and its ASCII spelling.
const GLYPHS: &[(char, &str)] = &[
    ('∂', "d"),
    ('σ', "sig"),
    ('⊙', ".*"),
    ('·', "*"),
    ('⋯', ".."),
    ('…', "..."),
    ('ᵀ', "^T"),
    ('−', "-"),
    ('½', "1/2"),
    ('²', "^2"),
    ('η', "lr"),
    ('Σ', "sum"),
    ('ₖ', "_k"),
    ('→', "->"),
    ('│', "|"),
    ('—', "-"),
    ('⇒', "=>"),
    ('←', "<-"),
    ('↑', "^"),
    ('↓', "v"),
    ('×', "x"),
    ('′', "'"),
    ('≈', "~"),
    ('δ', "delta"),
    ('▶', ">"),
    ('◀', "<"),
    ('█', "#"),
    ('▏', "|"),
    ('•', "*"),
];

/// `s` with every glyph above replaced by its ASCII spelling, and anything
/// else outside ASCII replaced by `?`.
pub fn ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if let Some((_, a)) = GLYPHS.iter().find(|(g, _)| *g == c) {
            out.push_str(a);
        } else {
            out.push('?');
        }
    }
    out
}

/// `s` with its first letter upper-case: the links' meanings start a sentence on screen.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_plain_ascii() {
        assert_eq!(ascii("∂O/∂Z2 = O⊙(1 − O)"), "dO/dZ2 = O.*(1 - O)");
        assert_eq!(ascii("Z1 = W_ihᵀ·X"), "Z1 = W_ih^T*X");
        assert_eq!(ascii("E = ½(y − O)²"), "E = 1/2(y - O)^2");
    }

    #[test]
    fn every_link_text_has_an_ascii_spelling() {
        for id in crate::model::LinkId::ALL {
            let i = id.info();
            for s in [i.symbol, i.formula, i.meaning] {
                assert!(!ascii(s).contains('?'), "{s}");
            }
        }
    }
}
