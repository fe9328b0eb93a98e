//! Sjukfrånvaro (LKBR 11 kap.): the förvaltningsberättelse gives seven
//! figures — the total, long-term absence, women, men and three age groups —
//! unless they are left out for one of the law's reasons, declared as
//! `law: {omission: {reason: tio_eller_farre}}` (see [`OMISSION_REASONS`]).
//!
//! [`OMISSION_REASONS`]: super::declarations::OMISSION_REASONS

use std::collections::BTreeMap;

use super::declarations::{Declarations, OMISSION_REASONS};
use super::roles::{self, Role};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::figures::compute::Computed;

/// An error for each sjukfrånvaro table that lacks one of the seven figures
/// in one of its columns, naming every figure missing.
pub fn check(
    computed: &Computed,
    declarations: &Declarations,
    sources: &BTreeMap<String, String>,
    diagnostics: &mut Diagnostics,
) {
    for (t, table) in computed.tables.iter().enumerate() {
        if table.role != Some(Role::Sjukfranvaro) || declarations.omission(&table.id).is_some() {
            continue;
        }
        let mut missing = Vec::new();
        for line in Role::Sjukfranvaro.standard_lines() {
            let Some(r) = roles::line_in(table, line.id) else {
                missing.push(format!("`{}` (no line)", line.id));
                continue;
            };
            let empty: Vec<&str> = table
                .columns
                .iter()
                .zip(&computed.lines[t][r])
                .filter(|(_, v)| v.is_none())
                .map(|(c, _)| c.id.as_str())
                .collect();
            if !empty.is_empty() {
                missing.push(format!("`{}` (empty in {})", line.id, empty.join(", ")));
            }
        }
        if missing.is_empty() {
            continue;
        }
        let at = table.role_loc.clone().unwrap_or_else(|| table.loc.clone());
        let d = Diagnostic::error(
            Some(at),
            format!("the sjukfrånvaro `{}` lacks figures the law asks for: {}", table.id, missing.join(", ")),
        )
        .with_hint(format!(
            "give all seven lines ({}), or declare why they are left out: `law: {{omission: {{reason: {}}}}}` (ten or fewer employees) or `{}` (figures that would identify a person)",
            Role::Sjukfranvaro.standard_lines().iter().map(|l| l.id).collect::<Vec<_>>().join(", "),
            OMISSION_REASONS[0],
            OMISSION_REASONS[1]
        ));
        diagnostics.push(super::with_source(d, sources));
    }
}
