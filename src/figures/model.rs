//! The financial tables as a communicator writes them in YAML, with the
//! position of every value so checks can point at the exact line.

use rust_decimal::Decimal;

use super::expr::{self, Expr, ExprError};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Severity};
use crate::format::parse_amount;
use crate::law::roles::{self, Role};
use crate::project::Fields;
use crate::yaml::{Node, NodeKind};

/// Decimals a figure in a table may be typed with: as many as a table can
/// show. With at most 15 digits before the comma (see `format`), sums and
/// conversions between kr, tkr and mnkr then stay far inside the 28 digits a
/// `Decimal` holds exactly, so no figure is ever rounded silently.
pub const MAX_FIGURE_DECIMALS: u32 = 6;

/// A figure typed in a data file.
#[derive(Debug, Clone, PartialEq)]
pub struct Amount {
    pub value: Decimal,
    pub loc: Location,
}

/// Units amounts are typed and shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Kr,
    Tkr,
    Mnkr,
    /// Counts and other plain numbers (visitors, pupils).
    Antal,
    Procent,
    Procentenheter,
    KrPerInvanare,
    Arsarbetare,
}

impl Unit {
    pub const NAMES: [(&'static str, Unit); 8] = [
        ("kr", Unit::Kr),
        ("tkr", Unit::Tkr),
        ("mnkr", Unit::Mnkr),
        ("antal", Unit::Antal),
        ("procent", Unit::Procent),
        ("procentenheter", Unit::Procentenheter),
        ("kr per invånare", Unit::KrPerInvanare),
        ("årsarbetare", Unit::Arsarbetare),
    ];

    /// Kronor, tkr and mnkr convert into each other; every other unit is a plain number.
    pub fn is_money(self) -> bool {
        matches!(self, Unit::Kr | Unit::Tkr | Unit::Mnkr)
    }

    pub fn name(self) -> &'static str {
        Self::NAMES.iter().find(|(_, u)| *u == self).map(|(n, _)| *n).unwrap_or_default()
    }

    /// How many kronor one of this unit is (1 for counts).
    pub fn kronor(self) -> Decimal {
        match self {
            Unit::Kr | Unit::Antal | Unit::Procent | Unit::Procentenheter | Unit::KrPerInvanare | Unit::Arsarbetare => {
                Decimal::ONE
            }
            Unit::Tkr => Decimal::from(1_000),
            Unit::Mnkr => Decimal::from(1_000_000),
        }
    }
}

/// `id` or `-id` in a sum; `table.row` or `table.row[column]` in a check.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub negate: bool,
    pub table: Option<String>,
    pub row: String,
    pub column: Option<String>,
    pub loc: Location,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ColumnKind {
    /// Typed in each row.
    Input,
    /// Computed from other columns of the same row, e.g. `[utfall, -budget]`.
    Computed(Vec<Term>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub id: String,
    pub label: String,
    pub kind: ColumnKind,
    pub loc: Location,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RowSource {
    /// Typed values, one per input column (`None`: left empty).
    Values(Vec<Option<Amount>>),
    /// The total of a note.
    Note { note: String, loc: Location },
    /// The same line of another table: `rr.arets_resultat`.
    From(Term),
    /// Each column from a line of its own, with its column named or the
    /// same: `{budget: budget_kansli.resultat[budget], utfall: kansli.arets_resultat[2013]}`.
    FromColumns(Vec<(String, Term)>),
    /// A subtotal of rows of this table.
    Sum(Vec<Term>),
    /// The sum of every typed, note or referenced row of this table.
    SumAll,
    /// A heading line without figures.
    Heading,
    /// Computed by an expression, column by column: `formula: "ek / summa * 100"`.
    Formula { expr: Expr, text: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: Option<String>,
    pub label: String,
    pub source: RowSource,
    /// Shows referenced figures with the opposite sign (costs in a resultaträkning).
    pub negate: bool,
    /// Figures also written for a line, one per column of the table (all
    /// columns, computed ones included): checked, never trusted.
    pub claimed: Vec<Option<Amount>>,
    /// Set apart as a total (computed lines are by default).
    pub total: bool,
    /// Differences between a claim and the computation that are known and
    /// published as they are, with the reason.
    pub accepted: Option<Accepted>,
    /// The line's own unit (`unit:`), typed and shown as it is; `None`: the table's.
    pub unit: Option<Unit>,
    /// A unit of the author's own words (`unit: besök per dag`): a plain number.
    pub unit_label: Option<String>,
    /// The line's own number of decimals; `None`: the table's.
    pub decimals: Option<u32>,
    /// A "därav" line: a part of the line named (of the same table), shown
    /// indented and left out of the table's sums; where it is written.
    pub part_of: Option<(String, Location)>,
    /// The standard line of the table's role this line stands for (`standard:`),
    /// where its id is not already that standard id.
    pub standard: Option<String>,
    pub standard_loc: Option<Location>,
    pub loc: Location,
}

impl Row {
    /// A line made by the tool, not typed (a budget category, a column
    /// total): no claims, units, parts or standard id of its own.
    pub fn generated(id: &str, label: String, source: RowSource, total: bool, loc: Location) -> Row {
        Row {
            id: Some(id.to_owned()),
            label,
            source,
            negate: false,
            claimed: Vec::new(),
            total,
            accepted: None,
            unit: None,
            unit_label: None,
            decimals: None,
            part_of: None,
            standard: None,
            standard_loc: None,
            loc,
        }
    }
}

/// Exact differences accepted per column (`None`: the one comparison of a
/// check that names its columns), and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    pub differences: Vec<(Option<String>, Amount)>,
    pub reason: String,
}

impl Accepted {
    /// The difference accepted for `column`, if any.
    pub fn for_column(&self, column: Option<&str>) -> Option<&Amount> {
        self.differences.iter().find(|(c, _)| c.as_deref() == column).map(|(_, a)| a)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub id: String,
    pub title: String,
    /// Unit shown; `input_unit` is the unit typed.
    pub unit: Unit,
    pub input_unit: Unit,
    pub decimals: u32,
    /// A difference up to this much (in the typed unit) is a warning, beyond it an error.
    pub tolerance: Decimal,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Set for notes: their number, in order of the notes list.
    pub note_number: Option<usize>,
    /// Header of the label column, e.g. "Kommun" (empty by default).
    pub row_label: String,
    /// Shown in a cell that has no figure (a zero is always shown as 0).
    pub empty: String,
    /// Typed empty cells (`~`) are stated zeros here: they add as 0 and are
    /// shown as `empty` (statistics where a blank means none).
    pub empty_is_zero: bool,
    /// A note's own words before and after its figures (Markdown, placed
    /// with the note under its number); empty for other tables.
    pub text_before: String,
    pub text_after: String,
    /// The part of the report this table is (`role: balansrakning`), for the law's checks.
    pub role: Option<Role>,
    pub role_loc: Option<Location>,
    pub file: String,
    pub loc: Location,
}

impl Table {
    pub fn input_columns(&self) -> impl Iterator<Item = (usize, &Column)> {
        self.columns.iter().enumerate().filter(|(_, c)| c.kind == ColumnKind::Input)
    }

    pub fn column_index(&self, id: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.id == id)
    }

    pub fn row_index(&self, id: &str) -> Option<usize> {
        self.rows.iter().position(|r| r.id.as_deref() == Some(id))
    }

    /// The unit line `r` is typed in: its own, else the table's `input_unit`.
    pub fn row_input_unit(&self, r: usize) -> Unit {
        self.rows[r].unit.unwrap_or(self.input_unit)
    }

    /// The unit line `r` is shown in: its own, else the table's.
    pub fn row_unit(&self, r: usize) -> Unit {
        self.rows[r].unit.unwrap_or(self.unit)
    }

    pub fn row_decimals(&self, r: usize) -> u32 {
        self.rows[r].decimals.unwrap_or(self.decimals)
    }

    /// The name of the unit line `r` is shown in: `procent`, or the author's own label.
    pub fn row_unit_name(&self, r: usize) -> &str {
        self.rows[r].unit_label.as_deref().unwrap_or(self.row_unit(r).name())
    }

    /// Whether every line with figures is shown in the table's unit.
    pub fn one_unit(&self) -> bool {
        (0..self.rows.len())
            .all(|r| matches!(self.rows[r].source, RowSource::Heading) || self.row_unit_name(r) == self.unit.name())
    }
}

/// How the two sides of a check must compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Relation {
    /// Longest first, so `<=` is not read as `<`.
    const SYMBOLS: [(&'static str, Relation); 7] = [
        ("<=", Relation::Le),
        (">=", Relation::Ge),
        ("\u{2264}", Relation::Le),
        ("\u{2265}", Relation::Ge),
        ("<", Relation::Lt),
        (">", Relation::Gt),
        ("=", Relation::Eq),
    ];

    pub fn holds(self, left: Decimal, right: Decimal) -> bool {
        match self {
            Relation::Eq => left == right,
            Relation::Lt => left < right,
            Relation::Le => left <= right,
            Relation::Gt => left > right,
            Relation::Ge => left >= right,
        }
    }
}

/// A relation between figures that must hold: `left = right`, or `<`, `<=`,
/// `>`, `>=`; each side an expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub text: String,
    pub left: Expr,
    pub relation: Relation,
    pub right: Expr,
    pub tolerance: Option<Decimal>,
    pub accepted: Option<Accepted>,
    /// What a failure is: an error (the default) or a warning.
    pub severity: Severity,
    /// The user's own words for a failure ("Budgeten ska vara i balans").
    pub message: Option<String>,
    pub loc: Location,
}

/// An expression error as a diagnostic.
pub fn expr_diagnostic(e: ExprError, source: &str) -> Diagnostic {
    let d = Diagnostic::error(Some(e.loc), e.message).with_source(source);
    match e.hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

/// Defaults shared by the tables of one file.
#[derive(Debug, Clone)]
struct Defaults {
    unit: Unit,
    input_unit: Option<Unit>,
    decimals: u32,
    tolerance: Decimal,
    columns: Option<Vec<Column>>,
}

/// What one figures file declares.
#[derive(Debug, Default)]
pub struct FileFigures {
    pub tables: Vec<Table>,
    pub notes: Vec<Table>,
    pub checks: Vec<Check>,
}

/// Whether a data file declares figures (rather than free data).
pub fn is_figures_file(node: &Node) -> bool {
    ["tables", "notes", "checks", "budgets", "charts", "key_figures"].iter().any(|k| node.get(k).is_some())
}

pub fn parse_file(node: &Node, file: &str, source: &str) -> Result<FileFigures, Diagnostics> {
    let mut f = Fields::new(node, file, source, "a figures file")?;
    let mut diagnostics = Diagnostics::new();
    let mut defaults =
        Defaults { unit: Unit::Tkr, input_unit: None, decimals: 0, tolerance: Decimal::ZERO, columns: None };
    if let Some(d) = f.optional("defaults") {
        match parse_defaults(d, file, source, &defaults) {
            Ok(d) => defaults = d,
            Err(e) => diagnostics.extend(e),
        }
    }
    let mut out = FileFigures::default();
    for (key, target) in [("tables", false), ("notes", true)] {
        let Some(list) = f.optional(key) else { continue };
        let Some(items) = list.as_seq() else {
            diagnostics.push(
                Diagnostic::error(
                    Some(list.location(file)),
                    format!("expected a list of tables under `{key}`, found {}", list.describe()),
                )
                .with_source(source),
            );
            continue;
        };
        for item in items {
            // A table is placed in a chapter, which holds the words around it.
            for key in ["text_before", "text_after"].into_iter().filter(|_| !target) {
                if let Some(n) = item.get(key) {
                    diagnostics.push(
                        Diagnostic::error(
                            Some(n.location(file)),
                            format!("`{key}:` belongs to a note, not to a table"),
                        )
                        .with_hint("write the text around a table in the chapter that places it")
                        .with_source(source),
                    );
                }
            }
            match parse_table(item, file, source, &defaults) {
                Ok(t) if target => out.notes.push(t),
                Ok(t) => out.tables.push(t),
                Err(e) => diagnostics.extend(e),
            }
        }
    }
    if let Some(list) = f.optional("budgets") {
        for item in list.as_seq().unwrap_or_default() {
            match super::budget::parse_budget(item, file, source) {
                Ok(t) => out.tables.push(t),
                Err(e) => diagnostics.extend(e),
            }
        }
    }
    if let Some(list) = f.optional("checks") {
        for item in list.as_seq().unwrap_or_default() {
            match parse_check(item, file, source) {
                Ok(c) => out.checks.push(c),
                Err(e) => diagnostics.extend(e),
            }
        }
    }
    // Charts point at these figures; they are read by `crate::charts`.
    f.optional("charts");
    f.optional("key_figures");
    diagnostics.extend(f.finish());
    diagnostics.into_result().map(|_| out)
}

fn parse_defaults(node: &Node, file: &str, source: &str, base: &Defaults) -> Result<Defaults, Diagnostics> {
    let mut f = Fields::new(node, file, source, "the defaults")?;
    let mut d = base.clone();
    if let Some(u) = f.optional("unit").and_then(|n| f.one_of(Some(n), &Unit::NAMES)) {
        d.unit = u;
    }
    d.input_unit = f.optional("input_unit").and_then(|n| f.one_of(Some(n), &Unit::NAMES));
    if let Some(n) = f.optional("decimals") {
        d.decimals = parse_small(n, file, source, &mut f.diagnostics).unwrap_or(0);
    }
    if let Some(n) = f.optional("tolerance") {
        d.tolerance = amount(n, file, source, &mut f.diagnostics).map(|a| a.value).unwrap_or_default();
    }
    if let Some(n) = f.optional("columns") {
        d.columns = parse_columns(n, file, source, &mut f.diagnostics);
    }
    let diagnostics = f.finish();
    diagnostics.into_result().map(|_| d)
}

fn parse_small(node: &Node, file: &str, source: &str, diagnostics: &mut Diagnostics) -> Option<u32> {
    match node.as_str().and_then(|t| t.parse::<u32>().ok()).filter(|n| *n <= 6) {
        Some(n) => Some(n),
        None => {
            diagnostics.push(
                Diagnostic::error(
                    Some(node.location(file)),
                    format!("expected a number of decimals from 0 to 6, found {}", node.describe()),
                )
                .with_source(source),
            );
            None
        }
    }
}

fn amount(node: &Node, file: &str, source: &str, diagnostics: &mut Diagnostics) -> Option<Amount> {
    let text = match &node.kind {
        NodeKind::Scalar { text, .. } => text,
        _ => {
            diagnostics.push(
                Diagnostic::error(Some(node.location(file)), format!("expected an amount, found {}", node.describe()))
                    .with_source(source),
            );
            return None;
        }
    };
    match parse_amount(text) {
        Ok(value) if value.scale() > MAX_FIGURE_DECIMALS => {
            diagnostics.push(
                Diagnostic::error(
                    Some(node.location(file)),
                    format!(
                        "the amount `{}` has {} decimals; figures in a table have at most {MAX_FIGURE_DECIMALS}, so that every sum and unit conversion stays exact",
                        text.trim(),
                        value.scale()
                    ),
                )
                .with_hint(format!("round it to {MAX_FIGURE_DECIMALS} decimals or fewer; a table shows at most {MAX_FIGURE_DECIMALS}"))
                .with_source(source),
            );
            None
        }
        Ok(value) => Some(Amount { value, loc: node.location(file) }),
        Err(message) => {
            diagnostics.push(
                Diagnostic::error(Some(node.location(file)), message)
                    .with_hint("write amounts like `29 716`, `-50 970` or `29 716,5`")
                    .with_source(source),
            );
            None
        }
    }
}

fn ident(node: &Node, file: &str, source: &str, what: &str, diagnostics: &mut Diagnostics) -> Option<String> {
    let text = node.as_str().unwrap_or_default();
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Some(text.to_owned());
    }
    diagnostics.push(
        Diagnostic::error(
            Some(node.location(file)),
            format!("expected {what} made of ASCII letters, digits, `_` or `-`, found {}", node.describe()),
        )
        .with_hint("ids are for references; the label is what readers see")
        .with_source(source),
    );
    None
}

fn parse_columns(node: &Node, file: &str, source: &str, diagnostics: &mut Diagnostics) -> Option<Vec<Column>> {
    let Some(items) = node.as_seq() else {
        diagnostics.push(
            Diagnostic::error(
                Some(node.location(file)),
                format!("expected a list of columns, found {}", node.describe()),
            )
            .with_hint("for example `columns: [\"2013\", \"2012\"]`")
            .with_source(source),
        );
        return None;
    };
    let mut columns = Vec::new();
    for item in items {
        // Short form: just the label; the id is the label in ASCII (`Borås` → `boras`).
        if let NodeKind::Scalar { text, .. } = &item.kind {
            let id = crate::project::slugify(text).replace('-', "_");
            if id.is_empty() {
                diagnostics.push(
                    Diagnostic::error(
                        Some(item.location(file)),
                        format!("the column `{text}` needs letters or digits"),
                    )
                    .with_source(source),
                );
            } else {
                columns.push(Column { label: text.clone(), id, kind: ColumnKind::Input, loc: item.location(file) });
            }
            continue;
        }
        let Ok(mut f) = Fields::new(item, file, source, "a column") else {
            diagnostics.push(
                Diagnostic::error(Some(item.location(file)), "expected a column id or `{id: …, label: …}`")
                    .with_source(source),
            );
            continue;
        };
        let id = f.required("id", "\"2013\"").and_then(|n| ident(n, file, source, "a column id", &mut f.diagnostics));
        let label = f.optional("label").and_then(|n| f.string(Some(n)));
        let kind = match f.optional("sum") {
            Some(n) => parse_terms(n, file, source, &mut f.diagnostics, false).map(ColumnKind::Computed),
            None => Some(ColumnKind::Input),
        };
        if let Some(ColumnKind::Computed(terms)) = &kind {
            for term in terms.iter().filter(|t| t.table.is_some()) {
                let written = format!("{}.{}", term.table.as_deref().unwrap_or_default(), term.row);
                f.diagnostics.push(
                    Diagnostic::error(
                        Some(term.loc.clone()),
                        format!("`{written}` is not a column id: a computed column adds columns of the same line"),
                    )
                    .with_hint("for example `sum: [utfall, -budget]`")
                    .with_source(source),
                );
            }
        }
        diagnostics.extend(f.finish());
        if let (Some(id), Some(kind)) = (id, kind) {
            columns.push(Column { label: label.unwrap_or_else(|| id.clone()), id, kind, loc: item.location(file) });
        }
    }
    Some(columns)
}

/// Parses `[a, -b]` (or a single `a`) into terms. With `qualified`, terms are
/// `table.row` or `table.row[column]`.
fn parse_terms(
    node: &Node,
    file: &str,
    source: &str,
    diagnostics: &mut Diagnostics,
    qualified: bool,
) -> Option<Vec<Term>> {
    let items: Vec<&Node> = match &node.kind {
        NodeKind::Seq(items) => items.iter().collect(),
        NodeKind::Scalar { .. } => vec![node],
        _ => {
            diagnostics.push(
                Diagnostic::error(
                    Some(node.location(file)),
                    format!("expected a list of line ids, found {}", node.describe()),
                )
                .with_source(source),
            );
            return None;
        }
    };
    let mut terms = Vec::new();
    let mut ok = true;
    for item in items {
        match parse_term(item.as_str().unwrap_or_default(), item.location(file), qualified) {
            Ok(t) => terms.push(t),
            Err(message) => {
                ok = false;
                diagnostics.push(Diagnostic::error(Some(item.location(file)), message).with_source(source));
            }
        }
    }
    ok.then_some(terms)
}

pub fn parse_term(text: &str, loc: Location, qualified: bool) -> Result<Term, String> {
    let text = text.trim();
    let (negate, rest) = match text.strip_prefix('-').or_else(|| text.strip_prefix('\u{2212}')) {
        Some(rest) => (true, rest.trim()),
        None => (false, text.strip_prefix('+').unwrap_or(text).trim()),
    };
    let (path, column) = match rest.split_once('[') {
        Some((p, c)) => match c.strip_suffix(']') {
            Some(c) => (p, Some(c.trim().trim_matches('"').to_owned())),
            None => return Err(format!("`{text}`: a column is written in brackets, e.g. `rr.arets_resultat[2013]`")),
        },
        None => (rest, None),
    };
    let valid = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    // `rr.arets_resultat.2013`: a column written like a part of the name.
    if column.is_none()
        && let Some((line, year)) = path.rsplit_once('.')
        && line.contains('.')
        && line.split('.').all(valid)
        && valid(year)
    {
        return Err(format!(
            "`{text}`: a column is written in brackets after the line, `{line}[\"{year}\"]`, not after a dot"
        ));
    }
    let (table, row) = match path.split_once('.') {
        Some((t, r)) if valid(t) && valid(r) => (Some(t.to_owned()), r.to_owned()),
        None if valid(path) && !qualified => (None, path.to_owned()),
        _ => {
            let form = if qualified {
                "`table.line` or `table.line[column]`"
            } else {
                "a line id such as `intakter` or `-kostnader`"
            };
            return Err(format!("expected {form}, found `{text}`"));
        }
    };
    Ok(Term { negate, table, row, column, loc })
}

/// The first amount with a decimal comma that a flow list split in two:
/// `[-310,2, -325,0]` reads as `-310`, `2`, `-325`, `0`. Two plain numbers
/// joined by a comma with no space between them are taken for one.
fn decimal_comma(items: &[Node], source: &str) -> Option<String> {
    items.windows(2).find_map(|pair| {
        let (NodeKind::Scalar { text: whole, quoted: false }, NodeKind::Scalar { text: fraction, quoted: false }) =
            (&pair[0].kind, &pair[1].kind)
        else {
            return None;
        };
        let line: Vec<char> = source.lines().nth(pair[0].line.checked_sub(1)?)?.chars().collect();
        let after = pair[0].column - 1 + whole.chars().count();
        let joined = pair[1].line == pair[0].line
            && line.get(after) == Some(&',')
            && pair[1].column == after + 2
            && fraction.bytes().all(|b| b.is_ascii_digit());
        let amount = format!("{whole},{fraction}");
        (joined && parse_amount(&amount).is_ok()).then_some(amount)
    })
}

/// Values written as a list in column order, or as a mapping by column id,
/// for the typed columns (or, with `all_columns`, for every column).
fn parse_values(
    node: &Node,
    columns: &[Column],
    all_columns: bool,
    file: &str,
    source: &str,
    diagnostics: &mut Diagnostics,
) -> Vec<Option<Amount>> {
    let inputs: Vec<&Column> = columns.iter().filter(|c| all_columns || c.kind == ColumnKind::Input).collect();
    let mut values = vec![None; inputs.len()];
    if columns.is_empty() {
        // Reported once for the table; counting values against no columns would only repeat it.
        return values;
    }
    match &node.kind {
        NodeKind::Seq(items) => {
            if items.len() != inputs.len() {
                let ids: Vec<&str> = inputs.iter().map(|c| c.id.as_str()).collect();
                let hint = match decimal_comma(items, source) {
                    Some(amount) => format!(
                        "`{amount}` has a decimal comma, which YAML reads as two values; put such amounts in quotes: `\"{amount}\"`"
                    ),
                    None => "leave a value empty with `~`".to_owned(),
                };
                diagnostics.push(
                    Diagnostic::error(
                        Some(node.location(file)),
                        format!("expected {} values (for {}), found {}", inputs.len(), ids.join(", "), items.len()),
                    )
                    .with_hint(hint)
                    .with_source(source),
                );
            }
            for (slot, item) in values.iter_mut().zip(items) {
                if item.kind != NodeKind::Null {
                    *slot = amount(item, file, source, diagnostics);
                }
            }
        }
        NodeKind::Map(entries) => {
            for (key, value) in entries {
                let id = key.as_str().unwrap_or_default();
                match inputs.iter().position(|c| c.id == id) {
                    Some(i) if value.kind != NodeKind::Null => values[i] = amount(value, file, source, diagnostics),
                    Some(_) => {}
                    None => {
                        let ids: Vec<&str> = inputs.iter().map(|c| c.id.as_str()).collect();
                        diagnostics.push(
                            Diagnostic::error(Some(key.location(file)), format!("this table has no column `{id}`"))
                                .with_hint(format!("its columns are {}", ids.join(", ")))
                                .with_source(source),
                        );
                    }
                }
            }
        }
        _ => diagnostics.push(
            Diagnostic::error(
                Some(node.location(file)),
                format!("expected a list of values, found {}", node.describe()),
            )
            .with_hint("for example `values: [29 716, 39 072]`")
            .with_source(source),
        ),
    }
    values
}

fn parse_table(node: &Node, file: &str, source: &str, defaults: &Defaults) -> Result<Table, Diagnostics> {
    let mut f = Fields::new(node, file, source, "a table")?;
    let id = f.required("id", "rr").and_then(|n| ident(n, file, source, "a table id", &mut f.diagnostics));
    let title = f.required("title", "Resultaträkning").and_then(|n| f.string(Some(n)));
    let unit = f.optional("unit").and_then(|n| f.one_of(Some(n), &Unit::NAMES)).unwrap_or(defaults.unit);
    let input_unit =
        f.optional("input_unit").and_then(|n| f.one_of(Some(n), &Unit::NAMES)).or(defaults.input_unit).unwrap_or(unit);
    let decimals = match f.optional("decimals") {
        Some(n) => parse_small(n, file, source, &mut f.diagnostics).unwrap_or(0),
        None => defaults.decimals,
    };
    let tolerance = match f.optional("tolerance") {
        Some(n) => amount(n, file, source, &mut f.diagnostics).map(|a| a.value).unwrap_or_default(),
        None => defaults.tolerance,
    };
    let columns = match f.optional("columns") {
        Some(n) => parse_columns(n, file, source, &mut f.diagnostics),
        None => defaults.columns.clone(),
    };
    let row_total = f.optional("row_total").and_then(|n| f.string(Some(n)));
    let column_total = f.optional("column_total").and_then(|n| f.string(Some(n)));
    let row_label = f.optional("row_label").and_then(|n| f.string(Some(n))).unwrap_or_default();
    let empty = f.optional("empty").and_then(|n| f.string(Some(n))).unwrap_or_default();
    let empty_is_zero = f.optional("empty_is_zero").and_then(|n| f.boolean(Some(n))).unwrap_or(false);
    let text_before = f.optional("text_before").and_then(|n| f.string(Some(n))).unwrap_or_default();
    let text_after = f.optional("text_after").and_then(|n| f.string(Some(n))).unwrap_or_default();
    let role_node = f.optional("role");
    let role = role_node.and_then(|n| roles::parse_role(n, file, source, &mut f.diagnostics));
    // What the table declares about the law's relations; read by `crate::law`.
    f.optional("law");
    // The SIE file lines with `accounts:` are summed from; read by `crate::ledger::tables`.
    f.optional("ledger");
    let mut columns = match columns {
        Some(c) => c,
        None => {
            let node = f.node;
            f.diagnostics.push(
                Diagnostic::error(Some(node.location(file)), "this table declares no columns")
                    .with_hint("add `columns: [\"2013\", \"2012\"]` here or under `defaults:` for the whole file")
                    .with_source(source),
            );
            Vec::new()
        }
    };
    // `row_total: Summa` adds a column that sums the typed columns of each line.
    if let Some(label) = row_total {
        let loc = node.location(file);
        let terms = columns
            .iter()
            .filter(|c| c.kind == ColumnKind::Input)
            .map(|c| Term { negate: false, table: None, row: c.id.clone(), column: None, loc: loc.clone() })
            .collect();
        columns.push(Column { id: "summa".into(), label, kind: ColumnKind::Computed(terms), loc });
    }
    let mut rows = Vec::new();
    if let Some(list) = f.required("rows", "[{label: Statsbidrag, values: [10 523, 15 380]}]") {
        match list.as_seq() {
            Some(items) => {
                for item in items {
                    if let Some(row) = parse_row(item, &columns, file, source, &mut f.diagnostics) {
                        rows.push(row);
                    }
                }
            }
            None => f.diagnostics.push(
                Diagnostic::error(
                    Some(list.location(file)),
                    format!("expected a list of lines, found {}", list.describe()),
                )
                .with_source(source),
            ),
        }
    }
    // `column_total: Summa` adds a line that sums every line with figures.
    if let Some(label) = column_total {
        let loc = node.location(file);
        rows.push(Row::generated("summa", label, RowSource::SumAll, true, loc));
    }
    // A misspelt role is reported once, not again at every `standard:`.
    if role.is_some() || role_node.is_none() {
        roles::check_standard_ids(role.as_ref().map(|(r, _)| *r), &rows, source, &mut f.diagnostics);
    }
    if let Some(id) = &id {
        own_table_terms_are_bare(id, &mut rows);
    }
    let diagnostics = f.finish();
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let (Some(id), Some(title)) = (id, title) else { return Err(diagnostics) };
    Ok(Table {
        id,
        title,
        unit,
        input_unit,
        decimals,
        tolerance,
        columns,
        rows,
        note_number: None,
        row_label,
        empty,
        empty_is_zero,
        text_before,
        text_after,
        role: role.as_ref().map(|(r, _)| *r),
        role_loc: role.map(|(_, loc)| loc),
        file: file.to_owned(),
        loc: node.location(file),
    })
}

fn parse_row(node: &Node, columns: &[Column], file: &str, source: &str, diagnostics: &mut Diagnostics) -> Option<Row> {
    let mut f = match Fields::new(node, file, source, "a line") {
        Ok(f) => f,
        Err(e) => {
            diagnostics.extend(e);
            return None;
        }
    };
    let id = f.optional("id").and_then(|n| ident(n, file, source, "a line id", &mut f.diagnostics));
    let standard = f
        .optional("standard")
        .and_then(|n| ident(n, file, source, "a standard line id", &mut f.diagnostics).map(|s| (s, n.location(file))));
    // A line mapped to a standard line and given no id of its own is named by it.
    let id = id.or_else(|| standard.as_ref().map(|(s, _)| s.clone()));
    let label = f.required("label", "Verksamhetens intäkter").and_then(|n| f.string(Some(n)));
    let sign = f.optional("sign");
    let negate = sign.and_then(|n| f.one_of(Some(n), &[("negative", true), ("positive", false)])).unwrap_or(false);
    let total = f.optional("total").and_then(|n| f.boolean(Some(n)));
    let values = f.optional("values").map(|n| parse_values(n, columns, false, file, source, &mut f.diagnostics));
    // A claim may list the typed columns only, or every column (totals included).
    let typed = columns.iter().filter(|c| c.kind == ColumnKind::Input).count();
    let claimed = f.optional("claimed").map(|n| {
        let all = n.as_seq().is_some_and(|items| items.len() != typed) || n.as_map().is_some();
        let claims = parse_values(n, columns, all, file, source, &mut f.diagnostics);
        if all { claims } else { spread(claims, columns) }
    });
    let note = f.optional("note");
    let from = f.optional("from");
    let sum = f.optional("sum");
    let formula = f.optional("formula");
    let heading = f.optional("heading").and_then(|n| f.boolean(Some(n))).unwrap_or(false);
    // Summed from the table's ledger by `crate::ledger::tables`, which fills the values
    // (`values:` then give the columns bound to no part of the ledger).
    let accounts = f.optional("accounts");
    f.optional("except");
    f.optional("objects");
    let accepted = parse_accepted(&mut f, Some(columns));
    // A known unit name is that unit; any other text is a label for a plain number.
    let (unit, unit_label) = match f.optional("unit") {
        Some(n) => {
            match n.as_str().map(str::trim) {
                Some(text) if !text.is_empty() => match Unit::NAMES.iter().find(|(name, _)| *name == text) {
                    Some((_, u)) => (Some(*u), None),
                    None => (Some(Unit::Antal), Some(text.to_owned())),
                },
                _ => {
                    f.diagnostics.push(
                    Diagnostic::error(Some(n.location(file)), format!("expected a unit, found {}", n.describe()))
                        .with_hint("for example `unit: procent`, `unit: mnkr` or a label of your own, `unit: besök per dag`")
                        .with_source(source),
                );
                    (None, None)
                }
            }
        }
        None => (None, None),
    };
    let decimals = f.optional("decimals").and_then(|n| parse_small(n, file, source, &mut f.diagnostics));
    let part_of = f
        .optional("part_of")
        .and_then(|n| ident(n, file, source, "a line id", &mut f.diagnostics).map(|id| (id, n.location(file))));

    if let Some(n) = sign
        && note.is_none()
        && from.is_none()
        && accounts.is_none()
    {
        f.diagnostics.push(
            Diagnostic::error(
                Some(n.location(file)),
                "`sign` turns figures taken from a note or another table; this line has none",
            )
            .with_hint("use it with `note:`, `from:` or `accounts:`; typed figures are written with the sign they are shown with, e.g. `values: [-17 950]`")
            .with_source(source),
        );
    }
    let sources = [
        values.is_some() && note.is_none() && accounts.is_none(),
        note.is_some(),
        from.is_some(),
        sum.is_some(),
        formula.is_some(),
        heading,
        accounts.is_some(),
    ];
    if sources.iter().filter(|s| **s).count() > 1 {
        f.diagnostics.push(
            Diagnostic::error(Some(node.location(file)), "a line takes its figures from one place only")
                .with_hint("use one of `values`, `note`, `from`, `sum`, `formula`, `accounts` or `heading: true` (with `note`, `values` are checked against the note)")
                .with_source(source),
        );
    }
    let source_kind = if let Some(n) = note {
        ident(n, file, source, "a note id", &mut f.diagnostics)
            .map(|note| RowSource::Note { note, loc: n.location(file) })
    } else if let Some(n) = from
        && let Some(pairs) = n.as_map()
    {
        let mut parts = Vec::new();
        for (column, term) in pairs {
            let Some(column) = ident(column, file, source, "a column id", &mut f.diagnostics) else { continue };
            match parse_term(term.as_str().unwrap_or_default(), term.location(file), true) {
                Ok(term) => parts.push((column, term)),
                Err(message) => {
                    f.diagnostics.push(Diagnostic::error(Some(term.location(file)), message).with_source(source))
                }
            }
        }
        Some(RowSource::FromColumns(parts))
    } else if let Some(n) = from {
        match parse_term(n.as_str().unwrap_or_default(), n.location(file), true) {
            Ok(term) => Some(RowSource::From(term)),
            Err(message) => {
                f.diagnostics.push(Diagnostic::error(Some(n.location(file)), message).with_source(source));
                None
            }
        }
    } else if let Some(n) = sum {
        if n.as_str() == Some("all") {
            Some(RowSource::SumAll)
        } else {
            parse_terms(n, file, source, &mut f.diagnostics, false).map(RowSource::Sum)
        }
    } else if let Some(n) = formula {
        parse_expression(n, file, source, &mut f.diagnostics).map(|(expr, text)| RowSource::Formula { expr, text })
    } else if heading {
        Some(RowSource::Heading)
    } else {
        Some(RowSource::Values(values.clone().unwrap_or_default()))
    };
    // With a note, values written on the line are a claim to check against the note.
    let claimed = match (&source_kind, values, claimed) {
        (Some(RowSource::Note { .. }), Some(v), _) => spread(v, columns),
        (_, _, Some(c)) => c,
        _ => Vec::new(),
    };
    let computed = matches!(source_kind, Some(RowSource::Sum(_) | RowSource::SumAll));
    diagnostics.extend(f.finish());
    Some(Row {
        id,
        label: label?,
        source: source_kind?,
        negate,
        claimed,
        total: total.unwrap_or(computed),
        accepted,
        unit,
        unit_label,
        decimals,
        part_of,
        standard: standard.as_ref().map(|(s, _)| s.clone()),
        standard_loc: standard.map(|(_, loc)| loc),
        loc: node.location(file),
    })
}

/// A `sum:` term naming this very table (`t.x` in table `t`) is the bare line
/// `x`; one naming another table adds that table's line, like `from:`.
fn own_table_terms_are_bare(table: &str, rows: &mut [Row]) {
    for row in rows {
        let RowSource::Sum(terms) = &mut row.source else { continue };
        for term in terms.iter_mut().filter(|t| t.table.as_deref() == Some(table)) {
            term.table = None;
        }
    }
}

/// `accepted:` (a mapping from column id to the exact difference, or for a
/// check that names its columns a single amount) and the `reason:` it needs.
/// With `columns` (a line), the column ids are checked here; a check's are
/// checked when it runs.
fn parse_accepted(f: &mut Fields, columns: Option<&[Column]>) -> Option<Accepted> {
    let (file, source) = (f.file, f.source);
    let node = f.optional("accepted");
    let reason = f.optional("reason");
    let Some(node) = node else {
        if let Some(reason) = reason {
            f.error(
                reason,
                "a `reason:` belongs to an accepted difference, and there is none here".into(),
                Some("write the difference beside it, e.g. `accepted: {\"2013\": 1}`".into()),
            );
        }
        return None;
    };
    let mut differences = Vec::new();
    match &node.kind {
        NodeKind::Map(entries) => {
            for (key, value) in entries {
                let id = key.as_str().unwrap_or_default().to_owned();
                if let Some(columns) = columns
                    && !columns.iter().any(|c| c.id == id)
                {
                    let ids: Vec<&str> = columns.iter().map(|c| c.id.as_str()).collect();
                    f.error(
                        key,
                        format!("this table has no column `{id}`"),
                        Some(format!("its columns are {}", ids.join(", "))),
                    );
                    continue;
                }
                if let Some(a) = amount(value, file, source, &mut f.diagnostics) {
                    differences.push((Some(id), a));
                }
            }
        }
        NodeKind::Scalar { .. } if columns.is_none() => {
            if let Some(a) = amount(node, file, source, &mut f.diagnostics) {
                differences.push((None, a));
            }
        }
        _ => f.error(
            node,
            format!("expected the accepted differences by column, found {}", node.describe()),
            Some("for example `accepted: {\"2013\": 1}`: the written figure minus the computed one".into()),
        ),
    }
    let reason = match reason {
        Some(n) => f.string(Some(n)).filter(|r| !r.trim().is_empty()),
        None => None,
    };
    let Some(reason) = reason else {
        f.error(
            node,
            "an accepted difference needs a `reason:` saying why it is published as it is".into(),
            Some("for example `reason: Avrundning i den fastställda årsredovisningen`".into()),
        );
        return None;
    };
    Some(Accepted { differences, reason })
}

/// Places values given for the typed columns at their positions among all columns.
fn spread(typed: Vec<Option<Amount>>, columns: &[Column]) -> Vec<Option<Amount>> {
    let mut typed = typed.into_iter();
    columns.iter().map(|c| if c.kind == ColumnKind::Input { typed.next().flatten() } else { None }).collect()
}

/// The expression of a YAML scalar, located inside the string.
fn parse_expression(node: &Node, file: &str, source: &str, diagnostics: &mut Diagnostics) -> Option<(Expr, String)> {
    let NodeKind::Scalar { text, quoted } = &node.kind else {
        diagnostics.push(
            Diagnostic::error(
                Some(node.location(file)),
                format!("expected an expression such as `ek / summa * 100`, found {}", node.describe()),
            )
            .with_source(source),
        );
        return None;
    };
    match expr::parse(text, &node.location(file), *quoted) {
        Ok(e) => Some((e, text.trim().to_owned())),
        Err(e) => {
            diagnostics.push(expr_diagnostic(e, source));
            None
        }
    }
}

fn parse_check(node: &Node, file: &str, source: &str) -> Result<Check, Diagnostics> {
    let mut severity = Severity::Error;
    let mut message = None;
    let (text_node, tolerance, accepted) = match &node.kind {
        NodeKind::Scalar { .. } => (node, None, None),
        NodeKind::Map(_) => {
            let mut f = Fields::new(node, file, source, "a check")?;
            let text = f.required("check", "rr.arets_resultat = br.arets_resultat");
            let tolerance =
                f.optional("tolerance").and_then(|n| amount(n, file, source, &mut f.diagnostics)).map(|a| a.value);
            let accepted = parse_accepted(&mut f, None);
            if let Some(n) = f.optional("severity") {
                severity = f
                    .one_of(Some(n), &[("error", Severity::Error), ("warning", Severity::Warning)])
                    .unwrap_or(severity);
            }
            message = f.optional("message").and_then(|n| f.string(Some(n))).filter(|m| !m.trim().is_empty());
            let diagnostics = f.finish();
            if diagnostics.has_errors() {
                return Err(diagnostics);
            }
            match text {
                Some(t) => (t, tolerance, accepted),
                None => return Err(diagnostics),
            }
        }
        _ => {
            return Err(Diagnostic::error(
                Some(node.location(file)),
                format!("expected a check such as `a.x = b.y + c.z`, found {}", node.describe()),
            )
            .with_source(source)
            .into());
        }
    };
    let text = text_node.as_str().unwrap_or_default();
    let quoted = matches!(text_node.kind, NodeKind::Scalar { quoted: true, .. });
    let loc = text_node.location(file);
    // The first comparison outside brackets splits the two sides.
    let mut depth = 0i32;
    let mut split = None;
    for (i, c) in text.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth -= 1,
            _ if depth == 0 => {
                if let Some((symbol, relation)) = Relation::SYMBOLS.iter().find(|(s, _)| text[i..].starts_with(s)) {
                    split = Some((i, symbol.len(), *relation));
                    break;
                }
            }
            _ => {}
        }
    }
    let Some((at, len, relation)) = split else {
        return Err(Diagnostic::error(Some(loc), format!("a check needs `=`, `<`, `<=`, `>` or `>=`, found `{text}`"))
            .with_hint("for example `br.summa_tillgangar = br.summa_skulder`")
            .with_source(source)
            .into());
    };
    let (left_text, right_text) = (&text[..at], &text[at + len..]);
    let mut right_loc = loc.clone();
    right_loc.column += left_text.chars().count() + text[at..at + len].chars().count();
    let mut diagnostics = Diagnostics::new();
    let mut side = |part: &str, at: &Location| match expr::parse(part, at, quoted) {
        Ok(e) => {
            // A check compares figures of named tables: a bare line has no table to belong to.
            for r in e.refs().into_iter().filter(|r| r.table.is_none()) {
                diagnostics.push(
                    Diagnostic::error(
                        Some(r.loc.clone()),
                        format!("expected `table.line` or `table.line[column]`, found `{}`", r.row),
                    )
                    .with_hint("a check names each line with its table, e.g. `br.summa_tillgangar`")
                    .with_source(source),
                );
            }
            Some(e)
        }
        Err(e) => {
            diagnostics.push(expr_diagnostic(e, source));
            None
        }
    };
    let left = side(left_text, &loc);
    let right = side(right_text, &right_loc);
    if relation != Relation::Eq && (tolerance.is_some() || accepted.is_some()) {
        diagnostics.push(
            Diagnostic::error(Some(loc.clone()), "a tolerance or an accepted difference belongs to a check with `=`")
                .with_hint("a check with `<`, `<=`, `>` or `>=` holds or does not; remove `tolerance:` and `accepted:`")
                .with_source(source),
        );
    }
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let (Some(left), Some(right)) = (left, right) else { return Err(diagnostics) };
    Ok(Check { text: text.trim().to_owned(), left, relation, right, tolerance, accepted, severity, message, loc })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn parse(text: &str) -> Result<FileFigures, Diagnostics> {
        parse_file(&yaml::parse(text, "d.yaml").unwrap(), "d.yaml", text)
    }

    #[test]
    fn reads_tables_rows_and_checks() {
        let figures = parse(
            "defaults:\n  columns: [\"2013\", \"2012\"]\n  tolerance: 1\ntables:\n  - id: rr\n    title: Resultaträkning\n    rows:\n      - {id: intakter, label: Intäkter, note: n1}\n      - {id: kostnader, label: Kostnader, values: [-50 970, -63 300]}\n      - {id: netto, label: Netto, sum: [intakter, kostnader], claimed: [-21 254, ~]}\nchecks:\n  - rr.netto[2013] = rr.intakter[2013] + rr.kostnader[2013]\n",
        )
        .unwrap();
        let rr = &figures.tables[0];
        assert_eq!(rr.columns.len(), 2);
        assert_eq!(rr.tolerance, Decimal::ONE);
        assert!(matches!(&rr.rows[0].source, RowSource::Note { note, .. } if note == "n1"));
        let RowSource::Values(v) = &rr.rows[1].source else { panic!() };
        assert_eq!(v[0].as_ref().unwrap().value, Decimal::from(-50970));
        assert_eq!(v[0].as_ref().unwrap().loc.line, 9);
        assert!(rr.rows[2].total);
        assert_eq!(rr.rows[2].claimed[1], None);
        let check = &figures.checks[0];
        let right = check.right.refs();
        assert_eq!(right.len(), 2);
        assert_eq!(right[1].column.as_deref(), Some("2013"));
    }

    #[test]
    fn reports_every_mistake_with_its_line() {
        let err = parse(
            "tables:\n  - id: rr\n    title: R\n    columns: [a, b]\n    rows:\n      - {label: X, values: [1, 2, 3]}\n      - {label: Y, values: {c: 1}}\n      - {label: Z, values: [1 2, 3]}\n      - {label: W, sum: [x], values: [1, 2]}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("d.yaml:6:") && err.contains("expected 2 values"), "{err}");
        assert!(err.contains("d.yaml:7:") && err.contains("no column `c`"), "{err}");
        assert!(err.contains("d.yaml:8:") && err.contains("expected a number"), "{err}");
        assert!(err.contains("d.yaml:9:") && err.contains("one place only"), "{err}");
    }
}
