//! What a chart shows, read from the `charts:` section of a figures file.
//!
//! A chart only points at figures that already exist: a table's line over
//! its columns, a column over the table's lines, or single cells. It adds no
//! number of its own, so every check that covers the tables covers the chart.
//! Values are taken as the table shows them (in its unit, rounded to its
//! decimals): the chart, its data table and the statement agree to the digit.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::data::DataFiles;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::figures::Figures;
use crate::figures::model::{RowSource, Table, Unit};
use crate::figures::view::shown;
use crate::format::format_amount;
use crate::goals::{Goals, Status};
use crate::project::{Fields, nearest};
use crate::yaml::Node;

/// What a chart of goal fulfilment counts: the project's goals and the
/// words of their statuses (the series' names).
#[derive(Clone, Copy)]
pub struct GoalSource<'a> {
    pub goals: &'a Goals,
    pub labels: &'a crate::goals::render::Labels,
}

/// The kinds of chart. Pie charts are left out on purpose (see the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// One series of bars.
    Bar,
    /// Several series, their bars side by side in each category.
    Grouped,
    /// Several series, their bars stacked in each category.
    Stacked,
    /// One or more series as lines.
    Line,
    /// Bars and one or more lines on one value axis.
    BarLine,
}

impl ChartKind {
    pub const NAMES: [(&'static str, ChartKind); 5] = [
        ("bar", ChartKind::Bar),
        ("grouped", ChartKind::Grouped),
        ("stacked", ChartKind::Stacked),
        ("line", ChartKind::Line),
        ("bar-line", ChartKind::BarLine),
    ];

    /// The key of the chart kind's name in the theme's language file.
    pub fn label_key(self) -> &'static str {
        match self {
            ChartKind::Bar => "chart_kind_bar",
            ChartKind::Grouped => "chart_kind_grouped",
            ChartKind::Stacked => "chart_kind_stacked",
            ChartKind::Line => "chart_kind_line",
            ChartKind::BarLine => "chart_kind_bar_line",
        }
    }
}

/// Where a value of a chart comes from: a cell of a figures table, by the
/// table's id and the line's and column's places in it (lines of a table of
/// statistics need no id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellRef {
    pub table: String,
    pub row: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    /// One per category; `None` is a figure the table does not have: a gap.
    pub values: Vec<Option<Decimal>>,
    /// The cell each value is read from, one per category.
    pub sources: Vec<CellRef>,
    /// Each value as its table shows it (its decimals; a blank the table
    /// declares to mean none stays blank), for the chart's data table.
    pub texts: Vec<String>,
    /// Drawn as a line in a bar-line chart (always in a line chart).
    pub as_line: bool,
    /// The goal status a series of a goal chart counts: drawn in its colour.
    pub status: Option<Status>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub id: String,
    pub kind: ChartKind,
    /// Bars run sideways, categories down the left.
    pub horizontal: bool,
    pub title: String,
    /// The unit every series shares (the value axis has one unit).
    pub unit: Unit,
    /// Decimals the tables show the values with (the most among the series).
    pub decimals: u32,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// A written alternative text, used instead of the generated one.
    pub alt: Option<String>,
    pub loc: Location,
}

impl Chart {
    /// The unit as written after the caption ("tkr"); none for plain counts.
    pub fn unit_name(&self) -> Option<&'static str> {
        (self.unit != Unit::Antal).then(|| self.unit.name())
    }
}

/// Every chart of the project, by id, in the order written.
#[derive(Debug, Default)]
pub struct Charts {
    pub charts: Vec<Chart>,
}

impl Charts {
    pub fn get(&self, id: &str) -> Option<&Chart> {
        self.charts.iter().find(|c| c.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.charts.iter().map(|c| c.id.as_str()).collect()
    }

    /// Reads the `charts:` section of every data file against the computed
    /// figures and goals (`None` when the goals have errors of their own).
    pub fn load(data: &DataFiles, figures: &Figures, goals: Option<GoalSource>) -> Result<Charts, Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        let mut charts = Charts::default();
        let mut first: BTreeMap<String, Location> = BTreeMap::new();
        for (stem, node) in &data.files {
            let Some(list) = node.get("charts") else { continue };
            let file = data.paths.get(stem).cloned().unwrap_or_default();
            let source = data.sources.get(&file).map(String::as_str).unwrap_or_default();
            let reader = Reader { file: &file, source, figures, data, goals };
            let Some(items) = list.as_seq() else {
                diagnostics.push(reader.error(list, format!("expected a list of charts, found {}", list.describe())));
                continue;
            };
            for item in items {
                match reader.chart(item) {
                    Ok(chart) => match first.get(&chart.id) {
                        Some(at) => diagnostics.push(
                            Diagnostic::error(
                                Some(chart.loc.clone()),
                                format!("the chart id `{}` is used twice", chart.id),
                            )
                            .with_hint(format!(
                                "it is also used at {}:{}; every chart needs its own id",
                                at.file, at.line
                            ))
                            .with_source(source),
                        ),
                        None => {
                            first.insert(chart.id.clone(), chart.loc.clone());
                            charts.charts.push(chart);
                        }
                    },
                    Err(e) => diagnostics.extend(e),
                }
            }
        }
        diagnostics.into_result().map(|_| charts)
    }
}

struct Reader<'a> {
    file: &'a str,
    source: &'a str,
    figures: &'a Figures,
    data: &'a DataFiles,
    goals: Option<GoalSource<'a>>,
}

/// A series as read, before its categories are compared with the others'.
struct ReadSeries {
    series: Series,
    categories: Vec<String>,
    unit: Unit,
    decimals: u32,
    node: Node,
}

impl<'a> Reader<'a> {
    fn error(&self, at: &Node, message: String) -> Diagnostic {
        Diagnostic::error(Some(at.location(self.file)), message).with_source(self.source)
    }

    fn chart(&self, node: &'a Node) -> Result<Chart, Diagnostics> {
        let mut f = Fields::new(node, self.file, self.source, "a chart")?;
        let id_node = f.required("id", "resultat");
        let id = id_node.and_then(|n| self.ident(n, &mut f.diagnostics));
        let kind = match f.required("type", "bar") {
            // Named on purpose: slices are hard to compare and to describe in words.
            Some(n) if n.as_str() == Some("pie") => {
                f.error(
                    n,
                    "there are no pie charts: their slices are hard to compare and to describe in an alt text".into(),
                    Some("show the shares as `bar` (with `horizontal: true` for long names) or `stacked`".into()),
                );
                None
            }
            n => n.and_then(|n| f.one_of(Some(n), &ChartKind::NAMES)),
        };
        let title = f.required("title", "Årets resultat").and_then(|n| f.string(Some(n)));
        let horizontal_node = f.optional("horizontal");
        let horizontal = f.boolean(horizontal_node).unwrap_or(false);
        let alt = f.optional("alt").and_then(|n| f.string(Some(n)));
        let source_node = f.optional("source");
        let series_node = match source_node {
            Some(_) => f.optional("series"),
            None => f.required("series", "[{row: rr.arets_resultat}]"),
        };
        let mut read = Vec::new();
        if let Some(n) = source_node {
            if series_node.is_some() {
                f.error(n, "a chart takes its series from `series:` or from `source:`, not both".into(), None);
            } else {
                read = self.goal_series(n, &mut f);
            }
        }
        if let Some(list) = series_node {
            match list.as_seq() {
                Some(items) if !items.is_empty() => {
                    for item in items {
                        if let Some(s) = self.series(item, &mut f) {
                            read.push(s);
                        }
                    }
                }
                _ => {
                    let found = list.describe();
                    f.error(
                        list,
                        format!("expected a list of series, found {found}"),
                        Some("for example `series: [{row: rr.arets_resultat}]`".into()),
                    );
                }
            }
        }
        let mut diagnostics = f.finish();
        if let (Some(kind), Some(n)) = (kind, horizontal_node)
            && horizontal
            && matches!(kind, ChartKind::Line | ChartKind::BarLine)
        {
            diagnostics.push(self.error(n, "a chart with lines runs left to right; `horizontal` is for bars".into()));
        }
        if let Some(kind) = kind {
            self.check_series_count(kind, &read, series_node.unwrap_or(node), &mut diagnostics);
        }
        // One value axis, one unit: a chart of tkr beside counts would mislead.
        if let Some(first) = read.first() {
            for other in &read[1..] {
                if other.unit != first.unit {
                    diagnostics.push(
                        self.error(
                            &other.node,
                            format!(
                                "this series is in {}, the first series of the chart in {}: one chart has one unit on its axis",
                                other.unit.name(),
                                first.unit.name()
                            ),
                        )
                        .with_hint("show figures of another unit in a chart of their own"),
                    );
                } else if other.categories != first.categories {
                    diagnostics.push(
                        self.error(
                            &other.node,
                            format!(
                                "this series has the categories {}, the first series {}",
                                quoted_list(&other.categories),
                                quoted_list(&first.categories)
                            ),
                        )
                        .with_hint("every series of a chart runs over the same columns or lines, in the same order"),
                    );
                }
            }
        }
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        let (Some(id), Some(kind), Some(title), Some(first)) = (id, kind, title, read.first()) else {
            return Err(diagnostics);
        };
        let mut series: Vec<Series> = Vec::new();
        for s in &read {
            let mut s = s.series.clone();
            if s.label.is_empty() {
                s.label = title.clone();
            }
            s.as_line = match kind {
                ChartKind::Line => true,
                ChartKind::BarLine => s.as_line,
                _ => false,
            };
            series.push(s);
        }
        let chart = Chart {
            id,
            kind,
            horizontal,
            title,
            unit: first.unit,
            decimals: read.iter().map(|s| s.decimals).max().unwrap_or(0),
            categories: first.categories.clone(),
            series,
            alt,
            loc: node.location(self.file),
        };
        // Labels are never set over each other: names that cannot be set
        // side by side, even on two rows, are the author's to resolve.
        if super::layout::layout(&chart).crowded {
            let mut diagnostics = Diagnostics::new();
            diagnostics.push(
                Diagnostic::error(
                    Some(chart.loc.clone()),
                    format!(
                        "the {} names along the axis of chart `{}` do not fit side by side",
                        chart.categories.len(),
                        chart.id
                    ),
                )
                .with_hint("draw it with `horizontal: true`, which sets each name on a line of its own, or show fewer lines or columns")
                .with_source(self.source),
            );
            return Err(diagnostics);
        }
        Ok(chart)
    }

    fn check_series_count(&self, kind: ChartKind, read: &[ReadSeries], at: &Node, diagnostics: &mut Diagnostics) {
        let lines = read.iter().filter(|s| s.series.as_line).count();
        let problem = match kind {
            ChartKind::Bar if read.len() > 1 => {
                Some("a `bar` chart shows one series; use `grouped` or `stacked` for more".to_owned())
            }
            ChartKind::BarLine if lines == 0 || lines == read.len() => {
                Some("a `bar-line` chart needs bars and at least one series marked `as: line`".to_owned())
            }
            _ => None,
        };
        if let Some(message) = problem {
            diagnostics.push(self.error(at, message));
        }
        if kind != ChartKind::BarLine
            && let Some(s) = read.iter().find(|s| s.series.as_line)
        {
            diagnostics.push(self.error(&s.node, "`as: line` is for a `bar-line` chart".into()));
        }
    }

    fn ident(&self, node: &Node, diagnostics: &mut Diagnostics) -> Option<String> {
        let text = node.as_str().unwrap_or_default();
        if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return Some(text.to_owned());
        }
        diagnostics.push(self.error(
            node,
            format!("expected a chart id made of ASCII letters, digits, `_` or `-`, found {}", node.describe()),
        ));
        None
    }

    /// `source: {goals: mal, by: area}`: the goals of the goals file `mal`
    /// counted per status (one series each, in the status's colour) and area
    /// (the categories). Statuses no goal has are left out.
    fn goal_series(&self, node: &'a Node, outer: &mut Fields<'a>) -> Vec<ReadSeries> {
        let Some(mut f) = outer.nested(node, "a source of goals (`goals:` and `by:`)") else { return Vec::new() };
        let set = f.required("goals", "mal").and_then(|n| f.string(Some(n)).map(|s| (s, n)));
        if let Some(by) = f.optional("by") {
            f.one_of(Some(by), &[("area", ())]);
        }
        outer.diagnostics.extend(f.finish());
        let Some((set, set_node)) = set else { return Vec::new() };
        let Some(source) = self.goals else { return Vec::new() };
        let sets: Vec<&str> =
            self.data.files.iter().filter(|(_, n)| n.get("areas").is_some()).map(|(stem, _)| stem.as_str()).collect();
        if !sets.contains(&set.as_str()) {
            let hint = match nearest(&set, &sets) {
                Some(n) => format!("did you mean `{n}`?"),
                None if sets.is_empty() => "goals are written in a data file with `areas:`".to_owned(),
                None => format!("the goal sets are: {}", sets.join(", ")),
            };
            outer.diagnostics.push(
                self.error(set_node, format!("there is no goal set `{set}`: no data file `{set}` with `areas:`"))
                    .with_hint(hint),
            );
            return Vec::new();
        }
        let file = self.data.paths.get(&set).cloned().unwrap_or_default();
        let areas: Vec<&crate::goals::Area> =
            source.goals.areas.iter().filter(|a| a.loc.file == file && !a.goals.is_empty()).collect();
        if areas.is_empty() {
            outer.diagnostics.push(self.error(set_node, format!("the goal set `{set}` has no goals to count")));
            return Vec::new();
        }
        let count =
            |area: &crate::goals::Area, status: Status| area.goals.iter().filter(|g| g.status == status).count();
        Status::ALL
            .iter()
            .filter(|s| areas.iter().any(|a| count(a, **s) > 0))
            .map(|&status| {
                let counts: Vec<usize> = areas.iter().map(|a| count(a, status)).collect();
                ReadSeries {
                    series: Series {
                        label: crate::goals::render::status_text(source.labels, status),
                        values: counts.iter().map(|&n| Some(Decimal::from(n))).collect(),
                        sources: Vec::new(),
                        texts: counts.iter().map(usize::to_string).collect(),
                        as_line: false,
                        status: Some(status),
                    },
                    categories: areas.iter().map(|a| a.title.clone()).collect(),
                    unit: Unit::Antal,
                    decimals: 0,
                    node: node.clone(),
                }
            })
            .collect()
    }

    /// One entry of `series:`: `{row: t.r}`, `{column: t[c]}` or `{cells: [t.r[c], …]}`.
    fn series(&self, node: &'a Node, outer: &mut Fields<'a>) -> Option<ReadSeries> {
        let mut f = outer.nested(node, "a series (`row:`, `column:` or `cells:`)")?;
        let row = f.optional("row");
        let column = f.optional("column");
        let cells = f.optional("cells");
        let label = f.optional("label").and_then(|n| f.string(Some(n)));
        let as_line = match f.optional("as") {
            Some(n) => f.one_of(Some(n), &[("bar", false), ("line", true)]).unwrap_or(false),
            None => false,
        };
        let columns = f.optional("columns");
        let rows = f.optional("rows");
        let given = [row, column, cells].iter().filter(|n| n.is_some()).count();
        let read = if given != 1 {
            f.error(
                node,
                "a series names exactly one of `row:`, `column:` or `cells:`".into(),
                Some("for example `{row: rr.arets_resultat}` or `{column: drift[utfall]}`".into()),
            );
            None
        } else if let Some(n) = row {
            if rows.is_some() {
                f.error(node, "`rows:` chooses the lines of a `column:` series".into(), None);
            }
            self.row_series(n, columns, &mut f.diagnostics)
        } else if let Some(n) = column {
            if columns.is_some() {
                f.error(node, "`columns:` chooses the columns of a `row:` series".into(), None);
            }
            self.column_series(n, rows, &mut f.diagnostics)
        } else {
            self.cell_series(cells?, &mut f.diagnostics)
        };
        outer.diagnostics.extend(f.finish());
        let mut read = read?;
        read.series.as_line = as_line;
        if let Some(label) = label {
            read.series.label = label;
        }
        read.node = node.clone();
        Some(read)
    }

    /// The table a reference names, or an error with the nearest table id.
    fn table(&self, id: &str, at: &Node, diagnostics: &mut Diagnostics) -> Option<(usize, &'a Table)> {
        let computed = &self.figures.computed;
        if let Some(&t) = computed.index.get(id) {
            return Some((t, &computed.tables[t]));
        }
        let ids: Vec<&str> = computed.tables.iter().map(|t| t.id.as_str()).collect();
        let hint = nearest(id, &ids).map(|n| format!("did you mean `{n}`?"));
        let mut d = self.error(at, format!("there is no table `{id}` for this chart"));
        if let Some(h) = hint {
            d = d.with_hint(h);
        }
        diagnostics.push(d);
        None
    }

    fn row_index(&self, table: &Table, id: &str, at: &Node, diagnostics: &mut Diagnostics) -> Option<usize> {
        if let Some(r) = table.row_index(id) {
            return Some(r);
        }
        let ids: Vec<&str> = table.rows.iter().filter_map(|r| r.id.as_deref()).collect();
        diagnostics.push(missing(self.error(at, format!("the table `{}` has no line `{id}`", table.id)), id, &ids));
        None
    }

    fn column_index(&self, table: &Table, id: &str, at: &Node, diagnostics: &mut Diagnostics) -> Option<usize> {
        if let Some(c) = table.column_index(id) {
            return Some(c);
        }
        let ids: Vec<&str> = table.columns.iter().map(|c| c.id.as_str()).collect();
        diagnostics.push(missing(self.error(at, format!("the table `{}` has no column `{id}`", table.id)), id, &ids));
        None
    }

    /// The value of a cell as its table shows it (`None`: the table has no figure there).
    fn value(&self, t: usize, r: usize, c: usize) -> Option<Decimal> {
        let table = &self.figures.computed.tables[t];
        self.figures.computed.lines[t][r][c].map(|v| shown(table, r, v))
    }

    /// The text of a cell as its table shows it.
    fn text(&self, t: usize, r: usize, c: usize) -> String {
        let table = &self.figures.computed.tables[t];
        // As `figures::view` shows it: a typed blank in a table whose blanks mean none stays blank.
        let stated_none = match &table.rows[r].source {
            RowSource::Values(values) => {
                table.empty_is_zero
                    && table
                        .input_columns()
                        .position(|(i, _)| i == c)
                        .is_some_and(|k| values.get(k).is_none_or(Option::is_none))
            }
            _ => false,
        };
        match self.value(t, r, c) {
            Some(v) if !stated_none => format_amount(v, Some(table.decimals)),
            _ => table.empty.clone(),
        }
    }

    fn cell(&self, t: usize, r: usize, c: usize) -> CellRef {
        CellRef { table: self.figures.computed.tables[t].id.clone(), row: r, column: c }
    }

    /// A list of ids (`columns:` or `rows:`), each checked by `index`.
    fn chosen(
        &self,
        list: &Node,
        diagnostics: &mut Diagnostics,
        mut index: impl FnMut(&str, &Node, &mut Diagnostics) -> Option<usize>,
    ) -> Option<Vec<usize>> {
        let Some(items) = list.as_seq().filter(|i| !i.is_empty()) else {
            diagnostics.push(self.error(list, format!("expected a list of ids, found {}", list.describe())));
            return None;
        };
        let found: Vec<Option<usize>> =
            items.iter().map(|n| index(n.as_str().unwrap_or_default(), n, diagnostics)).collect();
        found.into_iter().collect()
    }

    /// `row: rr.arets_resultat`: one line over the table's typed columns (or `columns:`).
    fn row_series(&self, node: &Node, columns: Option<&Node>, diagnostics: &mut Diagnostics) -> Option<ReadSeries> {
        let text = node.as_str().unwrap_or_default().trim();
        let Some((table_id, row_id)) =
            text.split_once('.').filter(|(t, r)| !t.is_empty() && !r.contains('[') && !r.is_empty())
        else {
            diagnostics.push(
                self.error(node, format!("expected a line as `table.line`, found {}", node.describe()))
                    .with_hint("for example `row: rr.arets_resultat`"),
            );
            return None;
        };
        let (t, table) = self.table(table_id, node, diagnostics)?;
        let r = self.row_index(table, row_id, node, diagnostics)?;
        let chosen = match columns {
            Some(list) => self.chosen(list, diagnostics, |id, at, d| self.column_index(table, id, at, d))?,
            // Computed columns (a row total, a deviation) are left out unless chosen.
            None => table.input_columns().map(|(c, _)| c).collect(),
        };
        Some(ReadSeries {
            series: Series {
                label: table.rows[r].label.clone(),
                values: chosen.iter().map(|&c| self.value(t, r, c)).collect(),
                sources: chosen.iter().map(|&c| self.cell(t, r, c)).collect(),
                texts: chosen.iter().map(|&c| self.text(t, r, c)).collect(),
                as_line: false,
                status: None,
            },
            categories: chosen.iter().map(|&c| table.columns[c].label.clone()).collect(),
            unit: table.row_unit(r),
            decimals: table.row_decimals(r),
            node: node.clone(),
        })
    }

    /// `column: drift[utfall]`: one column over the table's lines (its
    /// figure lines without totals, unless `rows:` chooses them).
    fn column_series(&self, node: &Node, rows: Option<&Node>, diagnostics: &mut Diagnostics) -> Option<ReadSeries> {
        let text = node.as_str().unwrap_or_default().trim();
        let Some((table_id, column_id)) = text
            .strip_suffix(']')
            .and_then(|t| t.split_once('['))
            .filter(|(t, c)| !t.is_empty() && !t.contains('.') && !c.is_empty())
        else {
            diagnostics.push(
                self.error(node, format!("expected a column as `table[column]`, found {}", node.describe()))
                    .with_hint("for example `column: drift[utfall]`"),
            );
            return None;
        };
        let column_id = column_id.trim_matches('"');
        let (t, table) = self.table(table_id, node, diagnostics)?;
        let c = self.column_index(table, column_id, node, diagnostics)?;
        let chosen = match rows {
            Some(list) => self.chosen(list, diagnostics, |id, at, d| self.row_index(table, id, at, d))?,
            None => (0..table.rows.len())
                .filter(|&r| {
                    let row = &table.rows[r];
                    !row.total && !matches!(row.source, RowSource::Heading)
                })
                .collect(),
        };
        if chosen.is_empty() {
            diagnostics.push(self.error(node, format!("the table `{}` has no line of figures to chart", table.id)));
            return None;
        }
        if let Some(&other) = chosen.iter().find(|&&r| table.row_unit_name(r) != table.row_unit_name(chosen[0])) {
            diagnostics.push(self.error(
                node,
                format!(
                    "the line “{}” is in {}, the line “{}” in {}: one chart has one unit on its axis",
                    table.rows[other].label,
                    table.row_unit_name(other),
                    table.rows[chosen[0]].label,
                    table.row_unit_name(chosen[0])
                ),
            ));
            return None;
        }
        Some(ReadSeries {
            series: Series {
                label: table.columns[c].label.clone(),
                values: chosen.iter().map(|&r| self.value(t, r, c)).collect(),
                sources: chosen.iter().map(|&r| self.cell(t, r, c)).collect(),
                texts: chosen.iter().map(|&r| self.text(t, r, c)).collect(),
                as_line: false,
                status: None,
            },
            categories: chosen.iter().map(|&r| table.rows[r].label.clone()).collect(),
            unit: table.row_unit(chosen[0]),
            decimals: chosen.iter().map(|&r| table.row_decimals(r)).max().unwrap_or(table.decimals),
            node: node.clone(),
        })
    }

    /// `cells: [kansli.arets_resultat[2013], navet.arets_resultat[2013]]`:
    /// single figures, each named by its line's label.
    fn cell_series(&self, node: &Node, diagnostics: &mut Diagnostics) -> Option<ReadSeries> {
        let Some(items) = node.as_seq().filter(|i| !i.is_empty()) else {
            diagnostics.push(
                self.error(node, format!("expected a list of figures, found {}", node.describe()))
                    .with_hint("for example `cells: [kansli.arets_resultat[2013], navet.arets_resultat[2013]]`"),
            );
            return None;
        };
        let mut values = Vec::new();
        let mut sources = Vec::new();
        let mut texts = Vec::new();
        let mut categories = Vec::new();
        let mut units: Vec<(Unit, &Node)> = Vec::new();
        let mut decimals = 0;
        let mut ok = true;
        for item in items {
            let text = item.as_str().unwrap_or_default().trim();
            let parsed = text.strip_suffix(']').and_then(|t| t.split_once('[')).and_then(|(path, c)| {
                let (t, r) = path.split_once('.')?;
                (!t.is_empty() && !r.is_empty() && !c.is_empty()).then(|| (t, r, c.trim_matches('"')))
            });
            let Some((table_id, row_id, column_id)) = parsed else {
                diagnostics.push(
                    self.error(item, format!("expected a figure as `table.line[column]`, found {}", item.describe()))
                        .with_hint("for example `kansli.arets_resultat[2013]`"),
                );
                ok = false;
                continue;
            };
            let Some((t, table)) = self.table(table_id, item, diagnostics) else {
                ok = false;
                continue;
            };
            let (Some(r), Some(c)) = (
                self.row_index(table, row_id, item, diagnostics),
                self.column_index(table, column_id, item, diagnostics),
            ) else {
                ok = false;
                continue;
            };
            values.push(self.value(t, r, c));
            sources.push(self.cell(t, r, c));
            texts.push(self.text(t, r, c));
            categories.push(table.rows[r].label.clone());
            units.push((table.row_unit(r), item));
            decimals = decimals.max(table.decimals);
        }
        if let Some(&(first, _)) = units.first()
            && let Some(&(other, at)) = units.iter().find(|(u, _)| *u != first)
        {
            diagnostics.push(
                self.error(
                    at,
                    format!(
                        "this figure is in {}, the first of the series in {}: one chart has one unit on its axis",
                        other.name(),
                        first.name()
                    ),
                )
                .with_hint("show figures of another unit in a chart of their own"),
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        Some(ReadSeries {
            series: Series { label: String::new(), values, sources, texts, as_line: false, status: None },
            categories,
            unit: units[0].0,
            decimals,
            node: node.clone(),
        })
    }
}

fn missing(d: Diagnostic, id: &str, ids: &[&str]) -> Diagnostic {
    match nearest(id, ids) {
        Some(n) => d.with_hint(format!("did you mean `{n}`?")),
        None if ids.is_empty() => d,
        None => d.with_hint(format!("it has: {}", ids.join(", "))),
    }
}

fn quoted_list(items: &[String]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::load;

    const TABLES: &str = r#"
defaults:
  unit: tkr
  columns: ["2012", "2013"]
tables:
  - id: rr
    title: Resultaträkning
    rows:
      - {id: kansli, label: Kansli, values: [1 200, -300]}
      - {id: navet, label: Navet, values: [~, 450]}
      - {id: summa, label: Summa, sum: [kansli, navet]}
  - id: besok
    title: Besökare
    unit: antal
    rows:
      - {id: boras, label: Borås, values: [10, 12]}
"#;

    fn with(charts: &str) -> Result<Charts, String> {
        load(&format!("{TABLES}charts:\n{charts}"))
    }

    #[test]
    fn a_row_runs_over_the_columns_and_a_column_over_the_lines() {
        let charts = with(
            "  - {id: a, type: grouped, title: Resultat, series: [{row: rr.kansli}, {row: rr.navet, label: Navet i Borås}]}\n  - {id: b, type: bar, horizontal: true, title: Per enhet, series: [{column: \"rr[2013]\"}]}\n",
        )
        .unwrap();
        let a = charts.get("a").unwrap();
        assert_eq!(a.categories, ["2012", "2013"]);
        assert_eq!(a.series[0].label, "Kansli");
        assert_eq!(a.series[0].values, [Some(Decimal::from(1200)), Some(Decimal::from(-300))]);
        // A missing figure is a gap, never a zero.
        assert_eq!(a.series[1].values, [None, Some(Decimal::from(450))]);
        assert_eq!(a.series[1].label, "Navet i Borås");
        assert_eq!(a.series[1].sources[1], CellRef { table: "rr".into(), row: 1, column: 1 });
        let b = charts.get("b").unwrap();
        // Totals are left out of a column unless chosen with `rows:`.
        assert_eq!(b.categories, ["Kansli", "Navet"]);
        assert!(b.horizontal);
        assert_eq!(b.unit_name(), Some("tkr"));
    }

    #[test]
    fn cells_are_named_by_their_lines() {
        let charts =
            with("  - {id: c, type: bar, title: Resultat 2013, series: [{cells: [\"rr.kansli[2013]\", \"rr.summa[2012]\"]}]}\n")
                .unwrap();
        let c = charts.get("c").unwrap();
        assert_eq!(c.categories, ["Kansli", "Summa"]);
        assert_eq!(c.series[0].values, [Some(Decimal::from(-300)), None]);
        assert_eq!(c.series[0].label, "Resultat 2013");
    }

    #[test]
    fn located_errors_for_missing_figures_units_and_types() {
        let errors = with(concat!(
            "  - {id: a, type: bar, title: T, series: [{row: rr.kanslii}]}\n",
            "  - {id: b, type: pie, title: T, series: [{row: rr.kansli}]}\n",
            "  - {id: c, type: grouped, title: T, series: [{row: rr.kansli}, {row: besok.boras}]}\n",
            "  - {id: f, type: column, title: T, series: [{row: rr.kansli}]}\n",
            "  - {id: d, type: line, title: T, series: [{column: \"rx[2013]\"}]}\n",
            "  - {id: e, type: bar, title: T, series: [{row: rr.kansli}, {row: rr.navet}]}\n",
            "  - {id: g, type: bar, title: T, series: [{row: rr.kansli}]}\n",
            "  - {id: g, type: bar, title: T, series: [{row: rr.kansli}]}\n",
        ))
        .unwrap_err();
        assert!(errors.contains("the table `rr` has no line `kanslii`"), "{errors}");
        assert!(errors.contains("did you mean `kansli`?"), "{errors}");
        assert!(errors.contains("there are no pie charts"), "{errors}");
        assert!(
            errors.contains("expected one of `bar`, `grouped`, `stacked`, `line`, `bar-line`, found `column`"),
            "{errors}"
        );
        assert!(errors.contains("this series is in antal, the first series of the chart in tkr"), "{errors}");
        assert!(errors.contains("there is no table `rx` for this chart"), "{errors}");
        assert!(errors.contains("a `bar` chart shows one series"), "{errors}");
        assert!(errors.contains("the chart id `g` is used twice"), "{errors}");
        assert!(errors.contains("content/data/figurer.yaml:23:"), "located at the chart's line: {errors}");
    }

    /// Goals counted per status and area: one series per status that some
    /// goal has, the areas as categories, counts as the data table shows them.
    #[test]
    fn a_goal_chart_counts_goals_per_status_and_area() {
        let goals =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/charts/goals.yaml")).unwrap();
        let charts =
            crate::charts::testing::load_with_goals(crate::charts::svg::tests::GOAL_CHART, Some(&goals)).unwrap();
        let c = &charts.charts[0];
        assert_eq!(c.categories, ["Navet", "Medarbetarcentrum"]);
        let series: Vec<(&str, Option<Status>, Vec<String>)> =
            c.series.iter().map(|s| (s.label.as_str(), s.status, s.texts.clone())).collect();
        assert_eq!(
            series,
            [
                ("✓ Uppfyllt", Some(Status::Met), vec!["2".to_owned(), "1".to_owned()]),
                ("(✓) Delvis uppfyllt", Some(Status::Partly), vec!["1".to_owned(), "0".to_owned()]),
                ("✗ Ej uppfyllt", Some(Status::NotMet), vec!["0".to_owned(), "1".to_owned()]),
                ("– Ej rapporterat", Some(Status::NotReported), vec!["0".to_owned(), "1".to_owned()]),
            ]
        );
        assert_eq!(c.unit, Unit::Antal);
    }

    #[test]
    fn a_goal_chart_names_a_goal_set_that_exists() {
        let goals =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/charts/goals.yaml")).unwrap();
        let errors = crate::charts::testing::load_with_goals(
            concat!(
                "charts:\n",
                "  - {id: a, type: stacked, title: T, source: {goals: mall, by: area}}\n",
                "  - {id: b, type: stacked, title: T, source: {goals: mal, by: strategic}}\n",
                "  - {id: c, type: stacked, title: T, source: {goals: mal}, series: [{row: rr.kansli}]}\n",
            ),
            Some(&goals),
        )
        .unwrap_err();
        assert!(errors.contains("there is no goal set `mall`: no data file `mall` with `areas:`"), "{errors}");
        assert!(
            errors.contains("content/data/figurer.yaml:2:54") && errors.contains("did you mean `mal`?"),
            "{errors}"
        );
        assert!(errors.contains("expected one of `area`, found `strategic`"), "{errors}");
        assert!(errors.contains("from `series:` or from `source:`, not both"), "{errors}");
    }
}
