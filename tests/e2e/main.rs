//! The one integration-test binary: every end-to-end test module is listed here,
//! so typst is linked into a single test executable.

mod a11y_language;
mod authoring;
mod bench;
mod build;
mod chapters_trust;
mod charts;
mod common;
mod determinism;
mod documents;
mod figures_expressions;
mod figures_in_text;
mod figures_lines;
mod figures_trust;
mod figures_units;
mod fixtures;
mod goals_areas;
mod goals_from_figures;
mod goals_model;
mod hardening;
mod hardening_inputs;
mod hardening_linear;
mod hyphenation;
mod law_balanskrav;
mod law_relations;
mod law_roles;
mod law_sjukfranvaro;
mod layout;
mod ledger;
mod ledger_tables;
mod lkbr_rules;
mod pdf;
mod sections;
mod serve_limits;
mod site;
mod site_links;
