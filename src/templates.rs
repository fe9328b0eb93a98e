//! Tera: figures in chapter bodies (`{{ data.nyckeltal.arets_resultat | belopp }}`)
//! and the theme's page templates. Errors point into the chapter or theme file.

use rust_decimal::Decimal;
use tera::{Context, Kwargs, State, Tera, Value};

use crate::diagnostics::{Diagnostic, Location};
use crate::figures::Figures;
use crate::format::{format_amount, format_percent, parse_amount};
use crate::project::nearest;

/// A Tera engine with the document filters registered.
pub fn engine() -> Tera {
    let mut tera = Tera::new();
    tera.register_filter("belopp", |value: &Value, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
        Ok(format_amount(decimal(value, "belopp")?, decimals(&kwargs)?))
    });
    tera.register_filter("procent", |value: &Value, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
        Ok(format_percent(decimal(value, "procent")?, decimals(&kwargs)?))
    });
    tera
}

/// Registers `table(id="rr")`, which places a figures table, and
/// `notes(level=2)`, which places every note under its own heading.
pub fn register_figures(tera: &mut Tera, figures: &Figures, note_label: &str) {
    let ids: Vec<String> = figures.views.keys().cloned().collect();
    tera.register_function("table", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let id: &str = kwargs.must_get("id")?;
        if !ids.iter().any(|i| i == id) {
            let names: Vec<&str> = ids.iter().map(String::as_str).collect();
            let hint = nearest(id, &names).map(|n| format!("; did you mean `{n}`?")).unwrap_or_default();
            return Err(tera::Error::message(format!("there is no table `{id}`{hint}")));
        }
        Ok(Value::safe_string(&table_block(id)))
    });
    let notes: Vec<(String, usize, String)> = figures
        .notes
        .iter()
        .filter_map(|id| figures.views.get(id))
        .map(|v| (v.id.clone(), v.note_number.unwrap_or(0), v.title.clone()))
        .collect();
    let note_label = note_label.to_owned();
    tera.register_function("notes", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let level = kwargs.get::<usize>("level")?.unwrap_or(2).clamp(2, 6);
        let mut out = String::new();
        for (id, number, title) in &notes {
            // The title is text, not Markdown: `*`, `<` or `#` in it are shown as they are.
            let title = crate::goals::render::escape_markdown(title);
            out.push_str(&format!("\n{} {note_label} {number} {title} {{#not-{id}}}\n", "#".repeat(level)));
            out.push_str(&table_block(id));
        }
        Ok(Value::safe_string(&out))
    });
}

fn table_block(id: &str) -> String {
    format!("\n```{}\n{id}\n```\n", crate::markdown::TABLE_BLOCK)
}

fn decimals(kwargs: &Kwargs) -> tera::TeraResult<Option<u32>> {
    match kwargs.get::<u32>("decimaler")? {
        Some(n) if n > 6 => Err(tera::Error::message(format!("`decimaler` must be from 0 to 6, found {n}"))),
        n => Ok(n),
    }
}

/// The exact decimal behind a template value: an integer, or the text of an amount.
fn decimal(value: &Value, filter: &str) -> tera::TeraResult<Decimal> {
    if let Some(i) = value.as_i128() {
        return Decimal::try_from_i128_with_scale(i, 0)
            .map_err(|_| tera::Error::message(format!("the number {i} is too large for `{filter}`")));
    }
    if let Some(text) = value.as_str() {
        return parse_amount(text).map_err(|e| tera::Error::message(format!("`{filter}`: {e}")));
    }
    if value.is_undefined() {
        return Err(tera::Error::message(format!("`{filter}` was given a figure that does not exist")));
    }
    Err(tera::Error::message(format!("`{filter}` expects a number, found {}", value.name())))
}

/// Expands the Tera expressions in a chapter body. Bodies without any are returned as they are.
pub fn expand_chapter(
    tera: &Tera,
    body: &str,
    context: &Context,
    file: &str,
    line_offset: usize,
    full_source: &str,
) -> Result<String, Diagnostic> {
    if !(body.contains("{{") || body.contains("{%") || body.contains("{#")) {
        return Ok(body.to_owned());
    }
    let body = blank_comments(body);
    let mut out = Limited { bytes: Vec::with_capacity(body.len()), over: false };
    match tera.render_str_to(&body, context, false, &mut out) {
        Ok(()) => Ok(String::from_utf8_lossy(&out.bytes).into_owned()),
        Err(_) if out.over => Err(Diagnostic::error(
            Some(Location::file(file)),
            format!("the chapter grows beyond {} MB when its template expressions are expanded", MAX_EXPANDED >> 20),
        )
        .with_hint("a loop (`{% for … %}`) probably repeats far more often than meant")),
        Err(e) => Err(to_diagnostic(&e, |_| file.to_owned(), line_offset).with_source(full_source)),
    }
}

/// The most a chapter may grow to when its expressions are expanded: far
/// beyond any real chapter, well before a runaway loop exhausts the memory.
const MAX_EXPANDED: usize = 64 << 20;

/// Collects the expanded chapter and stops it at [`MAX_EXPANDED`].
struct Limited {
    bytes: Vec<u8>,
    over: bool,
}

impl std::io::Write for Limited {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_EXPANDED {
            self.over = true;
            return Err(std::io::Error::other("the chapter is too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Replaces each `{# … #}` comment with the line breaks it spans, so lines
/// after it keep their numbers in the expanded body (and in messages).
fn blank_comments(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find("{#") {
        let Some(len) = rest[start..].find("#}") else { break };
        out.push_str(&rest[..start]);
        out.extend(rest[start..start + len].matches('\n').map(|_| '\n'));
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// Converts a Tera error into a diagnostic. `file_for` maps a template name to
/// the file shown to the user; `line_offset` is added to the reported line.
pub fn to_diagnostic(err: &tera::Error, file_for: impl Fn(&str) -> String, line_offset: usize) -> Diagnostic {
    use tera::ErrorKind;
    match err.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let span = report.span();
            let location =
                Location::new(file_for(report.filename()), span.start_line + line_offset, span.start_col + 1);
            let message = plain_message(report.message(), err);
            Diagnostic::error(Some(location), message).with_hint(hint_for(report.message()))
        }
        _ => Diagnostic::error(None, plain_message(&err.to_string(), err)),
    }
}

/// Tera's message, followed by the cause a filter gave, if any.
fn plain_message(message: &str, err: &tera::Error) -> String {
    let mut text = message.to_owned();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn hint_for(message: &str) -> &'static str {
    if message.contains("Found integer but expected identifier") {
        // `figures.rr.arets_resultat.2013`: a column written like a name.
        "a column such as 2013 is written in brackets and quotes after the line: `figures.rr.arets_resultat[\"2013\"]`"
    } else if message.contains("there is no table") {
        "tables and notes are declared in content/data/*.yaml under `tables:` and `notes:`; use their `id`"
    } else if message.contains("not found") || message.contains("undefined") || message.contains("does not exist") {
        "figures come from content/data/<file>.yaml and are written `{{ data.<file>.<key> | belopp }}`"
    } else {
        "template expressions are written `{{ … }}`; check the brackets and names"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(body: &str, data: &str) -> Result<String, Diagnostic> {
        let node = crate::yaml::parse(data, "d.yaml").unwrap();
        let mut files = crate::data::DataFiles::default();
        files.files.insert("nyckeltal".into(), node);
        let mut context = Context::new();
        context.insert_value("data", files.to_value());
        expand_chapter(&engine(), body, &context, "content/chapters/02-a.md", 3, body)
    }

    #[test]
    fn belopp_formats_the_swedish_way() {
        let out = render(
            "Resultat {{ data.nyckeltal.r | belopp }}, {{ data.nyckeltal.k | belopp }}, {{ data.nyckeltal.x | belopp(decimaler=1) }}, {{ data.nyckeltal.p | procent }}.",
            "r: 2702\nk: -50 970\nx: 29 716,54\np: 3,2\n",
        )
        .unwrap();
        assert_eq!(out, "Resultat 2\u{a0}702, \u{2212}50\u{a0}970, 29\u{a0}716,5, 3,2\u{a0}%.");
    }

    #[test]
    fn comments_keep_the_line_count() {
        assert_eq!(blank_comments("a {# x\ny\nz #}b\nc"), "a \n\nb\nc");
        assert_eq!(blank_comments("ingen {# slut"), "ingen {# slut");
    }

    #[test]
    fn a_missing_figure_names_the_chapter_line() {
        let err = render("Rad ett\n\nResultat {{ data.nyckeltal.saknas | belopp }}.", "r: 1\n").unwrap_err();
        let loc = err.location.clone().unwrap();
        assert_eq!((loc.file.as_str(), loc.line), ("content/chapters/02-a.md", 6), "{err}");
    }
}
