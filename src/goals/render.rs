//! Goals as Markdown, placed in chapters by Tera functions:
//! `{{ goals(area="navet") }}`, `{{ goal_summary() }}` and `{{ area(id="navet") }}`.
//! Both outputs then render the same Markdown, so they cannot disagree.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use tera::{Kwargs, State, Tera, Value};

use super::{Achieved, Area, Goals, Status, TargetKind};
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

/// The goals of an area: the plan view (goal, target) or the follow-up view
/// (goal, target, outcome, status, comment). Goals are numbered from their
/// records, so a list and its comments cannot disagree.
pub fn goals_table(labels: &Labels, area: &Area, follow_up: bool) -> String {
    let caption_key = if follow_up { "goals_follow_up_caption" } else { "goals_plan_caption" };
    let mut header = vec![label(labels, "goal"), label(labels, "target")];
    if follow_up {
        header.extend([label(labels, "outcome"), label(labels, "status"), label(labels, "comment")]);
    }
    let header: Vec<String> = header.into_iter().map(escape_markdown).collect();
    let mut out = format!(
        "\n{} {}, {}\n\n",
        label(labels, "table_caption"),
        label(labels, caption_key),
        escape_markdown(&area.title)
    );
    out.push_str(&row(&header));
    out.push_str(&row(&vec!["---".to_owned(); header.len()]));
    for goal in &area.goals {
        let mut cells = vec![
            escape_markdown(&format!("{}. {}", goal.number, goal.title)),
            escape_markdown(&goal.target.as_ref().map(|t| target_text(labels, &t.kind, &t.unit)).unwrap_or_default()),
        ];
        if follow_up {
            let outcome = goal.outcome.as_ref();
            let mut comment = outcome.map(|o| o.comment.clone()).unwrap_or_default();
            if let Some((_, why)) = outcome.and_then(|o| o.stated.as_ref()) {
                let stated = format!("{} {why}", label(labels, "status_stated"));
                comment = if comment.is_empty() { stated } else { format!("{comment}. {stated}") };
            }
            cells.push(escape_markdown(&outcome.map(|o| outcome_text(labels, &o.achieved)).unwrap_or_default()));
            cells.push(escape_markdown(&status_text(labels, goal.status)));
            cells.push(escape_markdown(&comment));
        }
        out.push_str(&row(&cells));
    }
    out.push('\n');
    out
}

/// Count and share of goals per status, per area and for all areas.
pub fn summary_table(labels: &Labels, areas: &[&Area]) -> String {
    let mut header = vec![escape_markdown(label(labels, "area"))];
    for status in Status::ALL {
        header.push(escape_markdown(&status_text(labels, status)));
    }
    header.push(escape_markdown(label(labels, "sum")));
    let scope = match areas {
        [one] => format!("{}, {}", label(labels, "goals_summary_caption"), escape_markdown(&one.title)),
        _ => label(labels, "goals_summary_caption").to_owned(),
    };
    let mut out = format!("\n{} {scope}\n\n", label(labels, "table_caption"));
    out.push_str(&row(&header));
    let mut align = vec![":---".to_owned()];
    align.extend(std::iter::repeat_n("---:".to_owned(), Status::ALL.len() + 1));
    out.push_str(&row(&align));
    let mut totals = [0usize; 4];
    let counts = |area: &Area| {
        let mut c = [0usize; 4];
        for g in &area.goals {
            c[Status::ALL.iter().position(|s| *s == g.status).unwrap_or(3)] += 1;
        }
        c
    };
    // `name` is Markdown, already escaped.
    let line = |name: String, c: [usize; 4]| {
        let total: usize = c.iter().sum();
        let mut cells = vec![name];
        for n in c {
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

/// An area's record as a definition list: each declared field and its text,
/// then how the work serves each strategic goal, with its result in a
/// follow-up (a plan is written before there are results).
pub fn area_record(labels: &Labels, goals: &Goals, area: &Area, follow_up: bool) -> String {
    let mut out = String::from("\n");
    for (field, lines) in &area.record {
        out.push_str(&escape_markdown(field));
        out.push('\n');
        if lines.len() == 1 {
            out.push_str(&format!(": {}\n\n", escape_markdown(&lines[0])));
        } else {
            let mut first = true;
            for line in lines {
                out.push_str(if first { ": - " } else { "  - " });
                out.push_str(&escape_markdown(line));
                out.push('\n');
                first = false;
            }
            out.push('\n');
        }
    }
    for (id, text, result) in &area.narrative {
        let title = goals.strategic.iter().find(|s| s.id == *id).map(|s| s.title.as_str()).unwrap_or(id);
        out.push_str(&format!("**{}**\n\n", escape_markdown(title)));
        if !text.is_empty() {
            out.push_str(&format!("{}\n\n", escape_markdown(text)));
        }
        if follow_up && !result.is_empty() {
            out.push_str(&format!("**{}** {}\n\n", escape_markdown(label(labels, "result")), escape_markdown(result)));
        }
    }
    out
}

/// Registers the goal functions. `follow_up` is the default view for this document.
pub fn register(tera: &mut Tera, goals: &Goals, labels: &Labels, follow_up: bool) {
    let shared = Arc::new((goals.clone(), labels.clone()));
    let unknown = |goals: &Goals, id: &str| {
        let names: Vec<&str> = goals.areas.iter().map(|a| a.id.as_str()).collect();
        let hint = nearest(id, &names).map(|n| format!("; did you mean `{n}`?")).unwrap_or_default();
        tera::Error::message(format!("there is no area `{id}`{hint}"))
    };
    let s = shared.clone();
    tera.register_function("goals", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let (goals, labels) = &*s;
        let id: &str = kwargs.must_get("area")?;
        let area = goals.area(id).ok_or_else(|| unknown(goals, id))?;
        Ok(Value::safe_string(&goals_table(labels, area, view(&kwargs, follow_up)?)))
    });
    let s = shared.clone();
    tera.register_function("goal_summary", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let (goals, labels) = &*s;
        let areas: Vec<&Area> = match kwargs.get::<&str>("area")? {
            Some(id) => vec![goals.area(id).ok_or_else(|| unknown(goals, id))?],
            None => goals.areas.iter().filter(|a| !a.goals.is_empty()).collect(),
        };
        Ok(Value::safe_string(&summary_table(labels, &areas)))
    });
    let s = shared;
    tera.register_function("area", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let (goals, labels) = &*s;
        let id: &str = kwargs.must_get("id")?;
        let area = goals.area(id).ok_or_else(|| unknown(goals, id))?;
        Ok(Value::safe_string(&area_record(labels, goals, area, view(&kwargs, follow_up)?)))
    });
}

/// Whether `view=` asks for the follow-up (outcomes) or the plan (targets only).
fn view(kwargs: &Kwargs, default_follow_up: bool) -> tera::TeraResult<bool> {
    match kwargs.get::<&str>("view")? {
        Some("plan") => Ok(false),
        Some("uppfoljning" | "follow-up") => Ok(true),
        Some(other) => Err(tera::Error::message(format!("`view` is `plan` or `uppfoljning`, not `{other}`"))),
        None => Ok(default_follow_up),
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
