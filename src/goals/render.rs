//! Goals as Markdown, placed in chapters by Tera functions:
//! `{{ goals(area="navet") }}`, `{{ goal_summary() }}` and `{{ area(id="navet") }}`.
//! Both outputs then render the same Markdown, so they cannot disagree.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use rust_decimal::Decimal;
use tera::{Kwargs, State, Tera, Value};

use super::{Achieved, Area, BUILT_IN_COLUMNS, Goal, GoalSchema, Goals, Measure, Prognos, Status, TargetKind, View};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::format::{format_amount, format_percent};
use crate::project::nearest;

/// Escapes text for Markdown: every ASCII punctuation character gets a backslash,
/// and line breaks become spaces, so a value from YAML is shown literally.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Labels from the theme's language file.
pub type Labels = BTreeMap<String, String>;

fn label<'a>(labels: &'a Labels, key: &'a str) -> &'a str {
    labels.get(key).map(String::as_str).unwrap_or(key)
}

/// "✓ Uppfyllt": a symbol and a word, never colour alone.
pub fn status_text(labels: &Labels, status: Status) -> String {
    let key = status.key();
    format!("{} {}", label(labels, &format!("{key}_symbol")), label(labels, key))
}

/// The status's symbol and word as Markdown marked with the status
/// (`[✓ Uppfyllt]{status=uppfyllt}`), so both outputs set the theme's
/// colour for it as a marker beside them.
pub fn status_markdown(labels: &Labels, status: Status) -> String {
    let name = Status::NAMES.iter().find(|(_, s)| *s == status).map(|(n, _)| *n).unwrap_or_default();
    format!("[{}]{{status={name}}}", escape_markdown(&status_text(labels, status)))
}

/// A legend of the statuses: each one's marker, symbol and word.
pub fn status_legend(labels: &Labels) -> String {
    let items: Vec<String> = Status::ALL.iter().map(|s| status_markdown(labels, *s)).collect();
    format!("\n{} {}\n\n", escape_markdown(label(labels, "goals_legend")), items.join(", "))
}

fn target_text(labels: &Labels, kind: &TargetKind, unit: &str) -> String {
    // A no-break space keeps a figure and its unit on one line.
    let amount =
        |d: &Decimal| format!("{}\u{a0}{unit}", format_amount(*d, None)).trim_end_matches(['\u{a0}', ' ']).to_owned();
    match kind {
        TargetKind::AtLeast(v) => format!("{} {}", label(labels, "target_at_least"), amount(v)),
        TargetKind::AtMost(v) => format!("{} {}", label(labels, "target_at_most"), amount(v)),
        TargetKind::About { value, .. } => format!("{} {}", label(labels, "target_about"), amount(value)),
        // A word joiner after the dash: a range does not break across lines.
        TargetKind::Range(low, high) => format!("{}–\u{2060}{}", format_amount(*low, None), amount(high)),
        TargetKind::Change { baseline, share } => {
            let word = if share.is_sign_negative() { "target_decrease" } else { "target_increase" };
            format!(
                "{} {} {} {}",
                label(labels, word),
                format_percent(share.abs() * Decimal::from(100), None),
                label(labels, "target_from"),
                amount(baseline)
            )
        }
        TargetKind::Done => label(labels, "target_done").to_owned(),
    }
}

fn outcome_text(labels: &Labels, achieved: &Achieved) -> String {
    match achieved {
        Achieved::Value { value, unit, .. } => {
            format!("{}\u{a0}{unit}", format_amount(*value, None)).trim_end_matches(['\u{a0}', ' ']).to_owned()
        }
        Achieved::Done(Status::Met) => label(labels, "outcome_done").to_owned(),
        Achieved::Done(Status::Partly) => label(labels, "outcome_partly_done").to_owned(),
        Achieved::Done(_) => label(labels, "outcome_not_done").to_owned(),
        Achieved::Nothing => String::new(),
    }
}

/// A GFM table row from cells already escaped.
fn row(cells: &[String]) -> String {
    format!("| {} |\n", cells.join(" | "))
}

/// "Bedöms uppfyllas" and the like: a forecast judged in words.
fn judged_text(labels: &Labels, status: Status) -> String {
    match status {
        Status::Met => label(labels, "prognos_met").to_owned(),
        Status::Partly => label(labels, "prognos_partly").to_owned(),
        Status::NotMet => label(labels, "prognos_not_met").to_owned(),
        other => status_text(labels, other),
    }
}

fn prognos_text(labels: &Labels, measure: &Measure) -> String {
    match (&measure.prognos, measure.prognos_status) {
        (Some(Prognos::Value(achieved)), Some(status)) => {
            format!("{} ({})", outcome_text(labels, achieved), judged_text(labels, status))
        }
        (_, Some(status)) => judged_text(labels, status),
        _ => String::new(),
    }
}

/// A measure's comment, with the justification of a stated status.
fn comment_text(labels: &Labels, measure: &Measure) -> String {
    let outcome = measure.outcome.as_ref();
    let mut comment = outcome.map(|o| o.comment.clone()).unwrap_or_default();
    if let Some((_, why)) = outcome.and_then(|o| o.stated.as_ref()) {
        let stated = format!("{} {why}", label(labels, "status_stated"));
        comment = if comment.is_empty() { stated } else { format!("{comment}. {stated}") };
    }
    comment
}

/// A column's heading: a built-in label or the declared field's.
fn column_label<'a>(labels: &'a Labels, schema: &'a GoalSchema, column: &'a str) -> &'a str {
    match column {
        "goal" | "target" | "outcome" | "status" | "comment" | "prognos" => label(labels, column),
        "strategic" => label(labels, "strategic_goal"),
        field => schema.fields.iter().find(|(id, _)| id == field).map(|(_, l)| l.as_str()).unwrap_or(field),
    }
}

/// The text of a goal's own column (its title, strategic goals, declared fields).
fn goal_cell(goals: &Goals, goal: &Goal, column: &str) -> Option<String> {
    match column {
        "goal" => Some(format!("{}. {}", goal.number, goal.title)),
        "strategic" => Some(
            goal.strategic
                .iter()
                .map(|id| goals.strategic.iter().find(|s| s.id == *id).map(|s| s.title.as_str()).unwrap_or(id))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        "target" | "outcome" | "status" | "comment" | "prognos" => None,
        field => Some(goal.field(field).to_owned()),
    }
}

/// A measure's column as Markdown; `named` when its description already
/// stands in the row's first cell.
fn measure_cell(labels: &Labels, measure: &Measure, column: &str, named: bool) -> String {
    match column {
        "status" => status_markdown(labels, measure.status),
        _ => escape_markdown(&measure_text(labels, measure, column, named)),
    }
}

/// The text of a measure's column other than its status.
fn measure_text(labels: &Labels, measure: &Measure, column: &str, named: bool) -> String {
    match column {
        "target" => {
            let target = measure.target.as_ref().map(|t| target_text(labels, &t.kind, &t.unit)).unwrap_or_default();
            match (named || measure.description.is_empty(), target.is_empty()) {
                (true, _) => target,
                (false, true) => measure.description.clone(),
                (false, false) => format!("{}: {target}", measure.description),
            }
        }
        "outcome" => measure.outcome.as_ref().map(|o| outcome_text(labels, &o.achieved)).unwrap_or_default(),
        "comment" => comment_text(labels, measure),
        "prognos" => prognos_text(labels, measure),
        _ => String::new(),
    }
}

/// The rows of one goal, as Markdown cells: one row when it has at most one
/// measure; otherwise a row for the goal (with its derived status) and a row per measure.
fn goal_rows(labels: &Labels, goals: &Goals, goal: &Goal, columns: &[String]) -> Vec<Vec<String>> {
    let goal_row = |measure: Option<&Measure>| -> Vec<String> {
        columns
            .iter()
            .map(|c| match (goal_cell(goals, goal, c), measure) {
                (Some(text), _) => escape_markdown(&text),
                (None, _) if c == "status" => status_markdown(labels, goal.status),
                (None, _) if c == "prognos" && measure.is_none() => {
                    escape_markdown(&goal.prognos_status.map(|s| judged_text(labels, s)).unwrap_or_default())
                }
                (None, Some(m)) => measure_cell(labels, m, c, false),
                (None, None) => String::new(),
            })
            .collect()
    };
    if goal.measures.len() <= 1 {
        return vec![goal_row(goal.measures.first())];
    }
    let mut rows = vec![goal_row(None)];
    for (i, m) in goal.measures.iter().enumerate() {
        rows.push(
            columns
                .iter()
                .map(|c| match c.as_str() {
                    "goal" => escape_markdown(format!("{}.{} {}", goal.number, i + 1, m.description).trim_end()),
                    _ if goal_cell(goals, goal, c).is_some() => String::new(),
                    _ => measure_cell(labels, m, c, true),
                })
                .collect(),
        );
    }
    rows
}

/// Goals that share a value of a field: (heading, goals).
type Group<'a> = (String, Vec<&'a Goal>);

/// The goals of an area grouped by a declared field or by `strategic`, in
/// the order the values first appear (strategic goals: as declared); goals
/// with no value last.
fn groups<'a>(labels: &Labels, goals: &Goals, area: &'a Area, by: &str) -> Vec<Group<'a>> {
    let mut out: Vec<Group<'a>> = Vec::new();
    let mut others = Vec::new();
    let add = |key: String, goal: &'a Goal, out: &mut Vec<Group<'a>>| match out.iter_mut().find(|(k, _)| *k == key) {
        Some((_, list)) => list.push(goal),
        None => out.push((key, vec![goal])),
    };
    if by == "strategic" {
        for s in &goals.strategic {
            for goal in area.goals.iter().filter(|g| g.strategic.contains(&s.id)) {
                add(s.title.clone(), goal, &mut out);
            }
        }
        others.extend(area.goals.iter().filter(|g| g.strategic.is_empty()));
    } else {
        for goal in &area.goals {
            match goal.field(by) {
                "" => others.push(goal),
                value => add(value.to_owned(), goal, &mut out),
            }
        }
    }
    if !others.is_empty() {
        out.push((label(labels, "goals_other_group").to_owned(), others));
    }
    out
}

/// How one group of goals fared: "Antal mål: 3 (✓ Uppfyllt 2, ✗ Ej uppfyllt 1)".
fn group_summary(labels: &Labels, goals: &[&Goal], view: View) -> String {
    let mut text = escape_markdown(&format!("{} {}", label(labels, "goals_group_count"), goals.len()));
    let status = |g: &Goal| match view {
        View::Prognos => g.prognos_status,
        _ => Some(g.status),
    };
    if view != View::Plan {
        let parts: Vec<String> = Status::ALL
            .iter()
            .filter_map(|s| {
                let n = goals.iter().filter(|g| status(g) == Some(*s)).count();
                let name = match view {
                    View::Prognos => escape_markdown(&judged_text(labels, *s)),
                    _ => status_markdown(labels, *s),
                };
                (n > 0).then(|| format!("{name} {n}"))
            })
            .collect();
        if !parts.is_empty() {
            text.push_str(&format!(" \\({}\\)", parts.join(", ")));
        }
    }
    text
}

/// One table of goals with its caption.
fn table(labels: &Labels, goals: &Goals, area: &Area, list: &[&Goal], view: View, scope: &str) -> String {
    let columns = area.schema.columns(view);
    let caption_key = match view {
        View::Plan => "goals_plan_caption",
        View::FollowUp => "goals_follow_up_caption",
        View::Prognos => "goals_prognos_caption",
    };
    let header: Vec<String> = columns.iter().map(|c| escape_markdown(column_label(labels, &area.schema, c))).collect();
    let mut out =
        format!("\n{} {}, {}\n\n", label(labels, "table_caption"), label(labels, caption_key), escape_markdown(scope));
    out.push_str(&row(&header));
    out.push_str(&row(&vec!["---".to_owned(); header.len()]));
    for goal in list {
        for cells in goal_rows(labels, goals, goal, columns) {
            out.push_str(&row(&cells));
        }
    }
    out.push('\n');
    out
}

/// The goals of an area in a view's columns. Goals are numbered from their
/// records, so a list and its comments cannot disagree. Grouped by a field,
/// each group gets a heading at `level`, its table and a summary line.
pub fn goals_table(
    labels: &Labels,
    goals: &Goals,
    area: &Area,
    view: View,
    group_by: Option<(&str, usize)>,
) -> Result<String, String> {
    let Some((by, level)) = group_by else {
        let list: Vec<&Goal> = area.goals.iter().collect();
        return Ok(table(labels, goals, area, &list, view, &area.title));
    };
    let names: Vec<&str> =
        area.schema.column_names().into_iter().filter(|n| *n == "strategic" || !BUILT_IN_COLUMNS.contains(n)).collect();
    if !names.contains(&by) {
        let hint = nearest(by, &names)
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_else(|| format!("; goals can be grouped by {}", names.join(", ")));
        return Err(format!(
            "goals cannot be grouped by `{by}`: it is neither `strategic` nor a declared goal field{hint}"
        ));
    }
    if !(1..=6).contains(&level) {
        return Err(format!("`level` is a heading level from 1 to 6, not {level}"));
    }
    let mut out = String::new();
    for (heading, list) in groups(labels, goals, area, by) {
        out.push_str(&format!("\n{} {}\n", "#".repeat(level), escape_markdown(&heading)));
        out.push_str(&table(labels, goals, area, &list, view, &format!("{} – {heading}", area.title)));
        out.push_str(&format!("{}\n\n", group_summary(labels, &list, view)));
    }
    Ok(out)
}

/// Count and share of goals per status, per area and for all areas. The
/// "ej mätbart" column is shown only when a goal has that status.
pub fn summary_table(labels: &Labels, areas: &[&Area]) -> String {
    let counts = |area: &Area| {
        let mut c = [0usize; Status::ALL.len()];
        for g in &area.goals {
            c[Status::ALL.iter().position(|s| *s == g.status).unwrap_or(Status::ALL.len() - 1)] += 1;
        }
        c
    };
    let measurable_only = areas.iter().all(|a| a.goals.iter().all(|g| g.status != Status::NotMeasurable));
    let shown: Vec<usize> =
        (0..Status::ALL.len()).filter(|i| !(measurable_only && Status::ALL[*i] == Status::NotMeasurable)).collect();
    let mut header = vec![escape_markdown(label(labels, "area"))];
    for i in &shown {
        header.push(status_markdown(labels, Status::ALL[*i]));
    }
    header.push(escape_markdown(label(labels, "sum")));
    let scope = match areas {
        [one] => format!("{}, {}", label(labels, "goals_summary_caption"), escape_markdown(&one.title)),
        _ => label(labels, "goals_summary_caption").to_owned(),
    };
    let mut out = format!("\n{} {scope}\n\n", label(labels, "table_caption"));
    out.push_str(&row(&header));
    let mut align = vec![":---".to_owned()];
    align.extend(std::iter::repeat_n("---:".to_owned(), shown.len() + 1));
    out.push_str(&row(&align));
    let mut totals = [0usize; Status::ALL.len()];
    // `name` is Markdown, already escaped.
    let line = |name: String, c: [usize; Status::ALL.len()]| {
        let total: usize = c.iter().sum();
        let mut cells = vec![name];
        for n in shown.iter().map(|i| c[*i]) {
            let share = if total == 0 { Decimal::ZERO } else { Decimal::from(n * 100) / Decimal::from(total) };
            cells.push(escape_markdown(&format!("{n} ({})", format_percent(share, Some(0)))));
        }
        cells.push(total.to_string());
        row(&cells)
    };
    for area in areas {
        let c = counts(area);
        for (t, n) in totals.iter_mut().zip(c) {
            *t += n;
        }
        out.push_str(&line(escape_markdown(&area.title), c));
    }
    if areas.len() > 1 {
        out.push_str(&line(format!("**{}**", escape_markdown(label(labels, "all_areas"))), totals));
    }
    out.push('\n');
    out
}

/// A plan's summary: there are no outcomes yet, so it says so and counts the
/// goals per area instead of counting every goal as "ej rapporterat".
pub fn plan_summary(labels: &Labels, areas: &[&Area]) -> String {
    let mut out = format!("\n{}\n\n", escape_markdown(label(labels, "goals_plan_no_outcomes")));
    out.push_str(&format!("{} {}\n\n", label(labels, "table_caption"), label(labels, "goals_plan_summary_caption")));
    out.push_str(&row(&[escape_markdown(label(labels, "area")), escape_markdown(label(labels, "goals_count"))]));
    out.push_str(&row(&[":---".to_owned(), "---:".to_owned()]));
    for area in areas {
        out.push_str(&row(&[escape_markdown(&area.title), area.goals.len().to_string()]));
    }
    if areas.len() > 1 {
        let total: usize = areas.iter().map(|a| a.goals.len()).sum();
        out.push_str(&row(&[format!("**{}**", escape_markdown(label(labels, "all_areas"))), total.to_string()]));
    }
    out.push('\n');
    out
}

/// Markdown as one definition of a definition list: its first line after
/// the `: ` marker, the lines after it indented to stay inside it. A `<` is
/// text: HTML written in a goals file is shown as written, never run.
fn definition(markdown: &str) -> String {
    indented(&markdown.replace('<', "\\<"), ": ", "  ")
}

/// Markdown as one item of a bulleted list.
fn list_item(markdown: &str) -> String {
    indented(markdown, "- ", "  ")
}

/// `first` before the first line, `rest` before every later line that is not blank.
fn indented(markdown: &str, first: &str, rest: &str) -> String {
    let mut out = String::new();
    for (i, line) in markdown.trim().lines().enumerate() {
        let blank = line.trim().is_empty();
        let prefix = match (i, blank) {
            (0, _) => first,
            (_, true) => "",
            _ => rest,
        };
        out.push_str(prefix);
        out.push_str(if blank { "" } else { line });
        out.push('\n');
    }
    out
}

/// An area's record as a definition list: each field's label and its text
/// (Markdown: paragraphs, lists, links, emphasis), then how the work serves
/// each strategic goal, with its result in a follow-up (a plan is written
/// before there are results).
pub fn area_record(labels: &Labels, goals: &Goals, area: &Area, follow_up: bool) -> String {
    let mut out = String::from("\n");
    for (field, texts) in &area.record {
        let markdown = match texts.as_slice() {
            [] => continue,
            [one] => one.markdown.clone(),
            items => items.iter().map(|t| list_item(&t.markdown)).collect(),
        };
        out.push_str(&escape_markdown(field));
        out.push('\n');
        out.push_str(&definition(&markdown));
        out.push('\n');
    }
    // Each strategic goal is a term of the list, never a bold paragraph
    // standing in for a heading; its entries are the definitions.
    let mut previous: Option<&str> = None;
    for (id, text, result) in &area.narrative {
        let mut definitions = Vec::new();
        if let Some(text) = text.as_ref().filter(|t| !t.markdown.trim().is_empty()) {
            definitions.push(definition(&text.markdown));
        }
        if let Some(result) = result.as_ref().filter(|t| follow_up && !t.markdown.trim().is_empty()) {
            let label = escape_markdown(label(labels, "result"));
            definitions.push(definition(&format!("**{label}** {}", result.markdown.trim_start())));
        }
        if definitions.is_empty() {
            continue;
        }
        if previous != Some(id.as_str()) {
            let title = goals.strategic.iter().find(|s| s.id == *id).map(|s| s.title.as_str()).unwrap_or(id);
            out.push_str(&format!("\n{}\n", escape_markdown(title)));
            previous = Some(id);
        }
        out.push_str(&definitions.concat());
    }
    out.push('\n');
    out
}

/// Registers the goal functions. `default_view` is the view this document's
/// kind shows unless `view=` says otherwise.
/// `period` is an interim report's first and last month and its year: the
/// outcome column is then headed by it, "Utfall jan–apr 2024".
/// Returns the ids of the areas the chapters place, filled in as they are expanded.
pub fn register(
    tera: &mut Tera,
    goals: &Goals,
    labels: &Labels,
    default_view: View,
    period: Option<(u32, u32, i32)>,
) -> Placed {
    let mut labels = labels.clone();
    if let Some(period) = period {
        let heading = format!("{} {}", label(&labels, "outcome"), period_text(&labels, period));
        labels.insert("outcome".to_owned(), heading);
    }
    let shared = Arc::new((goals.clone(), labels));
    let placed = Placed::default();
    let unknown = |goals: &Goals, id: &str| {
        let names: Vec<&str> = goals.areas.iter().map(|a| a.id.as_str()).collect();
        let hint = nearest(id, &names).map(|n| format!("; did you mean `{n}`?")).unwrap_or_default();
        tera::Error::message(format!("there is no area `{id}`{hint}"))
    };
    let (s, p) = (shared.clone(), placed.clone());
    tera.register_function("goals", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let (goals, labels) = &*s;
        let id: &str = kwargs.must_get("area")?;
        let area = goals.area(id).ok_or_else(|| unknown(goals, id))?;
        p.insert(id);
        let level = kwargs.get::<i64>("level")?.unwrap_or(3);
        let group_by = kwargs.get::<&str>("group_by")?.map(|by| (by, usize::try_from(level).unwrap_or(0)));
        if group_by.is_none() && kwargs.get::<i64>("level")?.is_some() {
            return Err(tera::Error::message("`level` is the heading level of the groups: it needs `group_by`"));
        }
        let table =
            goals_table(labels, goals, area, view(&kwargs, default_view)?, group_by).map_err(tera::Error::message)?;
        Ok(Value::safe_string(&table))
    });
    let (s, p) = (shared.clone(), placed.clone());
    tera.register_function("goal_summary", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let (goals, labels) = &*s;
        let areas: Vec<&Area> = match kwargs.get::<&str>("area")? {
            Some(id) => {
                p.insert(id);
                vec![goals.area(id).ok_or_else(|| unknown(goals, id))?]
            }
            None => goals.areas.iter().filter(|a| !a.goals.is_empty()).collect(),
        };
        let summary = match view(&kwargs, default_view)? {
            View::Plan => plan_summary(labels, &areas),
            _ => summary_table(labels, &areas),
        };
        Ok(Value::safe_string(&summary))
    });
    let s = shared.clone();
    tera.register_function("goal_legend", move |_: Kwargs, _: &State| -> tera::TeraResult<Value> {
        Ok(Value::safe_string(&status_legend(&s.1)))
    });
    let (s, p) = (shared, placed.clone());
    tera.register_function("area", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let (goals, labels) = &*s;
        let id: &str = kwargs.must_get("id")?;
        let area = goals.area(id).ok_or_else(|| unknown(goals, id))?;
        p.insert(id);
        let follow_up = view(&kwargs, default_view)? != View::Plan;
        Ok(Value::safe_string(&area_record(labels, goals, area, follow_up)))
    });
    placed
}

/// The ids of the areas placed by `area()`, `goals()` or `goal_summary(area=…)`.
#[derive(Debug, Clone, Default)]
pub struct Placed(Arc<Mutex<BTreeSet<String>>>);

impl Placed {
    fn insert(&self, id: &str) {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(id.to_owned());
    }

    /// A warning, at the area's line, for each area of `goals` not placed.
    /// `sources`: the text of each data file, by project-relative path.
    pub fn unplaced(&self, goals: &Goals, sources: &BTreeMap<String, String>) -> Diagnostics {
        let placed = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut warnings = Diagnostics::new();
        for area in goals.areas.iter().filter(|a| !placed.contains(&a.id)) {
            warnings.push(
                Diagnostic::warning(
                    Some(area.loc.clone()),
                    format!("the area `{}` is not placed in any chapter", area.id),
                )
                .with_hint(format!(
                    "place it with `{{{{ area(id=\"{id}\") }}}}` or `{{{{ goals(area=\"{id}\") }}}}`, or remove it",
                    id = area.id
                ))
                .with_source(sources.get(&area.loc.file).map(String::as_str).unwrap_or_default()),
            );
        }
        warnings
    }
}

/// "jan–apr 2024", with the theme's short month names; a single month alone.
pub fn period_text(labels: &Labels, (first, last, year): (u32, u32, i32)) -> String {
    let months: Vec<&str> = label(labels, "months_short").split(',').map(str::trim).collect();
    let month = |m: u32| months.get(m as usize - 1).copied().map(str::to_owned).unwrap_or_else(|| m.to_string());
    if first == last {
        format!("{} {year}", month(first))
    } else {
        format!("{}\u{2013}{} {year}", month(first), month(last))
    }
}

/// The view `view=` asks for, or the document's.
fn view(kwargs: &Kwargs, default_view: View) -> tera::TeraResult<View> {
    match kwargs.get::<&str>("view")? {
        Some("follow-up") => Ok(View::FollowUp),
        Some(name) => {
            View::NAMES.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).ok_or_else(|| {
                tera::Error::message(format!("`view` is `plan`, `uppfoljning` or `prognos`, not `{name}`"))
            })
        }
        None => Ok(default_view),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Failed with the plain dash: a line could break after it, and the
    /// theme's measure of the cell (which breaks only at spaces) was too wide.
    #[test]
    fn a_target_keeps_its_figures_and_unit_on_one_line() {
        let labels = Labels::new();
        let range = target_text(&labels, &TargetKind::Range(Decimal::from(12), Decimal::from(16)), "chefer");
        assert_eq!(range, "12–\u{2060}16\u{a0}chefer");
        let at_least = target_text(&labels, &TargetKind::AtLeast(Decimal::from(2000)), "dagar");
        assert!(at_least.ends_with("2\u{a0}000\u{a0}dagar"), "{at_least:?}");
    }
}
