//! The theme: templates, typst layout, CSS, fonts and labels. The default theme
//! is built into the binary; a project's `themes/<name>/` overrides it file by file.

use std::collections::BTreeMap;
use std::path::Path;

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics, Location, display_path};
use crate::yaml::{self, NodeKind};

mod config;

pub use config::{StatusColours, THEME_ASSETS, ThemeConfig};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));
}

/// The built-in theme's files: its fonts measure chart labels and serve tests.
pub fn builtin_files() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    embedded::DEFAULT_THEME.iter().copied()
}

/// The theme's settings file.
pub const CONFIG_FILE: &str = "theme.yaml";

/// Where a theme file came from, so errors can name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    BuiltIn,
    /// Project-relative path of the overriding file.
    Project(String),
}

#[derive(Debug, Clone)]
pub struct ThemeFile {
    pub bytes: Vec<u8>,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct Theme {
    /// Files by theme-relative path, e.g. `html/base.html`.
    pub files: BTreeMap<String, ThemeFile>,
    /// The document's labels (`i18n/<language>.yaml`).
    pub labels: BTreeMap<String, String>,
    /// Page, fonts, colours and layout switches (`theme.yaml`).
    pub config: ThemeConfig,
}

impl Theme {
    pub fn load(root: &Path, name: &str, language: &str) -> Result<Theme, Diagnostics> {
        let mut files: BTreeMap<String, ThemeFile> = embedded::DEFAULT_THEME
            .iter()
            .map(|(path, bytes)| ((*path).to_owned(), ThemeFile { bytes: bytes.to_vec(), origin: Origin::BuiltIn }))
            .collect();
        let mut diagnostics = Diagnostics::new();
        let dir = root.join("themes").join(name);
        // A folder that is there but cannot be read is an error, never the built-in theme.
        let found = crate::listing::folder_exists(root, &dir).unwrap_or_else(|d| {
            diagnostics.push(d);
            false
        });
        if found && !crate::project::resolves_inside(root, &dir) {
            diagnostics.push(crate::project::outside_the_project(&display_path(root, &dir)));
        } else if found {
            let mut entries = match crate::listing::entries(WalkDir::new(&dir), root) {
                Ok(entries) => entries,
                Err(e) => {
                    diagnostics.extend(e);
                    Vec::new()
                }
            };
            entries.sort_by(|a, b| a.path().cmp(b.path()));
            for entry in entries {
                let rel_in_project = display_path(root, entry.path());
                if entry.path_is_symlink() {
                    diagnostics.push(
                        Diagnostic::error(
                            Some(Location::file(&rel_in_project)),
                            "theme files may not be symbolic links",
                        )
                        .with_hint("copy the file into the theme folder instead"),
                    );
                    continue;
                }
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = display_path(&dir, entry.path());
                match std::fs::read(entry.path()) {
                    Ok(bytes) => {
                        files.insert(rel, ThemeFile { bytes, origin: Origin::Project(rel_in_project) });
                    }
                    Err(e) => diagnostics.push(Diagnostic::error(
                        Some(Location::file(&rel_in_project)),
                        format!("cannot read the file: {e}"),
                    )),
                }
            }
        } else if name != "default" && !diagnostics.has_errors() {
            diagnostics.push(
                Diagnostic::error(Some(Location::file("content/report.yaml")), format!("there is no theme `{name}`"))
                    .with_hint(format!("create themes/{name}/ in the project, or remove `theme:` to use the default")),
            );
        }
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        let mut theme = Theme { files, labels: BTreeMap::new(), config: ThemeConfig::default() };
        let labels = theme.load_labels(language);
        let config = theme.load_config();
        match (labels, config) {
            (Ok(labels), Ok(config)) => {
                theme.labels = labels;
                theme.config = config;
                Ok(theme)
            }
            (labels, config) => {
                let mut all = Diagnostics::new();
                for e in [labels.err(), config.err()].into_iter().flatten() {
                    all.extend(e);
                }
                Err(all)
            }
        }
    }

    /// A theme file as text. Errors if it is missing or not UTF-8.
    pub fn text(&self, path: &str) -> Result<&str, Diagnostics> {
        let file = self
            .files
            .get(path)
            .ok_or_else(|| Diagnostics::from(Diagnostic::error(None, format!("the theme has no file `{path}`"))))?;
        std::str::from_utf8(&file.bytes).map_err(|_| {
            Diagnostics::from(Diagnostic::error(
                Some(Location::file(self.display_name(path))),
                "the file is not valid UTF-8 text",
            ))
        })
    }

    /// The name of a theme file as shown to the user.
    pub fn display_name(&self, path: &str) -> String {
        match self.files.get(path).map(|f| &f.origin) {
            Some(Origin::Project(p)) => p.clone(),
            _ => format!("themes/default/{path} (built in)"),
        }
    }

    /// Theme files under a folder, e.g. `fonts/`.
    pub fn files_under<'t>(&'t self, prefix: &'t str) -> impl Iterator<Item = (&'t str, &'t ThemeFile)> + 't {
        self.files.iter().filter(move |(p, _)| p.starts_with(prefix)).map(|(p, f)| (p.as_str(), f))
    }

    pub fn label<'a>(&'a self, key: &'a str) -> &'a str {
        self.labels.get(key).map(String::as_str).unwrap_or(key)
    }

    /// `theme.yaml` over the built-in defaults; a theme without one looks like the default.
    fn load_config(&self) -> Result<ThemeConfig, Diagnostics> {
        if !self.files.contains_key(CONFIG_FILE) {
            return Ok(ThemeConfig::default());
        }
        let name = self.display_name(CONFIG_FILE);
        let config = ThemeConfig::parse(self.text(CONFIG_FILE)?, &name)?;
        if let Some(logo) = &config.logo
            && !self.files.contains_key(logo.file.trim_start_matches('/'))
        {
            return Err(Diagnostic::error(
                Some(Location::file(name)),
                format!("the theme's logo `{}` is not in the theme folder", logo.file),
            )
            .with_hint("put the image beside theme.yaml and name it relative to that folder")
            .into());
        }
        Ok(config)
    }

    fn load_labels(&self, language: &str) -> Result<BTreeMap<String, String>, Diagnostics> {
        let path = format!("i18n/{language}.yaml");
        let name = self.display_name(&path);
        let source = self.text(&path).map_err(|_| {
            Diagnostics::from(
                Diagnostic::error(
                    Some(Location::file("content/report.yaml")),
                    format!("the theme has no labels for the language `{language}`"),
                )
                .with_hint(format!("add {path} to the theme or set `language: sv`")),
            )
        })?;
        let node = yaml::parse(source, &name)?;
        let mut labels = BTreeMap::new();
        let mut diagnostics = Diagnostics::new();
        for (key, value) in node.as_map().unwrap_or_default() {
            match (&key.kind, &value.kind) {
                (NodeKind::Scalar { text: k, .. }, NodeKind::Scalar { text: v, .. }) => {
                    labels.insert(k.clone(), v.clone());
                }
                _ => diagnostics.push(
                    Diagnostic::error(
                        Some(value.location(&name)),
                        format!("expected a label text, found {}", value.describe()),
                    )
                    .with_source(source),
                ),
            }
        }
        diagnostics.into_result().map(|_| labels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_theme_has_what_the_renderers_need() {
        let dir = tempfile::tempdir().unwrap();
        let theme = Theme::load(dir.path(), "default", "sv").unwrap();
        for file in ["html/base.html", "html/index.html", "html/chapter.html", "typst/report.typ", "typst/lib.typ"] {
            assert!(theme.files.contains_key(file), "{file} missing");
        }
        assert!(theme.files_under("fonts/").count() >= 2);
        assert_eq!(theme.label("contents"), "Innehåll");
    }

    #[test]
    fn a_project_file_overrides_the_built_in_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("themes/default/i18n")).unwrap();
        std::fs::write(dir.path().join("themes/default/i18n/sv.yaml"), "contents: Innehållsförteckning\n").unwrap();
        let theme = Theme::load(dir.path(), "default", "sv").unwrap();
        assert_eq!(theme.label("contents"), "Innehållsförteckning");
        assert!(theme.display_name("i18n/sv.yaml").starts_with("themes/default/i18n/sv.yaml"));
    }
}
