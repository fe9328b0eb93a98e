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
mod figures_trust;
mod fixtures;
mod hardening;
mod layout;
mod pdf;
mod serve_limits;
mod site;
