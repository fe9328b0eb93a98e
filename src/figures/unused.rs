//! A table typed but shown nowhere and used by nothing is most likely
//! forgotten: a warning at its definition.
//!
//! A table counts as used when any chapter of any document of the project
//! names it in a template expression (`table(id="rr")`, `figures.rr.…`,
//! `figure("rr.…")`), or when any data file refers to one of its lines or
//! columns (`rr.arets_resultat`, `drift[budget]`: `from:`, `sum:`,
//! `formula:`, checks, charts, goals, the law's `items:`), or names it in a
//! sammanställd statement's `parts:` list on one line. Notes are left out: a note that no
//! line refers to is an error of its own. So are tables with a `role:`: the
//! law's relations read them, and `check --lkbr` names a required statement
//! that no chapter places. Names are matched as words in the
//! text, so a mention that only looks like a use keeps the warning away;
//! a warning never comes from a table that is used.

use std::collections::BTreeMap;

use super::compute::Computed;
use crate::diagnostics::Diagnostic;

/// Warnings for the tables no chapter and no data file uses.
/// `data_sources`: the text of each data file; `chapters`: the text of every
/// chapter of every document.
pub fn warnings(computed: &Computed, data_sources: &BTreeMap<String, String>, chapters: &[String]) -> Vec<Diagnostic> {
    let expressions: Vec<&str> = chapters.iter().flat_map(|c| template_tags(c)).collect();
    let mut out = Vec::new();
    for table in computed.tables.iter().filter(|t| t.note_number.is_none() && t.role.is_none()) {
        let id = table.id.as_str();
        let in_chapters = expressions.iter().any(|e| mentions(e, id, |_| true));
        let in_data = data_sources.values().any(|text| {
            mentions(text, id, |next| matches!(next, Some('.' | '[')))
                || text.lines().filter(|l| l.contains("parts:")).any(|l| mentions(l, id, |_| true))
        });
        if in_chapters || in_data {
            continue;
        }
        let mut d = Diagnostic::warning(
            Some(table.loc.clone()),
            format!("the table `{id}` is placed in no chapter and used by no other table, check or chart"),
        )
        .with_hint(format!(
            "place it with `{{{{ table(id=\"{id}\") }}}}` in a chapter, refer to its lines, or remove it"
        ));
        if let Some(source) = data_sources.get(&table.loc.file) {
            d = d.with_source(source);
        }
        out.push(d);
    }
    out
}

/// The text of every chapter of every document of the project: a table one
/// document places is placed, also while another is built. A document whose
/// chapters cannot be read reports that when it is built itself.
pub fn chapter_texts(project: &crate::project::Project) -> Vec<String> {
    project
        .documents
        .iter()
        .filter_map(|doc| crate::content::load_chapters(&project.root, &doc.chapters_dir).ok())
        .flatten()
        .map(|c| c.body)
        .collect()
}

/// The insides of the `{{ … }}` and `{% … %}` tags of a chapter.
fn template_tags(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = match after.chars().next() {
            Some('{') => "}}",
            Some('%') => "%}",
            _ => {
                rest = after;
                continue;
            }
        };
        let inner = &after[1..];
        match inner.find(close) {
            Some(end) => {
                out.push(&inner[..end]);
                rest = &inner[end + close.len()..];
            }
            None => break,
        }
    }
    out
}

/// Whether `text` holds `id` as a whole word whose next character passes `next`.
fn mentions(text: &str, id: &str, next: impl Fn(Option<char>) -> bool) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    text.match_indices(id).any(|(at, _)| {
        let mut before = text[..at].chars().rev();
        // A `-` before a name is a sign (`-elimineringar.interna`) unless it joins two words.
        let joined = match before.next() {
            Some('-') => before.next().is_some_and(is_word),
            Some(c) => is_word(c),
            None => false,
        };
        let after = text[at + id.len()..].chars().next();
        !joined && !after.is_some_and(is_word) && next(after)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mention_is_a_whole_word() {
        assert!(mentions("from: rr.arets_resultat", "rr", |n| n == Some('.')));
        assert!(mentions("column: \"drift[budget]\"", "drift", |n| n == Some('[')));
        assert!(!mentions("from: brr.x", "rr", |_| true));
        assert!(!mentions("id: rr\n", "rr", |n| matches!(n, Some('.' | '['))));
        assert!(mentions("items: [-elim.interna]", "elim", |n| n == Some('.')));
        assert!(!mentions("from: a-elim.interna", "elim", |_| true));
        assert_eq!(template_tags("a {{ table(id=\"rr\") }} b {% if x %} {# c #}"), [" table(id=\"rr\") ", " if x "]);
    }
}
