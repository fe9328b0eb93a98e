//! Computing every line from what was typed once, and checking each written
//! total and declared relation against the computation.

use std::collections::{BTreeSet, HashMap};

use rust_decimal::Decimal;

use super::expr::{Expr, ExprError, Ref};
use super::model::{Accepted, Amount, Check, ColumnKind, Relation, RowSource, Table, Unit};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Severity};
use crate::format::format_amount;
use crate::project::nearest;

/// Values of one line, one per column of its table (`None`: empty).
pub type Line = Vec<Option<Decimal>>;

#[derive(Clone, Copy, PartialEq)]
enum State {
    Unvisited,
    Visiting,
    Done,
}

/// All tables (statements and notes) with every line computed.
#[derive(Debug, Clone)]
pub struct Computed {
    pub tables: Vec<Table>,
    pub index: HashMap<String, usize>,
    /// `lines[table][row]`.
    pub lines: Vec<Vec<Line>>,
    /// For each note table: the statement lines that refer to it.
    pub referenced_by: HashMap<usize, Vec<(usize, usize)>>,
}

impl Computed {
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.index.get(id).map(|&i| &self.tables[i])
    }

    /// The line whose values stand for a note: its last total (a computed
    /// line, or one marked `total: true`), else its only line, else (`None`)
    /// the sum of its lines.
    pub fn note_total_row(table: &Table) -> Option<usize> {
        if let Some(i) = table.rows.iter().rposition(|r| r.total) {
            return Some(i);
        }
        let figures: Vec<usize> = (0..table.rows.len()).filter(|&i| is_whole_line(table, i)).collect();
        (figures.len() == 1).then(|| figures[0])
    }
}

fn fmt(d: Decimal) -> String {
    format_amount(d, None)
}

struct Resolver<'a> {
    tables: &'a [Table],
    index: &'a HashMap<String, usize>,
    state: Vec<Vec<State>>,
    lines: Vec<Vec<Line>>,
    diagnostics: Diagnostics,
    sources: &'a HashMap<String, String>,
}

impl Resolver<'_> {
    fn error(&mut self, loc: &Location, message: String, hint: Option<String>) {
        let mut d = Diagnostic::error(Some(loc.clone()), message);
        if let Some(source) = self.sources.get(&loc.file) {
            d = d.with_source(source);
        }
        if let Some(h) = hint {
            d = d.with_hint(h);
        }
        self.diagnostics.push(d);
    }

    fn empty(&self, t: usize) -> Line {
        vec![None; self.tables[t].columns.len()]
    }

    /// Maps a line of table `from` onto the columns of table `to`, by column
    /// id, converting between the units the two tables are typed in.
    /// The factor from one table's typed unit to another's.
    fn scale(&self, from: usize, to: usize) -> Decimal {
        let (source, target) = (&self.tables[from], &self.tables[to]);
        if source.input_unit == target.input_unit {
            Decimal::ONE
        } else {
            source.input_unit.kronor() / target.input_unit.kronor()
        }
    }

    /// The typed column `id` of table `t`, for a line that takes it from elsewhere.
    fn target_column(&mut self, t: usize, id: &str, loc: &Location) -> Option<usize> {
        let table = &self.tables[t];
        match table.column_index(id) {
            Some(c) if table.columns[c].kind == ColumnKind::Input => Some(c),
            Some(_) => {
                let message = format!("the column `{id}` is computed; it takes no figures from elsewhere");
                self.error(loc, message, Some("name a typed column of this table".into()));
                None
            }
            None => {
                let names: Vec<&str> = table.input_columns().map(|(_, c)| c.id.as_str()).collect();
                let hint = nearest(id, &names)
                    .map(|n| format!("did you mean `{n}`?"))
                    .unwrap_or_else(|| format!("its columns are: {}", names.join(", ")));
                let message = format!("this table has no column `{id}`");
                self.error(loc, message, Some(hint));
                None
            }
        }
    }

    fn map_columns(&self, from: usize, line: &Line, to: usize, negate: bool) -> Line {
        let scale = self.scale(from, to);
        let (source, target) = (&self.tables[from], &self.tables[to]);
        target
            .columns
            .iter()
            .map(|c| {
                let v = source.column_index(&c.id).and_then(|i| line[i]).map(|x| x * scale);
                if negate { v.map(|x| -x) } else { v }
            })
            .collect()
    }

    fn find_table(&mut self, id: &str, loc: &Location) -> Option<usize> {
        match self.index.get(id) {
            Some(&t) => Some(t),
            None => {
                let names: Vec<&str> = self.index.keys().map(String::as_str).collect();
                let hint = nearest(id, &names).map(|n| format!("did you mean `{n}`?"));
                self.error(loc, format!("there is no table or note `{id}`"), hint);
                None
            }
        }
    }

    fn find_row(&mut self, t: usize, id: &str, loc: &Location) -> Option<usize> {
        match self.tables[t].row_index(id) {
            Some(r) => Some(r),
            None => {
                let names: Vec<&str> = self.tables[t].rows.iter().filter_map(|r| r.id.as_deref()).collect();
                let hint = match nearest(id, &names) {
                    Some(n) => format!("did you mean `{n}`?"),
                    None => "give the line an `id:` to refer to it".to_owned(),
                };
                let table = self.tables[t].id.clone();
                self.error(loc, format!("the table `{table}` has no line `{id}`"), Some(hint));
                None
            }
        }
    }

    /// Adds `parts` (with their signs) column by column. An empty cell is no
    /// figure, not 0: a column where any part is empty stays empty.
    fn sum(width: usize, parts: &[(Line, bool)]) -> Line {
        (0..width)
            .map(|c| {
                if parts.is_empty() {
                    return None;
                }
                parts.iter().try_fold(Decimal::ZERO, |acc, (line, negate)| {
                    line[c].map(|v| if *negate { acc - v } else { acc + v })
                })
            })
            .collect()
    }

    /// The full line (all columns) of row `r` of table `t`.
    fn line(&mut self, t: usize, r: usize) -> Option<Line> {
        match self.state[t][r] {
            State::Done => return Some(self.lines[t][r].clone()),
            State::Visiting => {
                let row = &self.tables[t].rows[r];
                let (loc, label) = (row.loc.clone(), row.label.clone());
                self.error(
                    &loc,
                    format!("the line `{label}` depends on itself through its `sum`, `note` or `from`"),
                    Some("a computed line cannot include itself, directly or through other lines".into()),
                );
                return None;
            }
            State::Unvisited => {}
        }
        self.state[t][r] = State::Visiting;
        let line = self.compute(t, r);
        self.state[t][r] = State::Done;
        let line = line?;
        self.lines[t][r] = line.clone();
        Some(line)
    }

    fn compute(&mut self, t: usize, r: usize) -> Option<Line> {
        let table = &self.tables[t];
        let row = &table.rows[r];
        let mut line = self.empty(t);
        match row.source.clone() {
            RowSource::Heading => {}
            RowSource::Values(values) => {
                let inputs: Vec<usize> = table.input_columns().map(|(i, _)| i).collect();
                let blank = if table.empty_is_zero { Some(Decimal::ZERO) } else { None };
                for (i, v) in inputs.into_iter().zip(values) {
                    line[i] = v.map(|a| a.value).or(blank);
                }
            }
            RowSource::Note { note, loc } => {
                let n = self.find_table(&note, &loc)?;
                if self.tables[n].note_number.is_none() {
                    self.error(
                        &loc,
                        format!("`{note}` is a table, not a note"),
                        Some("notes are listed under `notes:`".into()),
                    );
                    return None;
                }
                let total = self.note_total(n)?;
                line = self.map_columns(n, &total, t, row.negate);
            }
            RowSource::From(term) => {
                let other = self.find_table(term.table.as_deref().unwrap_or_default(), &term.loc)?;
                let source_row = self.find_row(other, &term.row, &term.loc)?;
                let source_line = self.line(other, source_row)?;
                line = self.map_columns(other, &source_line, t, row.negate != term.negate);
            }
            RowSource::FromColumns(parts) => {
                for (column, term) in parts {
                    let target = self.target_column(t, &column, &term.loc)?;
                    let other = self.find_table(term.table.as_deref().unwrap_or_default(), &term.loc)?;
                    let source_row = self.find_row(other, &term.row, &term.loc)?;
                    let wanted = term.column.as_deref().unwrap_or(&column);
                    let Some(source_column) = self.tables[other].column_index(wanted) else {
                        let names: Vec<&str> = self.tables[other].columns.iter().map(|c| c.id.as_str()).collect();
                        let hint = nearest(wanted, &names)
                            .map(|n| format!("did you mean `{n}`?"))
                            .unwrap_or_else(|| format!("its columns are: {}", names.join(", ")));
                        let message = format!("the table `{}` has no column `{wanted}`", self.tables[other].id);
                        self.error(&term.loc, message, Some(hint));
                        return None;
                    };
                    let source_line = self.line(other, source_row)?;
                    let scale = self.scale(other, t);
                    let negate = self.tables[t].rows[r].negate != term.negate;
                    line[target] = source_line[source_column].map(|v| if negate { -v * scale } else { v * scale });
                }
            }
            RowSource::Sum(terms) => {
                let mut parts = Vec::new();
                for term in terms {
                    // A line of another table comes in as with `from:`: by column id, in this table's unit.
                    let other = match &term.table {
                        Some(id) => self.find_table(id, &term.loc)?,
                        None => t,
                    };
                    let part = self.find_row(other, &term.row, &term.loc)?;
                    let values = self.line(other, part)?;
                    let values = if other == t { values } else { self.map_columns(other, &values, t, false) };
                    parts.push((values, term.negate));
                }
                line = Self::sum(line.len(), &parts);
            }
            RowSource::SumAll => {
                let mut parts = Vec::new();
                for part in sum_all_parts(&self.tables[t]) {
                    parts.push((self.line(t, part)?, false));
                }
                line = Self::sum(line.len(), &parts);
            }
            RowSource::Formula { expr, .. } => line = self.formula(t, &expr)?,
        }
        self.computed_columns(t, &mut line);
        Some(line)
    }

    /// A `formula:` line: the expression for each typed column of table `t`,
    /// each term from the same column (or the one in brackets), converted
    /// into the unit `t` is typed in.
    fn formula(&mut self, t: usize, expr: &Expr) -> Option<Line> {
        let refs = expr.refs();
        let mut terms = Vec::new();
        for r in &refs {
            let other = match &r.table {
                Some(id) => self.find_table(id, &r.loc)?,
                None => t,
            };
            let row = self.find_row(other, &r.row, &r.loc)?;
            terms.push((other, self.line(other, row)?));
        }
        let mut line = self.empty(t);
        let inputs: Vec<usize> = self.tables[t].input_columns().map(|(i, _)| i).collect();
        for c in inputs {
            let column = self.tables[t].columns[c].id.clone();
            let tables = self.tables;
            let result = expr.eval(&mut |r: &Ref| {
                let k = refs.iter().position(|x| std::ptr::eq(*x, r)).unwrap_or_default();
                let (other, values) = &terms[k];
                term_value(&tables[*other], values, r, &column, &tables[t])
            });
            match result {
                Ok(v) => line[c] = v,
                Err(e) => {
                    self.error(&e.loc, e.message, e.hint);
                    return None;
                }
            }
        }
        Some(line)
    }

    fn computed_columns(&mut self, t: usize, line: &mut Line) {
        let table = &self.tables[t];
        for (i, column) in table.columns.iter().enumerate() {
            if let ColumnKind::Computed(terms) = &column.kind {
                // As in a sum of lines, an empty cell leaves the computed one empty.
                let mut value: Option<Decimal> = (!terms.is_empty()).then_some(Decimal::ZERO);
                for term in terms {
                    match table.column_index(&term.row) {
                        Some(c) => {
                            value = match (value, line[c]) {
                                (Some(acc), Some(v)) => Some(if term.negate { acc - v } else { acc + v }),
                                _ => None,
                            };
                        }
                        None => {
                            let (loc, row) = (term.loc.clone(), term.row.clone());
                            let names: Vec<&str> = table.columns.iter().map(|c| c.id.as_str()).collect();
                            let hint = nearest(&row, &names).map(|n| format!("did you mean `{n}`?"));
                            self.error(&loc, format!("this table has no column `{row}`"), hint);
                            return;
                        }
                    }
                }
                line[i] = value;
            }
        }
    }

    fn note_total(&mut self, n: usize) -> Option<Line> {
        match Computed::note_total_row(&self.tables[n]) {
            Some(r) => self.line(n, r),
            None => {
                let mut parts = Vec::new();
                for r in 0..self.tables[n].rows.len() {
                    if is_whole_line(&self.tables[n], r) {
                        parts.push((self.line(n, r)?, false));
                    }
                }
                Some(Self::sum(self.tables[n].columns.len(), &parts))
            }
        }
    }
}

/// How many of `to` one `from` is: kr, tkr and mnkr convert exactly; counts,
/// percentages and other plain numbers are taken as they are.
fn unit_factor(from: Unit, to: Unit) -> Decimal {
    if from == to || !from.is_money() || !to.is_money() { Decimal::ONE } else { from.kronor() / to.kronor() }
}

/// The figure of term `r` (a line of `table` with `values`) in column
/// `column` unless it names its own, in the unit of table `host`.
fn term_value(table: &Table, values: &Line, r: &Ref, column: &str, host: &Table) -> Result<Option<Decimal>, ExprError> {
    let wanted = r.column.as_deref().unwrap_or(column);
    let Some(c) = table.column_index(wanted) else {
        let names: Vec<&str> = table.columns.iter().map(|c| c.id.as_str()).collect();
        let hint = match (&r.column, nearest(wanted, &names)) {
            (_, Some(n)) => format!("did you mean `{n}`?"),
            (Some(_), None) => format!("its columns are {}", names.join(", ")),
            (None, None) => format!(
                "its columns are {}; name the column in brackets, e.g. `{}.{}[{}]`",
                names.join(", "),
                table.id,
                r.row,
                names.first().copied().unwrap_or("2013")
            ),
        };
        return Err(ExprError {
            loc: r.loc.clone(),
            message: format!("the table `{}` has no column `{wanted}`", table.id),
            hint: Some(hint),
        });
    };
    // A line in a unit of its own is typed in it, not in the table's.
    let typed = table.row_index(&r.row).map_or(table.input_unit, |i| table.row_input_unit(i));
    let factor = unit_factor(typed, host.input_unit);
    values[c]
        .map(|v| {
            v.checked_mul(factor).ok_or_else(|| ExprError {
                loc: r.loc.clone(),
                message: "the figure is too large to convert exactly".into(),
                hint: None,
            })
        })
        .transpose()
}

/// The lines `sum: all` adds: every typed, note or `from` line that is not
/// a part of another ("därav").
pub fn sum_all_parts(table: &Table) -> impl Iterator<Item = usize> + '_ {
    (0..table.rows.len()).filter(|&r| {
        table.rows[r].part_of.is_none()
            && matches!(
                table.rows[r].source,
                RowSource::Values(_) | RowSource::Note { .. } | RowSource::From(_) | RowSource::FromColumns(_)
            )
    })
}

/// A line with figures of its own: neither a heading nor a "därav" line.
fn is_whole_line(table: &Table, r: usize) -> bool {
    !matches!(table.rows[r].source, RowSource::Heading) && table.rows[r].part_of.is_none()
}

/// A "därav" line (`part_of:`) must be at most its whole in each column and
/// of the same sign: a part larger than the whole is a typing mistake.
fn parts_within_their_whole(computed: &Computed, t: usize) -> Vec<Diagnostic> {
    let table = &computed.tables[t];
    let mut out = Vec::new();
    for (r, row) in table.rows.iter().enumerate() {
        let Some((whole_id, loc)) = &row.part_of else { continue };
        let Some(w) = table.row_index(whole_id).filter(|&w| w != r) else {
            let names: Vec<&str> =
                table.rows.iter().filter_map(|o| o.id.as_deref()).filter(|id| Some(*id) != row.id.as_deref()).collect();
            let hint = match nearest(whole_id, &names) {
                Some(n) => format!("did you mean `{n}`?"),
                None => "`part_of:` names another line of the same table by its `id:`".to_owned(),
            };
            out.push(
                Diagnostic::error(
                    Some(loc.clone()),
                    format!(
                        "{} is a part of `{whole_id}`, but the table `{}` has no other line `{whole_id}`",
                        row.label, table.id
                    ),
                )
                .with_hint(hint),
            );
            continue;
        };
        let whole = &table.rows[w];
        if table.row_input_unit(r) != table.row_input_unit(w) || row.unit_label != whole.unit_label {
            out.push(
                Diagnostic::error(
                    Some(loc.clone()),
                    format!(
                        "{} is a part of {}, but is in {} and not in {}",
                        row.label,
                        whole.label,
                        table.row_unit_name(r),
                        table.row_unit_name(w)
                    ),
                )
                .with_hint("a part is in the unit of its whole; remove `unit:` from one of them"),
            );
            continue;
        }
        for (c, column) in table.columns.iter().enumerate() {
            let (Some(part), Some(total)) = (computed.lines[t][r][c], computed.lines[t][w][c]) else { continue };
            let problem = if part.is_zero() {
                continue;
            } else if total.is_zero() || part.is_sign_negative() != total.is_sign_negative() {
                "is not of the same sign as"
            } else if part.abs() > total.abs() {
                "is larger than"
            } else {
                continue;
            };
            out.push(
                Diagnostic::error(
                    Some(loc.clone()),
                    format!(
                        "{} {}: {} {problem} {}, {}, which it is a part of",
                        row.label,
                        column.label,
                        fmt(part),
                        whole.label,
                        fmt(total)
                    ),
                )
                .with_hint(
                    "a \"därav\" line is at most its whole and of the same sign; correct the figure that is wrong",
                ),
            );
        }
    }
    out
}

/// Computes every line and runs every check. Errors stop the build; differences
/// within a table's tolerance come back as warnings.
pub fn compute(
    tables: Vec<Table>,
    checks: &[Check],
    sources: &HashMap<String, String>,
) -> Result<(Computed, Diagnostics), Diagnostics> {
    let with_source = |d: Diagnostic| match d.location.as_ref().and_then(|l| sources.get(&l.file)) {
        Some(source) => d.with_source(source),
        None => d,
    };
    let mut diagnostics = Diagnostics::new();
    let mut index = HashMap::new();
    for (i, table) in tables.iter().enumerate() {
        if let Some(&first) = index.get(&table.id) {
            let first: &Table = &tables[first];
            diagnostics.push(with_source(
                Diagnostic::error(Some(table.loc.clone()), format!("the id `{}` is used twice", table.id)).with_hint(
                    format!(
                        "it is also used at {}:{}; every table and note needs its own id",
                        first.loc.file, first.loc.line
                    ),
                ),
            ));
        } else {
            index.insert(table.id.clone(), i);
        }
        for (r, row) in table.rows.iter().enumerate() {
            if let Some(id) = &row.id
                && table.rows[..r].iter().any(|o| o.id.as_ref() == Some(id))
            {
                diagnostics.push(with_source(
                    Diagnostic::error(
                        Some(row.loc.clone()),
                        format!("the line id `{id}` is used twice in the table `{}`", table.id),
                    )
                    .with_hint("give each line its own id"),
                ));
            }
            if let Some(d) = mixed_units(table, r) {
                diagnostics.push(with_source(d));
            }
        }
    }
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }

    let mut resolver = Resolver {
        tables: &tables,
        index: &index,
        state: tables.iter().map(|t| vec![State::Unvisited; t.rows.len()]).collect(),
        lines: tables.iter().map(|t| vec![vec![None; t.columns.len()]; t.rows.len()]).collect(),
        diagnostics,
        sources,
    };
    for (t, table) in tables.iter().enumerate() {
        for r in 0..table.rows.len() {
            resolver.line(t, r);
        }
    }
    let lines = resolver.lines;
    let mut diagnostics = resolver.diagnostics;

    let mut referenced_by: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
    for (t, table) in tables.iter().enumerate() {
        for (r, row) in table.rows.iter().enumerate() {
            if let RowSource::Note { note, .. } = &row.source
                && let Some(&n) = index.get(note)
            {
                referenced_by.entry(n).or_default().push((t, r));
            }
        }
    }
    let computed = Computed { tables, index, lines, referenced_by };
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }

    let judge = Judge { sources };

    // Every note is referred to by a statement line.
    for (n, table) in computed.tables.iter().enumerate() {
        if table.note_number.is_some() && !computed.referenced_by.contains_key(&n) {
            let d = Diagnostic::error(
                Some(table.loc.clone()),
                format!(
                    "note {} `{}` is not referred to by any statement line",
                    table.note_number.unwrap_or(0),
                    table.id
                ),
            )
            .with_hint(format!("add `note: {}` to the line it explains, or remove the note", table.id));
            diagnostics.push(with_source(d));
        }
    }

    // Written figures on computed lines are claims: check them.
    let mut reported_roots = BTreeSet::new();
    for (t, table) in computed.tables.iter().enumerate() {
        for (r, row) in table.rows.iter().enumerate() {
            if let Some(accepted) = &row.accepted {
                for (column, difference) in &accepted.differences {
                    let c = column.as_deref().and_then(|id| table.column_index(id));
                    if c.is_none_or(|c| row.claimed.get(c).is_none_or(Option::is_none)) {
                        let d = Diagnostic::error(
                            Some(difference.loc.clone()),
                            format!(
                                "a difference is accepted for {}, but no figure is written there to differ",
                                column.as_deref().unwrap_or_default()
                            ),
                        )
                        .with_hint("an accepted difference belongs to a figure written with `claimed:` (or `values:` beside a `note:`)");
                        diagnostics.push(with_source(d));
                    }
                }
            }
            for (c, claim) in row.claimed.iter().enumerate() {
                let Some(Amount { value: claimed, loc }) = claim else { continue };
                let column = &table.columns[c];
                let how = describe_source(table, r, c);
                match computed.lines[t][r][c] {
                    Some(v) => {
                        let message = format!(
                            "{} {}: {} is written here, but {how} is {}",
                            row.label,
                            column.label,
                            fmt(*claimed),
                            fmt(v)
                        );
                        let hint = "the figure shown is the computed one; correct the figure that is wrong";
                        let gap = Gap {
                            loc,
                            column: Some(&column.label),
                            difference: *claimed - v,
                            tolerance: table.tolerance,
                            unit: table.row_input_unit(r),
                            accepted: accepted_for(row.accepted.as_ref(), Some(&column.id)),
                        };
                        judge.gap(&mut diagnostics, gap, message, hint);
                    }
                    None => {
                        let mut roots = Roots::default();
                        roots.find(&computed, t, r, c);
                        // One empty cell leaves every total above it empty: say so once.
                        if !reported_roots.insert(roots.cells.clone()) {
                            continue;
                        }
                        let (names, cells): (Vec<String>, BTreeSet<Cell>) =
                            empty_parts(&computed, t, r, c).into_iter().unzip();
                        let because = match names.as_slice() {
                            [] => String::new(),
                            parts => format!(
                                ": {} {} no figure there{}",
                                parts.join(", "),
                                if parts.len() == 1 { "has" } else { "have" },
                                roots.describe(&computed, &cells)
                            ),
                        };
                        let d = Diagnostic::error(
                            Some(loc.clone()),
                            format!("{} {}: {} is written here, but {how} is empty{because}", row.label, column.label, fmt(*claimed)),
                        )
                        .with_hint("an empty cell (`~`) is no figure, not 0: write 0 where the figure is zero, or `empty_is_zero: true` on a table whose blanks mean none");
                        diagnostics.push(with_source(d));
                    }
                }
            }
        }
    }

    for check in checks {
        run_check(&computed, check, &mut diagnostics, &judge, &mut reported_roots);
    }
    for t in 0..computed.tables.len() {
        for d in parts_within_their_whole(&computed, t) {
            diagnostics.push(with_source(d));
        }
    }
    for table in &computed.tables {
        for d in hidden_decimals(table) {
            diagnostics.push(with_source(d));
        }
    }
    diagnostics.into_result().map(|warnings| (computed, warnings))
}

/// A sum of this table's lines must add figures of its own unit: tkr and
/// procent do not add up to anything.
fn mixed_units(table: &Table, r: usize) -> Option<Diagnostic> {
    let parts: Vec<usize> = match &table.rows[r].source {
        RowSource::SumAll => sum_all_parts(table).collect(),
        RowSource::Sum(terms) => {
            terms.iter().filter(|t| t.table.is_none()).filter_map(|t| table.row_index(&t.row)).collect()
        }
        _ => return None,
    };
    let unit_of = |r: usize| (table.row_input_unit(r), table.rows[r].unit_label.as_deref());
    let p = parts.into_iter().find(|&p| unit_of(p) != unit_of(r))?;
    let name = |r: usize| table.rows[r].unit_label.as_deref().unwrap_or(table.row_input_unit(r).name()).to_owned();
    Some(
        Diagnostic::error(
            Some(table.rows[r].loc.clone()),
            format!(
                "{} adds `{}` in {}, but is itself in {}",
                table.rows[r].label,
                table.rows[p].label,
                name(p),
                name(r)
            ),
        )
        .with_hint(
            "a sum adds lines of one unit; give the line its own `unit:` only outside sums, or leave it out of the sum",
        ),
    )
}

/// A typed figure with more decimals than its line shows would be shown
/// rounded without a word: warn at the figure. Figures converted to a larger
/// unit are typed finer on purpose and are left alone.
fn hidden_decimals(table: &Table) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (r, row) in table.rows.iter().enumerate() {
        let RowSource::Values(values) = &row.source else { continue };
        let decimals = table.row_decimals(r);
        if table.row_input_unit(r) != table.row_unit(r) {
            continue;
        }
        for Amount { value, loc } in values.iter().flatten() {
            if value.scale() > decimals {
                out.push(
                    Diagnostic::warning(
                        Some(loc.clone()),
                        format!(
                            "{}: {} is typed with {} decimals but shown with {decimals}, as {}",
                            row.label,
                            fmt(*value),
                            value.scale(),
                            format_amount(super::view::shown(table, r, *value), Some(decimals))
                        ),
                    )
                    .with_hint(format!(
                        "write `decimals: {}` on the line to show it as typed, or round the figure",
                        value.scale()
                    )),
                );
            }
        }
    }
    out
}

/// How a line gets the figure of column `c`, for messages.
fn describe_source(table: &Table, r: usize, c: usize) -> String {
    let column = &table.columns[c];
    match &table.rows[r].source {
        RowSource::Note { note, .. } => format!("the total of note `{note}`"),
        RowSource::Sum(terms) => format!(
            "the sum of {}",
            terms
                .iter()
                .map(|t| {
                    let table = t.table.as_ref().map(|id| format!("{id}.")).unwrap_or_default();
                    format!("{}{table}{}", if t.negate { "−" } else { "" }, t.row)
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        RowSource::SumAll => "the sum of the table's lines".to_owned(),
        RowSource::From(term) => format!("the line `{}.{}`", term.table.as_deref().unwrap_or_default(), term.row),
        RowSource::FromColumns(_) => "the lines it is taken from".to_owned(),
        RowSource::Formula { text, .. } => format!("`{text}`"),
        _ if column.kind != ColumnKind::Input => format!("the computed {}", column.label),
        _ => "the line's figures".to_owned(),
    }
}

/// The parts without a figure that leave cell (`r`, `c`) of table `t` empty:
/// the lines of a sum, or the columns of a computed column.
fn empty_parts(computed: &Computed, t: usize, r: usize, c: usize) -> Vec<(String, Cell)> {
    let table = &computed.tables[t];
    let line = &computed.lines[t];
    let name = |p: usize| {
        let row = &table.rows[p];
        format!("`{}`", row.id.as_deref().unwrap_or(&row.label))
    };
    if let ColumnKind::Computed(terms) = &table.columns[c].kind {
        return terms
            .iter()
            .filter_map(|term| table.column_index(&term.row))
            .filter(|&i| line[r][i].is_none())
            .map(|i| (format!("the column {}", table.columns[i].label), (t, r, i)))
            .collect();
    }
    let parts: Vec<usize> = match &table.rows[r].source {
        RowSource::Sum(terms) => {
            terms.iter().filter(|term| term.table.is_none()).filter_map(|term| table.row_index(&term.row)).collect()
        }
        RowSource::SumAll => sum_all_parts(table).collect(),
        _ => Vec::new(),
    };
    parts.into_iter().filter(|&p| line[p][c].is_none()).map(|p| (name(p), (t, p, c))).collect()
}

/// A cell: (table, line, column).
type Cell = (usize, usize, usize);

/// The cells left empty where the data is typed that leave a computed cell
/// empty, following sums, notes, `from` lines and computed columns.
#[derive(Default)]
struct Roots {
    cells: BTreeSet<Cell>,
}

impl Roots {
    fn find(&mut self, computed: &Computed, t: usize, r: usize, c: usize) {
        let table = &computed.tables[t];
        let empty = |t: usize, r: usize, c: usize| computed.lines[t][r][c].is_none();
        if let ColumnKind::Computed(terms) = &table.columns[c].kind {
            for i in terms.iter().filter_map(|term| table.column_index(&term.row)) {
                if empty(t, r, i) {
                    self.find(computed, t, r, i);
                }
            }
            return;
        }
        let column = &table.columns[c].id;
        // The same column (by id) of a line elsewhere, or this cell if that table lacks it.
        let follow =
            |roots: &mut Self, other: usize, row: usize, id: &str| match computed.tables[other].column_index(id) {
                Some(oc) if empty(other, row, oc) => roots.find(computed, other, row, oc),
                Some(_) => {}
                None => {
                    roots.cells.insert((t, r, c));
                }
            };
        match &table.rows[r].source {
            RowSource::Values(_) | RowSource::Heading => {
                self.cells.insert((t, r, c));
            }
            RowSource::Formula { expr, .. } => {
                for term in expr.refs() {
                    let other = match &term.table {
                        Some(id) => computed.index.get(id).copied(),
                        None => Some(t),
                    };
                    if let Some(other) = other
                        && let Some(row) = computed.tables[other].row_index(&term.row)
                    {
                        follow(self, other, row, term.column.as_deref().unwrap_or(column));
                    }
                }
            }
            RowSource::Sum(terms) => {
                for term in terms {
                    let other = match &term.table {
                        Some(id) => computed.index.get(id).copied(),
                        None => Some(t),
                    };
                    let Some(other) = other else { continue };
                    let Some(p) = computed.tables[other].row_index(&term.row) else { continue };
                    if other == t {
                        if empty(t, p, c) {
                            self.find(computed, t, p, c);
                        }
                    } else {
                        follow(self, other, p, column);
                    }
                }
            }
            RowSource::SumAll => {
                for p in sum_all_parts(table) {
                    if empty(t, p, c) {
                        self.find(computed, t, p, c);
                    }
                }
            }
            RowSource::Note { note, .. } => {
                let Some(&n) = computed.index.get(note) else { return };
                let rows: Vec<usize> = match Computed::note_total_row(&computed.tables[n]) {
                    Some(total) => vec![total],
                    None => (0..computed.tables[n].rows.len()).collect(),
                };
                for row in rows {
                    follow(self, n, row, column);
                }
            }
            RowSource::From(term) => {
                let other = term.table.as_deref().and_then(|id| computed.index.get(id)).copied();
                if let Some(other) = other
                    && let Some(row) = computed.tables[other].row_index(&term.row)
                {
                    follow(self, other, row, column);
                }
            }
            RowSource::FromColumns(parts) => match parts.iter().find(|(target, _)| target == column) {
                Some((_, term)) => {
                    let other = term.table.as_deref().and_then(|id| computed.index.get(id)).copied();
                    if let Some(other) = other
                        && let Some(row) = computed.tables[other].row_index(&term.row)
                    {
                        follow(self, other, row, term.column.as_deref().unwrap_or(column));
                    }
                }
                None => {
                    self.cells.insert((t, r, c));
                }
            },
        }
    }

    /// `; nothing is typed for …` when the empty cells lie deeper than the
    /// `direct` ones a message already names.
    fn describe(&self, computed: &Computed, direct: &BTreeSet<Cell>) -> String {
        if self.cells.is_subset(direct) {
            return String::new();
        }
        let names: Vec<String> = self
            .cells
            .iter()
            .map(|&(t, r, c)| {
                let table = &computed.tables[t];
                let row = &table.rows[r];
                format!("`{}` in `{}` ({})", row.id.as_deref().unwrap_or(&row.label), table.id, table.columns[c].label)
            })
            .collect();
        format!("; nothing is typed for {}", names.join(", "))
    }
}

/// An amount with its unit, for messages: `1 tkr` (counts go without).
fn with_unit(value: Decimal, unit: Unit) -> String {
    match unit {
        Unit::Antal => fmt(value),
        unit => format!("{} {}", fmt(value), unit.name()),
    }
}

/// Decides what a difference between two figures that should agree is: an
/// accepted difference (a warning with its reason), within the tolerance
/// (a warning), or an error.
struct Judge<'a> {
    sources: &'a HashMap<String, String>,
}

/// Two figures that should agree, and what may part them.
struct Gap<'a> {
    loc: &'a Location,
    /// The column compared, for messages.
    column: Option<&'a str>,
    /// Signed: the written figure minus the computed one, or the left side minus the right.
    difference: Decimal,
    tolerance: Decimal,
    /// The unit the difference and the tolerance are in.
    unit: Unit,
    /// The exact difference accepted here, with its reason.
    accepted: Option<(Decimal, &'a str)>,
}

/// The difference `accepted` declares for `column`, with its reason.
fn accepted_for<'a>(accepted: Option<&'a Accepted>, column: Option<&str>) -> Option<(Decimal, &'a str)> {
    let accepted = accepted?;
    accepted.for_column(column).map(|amount| (amount.value, accepted.reason.as_str()))
}

impl Judge<'_> {
    fn gap(&self, diagnostics: &mut Diagnostics, gap: Gap, message: String, hint: &str) {
        if let Some(d) = self.judge(gap, message, hint) {
            diagnostics.push(d);
        }
    }

    /// What the gap is, if anything is to be said about it.
    fn judge(&self, gap: Gap, message: String, hint: &str) -> Option<Diagnostic> {
        let Gap { loc, column, difference, tolerance, unit, accepted } = gap;
        let d = match accepted {
            Some((value, reason)) if value == difference => Diagnostic::warning(
                Some(loc.clone()),
                format!("{message} (an accepted difference of {}: {reason})", with_unit(difference, unit)),
            ),
            Some((value, _)) if difference.is_zero() => Diagnostic::error(
                Some(loc.clone()),
                format!(
                    "the figures agree{}, but a difference of {} is accepted here",
                    column.map(|c| format!(" for {c}")).unwrap_or_default(),
                    with_unit(value, unit)
                ),
            )
            .with_hint("remove the accepted difference that no longer applies"),
            Some((value, _)) => Diagnostic::error(
                Some(loc.clone()),
                format!(
                    "{message} (differs by {}; the accepted difference is {})",
                    with_unit(difference, unit),
                    with_unit(value, unit)
                ),
            )
            .with_hint(hint),
            None if difference.is_zero() => return None,
            None if difference.abs() <= tolerance => Diagnostic::warning(
                Some(loc.clone()),
                format!(
                    "{message} (differs by {}; tolerance {})",
                    with_unit(difference.abs(), unit),
                    with_unit(tolerance, unit)
                ),
            )
            .with_hint(hint),
            None => Diagnostic::error(Some(loc.clone()), message).with_hint(hint),
        };
        Some(match self.sources.get(&loc.file) {
            Some(s) => d.with_source(s),
            None => d,
        })
    }
}

fn run_check(
    computed: &Computed,
    check: &Check,
    diagnostics: &mut Diagnostics,
    judge: &Judge,
    reported_roots: &mut BTreeSet<BTreeSet<Cell>>,
) {
    let with_source =
        |d: Diagnostic| match judge.sources.get(&d.location.as_ref().map(|l| l.file.clone()).unwrap_or_default()) {
            Some(s) => d.with_source(s),
            None => d,
        };
    let error = |diagnostics: &mut Diagnostics, loc: &Location, message: String, hint: Option<String>| {
        let mut d = Diagnostic::error(Some(loc.clone()), message);
        if let Some(h) = hint {
            d = d.with_hint(h);
        }
        diagnostics.push(with_source(d));
    };
    // Resolve each term to (table, row).
    let refs: Vec<&Ref> = check.left.refs().into_iter().chain(check.right.refs()).collect();
    let mut resolved = Vec::new();
    for term in &refs {
        let id = term.table.as_deref().unwrap_or_default();
        let Some(&t) = computed.index.get(id) else {
            let names: Vec<&str> = computed.index.keys().map(String::as_str).collect();
            error(
                diagnostics,
                &term.loc,
                format!("the check refers to `{id}`, which is no table or note"),
                nearest(id, &names).map(|n| format!("did you mean `{n}`?")),
            );
            return;
        };
        let Some(r) = computed.tables[t].row_index(&term.row) else {
            let names: Vec<&str> = computed.tables[t].rows.iter().filter_map(|r| r.id.as_deref()).collect();
            error(
                diagnostics,
                &term.loc,
                format!("the check refers to `{id}.{}`, but that table has no such line", term.row),
                nearest(&term.row, &names).map(|n| format!("did you mean `{n}`?")),
            );
            return;
        };
        resolved.push((t, r));
    }
    let Some(&(first, _)) = resolved.first() else {
        error(
            diagnostics,
            &check.loc,
            format!("`{}` names no figure of a table", check.text),
            Some("a check compares lines of tables, e.g. `resultatbudget.arets_resultat[budget] >= 0`".into()),
        );
        return;
    };
    let first = &computed.tables[first];
    // Without explicit columns the check holds for every column of the first table.
    let per_column = refs.iter().all(|t| t.column.is_none());
    let columns: Vec<Option<String>> =
        if per_column { first.columns.iter().map(|c| Some(c.id.clone())).collect() } else { vec![None] };
    if let Some(accepted) = &check.accepted {
        for (column, amount) in &accepted.differences {
            let problem = match column {
                None if per_column => Some((
                    "this check holds for every column; say which one the difference is accepted for".to_owned(),
                    format!(
                        "for example `accepted: {{\"{}\": {}}}`",
                        first.columns.first().map(|c| c.id.as_str()).unwrap_or("2013"),
                        fmt(amount.value)
                    ),
                )),
                Some(id) if !per_column => Some((
                    format!(
                        "this check compares the columns it names, so the difference is accepted without a column, not for `{id}`"
                    ),
                    format!("write `accepted: {}`", fmt(amount.value)),
                )),
                Some(id) if first.column_index(id).is_none() => {
                    let ids: Vec<&str> = first.columns.iter().map(|c| c.id.as_str()).collect();
                    Some((
                        format!("the check compares no column `{id}`"),
                        format!("its columns are {}", ids.join(", ")),
                    ))
                }
                _ => None,
            };
            if let Some((message, hint)) = problem {
                error(diagnostics, &amount.loc, message, Some(hint));
            }
        }
    }
    // Every term's column must exist before anything is compared.
    for column in &columns {
        for (term, &(t, _)) in refs.iter().zip(&resolved) {
            let table = &computed.tables[t];
            let col_id = term.column.as_ref().or(column.as_ref()).cloned().unwrap_or_default();
            if table.column_index(&col_id).is_some() {
                continue;
            }
            let ids: Vec<&str> = table.columns.iter().map(|c| c.id.as_str()).collect();
            let (message, hint) = if term.column.is_some() {
                (
                    format!("the table `{}` has no column `{col_id}`", table.id),
                    format!("its columns are {}", ids.join(", ")),
                )
            } else {
                (
                    format!(
                        "`{}` holds for every column of `{}`, but the table `{}` has no column `{col_id}`",
                        check.text, first.id, table.id
                    ),
                    format!(
                        "`{}` has the columns {}; name the columns to compare in brackets, e.g. `{}.{}[{}]`",
                        table.id,
                        ids.join(", "),
                        table.id,
                        term.row,
                        ids.first().copied().unwrap_or("2013")
                    ),
                )
            };
            error(diagnostics, &check.loc, message, Some(hint));
            return;
        }
    }
    let tolerance = check
        .tolerance
        .unwrap_or_else(|| resolved.iter().map(|(t, _)| computed.tables[*t].tolerance).max().unwrap_or_default());
    for column in columns {
        let col_of = |term: &Ref| term.column.as_ref().or(column.as_ref()).cloned().unwrap_or_default();
        let mut empty = Vec::new();
        let mut empty_cells = BTreeSet::new();
        let mut roots = Roots::default();
        // Each term's figure, in the unit of the first table.
        let mut figures: Vec<Option<Decimal>> = Vec::new();
        for (term, &(t, r)) in refs.iter().zip(&resolved) {
            let table = &computed.tables[t];
            let col_id = col_of(term);
            let c = table.column_index(&col_id).unwrap_or_default();
            match computed.lines[t][r][c] {
                Some(v) => figures.push(Some(v * table.input_unit.kronor() / first.input_unit.kronor())),
                None => {
                    let bracket = if term.column.is_some() { String::new() } else { format!("[{col_id}]") };
                    empty.push(format!("`{}.{}{bracket}`", table.id, term.row));
                    roots.find(computed, t, r, c);
                    empty_cells.insert((t, r, c));
                    figures.push(None);
                }
            }
        }
        let which = column.as_ref().map(|c| format!(" for {c}")).unwrap_or_default();
        if !empty.is_empty() {
            // Nothing on either side is nothing to compare; a figure against no figure is.
            let filled = figures.iter().filter(|f| f.is_some()).count();
            if filled > 0 && reported_roots.insert(roots.cells.clone()) {
                error(
                    diagnostics,
                    &check.loc,
                    format!(
                        "`{}` cannot be checked{which}: {} {} no figure{}",
                        check.text,
                        empty.join(", "),
                        if empty.len() == 1 { "has" } else { "have" },
                        roots.describe(computed, &empty_cells)
                    ),
                    Some("an empty cell (`~`) is no figure, not 0: write 0 where the figure is zero".into()),
                );
            }
            continue;
        }
        let mut figure = |r: &Ref| Ok(refs.iter().position(|x| std::ptr::eq(*x, r)).and_then(|k| figures[k]));
        let sides = match (check.left.eval(&mut figure), check.right.eval(&mut figure)) {
            (Ok(Some(l)), Ok(Some(r))) => [l, r],
            (Err(e), _) | (_, Err(e)) => {
                error(diagnostics, &e.loc, e.message, e.hint);
                return;
            }
            _ => continue,
        };
        let mut message = format!(
            "`{}` does not hold{which}: the left side is {}, the right side {}",
            check.text,
            fmt(sides[0]),
            fmt(sides[1])
        );
        if let Some(own) = &check.message {
            message = format!("{own}: {message}");
        }
        // A reconciliation names its items: show each one's figure.
        if refs.len() > 2 {
            let items: Vec<String> = refs
                .iter()
                .zip(&figures)
                .map(|(term, v)| {
                    let bracket = term.column.as_ref().map(|c| format!("[{c}]")).unwrap_or_default();
                    let name = format!("{}.{}{bracket}", term.table.as_deref().unwrap_or_default(), term.row);
                    format!("{name} {}", fmt(v.unwrap_or_default()))
                })
                .collect();
            message = format!("{message} ({})", items.join(", "));
        }
        let found = if check.relation == Relation::Eq {
            let gap = Gap {
                loc: &check.loc,
                column: column.as_deref(),
                difference: sides[0] - sides[1],
                tolerance,
                unit: first.input_unit,
                accepted: accepted_for(check.accepted.as_ref(), column.as_deref()),
            };
            judge.judge(gap, message, "one of the figures involved is wrong")
        } else if check.relation.holds(sides[0], sides[1]) {
            None
        } else {
            Some(with_source(Diagnostic::error(Some(check.loc.clone()), message)))
        };
        if let Some(mut d) = found {
            if check.severity == Severity::Warning {
                d.severity = Severity::Warning;
            }
            diagnostics.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::model;
    use crate::yaml;

    /// Computes the figures of one YAML file.
    fn run(text: &str) -> Result<(Computed, Diagnostics), Diagnostics> {
        let node = yaml::parse(text, "d.yaml").unwrap();
        let f = model::parse_file(&node, "d.yaml", text)?;
        let mut tables = f.tables;
        for (i, mut n) in f.notes.into_iter().enumerate() {
            n.note_number = Some(i + 1);
            tables.push(n);
        }
        let sources = HashMap::from([("d.yaml".to_owned(), text.to_owned())]);
        compute(tables, &f.checks, &sources)
    }

    fn line(c: &Computed, table: &str, row: &str) -> Vec<Option<i64>> {
        let t = c.index[table];
        let r = c.tables[t].row_index(row).unwrap();
        c.lines[t][r].iter().map(|v| v.map(|d| d.try_into().unwrap())).collect()
    }

    const BASE: &str = "defaults:\n  columns: [\"2013\", \"2012\"]\n  tolerance: 1\n";

    #[test]
    fn computes_notes_signs_sums_and_references() {
        let (c, warnings) = run(&format!(
            "{BASE}tables:\n  - id: rr\n    title: R\n    rows:\n      - {{id: intakter, label: I, note: n1}}\n      - {{id: kostnader, label: K, note: n2, sign: negative}}\n      - {{id: netto, label: N, sum: [intakter, kostnader]}}\n  - id: br\n    title: B\n    rows:\n      - {{id: res, label: R, from: rr.netto}}\nnotes:\n  - id: n1\n    title: I\n    rows:\n      - {{label: a, values: [10, 20]}}\n      - {{label: b, values: [5, ~]}}\n  - id: n2\n    title: K\n    rows:\n      - {{label: c, values: [7, 8]}}\n"
        ))
        .unwrap();
        assert!(warnings.is_empty());
        // The note's 2012 column has an empty cell, so its total there is empty.
        assert_eq!(line(&c, "rr", "intakter"), [Some(15), None]);
        assert_eq!(line(&c, "rr", "kostnader"), [Some(-7), Some(-8)]);
        assert_eq!(line(&c, "br", "res"), [Some(8), None]);
    }

    #[test]
    fn a_written_total_off_by_the_tolerance_warns_and_beyond_it_fails() {
        let table = |claim: &str| {
            format!(
                "{BASE}tables:\n  - id: t\n    title: T\n    rows:\n      - {{id: a, label: A, values: [1, 2]}}\n      - {{id: b, label: B, values: [3, 4]}}\n      - {{id: s, label: S, sum: [a, b], claimed: [{claim}]}}\n"
            )
        };
        let (_, warnings) = run(&table("5, 6")).unwrap();
        let w = warnings.to_string();
        assert!(
            w.contains(
                "warning: S 2013: 5 is written here, but the sum of a, b is 4 (differs by 1 tkr; tolerance 1 tkr)"
            ),
            "{w}"
        );
        assert!(w.contains("d.yaml:10:50"), "{w}");
        let err = run(&table("4, 8")).unwrap_err().to_string();
        assert!(err.contains("error: S 2012: 8 is written here, but the sum of a, b is 6"), "{err}");
    }

    #[test]
    fn a_statement_line_is_checked_against_its_note() {
        let err = run(&format!(
            "{BASE}tables:\n  - id: rr\n    title: R\n    rows:\n      - {{id: i, label: Intäkter, note: n1, values: [29 716, 39 072]}}\nnotes:\n  - id: n1\n    title: I\n    rows:\n      - {{label: a, values: [29 710, 39 072]}}\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("Intäkter 2013: 29\u{a0}716 is written here, but the total of note `n1` is 29\u{a0}710"),
            "{err}"
        );
        assert!(err.contains("d.yaml:8:53"), "{err}");
    }

    #[test]
    fn notes_must_exist_and_be_referred_to() {
        let err = run(&format!(
            "{BASE}tables:\n  - id: rr\n    title: R\n    rows:\n      - {{id: i, label: I, note: intakt}}\nnotes:\n  - id: intakter\n    title: I\n    rows:\n      - {{label: a, values: [1, 2]}}\n  - id: ensam\n    title: E\n    rows:\n      - {{label: b, values: [1, 2]}}\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("there is no table or note `intakt`") && err.contains("did you mean `intakter`?"),
            "{err}"
        );
        let err = run(&format!(
            "{BASE}tables:\n  - id: rr\n    title: R\n    rows:\n      - {{id: i, label: I, note: intakter}}\nnotes:\n  - id: intakter\n    title: I\n    rows:\n      - {{label: a, values: [1, 2]}}\n  - id: ensam\n    title: E\n    rows:\n      - {{label: b, values: [1, 2]}}\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("note 2 `ensam` is not referred to by any statement line"), "{err}");
    }

    #[test]
    fn a_cycle_between_computed_lines_is_an_error() {
        let err = run(&format!(
            "{BASE}tables:\n  - id: t\n    title: T\n    rows:\n      - {{id: a, label: A, sum: [b]}}\n      - {{id: b, label: B, sum: [a]}}\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("depends on itself"), "{err}");
    }

    #[test]
    fn declared_relations_are_checked_per_column_and_across_years() {
        let text = |opening: &str| {
            format!(
                "{BASE}tables:\n  - id: br\n    title: B\n    rows:\n      - {{id: tillgangar, label: T, values: [100, 95]}}\n      - {{id: skulder, label: S, values: [60, 50]}}\n      - {{id: ek, label: E, values: [40, 40]}}\n      - {{id: ek_in, label: EI, values: [{opening}, 35]}}\nchecks:\n  - br.tillgangar = br.skulder + br.ek\n  - br.ek_in[2013] = br.ek[2012]\n"
            )
        };
        let err = run(&text("40")).unwrap_err().to_string();
        assert!(
            err.contains(
                "`br.tillgangar = br.skulder + br.ek` does not hold for 2012: the left side is 95, the right side 90"
            ),
            "{err}"
        );
        assert!(!err.contains("for 2013"), "2013 balances: {err}");
        assert!(err.contains("d.yaml:13:5"), "{err}");
        let err = run(&text("38")).unwrap_err().to_string();
        assert!(
            err.contains("`br.ek_in[2013] = br.ek[2012]` does not hold: the left side is 38, the right side 40"),
            "{err}"
        );
    }

    #[test]
    fn computed_columns_and_units() {
        let (c, _) = run(
            "tables:\n  - id: drift\n    title: D\n    input_unit: kr\n    unit: tkr\n    columns: [{id: budget, label: Budget}, {id: utfall, label: Utfall}, {id: avvikelse, label: Avvikelse, sum: [utfall, -budget]}]\n    rows:\n      - {id: a, label: A, values: [1 000 000, 1 250 500]}\n",
        )
        .unwrap();
        assert_eq!(line(&c, "drift", "a"), [Some(1_000_000), Some(1_250_500), Some(250_500)]);
        let table = &c.tables[0];
        assert_eq!(crate::figures::view::shown(table, 0, Decimal::from(250_500)), Decimal::from(251));
        assert_eq!(crate::figures::view::shown(table, 0, Decimal::from(-1_499)), Decimal::from(-1));
    }

    #[test]
    fn each_column_can_come_from_its_own_line() {
        let text = |budget_column: &str| {
            format!(
                "tables:\n  - id: budget\n    title: B\n    input_unit: kr\n    columns: [{{id: budget, label: Budget}}]\n    rows:\n      - {{id: res, label: R, values: [-545 000]}}\n  - id: utfall\n    title: U\n    columns: [\"2013\", \"2012\"]\n    rows:\n      - {{id: res, label: R, values: [2 161, 1 000]}}\n  - id: drift\n    title: D\n    columns: [{{id: budget, label: Budget}}, {{id: utfall, label: Utfall}}, {{id: avvikelse, label: Avvikelse, sum: [utfall, -budget]}}]\n    rows:\n      - {{id: kansli, label: Kansli, from: {{budget: \"budget.res{budget_column}\", utfall: \"utfall.res[2013]\"}}}}\n      - {{id: summa, label: Summa, sum: all, claimed: [-545, 2 161, 2 706]}}\n"
            )
        };
        let (c, warnings) = run(&text("")).unwrap();
        assert!(warnings.is_empty(), "{warnings}");
        assert_eq!(line(&c, "drift", "kansli"), [Some(-545), Some(2_161), Some(2_706)]);
        assert_eq!(line(&c, "drift", "summa"), [Some(-545), Some(2_161), Some(2_706)]);

        let err = run(&text("[budjet]")).unwrap_err().to_string();
        assert!(
            err.contains("the table `budget` has no column `budjet`") && err.contains("did you mean `budget`?"),
            "{err}"
        );
        let err = run(&text("").replace("{budget: \"budget.res", "{avvikelse: \"budget.res")).unwrap_err().to_string();
        assert!(err.contains("the column `avvikelse` is computed"), "{err}");
        let err = run(&text("").replace("utfall: \"utfall.res[2013]\"", "utfal: \"utfall.res[2013]\""))
            .unwrap_err()
            .to_string();
        assert!(err.contains("this table has no column `utfal`") && err.contains("did you mean `utfall`?"), "{err}");
    }

    #[test]
    fn a_check_compares_tables_typed_in_different_units() {
        let text = |tkr: &str| {
            format!(
                "tables:\n  - id: kr\n    title: K\n    input_unit: kr\n    columns: [{{id: budget, label: Budget}}]\n    rows:\n      - {{id: summa, label: S, values: [18 961 000]}}\n  - id: tkr\n    title: T\n    columns: [{{id: budget, label: Budget}}]\n    rows:\n      - {{id: summa, label: S, values: [{tkr}]}}\nchecks:\n  - tkr.summa = kr.summa\n"
            )
        };
        assert!(run(&text("18 961")).is_ok());
        let err = run(&text("18 916")).unwrap_err().to_string();
        assert!(err.contains("the left side is 18\u{a0}916, the right side 18\u{a0}961"), "{err}");
    }

    /// A consolidated line is the sum of its units' lines, converted from
    /// the unit each is typed in; an empty cell of one unit leaves it empty.
    /// Failed with the table prefix ignored (the line then added itself).
    #[test]
    fn a_sum_adds_lines_of_other_tables_in_this_tables_unit() {
        let (c, warnings) = run(&format!(
            "{BASE}tables:\n  - id: a\n    title: A\n    rows:\n      - {{id: personal, label: P, values: [100, 90]}}\n  - id: b\n    title: B\n    input_unit: kr\n    rows:\n      - {{id: personal, label: P, values: [20 000, ~]}}\n  - id: total\n    title: T\n    rows:\n      - {{id: egen, label: E, values: [1, 1]}}\n      - {{id: personal, label: P, sum: [a.personal, b.personal, total.egen], claimed: [121, ~]}}\n"
        ))
        .unwrap();
        assert!(warnings.is_empty(), "{warnings}");
        assert_eq!(line(&c, "total", "personal"), [Some(121), None]);
        let err = run(&format!(
            "{BASE}tables:\n  - id: a\n    title: A\n    rows:\n      - {{id: personal, label: P, values: [100, 90]}}\n  - id: total\n    title: T\n    rows:\n      - {{id: personal, label: P, sum: [a.personal], claimed: [103, 90]}}\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("P 2013: 103 is written here, but the sum of a.personal is 100"), "{err}");
    }

    /// Fails when empty cells count as 0 (the sum is then 1 in 2012).
    #[test]
    fn a_sum_over_an_empty_cell_is_empty_unless_the_table_says_blanks_are_zero() {
        let text = |zero: &str| {
            format!(
                "{BASE}tables:\n  - id: t\n    title: T\n{zero}    rows:\n      - {{id: a, label: A, values: [1, 1]}}\n      - {{id: b, label: B, values: [2, ~]}}\n      - {{id: s, label: S, sum: all}}\n"
            )
        };
        let (c, _) = run(&text("")).unwrap();
        assert_eq!(line(&c, "t", "s"), [Some(3), None]);
        let (c, _) = run(&text("    empty_is_zero: true\n")).unwrap();
        assert_eq!(line(&c, "t", "s"), [Some(3), Some(1)]);
        assert_eq!(line(&c, "t", "b"), [Some(2), Some(0)]);
    }

    /// Fails when the accepted difference is ignored: 3 is beyond the tolerance of 1.
    #[test]
    fn only_the_exact_accepted_difference_passes_and_it_is_listed_with_its_reason() {
        let table = |claim: &str, accepted: &str| {
            format!(
                "{BASE}tables:\n  - id: t\n    title: T\n    rows:\n      - {{id: a, label: A, values: [1, 2]}}\n      - {{id: s, label: S, sum: [a], claimed: [{claim}], {accepted}}}\n"
            )
        };
        let (_, warnings) = run(&table("4, 2", "accepted: {\"2013\": 3}, reason: Tryckfel i källan")).unwrap();
        let w = warnings.to_string();
        assert!(
            w.contains("warning: S 2013: 4 is written here, but the sum of a is 1 (an accepted difference of 3 tkr: Tryckfel i källan)"),
            "{w}"
        );
        let err = run(&table("5, 2", "accepted: {\"2013\": 3}, reason: Tryckfel")).unwrap_err().to_string();
        assert!(err.contains("(differs by 4 tkr; the accepted difference is 3 tkr)"), "{err}");
        let err = run(&table("1, 2", "accepted: {\"2013\": 3}, reason: Tryckfel")).unwrap_err().to_string();
        assert!(err.contains("the figures agree for 2013, but a difference of 3 tkr is accepted here"), "{err}");
        let err = run(&table("4, 2", "accepted: {\"2013\": 3}")).unwrap_err().to_string();
        assert!(err.contains("needs a `reason:`"), "{err}");
    }

    #[test]
    fn duplicate_ids_are_errors() {
        let err = run(&format!(
            "{BASE}tables:\n  - id: t\n    title: T\n    rows:\n      - {{id: a, label: A, values: [1, 2]}}\n      - {{id: a, label: B, values: [1, 2]}}\n  - id: t\n    title: U\n    rows: []\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("the id `t` is used twice"), "{err}");
        assert!(err.contains("the line id `a` is used twice"), "{err}");
    }

    /// Failed with the formula's terms taken from the first column only
    /// (the 2012 ratio then equals 2013's).
    #[test]
    fn a_formula_line_computes_each_column_across_tables_and_its_claim_is_checked() {
        let text = |claim: &str| {
            format!(
                "{BASE}tables:\n  - id: br\n    title: B\n    input_unit: kr\n    rows:\n      - {{id: ek, label: E, values: [397 000, 300 000]}}\n      - {{id: summa, label: S, values: [1 000 000, 600 000]}}\n  - id: nt\n    title: N\n    unit: antal\n    decimals: 1\n    rows:\n      - {{id: soliditet, label: Soliditet, formula: \"round(br.ek / br.summa * 100; 1)\"{claim}}}\n      - {{id: dubbel, label: D, formula: \"soliditet × 2\"}}\n"
            )
        };
        let (c, warnings) = run(&text("")).unwrap();
        assert!(warnings.is_empty(), "{warnings}");
        let t = c.index["nt"];
        assert_eq!(c.lines[t][0], [Some(Decimal::new(397, 1)), Some(Decimal::from(50))]);
        assert_eq!(c.lines[t][1], [Some(Decimal::new(794, 1)), Some(Decimal::from(100))]);
        let err = run(&text(", claimed: [\"39,7\", 48]")).unwrap_err().to_string();
        assert!(
            err.contains("Soliditet 2012: 48 is written here, but `round(br.ek / br.summa * 100; 1)` is 50,0"),
            "{err}"
        );
        let err = run(&text("").replace("br.summa * 100", "(br.summa - br.summa) * 100")).unwrap_err().to_string();
        assert!(err.contains("division by zero") && err.contains("d.yaml:16:65"), "{err}");
    }

    /// Failed with `>=` compared as `=` (a surplus of 5 then failed too).
    #[test]
    fn an_inequality_check_fails_with_the_users_message_and_severity() {
        let text = |result: &str, severity: &str| {
            format!(
                "tables:\n  - id: rb\n    title: R\n    columns: [{{id: budget, label: Budget}}]\n    rows:\n      - {{id: res, label: Årets resultat, values: [{result}]}}\nchecks:\n  - check: rb.res[budget] >= 0\n    message: Budgeten ska vara i balans\n{severity}"
            )
        };
        assert!(run(&text("5", "")).unwrap().1.is_empty());
        assert!(run(&text("0", "")).unwrap().1.is_empty());
        let err = run(&text("-5", "")).unwrap_err().to_string();
        assert!(
            err.contains("error: Budgeten ska vara i balans: `rb.res[budget] >= 0` does not hold: the left side is −5, the right side 0"),
            "{err}"
        );
        assert!(err.contains("d.yaml:8:12"), "{err}");
        let (_, warnings) = run(&text("-5", "    severity: warning\n")).unwrap();
        assert!(warnings.to_string().contains("warning: Budgeten ska vara i balans"), "{warnings}");
        let err = run(&text("5", "").replace(">= 0", "< 5")).unwrap_err().to_string();
        assert!(err.contains("`rb.res[budget] < 5` does not hold"), "{err}");
    }

    /// Failed with the reconciling items left out of the message.
    #[test]
    fn a_reconciliation_shows_each_item() {
        let err = run(&format!(
            "{BASE}tables:\n  - id: drift\n    title: D\n    rows:\n      - {{id: summa, label: S, values: [100, 90]}}\n  - id: rr\n    title: R\n    rows:\n      - {{id: netto, label: N, values: [80, 70]}}\n      - {{id: kap, label: K, values: [30, 20]}}\n      - {{id: interna, label: I, values: [5, ~]}}\nchecks:\n  - \"drift.summa = rr.netto + rr.kap - rr.interna\"\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("`drift.summa = rr.netto + rr.kap - rr.interna` does not hold for 2013: the left side is 100, the right side 105 (drift.summa 100, rr.netto 80, rr.kap 30, rr.interna 5)"),
            "{err}"
        );
        assert!(err.contains("cannot be checked for 2012: `rr.interna[2012]` has no figure"), "{err}");
    }

    #[test]
    fn check_mistakes_point_into_the_string() {
        let err = run(&format!(
            "{BASE}tables:\n  - id: t\n    title: T\n    rows:\n      - {{id: a, label: A, values: [1, 2]}}\nchecks:\n  - t.a = max(t.a, 1)\n  - t.a = a\n  - t.b > 0\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("d.yaml:10:18") && err.contains("found `,`") && err.contains("separated by `;`"), "{err}");
        assert!(err.contains("d.yaml:11:11") && err.contains("expected `table.line`"), "{err}");
    }
}
