//! The widths of table cells, computed here from the theme's fonts so that
//! the theme's table fitting need not measure every cell in typst, which was
//! about a third of the compile of a large report. The text is shaped as
//! typst shapes it (rustybuzz, tabular figures, the document's language), so
//! the widths are the ones typst would measure. A table with text these
//! fonts cannot set exactly (a symbol from a fallback font, italics, code)
//! gets no widths and is measured by typst as before.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use rustybuzz::ttf_parser::name_id;
use rustybuzz::{Direction, Face, Feature, Language, Script, ShapePlan, UnicodeBuffer};
use serde::Serialize;

use crate::markdown::model::{CellText, TableText};

/// A shaping plan's weight (index into the faces), direction and script.
type PlanKey = (usize, Direction, Option<Script>);

/// The weights the theme sets table text in: body, header (semibold), totals (bold).
const WEIGHTS: [u16; 3] = [400, 600, 700];

/// The faces of one font family in the three weights, upright.
pub struct TableFonts<'f> {
    faces: [Face<'f>; 3],
    language: Option<Language>,
    tabular: Feature,
    /// Shaping plans by weight, direction and script, as `rustybuzz::shape`
    /// would make them for every text, made once.
    plans: RefCell<HashMap<PlanKey, ShapePlan>>,
    /// Widths already known: figures and words recur across a report's tables.
    widths: RefCell<HashMap<(usize, String), Option<f64>>>,
}

impl<'f> TableFonts<'f> {
    /// The first family of `families` found among `fonts` in all three
    /// weights; none if the family is not one of them (typst then measures).
    pub fn new(fonts: &[&'f [u8]], families: &[String], language: &str) -> Option<Self> {
        let family = families.first()?.to_lowercase();
        let mut found: [Option<Face<'f>>; 3] = [None, None, None];
        for data in fonts {
            let Some(face) = Face::from_slice(data, 0) else { continue };
            if face.is_italic() || family_name(&face).is_none_or(|f| f.to_lowercase() != family) {
                continue;
            }
            let weight = face.weight().to_number();
            if let Some(i) = WEIGHTS.iter().position(|w| *w == weight) {
                found[i] = Some(face);
            }
        }
        let [Some(regular), Some(semibold), Some(bold)] = found else { return None };
        Some(Self {
            faces: [regular, semibold, bold],
            language: language.parse().ok(),
            tabular: Feature::new(rustybuzz::ttf_parser::Tag::from_bytes(b"tnum"), 1, ..),
            plans: RefCell::default(),
            widths: RefCell::default(),
        })
    }

    /// The width of `text` in ems, or none if a character has no glyph.
    fn width(&self, text: &str, weight: usize) -> Option<f64> {
        let key = (weight, text.to_owned());
        if let Some(known) = self.widths.borrow().get(&key) {
            return *known;
        }
        let width = self.shape(text, weight);
        self.widths.borrow_mut().insert(key, width);
        width
    }

    fn shape(&self, text: &str, weight: usize) -> Option<f64> {
        let face = &self.faces[weight];
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        if let Some(language) = &self.language {
            buffer.set_language(language.clone());
        }
        buffer.guess_segment_properties();
        let key = (weight, buffer.direction(), buffer.script().into());
        let mut plans = self.plans.borrow_mut();
        let plan = plans.entry(key).or_insert_with(|| {
            let features = std::slice::from_ref(&self.tabular);
            ShapePlan::new(face, key.1, key.2, self.language.as_ref(), features)
        });
        let shaped = rustybuzz::shape_with_plan(face, plan, buffer);
        if shaped.glyph_infos().iter().any(|g| g.glyph_id == 0) {
            return None;
        }
        let advance: i64 = shaped.glyph_positions().iter().map(|p| i64::from(p.x_advance)).sum();
        Some(advance as f64 / f64::from(face.units_per_em()))
    }

    /// The widths the theme needs of each cell of each measurable table, by label.
    pub fn measure(&self, tables: &[TableText]) -> BTreeMap<String, Vec<Vec<CellWidths>>> {
        tables
            .iter()
            .filter_map(|t| {
                let rows: Option<Vec<Vec<CellWidths>>> = t
                    .rows
                    .iter()
                    .enumerate()
                    .map(|(y, row)| {
                        let header = y < t.header_rows;
                        let words = |x: usize| header || !t.figure_columns.get(x).copied().unwrap_or(false);
                        row.iter().enumerate().map(|(x, cell)| self.cell(cell.as_ref()?, header, words(x))).collect()
                    })
                    .collect();
                Some((t.label.clone(), rows?))
            })
            .collect()
    }

    /// A cell's width in its own weights, and each of its words' (of a
    /// figure in the body: none, the theme does not break figures).
    fn cell(&self, cell: &CellText, header: bool, with_words: bool) -> Option<CellWidths> {
        // Bold inside semibold or bold is set in the boldest face there is.
        let weights: [usize; 2] = match (header, cell.strong) {
            (_, true) => [2, 2],
            (true, false) => [1, 1],
            (false, false) => [0, 2],
        };
        let text = cell.text.as_str();
        let whole = [self.width(text, weights[0])?, self.width(text, weights[1])?];
        // The theme needs only the longest three words, by letters (the sort
        // is stable, like typst's, so that ties keep their order).
        let mut words: Vec<&str> = text.split(is_break_space).filter(|w| with_words && !w.is_empty()).collect();
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        words.truncate(3);
        let words = words
            .into_iter()
            .map(|w| Some((w.len(), self.width(w, weights[0])?, self.width(w, weights[1])?)))
            .collect::<Option<Vec<_>>>()?;
        Some(CellWidths { n: whole[0], b: whole[1], w: words })
    }
}

/// One cell in ems: `n` in its row's weight, `b` in bold (a total row), and
/// its three longest words, longest first, as (length in bytes, as typst
/// counts it; `n`; `b`).
#[derive(Debug, Serialize, PartialEq)]
pub struct CellWidths {
    pub n: f64,
    pub b: f64,
    pub w: Vec<(usize, f64, f64)>,
}

/// A space a line may break at: not a no-break space, which binds a figure to
/// its unit ("500 dagar") or groups its digits, as in the theme's `whitespace`.
fn is_break_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}')
}

/// The family name typst goes by: the typographic family if the font has one.
fn family_name(face: &Face) -> Option<String> {
    let names = face.names();
    let find = |id: u16| names.into_iter().filter(|n| n.name_id == id && n.is_unicode()).find_map(|n| n.to_string());
    find(name_id::TYPOGRAPHIC_FAMILY).or_else(|| find(name_id::FAMILY))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Vec<&'static [u8]> {
        crate::theme::builtin_files().filter(|(path, _)| path.ends_with(".otf")).map(|(_, bytes)| bytes).collect()
    }

    #[test]
    fn measures_in_the_themes_family_and_weights() {
        let fonts = fonts();
        let inter = TableFonts::new(&fonts, &["Inter".to_owned()], "sv").expect("Inter in three weights");
        let regular = inter.width("Verksamhetens intäkter", 0).unwrap();
        let bold = inter.width("Verksamhetens intäkter", 2).unwrap();
        assert!(regular > 8.0 && regular < 14.0, "{regular}");
        assert!(bold > regular, "bold is wider: {bold} against {regular}");
        // Tabular figures: every digit is as wide as every other.
        assert_eq!(inter.width("1111", 0), inter.width("8888", 0));
        assert!(TableFonts::new(&fonts, &["Libertinus Serif".to_owned()], "sv").is_none());
    }

    /// Failed when words were split at every white space: the no-break space
    /// binding "500" to its unit split them, and the column was measured too
    /// narrow for "500 lärarutbildningsdagar", which then overprinted the next.
    #[test]
    fn a_figure_and_its_unit_are_one_word() {
        let fonts = fonts();
        let inter = TableFonts::new(&fonts, &["Inter".to_owned()], "sv").unwrap();
        let cell = CellText { text: "minst 500\u{a0}lärarutbildningsdagar".into(), strong: false };
        let widths = inter.cell(&cell, false, true).unwrap();
        let bound = "500\u{a0}lärarutbildningsdagar";
        assert_eq!(widths.w[0].0, bound.len(), "{:?}", widths.w);
        assert_eq!(widths.w[0].1, inter.width(bound, 0).unwrap());
        assert_eq!(widths.w.len(), 2, "`minst` and the figure with its unit: {:?}", widths.w);
    }

    #[test]
    fn a_table_with_a_character_the_font_lacks_is_left_to_typst() {
        let fonts = fonts();
        let inter = TableFonts::new(&fonts, &["Inter".to_owned()], "sv").unwrap();
        let cell = |text: &str| Some(CellText { text: text.into(), strong: false });
        let table = |label: &str, last: &str| TableText {
            label: label.into(),
            header_rows: 1,
            figure_columns: vec![false, false],
            rows: vec![vec![cell("Mål"), cell("Status")], vec![cell("Elever på teman"), cell(last)]],
        };
        let measured = inter.measure(&[table("a", "Uppfyllt"), table("b", "\u{1F600}")]);
        assert_eq!(measured.keys().collect::<Vec<_>>(), ["a"]);
        let row = &measured["a"][1];
        assert_eq!(
            row[0].w.iter().map(|w| w.0).collect::<Vec<_>>(),
            [6, 5, 3],
            "lengths in bytes, as typst counts, longest first"
        );
        assert!(row[0].b > row[0].n);
        let header = &measured["a"][0];
        assert_eq!(header[0].n, header[0].b, "a header is semibold whatever the row");
    }
}
