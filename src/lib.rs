//! arsrapport builds Swedish public-sector reports (årsredovisning,
//! verksamhetsplan och budget, delårsrapport) from Markdown chapters and YAML
//! figures into an accessible PDF and HTML site.

pub mod charts;
pub mod cli;
pub mod cmd;
pub mod content;
pub mod data;
pub mod diagnostics;
pub mod figures;
pub mod format;
pub mod goals;
pub mod input;
pub mod law;
pub mod ledger;
pub mod listing;
pub mod markdown;
pub mod output;
pub mod people;
pub mod pipeline;
pub mod project;
pub mod render;
pub mod site_links;
pub mod svg;
pub mod templates;
pub mod theme;
pub mod yaml;
