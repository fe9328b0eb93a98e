//! `arsrapport check --lkbr`: what a revisor would miss in a document, by the
//! parts LKBR (lag 2018:597), the kommunallag and RKR's recommendations
//! require of its kind. Each finding names its rule and where the law says
//! so; it is a finding, not an error, unless `lkbr: strict` and `--final`.
//!
//! The förvaltningsberättelse's parts are recognised by their headings: a
//! heading (of any level, in any chapter of the document) whose text begins
//! with one of the names the theme's `i18n/<language>.yaml` lists under
//! `lkbr_heading_<part>`, separated by `|`. A section is empty when nothing
//! but blank lines and `{# … #}` comments stands under it before the next
//! heading of the same or a higher level.

use std::fmt::Write as _;

use crate::content::Chapter;
use crate::diagnostics::{Diagnostic, Location, Severity};
use crate::figures::Figures;
use crate::figures::model::Table;
use crate::law::roles::Role;
use crate::project::{DocumentKind, ReportConfig, days_in_month};
use crate::render::RenderedChapter;
use crate::theme::Theme;

/// A rule of completeness: its id (stable, in `--json`) and its source in law.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub source: &'static str,
}

/// A required part of an årsredovisning's förvaltningsberättelse is missing or empty.
pub const FORVALTNINGSBERATTELSE: Rule = Rule { id: "forvaltningsberattelse", source: "LKBR 11 kap.; RKR R15" };
/// A required part of a delårsrapport's förenklade förvaltningsberättelse is missing or empty.
pub const DELARSRAPPORT_FORVALTNINGSBERATTELSE: Rule =
    Rule { id: "delarsrapport_forvaltningsberattelse", source: "LKBR 13 kap.; RKR R17" };
/// A delårsrapport shows no prognos for the whole year.
pub const HELARSPROGNOS: Rule = Rule { id: "helarsprognos", source: "LKBR 13 kap.; RKR R17" };
/// A delårsrapport does not assess the balanskravsresultat.
pub const BALANSKRAV_BEDOMNING: Rule = Rule { id: "balanskrav_bedomning", source: "LKBR 13 kap.; RKR R17" };
/// A delårsrapport decided more than two months after its period.
pub const DELARSRAPPORT_BESLUT: Rule = Rule { id: "delarsrapport_beslut", source: "KL 11 kap." };

/// A statement the document's kind requires is absent or never placed: one
/// rule (`rakning`), its source naming the law's chapter on each statement.
const AR_RR: Rule = Rule { id: "rakning", source: "LKBR 4 kap. 1 §; 5 kap." };
const AR_BR: Rule = Rule { id: "rakning", source: "LKBR 4 kap. 1 §; 6 kap." };
const AR_KFA: Rule = Rule { id: "rakning", source: "LKBR 4 kap. 1 §; 8 kap." };
const AR_DRIFT: Rule = Rule { id: "rakning", source: "LKBR 4 kap. 1 §; 10 kap. 1 §" };
const AR_INVESTERING: Rule = Rule { id: "rakning", source: "LKBR 4 kap. 1 §; 10 kap. 2 §" };
const AR_SJUKFRANVARO: Rule = Rule { id: "rakning", source: "LKBR 11 kap.; RKR R15" };
const DELARSRAPPORT_RAKNING: Rule = Rule { id: "rakning", source: "LKBR 13 kap.; RKR R17" };
const BUDGET_RAKNING: Rule = Rule { id: "rakning", source: "KL 11 kap." };
/// A koncern's årsredovisning without sammanställda räkenskaper.
pub const SAMMANSTALLDA: Rule = Rule { id: "sammanstallda_rakenskaper", source: "LKBR 12 kap." };
/// A plan whose resultatbudget does not cover the budget year and two plan years.
pub const PLAN_TRE_AR: Rule = Rule { id: "plan_tre_ar", source: "KL 11 kap." };

/// The statements an årsredovisning places (LKBR 4 kap. 1 §), each with its rule.
const ARSREDOVISNING_STATEMENTS: &[(Role, &Rule)] = &[
    (Role::Resultatrakning, &AR_RR),
    (Role::Balansrakning, &AR_BR),
    (Role::Kassaflodesanalys, &AR_KFA),
    (Role::Driftredovisning, &AR_DRIFT),
    (Role::Investeringsredovisning, &AR_INVESTERING),
    (Role::Sjukfranvaro, &AR_SJUKFRANVARO),
];
const SAMMANSTALLDA_STATEMENTS: &[Role] =
    &[Role::SammanstalldResultatrakning, Role::SammanstalldBalansrakning, Role::SammanstalldKassaflodesanalys];
const DELARSRAPPORT_STATEMENTS: &[Role] = &[Role::Resultatrakning, Role::Balansrakning];
const BUDGET_STATEMENTS: &[Role] = &[Role::Resultatbudget, Role::Balansbudget, Role::Kassaflodesbudget];

/// Every rule, in the order of the README's table.
pub const RULES: &[&Rule] = &[
    &AR_RR,
    &AR_BR,
    &AR_KFA,
    &AR_DRIFT,
    &AR_INVESTERING,
    &AR_SJUKFRANVARO,
    &FORVALTNINGSBERATTELSE,
    &SAMMANSTALLDA,
    &DELARSRAPPORT_RAKNING,
    &DELARSRAPPORT_FORVALTNINGSBERATTELSE,
    &HELARSPROGNOS,
    &BALANSKRAV_BEDOMNING,
    &DELARSRAPPORT_BESLUT,
    &BUDGET_RAKNING,
    &PLAN_TRE_AR,
];

/// The parts of an årsredovisning's förvaltningsberättelse, as RKR R15 orders them.
const ARSREDOVISNING_PARTS: &[&str] = &[
    "oversikt",
    "viktiga_forhallanden",
    "handelser",
    "styrning",
    "god_ekonomisk_hushallning",
    "balanskravsresultat",
    "personal",
    "forvantad_utveckling",
];
/// With koncernföretag, the förvaltningsberättelse also describes the koncern.
const KONCERN_PART: &str = "koncernen";
/// The parts of a delårsrapport's förenklade förvaltningsberättelse (RKR R17);
/// the balanskrav assessment is a rule of its own.
const DELARSRAPPORT_PARTS: &[&str] = &["handelser", "god_ekonomisk_hushallning", "forvantad_utveckling"];
/// The column id of an interim report's prognos for the whole year.
const PROGNOS_COLUMN: &str = "prognos";

/// One thing a revisor would miss.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    pub message: String,
    pub location: Option<Location>,
    pub source_line: Option<String>,
    pub hint: String,
}

impl Finding {
    /// The finding as a diagnostic: a warning, or an error under `lkbr: strict` and `--final`.
    pub fn to_diagnostic(&self, severity: Severity) -> Diagnostic {
        let message = format!("{} ({})", self.message, self.rule.source);
        let mut d = match severity {
            Severity::Error => Diagnostic::error(self.location.clone(), message),
            Severity::Warning => Diagnostic::warning(self.location.clone(), message),
        };
        d.source_line = self.source_line.clone();
        d.with_hint(self.hint.clone())
    }

    /// The finding in `check --lkbr --json`.
    pub fn to_json(&self) -> serde_json::Value {
        let (file, line, column) = match &self.location {
            Some(l) => (Some(l.file.as_str()), (l.line > 0).then_some(l.line), (l.line > 0).then_some(l.column)),
            None => (None, None, None),
        };
        serde_json::json!({
            "rule": self.rule.id,
            "source": self.rule.source,
            "message": self.message,
            "file": file,
            "line": line,
            "column": column,
            "hint": self.hint,
        })
    }
}

/// What the check reads of one built document.
pub struct Subject<'a> {
    pub config: &'a ReportConfig,
    pub theme: &'a Theme,
    pub chapters: &'a [Chapter],
    pub rendered: &'a [RenderedChapter],
    pub figures: &'a Figures,
}

/// Every finding for one document, in the order of the rules.
pub fn check(subject: &Subject) -> Vec<Finding> {
    let mut findings = Vec::new();
    let sections: Vec<Section> = subject.chapters.iter().flat_map(sections).collect();
    let config = subject.config;
    match config.kind {
        DocumentKind::Arsredovisning => {
            for (role, rule) in ARSREDOVISNING_STATEMENTS {
                required_statement(subject, *role, rule, &mut findings);
            }
            let mut parts = ARSREDOVISNING_PARTS.to_vec();
            if config.law.koncern {
                parts.insert(1, KONCERN_PART);
            }
            required_parts(subject, &sections, &parts, &FORVALTNINGSBERATTELSE, &mut findings);
            if config.law.koncern {
                for role in SAMMANSTALLDA_STATEMENTS {
                    required_statement(subject, *role, &SAMMANSTALLDA, &mut findings);
                }
            }
        }
        DocumentKind::Delarsrapport => {
            for role in DELARSRAPPORT_STATEMENTS {
                required_statement(subject, *role, &DELARSRAPPORT_RAKNING, &mut findings);
            }
            let fb = &DELARSRAPPORT_FORVALTNINGSBERATTELSE;
            required_parts(subject, &sections, DELARSRAPPORT_PARTS, fb, &mut findings);
            helarsprognos(subject, &mut findings);
            // A placed balanskravsutredning is the assessment; else a section says it.
            if placed_with_role(subject, Role::Balanskravsutredning).next().is_none() {
                required_parts(subject, &sections, &["balanskravsresultat"], &BALANSKRAV_BEDOMNING, &mut findings);
            }
            decided_in_time(config, &mut findings);
        }
        DocumentKind::Verksamhetsplan => {
            for role in BUDGET_STATEMENTS {
                required_statement(subject, *role, &BUDGET_RAKNING, &mut findings);
            }
            three_years(subject, &mut findings);
        }
        DocumentKind::Tertialrapport | DocumentKind::Manadsrapport => {}
    }
    findings
}

/// The tables of a role, in the order the data files give them.
fn with_role<'f>(subject: &'f Subject, role: Role) -> impl Iterator<Item = &'f Table> {
    subject.figures.computed.tables.iter().filter(move |t| t.role == Some(role))
}

/// The tables of a role that a chapter of the document shows.
fn placed_with_role<'f>(subject: &'f Subject, role: Role) -> impl Iterator<Item = &'f Table> {
    with_role(subject, role).filter(|t| is_placed(subject.rendered, &t.id))
}

/// A statement of `role` exists in the data and a chapter of the document places it.
fn required_statement(subject: &Subject, role: Role, rule: &'static Rule, out: &mut Vec<Finding>) {
    let label = role.label_sv().to_lowercase();
    if placed_with_role(subject, role).next().is_some() {
        return;
    }
    match with_role(subject, role).next() {
        None => out.push(Finding {
            rule,
            message: format!("the document has no {label}: no table has `role: {}`", role.name()),
            location: None,
            source_line: None,
            hint: format!(
                "add the {label} to a file in content/data/ with `role: {}` and place it in a chapter with `table(id=…)`",
                role.name()
            ),
        }),
        Some(table) => out.push(Finding {
            rule,
            message: format!("the {label} `{}` is not placed in any chapter of the document", table.id),
            location: Some(table.role_loc.clone().unwrap_or_else(|| table.loc.clone())),
            source_line: None,
            hint: format!("place it in a chapter with `{{{{ table(id=\"{}\") }}}}`", table.id),
        }),
    }
}

/// A plan's resultatbudget covers the budget year and the two plan years:
/// each year is the id or in the label of one of its columns.
fn three_years(subject: &Subject, out: &mut Vec<Finding>) {
    let year = subject.config.year;
    for table in placed_with_role(subject, Role::Resultatbudget) {
        let missing: Vec<String> = (year..year + 3)
            .map(|y| y.to_string())
            .filter(|y| !table.columns.iter().any(|c| c.id.contains(y.as_str()) || c.label.contains(y.as_str())))
            .collect();
        if missing.is_empty() {
            return;
        }
        if std::ptr::eq(table, placed_with_role(subject, Role::Resultatbudget).last().unwrap_or(table)) {
            out.push(Finding {
                rule: &PLAN_TRE_AR,
                message: format!(
                    "the resultatbudget `{}` does not cover the three years of the plan: {} missing",
                    table.id,
                    missing.join(", ")
                ),
                location: Some(table.loc.clone()),
                source_line: None,
                hint: format!(
                    "a plan budgets {year} and plans {} and {}: give the resultatbudget a column for each year",
                    year + 1,
                    year + 2
                ),
            });
        }
    }
}

/// The names a part's heading may begin with, from the theme's labels.
fn part_names<'t>(theme: &'t Theme, part: &str) -> Vec<&'t str> {
    let key = format!("lkbr_heading_{part}");
    match theme.labels.get(&key) {
        Some(names) => names.split('|').map(str::trim).filter(|n| !n.is_empty()).collect(),
        None => Vec::new(),
    }
}

/// Each part must have a heading with text under it.
fn required_parts(
    subject: &Subject,
    sections: &[Section],
    parts: &[&str],
    rule: &'static Rule,
    out: &mut Vec<Finding>,
) {
    let theme = subject.theme;
    let report = forvaltningsberattelse(subject, sections);
    for part in parts {
        let names = part_names(theme, part);
        let Some(name) = names.first() else { continue };
        let matching: Vec<&Section> = sections.iter().filter(|s| names.iter().any(|n| s.begins_with(n))).collect();
        if matching.iter().any(|s| s.has_content) {
            continue;
        }
        let listed = names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ");
        match matching.first() {
            Some(section) => out.push(Finding {
                rule,
                message: format!("the section \"{}\" is empty", section.text),
                location: Some(section.location.clone()),
                source_line: Some(section.line_text.clone()),
                hint: format!("write what it asks for under the heading: {}", guidance(part)),
            }),
            None => out.push(Finding {
                rule,
                message: format!("the document has no section \"{name}\""),
                location: report.map(|s| s.location.clone()),
                source_line: report.map(|s| s.line_text.clone()),
                hint: format!(
                    "add a heading that begins with one of {listed} (`lkbr_heading_{part}` in the theme's i18n) and write {}",
                    guidance(part)
                ),
            }),
        }
    }
}

/// What the law asks of each part, for the hint.
fn guidance(part: &str) -> &'static str {
    match part {
        "oversikt" => "an overview of how the activities developed",
        "koncernen" => "what the kommunal koncern is made of and how it is steered",
        "viktiga_forhallanden" => "what mattered most for the result and the financial position",
        "handelser" => "the events of significant importance during the year and after it",
        "styrning" => "how the activities were steered and followed up",
        "god_ekonomisk_hushallning" => {
            "the evaluation of god ekonomisk hushållning: the goals and whether they were met"
        }
        "balanskravsresultat" => "the balanskravsutredning and, for a deficit, how it is to be restored",
        "personal" => "the significant staff matters, with the seven figures of sjukfrånvaro",
        "forvantad_utveckling" => "the expected development",
        _ => "what the law asks for",
    }
}

/// The section the förvaltningsberättelse starts with, where a missing part is reported.
fn forvaltningsberattelse<'s>(subject: &Subject, sections: &'s [Section]) -> Option<&'s Section> {
    let names = part_names(subject.theme, "forvaltningsberattelse");
    sections.iter().find(|s| names.iter().any(|n| s.begins_with(n)))
}

/// A delårsrapport places a statement (a table that is not a note) with a
/// `prognos` column.
fn helarsprognos(subject: &Subject, out: &mut Vec<Finding>) {
    let placed = subject
        .figures
        .computed
        .tables
        .iter()
        .filter(|t| t.note_number.is_none() && t.columns.iter().any(|c| c.id == PROGNOS_COLUMN))
        .any(|t| is_placed(subject.rendered, &t.id));
    if !placed {
        out.push(Finding {
            rule: &HELARSPROGNOS,
            message: "the delårsrapport shows no prognos for the whole year".into(),
            location: None,
            source_line: None,
            hint: format!(
                "give the resultaträkning a column `{{id: {PROGNOS_COLUMN}, label: Prognos helår}}` and place it with `table(id=…)`"
            ),
        });
    }
}

/// Whether a chapter of the document shows the figures table `id`.
pub fn is_placed(rendered: &[RenderedChapter], id: &str) -> bool {
    let anchor = format!("id=\"tabell-{id}\"");
    rendered.iter().any(|c| c.html.contains(&anchor))
}

/// A delårsrapport is handed to fullmäktige within two months of its period's end.
fn decided_in_time(config: &ReportConfig, out: &mut Vec<Finding>) {
    let (Some(period), Some(decision)) = (&config.period, &config.decision) else { return };
    let Some(date) = &decision.date else { return };
    let (mut year, mut month) = (config.year, period.last_month + 2);
    if month > 12 {
        (year, month) = (year + 1, month - 12);
    }
    let last_day = format!("{year}-{month:02}-{:02}", days_in_month(year, month));
    if date.as_str() > last_day.as_str() {
        out.push(Finding {
            rule: &DELARSRAPPORT_BESLUT,
            message: format!(
                "the delårsrapport is decided on {date}, more than two months after its period ended on {}",
                period.to
            ),
            location: decision.date_location.clone(),
            source_line: None,
            hint: format!("a delårsrapport goes to fullmäktige and the revisorer by {last_day} at the latest"),
        });
    }
}

/// A heading of a chapter and whether anything stands under it.
#[derive(Debug)]
struct Section {
    text: String,
    location: Location,
    line_text: String,
    has_content: bool,
}

impl Section {
    fn begins_with(&self, name: &str) -> bool {
        normalise(&self.text).starts_with(&normalise(name))
    }
}

/// Lowercase, with runs of white space as one space.
fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The headings of a chapter (outside code blocks), with whether each has
/// content before the next heading of the same or a higher level.
fn sections(chapter: &Chapter) -> Vec<Section> {
    let body = without_comments(&chapter.body);
    let original: Vec<&str> = chapter.body.lines().collect();
    // (level, text, line index) of each heading, and which lines have content.
    let mut headings: Vec<(usize, String, usize)> = Vec::new();
    let mut content = Vec::new();
    let mut fence: Option<&str> = None;
    for (i, line) in body.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if indent <= 3 && fence.is_none() && (trimmed.starts_with("```") || trimmed.starts_with("~~~")) {
            fence = Some(&trimmed[..3]);
            content.push(i);
            continue;
        }
        if let Some(open) = fence {
            if indent <= 3 && trimmed.starts_with(open) {
                fence = None;
            }
            content.push(i);
            continue;
        }
        match heading(line) {
            Some((level, text)) => headings.push((level, text, i)),
            None if !line.trim().is_empty() => content.push(i),
            None => {}
        }
    }
    let mut out = Vec::new();
    for (n, (level, text, i)) in headings.iter().enumerate() {
        let end = headings[n + 1..].iter().find(|(l, _, _)| l <= level).map_or(usize::MAX, |(_, _, j)| *j);
        let has_content = content.iter().any(|&c| c > *i && c < end);
        let column = original.get(*i).map_or(1, |l| l.len() - l.trim_start().len() + 1);
        out.push(Section {
            text: text.clone(),
            location: Location::new(&chapter.file, chapter.body_line_offset + i + 1, column),
            line_text: original.get(*i).map(|l| (*l).to_owned()).unwrap_or_default(),
            has_content,
        });
    }
    out
}

/// An ATX heading's level and text, without closing `#`s or a `{#id}`.
fn heading(line: &str) -> Option<(usize, String)> {
    let trimmed = line.trim_start();
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let level = trimmed.bytes().take_while(|&b| b == b'#').count();
    let rest = &trimmed[level..];
    if !(1..=6).contains(&level) || !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let mut text = rest.trim();
    if text.ends_with('}')
        && let Some(open) = text.rfind('{')
    {
        text = text[..open].trim_end();
    }
    let text = text.trim_end_matches('#').trim_end();
    Some((level, text.to_owned()))
}

/// The body with each `{# … #}` comment blanked out, line breaks kept.
fn without_comments(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find("{#") {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find("#}") else {
            rest = &rest[start..];
            break;
        };
        let comment = &rest[start..start + len + 2];
        out.extend(comment.chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// The findings of one document as text: a heading line, then each finding.
pub fn text(name: &str, findings: &[Finding]) -> String {
    let mut out = String::new();
    let _ = match findings.len() {
        0 => writeln!(out, "LKBR {name}: nothing missing"),
        1 => writeln!(out, "LKBR {name}: 1 finding"),
        n => writeln!(out, "LKBR {name}: {n} findings"),
    };
    for f in findings {
        let _ = write!(out, "{}", f.to_diagnostic(Severity::Warning));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::parse_chapter;

    #[test]
    fn headings_are_read_with_their_content() {
        let ch = parse_chapter(
            "content/chapters/02-fb.md",
            "---\nstatus: klar\n---\n# Förvaltningsberättelse\n\n## Händelser av väsentlig betydelse {#handelser}\n\n{# Skriv här.\n   Gärna kort. #}\n\n## Förväntad utveckling ##\n\n### Prognos\n\nText.\n\n```\n# inte en rubrik\n```\n",
        )
        .unwrap();
        let s = sections(&ch);
        let found: Vec<(&str, usize, bool)> =
            s.iter().map(|s| (s.text.as_str(), s.location.line, s.has_content)).collect();
        assert_eq!(
            found,
            [
                ("Förvaltningsberättelse", 4, true),
                ("Händelser av väsentlig betydelse", 6, false),
                ("Förväntad utveckling", 11, true),
                ("Prognos", 13, true),
            ]
        );
        assert!(s[1].begins_with("händelser  av väsentlig"));
    }

    #[test]
    fn the_readme_lists_every_rule() {
        let readme = include_str!("../../README.md");
        let table = readme.split("### Completeness: `check --lkbr`").nth(1).unwrap_or_default();
        for rule in RULES {
            assert!(table.contains(&format!("| `{}` |", rule.id)), "{} is not in the README's rule table", rule.id);
        }
    }

    #[test]
    fn comments_are_blanked_line_breaks_kept() {
        assert_eq!(without_comments("a {# b\nc #} d"), "a     \n     d");
        assert_eq!(without_comments("a {# open"), "a {# open");
    }
}
