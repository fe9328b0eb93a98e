//! People as data: the board, its substitutes, co-opted members and auditors,
//! each with role, party, municipality and the dates they served. A data file
//! with `people:` at the top is a people file; chapters place a list with
//! `{{ people(group="ordinarie") }}`.

use std::sync::Arc;

use tera::{Kwargs, State, Tera, Value};

use crate::data::DataFiles;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::goals::render::escape_markdown;
use crate::project::{Fields, nearest};

#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub name: String,
    pub group: String,
    pub role: String,
    pub party: String,
    pub municipality: String,
    /// ISO dates, when the person served only part of the period.
    pub from: String,
    pub to: String,
}

pub fn load(data: &DataFiles) -> Result<Vec<Person>, Diagnostics> {
    let mut people = Vec::new();
    let mut diagnostics = Diagnostics::new();
    for (stem, node) in &data.files {
        let Some(list) = node.get("people") else { continue };
        let file = data.paths.get(stem).cloned().unwrap_or_default();
        let source = data.sources.get(&file).map(String::as_str).unwrap_or_default();
        let Some(items) = list.as_seq() else {
            diagnostics.push(
                Diagnostic::error(
                    Some(list.location(&file)),
                    format!("expected a list of people, found {}", list.describe()),
                )
                .with_source(source),
            );
            continue;
        };
        for item in items {
            let mut f = match Fields::new(item, &file, source, "a person") {
                Ok(f) => f,
                Err(e) => {
                    diagnostics.extend(e);
                    continue;
                }
            };
            let name = f.required("name", "Ulf Olsson").and_then(|n| f.string(Some(n)));
            let group = f.required("group", "ordinarie").and_then(|n| f.string(Some(n)));
            let text =
                |f: &mut Fields, key: &'static str| f.optional(key).and_then(|n| f.string(Some(n))).unwrap_or_default();
            let role = text(&mut f, "role");
            let party = text(&mut f, "party");
            let municipality = text(&mut f, "municipality");
            let from = f.optional("from").and_then(|n| f.date(Some(n))).unwrap_or_default();
            let to = f.optional("to").and_then(|n| f.date(Some(n))).unwrap_or_default();
            diagnostics.extend(f.finish());
            if let (Some(name), Some(group)) = (name, group) {
                people.push(Person { name, group, role, party, municipality, from, to });
            }
        }
    }
    diagnostics.into_result().map(|_| people)
}

/// A board list as a Markdown table, with only the columns that have content.
pub fn table(labels: &crate::goals::render::Labels, people: &[&Person]) -> String {
    let label = |key: &str| labels.get(key).cloned().unwrap_or_else(|| key.to_owned());
    let period = |p: &Person| match (p.from.as_str(), p.to.as_str()) {
        ("", "") => String::new(),
        (from, "") => format!("{} {from}", label("from_date")),
        ("", to) => format!("{} {to}", label("to_date")),
        (from, to) => format!("{from}–{to}"),
    };
    type Column<'a> = (String, Box<dyn Fn(&Person) -> String + 'a>);
    let columns: Vec<Column> = vec![
        (label("person_role"), Box::new(|p: &Person| p.role.clone())),
        (label("person_name"), Box::new(|p: &Person| p.name.clone())),
        (label("person_party"), Box::new(|p: &Person| p.party.clone())),
        (label("person_municipality"), Box::new(|p: &Person| p.municipality.clone())),
        (label("person_period"), Box::new(period)),
    ];
    let used: Vec<&Column> = columns.iter().filter(|(_, get)| people.iter().any(|p| !get(p).is_empty())).collect();
    let mut out = String::from("\n|");
    for (header, _) in &used {
        out.push_str(&format!(" {} |", escape_markdown(header)));
    }
    out.push_str("\n|");
    out.push_str(&" --- |".repeat(used.len()));
    out.push('\n');
    for person in people {
        out.push('|');
        for (_, get) in &used {
            out.push_str(&format!(" {} |", escape_markdown(&get(person))));
        }
        out.push('\n');
    }
    out.push('\n');
    out
}

/// Registers `people(group="ersattare")`.
pub fn register(tera: &mut Tera, people: Vec<Person>, labels: &crate::goals::render::Labels) {
    let shared = Arc::new((people, labels.clone()));
    tera.register_function("people", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let (people, labels) = &*shared;
        let group: &str = kwargs.must_get("group")?;
        let members: Vec<&Person> = people.iter().filter(|p| p.group == group).collect();
        if members.is_empty() {
            let mut groups: Vec<&str> = people.iter().map(|p| p.group.as_str()).collect();
            groups.dedup();
            let hint = match nearest(group, &groups) {
                Some(n) => format!("; did you mean `{n}`?"),
                None => format!("; the groups are {}", groups.join(", ")),
            };
            return Err(tera::Error::message(format!("nobody belongs to the group `{group}`{hint}")));
        }
        Ok(Value::safe_string(&table(labels, &members)))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, role: &str, to: &str) -> Person {
        Person {
            name: name.into(),
            group: "g".into(),
            role: role.into(),
            party: "S".into(),
            municipality: "Marks kommun".into(),
            from: String::new(),
            to: to.into(),
        }
    }

    #[test]
    fn lists_only_the_columns_in_use() {
        let labels = [
            ("person_name", "Namn"),
            ("person_party", "Parti"),
            ("person_municipality", "Kommun"),
            ("person_period", "Period"),
            ("to_date", "t.o.m."),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let a = person("Pelle Pellby", "", "2013-04-11");
        let b = person("Lisa Dahlberg", "", "");
        let md = table(&labels, &[&a, &b]);
        assert!(md.contains("| Namn | Parti | Kommun | Period |"), "{md}");
        assert!(md.contains("| Pelle Pellby | S | Marks kommun | t\\.o\\.m\\. 2013\\-04\\-11 |"), "{md}");
        assert!(!md.contains("person_role"), "an unused column is left out: {md}");
    }
}
