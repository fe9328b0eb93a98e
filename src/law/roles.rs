//! The statement roles a table can declare (`role: balansrakning`) and the
//! standard line ids of each role: one registry, used by the law's relations,
//! the completeness check and the ledger mapping alike.

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::figures::Figures;
use crate::figures::model::{Row, Table};
use crate::yaml::Node;

/// The part of a report a table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Resultatrakning,
    Balansrakning,
    Kassaflodesanalys,
    Not,
    Driftredovisning,
    Investeringsredovisning,
    Balanskravsutredning,
    SammanstalldResultatrakning,
    SammanstalldBalansrakning,
    SammanstalldKassaflodesanalys,
    Flerarsoversikt,
    Sjukfranvaro,
    Resultatbudget,
    Balansbudget,
    Kassaflodesbudget,
}

/// A line every table of a role may have, under the same id in every project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandardLine {
    pub id: &'static str,
    pub label_sv: &'static str,
}

const fn line(id: &'static str, label_sv: &'static str) -> StandardLine {
    StandardLine { id, label_sv }
}

/// Resultaträkning (LKBR 5 kap.), also of the koncern and the budget.
const RESULTAT: &[StandardLine] = &[
    line("verksamhetens_intakter", "Verksamhetens intäkter"),
    line("verksamhetens_kostnader", "Verksamhetens kostnader"),
    line("avskrivningar", "Avskrivningar"),
    line("verksamhetens_nettokostnader", "Verksamhetens nettokostnader"),
    line("skatteintakter", "Skatteintäkter"),
    line("generella_statsbidrag_och_utjamning", "Generella statsbidrag och utjämning"),
    line("verksamhetens_resultat", "Verksamhetens resultat"),
    line("finansiella_intakter", "Finansiella intäkter"),
    line("finansiella_kostnader", "Finansiella kostnader"),
    line("resultat_efter_finansiella_poster", "Resultat efter finansiella poster"),
    line("extraordinara_poster", "Extraordinära poster"),
    line("arets_resultat", "Årets resultat"),
];

/// Balansräkning (LKBR 6 kap.), also of the koncern and the budget.
const BALANS: &[StandardLine] = &[
    line("immateriella_anlaggningstillgangar", "Immateriella anläggningstillgångar"),
    line("materiella_anlaggningstillgangar", "Materiella anläggningstillgångar"),
    line("finansiella_anlaggningstillgangar", "Finansiella anläggningstillgångar"),
    line("summa_anlaggningstillgangar", "Summa anläggningstillgångar"),
    line("bidrag_till_statlig_infrastruktur", "Bidrag till statlig infrastruktur"),
    line("forrad", "Förråd"),
    line("fordringar", "Fordringar"),
    line("kortfristiga_placeringar", "Kortfristiga placeringar"),
    line("kassa_och_bank", "Kassa och bank"),
    line("summa_omsattningstillgangar", "Summa omsättningstillgångar"),
    line("summa_tillgangar", "Summa tillgångar"),
    line("eget_kapital", "Eget kapital"),
    line("darav_arets_resultat", "därav årets resultat"),
    line("avsattningar_pensioner", "Avsättningar för pensioner"),
    line("ovriga_avsattningar", "Övriga avsättningar"),
    line("summa_avsattningar", "Summa avsättningar"),
    line("langfristiga_skulder", "Långfristiga skulder"),
    line("kortfristiga_skulder", "Kortfristiga skulder"),
    line("summa_skulder", "Summa skulder"),
    line("summa_eget_kapital_avsattningar_och_skulder", "Summa eget kapital, avsättningar och skulder"),
];

/// Kassaflödesanalys (LKBR 8 kap.), also of the koncern and the budget.
const KASSAFLODE: &[StandardLine] = &[
    line("kassaflode_lopande_verksamhet", "Kassaflöde från den löpande verksamheten"),
    line("kassaflode_investeringsverksamhet", "Kassaflöde från investeringsverksamheten"),
    line("kassaflode_finansieringsverksamhet", "Kassaflöde från finansieringsverksamheten"),
    line("arets_kassaflode", "Årets kassaflöde"),
    line("likvida_medel_vid_arets_borjan", "Likvida medel vid årets början"),
    line("likvida_medel_vid_arets_slut", "Likvida medel vid årets slut"),
];

/// Balanskravsutredning (LKBR 11 kap., KL 11 kap. 12–14 §§), in the law's order.
const BALANSKRAV: &[StandardLine] = &[
    line("arets_resultat", "Årets resultat enligt resultaträkningen"),
    line("samtliga_realisationsvinster", "Samtliga realisationsvinster"),
    line("realisationsvinster_enligt_undantag", "Realisationsvinster enligt undantagsmöjlighet"),
    line("realisationsforluster_enligt_undantag", "Realisationsförluster enligt undantagsmöjlighet"),
    line("orealiserade_forluster_vardepapper", "Orealiserade förluster i värdepapper"),
    line("aterforing_orealiserade_forluster", "Återföring av orealiserade förluster i värdepapper"),
    line("arets_resultat_efter_balanskravsjusteringar", "Årets resultat efter balanskravsjusteringar"),
    line("medel_till_resultatutjamningsreserv", "Medel till resultatutjämningsreserv"),
    line("medel_fran_resultatutjamningsreserv", "Medel från resultatutjämningsreserv"),
    line("arets_balanskravsresultat", "Årets balanskravsresultat"),
];

/// The seven figures of sjukfrånvaro (LKBR 11 kap., RKR R15), each in
/// percent of the ordinary working time.
const SJUKFRANVARO: &[StandardLine] = &[
    line("total", "Total sjukfrånvaro"),
    line("kvinnor", "Kvinnor"),
    line("man", "Män"),
    line("alder_29_och_yngre", "29 år och yngre"),
    line("alder_30_49", "30–49 år"),
    line("alder_50_och_aldre", "50 år och äldre"),
    line("langtidssjukfranvaro", "Andel långtidssjukfrånvaro (60 dagar eller mer)"),
];

const DRIFT: &[StandardLine] = &[line("summa", "Summa nettokostnad")];
const INVESTERING: &[StandardLine] = &[line("summa", "Summa nettoinvesteringar")];

impl Role {
    pub const ALL: &'static [Role] = &[
        Role::Resultatrakning,
        Role::Balansrakning,
        Role::Kassaflodesanalys,
        Role::Not,
        Role::Driftredovisning,
        Role::Investeringsredovisning,
        Role::Balanskravsutredning,
        Role::SammanstalldResultatrakning,
        Role::SammanstalldBalansrakning,
        Role::SammanstalldKassaflodesanalys,
        Role::Flerarsoversikt,
        Role::Sjukfranvaro,
        Role::Resultatbudget,
        Role::Balansbudget,
        Role::Kassaflodesbudget,
    ];

    /// The name written in YAML: `sammanstalld_resultatrakning`.
    pub fn name(self) -> &'static str {
        match self {
            Role::Resultatrakning => "resultatrakning",
            Role::Balansrakning => "balansrakning",
            Role::Kassaflodesanalys => "kassaflodesanalys",
            Role::Not => "not",
            Role::Driftredovisning => "driftredovisning",
            Role::Investeringsredovisning => "investeringsredovisning",
            Role::Balanskravsutredning => "balanskravsutredning",
            Role::SammanstalldResultatrakning => "sammanstalld_resultatrakning",
            Role::SammanstalldBalansrakning => "sammanstalld_balansrakning",
            Role::SammanstalldKassaflodesanalys => "sammanstalld_kassaflodesanalys",
            Role::Flerarsoversikt => "flerarsoversikt",
            Role::Sjukfranvaro => "sjukfranvaro",
            Role::Resultatbudget => "resultatbudget",
            Role::Balansbudget => "balansbudget",
            Role::Kassaflodesbudget => "kassaflodesbudget",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.iter().copied().find(|r| r.name() == s)
    }

    /// The part's name in Swedish, as a heading: "Resultaträkning".
    pub fn label_sv(self) -> &'static str {
        match self {
            Role::Resultatrakning => "Resultaträkning",
            Role::Balansrakning => "Balansräkning",
            Role::Kassaflodesanalys => "Kassaflödesanalys",
            Role::Not => "Not",
            Role::Driftredovisning => "Driftredovisning",
            Role::Investeringsredovisning => "Investeringsredovisning",
            Role::Balanskravsutredning => "Balanskravsutredning",
            Role::SammanstalldResultatrakning => "Sammanställd resultaträkning",
            Role::SammanstalldBalansrakning => "Sammanställd balansräkning",
            Role::SammanstalldKassaflodesanalys => "Sammanställd kassaflödesanalys",
            Role::Flerarsoversikt => "Flerårsöversikt",
            Role::Sjukfranvaro => "Sjukfrånvaro",
            Role::Resultatbudget => "Resultatbudget",
            Role::Balansbudget => "Balansbudget",
            Role::Kassaflodesbudget => "Kassaflödesbudget",
        }
    }

    /// The role's standard lines; empty for roles of free lines (notes, flerårsöversikt).
    pub fn standard_lines(self) -> &'static [StandardLine] {
        match self {
            Role::Resultatrakning | Role::SammanstalldResultatrakning | Role::Resultatbudget => RESULTAT,
            Role::Balansrakning | Role::SammanstalldBalansrakning | Role::Balansbudget => BALANS,
            Role::Kassaflodesanalys | Role::SammanstalldKassaflodesanalys | Role::Kassaflodesbudget => KASSAFLODE,
            Role::Balanskravsutredning => BALANSKRAV,
            Role::Sjukfranvaro => SJUKFRANVARO,
            Role::Driftredovisning => DRIFT,
            Role::Investeringsredovisning => INVESTERING,
            Role::Not | Role::Flerarsoversikt => &[],
        }
    }

    pub fn standard_line(self, id: &str) -> Option<&'static StandardLine> {
        self.standard_lines().iter().find(|l| l.id == id)
    }
}

/// `role:` of a table, or a located error listing the known roles.
pub fn parse_role(node: &Node, file: &str, source: &str, diagnostics: &mut Diagnostics) -> Option<(Role, Location)> {
    let text = node.as_str().unwrap_or_default().trim();
    if let Some(role) = Role::parse(text) {
        return Some((role, node.location(file)));
    }
    let names: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
    let message = match node.as_str() {
        Some(_) => format!("`{text}` is not a statement role"),
        None => format!("expected a statement role, found {}", node.describe()),
    };
    let hint = match crate::project::nearest(text, &names) {
        Some(near) => format!("did you mean `{near}`? The roles are {}", names.join(", ")),
        None => format!("the roles are {}", names.join(", ")),
    };
    diagnostics.push(Diagnostic::error(Some(node.location(file)), message).with_hint(hint).with_source(source));
    None
}

/// The standard line a row stands for in a table of `role`: its `standard:`,
/// else its own id when that is a standard id of the role.
pub fn standard_id(role: Role, row: &Row) -> Option<&str> {
    match (&row.standard, &row.id) {
        (Some(s), _) => Some(s),
        (None, Some(id)) if role.standard_line(id).is_some() => Some(id),
        _ => None,
    }
}

/// Checks the `standard:` of each row against the table's role: a known id of
/// that role, mapped once. Rows are checked in order, so a second mapping of
/// the same id is the one reported.
pub fn check_standard_ids(role: Option<Role>, rows: &[Row], source: &str, diagnostics: &mut Diagnostics) {
    let mut seen: Vec<(&str, &Location)> = Vec::new();
    for row in rows {
        let loc = row.standard_loc.as_ref().unwrap_or(&row.loc);
        let Some(role) = role else {
            if row.standard.is_some() {
                diagnostics.push(
                    Diagnostic::error(
                        Some(loc.clone()),
                        "`standard:` maps a line to a standard line of the table's role, and this table has no `role:`",
                    )
                    .with_hint("give the table a role, e.g. `role: resultatrakning`, or remove `standard:`")
                    .with_source(source),
                );
            }
            continue;
        };
        if let Some(id) = &row.standard
            && role.standard_line(id).is_none()
        {
            let ids: Vec<&str> = role.standard_lines().iter().map(|l| l.id).collect();
            let d = if ids.is_empty() {
                Diagnostic::error(
                    Some(loc.clone()),
                    format!("a table of the role `{}` has no standard lines, so `{id}` maps to nothing", role.name()),
                )
                .with_hint("its lines are free: remove `standard:`")
            } else {
                Diagnostic::error(
                    Some(loc.clone()),
                    format!("`{id}` is not a standard line of the role `{}`", role.name()),
                )
                .with_hint(format!(
                    "did you mean `{}`? The standard lines of a {} are {}",
                    closest(id, &ids),
                    role.label_sv().to_lowercase(),
                    ids.join(", ")
                ))
            };
            diagnostics.push(d.with_source(source));
            continue;
        }
        let Some(id) = standard_id(role, row) else { continue };
        match seen.iter().find(|(s, _)| *s == id) {
            Some((_, first)) => diagnostics.push(
                Diagnostic::error(Some(loc.clone()), format!("the standard line `{id}` is mapped twice in this table"))
                    .with_hint(format!(
                        "it is already the line at {}:{}:{}; each standard line stands for one line of a table",
                        first.file, first.line, first.column
                    ))
                    .with_source(source),
            ),
            None => seen.push((id, loc)),
        }
    }
}

/// The candidate nearest to `word` by edit distance, however far.
fn closest<'c>(word: &str, candidates: &[&'c str]) -> &'c str {
    candidates.iter().copied().min_by_key(|c| crate::project::edit_distance(word, c)).unwrap_or_default()
}

/// The line of `table` that stands for the standard line `id`, by index.
pub fn line_in(table: &Table, id: &str) -> Option<usize> {
    let role = table.role?;
    table.rows.iter().position(|row| standard_id(role, row) == Some(id))
}

impl Figures {
    /// The first table of `role` (in the order the data files are read) that
    /// has the standard line `standard_id`, and that line's id there.
    pub fn line_for(&self, role: Role, standard_id: &str) -> Option<(&str, &str)> {
        self.computed.tables.iter().filter(|t| t.role == Some(role)).find_map(|t| {
            let r = line_in(t, standard_id)?;
            Some((t.id.as_str(), t.rows[r].id.as_deref()?))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_reads_back_from_its_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.name()), Some(*role));
        }
        assert_eq!(Role::parse("Resultatrakning"), None);
    }

    #[test]
    fn standard_ids_are_unique_within_each_role() {
        for role in Role::ALL {
            let ids: Vec<&str> = role.standard_lines().iter().map(|l| l.id).collect();
            let mut unique = ids.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(ids.len(), unique.len(), "{}", role.name());
        }
        assert_eq!(Role::Sjukfranvaro.standard_lines().len(), 7);
        assert!(Role::Not.standard_lines().is_empty());
    }

    fn table(yaml: &str) -> Table {
        let node = crate::yaml::parse(yaml, "d.yaml").unwrap();
        crate::figures::model::parse_file(&node, "d.yaml", yaml).unwrap().tables.remove(0)
    }

    /// Failed with `standard_id` ignoring ids equal to a standard id.
    #[test]
    fn a_line_stands_for_its_standard_id_or_its_own() {
        let t = table(
            "tables:\n  - id: rr\n    role: resultatrakning\n    title: R\n    columns: [a]\n    rows:\n      - {id: x, label: X, standard: skatteintakter, values: [1]}\n      - {id: arets_resultat, label: Å, sum: [x]}\n      - {id: skatteintakter_2, label: Y, values: [1]}\n",
        );
        assert_eq!(line_in(&t, "skatteintakter"), Some(0));
        assert_eq!(line_in(&t, "arets_resultat"), Some(1));
        assert_eq!(line_in(&t, "avskrivningar"), None);
        assert_eq!(t.role, Some(Role::Resultatrakning));
        assert_eq!(t.role_loc.as_ref().map(|l| l.line), Some(3));
        assert_eq!(t.rows[0].standard_loc.as_ref().map(|l| l.line), Some(7));
    }

    #[test]
    fn the_closest_id_is_suggested_however_far() {
        assert_eq!(closest("kassa_bank", &["forrad", "kassa_och_bank"]), "kassa_och_bank");
        assert_eq!(closest("x", &["forrad", "kassa_och_bank"]), "forrad");
    }
}
