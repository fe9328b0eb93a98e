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
        load_with_goals(source, None)
    }

    /// The words of the theme's language file.
    pub fn words() -> crate::goals::render::Labels {
        let source =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/i18n/sv.yaml")).unwrap();
        let node = crate::yaml::parse(&source, "sv.yaml").unwrap();
        let map = node.as_map().unwrap();
        map.iter().map(|(k, v)| (k.as_str().unwrap().to_owned(), v.as_str().unwrap_or_default().to_owned())).collect()
    }

    /// Like [`load`], with a goals file `content/data/mal.yaml` beside the figures.
    pub fn load_with_goals(source: &str, goals: Option<&str>) -> Result<super::Charts, String> {
        let mut data = DataFiles::default();
        for (stem, file, text) in [("figurer", FILE, Some(source)), ("mal", "content/data/mal.yaml", goals)] {
            let Some(text) = text else { continue };
            let node = crate::yaml::parse(text, file).map_err(|d| d.to_string())?;
            data.files.insert(stem.into(), node);
            data.paths.insert(stem.into(), file.into());
            data.sources.insert(file.into(), text.into());
        }
        let labels = TableLabels { amounts_in: "belopp i", rounding: "Avrundningsdifferens" };
        let (figures, _) = Figures::load(&data, &labels).map_err(|d| d.to_string())?;
        let goals = crate::goals::Goals::load(&data, Some(&figures.computed)).map_err(|d| d.to_string())?;
        let words = words();
        let source = super::GoalSource { goals: &goals, labels: &words };
        super::Charts::load(&data, &figures, Some(source)).map_err(|d: Diagnostics| d.to_string())
    }
}
