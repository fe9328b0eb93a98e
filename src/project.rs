//! A project on disk: its root, its `content/report.yaml`, and the paths the
//! other stages read from.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::site_links::SiteLinks;
use crate::yaml::{self, Node, NodeKind};

pub const CONFIG_FILE: &str = "content/report.yaml";

/// The kinds of document the tool knows how to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Arsredovisning,
    Verksamhetsplan,
    Delarsrapport,
    /// Interim reports of any whole-month period, e.g. January–April.
    Tertialrapport,
    Manadsrapport,
}

impl DocumentKind {
    pub const NAMES: [(&'static str, DocumentKind); 5] = [
        ("arsredovisning", DocumentKind::Arsredovisning),
        ("verksamhetsplan", DocumentKind::Verksamhetsplan),
        ("delarsrapport", DocumentKind::Delarsrapport),
        ("tertialrapport", DocumentKind::Tertialrapport),
        ("manadsrapport", DocumentKind::Manadsrapport),
    ];

    /// A report on part of the year, which names its `period`.
    pub fn is_interim(self) -> bool {
        matches!(self, DocumentKind::Delarsrapport | DocumentKind::Tertialrapport | DocumentKind::Manadsrapport)
    }

    pub fn name(self) -> &'static str {
        Self::NAMES.iter().find(|(_, k)| *k == self).map(|(n, _)| *n).unwrap_or_default()
    }
}

/// What kind of organisation the project reports for (LKBR applies to all
/// three); `check --lkbr` asks for the parts the law requires of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OrganisationType {
    Kommun,
    Region,
    Kommunalforbund,
}

impl OrganisationType {
    pub const NAMES: [(&'static str, OrganisationType); 3] = [
        ("kommun", OrganisationType::Kommun),
        ("region", OrganisationType::Region),
        ("kommunalforbund", OrganisationType::Kommunalforbund),
    ];

    pub fn name(self) -> &'static str {
        Self::NAMES.iter().find(|(_, t)| *t == self).map(|(n, _)| *n).unwrap_or_default()
    }
}

/// What the law asks of the organisation, from `report.yaml`; shared by every
/// document of the project, since it describes the organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LawSettings {
    /// `organisation_type:`; none when not stated.
    pub organisation_type: Option<OrganisationType>,
    /// `koncern: true`: the organisation has koncernföretag, so its
    /// årsredovisning needs sammanställda räkenskaper (LKBR 12 kap.).
    pub koncern: bool,
    /// `lkbr: strict`: the completeness findings of `check --lkbr` are errors
    /// under `--final`.
    pub strict: bool,
}

#[derive(Debug, Clone)]
pub struct Decision {
    pub body: String,
    /// ISO date, `YYYY-MM-DD`; none while the body has decided but the date is not set.
    pub date: Option<String>,
    /// Where the date is written in `report.yaml`, for messages about it.
    pub date_location: Option<Location>,
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
    /// The document's own date (`date:`), ISO, if given.
    pub date: Option<String>,
    pub language: String,
    pub description: String,
    /// Name of the theme; a project folder `themes/<name>/` overrides the built-in files.
    pub theme: String,
    /// Whether chapters are numbered (1, 2, 3 …) in the PDF and the site.
    pub chapter_numbers: bool,
    /// How many heading levels below the chapter title are numbered
    /// (1.1, 1.1.1 …); 0 when sections are not numbered.
    pub section_numbers: u8,
    /// Base name of the output files, e.g. `arsredovisning-2013`.
    pub output_name: String,
    /// Whether the PDF conforms to PDF/UA-1 and PDF/A-2a (the default).
    pub accessible_pdf: bool,
    /// The logo on the title page, if any.
    pub logo: Option<Logo>,
    /// The folder of the document's chapters, project-relative: `content/chapters`
    /// in a project of one document, `content/chapters/<name>` by default in one of several.
    pub chapters_dir: String,
    /// The folder of the site inside `output/`: `html`, or the document's name
    /// when the project holds several documents.
    pub site_dir: String,
    /// The months a delårsrapport covers.
    pub period: Option<Period>,
    /// The accessibility statement and contact every site page links to.
    pub site_links: SiteLinks,
    /// `organisation_type`, `koncern` and `lkbr`, shared by every document.
    pub law: LawSettings,
}

/// The longest output name: `<name>.pdf` must fit the 255 bytes most file
/// systems allow for a file name.
const MAX_OUTPUT_NAME: usize = 251;

impl ReportConfig {
    /// The date the PDF carries (its metadata and typst's `datetime.today()`),
    /// from the first of: the document's `date:`, its decision's date, the
    /// environment's `SOURCE_DATE_EPOCH` (the reproducible-builds
    /// convention), the day of the build (UTC). Never a date made up from the year.
    pub fn document_date(&self) -> Result<(i32, u32, u32), String> {
        let written = self.date.as_deref().or(self.decision.as_ref().and_then(|d| d.date.as_deref()));
        if let Some(date) = written {
            return iso_date(date).map_err(|_| format!("`{date}` is not a date"));
        }
        let seconds = match std::env::var("SOURCE_DATE_EPOCH") {
            Ok(text) => text.trim().parse::<i64>().map_err(|_| {
                format!("SOURCE_DATE_EPOCH must be a number of seconds since 1970-01-01, found `{text}`")
            })?,
            Err(_) => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or_default(),
        };
        Ok(civil_date(seconds.div_euclid(86_400)))
    }
}

/// The calendar date `days` days after 1970-01-01 (Howard Hinnant's algorithm).
fn civil_date(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year as i32, month, day)
}

/// The part of the year a delårsrapport covers, in whole months.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// ISO dates, `2013-01-01` and `2013-08-31`.
    pub from: String,
    pub to: String,
    /// The first and last month covered, 1–12.
    pub first_month: u32,
    pub last_month: u32,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    /// The documents of the project, in the order `report.yaml` lists them.
    pub documents: Vec<ReportConfig>,
}

impl Project {
    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }

    pub fn output_dir(&self) -> PathBuf {
        self.root.join("output")
    }

    /// The documents `--doc NAME` selects: the one named, or all of them.
    pub fn select(&self, name: Option<&str>) -> Result<Vec<&ReportConfig>, Diagnostic> {
        let Some(name) = name else { return Ok(self.documents.iter().collect()) };
        if let Some(doc) = self.documents.iter().find(|d| d.output_name == name) {
            return Ok(vec![doc]);
        }
        let names: Vec<&str> = self.documents.iter().map(|d| d.output_name.as_str()).collect();
        let hint = match nearest(name, &names) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("the project's documents are: {}", names.join(", ")),
        };
        Err(Diagnostic::error(Some(Location::file(CONFIG_FILE)), format!("the project has no document `{name}`"))
            .with_hint(hint))
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
        let source = crate::input::read_text(&path, CONFIG_FILE)?;
        let node = yaml::parse(&source, CONFIG_FILE)?;
        let documents = parse_config(&node, &source)?;
        if let Some(theme) = node.get("theme")
            && let Some(name) = theme.as_str()
            && name != "default"
            && !root.join("themes").join(name).is_dir()
        {
            return Err(Diagnostic::error(Some(theme.location(CONFIG_FILE)), format!("there is no theme `{name}`"))
                .with_source(&source)
                .with_hint(format!("create themes/{name}/ in the project, or remove `theme:` to use the default"))
                .into());
        }
        let Some(config) = documents.first() else {
            return Err(Diagnostic::error(Some(Location::file(CONFIG_FILE)), "the project lists no documents")
                .with_hint("add at least one document under `documents:`")
                .into());
        };
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
        Ok(Project { root, documents })
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

    /// The fields of a mapping nested in this one, or none if the node is
    /// not a mapping (which is then reported with this mapping's problems).
    pub fn nested(&mut self, node: &'a Node, what: &str) -> Option<Fields<'a>> {
        match Fields::new(node, self.file, self.source, what) {
            Ok(fields) => Some(fields),
            Err(e) => {
                self.diagnostics.extend(e);
                None
            }
        }
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
        match iso_date(text) {
            Ok(_) => Some(text.to_owned()),
            Err(Some(days)) => {
                let month = text.get(..7).unwrap_or(text);
                self.error(
                    node,
                    format!("`{text}` is not a real date: {month} has {days} days"),
                    Some("check the day and the month".into()),
                );
                None
            }
            Err(None) => {
                let found = node.describe();
                self.error(
                    node,
                    format!("expected a date written YYYY-MM-DD, found {found}"),
                    Some("for example `2014-02-06`".into()),
                );
                None
            }
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

pub fn edit_distance(a: &str, b: &str) -> usize {
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

/// A date written `YYYY-MM-DD` that exists in the calendar. A day beyond
/// its month's end (`2014-02-30`) fails with the month's number of days;
/// anything else that is not such a date fails with none.
fn iso_date(text: &str) -> Result<(i32, u32, u32), Option<u32>> {
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return Err(None) };
    let num = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok()).flatten()
    };
    match (num(y, 4), num(m, 2), num(d, 2)) {
        (Some(y), Some(m @ 1..=12), Some(d @ 1..=31)) => {
            let days = days_in_month(y as i32, m);
            if d <= days { Ok((y as i32, m, d)) } else { Err(Some(days)) }
        }
        _ => Err(None),
    }
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

/// Reads `report.yaml`: the organisation's settings, and either one
/// document's settings beside them or a list of documents under `documents:`.
fn parse_config(node: &Node, source: &str) -> Result<Vec<ReportConfig>, Diagnostics> {
    let mut f = Fields::new(node, CONFIG_FILE, source, "the report settings")?;
    let organisation = f.required("organisation", "Sjuhärads kommunalförbund").and_then(|n| f.string(Some(n)));
    let subtitle = f.optional("subtitle").and_then(|n| f.string(Some(n))).unwrap_or_default();
    let language_node = f.optional("language");
    let language = language_node.and_then(|n| f.string(Some(n))).unwrap_or_else(|| "sv".into());
    // typst takes two or three letters (ISO 639); the theme's labels are in
    // i18n/<language>.yaml. Checked here, at the line, not where typst meets it.
    let valid_language = (2..=3).contains(&language.len()) && language.bytes().all(|b| b.is_ascii_lowercase());
    if let Some(n) = language_node
        && !valid_language
    {
        f.error(
            n,
            format!("expected a language code of two or three lowercase letters (ISO 639), found `{language}`"),
            Some("for example `language: sv`".into()),
        );
    }
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
    let logo = f.optional("logo").and_then(|n| parse_logo(&mut f, n));
    let site_links = SiteLinks::parse(&mut f);
    let law = parse_law_settings(&mut f);
    let shared = Shared {
        organisation: organisation.clone().unwrap_or_default(),
        subtitle,
        language,
        theme,
        logo,
        site_links,
        law,
    };

    let documents: Vec<Option<ReportConfig>> = match f.optional("documents") {
        None => vec![parse_document(&mut f, &shared, false)],
        Some(list) => match list.as_seq() {
            Some(items) if !items.is_empty() => items
                .iter()
                .map(|item| {
                    let mut d = f.nested(item, "a document")?;
                    let doc = parse_document(&mut d, &shared, true);
                    f.diagnostics.extend(d.finish());
                    doc
                })
                .collect(),
            _ => {
                let found = list.describe();
                f.error(
                    list,
                    format!("expected a list of documents, found {found}"),
                    Some("write each document as a `- title: …` item under `documents:`".into()),
                );
                Vec::new()
            }
        },
    };
    let mut diagnostics = f.finish();
    let mut seen: Vec<&str> = Vec::new();
    for doc in documents.iter().flatten() {
        if seen.contains(&doc.output_name.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    Some(Location::file(CONFIG_FILE)),
                    format!("two documents are named `{}`", doc.output_name),
                )
                .with_hint("give each document its own `output_name`; it names its files and `--doc`"),
            );
        }
        seen.push(&doc.output_name);
    }
    if diagnostics.has_errors() || organisation.is_none() {
        return Err(diagnostics);
    }
    documents.into_iter().collect::<Option<Vec<_>>>().ok_or(diagnostics)
}

/// The settings every document of a project shares.
struct Shared {
    organisation: String,
    subtitle: String,
    language: String,
    theme: String,
    logo: Option<Logo>,
    site_links: SiteLinks,
    law: LawSettings,
}

/// `organisation_type: kommun|region|kommunalforbund`, `koncern: true|false`
/// and `lkbr: strict`, at the top of `report.yaml`.
fn parse_law_settings(f: &mut Fields) -> LawSettings {
    let organisation_type = f.optional("organisation_type").and_then(|n| f.one_of(Some(n), &OrganisationType::NAMES));
    let koncern = f.optional("koncern").and_then(|n| f.boolean(Some(n))).unwrap_or(false);
    let strict = f.optional("lkbr").and_then(|n| f.one_of(Some(n), &[("strict", true)])).unwrap_or(false);
    LawSettings { organisation_type, koncern, strict }
}

/// One document's settings. In a project of several, each document also
/// names its folder of chapters and gets its own folder of the site.
fn parse_document<'a>(f: &mut Fields<'a>, shared: &Shared, several: bool) -> Option<ReportConfig> {
    let title_node = f.required("title", "Årsredovisning 2013");
    let title = title_node.and_then(|n| f.string(Some(n)));
    let kind_node = f.required("kind", "arsredovisning");
    let kind = kind_node.and_then(|n| f.one_of(Some(n), &DocumentKind::NAMES));
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
        let mut d = f.nested(n, "the decision (body and date)")?;
        let body = d.required("body", "Direktionen").and_then(|n| d.string(Some(n)));
        // A plan may be decided before the date is set; the date is then left out.
        let date_node = d.optional("date");
        let date = date_node.and_then(|n| d.date(Some(n)));
        f.diagnostics.extend(d.finish());
        if date_node.is_some() && date.is_none() {
            return None;
        }
        let date_location = date_node.map(|n| n.location(CONFIG_FILE));
        Some(Decision { body: body?, date, date_location })
    });
    let date = f.optional("date").and_then(|n| f.date(Some(n)));
    let description = f.optional("description").and_then(|n| f.string(Some(n))).unwrap_or_default();
    let chapter_numbers = f.optional("chapter_numbers").and_then(|n| f.boolean(Some(n))).unwrap_or(true);
    let section_numbers = f.optional("section_numbers").and_then(|n| section_depth(f, n)).unwrap_or(0);
    let output_name_node = f.optional("output_name");
    let output_name = output_name_node.and_then(|n| f.string(Some(n)));
    let accessible_pdf = f.optional("accessible_pdf").and_then(|n| f.boolean(Some(n))).unwrap_or(true);
    let period_node = f.optional("period");
    let law_months = kind == Some(DocumentKind::Delarsrapport);
    let period = period_node.and_then(|n| parse_period(f, n, year, law_months));
    let chapters_node = if several { f.optional("chapters") } else { None };
    let chapters = chapters_node.and_then(|n| f.string(Some(n)));

    let (title, kind, year) = (title?, kind?, year?);
    match (kind, period_node) {
        (k, None) if k.is_interim() => {
            // The kind is what asks for a period: the message stands at its line.
            let node = kind_node.unwrap_or(f.node);
            f.error(
                node,
                format!(
                    "a {} needs the `period` it covers",
                    match k {
                        DocumentKind::Tertialrapport => "tertialrapport",
                        DocumentKind::Manadsrapport => "månadsrapport",
                        _ => "delårsrapport",
                    }
                ),
                Some(format!("add `period: {{from: {year}-01-01, to: {year}-08-31}}`")),
            );
        }
        (DocumentKind::Arsredovisning | DocumentKind::Verksamhetsplan, Some(n)) => f.error(
            n,
            format!("only a delårsrapport has a `period`; this document is a {}", kind.name()),
            Some("an årsredovisning and a verksamhetsplan cover the whole `year`".into()),
        ),
        _ => {}
    }
    let output_name = Some(output_name.map(|n| slugify(&n)).unwrap_or_else(|| slugify(&title)))
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "rapport".into());
    if output_name.len() > MAX_OUTPUT_NAME {
        // The name comes from `output_name:` if written, else from the title.
        let at = output_name_node.or(title_node).unwrap_or(f.node);
        f.error(
            at,
            format!(
                "the output name made from this is {} characters long; a file name has room for {} before `.pdf`",
                output_name.len(),
                MAX_OUTPUT_NAME
            ),
            Some("add a shorter `output_name:`, e.g. `output_name: arsredovisning-2013`".into()),
        );
        return None;
    }
    let chapters_dir = match (chapters_node, chapters) {
        (Some(n), Some(folder)) => match content_folder(&folder) {
            Ok(dir) => dir,
            Err(message) => {
                f.error(n, message, Some(format!("for example `chapters: chapters/{output_name}`")));
                return None;
            }
        },
        _ if several => format!("content/chapters/{output_name}"),
        _ => "content/chapters".to_owned(),
    };
    let site_dir = if several { output_name.clone() } else { "html".to_owned() };
    Some(ReportConfig {
        organisation: shared.organisation.clone(),
        subtitle: shared.subtitle.clone(),
        title,
        kind,
        year,
        decision,
        date,
        language: shared.language.clone(),
        description,
        theme: shared.theme.clone(),
        chapter_numbers,
        section_numbers,
        output_name,
        accessible_pdf,
        logo: shared.logo.clone(),
        chapters_dir,
        site_dir,
        period: period.flatten(),
        site_links: shared.site_links.clone(),
        law: shared.law.clone(),
    })
}

/// `period: {from: 2013-01-01, to: 2013-08-31}`: whole months of the `year`;
/// with `law_months` (a delårsrapport) at least half of it and at most two
/// thirds (13 kap. LKBR, RKR R17).
fn parse_period<'a>(f: &mut Fields<'a>, node: &'a Node, year: Option<i32>, law_months: bool) -> Option<Option<Period>> {
    let mut p = f.nested(node, "the period (`from` and `to`)")?;
    let from_node = p.required("from", "2013-01-01");
    let from = from_node.and_then(|n| p.date(Some(n)));
    let to_node = p.required("to", "2013-08-31");
    let to = to_node.and_then(|n| p.date(Some(n)));
    let mut period = None;
    if let (Some(from), Some(to), Some(from_node), Some(to_node)) = (from, to, from_node, to_node) {
        let parts = |d: &str| -> (i32, u32, u32) {
            let mut it = d.split('-').map(|x| x.parse::<i64>().unwrap_or_default());
            (
                it.next().unwrap_or_default() as i32,
                it.next().unwrap_or_default() as u32,
                it.next().unwrap_or_default() as u32,
            )
        };
        let ((fy, fm, fd), (ty, tm, td)) = (parts(&from), parts(&to));
        if let Some(year) = year
            && (fy != year || ty != year)
        {
            let at = if fy != year { from_node } else { to_node };
            p.error(at, format!("the period must lie within {year}, the document's `year`"), None);
        } else if fd != 1 {
            p.error(from_node, format!("the period starts on the first of a month, not on {from}"), None);
        } else if td != days_in_month(ty, tm) {
            let last = format!("{ty}-{tm:02}-{:02}", days_in_month(ty, tm));
            p.error(
                to_node,
                format!("the period ends on the last day of a month, not on {to}"),
                Some(format!("did you mean `{last}`?")),
            );
        } else if tm < fm {
            p.error(to_node, format!("the period ends ({to}) before it starts ({from})"), None);
        } else if law_months && !(6..=8).contains(&(tm - fm + 1)) {
            let months = tm - fm + 1;
            p.error(
                to_node,
                format!("a delårsrapport covers at least half and at most two thirds of the year (6 to 8 months); this period covers {months}"),
                Some(format!("for example `from: {fy}-01-01` and `to: {fy}-08-31`")),
            );
        } else {
            period = Some(Period { from, to, first_month: fm, last_month: tm });
        }
    }
    f.diagnostics.extend(p.finish());
    Some(period)
}

/// The number of days of `month` (1–12) in `year`.
pub(crate) fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A folder named relative to `content/`, as a project-relative path.
fn content_folder(folder: &str) -> Result<String, String> {
    let mut parts = vec!["content"];
    if folder.contains("://") || folder.starts_with('/') || folder.starts_with('\\') || folder.contains(':') {
        return Err(format!("the folder `{folder}` must be inside the content folder"));
    }
    for part in folder.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." if parts.len() > 1 => {
                parts.pop();
            }
            ".." => return Err(format!("the folder `{folder}` lies outside the content folder")),
            p => parts.push(p),
        }
    }
    if parts.len() == 1 {
        return Err("the chapters need a folder of their own inside the content folder".to_owned());
    }
    Ok(parts.join("/"))
}

/// `logo: {file: images/logo.svg, alt: …}`, the file relative to `content/`.
fn parse_logo<'a>(f: &mut Fields<'a>, node: &'a Node) -> Option<Logo> {
    let mut l = f.nested(node, "the logo (`file` and `alt`)")?;
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

/// `section_numbers:` — `false`, `true` (the levels `##` to `####`) or how
/// many levels below the chapter title are numbered, 1 to 5.
fn section_depth(f: &mut Fields, node: &Node) -> Option<u8> {
    let text = node.as_str().unwrap_or_default();
    match text {
        "false" | "nej" => Some(0),
        "true" | "ja" => Some(3),
        _ => match text.parse::<u8>() {
            Ok(depth @ 1..=5) => Some(depth),
            _ => {
                let found = node.describe();
                f.error(
                    node,
                    format!("expected `true`, `false` or a number of heading levels from 1 to 5, found {found}"),
                    Some("`section_numbers: 2` numbers `##` and `###` headings: 1.1, 1.1.1".into()),
                );
                None
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Result<ReportConfig, Diagnostics> {
        parse_config(&yaml::parse(text, CONFIG_FILE).unwrap(), text).map(|mut docs| docs.remove(0))
    }

    fn documents(text: &str) -> Result<Vec<ReportConfig>, Diagnostics> {
        parse_config(&yaml::parse(text, CONFIG_FILE).unwrap(), text)
    }

    #[test]
    fn reads_a_complete_config() {
        let c = config(
            "organisation: Sjuhärads kommunalförbund\ntitle: Årsredovisning 2013\nkind: arsredovisning\nyear: 2013\ndecision:\n  body: Direktionen\n  date: 2014-02-06\n",
        )
        .unwrap();
        assert_eq!(c.output_name, "arsredovisning-2013");
        assert_eq!(c.decision.unwrap().date.as_deref(), Some("2014-02-06"));
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
    fn reads_what_the_law_asks_of_the_organisation() {
        let base = "organisation: X\ntitle: T\nkind: arsredovisning\nyear: 2013\n";
        assert_eq!(config(base).unwrap().law, LawSettings::default());
        let c = config(&format!("{base}organisation_type: region\nkoncern: true\nlkbr: strict\n")).unwrap();
        let expected = LawSettings { organisation_type: Some(OrganisationType::Region), koncern: true, strict: true };
        assert_eq!(c.law, expected);
        let text = config(&format!("{base}organisation_type: landsting\nkoncern: kanske\nlkbr: sträng\n"))
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("expected one of `kommun`, `region`, `kommunalforbund`, found `landsting`")
                && text.contains("content/report.yaml:5:20"),
            "{text}"
        );
        assert!(text.contains("expected `true` or `false`") && text.contains("content/report.yaml:6:10"), "{text}");
        assert!(text.contains("expected one of `strict`") && text.contains("content/report.yaml:7:7"), "{text}");
        // Shared by the documents: not a key of one document.
        let text =
            documents("organisation: X\ndocuments:\n  - {title: A, kind: arsredovisning, year: 2013, koncern: true}\n")
                .unwrap_err()
                .to_string();
        assert!(text.contains("unknown key `koncern`"), "{text}");
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
    fn days_since_1970_are_calendar_dates() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(1_386_806_400 / 86_400), (2013, 12, 12));
        assert_eq!(civil_date(951_782_400 / 86_400), (2000, 2, 29));
        assert_eq!(civil_date(-1), (1969, 12, 31));
        assert_eq!(iso_date("2016-02-29"), Ok((2016, 2, 29)));
        assert_eq!(iso_date("2014-02-29"), Err(Some(28)));
        assert_eq!(iso_date("2014-04-31"), Err(Some(30)));
        assert_eq!(iso_date("2014-13-01"), Err(None));
    }

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slugify("Årsredovisning 2013"), "arsredovisning-2013");
        assert_eq!(slugify("Verksamhetsplan och budget 2013"), "verksamhetsplan-och-budget-2013");
    }

    #[test]
    fn several_documents_share_the_organisation_and_name_their_folders() {
        let docs = documents(
            "organisation: X\nlogo: {file: images/logo.svg, alt: Logotyp}\ndocuments:\n  - {title: Budget och verksamhetsplan 2013, kind: verksamhetsplan, year: 2013}\n  - {title: Årsredovisning 2013, kind: arsredovisning, year: 2013, chapters: ar}\n",
        )
        .unwrap();
        let names: Vec<_> =
            docs.iter().map(|d| (d.output_name.as_str(), d.chapters_dir.as_str(), d.site_dir.as_str())).collect();
        assert_eq!(
            names,
            [
                (
                    "budget-och-verksamhetsplan-2013",
                    "content/chapters/budget-och-verksamhetsplan-2013",
                    "budget-och-verksamhetsplan-2013"
                ),
                ("arsredovisning-2013", "content/ar", "arsredovisning-2013")
            ]
        );
        assert!(docs.iter().all(|d| d.organisation == "X" && d.logo.is_some()));
        let single = config("organisation: X\ntitle: T\nkind: arsredovisning\nyear: 2013\n").unwrap();
        assert_eq!((single.chapters_dir.as_str(), single.site_dir.as_str()), ("content/chapters", "html"));

        let text = documents(
            "organisation: X\ndocuments:\n  - {title: A, kind: arsredovisning, year: 2013, chapters: ../../x}\n  - {title: A, kind: arsredovisnig, year: 2013}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(text.contains("lies outside the content folder") && text.contains("expected one of"), "{text}");
        let text = documents("organisation: X\ndocuments:\n  - {title: A, kind: arsredovisning, year: 2013}\n  - {title: A, kind: verksamhetsplan, year: 2013}\n").unwrap_err().to_string();
        assert!(text.contains("two documents are named `a`"), "{text}");
        let text = documents("organisation: X\ndocuments: []\n").unwrap_err().to_string();
        assert!(text.contains("expected a list of documents"), "{text}");
        let text = config("organisation: X\ntitle: T\nkind: arsredovisning\nyear: 2013\nchapters: x\n")
            .unwrap_err()
            .to_string();
        assert!(text.contains("unknown key `chapters`"), "{text}");
    }

    #[test]
    fn a_delarsrapport_covers_half_to_two_thirds_of_its_year() {
        let base = "organisation: X\ntitle: Delårsrapport\nkind: delarsrapport\nyear: 2013\n";
        let c = config(&format!("{base}period: {{from: 2013-01-01, to: 2013-08-31}}\n")).unwrap();
        assert_eq!(c.period.map(|p| (p.first_month, p.last_month)), Some((1, 8)));
        for (period, expected) in [
            ("{from: 2013-01-01, to: 2013-09-30}", "this period covers 9"),
            ("{from: 2013-01-01, to: 2013-04-30}", "this period covers 4"),
            ("{from: 2013-01-01, to: 2013-08-30}", "did you mean `2013-08-31`?"),
            ("{from: 2013-01-02, to: 2013-08-31}", "starts on the first of a month"),
            ("{from: 2012-01-01, to: 2012-08-31}", "within 2013"),
            ("{from: 2013-08-01, to: 2013-01-31}", "before it starts"),
            ("{from: 2013-01-01}", "`to` is missing"),
        ] {
            let text = config(&format!("{base}period: {period}\n")).unwrap_err().to_string();
            assert!(text.contains(expected), "{period}: {text}");
        }
        assert!(config(base).unwrap_err().to_string().contains("needs the `period`"));
        let text = config(
            "organisation: X\ntitle: T\nkind: arsredovisning\nyear: 2013\nperiod: {from: 2013-01-01, to: 2013-08-31}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(text.contains("only a delårsrapport has a `period`"), "{text}");
    }
}
