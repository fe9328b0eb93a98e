//! Charts drawn from the figures the statements already hold: the
//! `charts:` section of a figures file (`spec`), one layout computed in Rust
//! (`layout`) and the SVG that both the site and the PDF show (`svg`).

pub mod alt;
pub mod clear;
pub mod layout;
pub mod measure;
pub mod place;
pub mod spec;
pub mod style;
pub mod svg;

pub use spec::{Chart, ChartKind, Charts, GoalSource};

#[cfg(test)]
pub(crate) mod testing {
    use crate::data::DataFiles;
    use crate::diagnostics::Diagnostics;
    use crate::figures::Figures;
    use crate::figures::view::TableLabels;

    pub const FILE: &str = "content/data/figurer.yaml";

    /// The charts of one figures file, or every problem found, as printed.
    pub fn load(source: &str) -> Result<super::Charts, String> {
        let node = crate::yaml::parse(source, FILE).map_err(|d| d.to_string())?;
        let mut data = DataFiles::default();
        data.files.insert("figurer".into(), node);
        data.paths.insert("figurer".into(), FILE.into());
        data.sources.insert(FILE.into(), source.into());
        let labels = TableLabels { amounts_in: "belopp i", rounding: "Avrundningsdifferens" };
        let (figures, _) = Figures::load(&data, &labels).map_err(|d| d.to_string())?;
        super::Charts::load(&data, &figures, None).map_err(|d: Diagnostics| d.to_string())
    }
}
