//! Figures in the texts of area records and narratives: their template
//! expressions (`{{ data.nyckeltal.x | belopp }}`, `{{ figures.rr.x["2013"] }}`)
//! are expanded as in a chapter, and an expression that fails is reported at
//! its own line of the goals file.

use std::collections::BTreeMap;

use tera::{Context, Tera};

use super::{Goals, Text};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::templates;

/// The goals with the template expressions of their texts expanded.
/// `sources`: the text of each data file, by project-relative path.
pub fn texts(
    goals: &Goals,
    tera: &Tera,
    context: &Context,
    sources: &BTreeMap<String, String>,
) -> Result<Goals, Diagnostics> {
    let mut goals = goals.clone();
    let mut diagnostics = Diagnostics::new();
    for area in &mut goals.areas {
        let record = area.record.iter_mut().flat_map(|(_, texts)| texts.iter_mut());
        let narrative =
            area.narrative.iter_mut().flat_map(|(_, text, result)| text.iter_mut().chain(result.iter_mut()));
        for text in record.chain(narrative) {
            if let Err(errors) = expand(text, tera, context, sources) {
                for d in errors {
                    diagnostics.push(d);
                }
            }
        }
    }
    diagnostics.into_result().map(|_| goals)
}

fn expand(
    text: &mut Text,
    tera: &Tera,
    context: &Context,
    sources: &BTreeMap<String, String>,
) -> Result<(), Vec<Diagnostic>> {
    let markdown = &text.markdown;
    if !(markdown.contains("{{") || markdown.contains("{%") || markdown.contains("{#")) {
        return Ok(());
    }
    match templates::expand_chapter(tera, markdown, context, &text.loc.file, 0) {
        Ok(expanded) => {
            text.markdown = expanded.body;
            Ok(())
        }
        Err(errors) => {
            let source = sources.get(&text.loc.file).map(String::as_str).unwrap_or_default();
            Err(errors.into_iter().map(|d| in_file(d, text, source)).collect())
        }
    }
}

/// A diagnostic located in a text, moved to the same place in its file: the
/// text's line is looked up from where the text starts (a block scalar's
/// lines are indented, a plain one starts after its key). Where it cannot be
/// found (a quoted text with escapes), the start of the text is named.
fn in_file(d: Diagnostic, text: &Text, source: &str) -> Diagnostic {
    let start = &text.loc;
    let location = d.location.as_ref().and_then(|at| {
        let wanted = text.markdown.lines().nth(at.line.checked_sub(1)?)?;
        let skipped = wanted.chars().count() - wanted.trim_start().chars().count();
        let wanted = wanted.trim();
        let first = start.line + at.line - 1;
        source.lines().enumerate().skip(first - 1).take(200).find_map(|(i, line)| {
            let byte = line.find(wanted).filter(|_| !wanted.is_empty())?;
            let column = line[..byte].chars().count() + at.column.saturating_sub(skipped);
            Some(Location::new(&start.file, i + 1, column))
        })
    });
    let location = location.unwrap_or_else(|| start.clone());
    Diagnostic { location: Some(location), source_line: None, ..d }.with_source(source)
}
