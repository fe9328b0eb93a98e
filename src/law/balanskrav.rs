//! The balanskravsutredning (LKBR 11 kap.; the balanskrav of KL 11 kap. 12 §): its lines
//! stand in the law's order, the two results are the sums of the lines above
//! them in that order, and a negative balanskravsresultat states how it is
//! restored (`law: {aterstallande: …}`).
//!
//! Parts are summed as they are typed: deductions (realisationsvinster,
//! medel till resultatutjämningsreserv) carry their minus sign. Årets
//! resultat agreeing with the resultaträkning is a built-in relation
//! (`balanskravsutredningens_arets_resultat`).

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::declarations::Declarations;
use super::roles::{self, Role};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::figures::compute::Computed;
use crate::format::format_amount;

const EFTER_JUSTERINGAR: &str = "arets_resultat_efter_balanskravsjusteringar";
const BALANSKRAVSRESULTAT: &str = "arets_balanskravsresultat";

/// Checks every table of the role balanskravsutredning.
pub fn check(
    computed: &Computed,
    declarations: &Declarations,
    sources: &BTreeMap<String, String>,
    diagnostics: &mut Diagnostics,
) {
    let mut out = Vec::new();
    for (t, table) in computed.tables.iter().enumerate() {
        if table.role != Some(Role::Balanskravsutredning) {
            continue;
        }
        if !in_order(computed, t, &mut out) {
            continue;
        }
        for column in 0..table.columns.len() {
            check_sum(computed, t, column, EFTER_JUSTERINGAR, &mut out);
            check_sum(computed, t, column, BALANSKRAVSRESULTAT, &mut out);
        }
        check_aterstallande(computed, t, declarations.aterstallande(&table.id).is_some(), &mut out);
    }
    for d in out {
        diagnostics.push(super::with_source(d, sources));
    }
}

fn order() -> &'static [roles::StandardLine] {
    Role::Balanskravsutredning.standard_lines()
}

fn position(id: &str) -> Option<usize> {
    order().iter().position(|l| l.id == id)
}

/// Whether the table's standard lines follow the law's order; an error at each line that does not.
fn in_order(computed: &Computed, t: usize, out: &mut Vec<Diagnostic>) -> bool {
    let table = &computed.tables[t];
    let mut last: Option<(usize, &str)> = None;
    let mut ok = true;
    for row in &table.rows {
        let Some(id) = roles::standard_id(Role::Balanskravsutredning, row) else { continue };
        let Some(p) = position(id) else { continue };
        match last {
            Some((q, before)) if p < q => {
                ok = false;
                let law: Vec<&str> = order().iter().map(|l| l.id).collect();
                out.push(
                    Diagnostic::error(
                        Some(row.standard_loc.clone().unwrap_or_else(|| row.loc.clone())),
                        format!(
                            "the balanskravsutredning `{}` has `{id}` after `{before}`; the law puts it before",
                            table.id
                        ),
                    )
                    .with_hint(format!("write the lines in the law's order: {}", law.join(", "))),
                );
            }
            _ => {}
        }
        // Compared with the line before, so one misplaced line is one error.
        last = Some((p, id));
    }
    ok
}

/// Checks that line `total` equals the sum of the present lines above it in the
/// law's order (from the previous result on), in column `c`.
fn check_sum(computed: &Computed, t: usize, c: usize, total: &str, out: &mut Vec<Diagnostic>) {
    let table = &computed.tables[t];
    let value = |id: &str| roles::line_in(table, id).and_then(|r| computed.lines[t][r][c].map(|v| (r, v)));
    let Some((r, typed)) = value(total) else { return };
    let end = position(total).unwrap_or_default();
    // The sum starts at årets resultat, or for the balanskravsresultat at the adjusted result.
    let start = if total == BALANSKRAVSRESULTAT { position(EFTER_JUSTERINGAR).unwrap_or_default() } else { 0 };
    let first = order()[start].id;
    if value(first).is_none() {
        return;
    }
    let parts: Vec<(&str, Decimal)> =
        order()[start..end].iter().filter_map(|l| value(l.id).map(|(_, v)| (l.id, v))).collect();
    let computed_sum: Decimal = parts.iter().map(|(_, v)| v).sum();
    let difference = typed - computed_sum;
    if difference.is_zero() {
        return;
    }
    let unit = table.input_unit.name();
    let shown = |v: Decimal| format!("{} {unit}", format_amount(v, None));
    let listed: Vec<String> = parts.iter().map(|(id, v)| format!("{id} {}", shown(*v))).collect();
    let column = &table.columns[c].id;
    let message = format!(
        "`{}.{total}[{column}]` is typed as {}, but its parts in the law's order sum to {}; the difference is {}",
        table.id,
        shown(typed),
        shown(computed_sum),
        shown(difference)
    );
    let hint = format!("the parts: {}; deductions are typed with their minus sign", listed.join(", "));
    let at = Some(table.rows[r].loc.clone());
    let d = if difference.abs() <= table.tolerance {
        Diagnostic::warning(at, message)
    } else {
        Diagnostic::error(at, message)
    };
    out.push(d.with_hint(hint));
}

/// A negative balanskravsresultat needs a stated återställande.
fn check_aterstallande(computed: &Computed, t: usize, stated: bool, out: &mut Vec<Diagnostic>) {
    let table = &computed.tables[t];
    let Some(r) = roles::line_in(table, BALANSKRAVSRESULTAT) else { return };
    if stated {
        return;
    }
    let negative: Vec<String> = table
        .columns
        .iter()
        .zip(&computed.lines[t][r])
        .filter_map(|(column, v)| {
            v.filter(|v| v.is_sign_negative() && !v.is_zero())
                .map(|v| format!("{} {} in {}", format_amount(v, None), table.input_unit.name(), column.id))
        })
        .collect();
    if negative.is_empty() {
        return;
    }
    let loc: Location = table.rows[r].loc.clone();
    out.push(
        Diagnostic::error(
            Some(loc),
            format!(
                "the balanskravsresultat of `{}` is negative ({}) but no återställande is stated",
                table.id,
                negative.join(", ")
            ),
        )
        .with_hint(format!(
            "the law requires a negative result to be restored within three years (KL 11 kap. 12 §); state how under `law:` of `{}`, e.g. `aterstallande: \"Återställs 2014–2016 enligt fullmäktiges beslut\"`",
            table.id
        )),
    );
}
