//! What LKBR (lag 2018:597 om kommunal bokföring och redovisning) and RKR's
//! recommendations require of the statements: the roles a table can play,
//! their standard lines, and the relations between them that hold by law.

pub mod balanskrav;
pub mod completeness;
pub mod declarations;
pub mod relations;
pub mod roles;
pub mod sjukfranvaro;

use std::collections::BTreeMap;

use crate::data::DataFiles;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::figures::Figures;

/// Checks the law's relations between the computed statements: errors, and
/// warnings for differences within a table's tolerance.
pub fn check(figures: &Figures, data: &DataFiles) -> Diagnostics {
    let computed = &figures.computed;
    let roles: BTreeMap<String, _> = computed.tables.iter().map(|t| (t.id.clone(), t.role)).collect();
    let declarations = match declarations::read(data, &roles) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let mut diagnostics = Diagnostics::new();
    // Every reconciling item and mapped column must exist before anything is compared.
    for d in declarations.iter() {
        for item in &d.items {
            let table = item.table.as_deref().unwrap_or_default();
            let exists = computed.table(table).is_some_and(|t| t.row_index(&item.row).is_some());
            if !exists {
                let d = Diagnostic::error(
                    Some(item.loc.clone()),
                    format!("the reconciling item `{table}.{}` names no line of a table", item.row),
                )
                .with_hint("write `table.line` of a line with an id");
                diagnostics.push(with_source(d, &data.sources));
            }
        }
        for (part, loc) in &d.parts {
            if computed.table(part).is_none() {
                let d = Diagnostic::error(Some(loc.clone()), format!("the part `{part}` names no table"))
                    .with_hint("write the id of the table of the organisation or of a company the sammanställd statement is made of");
                diagnostics.push(with_source(d, &data.sources));
            }
        }
    }
    if diagnostics.has_errors() {
        return diagnostics;
    }
    // Listed like an accepted difference: a warning with its reason, so no relation is off unseen.
    for d in declarations.iter() {
        if let Some(reason) = &d.off {
            let d = Diagnostic::warning(
                Some(d.loc.clone()),
                format!("the relation `{}` of `{}` is switched off: {reason}", d.relation, d.table),
            );
            diagnostics.push(with_source(d, &data.sources));
        }
    }
    relations::check(computed, &declarations, &data.sources, &mut diagnostics);
    balanskrav::check(computed, &declarations, &data.sources, &mut diagnostics);
    sjukfranvaro::check(computed, &declarations, &data.sources, &mut diagnostics);
    diagnostics
}

/// `d` with the line of its data file shown, when `sources` holds that file.
fn with_source(d: Diagnostic, sources: &BTreeMap<String, String>) -> Diagnostic {
    match d.location.as_ref().and_then(|l| sources.get(&l.file)) {
        Some(s) => d.with_source(s),
        None => d,
    }
}
