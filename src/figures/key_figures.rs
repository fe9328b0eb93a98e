//! "Året i siffror": the `key_figures:` section of a figures file. A spread
//! is a list of cards, each one figure of the tables (a term such as
//! `rr.arets_resultat[2013]` or an expression of [`super::in_text`]'s
//! evaluator) and its change against the year before. A card adds no number
//! of its own: both figures are computed by the one evaluator and shown by
//! the one formatter, in the unit and decimals of the figure's line.
//!
//! The previous year's figure is the same expression with the spread's
//! `year:` column replaced by the year before, or the card's `previous:`.
//! When that figure does not exist the card shows no change (never a zero)
//! and the author is warned at the card.

use rust_decimal::Decimal;
use tera::{Kwargs, State, Tera, Value};

use super::compute::Computed;
use super::expr;
use super::in_text::evaluate;
use super::model::Unit;
use crate::data::DataFiles;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::format::format_amount;
use crate::markdown::model::{Change, Direction, KeyFigure, KeyFigures};
use crate::project::{Fields, nearest};
use crate::yaml::Node;

/// The language of the fenced block that marks a placed spread.
pub const KEY_FIGURES_BLOCK: &str = "arsrapport-key-figures";

/// The words of a card, from the theme's language file.
#[derive(Debug, Clone)]
pub struct KeyFigureLabels {
    /// The spread's heading unless it names its own ("Året i siffror").
    pub title: String,
    pub increase: String,
    pub decrease: String,
    pub unchanged: String,
    pub compared_with: String,
}

impl KeyFigureLabels {
    pub fn new<'a>(label: impl Fn(&'static str) -> &'a str) -> Self {
        Self {
            title: label("key_figures_title").to_owned(),
            increase: label("key_figures_increase").to_owned(),
            decrease: label("key_figures_decrease").to_owned(),
            unchanged: label("key_figures_unchanged").to_owned(),
            compared_with: label("key_figures_compared_with").to_owned(),
        }
    }
}

/// A spread as declared, its cards already computed and worded.
#[derive(Debug, Clone, PartialEq)]
pub struct Spread {
    pub title: String,
    pub figures: KeyFigures,
}

/// Every spread of the project, in the order written.
#[derive(Debug, Default)]
pub struct Spreads {
    pub spreads: Vec<Spread>,
}

impl Spreads {
    pub fn get(&self, id: &str) -> Option<&Spread> {
        self.spreads.iter().find(|s| s.figures.id == id)
    }

    /// Reads the `key_figures:` section of every data file. Returns the
    /// spreads and the warnings (a card without a previous year), or every error.
    pub fn load(
        data: &DataFiles,
        computed: &Computed,
        labels: &KeyFigureLabels,
    ) -> Result<(Spreads, Diagnostics), Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        let mut spreads = Spreads::default();
        for (stem, node) in &data.files {
            let Some(list) = node.get("key_figures") else { continue };
            let file = data.paths.get(stem).cloned().unwrap_or_default();
            let source = data.sources.get(&file).map(String::as_str).unwrap_or_default();
            let reader = Reader { file: &file, source, computed, labels };
            let Some(items) = list.as_seq() else {
                diagnostics.push(
                    reader.error(list, format!("expected a list of key-figure spreads, found {}", list.describe())),
                );
                continue;
            };
            for item in items {
                let (spread, found) = reader.spread(item);
                diagnostics.extend(found);
                let Some(spread) = spread else { continue };
                if spreads.get(&spread.figures.id).is_some() {
                    diagnostics.push(
                        reader.error(item, format!("the key-figure spread id `{}` is used twice", spread.figures.id)),
                    );
                } else {
                    spreads.spreads.push(spread);
                }
            }
        }
        diagnostics.into_result().map(|warnings| (spreads, warnings))
    }
}

struct Reader<'a> {
    file: &'a str,
    source: &'a str,
    computed: &'a Computed,
    labels: &'a KeyFigureLabels,
}

impl<'a> Reader<'a> {
    fn error(&self, at: &Node, message: String) -> Diagnostic {
        Diagnostic::error(Some(at.location(self.file)), message).with_source(self.source)
    }

    fn spread(&self, node: &'a Node) -> (Option<Spread>, Diagnostics) {
        let mut f = match Fields::new(node, self.file, self.source, "a key-figure spread") {
            Ok(f) => f,
            Err(d) => return (None, d),
        };
        let id = f.required("id", "aret").and_then(|n| match n.as_str() {
            Some(t) if !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') => {
                Some(t.to_owned())
            }
            _ => {
                let found = n.describe();
                f.error(n, format!("expected an id made of ASCII letters, digits, `_` or `-`, found {found}"), None);
                None
            }
        });
        let title = f.optional("title").and_then(|n| f.string(Some(n)));
        let year = f.required("year", "2013").and_then(|n| match n.as_str().and_then(|t| t.parse::<i32>().ok()) {
            Some(y) if (1000..=9999).contains(&y) => Some(y),
            _ => {
                let found = n.describe();
                f.error(n, format!("expected a year such as 2013, found {found}"), None);
                None
            }
        });
        let mut cards = Vec::new();
        if let Some(list) = f.required("cards", "[{figure: \"rr.arets_resultat[2013]\"}]") {
            match list.as_seq() {
                Some(items) if !items.is_empty() => {
                    for item in items {
                        if let Some(card) = self.card(item, year, &mut f) {
                            cards.push(card);
                        }
                    }
                }
                _ => {
                    let found = list.describe();
                    f.error(list, format!("expected a list of cards, found {found}"), None);
                }
            }
        }
        let diagnostics = f.finish();
        if diagnostics.has_errors() {
            return (None, diagnostics);
        }
        let (Some(id), Some(_)) = (id, year) else { return (None, diagnostics) };
        let title = title.unwrap_or_else(|| self.labels.title.clone());
        (Some(Spread { title, figures: KeyFigures { id, cards } }), diagnostics)
    }

    /// One card: `{figure: …, label: …, previous: …, unit: …, decimals: …}`.
    fn card(&self, node: &'a Node, year: Option<i32>, outer: &mut Fields<'a>) -> Option<KeyFigure> {
        let mut f = outer.nested(node, "a card (`figure:` and `label:`)")?;
        let figure_node = f.required("figure", "\"rr.arets_resultat[2013]\"");
        let figure = f.string(figure_node);
        let label_node = f.optional("label");
        let label = f.string(label_node);
        let previous_node = f.optional("previous");
        let previous = f.string(previous_node);
        let unit_node = f.optional("unit");
        let unit = unit_node.and_then(|n| f.one_of(Some(n), &Unit::NAMES));
        let decimals_node = f.optional("decimals");
        let decimals = decimals_node.and_then(|n| match n.as_str().and_then(|t| t.parse::<u32>().ok()) {
            Some(d) if d <= 6 => Some(d),
            _ => {
                let found = n.describe();
                f.error(n, format!("expected a number of decimals from 0 to 6, found {found}"), None);
                None
            }
        });
        let (Some(figure_node), Some(figure), Some(year)) = (figure_node, figure, year) else {
            outer.diagnostics.extend(f.finish());
            return None;
        };
        let at = figure_node.location(self.file);
        let first = match self.first_line(&figure, &at) {
            Ok(first) => first,
            Err(message) => {
                f.error(figure_node, message, None);
                outer.diagnostics.extend(f.finish());
                return None;
            }
        };
        let unit = unit.unwrap_or(first.unit);
        let decimals = decimals.unwrap_or(first.decimals);
        let current = match self.value(&figure, Some(unit)) {
            Ok(v) => v,
            Err(message) => {
                f.error(figure_node, message, None);
                outer.diagnostics.extend(f.finish());
                return None;
            }
        };
        let label = match label {
            Some(l) => l,
            None if first.single => first.label.clone(),
            None => {
                f.error(
                    node,
                    "a card whose figure is an expression needs a `label:`".into(),
                    Some("for example `label: Soliditet`".into()),
                );
                outer.diagnostics.extend(f.finish());
                return None;
            }
        };
        let earlier = year - 1;
        let previous_value = match (previous.as_deref(), previous_node) {
            (Some("none"), _) => None,
            (Some(text), Some(n)) => match self.value(text, Some(unit)) {
                Ok(v) => Some(v),
                Err(message) => {
                    f.error(n, message, None);
                    None
                }
            },
            _ => match year_before(&figure, year, &at) {
                None => {
                    f.error(
                        figure_node,
                        format!("this figure names no column `{year}`, the spread's year, so the figure of {earlier} cannot be found"),
                        Some(
                            "name the figure it is compared with in `previous:`, or write `previous: none` to show no change"
                                .to_owned(),
                        ),
                    );
                    None
                }
                Some(text) => match self.value(&text, Some(unit)) {
                    Ok(v) => Some(v),
                    Err(message) => {
                        f.diagnostics.push(
                            Diagnostic::warning(
                                Some(at.clone()),
                                format!("no change is shown on the card “{label}”: there is no figure for {earlier}"),
                            )
                            .with_hint(format!(
                                "{message}; name the figure it is compared with in `previous:`, or write `previous: none`"
                            ))
                            .with_source(self.source),
                        );
                        None
                    }
                },
            },
        };
        outer.diagnostics.extend(f.finish());
        Some(card(label, current, previous_value, unit, decimals, earlier, self.labels))
    }

    /// The exact value of an expression in `unit`, or why there is none.
    fn value(&self, text: &str, unit: Option<Unit>) -> Result<Decimal, String> {
        evaluate(self.computed, text, unit).map_err(|message| in_card(message, text))
    }

    /// The line of the expression's first term: its unit, decimals and label.
    fn first_line(&self, text: &str, at: &Location) -> Result<FirstLine, String> {
        let parsed = expr::parse(text, at, false).map_err(|e| e.message)?;
        let refs = parsed.refs();
        let found = refs.first().and_then(|r| {
            let table = self.computed.table(r.table.as_deref()?)?;
            let row = table.row_index(&r.row)?;
            Some(FirstLine {
                unit: table.row_unit(row),
                decimals: table.row_decimals(row),
                label: table.rows[row].label.clone(),
                single: matches!(parsed, expr::Expr::Ref(_)),
            })
        });
        match found {
            Some(first) => Ok(first),
            // The evaluator names what is wrong with the term, with the nearest names.
            None => Err(self.value(text, None).err().unwrap_or_else(|| format!("`{text}` names no figure"))),
        }
    }
}

/// The evaluator's message without its `figure("…"): `, which names the
/// function of a chapter; here the card's line shows the expression.
fn in_card(message: String, text: &str) -> String {
    let prefix = format!("`{}(\"{text}\")`: ", super::in_text::FUNCTION);
    message.strip_prefix(&prefix).map(str::to_owned).unwrap_or(message)
}

struct FirstLine {
    unit: Unit,
    decimals: u32,
    label: String,
    /// The figure is one term, so the card may take its line's label.
    single: bool,
}

/// The expression with every column `year` replaced by the year before, or
/// `None` when no term names the column `year`.
fn year_before(text: &str, year: i32, at: &Location) -> Option<String> {
    let parsed = expr::parse(text, at, false).ok()?;
    let column = year.to_string();
    if !parsed.refs().iter().any(|r| r.column.as_deref() == Some(column.as_str())) {
        return None;
    }
    let earlier = (year - 1).to_string();
    Some(
        text.replace(&format!("[{column}]"), &format!("[{earlier}]"))
            .replace(&format!("[\"{column}\"]"), &format!("[\"{earlier}\"]")),
    )
}

/// A card's texts: the figure and its change, both rounded as shown, so
/// that the change is the difference of the two figures a reader compares.
pub fn card(
    label: String,
    current: Decimal,
    previous: Option<Decimal>,
    unit: Unit,
    decimals: u32,
    earlier: i32,
    labels: &KeyFigureLabels,
) -> KeyFigure {
    let shown = |v: Decimal| v.round_dp_with_strategy(decimals, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    let current = shown(current);
    let change = previous.map(shown).map(|previous| {
        let difference = current - previous;
        let direction = match difference.cmp(&Decimal::ZERO) {
            std::cmp::Ordering::Greater => Direction::Up,
            std::cmp::Ordering::Less => Direction::Down,
            std::cmp::Ordering::Equal => Direction::Same,
        };
        // A change of a percentage is in percentage points.
        let change_unit = match unit {
            Unit::Procent => Some(Unit::Procentenheter.name().to_owned()),
            _ => unit_text(unit),
        };
        let with_unit = |number: String| match &change_unit {
            Some(u) => format!("{number}\u{a0}{u}"),
            None => number,
        };
        let amount = with_unit(format_amount(difference.abs(), Some(decimals)));
        let since = format!("{} {earlier}", labels.compared_with);
        let (sign, words) = match direction {
            Direction::Up => ("+", format!("{} {amount} {since}", labels.increase)),
            Direction::Down => ("\u{2212}", format!("{} {amount} {since}", labels.decrease)),
            Direction::Same => ("", format!("{} {since}", labels.unchanged)),
        };
        Change { direction, figure: format!("{sign}{amount}"), since, words }
    });
    KeyFigure { label, value: format_amount(current, Some(decimals)), unit: unit_text(unit), change }
}

/// The unit as written after a figure on a card: none for plain counts.
fn unit_text(unit: Unit) -> Option<String> {
    match unit {
        Unit::Antal => None,
        Unit::Procent => Some("%".to_owned()),
        u => Some(u.name().to_owned()),
    }
}

/// The marker `key_figures()` leaves in a chapter: the spread's heading and its block.
pub fn spread_block(id: &str, title: &str, level: usize) -> String {
    let title = crate::goals::render::escape_markdown(title);
    format!("\n{} {title}\n\n```{KEY_FIGURES_BLOCK}\n{id}\n```\n", "#".repeat(level))
}

/// Registers `key_figures(id="…", level=2)`: an unknown id is an error naming the nearest.
pub fn register(tera: &mut Tera, spreads: &Spreads) {
    let known: Vec<(String, String)> =
        spreads.spreads.iter().map(|s| (s.figures.id.clone(), s.title.clone())).collect();
    tera.register_function("key_figures", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let id: &str = kwargs.must_get("id")?;
        let level = kwargs.get::<usize>("level")?.unwrap_or(2).clamp(2, 6);
        let Some((_, title)) = known.iter().find(|(i, _)| i == id) else {
            let names: Vec<&str> = known.iter().map(|(i, _)| i.as_str()).collect();
            let hint = match nearest(id, &names) {
                Some(n) => format!("; did you mean `{n}`?"),
                None if names.is_empty() => "; spreads are declared under `key_figures:` in a figures file".to_owned(),
                None => format!("; the spreads are: {}", names.join(", ")),
            };
            return Err(tera::Error::message(format!("there is no key-figure spread `{id}`{hint}")));
        };
        Ok(Value::safe_string(&spread_block(id, title, level)))
    });
}

/// The ids of the spreads placed in an expanded chapter body, each with the
/// byte where its block starts.
pub fn placed_spreads(body: &str) -> Vec<(String, usize)> {
    let fence = format!("```{KEY_FIGURES_BLOCK}\n");
    body.match_indices(&fence)
        .filter_map(|(i, _)| body[i + fence.len()..].lines().next().map(|id| (id.trim().to_owned(), i)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::Figures;
    use crate::figures::view::TableLabels;

    const FILE: &str = "content/data/figurer.yaml";

    fn labels() -> KeyFigureLabels {
        KeyFigureLabels {
            title: "Året i siffror".into(),
            increase: "ökning med".into(),
            decrease: "minskning med".into(),
            unchanged: "oförändrat".into(),
            compared_with: "jämfört med".into(),
        }
    }

    const TABLES: &str = r#"
defaults: {unit: tkr, columns: ["2013", "2012", "2011"]}
tables:
  - id: rr
    title: Resultaträkning
    rows:
      - {id: resultat, label: Årets resultat, values: [2 702, -1 310, ~]}
      - {id: kostnader, label: Kostnader, values: [-5 000, -5 000, -4 000]}
      - {id: tillgangar, label: Tillgångar, values: [10 000, 8 000, ~]}
  - id: besok
    title: Besökare
    unit: antal
    columns: [{id: summa, label: Summa}]
    rows:
      - {id: a2013, label: Besökare 2013, values: [46 188]}
      - {id: a2012, label: Besökare 2012, values: [57 576]}
"#;

    fn load(spreads: &str) -> Result<(Spreads, Diagnostics), String> {
        let source = format!("{TABLES}key_figures:\n{spreads}");
        let node = crate::yaml::parse(&source, FILE).map_err(|d| d.to_string())?;
        let mut data = DataFiles::default();
        data.files.insert("figurer".into(), node);
        data.paths.insert("figurer".into(), FILE.into());
        data.sources.insert(FILE.into(), source.clone());
        let table_labels = TableLabels { amounts_in: "belopp i", rounding: "Avrundningsdifferens" };
        let (figures, _) = Figures::load(&data, &table_labels).map_err(|d| d.to_string())?;
        Spreads::load(&data, &figures.computed, &labels()).map_err(|d| d.to_string())
    }

    fn cards(spreads: &str) -> Vec<KeyFigure> {
        let (spreads, warnings) = load(spreads).unwrap();
        assert!(warnings.is_empty(), "{warnings}");
        spreads.spreads[0].figures.cards.clone()
    }

    #[test]
    fn increase_decrease_and_unchanged_are_signed_and_worded() {
        let cards = cards(concat!(
            "  - id: aret\n    year: 2013\n    cards:\n",
            "      - {figure: \"rr.resultat[2013]\"}\n",
            "      - {figure: \"besok.a2013[summa]\", previous: \"besok.a2012[summa]\", label: Besökare}\n",
            "      - {figure: \"rr.kostnader[2013]\"}\n",
        ));
        let up = &cards[0];
        assert_eq!(
            (up.label.as_str(), up.value.as_str(), up.unit.as_deref()),
            ("Årets resultat", "2\u{a0}702", Some("tkr"))
        );
        let change = up.change.as_ref().unwrap();
        assert_eq!(change.direction, Direction::Up);
        assert_eq!(change.figure, "+4\u{a0}012\u{a0}tkr");
        assert_eq!(change.words, "ökning med 4\u{a0}012\u{a0}tkr jämfört med 2012");
        let down = cards[1].change.as_ref().unwrap();
        assert_eq!((cards[1].value.as_str(), cards[1].unit.as_deref()), ("46\u{a0}188", None));
        assert_eq!(down.direction, Direction::Down);
        assert_eq!(down.figure, "\u{2212}11\u{a0}388");
        assert_eq!(down.words, "minskning med 11\u{a0}388 jämfört med 2012");
        let same = cards[2].change.as_ref().unwrap();
        assert_eq!(same.direction, Direction::Same);
        assert_eq!(same.figure, "0\u{a0}tkr");
        assert_eq!(same.words, "oförändrat jämfört med 2012");
    }

    #[test]
    fn an_expression_is_computed_exactly_in_its_unit() {
        let cards = cards(concat!(
            "  - id: aret\n    year: 2013\n    cards:\n",
            "      - {figure: \"rr.resultat[2013] / rr.tillgangar[2013] * 100\", label: Andel, unit: procent, decimals: 1}\n",
            "      - {figure: \"rr.tillgangar[2013]\", unit: mnkr, decimals: 1}\n",
        ));
        assert_eq!((cards[0].value.as_str(), cards[0].unit.as_deref()), ("27,0", Some("%")));
        // 27,02 % against −16,375 %, each rounded as shown: 27,0 − (−16,4).
        assert_eq!(cards[0].change.as_ref().unwrap().figure, "+43,4\u{a0}procentenheter");
        assert_eq!((cards[1].value.as_str(), cards[1].unit.as_deref()), ("10,0", Some("mnkr")));
        assert_eq!(cards[1].change.as_ref().unwrap().words, "ökning med 2,0\u{a0}mnkr jämfört med 2012");
    }

    #[test]
    fn a_missing_previous_year_shows_no_change_and_warns() {
        let (spreads, warnings) =
            load("  - id: aret\n    year: 2012\n    cards:\n      - {figure: \"rr.resultat[2012]\"}\n      - {figure: \"rr.kostnader[2012]\"}\n").unwrap();
        let cards = &spreads.spreads[0].figures.cards;
        assert_eq!(cards[0].value, "\u{2212}1\u{a0}310");
        assert_eq!(cards[0].change, None, "an empty cell of 2011 is no figure, not a zero");
        assert_eq!(cards[1].change.as_ref().unwrap().figure, "\u{2212}1\u{a0}000\u{a0}tkr");
        let text = warnings.to_string();
        assert_eq!(warnings.warning_count(), 1, "{text}");
        assert!(
            text.contains("no change is shown on the card “Årets resultat”: there is no figure for 2011"),
            "{text}"
        );
        assert!(text.contains("content/data/figurer.yaml:21:18"), "{text}");
    }

    #[test]
    fn unknown_figures_are_located_errors() {
        let errors = load(concat!(
            "  - id: aret\n    year: 2013\n    cards:\n",
            "      - {figure: \"rr.resultatt[2013]\"}\n",
            "      - {figure: \"rx.resultat[2013]\"}\n",
            "      - {figure: \"besok.a2013[summa]\"}\n",
            "      - {figure: \"rr.resultat[2013]\", previous: \"rr.resultat[2010]\"}\n",
            "      - {figure: \"rr.resultat[2013] * 2\"}\n",
        ))
        .unwrap_err();
        assert!(errors.contains("content/data/figurer.yaml:21:18"), "{errors}");
        assert!(errors.contains("error: the table `rr` has no line `resultatt`, at `rr.resultatt[2013]`"), "{errors}");
        assert!(errors.contains("did you mean `resultat`?"), "{errors}");
        assert!(errors.contains("content/data/figurer.yaml:22:"), "{errors}");
        assert!(errors.contains("there is no table or note `rx`"), "{errors}");
        assert!(errors.contains("this figure names no column `2013`"), "{errors}");
        assert!(errors.contains("the table `rr` has no column `2010`"), "{errors}");
        assert!(errors.contains("a card whose figure is an expression needs a `label:`"), "{errors}");
    }

    #[test]
    fn the_function_places_a_heading_and_a_block() {
        let (spreads, _) =
            load("  - id: aret\n    year: 2013\n    cards: [{figure: \"rr.resultat[2013]\"}]\n").unwrap();
        let mut tera = crate::templates::engine();
        register(&mut tera, &spreads);
        let out = tera.render_str("{{ key_figures(id=\"aret\") }}", &tera::Context::new(), false).unwrap();
        assert_eq!(out, "\n## Året i siffror\n\n```arsrapport-key-figures\naret\n```\n");
        assert_eq!(placed_spreads(&out), [("aret".to_owned(), 21)]);
        let error = tera.render_str("{{ key_figures(id=\"aaret\") }}", &tera::Context::new(), false).unwrap_err();
        assert!(format!("{error:?}").contains("there is no key-figure spread `aaret`; did you mean `aret`?"));
    }
}
