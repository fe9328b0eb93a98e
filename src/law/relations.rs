//! The relations between statements that hold by law, checked on every build
//! without being written: once tables declare their roles, the balance sheet
//! must balance, the years' results agree, and the kassaflödesanalys ends in
//! the balance sheet's likvida medel.
//!
//! A relation is `left = right + items`: each side a sum of standard lines,
//! `items` the reconciling lines its home table declares under `law:`.
//! It pairs its home table (the first role) with a table of the other role in
//! the same data file, or else with the only table of that role in the
//! project; it compares every column the two tables share (a declaration
//! may map columns with `columns:`), and only where every line involved is
//! present and has a figure.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::declarations::{Declaration, Declarations};
use super::roles::{self, Role};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::figures::compute::Computed;
use crate::figures::model::Table;
use crate::format::format_amount;

/// Whether a relation holds exactly or only after declared reconciling items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Strict,
    Reconciliation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Home,
    Other,
    /// Each table the home declares under `parts:`, the line of the same id in each.
    Parts,
}

/// A standard line of the home or the other table, added or subtracted, in
/// the column compared or (`prior`) the year before it.
#[derive(Debug, Clone, Copy)]
struct Part {
    which: Which,
    negate: bool,
    prior: bool,
    id: &'static str,
}

const fn home(id: &'static str) -> Part {
    Part { which: Which::Home, negate: false, prior: false, id }
}
const fn minus(id: &'static str) -> Part {
    Part { which: Which::Home, negate: true, prior: false, id }
}
const fn other(id: &'static str) -> Part {
    Part { which: Which::Other, negate: false, prior: false, id }
}
const fn other_minus(id: &'static str) -> Part {
    Part { which: Which::Other, negate: true, prior: false, id }
}
const fn home_prior(id: &'static str) -> Part {
    Part { which: Which::Home, negate: false, prior: true, id }
}
const fn parts(id: &'static str) -> Part {
    Part { which: Which::Parts, negate: false, prior: false, id }
}

/// One relation the law sets between statement lines.
#[derive(Debug)]
pub struct Builtin {
    /// The name a table's `law:` declares it under.
    pub id: &'static str,
    /// What holds, for messages: "summa tillgångar = summa eget kapital, …".
    pub what: &'static str,
    /// Where the law or RKR says so.
    pub source: &'static str,
    pub kind: Kind,
    /// (home role, other role); the same role twice: within the home table.
    pub pairs: &'static [(Role, Role)],
    left: &'static [Part],
    right: &'static [Part],
}

impl Builtin {
    /// Whether the relation sums the tables a declaration names under `parts:`.
    pub fn takes_parts(&self) -> bool {
        self.right.iter().any(|p| p.which == Which::Parts)
    }
}

const BALANS: [(Role, Role); 3] = [
    (Role::Balansrakning, Role::Balansrakning),
    (Role::SammanstalldBalansrakning, Role::SammanstalldBalansrakning),
    (Role::Balansbudget, Role::Balansbudget),
];
const KASSAFLODE: [(Role, Role); 3] = [
    (Role::Kassaflodesanalys, Role::Kassaflodesanalys),
    (Role::SammanstalldKassaflodesanalys, Role::SammanstalldKassaflodesanalys),
    (Role::Kassaflodesbudget, Role::Kassaflodesbudget),
];

pub const BUILTINS: &[Builtin] = &[
    Builtin {
        id: "balansrakningen_balanserar",
        what: "summa tillgångar = summa eget kapital, avsättningar och skulder",
        source: "LKBR 6 kap.",
        kind: Kind::Strict,
        pairs: &BALANS,
        left: &[home("summa_tillgangar")],
        right: &[home("summa_eget_kapital_avsattningar_och_skulder")],
    },
    Builtin {
        id: "arets_resultat",
        what: "därav årets resultat in the balansräkning = årets resultat in the resultaträkning",
        source: "LKBR 5 kap., 6 kap.",
        kind: Kind::Strict,
        pairs: &[
            (Role::Balansrakning, Role::Resultatrakning),
            (Role::SammanstalldBalansrakning, Role::SammanstalldResultatrakning),
            (Role::Balansbudget, Role::Resultatbudget),
        ],
        left: &[home("darav_arets_resultat")],
        right: &[other("arets_resultat")],
    },
    Builtin {
        id: "balanskravsutredningens_arets_resultat",
        what: "årets resultat in the balanskravsutredning = årets resultat in the resultaträkning",
        source: "LKBR 11 kap.",
        kind: Kind::Strict,
        pairs: &[(Role::Balanskravsutredning, Role::Resultatrakning)],
        left: &[home("arets_resultat")],
        right: &[other("arets_resultat")],
    },
    Builtin {
        id: "arets_kassaflode",
        what: "årets kassaflöde = kassaflöde från löpande verksamhet + investeringsverksamhet + finansieringsverksamhet",
        source: "LKBR 8 kap.",
        kind: Kind::Strict,
        pairs: &KASSAFLODE,
        left: &[home("arets_kassaflode")],
        right: &[
            home("kassaflode_lopande_verksamhet"),
            home("kassaflode_investeringsverksamhet"),
            home("kassaflode_finansieringsverksamhet"),
        ],
    },
    Builtin {
        id: "likvida_medel_forandras_med_kassaflodet",
        what: "likvida medel vid årets slut − vid årets början = årets kassaflöde",
        source: "LKBR 8 kap.",
        kind: Kind::Strict,
        pairs: &KASSAFLODE,
        left: &[home("likvida_medel_vid_arets_slut"), minus("likvida_medel_vid_arets_borjan")],
        right: &[home("arets_kassaflode")],
    },
    Builtin {
        id: "likvida_medel_i_balansrakningen",
        what: "likvida medel vid årets slut = kassa och bank in the balansräkning + declared items",
        source: "LKBR 8 kap.",
        kind: Kind::Strict,
        pairs: &[
            (Role::Kassaflodesanalys, Role::Balansrakning),
            (Role::SammanstalldKassaflodesanalys, Role::SammanstalldBalansrakning),
            (Role::Kassaflodesbudget, Role::Balansbudget),
        ],
        left: &[home("likvida_medel_vid_arets_slut")],
        right: &[other("kassa_och_bank")],
    },
    Builtin {
        id: "drift_mot_resultatrakning",
        what: "summa in the driftredovisning = verksamhetens nettokostnader in the resultaträkning + declared items",
        source: "LKBR 10 kap. 1 §; RKR R14",
        kind: Kind::Reconciliation,
        pairs: &[(Role::Driftredovisning, Role::Resultatrakning)],
        left: &[home("summa")],
        right: &[other("verksamhetens_nettokostnader")],
    },
    Builtin {
        id: "investeringar_mot_kassaflodesanalys",
        what: "summa in the investeringsredovisning = − kassaflöde från investeringsverksamheten in the kassaflödesanalys + declared items",
        source: "LKBR 10 kap. 2 §; RKR R14; LKBR 8 kap.",
        kind: Kind::Reconciliation,
        pairs: &[(Role::Investeringsredovisning, Role::Kassaflodesanalys)],
        left: &[home("summa")],
        right: &[other_minus("kassaflode_investeringsverksamhet")],
    },
    Builtin {
        id: "eget_kapitalets_forandring",
        what: "eget kapital = eget kapital the year before + årets resultat in the resultaträkning + declared items",
        source: "LKBR 6 kap.",
        kind: Kind::Reconciliation,
        pairs: &[
            (Role::Balansrakning, Role::Resultatrakning),
            (Role::SammanstalldBalansrakning, Role::SammanstalldResultatrakning),
            (Role::Balansbudget, Role::Resultatbudget),
        ],
        left: &[home("eget_kapital")],
        right: &[home_prior("eget_kapital"), other("arets_resultat")],
    },
    Builtin {
        id: "sammanstallning_mot_delarna",
        what: "årets resultat in the sammanställd resultaträkning = årets resultat of the declared parts + declared items",
        source: "LKBR 12 kap.; RKR R16",
        kind: Kind::Reconciliation,
        pairs: &[(Role::SammanstalldResultatrakning, Role::SammanstalldResultatrakning)],
        left: &[home("arets_resultat")],
        right: &[parts("arets_resultat")],
    },
    Builtin {
        id: "sammanstallning_mot_delarna",
        what: "summa tillgångar in the sammanställd balansräkning = summa tillgångar of the declared parts + declared items",
        source: "LKBR 12 kap.; RKR R16",
        kind: Kind::Reconciliation,
        pairs: &[(Role::SammanstalldBalansrakning, Role::SammanstalldBalansrakning)],
        left: &[home("summa_tillgangar")],
        right: &[parts("summa_tillgangar")],
    },
];

/// A figure found for one part of a side: where it is and its value in kronor.
struct Found {
    name: String,
    loc: Location,
    kronor: Decimal,
}

/// Checks every built-in relation for every pair of tables it applies to.
pub fn check(
    computed: &Computed,
    declarations: &Declarations,
    sources: &BTreeMap<String, String>,
    diagnostics: &mut Diagnostics,
) {
    for builtin in BUILTINS {
        for &(home_role, other_role) in builtin.pairs {
            for (h, table) in computed.tables.iter().enumerate().filter(|(_, t)| t.role == Some(home_role)) {
                let declared = declarations.get(&table.id, builtin.id);
                if declared.is_some_and(|d| d.off.is_some()) {
                    continue;
                }
                let Some(o) = partner(computed, h, other_role) else { continue };
                check_pair(computed, builtin, h, o, declared, sources, diagnostics);
            }
        }
    }
}

/// The table of `role` a relation of table `h` pairs it with: `h` itself for
/// the same role, else one in the same file, else the project's only one.
fn partner(computed: &Computed, h: usize, role: Role) -> Option<usize> {
    let home = &computed.tables[h];
    if home.role == Some(role) {
        return Some(h);
    }
    let of_role: Vec<usize> = (0..computed.tables.len()).filter(|&t| computed.tables[t].role == Some(role)).collect();
    let same_file: Vec<usize> = of_role.iter().copied().filter(|&t| computed.tables[t].file == home.file).collect();
    match (same_file.as_slice(), of_role.as_slice()) {
        ([one], _) | ([], [one]) => Some(*one),
        _ => None,
    }
}

fn check_pair(
    computed: &Computed,
    builtin: &Builtin,
    h: usize,
    o: usize,
    declared: Option<&Declaration>,
    sources: &BTreeMap<String, String>,
    diagnostics: &mut Diagnostics,
) {
    let home = &computed.tables[h];
    let declared_parts = declared.map(|d| d.parts.as_slice()).unwrap_or_default();
    for column in &home.columns {
        let other_column = declared.and_then(|d| d.column_for(&column.id)).unwrap_or(&column.id);
        // A part's figures: one for a line of the home or the other table, one per declared part.
        let find = |part: &Part| -> Option<Vec<Found>> {
            let col = if part.which == Which::Other { other_column.clone() } else { column.id.clone() };
            let col = if part.prior { previous_year(&col)? } else { col };
            let tables: Vec<usize> = match part.which {
                Which::Home => vec![h],
                Which::Other => vec![o],
                Which::Parts if declared_parts.is_empty() => return None,
                Which::Parts => {
                    declared_parts.iter().map(|(id, _)| computed.index.get(id).copied()).collect::<Option<_>>()?
                }
            };
            tables
                .into_iter()
                .map(|t| {
                    let table = &computed.tables[t];
                    let r = match part.which {
                        Which::Parts => roles::line_in(table, part.id).or_else(|| table.row_index(part.id)),
                        _ => roles::line_in(table, part.id),
                    };
                    found(computed, t, r?, &col, part.negate)
                })
                .collect()
        };
        let side = |parts: &[Part]| {
            parts
                .iter()
                .map(find)
                .collect::<Option<Vec<Vec<Found>>>>()
                .map(|v| v.into_iter().flatten().collect::<Vec<Found>>())
        };
        let Some(left) = side(builtin.left) else { continue };
        let Some(right) = side(builtin.right) else { continue };
        let mut items = Vec::new();
        for item in declared.map(|d| d.items.as_slice()).unwrap_or_default() {
            let Some(&t) = computed.index.get(item.table.as_deref().unwrap_or_default()) else { continue };
            let Some(r) = computed.tables[t].row_index(&item.row) else { continue };
            let col = if t == o { other_column.clone() } else { column.id.clone() };
            if let Some(f) = found(computed, t, r, &col, item.negate) {
                items.push(f);
            }
        }
        let total = |side: &[Found]| side.iter().map(|f| f.kronor).sum::<Decimal>();
        let difference = total(&left) - total(&right) - total(&items);
        if difference.is_zero() {
            continue;
        }
        let unit = home.input_unit.kronor();
        let tolerance = home.tolerance.max(computed.tables[o].tolerance) * unit;
        let shown = |v: Decimal| format!("{} {}", format_amount(v / unit, None), home.input_unit.name());
        let names = |side: &[Found]| {
            let names: Vec<String> = side.iter().map(|f| f.name.clone()).collect();
            let joined = names.join(" + ").replace("+ -", "− ");
            match joined.strip_prefix('-') {
                Some(rest) => format!("−{rest}"),
                None => joined,
            }
        };
        let describe = |side: &[Found]| format!("{} is {}", names(side), shown(total(side)));
        let places: Vec<String> = left
            .iter()
            .chain(&right)
            .chain(&items)
            .map(|f| format!("`{}` at {}:{}:{}", f.name.trim_start_matches('-'), f.loc.file, f.loc.line, f.loc.column))
            .collect();
        let (message, hint) = match builtin.kind {
            Kind::Strict => {
                let right: Vec<Found> = right.into_iter().chain(items).collect();
                (
                    format!(
                        "`{}` does not hold for {}: {}, {}; the difference is {}",
                        builtin.what,
                        column.id,
                        describe(&left),
                        describe(&right),
                        shown(difference)
                    ),
                    format!(
                        "{}; one of these figures is wrong. The relation is built in ({}); switch it off only with a reason, under `law:` of `{}`",
                        places.join(", "),
                        builtin.source,
                        home.id
                    ),
                )
            }
            Kind::Reconciliation => {
                let listed: Vec<String> =
                    items.iter().map(|f| format!("{} {}", names(std::slice::from_ref(f)), shown(f.kronor))).collect();
                let items = match listed.is_empty() {
                    true => "no reconciling items are declared".to_owned(),
                    false => format!("the reconciling items are {}", listed.join(", ")),
                };
                (
                    format!(
                        "`{}` does not close for {}: {}; {}; {}; the difference is {}",
                        builtin.what,
                        column.id,
                        describe(&left),
                        describe(&right),
                        items,
                        shown(difference)
                    ),
                    format!(
                        "{}; declare the lines that explain the difference under `law:` of `{}`, e.g. `{}: {{items: [table.line]}}` (`-table.line` subtracts), or correct the figure. The reconciliation is built in ({}); switch it off only with a reason",
                        places.join(", "),
                        home.id,
                        builtin.id,
                        builtin.source
                    ),
                )
            }
        };
        let at = Some(left[0].loc.clone());
        let d = if difference.abs() <= tolerance {
            Diagnostic::warning(at, message)
        } else {
            Diagnostic::error(at, message)
        };
        diagnostics.push(super::with_source(d.with_hint(hint), sources));
    }
}

/// Line `r` of table `t` in column `column`, in kronor (plain numbers as they are).
fn found(computed: &Computed, t: usize, r: usize, column: &str, negate: bool) -> Option<Found> {
    let table: &Table = &computed.tables[t];
    let c = table.column_index(column)?;
    let value = computed.lines[t][r][c]?;
    let unit = table.row_input_unit(r);
    let kronor = value.checked_mul(if unit.is_money() { unit.kronor() } else { Decimal::ONE })?;
    let row = table.rows[r].id.as_deref().unwrap_or_default();
    let sign = if negate { "-" } else { "" };
    Some(Found {
        name: format!("{sign}{}.{row}[{column}]", table.id),
        loc: table.rows[r].loc.clone(),
        kronor: if negate { -kronor } else { kronor },
    })
}

/// The column of the year before a column named by its year: "2012" for "2013".
fn previous_year(column: &str) -> Option<String> {
    let year: i32 = column.parse().ok().filter(|y| (1000..=9999).contains(y))?;
    Some((year - 1).to_string())
}
