//! Tables as shown: every cell formatted once, here, so the PDF and the web
//! page show exactly the same text.

use rust_decimal::{Decimal, RoundingStrategy};

use super::compute::Computed;
use super::model::{RowSource, Table, Unit};
use crate::format::format_amount;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Normal,
    Total,
    Heading,
    /// A "därav" line: a part of the line above it, shown indented.
    Part,
}

/// A link from a statement line to its note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteLink {
    pub number: usize,
    pub note_id: String,
}

/// A statement line that refers to a note, for the note's link back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRef {
    pub table_id: String,
    pub table_title: String,
    pub anchor: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowView {
    /// `table-line`, for links to the line; only lines with an id have one.
    pub anchor: Option<String>,
    pub label: String,
    pub cells: Vec<String>,
    pub kind: RowKind,
    pub note: Option<NoteLink>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableView {
    pub id: String,
    pub title: String,
    /// Title with the unit: "Resultaträkning (belopp i tkr)".
    pub caption: String,
    pub note_number: Option<usize>,
    /// Header of the label column (may be empty).
    pub row_label: String,
    pub columns: Vec<String>,
    pub has_note_column: bool,
    pub rows: Vec<RowView>,
    pub referenced_by: Vec<LineRef>,
    /// A note's Markdown before and after its figures.
    pub text_before: String,
    pub text_after: String,
}

/// The labels a table needs, from the theme's language file.
pub struct TableLabels<'a> {
    pub amounts_in: &'a str,
    /// The line that shows where rounded parts do not add up to the rounded total.
    pub rounding: &'a str,
}

/// A computed value of line `r` in the unit shown, rounded once (half away
/// from zero) to the line's decimals.
pub fn shown(table: &Table, r: usize, value: Decimal) -> Decimal {
    let (typed, unit) = (table.row_input_unit(r), table.row_unit(r));
    let scaled = if typed == unit || !unit.is_money() || !typed.is_money() {
        value
    } else {
        value * typed.kronor() / unit.kronor()
    };
    scaled.round_dp_with_strategy(table.row_decimals(r), RoundingStrategy::MidpointAwayFromZero)
}

/// When figures are typed in one unit and shown in a larger one, rounded parts
/// may not add up to the rounded total. Say so with a line before the total
/// rather than let the reader find a silent difference.
fn with_rounding_lines(computed: &Computed, t: usize, mut rows: Vec<RowView>, labels: &TableLabels) -> Vec<RowView> {
    let table = &computed.tables[t];
    if table.input_unit == table.unit {
        return rows;
    }
    for r in (0..table.rows.len()).rev() {
        let parts: Vec<usize> = match &table.rows[r].source {
            RowSource::SumAll => super::compute::sum_all_parts(table).collect(),
            RowSource::Sum(terms) if terms.iter().all(|t| !t.negate && t.table.is_none()) => {
                terms.iter().filter_map(|term| table.row_index(&term.row)).collect()
            }
            _ => continue,
        };
        let differences: Vec<Option<Decimal>> = (0..table.columns.len())
            .map(|c| {
                let total = computed.lines[t][r][c]?;
                let shown_parts: Decimal =
                    parts.iter().filter_map(|&p| computed.lines[t][p][c].map(|v| shown(table, p, v))).sum();
                let difference = shown(table, r, total) - shown_parts;
                (!difference.is_zero()).then_some(difference)
            })
            .collect();
        if differences.iter().any(Option::is_some) {
            let cells = differences
                .iter()
                .map(|d| d.map(|d| format_amount(d, Some(table.row_decimals(r)))).unwrap_or_default())
                .collect();
            rows.insert(
                r,
                RowView { anchor: None, label: labels.rounding.to_owned(), cells, kind: RowKind::Normal, note: None },
            );
        }
    }
    rows
}

/// Whether cell (`r`, `c`) was typed empty in a table whose empty cells are zeros.
fn typed_blank(table: &Table, r: usize, c: usize) -> bool {
    let RowSource::Values(values) = &table.rows[r].source else { return false };
    table.empty_is_zero
        && table.input_columns().position(|(i, _)| i == c).is_some_and(|k| values.get(k).is_none_or(Option::is_none))
}

pub fn build(computed: &Computed, t: usize, labels: &TableLabels) -> TableView {
    let table = &computed.tables[t];
    // The caption names the unit only when every line is in it; otherwise each
    // line in a unit other than the caption's says its own after its label.
    let one_unit = table.one_unit();
    let caption = match table.unit {
        unit if one_unit && unit.is_money() => format!("{} ({} {})", table.title, labels.amounts_in, unit.name()),
        _ => table.title.clone(),
    };
    let says_unit = |r: usize| {
        let row = &table.rows[r];
        !matches!(row.source, RowSource::Heading)
            && !(one_unit && (table.unit.is_money() || table.unit == Unit::Antal))
            && !(row.unit.is_none() && table.unit == Unit::Antal)
    };
    let has_note_column = table.rows.iter().any(|r| matches!(r.source, RowSource::Note { .. }));
    let rows = table
        .rows
        .iter()
        .enumerate()
        .map(|(r, row)| {
            let kind = match row.source {
                RowSource::Heading => RowKind::Heading,
                _ if row.total => RowKind::Total,
                _ if row.part_of.is_some() => RowKind::Part,
                _ => RowKind::Normal,
            };
            let cells = computed.lines[t][r]
                .iter()
                .enumerate()
                .map(|(c, v)| match v {
                    // A blank a table declares to mean none adds as 0 and still reads as blank.
                    Some(_) if typed_blank(table, r, c) => table.empty.clone(),
                    Some(v) if kind != RowKind::Heading => {
                        format_amount(shown(table, r, *v), Some(table.row_decimals(r)))
                    }
                    _ if kind == RowKind::Heading => String::new(),
                    _ => table.empty.clone(),
                })
                .collect();
            let note = match &row.source {
                RowSource::Note { note, .. } => computed
                    .table(note)
                    .and_then(|n| n.note_number)
                    .map(|number| NoteLink { number, note_id: note.clone() }),
                _ => None,
            };
            RowView {
                anchor: row.id.as_ref().map(|id| format!("{}-{id}", table.id)),
                label: match says_unit(r) {
                    true => format!("{}, {}", row.label, table.row_unit_name(r)),
                    false => row.label.clone(),
                },
                cells,
                kind,
                note,
            }
        })
        .collect();
    let rows = with_rounding_lines(computed, t, rows, labels);
    let referenced_by = computed
        .referenced_by
        .get(&t)
        .map(|refs| {
            refs.iter()
                .filter_map(|&(st, sr)| {
                    let statement = &computed.tables[st];
                    let row = &statement.rows[sr];
                    Some(LineRef {
                        table_id: statement.id.clone(),
                        table_title: statement.title.clone(),
                        anchor: format!("{}-{}", statement.id, row.id.as_ref()?),
                        label: row.label.clone(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    TableView {
        id: table.id.clone(),
        title: table.title.clone(),
        caption,
        note_number: table.note_number,
        row_label: table.row_label.clone(),
        columns: table.columns.iter().map(|c| c.label.clone()).collect(),
        has_note_column,
        rows,
        referenced_by,
        text_before: table.text_before.clone(),
        text_after: table.text_after.clone(),
    }
}
