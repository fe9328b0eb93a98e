//! A project on disk: its root, its `content/report.yaml`, and the paths the
//! other stages read from.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::yaml::{self, Node, NodeKind};

pub const CONFIG_FILE: &str = "content/report.yaml";

/// The kinds of document the tool knows how to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Arsredovisning,
    Verksamhetsplan,
    Delarsrapport,
}

impl DocumentKind {
    const NAMES: [(&'static str, DocumentKind); 3] = [
        ("arsredovisning", DocumentKind::Arsredovisning),
        ("verksamhetsplan", DocumentKind::Verksamhetsplan),
        ("delarsrapport", DocumentKind::Delarsrapport),
    ];

    pub fn name(self) -> &'static str {
        Self::NAMES.iter().find(|(_, k)| *k == self).map(|(n, _)| *n).unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
pub struct Decision {
    pub body: String,
    /// ISO date, `YYYY-MM-DD`.
    pub date: String,
}

/// The organisation's logo for the title page: an image inside the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    /// Project-relative path, e.g. `content/images/logo.svg`.
    pub file: String,
    /// What a screen reader says instead of the image.
    pub alt: String,
    /// Where `logo:` is written, for messages.
    pub location: Location,
}

/// Image formats typst can place.
const LOGO_FORMATS: [&str; 6] = ["svg", "png", "jpg", "jpeg", "gif", "webp"];

/// The contents of `content/report.yaml`.
#[derive(Debug, Clone)]
pub struct ReportConfig {
    pub organisation: String,
    pub subtitle: String,
    pub title: String,
    pub kind: DocumentKind,
    pub year: i32,
    pub decision: Option<Decision>,
    pub language: String,
    pub description: String,
    /// Name of the theme; a project folder `themes/<name>/` overrides the built-in files.
    pub theme: String,
    /// Whether chapters are numbered (1, 2, 3 …) in the PDF and the site.
    pub chapter_numbers: bool,
    /// Base name of the output files, e.g. `arsredovisning-2013`.
    pub output_name: String,
    /// Whether the PDF conforms to PDF/UA-1 and PDF/A-2a (the default).
    pub accessible_pdf: bool,
    /// The logo on the title page, if any.
    pub logo: Option<Logo>,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub config: ReportConfig,
}

impl Project {
    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }

    pub fn output_dir(&self) -> PathBuf {
        self.root.join("output")
    }

    /// Loads the project at `root`, or finds the root from `start` upwards.
    pub fn load(root: Option<&Path>, start: &Path) -> Result<Project, Diagnostics> {
        let root = match root {
            Some(root) => {
                if !root.join(CONFIG_FILE).is_file() {
                    return Err(Diagnostic::error(
                        None,
                        format!("{} is not a project: it has no {CONFIG_FILE}", root.display()),
                    )
                    .with_hint("a project folder holds content/report.yaml; `arsrapport new DIR` creates one")
                    .into());
                }
                root.to_path_buf()
            }
            None => find_root(start).ok_or_else(|| {
                Diagnostics::from(
                    Diagnostic::error(None, format!("no project found in {} or any folder above it", start.display()))
                        .with_hint("run inside a project (a folder with content/report.yaml) or pass --root DIR"),
                )
            })?,
        };
        let root = root.canonicalize().unwrap_or(root);
        let path = root.join(CONFIG_FILE);
        if !resolves_inside(&root, &path) {
            return Err(outside_the_project(CONFIG_FILE).into());
        }
        let bytes = std::fs::read(&path).map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                Some(Location::file(CONFIG_FILE)),
                format!("cannot read the file: {e}"),
            ))
        })?;
        let source = String::from_utf8(bytes).map_err(|e| {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            Diagnostics::from(
                Diagnostic::error(Some(Location::new(CONFIG_FILE, line, 1)), "the file is not valid UTF-8 text")
                    .with_hint("save the file as UTF-8 in your editor"),
            )
        })?;
        let node = yaml::parse(&source, CONFIG_FILE)?;
        let config = parse_config(&node, &source)?;
        if let Some(logo) = &config.logo
            && !resolves_inside(&root, &root.join(&logo.file))
        {
            return Err(Diagnostic::error(
                Some(logo.location.clone()),
                format!("the logo `{}` lies outside the project (through a symbolic link)", logo.file),
            )
            .with_source(&source)
            .with_hint("copy the image into the project instead of linking to it")
            .into());
        }
        if let Some(logo) = &config.logo
            && !root.join(&logo.file).is_file()
        {
            return Err(Diagnostic::error(
                Some(logo.location.clone()),
                format!("the logo `{}` does not exist", logo.file),
            )
            .with_source(&source)
            .with_hint("the path is relative to the content folder, e.g. `file: images/logo.svg`")
            .into());
        }
        Ok(Project { root, config })
    }
}

/// Whether `path` (following symbolic links) is inside `root`. A path that
/// does not exist is inside when the folder that would hold it is; then it
/// is simply missing, which the caller reports in its own words.
pub fn resolves_inside(root: &Path, path: &Path) -> bool {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut existing = path;
    loop {
        match existing.canonicalize() {
            Ok(resolved) => return resolved.starts_with(&root),
            Err(_) => match existing.parent() {
                Some(parent) => existing = parent,
                None => return false,
            },
        }
    }
}

/// The error for a project file or folder that a symbolic link leads out of the project.
pub fn outside_the_project(file: &str) -> Diagnostic {
    Diagnostic::error(Some(Location::file(file)), "this lies outside the project (through a symbolic link)")
        .with_hint("only files inside the project folder are read; copy them in instead of linking to them")
}

/// The nearest folder at or above `start` that holds `content/report.yaml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|dir| dir.join(CONFIG_FILE).is_file()).map(Path::to_path_buf)
}

/// Reads the fields of one YAML mapping, remembering which keys were used so
/// that unknown (usually misspelt) keys can be reported.
pub struct Fields<'a> {
    pub file: &'a str,
    pub source: &'a str,
    pub node: &'a Node,
    known: Vec<&'static str>,
    pub diagnostics: Diagnostics,
}

impl<'a> Fields<'a> {
    /// Fails (with a diagnostic) unless `node` is a mapping.
    pub fn new(node: &'a Node, file: &'a str, source: &'a str, what: &str) -> Result<Self, Diagnostics> {
        if node.as_map().is_none() {
            return Err(Diagnostic::error(
                Some(node.location(file)),
                format!("expected {what} as a mapping of `key: value` lines, found {}", node.describe()),
            )
            .with_source(source)
            .into());
        }
        Ok(Self { file, source, node, known: Vec::new(), diagnostics: Diagnostics::new() })
    }

    pub fn error(&mut self, at: &Node, message: String, hint: Option<String>) {
        let mut d = Diagnostic::error(Some(at.location(self.file)), message).with_source(self.source);
        if let Some(h) = hint {
            d = d.with_hint(h);
        }
        self.diagnostics.push(d);
    }

    pub fn optional(&mut self, key: &'static str) -> Option<&'a Node> {
        self.known.push(key);
        self.node.get(key).filter(|n| n.kind != NodeKind::Null)
    }

    pub fn required(&mut self, key: &'static str, example: &str) -> Option<&'a Node> {
        let found = self.optional(key);
        if found.is_none() {
            let node = self.node;
            self.error(
                node,
                format!("the key `{key}` is missing"),
                Some(format!("add a line such as `{key}: {example}`")),
            );
        }
        found
    }

    pub fn string(&mut self, node: Option<&'a Node>) -> Option<String> {
        let node = node?;
        match node.as_str() {
            Some(text) => Some(text.to_owned()),
            None => {
                let found = node.describe();
                self.error(node, format!("expected text, found {found}"), None);
                None
            }
        }
    }

    pub fn boolean(&mut self, node: Option<&'a Node>) -> Option<bool> {
        let node = node?;
        match node.as_str() {
            Some("true" | "ja") => Some(true),
            Some("false" | "nej") => Some(false),
            _ => {
                let found = node.describe();
                self.error(node, format!("expected `true` or `false`, found {found}"), None);
                None
            }
        }
    }

    pub fn date(&mut self, node: Option<&'a Node>) -> Option<String> {
        let node = node?;
        let text = node.as_str().unwrap_or_default();
        if is_iso_date(text) {
            Some(text.to_owned())
        } else {
            let found = node.describe();
            self.error(
                node,
                format!("expected a date written YYYY-MM-DD, found {found}"),
                Some("for example `2014-02-06`".into()),
            );
            None
        }
    }

    pub fn one_of<T: Copy>(&mut self, node: Option<&'a Node>, choices: &[(&str, T)]) -> Option<T> {
        let node = node?;
        let text = node.as_str().unwrap_or_default();
        if let Some((_, v)) = choices.iter().find(|(name, _)| *name == text) {
            return Some(*v);
        }
        let names: Vec<String> = choices.iter().map(|(n, _)| format!("`{n}`")).collect();
        let found = node.describe();
        self.error(node, format!("expected one of {}, found {found}", names.join(", ")), None);
        None
    }

    /// Reports keys that were never asked for, with the nearest known key as a hint.
    pub fn finish(mut self) -> Diagnostics {
        let keys: Vec<&Node> = self.node.as_map().unwrap_or_default().iter().map(|(k, _)| k).collect();
        for key in keys {
            let name = key.as_str().unwrap_or_default();
            if !self.known.contains(&name) {
                let hint = match nearest(name, &self.known) {
                    Some(near) => format!("did you mean `{near}`?"),
                    // In `{a: b, c}` a comma ends the value; what follows reads as a key.
                    None if name.contains(' ') => {
                        "inside `{ … }` a comma ends a value: put text that holds commas in quotes".to_owned()
                    }
                    None => format!("known keys here: {}", self.known.join(", ")),
                };
                self.error(key, format!("unknown key `{name}`"), Some(hint));
            }
        }
        self.diagnostics
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
pub fn nearest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.chars().count() / 3))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn is_iso_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return false };
    let num = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok()).flatten()
    };
    matches!((num(y, 4), num(m, 2), num(d, 2)), (Some(_), Some(1..=12), Some(1..=31)))
}

/// A file name made of ASCII letters, digits and hyphens: `Årsredovisning 2013` → `arsredovisning-2013`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.to_lowercase().chars() {
        let mapped = match c {
            'å' | 'ä' | 'à' | 'á' | 'â' => 'a',
            'ö' | 'ø' | 'ó' | 'ô' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ú' => 'u',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if mapped != '-' || !slug.ends_with('-') {
            slug.push(mapped);
        }
    }
    slug.trim_matches('-').to_owned()
}

fn parse_config(node: &Node, source: &str) -> Result<ReportConfig, Diagnostics> {
    let mut f = Fields::new(node, CONFIG_FILE, source, "the report settings")?;
    let organisation = f.required("organisation", "Sjuhärads kommunalförbund").and_then(|n| f.string(Some(n)));
    let subtitle = f.optional("subtitle").and_then(|n| f.string(Some(n))).unwrap_or_default();
    let title = f.required("title", "Årsredovisning 2013").and_then(|n| f.string(Some(n)));
    let kind = f.required("kind", "arsredovisning").and_then(|n| f.one_of(Some(n), &DocumentKind::NAMES));
    let year_node = f.required("year", "2013");
    let year = year_node.and_then(|n| match n.as_str().and_then(|t| t.parse::<i32>().ok()) {
        Some(y) if (1900..=2200).contains(&y) => Some(y),
        _ => {
            let found = n.describe();
            f.error(n, format!("expected a year such as 2013, found {found}"), None);
            None
        }
    });
    let decision = f.optional("decision").and_then(|n| {
        let mut d = match Fields::new(n, CONFIG_FILE, source, "the decision (body and date)") {
            Ok(d) => d,
            Err(e) => {
                f.diagnostics.extend(e);
                return None;
            }
        };
        let body = d.required("body", "Direktionen").and_then(|n| d.string(Some(n)));
        let date = d.required("date", "2014-02-06").and_then(|n| d.date(Some(n)));
        f.diagnostics.extend(d.finish());
        Some(Decision { body: body?, date: date? })
    });
    let language = f.optional("language").and_then(|n| f.string(Some(n))).unwrap_or_else(|| "sv".into());
    let description = f.optional("description").and_then(|n| f.string(Some(n))).unwrap_or_default();
    let theme_node = f.optional("theme");
    let theme = theme_node.and_then(|n| f.string(Some(n))).unwrap_or_else(|| "default".into());
    if let Some(n) = theme_node
        && (theme.is_empty() || !theme.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    {
        f.error(
            n,
            format!("the theme name `{theme}` may hold only ASCII letters, digits, `-` and `_`"),
            Some("it names the folder themes/<name>/ in the project, e.g. `theme: kommunen`".into()),
        );
    }
    let chapter_numbers = f.optional("chapter_numbers").and_then(|n| f.boolean(Some(n))).unwrap_or(true);
    let output_name = f.optional("output_name").and_then(|n| f.string(Some(n)));
    let accessible_pdf = f.optional("accessible_pdf").and_then(|n| f.boolean(Some(n))).unwrap_or(true);
    let logo = f.optional("logo").and_then(|n| parse_logo(&mut f, n, source));
    let diagnostics = f.finish();
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let (Some(organisation), Some(title), Some(kind), Some(year)) = (organisation, title, kind, year) else {
        return Err(diagnostics);
    };
    let output_name = Some(output_name.map(|n| slugify(&n)).unwrap_or_else(|| slugify(&title)))
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "rapport".into());
    Ok(ReportConfig {
        organisation,
        subtitle,
        title,
        kind,
        year,
        decision,
        language,
        description,
        theme,
        chapter_numbers,
        output_name,
        accessible_pdf,
        logo,
    })
}

/// `logo: {file: images/logo.svg, alt: …}`, the file relative to `content/`.
fn parse_logo<'a>(f: &mut Fields<'a>, node: &'a Node, source: &'a str) -> Option<Logo> {
    let mut l = match Fields::new(node, CONFIG_FILE, source, "the logo (`file` and `alt`)") {
        Ok(l) => l,
        Err(e) => {
            f.diagnostics.extend(e);
            return None;
        }
    };
    let file_node = l.required("file", "images/logo.svg");
    let file = file_node.and_then(|n| l.string(Some(n)));
    let alt_node = l.required("alt", "Förbundets logotyp");
    let alt = alt_node.and_then(|n| l.string(Some(n)));
    if let (Some(n), Some(alt)) = (alt_node, &alt)
        && alt.trim().is_empty()
    {
        l.error(n, "the logo needs an alt text".into(), Some("say what it shows: `alt: Förbundets logotyp`".into()));
    }
    let path = match (file_node, &file) {
        (Some(n), Some(file)) => match content_path(file) {
            Ok(path) => Some(path),
            Err(message) => {
                l.error(n, message, Some("name an image inside the project, e.g. `file: images/logo.svg`".into()));
                None
            }
        },
        _ => None,
    };
    f.diagnostics.extend(l.finish());
    Some(Logo { file: path?, alt: alt?.trim().to_owned(), location: file_node?.location(CONFIG_FILE) })
}

/// A path written relative to `content/` as a project-relative path, refusing
/// anything outside the project and formats typst cannot place.
fn content_path(file: &str) -> Result<String, String> {
    if file.contains("://") || file.starts_with('/') || file.starts_with('\\') || file.contains(':') {
        return Err(format!("the logo `{file}` must be a file inside the project"));
    }
    let mut parts = vec!["content"];
    for part in file.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("the logo `{file}` lies outside the project"));
                }
            }
            p => parts.push(p),
        }
    }
    let extension = file.rsplit_once('.').map(|(_, e)| e.to_lowercase()).unwrap_or_default();
    if !LOGO_FORMATS.contains(&extension.as_str()) {
        return Err(format!("the logo `{file}` is not an image typst can place ({})", LOGO_FORMATS.join(", ")));
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Result<ReportConfig, Diagnostics> {
        parse_config(&yaml::parse(text, CONFIG_FILE).unwrap(), text)
    }

    #[test]
    fn reads_a_complete_config() {
        let c = config(
            "organisation: Sjuhärads kommunalförbund\ntitle: Årsredovisning 2013\nkind: arsredovisning\nyear: 2013\ndecision:\n  body: Direktionen\n  date: 2014-02-06\n",
        )
        .unwrap();
        assert_eq!(c.output_name, "arsredovisning-2013");
        assert_eq!(c.decision.unwrap().date, "2014-02-06");
        assert_eq!(c.language, "sv");
    }

    #[test]
    fn reports_every_problem_at_once() {
        let err = config("organisaton: X\nkind: bok\nyear: tjugo\ndecision:\n  body: D\n  date: 6 feb\n").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("unknown key `organisaton`") && text.contains("did you mean `organisation`?"), "{text}");
        assert!(text.contains("`title` is missing"), "{text}");
        assert!(text.contains("expected one of `arsredovisning`"), "{text}");
        assert!(text.contains("expected a year"), "{text}");
        assert!(text.contains("YYYY-MM-DD"), "{text}");
        assert!(text.contains("content/report.yaml:2:7"), "{text}");
    }

    #[test]
    fn reads_the_logo_relative_to_the_content_folder() {
        let base = "organisation: X\ntitle: T\nkind: arsredovisning\nyear: 2013\n";
        let c = config(&format!("{base}logo:\n  file: images/logo.svg\n  alt: Förbundets logotyp\n")).unwrap();
        let logo = c.logo.unwrap();
        assert_eq!((logo.file.as_str(), logo.alt.as_str()), ("content/images/logo.svg", "Förbundets logotyp"));
        assert_eq!(logo.location, Location::new(CONFIG_FILE, 6, 9));

        let text = config(&format!("{base}logo:\n  file: ../../logo.svg\n  alt: \" \"\n")).unwrap_err().to_string();
        assert!(text.contains("lies outside the project") && text.contains("needs an alt text"), "{text}");
        let text = config(&format!("{base}logo:\n  file: logo.docx\n")).unwrap_err().to_string();
        assert!(text.contains("not an image") && text.contains("`alt` is missing"), "{text}");
        let text = config(&format!("{base}logo: images/logo.svg\n")).unwrap_err().to_string();
        assert!(text.contains("expected the logo (`file` and `alt`) as a mapping"), "{text}");
    }

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slugify("Årsredovisning 2013"), "arsredovisning-2013");
        assert_eq!(slugify("Verksamhetsplan och budget 2013"), "verksamhetsplan-och-budget-2013");
    }
}
