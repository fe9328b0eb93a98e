//! Data files under `content/data/`: each `name.yaml` becomes `data.name` in
//! chapters and templates. Amounts keep their exact value: integers become
//! integers, other decimals are passed as their exact text.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics, Location, display_path};
use crate::format::parse_amount;
use crate::yaml::{self, Node, NodeKind};

/// Every data file, parsed, by name (the file stem).
#[derive(Debug, Default, Clone)]
pub struct DataFiles {
    pub files: BTreeMap<String, Node>,
    /// Project-relative path of each file, by name.
    pub paths: BTreeMap<String, String>,
    /// The text of each file, by project-relative path, for messages.
    pub sources: BTreeMap<String, String>,
    /// The project folder, which ledger files are named relative to.
    pub root: PathBuf,
    /// The months an interim document reports on: its ledger-fed columns
    /// named like a year cover these months of that year.
    pub period: Option<crate::ledger::tables::ReportPeriod>,
}

impl DataFiles {
    pub fn load(root: &Path) -> Result<DataFiles, Diagnostics> {
        let dir = root.join("content/data");
        let mut data = DataFiles { root: root.to_path_buf(), ..DataFiles::default() };
        if !crate::listing::folder_exists(root, &dir)? {
            return Ok(data);
        }
        if !crate::project::resolves_inside(root, &dir) {
            return Err(crate::project::outside_the_project("content/data").into());
        }
        let mut diagnostics = Diagnostics::new();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let mut entries = crate::listing::entries(WalkDir::new(&dir).min_depth(1).max_depth(1), root)?;
        entries.sort_by(|a, b| a.file_name().cmp(b.file_name()));
        for entry in entries {
            let path = entry.path();
            if !path.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                continue;
            }
            let file = display_path(root, path);
            if entry.path_is_symlink() {
                diagnostics.push(
                    Diagnostic::error(Some(Location::file(&file)), "data files may not be symbolic links")
                        .with_hint("copy the file into content/data/ instead"),
                );
                continue;
            }
            let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            if stem.is_empty() || !stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                diagnostics.push(
                    Diagnostic::error(
                        Some(Location::file(&file)),
                        format!("the data file name `{stem}` cannot be used in a chapter"),
                    )
                    .with_hint(
                        "use ASCII letters, digits and `_` only, e.g. `nyckeltal.yaml`, used as `data.nyckeltal`",
                    ),
                );
                continue;
            }
            // `nyckeltal.yaml` and `nyckeltal.yml` would both be `data.nyckeltal`:
            // one would silently hide the other.
            if let Some(first) = seen.insert(stem.clone(), file.clone()) {
                diagnostics.push(
                    Diagnostic::error(
                        Some(Location::file(&file)),
                        format!("{first} and {file} are both `data.{stem}`"),
                    )
                    .with_hint("keep the figures in one of the two files and delete the other"),
                );
                continue;
            }
            let source = match crate::input::read_text(path, &file) {
                Ok(text) => text,
                Err(e) => {
                    diagnostics.extend(e);
                    continue;
                }
            };
            match yaml::parse(&source, &file) {
                // Often what is left of a save or a copy that went wrong.
                Ok(node) if node.kind == NodeKind::Null => diagnostics.push(
                    Diagnostic::error(Some(Location::file(&file)), "the data file is empty")
                        .with_hint("write its figures as `key: value` lines, or delete the file"),
                ),
                Ok(node) => {
                    diagnostics.extend(check_amounts(&node, &file, &source));
                    data.files.insert(stem.clone(), node);
                    data.paths.insert(stem, file.clone());
                    data.sources.insert(file, source);
                }
                Err(e) => diagnostics.extend(e),
            }
        }
        diagnostics.into_result().map(|_| data)
    }

    /// The data as a template value: `{ name: contents, … }`.
    pub fn to_value(&self) -> tera::Value {
        let map: BTreeMap<String, tera::Value> = self.files.iter().map(|(k, v)| (k.clone(), to_value(v))).collect();
        tera::Value::from(map)
    }
}

/// A plain scalar that looks numeric but is not a valid amount (e.g. `29 71`) is
/// almost certainly a typo; say so rather than treat it as text.
fn check_amounts(node: &Node, file: &str, source: &str) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match &node.kind {
            NodeKind::Scalar { text, quoted: false } => {
                let digits = text.chars().filter(char::is_ascii_digit).count();
                let numeric_looking = digits > 0
                    && text.chars().all(|c| {
                        c.is_ascii_digit() || matches!(c, ' ' | ',' | '.' | '-' | '+' | '\u{2212}' | '\u{a0}')
                    })
                    && !is_date_like(text);
                if numeric_looking && let Err(message) = parse_amount(text) {
                    diagnostics.push(
                        Diagnostic::error(Some(node.location(file)), message)
                            .with_hint("group digits in threes (`29 716`), or put quotes around text")
                            .with_source(source),
                    );
                }
            }
            NodeKind::Seq(items) => stack.extend(items.iter()),
            NodeKind::Map(entries) => stack.extend(entries.iter().map(|(_, v)| v)),
            _ => {}
        }
    }
    diagnostics
}

fn is_date_like(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-'
}

fn to_value(node: &Node) -> tera::Value {
    match &node.kind {
        NodeKind::Null => tera::Value::none(),
        NodeKind::Scalar { text, quoted: true } => tera::Value::from(text.as_str()),
        NodeKind::Scalar { text, quoted: false } => match text.as_str() {
            "true" => tera::Value::from(true),
            "false" => tera::Value::from(false),
            _ => match parse_amount(text) {
                Ok(d) if d.scale() == 0 => tera::Value::from(d.mantissa()),
                // Kept as exact text; the number filters parse it back exactly.
                Ok(d) => tera::Value::from(d.to_string()),
                Err(_) => tera::Value::from(text.as_str()),
            },
        },
        NodeKind::Seq(items) => tera::Value::from(items.iter().map(to_value).collect::<Vec<_>>()),
        NodeKind::Map(entries) => {
            let map: BTreeMap<String, tera::Value> =
                entries.iter().map(|(k, v)| (k.as_str().unwrap_or_default().to_owned(), to_value(v))).collect();
            tera::Value::from(map)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_stay_exact_and_typos_are_caught() {
        let node = yaml::parse("a: 29 716\nb: 1.10\nc: '007'\nd: 2014-02-06\n", "d.yaml").unwrap();
        let v = to_value(&node);
        let get = |k: &str| v.get_from_path(k).cloned().unwrap();
        assert_eq!(get("a").as_i128(), Some(29716));
        assert_eq!(get("b").as_str(), Some("1.10"));
        assert_eq!(get("c").as_str(), Some("007"));
        assert_eq!(get("d").as_str(), Some("2014-02-06"));
        assert!(check_amounts(&node, "d.yaml", "").is_empty());

        let bad = yaml::parse("a: 29 71\n", "d.yaml").unwrap();
        let d = check_amounts(&bad, "d.yaml", "a: 29 71\n");
        assert_eq!(d.iter().next().unwrap().location, Some(Location::new("d.yaml", 1, 4)));
    }
}
