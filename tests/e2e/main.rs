//! The one integration-test binary: every end-to-end test module is listed here,
//! so typst is linked into a single test executable.

mod authoring;
mod bench;
mod build;
mod common;
mod documents;
mod fixtures;
mod hardening;
mod pdf;
mod serve_limits;
mod site;
