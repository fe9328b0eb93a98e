//! The one integration-test binary: every end-to-end test module is listed here,
//! so typst is linked into a single test executable.

mod authoring;
mod bench;
mod build;
mod chapters_trust;
mod charts;
mod common;
mod determinism;
mod documents;
mod figures_expressions;
mod figures_trust;
mod figures_units;
mod fixtures;
mod goals_from_figures;
mod goals_model;
mod hardening;
mod hardening_inputs;
mod hyphenation;
mod layout;
mod ledger;
mod pdf;
mod sections;
mod serve_limits;
mod site;
mod site_links;
