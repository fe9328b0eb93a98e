//! Figures tables fed from a ledger. A table names its SIE file under
//! `ledger:`, its lines name their accounts (`accounts:`, `except:`), and the
//! figures of those lines are summed from the file before the figures are
//! computed, so sums, notes, claims and checks treat them like typed figures.
//!
//! ```yaml
//! tables:
//!   - id: rr
//!     title: Resultaträkning
//!     unit: tkr
//!     input_unit: kr
//!     columns: ["2024", "2023"]          # each bound to the SIE year ending in it
//!     ledger: {file: content/ledger/bokslut-2024.se, columns: {"2024": 0, "2023": -1}}
//!     rows:
//!       - {id: intakter, label: Verksamhetens intäkter, accounts: "30-36"}
//!       - {id: kostnader, label: Verksamhetens kostnader, accounts: "40-77", except: "7010"}
//! ```
//!
//! A column binds to a year (`0`, `-1`), to a period of months
//! (`"2024-01..2024-08"`: result accounts summed over those months, balance
//! accounts at its end) or to the file's budget (`budget`, `#PBUDGET`); a
//! column bound to none is typed on each line (`values:`). A line with
//! `objects: {dim: 1, ids: "100"}` sums only what the file puts on those
//! objects (a driftredovisning per nämnd). Accounts declared `internal:` in the
//! binding are left out of the table: they are shown in their own table. Every
//! account of the classes a table reaches must land in one of its lines, unless
//! it is a note or says `complete: false`.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use rust_decimal::Decimal;

use super::mapping::{self, AccountRanges, MappingCheck};
use super::{Ledger, ObjectRef};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::figures::model::{Amount, FileFigures, RowSource, Table};
use crate::project::Fields;
use crate::yaml::Node;

/// The months of the year an interim document (delårsrapport,
/// tertialrapport) reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportPeriod {
    pub first_month: u32,
    pub last_month: u32,
}

/// The ledger files a build reads, each read once however many tables use it.
pub struct Ledgers {
    root: PathBuf,
    /// An interim document's months, which year-named columns cover.
    period: Option<ReportPeriod>,
    /// Path as written → the ledger, or `None` when it could not be read (said once).
    read: HashMap<String, Option<Ledger>>,
    /// Warnings of the reader (an encoding other than the one declared).
    pub warnings: Diagnostics,
}

impl Ledgers {
    pub fn new(root: &Path, period: Option<ReportPeriod>) -> Self {
        Ledgers { root: root.to_path_buf(), period, read: HashMap::new(), warnings: Diagnostics::new() }
    }

    /// The ledger at `path` (relative to the project), read on first use.
    fn get(&mut self, path: &str, at: Location, source: &str, diagnostics: &mut Diagnostics) -> Option<&Ledger> {
        if !self.read.contains_key(path) {
            let ledger = self.load(path, at, source, diagnostics);
            self.read.insert(path.to_owned(), ledger);
        }
        self.read.get(path).and_then(Option::as_ref)
    }

    fn load(&mut self, path: &str, at: Location, source: &str, diagnostics: &mut Diagnostics) -> Option<Ledger> {
        let relative = Path::new(path);
        let inside = !path.is_empty() && relative.components().all(|c| matches!(c, Component::Normal(_)));
        let full = self.root.join(relative);
        if !inside || !crate::project::resolves_inside(&self.root, &full) {
            diagnostics.push(
                Diagnostic::error(Some(at), format!("the ledger file `{path}` lies outside the project"))
                    .with_hint("name it relative to the project folder, e.g. `content/ledger/bokslut-2024.se`")
                    .with_source(source),
            );
            return None;
        }
        if !full.is_file() {
            diagnostics.push(
                Diagnostic::error(Some(at), format!("there is no ledger file `{path}`"))
                    .with_hint("export the year's SIE 4 file from the finance system and save it there; paths are relative to the project folder")
                    .with_source(source),
            );
            return None;
        }
        match super::read_file(&full, path) {
            Ok((ledger, warnings)) => {
                self.warnings.extend(warnings);
                for problem in super::consistency::check(&ledger) {
                    self.warnings.push(problem);
                }
                Some(ledger)
            }
            Err(problems) => {
                diagnostics.extend(problems);
                None
            }
        }
    }
}

/// The account ranges the tables and notes of a figures file map from the
/// ledger at `path` (as written under `ledger:`): each line's, and the
/// internal accounts. Bad ranges are left to the build to report.
pub fn ranges_for(node: &Node, path: &str) -> Vec<AccountRanges> {
    let mut found = Vec::new();
    let text = |n: Option<&Node>| n.and_then(Node::as_str).unwrap_or_default().to_owned();
    for key in ["tables", "notes"] {
        for item in node.get(key).and_then(Node::as_seq).unwrap_or_default() {
            let Some(binding) = item.get("ledger") else { continue };
            let file = binding.as_str().map(str::to_owned).unwrap_or_else(|| text(binding.get("file")));
            if file.trim() != path {
                continue;
            }
            found.extend(AccountRanges::parse(&text(binding.get("internal")), "").ok());
            for row in item.get("rows").and_then(Node::as_seq).unwrap_or_default() {
                if let Some(accounts) = row.get("accounts") {
                    found.extend(AccountRanges::parse(&text(Some(accounts)), &text(row.get("except"))).ok());
                }
            }
        }
    }
    found
}

/// Fills the lines with `accounts:` of the tables and notes of one figures
/// file whose table has `ledger:`, and checks that every account lands in
/// exactly one line.
pub fn fill(node: &Node, file: &str, source: &str, figures: &mut FileFigures, ledgers: &mut Ledgers) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    for (key, statement) in [("tables", true), ("notes", false)] {
        let items = node.get(key).and_then(Node::as_seq).unwrap_or_default();
        let tables = if statement { &mut figures.tables } else { &mut figures.notes };
        for item in items {
            let id = item.get("id").and_then(Node::as_str).unwrap_or_default();
            let Some(table) = tables.iter_mut().find(|t| t.id == id && t.file == file) else { continue };
            let context = Context { file, source, statement };
            match item.get("ledger") {
                Some(binding) => fill_table(item, binding, table, &context, ledgers, &mut diagnostics),
                None => accounts_without_ledger(item, &context, &mut diagnostics),
            }
        }
    }
    diagnostics
}

struct Context<'a> {
    file: &'a str,
    source: &'a str,
    /// A statement (under `tables:`) maps whole account classes; a note only some accounts.
    statement: bool,
}

impl Context<'_> {
    fn error(&self, at: &Node, message: String, hint: &str) -> Diagnostic {
        Diagnostic::error(Some(at.location(self.file)), message).with_hint(hint).with_source(self.source)
    }
}

/// `accounts:` on a line of a table that names no ledger.
fn accounts_without_ledger(item: &Node, context: &Context, diagnostics: &mut Diagnostics) {
    for row in item.get("rows").and_then(Node::as_seq).unwrap_or_default() {
        if let Some(n) = row.get("accounts") {
            diagnostics.push(context.error(
                n,
                "this line sums accounts, but its table names no ledger file".into(),
                "add `ledger: {file: content/ledger/bokslut.se}` to the table",
            ));
        }
    }
}

/// What a column of a ledger table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnSource {
    /// A whole fiscal year, `#RAR` index.
    Year(i32),
    /// The months `from..=to` (`YYYYMM`) of fiscal year `year`.
    Period { year: i32, from: u32, to: u32 },
    /// The budget of fiscal year 0, `#PBUDGET`.
    Budget,
}

/// `ledger: FILE` or `ledger: {file: FILE, columns: {"2024": 0, "2023": -1}, internal: "35, 45"}`.
struct Binding<'a> {
    path: String,
    path_node: &'a Node,
    /// Column id → what it holds, as written.
    columns: Vec<(&'a Node, &'a Node)>,
    /// Accounts of transactions within the organisation, left out of this table.
    internal: AccountRanges,
    /// `complete: false`: a table that shows some accounts only (interna poster).
    complete: Option<bool>,
}

fn parse_binding<'a>(node: &'a Node, context: &Context<'a>, diagnostics: &mut Diagnostics) -> Option<Binding<'a>> {
    if let Some(path) = node.as_str() {
        let path = path.trim().to_owned();
        let internal = AccountRanges::default();
        return Some(Binding { path, path_node: node, columns: Vec::new(), internal, complete: None });
    }
    let mut f = match Fields::new(node, context.file, context.source, "the table's ledger") {
        Ok(f) => f,
        Err(e) => {
            diagnostics.extend(e);
            return None;
        }
    };
    let path_node = f.required("file", "content/ledger/bokslut-2024.se");
    let path = f.string(path_node);
    let columns = match f.optional("columns") {
        Some(n) => match n.as_map() {
            Some(pairs) => pairs.iter().map(|(k, v)| (k, v)).collect(),
            None => {
                f.error(
                    n,
                    format!("expected what each column holds as a mapping, found {}", n.describe()),
                    Some("for example `columns: {\"2024\": 0, \"2023\": -1, budget: budget}`".into()),
                );
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let internal = match f.optional("internal") {
        Some(n) => match AccountRanges::parse(n.as_str().unwrap_or_default(), "") {
            Ok(r) => r,
            Err(message) => {
                f.error(n, message, Some("for example `internal: \"35, 45\"`".into()));
                AccountRanges::default()
            }
        },
        None => AccountRanges::default(),
    };
    let complete = f.optional("complete").and_then(|n| f.boolean(Some(n)));
    diagnostics.extend(f.finish());
    Some(Binding { path: path?.trim().to_owned(), path_node: path_node?, columns, internal, complete })
}

/// `2024-01` → 202401.
fn month(text: &str) -> Option<u32> {
    let (year, month) = text.trim().split_once('-')?;
    let (year, month): (u32, u32) = (year.parse().ok()?, month.parse().ok()?);
    (year.to_string().len() == 4 && (1..=12).contains(&month)).then_some(year * 100 + month)
}

/// What one written binding means: `0`, `-1`, `budget` or `2024-01..2024-08`.
fn parse_column_source(text: &str, ledger: &Ledger) -> Result<ColumnSource, String> {
    let text = text.trim();
    if text == "budget" {
        return Ok(ColumnSource::Budget);
    }
    if let Ok(index) = text.parse::<i32>() {
        return match ledger.year(index) {
            Some(_) => Ok(ColumnSource::Year(index)),
            None => Err(format!("the ledger `{}` has no year {index}", ledger.file)),
        };
    }
    if let Some((from, to)) = text.split_once("..")
        && let (Some(from), Some(to)) = (month(from), month(to))
    {
        if from > to {
            return Err(format!("the period `{text}` runs backwards"));
        }
        let year = ledger.years.iter().find(|y| y.start.month_key() <= from && to <= y.end.month_key());
        return match year {
            Some(y) => Ok(ColumnSource::Period { year: y.index, from, to }),
            None => Err(format!("the period `{text}` lies in no single year of the ledger `{}`", ledger.file)),
        };
    }
    Err(format!("expected a year such as 0 or -1, a period such as 2024-01..2024-08 or `budget`, found `{text}`"))
}

/// What each typed column holds, in the order of the typed values: as bound
/// under `columns:`, else the year that ends in the column's id (in an interim
/// document, the document's months of that year); `None` for a column typed
/// on the lines.
fn column_sources(
    table: &Table,
    binding: &Binding,
    ledger: &Ledger,
    period: Option<ReportPeriod>,
    context: &Context,
    diagnostics: &mut Diagnostics,
) -> Vec<Option<ColumnSource>> {
    let years: Vec<String> = ledger.years.iter().map(|y| format!("{} ({} to {})", y.index, y.start, y.end)).collect();
    let known = if years.is_empty() { "none (it has no #RAR)".to_owned() } else { years.join(", ") };
    for (key, _) in &binding.columns {
        let id = key.as_str().unwrap_or_default();
        if !table.input_columns().any(|(_, c)| c.id == id) {
            let ids: Vec<&str> = table.input_columns().map(|(_, c)| c.id.as_str()).collect();
            diagnostics.push(context.error(
                key,
                format!("this table has no typed column `{id}`"),
                &format!("its typed columns are {}", ids.join(", ")),
            ));
        }
    }
    let mut bound = Vec::new();
    for (_, column) in table.input_columns() {
        let written = binding.columns.iter().find(|(k, _)| k.as_str() == Some(column.id.as_str()));
        let source = match written {
            Some((_, value)) => match parse_column_source(value.as_str().unwrap_or_default(), ledger) {
                Ok(source) => Some(source),
                Err(message) => {
                    diagnostics.push(context.error(value, message, &format!("the file's years (#RAR) are {known}")));
                    None
                }
            },
            // A column named like a year is that year of the file; any other is typed.
            None if column.id.len() == 4 && column.id.bytes().all(|b| b.is_ascii_digit()) => {
                let ending = ledger.years.iter().find(|y| y.end.year.to_string() == column.id);
                if ending.is_none() {
                    diagnostics.push(
                        Diagnostic::error(
                            Some(column.loc.clone()),
                            format!("no year of the ledger `{}` ends in {}", binding.path, column.id),
                        )
                        .with_hint(format!(
                            "bind the column under the table's `ledger: {{columns: {{\"{}\": 0}}}}`; the file's years (#RAR) are {known}",
                            column.id
                        ))
                        .with_source(context.source),
                    );
                }
                ending.map(|y| match period {
                    // The months are the document's; the year is the column's.
                    Some(p) => ColumnSource::Period {
                        year: y.index,
                        from: u32::from(y.end.year) * 100 + p.first_month,
                        to: u32::from(y.end.year) * 100 + p.last_month,
                    },
                    None => ColumnSource::Year(y.index),
                })
            }
            None => None,
        };
        bound.push(source);
    }
    bound
}

/// `objects: {dim: 1, ids: "100, 110"}` on a line.
struct Objects {
    dim: u32,
    ids: Vec<String>,
}

impl Objects {
    fn matches(&self, objects: &[ObjectRef]) -> bool {
        objects.iter().any(|(dim, id)| *dim == self.dim && self.ids.contains(id))
    }
}

fn parse_objects(node: &Node, ledger: &Ledger, context: &Context, diagnostics: &mut Diagnostics) -> Option<Objects> {
    let mut f = match Fields::new(node, context.file, context.source, "the line's objects") {
        Ok(f) => f,
        Err(e) => {
            diagnostics.extend(e);
            return None;
        }
    };
    let dim_node = f.required("dim", "1");
    let ids_node = f.required("ids", "\"100, 110\"");
    let dim = dim_node.and_then(|n| match n.as_str().and_then(|t| t.trim().parse::<u32>().ok()) {
        Some(dim) if ledger.dimensions.contains_key(&dim) => Some(dim),
        _ => {
            let known: Vec<String> = ledger.dimensions.iter().map(|(d, dim)| format!("{d} ({})", dim.name)).collect();
            f.error(
                n,
                format!("the ledger `{}` has no dimension {}", ledger.file, n.describe()),
                Some(format!("its dimensions (#DIM) are {}", known.join(", "))),
            );
            None
        }
    });
    let ids: Vec<String> = ids_node
        .and_then(Node::as_str)
        .unwrap_or_default()
        .split(',')
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
        .collect();
    if let (Some(dim), Some(n)) = (dim, ids_node) {
        let objects = &ledger.dimensions[&dim].objects;
        for id in ids.iter().filter(|id| !objects.contains_key(*id)) {
            f.error(
                n,
                format!("dimension {dim} of the ledger has no object `{id}`"),
                Some(format!("its objects (#OBJEKT) are {}", objects.keys().cloned().collect::<Vec<_>>().join(", "))),
            );
        }
    }
    diagnostics.extend(f.finish());
    Some(Objects { dim: dim?, ids })
}

/// One `#PSALDO` of an account: its month, objects and amount.
type PeriodAmount<'a> = (u32, &'a [ObjectRef], Decimal);

/// Sums of an account from the ledger, as the ledger states them (debit positive).
struct Sums<'a> {
    ledger: &'a Ledger,
    /// `#PSALDO` by account.
    periods: HashMap<&'a str, Vec<PeriodAmount<'a>>>,
    /// `#PBUDGET` of year 0 by account: (objects, amount).
    budgets: HashMap<&'a str, Vec<(&'a [ObjectRef], Decimal)>>,
}

impl<'a> Sums<'a> {
    fn new(ledger: &'a Ledger) -> Self {
        let mut periods: HashMap<&str, Vec<_>> = HashMap::new();
        for ((_, month, account, objects), amount) in &ledger.period_balances {
            periods.entry(account.as_str()).or_default().push((*month, objects.as_slice(), *amount));
        }
        let mut budgets: HashMap<&str, Vec<_>> = HashMap::new();
        for ((year, _, account, objects), amount) in &ledger.period_budgets {
            if *year == 0 {
                budgets.entry(account.as_str()).or_default().push((objects.as_slice(), *amount));
            }
        }
        Sums { ledger, periods, budgets }
    }

    /// A result account over the months `from..=to`: from `#PSALDO` when the
    /// file has them, else from its rows.
    fn months(&self, account: &str, from: u32, to: u32, objects: Option<&Objects>) -> Decimal {
        if !self.ledger.period_balances.is_empty() {
            let wanted = |o: &[ObjectRef]| objects.map_or(o.is_empty(), |w| w.matches(o));
            return self.periods.get(account).map_or(Decimal::ZERO, |p| {
                p.iter().filter(|(m, o, _)| (from..=to).contains(m) && wanted(o)).map(|(_, _, a)| *a).sum()
            });
        }
        let t = &self.ledger.transactions;
        match objects {
            None => t.sum(account, from, to),
            Some(w) => w
                .ids
                .iter()
                .filter_map(|id| t.by_object.get(&(account.to_owned(), w.dim, id.clone())))
                .flat_map(|months| months.range(from..=to).map(|(_, v)| *v))
                .sum(),
        }
    }

    /// What `account` contributes to a column, as the ledger states it.
    fn amount(&self, account: &str, column: ColumnSource, objects: Option<&Objects>) -> Decimal {
        let ledger = self.ledger;
        let result = mapping::is_result_account(ledger, account);
        match column {
            ColumnSource::Budget => self.budgets.get(account).map_or(Decimal::ZERO, |b| {
                let wanted = |o: &[ObjectRef]| objects.map_or(o.is_empty(), |w| w.matches(o));
                b.iter().filter(|(o, _)| wanted(o)).map(|(_, a)| *a).sum()
            }),
            ColumnSource::Year(year) => match objects {
                None => mapping::balance(ledger, account, year),
                Some(w) if result => {
                    let y = ledger.year(year).map_or((0, 0), |y| (y.start.month_key(), y.end.month_key()));
                    self.months(account, y.0, y.1, Some(w))
                }
                Some(w) => w
                    .ids
                    .iter()
                    .filter_map(|id| ledger.object_balances.get(&(year, account.to_owned(), (w.dim, id.clone()))))
                    .filter_map(|b| b.closing)
                    .sum(),
            },
            ColumnSource::Period { year, from, to } => {
                if result {
                    self.months(account, from, to, objects)
                } else {
                    // A balance at the period's end: the year's opening balance and the rows until then.
                    let start = ledger.year(year).map_or(0, |y| y.start.month_key());
                    let opening = ledger.balances(year, account).and_then(|b| b.opening).unwrap_or_default();
                    opening + self.ledger.transactions.sum(account, start, to)
                }
            }
        }
    }
}

fn fill_table(
    item: &Node,
    binding: &Node,
    table: &mut Table,
    context: &Context,
    ledgers: &mut Ledgers,
    diagnostics: &mut Diagnostics,
) {
    let Some(binding) = parse_binding(binding, context, diagnostics) else { return };
    let at = binding.path_node.location(context.file);
    let period = ledgers.period;
    let Some(ledger) = ledgers.get(&binding.path, at, context.source, diagnostics) else { return };
    let sources = column_sources(table, &binding, ledger, period, context, diagnostics);
    let sums = Sums::new(ledger);
    let all_accounts: Vec<&String> =
        mapping::accounts(ledger).into_iter().filter(|a| !binding.internal.covers(a)).collect();
    let row_nodes = item.get("rows").and_then(Node::as_seq).unwrap_or_default();
    let column_ids: Vec<String> = table.input_columns().map(|(_, c)| c.id.clone()).collect();
    let mut lines = Vec::new();
    let mut names = Vec::new();
    let mut object_lines: Vec<(AccountRanges, Objects, String)> = Vec::new();
    // The parsed rows follow the written ones in order (the file had no errors).
    for (row, node) in table.rows.iter_mut().zip(row_nodes) {
        let Some(accounts) = node.get("accounts") else { continue };
        let except = node.get("except");
        let text = |n: Option<&Node>| n.and_then(Node::as_str).unwrap_or_default().to_owned();
        let ranges = match (AccountRanges::parse(&text(Some(accounts)), ""), AccountRanges::parse(&text(except), "")) {
            (Ok(a), Ok(e)) => a.except(e),
            (a, e) => {
                for (message, n) in [(a.err(), Some(accounts)), (e.err(), except)] {
                    if let (Some(message), Some(n)) = (message, n) {
                        diagnostics.push(context.error(
                            n,
                            message,
                            "write account numbers and ranges separated by commas: `30-36, 3910`; they match by prefix",
                        ));
                    }
                }
                continue;
            }
        };
        let objects = match node.get("objects") {
            Some(n) => match parse_objects(n, ledger, context, diagnostics) {
                Some(o) => Some(o),
                None => continue,
            },
            None => None,
        };
        let loc = accounts.location(context.file);
        let RowSource::Values(typed) = &row.source else { continue };
        let mut values = Vec::new();
        for (i, source) in sources.iter().enumerate() {
            let typed = typed.get(i).cloned().flatten();
            let Some(source) = *source else {
                values.push(typed);
                continue;
            };
            if let Some(t) = typed {
                let column = &column_ids[i];
                diagnostics.push(
                    Diagnostic::error(
                        Some(t.loc),
                        format!("the column `{column}` of this line is summed from the ledger; it cannot be typed too"),
                    )
                    .with_hint("type figures only in columns bound to no part of the ledger, or write them as `claimed:` to have them checked")
                    .with_source(context.source),
                );
            }
            let sum: Decimal = all_accounts
                .iter()
                .filter(|a| ranges.covers(a))
                .map(|a| mapping::statement_sign(ledger, a) * sums.amount(a, source, objects.as_ref()))
                .sum();
            let value = if row.negate { -sum } else { sum };
            values.push(Some(Amount { value, loc: loc.clone() }));
        }
        row.source = RowSource::Values(values);
        let name = row.id.clone().unwrap_or_else(|| row.label.clone());
        match objects {
            Some(objects) => object_lines.push((ranges, objects, name)),
            None => {
                lines.push(ranges);
                names.push(name);
            }
        }
    }
    let years: Vec<i32> = sources
        .iter()
        .flatten()
        .filter_map(|s| match s {
            ColumnSource::Year(y) | ColumnSource::Period { year: y, .. } => Some(*y),
            ColumnSource::Budget => None,
        })
        .collect();
    let check = MappingCheck {
        lines: &lines,
        names: &names,
        years: &years,
        what: &table.id,
        complete: binding.complete.unwrap_or(context.statement),
        internal: &binding.internal,
    };
    for problem in mapping::check_ledger(ledger, &check) {
        diagnostics.push(problem);
    }
    let at = binding.path_node.location(context.file);
    check_objects(&sums, &object_lines, &all_accounts, &years, &table.id, at, context, diagnostics);
}

/// On the lines that sum objects, every object of their dimension that
/// carries an amount on their accounts lands in exactly one line, and every
/// amount on those accounts carries an object.
#[allow(clippy::too_many_arguments)]
fn check_objects(
    sums: &Sums,
    lines: &[(AccountRanges, Objects, String)],
    accounts: &[&String],
    years: &[i32],
    table: &str,
    at: Location,
    context: &Context,
    diagnostics: &mut Diagnostics,
) {
    let ledger = sums.ledger;
    let mut dims: Vec<u32> = lines.iter().map(|(_, o, _)| o.dim).collect();
    dims.dedup();
    for dim in dims {
        let of_dim: Vec<&(AccountRanges, Objects, String)> = lines.iter().filter(|(_, o, _)| o.dim == dim).collect();
        let covered: Vec<&String> =
            accounts.iter().copied().filter(|a| of_dim.iter().any(|(r, _, _)| r.covers(a))).collect();
        let objects = ledger.dimensions.get(&dim).map(|d| &d.objects);
        for &year in years {
            let mut on_objects = Decimal::ZERO;
            for (id, name) in objects.into_iter().flatten() {
                let one = Objects { dim, ids: vec![id.clone()] };
                let amount: Decimal =
                    covered.iter().map(|a| sums.amount(a, ColumnSource::Year(year), Some(&one))).sum();
                on_objects += amount;
                let found: Vec<&str> =
                    of_dim.iter().filter(|(_, o, _)| o.ids.contains(id)).map(|(_, _, n)| n.as_str()).collect();
                let shown = crate::format::format_amount(amount, Some(2)).replace('\u{a0}', " ");
                let message = match found.len() {
                    1 => continue,
                    0 if amount.is_zero() => continue,
                    0 => format!(
                        "the object {id} ({name}) of dimension {dim} carries {shown} on the accounts of `{table}` but lands in no line of it"
                    ),
                    _ => format!(
                        "the object {id} ({name}) of dimension {dim} lands in more than one line of `{table}`: {}",
                        found.join(", ")
                    ),
                };
                diagnostics.push(
                    Diagnostic::error(Some(at.clone()), message)
                        .with_hint("every object with an amount must land in exactly one line's `objects: {ids: …}`")
                        .with_source(context.source),
                );
            }
            let total: Decimal = covered.iter().map(|a| mapping::balance(ledger, a, year)).sum();
            if total != on_objects {
                let shown = crate::format::format_amount(total - on_objects, Some(2)).replace('\u{a0}', " ");
                diagnostics.push(
                    Diagnostic::error(
                        Some(at.clone()),
                        format!(
                            "{shown} on the accounts of `{table}` carries no object of dimension {dim}, so no line of it shows that amount"
                        ),
                    )
                    .with_hint("every row on these accounts needs an object of the dimension; `arsrapport ledger` lists the accounts")
                    .with_source(context.source),
                );
            }
        }
    }
}
