//! Financial statements, notes and data tables from YAML: typed once,
//! computed where they can be, cross-checked on every build, and formatted
//! once for both outputs.
//!
//! A data file that has `tables:`, `notes:` or `checks:` at its top level is a
//! figures file; see the README for the format.

pub mod budget;
pub mod compute;
pub mod expr;
pub mod in_text;
pub mod key_figures;
pub mod model;
pub mod unused;
pub mod view;

use std::collections::{BTreeMap, HashMap};

use crate::data::DataFiles;
use crate::diagnostics::Diagnostics;
use compute::Computed;
use view::{TableLabels, TableView};

/// Every table, computed and checked, with its view for the renderers.
pub struct Figures {
    pub computed: Computed,
    pub views: BTreeMap<String, TableView>,
    /// Note ids in note-number order.
    pub notes: Vec<String>,
}

impl Figures {
    /// Reads the figures files among the data files, computes and checks them.
    /// Returns the warnings (differences within tolerance) beside the figures.
    pub fn load(data: &DataFiles, labels: &TableLabels) -> Result<(Figures, Diagnostics), Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        let mut tables = Vec::new();
        let mut notes = Vec::new();
        let mut checks = Vec::new();
        let mut ledgers = crate::ledger::tables::Ledgers::new(&data.root, data.period);
        for (stem, node) in &data.files {
            if !model::is_figures_file(node) {
                continue;
            }
            let file = data.paths.get(stem).cloned().unwrap_or_default();
            let source = data.sources.get(&file).map(String::as_str).unwrap_or_default();
            match model::parse_file(node, &file, source) {
                Ok(mut f) => {
                    diagnostics.extend(crate::ledger::tables::fill(node, &file, source, &mut f, &mut ledgers));
                    tables.extend(f.tables);
                    notes.extend(f.notes);
                    checks.extend(f.checks);
                }
                Err(e) => diagnostics.extend(e),
            }
        }
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        for (i, note) in notes.iter_mut().enumerate() {
            note.note_number = Some(i + 1);
        }
        let note_ids: Vec<String> = notes.iter().map(|n| n.id.clone()).collect();
        tables.extend(notes);
        let sources: HashMap<String, String> = data.sources.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let (computed, mut warnings) = compute::compute(tables, &checks, &sources)?;
        warnings.extend(ledgers.warnings);
        let views = (0..computed.tables.len())
            .map(|t| (computed.tables[t].id.clone(), view::build(&computed, t, labels)))
            .collect();
        Ok((Figures { computed, views, notes: note_ids }, warnings))
    }

    /// `figures.<table>.<line>.<column>` for chapters: the value as shown in the table.
    pub fn to_value(&self) -> tera::Value {
        let mut tables = BTreeMap::new();
        for (t, table) in self.computed.tables.iter().enumerate() {
            let mut rows = BTreeMap::new();
            for (r, row) in table.rows.iter().enumerate() {
                let Some(id) = &row.id else { continue };
                let mut columns = BTreeMap::new();
                for (c, column) in table.columns.iter().enumerate() {
                    if let Some(v) = self.computed.lines[t][r][c] {
                        let shown = view::shown(table, r, v);
                        let value = if shown.scale() == 0 {
                            tera::Value::from(shown.mantissa())
                        } else {
                            tera::Value::from(shown.to_string())
                        };
                        columns.insert(column.id.clone(), value);
                    }
                }
                rows.insert(id.clone(), tera::Value::from(columns));
            }
            tables.insert(table.id.clone(), tera::Value::from(rows));
        }
        tera::Value::from(tables)
    }
}
