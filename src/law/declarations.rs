//! What a table declares about the law's relations, under `law:`:
//!
//! ```yaml
//! - id: kfa
//!   role: kassaflodesanalys
//!   law:
//!     likvida_medel_i_balansrakningen: {items: [br.kortfristiga_placeringar]}
//!     arets_kassaflode: {off: true, reason: Kassaflödet redovisas i not 12}
//! ```
//!
//! `items` are the reconciling lines (`table.line`, `-table.line`) a relation
//! adds to its right side; `parts` names the tables a sammanställd statement
//! is made of (`parts: [rr, bolag_rr]`); `columns` maps a column of this table to the other
//! table's (`{utfall: "2013"}`); `off: true` switches the relation off and
//! needs a `reason:`.

use std::collections::BTreeMap;

use super::relations::BUILTINS;
use super::roles::Role;
use crate::data::DataFiles;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::figures::model::{Term, parse_term};
use crate::project::{Fields, nearest};
use crate::yaml::Node;

#[derive(Debug, Clone)]
pub struct Declaration {
    pub relation: &'static str,
    pub table: String,
    pub items: Vec<Term>,
    /// The tables whose lines a relation sums, by id, where it says so.
    pub parts: Vec<(String, Location)>,
    /// (column of this table, column of the other table).
    pub columns: Vec<(String, String, Location)>,
    /// Why the relation is switched off, if it is.
    pub off: Option<String>,
    pub loc: Location,
}

impl Declaration {
    pub fn column_for(&self, column: &str) -> Option<&String> {
        self.columns.iter().find(|(c, _, _)| c == column).map(|(_, o, _)| o)
    }
}

/// Every table's declarations, by table id and relation id.
#[derive(Debug, Default)]
pub struct Declarations {
    by_table: BTreeMap<(String, &'static str), Declaration>,
    /// A balanskravsutredning's stated återställande of a negative result, by table id.
    aterstallande: BTreeMap<String, String>,
    /// A sjukfrånvaro table's declared omission of its figures: the law's reason, by table id.
    omission: BTreeMap<String, &'static str>,
}

/// The reasons the law accepts for leaving out the sjukfrånvaro figures
/// (LKBR 11 kap.): a group of ten or fewer employees, or figures that would
/// identify a person.
pub const OMISSION_REASONS: [&str; 2] = ["tio_eller_farre", "identifierbar"];

impl Declarations {
    pub fn get(&self, table: &str, relation: &str) -> Option<&Declaration> {
        self.by_table.iter().find(|((t, r), _)| t == table && *r == relation).map(|(_, d)| d)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Declaration> {
        self.by_table.values()
    }

    /// The law's reason table `table` (a sjukfrånvaro) leaves out its figures for, if declared.
    pub fn omission(&self, table: &str) -> Option<&'static str> {
        self.omission.get(table).copied()
    }

    /// How table `table` (a balanskravsutredning) states the återställande of a negative result.
    pub fn aterstallande(&self, table: &str) -> Option<&str> {
        self.aterstallande.get(table).map(String::as_str)
    }
}

/// Reads `law:` of every table in the figures files. `roles` gives each
/// table's role by id, to know which relations it is the home of.
pub fn read(data: &DataFiles, roles: &BTreeMap<String, Option<Role>>) -> Result<Declarations, Diagnostics> {
    let mut out = Declarations::default();
    let mut diagnostics = Diagnostics::new();
    for (stem, node) in &data.files {
        let file = data.paths.get(stem).cloned().unwrap_or_default();
        let source = data.sources.get(&file).map(String::as_str).unwrap_or_default();
        for key in ["tables", "notes"] {
            for table in node.get(key).and_then(Node::as_seq).unwrap_or_default() {
                let Some(law) = table.get("law") else { continue };
                let id = table.get("id").and_then(Node::as_str).unwrap_or_default();
                let role = roles.get(id).copied().flatten();
                read_table(law, id, role, &file, source, &mut out, &mut diagnostics);
            }
        }
    }
    diagnostics.into_result().map(|_| out)
}

fn read_table(
    law: &Node,
    table: &str,
    role: Option<Role>,
    file: &str,
    source: &str,
    out: &mut Declarations,
    diagnostics: &mut Diagnostics,
) {
    let error = |at: &Node, message: String, hint: String| {
        Diagnostic::error(Some(at.location(file)), message).with_hint(hint).with_source(source)
    };
    let Some(role) = role else {
        diagnostics.push(error(
            law,
            format!("the table `{table}` declares relations of the law under `law:`, but it has no `role:`"),
            "give it a role, e.g. `role: kassaflodesanalys`; the relations follow from the role".into(),
        ));
        return;
    };
    let Some(entries) = law.as_map() else {
        diagnostics.push(error(
            law,
            format!("expected the relations by name under `law:`, found {}", law.describe()),
            "for example `law: {likvida_medel_i_balansrakningen: {items: [br.kortfristiga_placeringar]}}`".into(),
        ));
        return;
    };
    let own: Vec<&'static str> =
        BUILTINS.iter().filter(|b| b.pairs.iter().any(|(home, _)| *home == role)).map(|b| b.id).collect();
    for (key, value) in entries {
        let name = key.as_str().unwrap_or_default();
        if role == Role::Balanskravsutredning && name == "aterstallande" {
            match value.as_str().filter(|s| !s.trim().is_empty()) {
                Some(text) => {
                    out.aterstallande.insert(table.to_owned(), text.to_owned());
                }
                None => diagnostics.push(error(
                    value,
                    format!("expected how a negative balanskravsresultat is restored, found {}", value.describe()),
                    "write the decision as text or a reference, e.g. `aterstallande: \"Återställs 2014–2016, se avsnitt Balanskrav\"`".into(),
                )),
            }
            continue;
        }
        if role == Role::Sjukfranvaro && name == "omission" {
            let reason = value.get("reason").and_then(Node::as_str);
            match OMISSION_REASONS.iter().find(|r| Some(**r) == reason) {
                Some(r) => {
                    out.omission.insert(table.to_owned(), r);
                }
                None => diagnostics.push(error(
                    value.get("reason").unwrap_or(value),
                    format!(
                        "expected one of the law's reasons to leave out the sjukfrånvaro figures, found {}",
                        value.get("reason").map_or_else(|| value.describe(), |r| r.describe())
                    ),
                    format!(
                        "`omission: {{reason: {}}}` (ten or fewer employees) or `{{reason: {}}}` (figures that would identify a person)",
                        OMISSION_REASONS[0], OMISSION_REASONS[1]
                    ),
                )),
            }
            continue;
        }
        let Some(&relation) = own.iter().find(|r| **r == name) else {
            let hint = match (nearest(name, &own), own.is_empty()) {
                (_, true) => format!("a table of the role `{}` is the home of no relation", role.name()),
                (Some(near), _) => format!("did you mean `{near}`? Its relations are {}", own.join(", ")),
                (None, _) => format!("the relations of a table of the role `{}` are {}", role.name(), own.join(", ")),
            };
            diagnostics.push(error(
                key,
                format!("`{name}` is not a relation of a {}", role.label_sv().to_lowercase()),
                hint,
            ));
            continue;
        };
        if let Some(d) = read_declaration(value, relation, table, file, source, diagnostics) {
            out.by_table.insert((table.to_owned(), relation), d);
        }
    }
}

fn read_declaration(
    node: &Node,
    relation: &'static str,
    table: &str,
    file: &str,
    source: &str,
    diagnostics: &mut Diagnostics,
) -> Option<Declaration> {
    let mut f = match Fields::new(node, file, source, "a relation's declaration") {
        Ok(f) => f,
        Err(e) => {
            diagnostics.extend(e);
            return None;
        }
    };
    let mut items = Vec::new();
    if let Some(list) = f.optional("items") {
        match list.as_seq() {
            Some(seq) => {
                for item in seq {
                    match parse_term(item.as_str().unwrap_or_default(), item.location(file), true) {
                        Ok(term) if term.column.is_none() => items.push(term),
                        Ok(_) => f.error(
                            item,
                            "a reconciling item is a line; the columns are those the relation compares".into(),
                            Some("write `table.line` without a column".into()),
                        ),
                        Err(message) => f.error(item, message, None),
                    }
                }
            }
            None => {
                let found = list.describe();
                f.error(
                    list,
                    format!("expected a list of lines, found {found}"),
                    Some("for example `items: [br.kortfristiga_placeringar]`".into()),
                )
            }
        }
    }
    let mut parts = Vec::new();
    if let Some(list) = f.optional("parts") {
        let takes_parts = BUILTINS.iter().any(|b| b.id == relation && b.takes_parts());
        match list.as_seq() {
            Some(_) if !takes_parts => f.error(
                list,
                format!("the relation `{relation}` compares fixed tables; `parts:` belongs to a sammanställd statement's `sammanstallning_mot_delarna`"),
                Some("remove `parts:`; reconciling lines go under `items:`".into()),
            ),
            Some(seq) => {
                for part in seq {
                    match part.as_str().filter(|s| !s.trim().is_empty()) {
                        Some(id) => parts.push((id.trim().to_owned(), part.location(file))),
                        None => f.error(part, format!("expected the id of a table, found {}", part.describe()), None),
                    }
                }
            }
            None => {
                let found = list.describe();
                f.error(
                    list,
                    format!("expected a list of tables, found {found}"),
                    Some("for example `parts: [rr, bolag_rr]`".into()),
                )
            }
        }
    }
    let mut columns = Vec::new();
    if let Some(map) = f.optional("columns") {
        match map.as_map() {
            Some(pairs) => {
                for (own, other) in pairs {
                    match (own.as_str(), other.as_str()) {
                        (Some(a), Some(b)) => columns.push((a.to_owned(), b.to_owned(), own.location(file))),
                        _ => f.error(own, "expected `column: column of the other table`".into(), None),
                    }
                }
            }
            None => {
                let found = map.describe();
                f.error(
                    map,
                    format!("expected columns mapped to the other table's, found {found}"),
                    Some("for example `columns: {utfall: \"2013\"}`".into()),
                )
            }
        }
    }
    let off_node = f.optional("off");
    let off = f.boolean(off_node).unwrap_or(false);
    let reason_node = f.optional("reason");
    let reason = f.string(reason_node).filter(|r| !r.trim().is_empty());
    let switched_off = match (off, reason) {
        (true, Some(reason)) => Some(reason),
        (true, None) => {
            f.error(
                off_node.unwrap_or(node),
                format!("the relation `{relation}` is built in by law; switching it off needs a `reason:`"),
                Some("say in `reason: …` why it does not apply to this table, so a reader of the data sees why".into()),
            );
            None
        }
        (false, Some(_)) => {
            f.error(
                reason_node.unwrap_or(node),
                "a `reason:` belongs to a relation switched off with `off: true`".into(),
                None,
            );
            None
        }
        (false, None) => None,
    };
    diagnostics.extend(f.finish());
    Some(Declaration {
        relation,
        table: table.to_owned(),
        items,
        parts,
        columns,
        off: switched_off,
        loc: node.location(file),
    })
}
